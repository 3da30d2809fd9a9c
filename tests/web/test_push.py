"""Push reminders on the phone, in a real Chromium: the service worker shows what the
worker sends and acts on a tap; settings turn notifications on (or say why not), send
a test reminder through a loopback push service and warn when reminders stop arriving.

A test browser has no push service, so ``pushManager.subscribe`` never settles there:
the app's time-out is what is tested, and subscriptions are posted to the API as the
app would post the browser's ``PushSubscription.toJSON()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import DeviceSession, Person
from coach.database import utcnow
from coach.extensions import db
from coach.reminders.models import PushSubscription, ReminderSettings
from coach.reminders.service import reminder_message
from tests.factories import signed_in_client
from tests.reminders.push_service import Answer, PushService
from tests.web.browser import axe_violations, rows, wait_until
from tests.web.test_phone_app import controlled, invite_link, join

pytestmark = pytest.mark.browser

PERMISSIONS = ["notifications", "background-sync"]
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def phone_today() -> date:
    return datetime.now(ZoneInfo("Europe/Copenhagen")).date()  # the test phone's zone


def payload(language: str) -> str:
    """Today's reminder, as the worker encrypts it."""
    return reminder_message(language, phone_today()).encode().decode()


def signed_in_phone(phone: Callable[[], Any], live_url: str, *, allow: bool = True) -> Any:
    context = phone()
    if allow:
        context.grant_permissions(PERMISSIONS, origin=live_url)
    page = context.new_page()
    join(page, invite_link(live_url))
    controlled(page)
    return page


def app_worker(page: Any) -> Any:
    """Playwright's handle on the app's service worker, to evaluate code inside it."""
    context = page.context
    for worker in context.service_workers:
        if worker.url.endswith("/sw.js"):
            return worker
    return context.wait_for_event("serviceworker", lambda w: w.url.endswith("/sw.js"))


def settled(page: Any, check: Callable[[], bool], attempts: int = 200) -> None:
    """Wait for ``check`` while Playwright's loop runs (``wait_for_function`` does not
    await an async predicate, and the notification list is only reachable async)."""
    for _ in range(attempts):
        if check():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def registration_id(page: Any, cdp: Any, live_url: str) -> str:
    found: dict[str, str] = {}

    def seen(event: dict[str, Any]) -> None:
        for registration in event["registrations"]:
            if not registration["isDeleted"]:
                found[registration["scopeURL"]] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    settled(page, lambda: f"{live_url}/" in found)  # events arrive while the loop runs
    return found[f"{live_url}/"]


def notifications(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """async () => (await (await navigator.serviceWorker.ready).getNotifications())
            .map((n) => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang,
                          data: n.data, icon: n.icon, badge: n.badge,
                          actions: n.actions.map((a) => ({action: a.action, title: a.title}))}))"""
    )


# Counts the notifications the worker has finished showing, by wrapping
# showNotification from outside (the app's code stays as it is).
COUNT_SHOWN = """() => {
    if (self.shownForTest !== undefined) return self.shownForTest;
    self.shownForTest = 0;
    const show = self.registration.showNotification.bind(self.registration);
    self.registration.showNotification = (...args) =>
        show(...args).then(() => { self.shownForTest += 1; });
    return 0;
}"""


def deliver(page: Any, cdp: Any, live_url: str, registration: str, data: str) -> None:
    """A push message to the app's worker, as the push service would hand it over; returns
    once the worker has shown its notification. The list of notifications is only read
    after that: Chromium can drop a notification from the list if the list is read while
    it is still being displayed. Nothing is closed first either: the new notification
    replaces the old one with the same tag, as on a phone, and a close still on its way
    could take the new one down."""
    worker = app_worker(page)
    before = worker.evaluate(COUNT_SHOWN)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_url, "registrationId": registration, "data": data},
    )
    settled(page, lambda: worker.evaluate(COUNT_SHOWN) > before)


