"""Helpers the browser tests share, and scripts/screenshots.py with them: the Chromium
to drive and a phone-sized context of it, serving the app, signing a person in, waiting
on the server, reading its rows, axe-core."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from coach.accounts.auth import COOKIE
from coach.accounts.models import Person
from coach.extensions import db
from coach.web import screens
from tests.factories import make_device_session

CHROMIUM = os.environ.get("COACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}


def phone_context(
    browser: Any, viewport: dict[str, int] = PHONE, locale: str = "da-DK", scale: float = 2
) -> Any:
    """A fresh phone-sized context of ``browser`` (a touch screen in Copenhagen)."""
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=scale,
        is_mobile=True,
        has_touch=True,
        locale=locale,
        timezone_id="Europe/Copenhagen",
    )
    context.set_default_timeout(10_000)
    return context


def signed_in_page(context: Any, live_url: str, person: Person) -> Any:
    """A page of ``context`` signed in as ``person`` (the session cookie set directly);
    ``page.errors`` collects the page's uncaught errors, ``page.csrf_token`` is the
    device's token for writes made with ``page.request``."""
    token, csrf = make_device_session(person)
    context.add_cookies([{"name": COOKIE, "value": token, "url": live_url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.csrf_token = csrf
    return page


def ready(page: Any) -> None:
    """Wait until the app has drawn its screen."""
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")


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


# A value for each kind of placeholder in a rule (an any() gives each of its own).
_SAMPLES = {
    "int": "7",
    "uuid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "default": "abc",
    "string": "abc",
    "path": "js/app.js",
}


def sample_paths(rule: str) -> list[str]:
    """Paths that Werkzeug's ``rule`` matches, with a sample for each placeholder."""
    paths, position = [""], 0
    for placeholder in screens.PLACEHOLDER.finditer(rule):
        kind = placeholder["converter"] or "default"
        if kind == "any":
            values = [v.strip(" '\"") for v in placeholder["arguments"].split(",")]
        else:
            values = [_SAMPLES[kind]]
        literal = rule[position : placeholder.start()]
        paths = [path + literal + value for path in paths for value in values]
        position = placeholder.end()
    return [path + rule[position:] for path in paths]


def screen_paths() -> list[str]:
    """A path for each screen of the app, every option of each of its placeholders."""
    return [path for rule in screens.RULES for path in sample_paths(rule)]
