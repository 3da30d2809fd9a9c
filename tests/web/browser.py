"""Helpers the browser tests share: waiting on the server, reading its rows, axe-core."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from coach.extensions import db


@contextmanager
def serving(app: Flask) -> Iterator[int]:
    """The app served by a real HTTP server on 127.0.0.1 in a thread: its port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def rows(model: type) -> list[Any]:
    db.session.rollback()  # see what the server's own sessions committed
    return list(db.session.scalars(sa.select(model)))


def axe_violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol, which the page's strict CSP does not
    # govern (a <script> tag would be refused, as it should be).
    page.evaluate(f"{axe_source}\n;0")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