def post_subscription(page: Any, subscription: dict[str, Any]) -> int:
    """What the app posts once ``subscribe()`` settles on a real phone (api.js adds the
    CSRF token)."""
    api = page.evaluate(
        "() => document.querySelector('script[type=module]').src.replace('app.js', 'api.js')"
    )
    return page.evaluate(
        """async ([url, subscription]) => {
            const { api } = await import(url);
            return (await api('POST', '/api/push/subscriptions', subscription)).id;
        }""",
        [api, subscription],
    )


def click_notification(page: Any, action: str) -> None:
    """A tap on the shown notification (or one of its buttons), dispatched inside the
    worker: Chromium has no way to click a notification from outside."""
    app_worker(page).evaluate(
        """async (action) => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent('notificationclick', {notification, action}));
        }""",
        action,
    )


def test_a_push_shows_the_reminder_and_a_tap_opens_today_or_snoozes(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any]
) -> None:
    page = signed_in_phone(persistent_phone, live_url)
    cdp = page.context.new_cdp_session(page)
    registration = registration_id(page, cdp, live_url)

    deliver(page, cdp, live_url, registration, payload("da"))
    [shown] = notifications(page)
    assert shown["title"] == "Tid til dagens træning"
    assert shown["body"].startswith("Et par minutter med elastikken")
    assert shown["tag"] == f"coach-reminder-{phone_today().isoformat()}" and shown["lang"] == "da"
    assert shown["data"] == {"url": "/today"}
    assert shown["actions"] == [
        {"action": "start", "title": "Start nu"},
        {"action": "later", "title": "Senere"},
    ]
    assert shown["icon"].endswith("/icons/icon-192.png")
    assert shown["badge"].endswith("/icons/badge-96.png")

    # Not JSON, or JSON that is not a reminder: still a plain reminder, never nothing.
    for broken in ("this is not json", json.dumps(["a", "list"])):
        deliver(page, cdp, live_url, registration, broken)
        # Tagged with the phone's today: it replaces today's reminder, not adds one.
        [plain] = notifications(page)
        assert plain["tag"] == f"coach-reminder-{phone_today().isoformat()}"
        assert plain["title"] == "Coach" and plain["body"] == "Tid til dagens træning."
        assert plain["actions"] == [] and plain["data"] == {"url": "/today"}
        assert plain["lang"] == "da"

    # A tap on the notification itself brings the open window to today.
    deliver(page, cdp, live_url, registration, payload("en"))
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    page.locator("h1", has_text="Indstillinger").wait_for()
    click_notification(page, "")
    page.wait_for_url(f"{live_url}/today")
    page.locator("h1", has_text="I dag").wait_for()
    assert notifications(page) == []  # closed

    # Again after moving about in the app, and without a reload (a running timer would
    # be lost): the worker asks the app to show today instead of loading the window.
    page.evaluate("() => { window.sameDocument = true; }")
    page.get_by_role("link", name="Fremskridt", exact=True).click()
    page.locator("h1", has_text="Fremskridt").wait_for()
    deliver(page, cdp, live_url, registration, payload("da"))
    click_notification(page, "start")
    page.wait_for_url(f"{live_url}/today")
    page.locator("h1", has_text="I dag").wait_for()
    assert page.evaluate("() => window.sameDocument") is True

    # A window that is not the app (here the API's document) does not answer: it is
    # loaded at today.
    page.goto(f"{live_url}/api/openapi.json")
    deliver(page, cdp, live_url, registration, payload("da"))
    click_notification(page, "start")
    page.wait_for_url(f"{live_url}/today")
    page.locator("h1", has_text="I dag").wait_for()

    # "Later" asks the server to remind again in 15 minutes, with the stored CSRF token.
    deliver(page, cdp, live_url, registration, payload("da"))
    before = utcnow()
    click_notification(page, "later")
    wait_until(lambda: any(r.snoozed_until for r in rows(ReminderSettings)))
    [settings] = rows(ReminderSettings)
    assert settings.snoozed_until is not None
    snoozed = settings.snoozed_until - before
    assert timedelta(minutes=14) < snoozed <= timedelta(minutes=15, seconds=5)
    assert notifications(page) == []
    assert page.url == f"{live_url}/today"


