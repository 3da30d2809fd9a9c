"""Passkeys in a real Chromium with a virtual authenticator (CDP's WebAuthn domain:
CTAP2, resident keys, user verification): added in settings, then signing in on the
welcome screen with nothing typed; a replayed or expired answer is refused.

WebAuthn needs a host name as relying party (never an IP address), so this app is
served at ``http://localhost:<port>`` without ``COACH_PUBLIC_URL``: the relying party
is then the trusted host the request came in on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.auth import COOKIE
from coach.accounts.models import DeviceSession, Passkey, PasskeyChallenge, Person
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import make_device_session, make_person
from tests.web.browser import rows, serving
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def localhost_url(make_app: Callable[..., Flask], migrated_app: Flask) -> Iterator[str]:
    with serving(make_app(PUBLIC_URL=None)) as port:
        yield f"http://localhost:{port}"


@pytest.fixture(scope="module")
def localhost_browser(playwright: Any) -> Iterator[Any]:
    """A Chromium that may reach localhost (the shared rules allow only 127.0.0.1, which
    cannot be a relying party), one for the module's tests."""
    args = [a for a in CHROMIUM_ARGS if not a.startswith("--host-resolver-rules")]
    args.append("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


@pytest.fixture
def phone(localhost_browser: Any) -> Iterator[Callable[[], Any]]:
    """Phone-sized contexts of that Chromium, fresh for each test."""
    contexts: list[Any] = []

    def open_phone() -> Any:
        # No service worker: Chromium may send a page's fetch through a registered
        # worker, and then page.route (which expires the challenge in one test) never
        # sees it; passkeys do not need the worker.
        context = localhost_browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale="da-DK",
            service_workers="block",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        context.close()


def with_authenticator(context: Any, page: Any) -> str:
    """A platform authenticator in this page that verifies the user without asking."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return str(added["authenticatorId"])


def signed_in_page(context: Any, url: str, person_id: int) -> Any:
    token, _ = make_device_session(db.session.get_one(Person, person_id))
    context.add_cookies([{"name": COOKIE, "value": token, "url": url}])
    return context.new_page()


def test_add_a_passkey_then_sign_in_with_it_typing_nothing(
    app: Flask, localhost_url: str, phone: Callable[[], Any]
) -> None:
    person = make_person(Role.MEMBER, display_name="Ditte")
    context = phone()
    page = signed_in_page(context, localhost_url, person.id)
    with_authenticator(context, page)

    page.goto(f"{localhost_url}/settings")
    page.get_by_label("Navn på den nye adgangsnøgle").fill("Ditte's Pixel")
    page.get_by_role("button", name="Tilføj en adgangsnøgle").click()
    page.get_by_text("Adgangsnøglen er tilføjet.").wait_for()
    page.locator("#s-passkeys").locator("xpath=..").get_by_text("Ditte's Pixel").wait_for()
    [passkey] = rows(Passkey)
    assert (passkey.person_id, passkey.name) == (person.id, "Ditte's Pixel")

    # Signed out, the same phone signs in with the passkey alone.
    context.clear_cookies()
    page.goto(f"{localhost_url}/")
    with page.expect_request("**/api/auth/passkeys/sign-in") as sent:
        page.get_by_role("button", name="Log ind med adgangsnøgle").click()
    page.locator("h1", has_text="I dag").wait_for()
    signed_in = [s for s in rows(DeviceSession) if s.person_id == person.id]
    assert len(signed_in) == 2  # the first session, and this one
    [used] = rows(Passkey)
    assert used.last_used_at is not None
    assert used.sign_count >= passkey.sign_count

    # The very same answer again (a replay) is refused: its challenge is used up.
    replayed = app.test_client().post(
        "/api/auth/passkeys/sign-in",
        data=sent.value.post_data,
        content_type="application/json",
        base_url=localhost_url,
    )
    assert replayed.status_code == 401, replayed.text
    assert "allerede brugt" in replayed.json["message"]  # a stranger: Danish
    assert len([s for s in rows(DeviceSession) if s.person_id == person.id]) == 2


def test_an_answer_after_the_challenge_expired_is_refused(
    app: Flask, localhost_url: str, phone: Callable[[], Any]
) -> None:
    person = make_person(Role.MEMBER)
    context = phone()
    page = signed_in_page(context, localhost_url, person.id)
    with_authenticator(context, page)
    page.goto(f"{localhost_url}/settings")
    page.get_by_role("button", name="Tilføj en adgangsnøgle").click()
    page.get_by_text("Adgangsnøglen er tilføjet.").wait_for()

    context.clear_cookies()
    page.goto(f"{localhost_url}/")
    # Options are fetched, then the person waits past the challenge's lifetime.
    page.route(
        "**/api/auth/passkeys/sign-in",
        lambda route: (expire_challenges(app), route.continue_()),
    )
    page.get_by_role("button", name="Log ind med adgangsnøgle").click()
    page.get_by_text("Den adgangsnøgle virkede ikke her.").wait_for()
    assert [s.person_id for s in rows(DeviceSession)] == [person.id]  # no new session
    assert rows(PasskeyChallenge) == []  # the expired one is gone too


def expire_challenges(app: Flask) -> None:
    # Playwright calls this from a thread of its own: no app context there yet.
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.update(PasskeyChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
