"""Browser tests: the real app on a loopback port, driven by the system Chromium.

Chromium comes from Debian (``/usr/bin/chromium``), never from ``playwright install``;
axe-core comes from the npm registry into a cache folder outside the repository. When
either is missing the tests are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import IN_CI

# The loopback push service (a real HTTP server) the reminder tests deliver to.
from tests.reminders.conftest import push  # noqa: F401

# The tests import the phone sizes from here too.
from tests.web.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    SMALL_PHONE,  # noqa: F401
    phone_context,
    serving,
)

NPM_CACHE = Path(os.environ.get("COACH_NPM_CACHE", Path.home() / ".cache" / "coach-tests" / "npm"))


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what}; under CI=true the browser tests must not be skipped")
    pytest.skip(what)


# Per package, not per session: Playwright's sync API keeps an asyncio loop running in
# this thread while it is open, and code under test outside tests/web (the reminder
# worker) starts loops of its own with asyncio.run() in this thread. The browser tests
# run one after the other for each database; the driver closes after each run of them.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    try:
        from playwright import sync_api
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_api.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js, installed with npm into a cache folder on first use."""
    script = NPM_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm is missing, so axe-core cannot be installed")
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "--prefix",
                str(NPM_CACHE),
                "axe-core@4",
            ],
            check=True,
            timeout=300,
        )
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def live_url(migrated_app: Flask) -> Iterator[str]:
    """The app served by a real HTTP server in a thread (the browser needs sockets)."""
    with serving(migrated_app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def phone(browser: Any) -> Iterator[Callable[..., Any]]:
    """Phone-sized contexts of the shared Chromium, at ``viewport`` and in ``locale``
    (Danish at 390x844 unless told): a service worker, its caches and IndexedDB as on a
    phone, at a new context's cost (about half a second) instead of a browser's launch
    (two to four). Such a context is incognito, though: never installable, and without
    push messaging (see ``persistent_phone``)."""
    contexts: list[Any] = []

    def open_phone(viewport: dict[str, int] = PHONE, locale: str = "da-DK") -> Any:
        context = phone_context(browser, viewport, locale)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def persistent_phone(playwright: Any, tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """A phone-sized Chromium with a persistent profile, for what incognito lacks: being
    installable, and push messaging (where subscribing waits as on a real phone)."""
    contexts: list[Any] = []

    def open_phone() -> Any:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{len(contexts)}"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="da-DK",
            timezone_id="Europe/Copenhagen",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """Where this test's screenshots go (pytest's temporary output, not the repository)."""
    folder = tmp_path_factory.getbasetemp() / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="package")
def browser(playwright: Any) -> Iterator[Any]:
    """One Chromium for the browser tests; each test gets fresh contexts (cheap)."""
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def handset(browser: Any) -> Iterator[Callable[..., Any]]:
    """A page in a fresh phone-sized context of the shared browser, at ``viewport`` and
    in ``locale``: cheaper than a persistent profile where installing is not tested."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = PHONE, locale: str = "da-DK") -> Any:
        context = phone_context(browser, viewport, locale)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