def test_a_changed_subscription_is_sent_to_the_server_again(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any], push: PushService
) -> None:
    page = signed_in_phone(persistent_phone, live_url)
    old, new = push.new_browser(), push.new_browser()
    stored = post_subscription(page, old.subscription())
    assert isinstance(stored, int)
    # Chromium never fires pushsubscriptionchange itself; the event is dispatched with
    # what a browser hands the worker: the old subscription and the new one.
    app_worker(page).evaluate(
        """({oldEndpoint, subscription}) => {
            const event = new ExtendableEvent('pushsubscriptionchange');
            Object.defineProperty(event, 'oldSubscription', {value: {endpoint: oldEndpoint}});
            Object.defineProperty(event, 'newSubscription',
                {value: {endpoint: subscription.endpoint, toJSON: () => subscription}});
            self.dispatchEvent(event);
        }""",
        {"oldEndpoint": old.endpoint, "subscription": new.subscription()},
    )
    wait_until(lambda: [s.endpoint for s in rows(PushSubscription)] == [new.endpoint])
    [device] = rows(PushSubscription)
    [person] = rows(Person)
    assert device.person_id == person.id and device.p256dh == new.p256dh


def test_turning_on_times_out_and_a_test_reminder_reaches_the_phone(
    app: Flask,
    live_url: str,
    persistent_phone: Callable[[], Any],
    push: PushService,
    axe_source: str,
    shots: Path,
) -> None:
    page = signed_in_phone(persistent_phone, live_url)
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    card = page.locator("section", has=page.locator("h2", has_text="Notifikationer på denne"))
    card.get_by_text("Ingen telefon får dine påmindelser").wait_for()
    page.get_by_text("Næste påmindelse:").wait_for()
    modules = page.evaluate("() => document.querySelector('script[type=module]').src")
    page.evaluate(
        "async (url) => { (await import(url)).pushSetup.timeoutMs = 300; }",
        modules.replace("app.js", "screens/reminders.js"),
    )

    card.get_by_role("button", name="Slå notifikationer til").click()
    card.get_by_text("Notifikationer kunne ikke slås til: telefonen fik intet svar").wait_for()
    assert rows(PushSubscription) == []

    # With no phone set up, the test says so and sends nothing.
    card.get_by_role("button", name="Send mig en prøvepåmindelse").click()
    card.get_by_text("Ingen telefon er sat op til notifikationer endnu").wait_for()

    browser = push.new_browser()
    status = post_subscription(page, browser.subscription())
    assert isinstance(status, int)
    card.get_by_role("button", name="Send mig en prøvepåmindelse").click()
    card.get_by_text("Sendt til din telefon.").wait_for()
    card.get_by_text("Dine påmindelser går til 1 telefon.").wait_for()
    assert push.problems == []
    [received] = push.received
    assert received.payload["title"] == "Tid til dagens træning"

    # The push service stops taking it: the person is told in words.
    push.answer(browser.endpoint.rsplit("/", 1)[1], *[Answer(500)] * 3)
    card.get_by_role("button", name="Send mig en prøvepåmindelse").click()
    card.get_by_text("Din telefon kunne ikke nås.").wait_for()
    assert page.locator("#delivery-problem").count() == 0  # one failure is no problem yet

    # Three days of failures: a banner once at start-up, and the card says what to do.
    db.session.execute(
        sa.update(PushSubscription).values(failing_since=utcnow() - timedelta(days=3, hours=1))
    )
    db.session.commit()
    page.goto(f"{live_url}/today")
    banner = page.locator("#reminder-warning")
    banner.get_by_text("ikke nået frem til nogen af dine telefoner i tre dage").wait_for()
    page.screenshot(path=shots / "delivery-problem-banner.png")
    banner.get_by_role("link", name="Se indstillinger").click()
    page.locator("h1", has_text="Indstillinger").wait_for()
    page.locator("#delivery-problem").wait_for()
    assert banner.count() == 0
    card.scroll_into_view_if_needed()
    page.screenshot(path=shots / "notifications-card.png")
    assert axe_violations(page, axe_source) == []

    page.goto(f"{live_url}/today")
    banner.get_by_role("button", name="Luk").click()
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    page.locator("h1", has_text="I dag").wait_for()
    assert banner.count() == 0  # dismissed for today: not again at every start


