"""Helpers the browser tests share: waiting on the server, reading its rows, axe-core."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from coach.extensions import db


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