def test_blocked_notifications_and_iphones_get_guidance(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any]
) -> None:
    page = signed_in_phone(persistent_phone, live_url, allow=False)
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    card = page.locator("section", has=page.locator("h2", has_text="Notifikationer på denne"))
    card.get_by_role("button", name="Slå notifikationer til").click()
    card.get_by_text("Notifikationer fra Coach er blokeret på denne telefon").wait_for()
    assert card.get_by_role("button", name="Slå notifikationer til").count() == 0

    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setUserAgentOverride", {"userAgent": IPHONE, "platform": "iPhone"})
    page.reload()
    card.get_by_text("virker notifikationer kun i Coach åbnet fra hjemmeskærmen").wait_for()
    assert card.get_by_role("button", name="Slå notifikationer til").count() == 0
    assert card.get_by_role("button", name="Send mig en prøvepåmindelse").count() == 1


# A subscription as the browser would hand it out; test browsers have no push service,
# so the page's PushManager answers with this stand-in and records the unsubscribe.
FAKE_SUBSCRIPTION = """
PushManager.prototype.getSubscription = async function () {
  return {
    endpoint: 'https://push.invalid/device',
    unsubscribe: async () => { window.unsubscribed = (window.unsubscribed || 0) + 1; return true; },
  };
};
"""


def test_erasing_the_account_unsubscribes_this_phone(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any]
) -> None:
    page = signed_in_phone(persistent_phone, live_url)
    page.add_init_script(FAKE_SUBSCRIPTION)
    page.goto(f"{live_url}/settings")
    page.get_by_role("button", name="Slet min konto").click()
    page.get_by_role("button", name="Ja, slet det hele").click()
    page.get_by_text("Din konto og dine data er slettet.").wait_for()
    assert page.evaluate("window.unsubscribed") == 1
    assert rows(Person) == []


def test_signing_out_stops_reminders_to_this_phone(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any], axe_source: str
) -> None:
    page = signed_in_phone(persistent_phone, live_url)
    page.add_init_script(FAKE_SUBSCRIPTION)
    [person] = rows(Person)
    db.session.add(
        PushSubscription(
            person_id=person.id, endpoint="https://push.invalid/device", p256dh="k", auth="a"
        )
    )
    db.session.commit()
    page.goto(f"{live_url}/settings")
    card = page.locator("#s-signout").locator("..")
    # Joined by invite, no password yet: warned how to get back in.
    assert "uden e-mail og adgangskode" in card.inner_text()
    assert axe_violations(page, axe_source) == []
    card.get_by_role("button", name="Log ud").click()
    page.get_by_text("Du er logget ud.").wait_for()
    assert page.evaluate("window.unsubscribed") == 1
    assert rows(PushSubscription) == []  # the server no longer sends here
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession)) == 0
    page.reload()
    page.get_by_role("button", name="Log ind").first.wait_for()  # the welcome screen
    assert rows(Person) != []  # signing out keeps the account


# A subscription to the loopback push service, held by the page's PushManager as a
# phone's browser holds one (test browsers have no push service of their own):
# subscribe() makes it, getSubscription() finds it again after a reload or a
# sign-out, unsubscribe() lets it go.
HELD_SUBSCRIPTION = """((subscription) => {
  const held = () => localStorage.getItem('held-subscription') === 'yes';
  const handle = () => ({
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: {},
    toJSON: () => subscription,
    unsubscribe: async () => { localStorage.removeItem('held-subscription'); return true; },
  });
  PushManager.prototype.subscribe = async function () {
    localStorage.setItem('held-subscription', 'yes');
    return handle();
  };
  PushManager.prototype.getSubscription = async function () { return held() ? handle() : null; };
})(%s);
"""


def sign_in_again(page: Any, live_url: str, laptop: Any) -> None:
    """The phone, signed out from elsewhere, signs in with a link made on the laptop."""
    url = laptop.post("/api/me/sign-in-links").json["url"]
    page.goto(live_url + "/sign-in/" + url.rsplit("/sign-in/", 1)[1])
    page.get_by_role("button", name="Log ind på denne telefon").click()
    page.locator("h1", has_text="I dag").wait_for()


def test_a_phone_signed_out_from_elsewhere_gets_its_reminders_back_when_signed_in_again(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any], push: PushService
) -> None:
    context = persistent_phone()
    context.grant_permissions(PERMISSIONS, origin=live_url)
    browser = push.new_browser()
    context.add_init_script(HELD_SUBSCRIPTION % json.dumps(browser.subscription()))
    page = context.new_page()
    join(page, invite_link(live_url))
    controlled(page)
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    card = page.locator("section", has=page.locator("h2", has_text="Notifikationer på denne"))
    card.get_by_role("button", name="Slå notifikationer til").click()
    card.get_by_text("Dine påmindelser går til 1 telefon.").wait_for()
    [person] = rows(Person)
    [first] = rows(PushSubscription)
    assert first.endpoint == browser.endpoint and first.device_session_id is not None
    first_session = first.device_session_id

    # Signed out from the laptop: the server lets the subscription go with the session;
    # the phone's browser keeps it.
    laptop = signed_in_client(app, person)
    assert laptop.delete(f"/api/me/devices/{first_session}").status_code == 204
    assert rows(PushSubscription) == []
    page.reload()
    page.locator("h1", has_text="Velkommen til Coach").wait_for()

    # Signed in again on the phone: the app posts the kept subscription again, bound to
    # the new session, without the person touching notifications.
    sign_in_again(page, live_url, laptop)
    laptop_session = next(d["id"] for d in laptop.get("/api/me/devices").json if d["current"])
    wait_until(lambda: len(rows(PushSubscription)) == 1)
    [again] = rows(PushSubscription)
    assert again.endpoint == browser.endpoint and again.person_id == person.id
    assert again.device_session_id not in (None, first_session, laptop_session)
    assert db.session.get(DeviceSession, again.device_session_id) is not None
    phone_session, posted_at = again.device_session_id, again.updated_at  # rows() expires

    # And the test reminder reaches the push service and, from it, the phone.
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    card.get_by_text("Dine påmindelser går til 1 telefon.").wait_for()
    card.get_by_role("button", name="Send mig en prøvepåmindelse").click()
    card.get_by_text("Sendt til din telefon.").wait_for()
    assert push.problems == []
    [received] = push.received
    assert received.payload["title"] == "Tid til dagens træning"
    cdp = page.context.new_cdp_session(page)
    deliver(page, cdp, live_url, registration_id(page, cdp, live_url), json.dumps(received.payload))
    [shown] = notifications(page)
    assert shown["title"] == "Tid til dagens træning"
    # Known to the server for this session: opening settings asked, and posted nothing.
    assert [s.updated_at for s in rows(PushSubscription)] == [posted_at]

    # The person's choice holds: with reminders off, signing in again posts nothing ...
    form = page.locator("form", has=page.locator("#reminder-on"))
    form.get_by_label("Mind mig om træning på træningsdage").uncheck()
    form.get_by_role("button", name="Gem", exact=True).click()
    page.get_by_text("Påmindelser er slået fra.").wait_for()
    assert laptop.delete(f"/api/me/devices/{phone_session}").status_code == 204
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.method) if "/api/push/sub" in r.url else None)
    sign_in_again(page, live_url, laptop)
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    page.get_by_text("Påmindelser er slået fra.").wait_for()
    page.wait_for_timeout(500)  # time enough for a check and a post, were there any
    assert asked == [] and rows(PushSubscription) == []
    # ... until they are turned on again, which brings this phone back.
    form.get_by_label("Mind mig om træning på træningsdage").check()
    form.get_by_role("button", name="Gem", exact=True).click()
    card.get_by_text("Dine påmindelser går til 1 telefon.").wait_for()
    assert [s.endpoint for s in rows(PushSubscription)] == [browser.endpoint]
