"""The phone app in a real Chromium at a phone's size: join, train, progress, offline,
installability and an accessibility scan of every screen."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coach.accounts.models import DeviceSession, Person
from coach.coaching.models import CheckIn, WorkoutSet
from coach.domain.roles import Role
from coach.web import assets
from tests.factories import make_invite, make_person, make_team
from tests.web.browser import (
    axe_violations,
    ready,
    rows,
    screen_paths,
    signed_in_page,
    wait_until,
)

pytestmark = pytest.mark.browser

SCREENS = ("/today", "/checkin", "/progress", "/settings")


def invite_link(live_url: str, program: str = "office-daily-5") -> str:
    team = make_team(name="Lønkontoret", program=program)
    _, token = make_invite(team)
    return f"{live_url}/join/{token}"


def join(page: Any, link: str, name: str = "Ditte") -> None:
    page.goto(link)
    page.get_by_label("Dit navn, som holdet ser det").fill(name)
    page.get_by_role("button", name="Tilmeld mig").click()
    page.locator("h1", has_text="I dag").wait_for()


def log_counted_sets(page: Any, count: int) -> None:
    """Log one set on each of the first ``count`` exercises that count reps."""
    for _ in range(count):
        buttons = page.locator(".card .rep-chip.is-target")
        before = buttons.count()
        buttons.first.click()
        page.wait_for_function(
            "n => document.querySelectorAll('.card .rep-chip.is-target').length < n", arg=before
        )


def controlled(page: Any) -> None:
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def test_join_log_three_sets_and_see_them_in_progress(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    page = phone().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    link = invite_link(live_url)

    for path, heading in (("/", "Velkommen til Coach"), ("/sign-in/not-a-token", "Log ind")):
        page.goto(live_url + path)
        page.locator("h1", has_text=heading).wait_for()
        page.screenshot(path=shots / f"{heading}.png")
        assert axe_violations(page, axe_source) == [], path

    page.goto(link)
    page.get_by_text("Lønkontoret").wait_for()
    page.screenshot(path=shots / "join.png")
    assert axe_violations(page, axe_source) == []
    join(page, link)

    log_counted_sets(page, 3)
    page.screenshot(path=shots / "today.png", full_page=True)
    wait_until(lambda: len(rows(WorkoutSet)) == 3)
    # Sent, so nothing waits (the outbox empties just after the server answers).
    page.wait_for_function("() => document.getElementById('status').textContent === ''")

    page.get_by_role("link", name="Fremskridt", exact=True).click()
    page.locator("h1", has_text="Fremskridt").wait_for()
    sections = page.locator("main section.card h2")
    names = {s.exercise for s in rows(WorkoutSet)}
    assert sections.count() == 1 + len(names)  # sessions per week, then each exercise
    assert page.get_by_text("1 træning").count() == 3

    for path in SCREENS:
        page.goto(live_url + path)
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        page.screenshot(path=shots / f"{path.strip('/')}.png", full_page=True)
        assert axe_violations(page, axe_source) == [], path
    assert errors == []


def test_installable_with_a_controlling_service_worker(
    app: Flask, live_url: str, persistent_phone: Callable[[], Any]
) -> None:
    context = persistent_phone()
    page = context.new_page()
    join(page, invite_link(live_url))
    controlled(page)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("manifest.webmanifest")
    installability = cdp.send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == []
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == f"{live_url}/"
    # The browser offers to install (beforeinstallprompt) on a page the worker serves:
    # settings then has the button.
    page.goto(f"{live_url}/settings")
    page.get_by_role("button", name="Installér Coach").wait_for(timeout=20_000)


def test_offline_sets_and_check_in_reach_the_server_once(
    app: Flask, live_url: str, phone: Callable[[], Any], shots: Path
) -> None:
    context = phone()
    page = context.new_page()
    join(page, invite_link(live_url))
    controlled(page)
    page.reload()  # now the worker has seen today's answer and the drawings
    page.locator(".card").first.wait_for()
    page.goto(f"{live_url}/progress")
    page.locator("h1", has_text="Fremskridt").wait_for()
    page.goto(f"{live_url}/today")
    page.locator(".card").first.wait_for()

    context.set_offline(True)
    page.reload()  # answered by the service worker
    page.get_by_text("Du er offline").wait_for()
    log_counted_sets(page, 3)
    page.get_by_role("link", name="Tjek ind", exact=True).click()
    page.get_by_label("Nakke", exact=True).evaluate(
        "el => { el.value = '3'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.get_by_role("button", name="Gem tjek ind").click()
    page.get_by_text("Gemt på telefonen").wait_for()
    page.reload()
    page.locator("#status", has_text="4 registreringer venter").wait_for()
    page.goto(f"{live_url}/today")
    page.locator(".logged .waiting").first.wait_for()
    assert page.locator(".logged .waiting").count() == 3
    page.screenshot(path=shots / "offline-today.png", full_page=True)
    assert rows(WorkoutSet) == [] and rows(CheckIn) == []

    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('status').textContent === ''")
    wait_until(lambda: len(rows(WorkoutSet)) == 3 and len(rows(CheckIn)) == 1)
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
    time.sleep(0.5)  # a second replay, if there were one, would have sent by now
    sets = rows(WorkoutSet)
    assert len(sets) == 3 and len({s.id for s in sets}) == 3
    (check_in,) = rows(CheckIn)
    assert check_in.pain_neck == 3
    assert len(rows(Person)) == 1


def test_every_screen_reloads_offline(app: Flask, live_url: str, phone: Callable[[], Any]) -> None:
    """Each screen of the server's list, opened with no network, is the shell from the
    worker's cache, and the app draws the screen there (the team's say they are offline)."""
    lead = make_person(Role.LEAD, team=make_team(name="Lønkontoret"), display_name="Lis")
    page = signed_in_page(phone(), live_url, lead)
    page.goto(f"{live_url}/today")
    ready(page)
    controlled(page)
    page.reload()  # now the worker has stored who is signed in
    ready(page)

    page.context.set_offline(True)
    for path in screen_paths():
        response = page.goto(live_url + path)
        assert response is not None and response.ok, path
        assert response.from_service_worker, path
        ready(page)
        assert page.locator("main h1").count() == 1, path
        if path.startswith("/team/") and path != "/team/polls":
            assert page.get_by_text("Holdskærmene kræver forbindelse").count() == 1, path
        if path.startswith("/session/") and not path.endswith("/screen"):
            assert page.get_by_text("Du skal have forbindelse").count() == 1, path
    assert page.errors == []


def test_an_answer_of_4xx_is_shown_and_dropped_from_the_outbox(
    app: Flask, live_url: str, phone: Callable[[], Any]
) -> None:
    page = phone().new_page()
    join(page, invite_link(live_url))
    outbox = page.evaluate(
        "() => document.querySelector('script[type=module]').src.replace('app.js', 'outbox.js')"
    )
    left = page.evaluate(
        """async (url) => {
            const outbox = await import(url);
            await outbox.send('set', '/api/me/sets', {
                id: crypto.randomUUID(), exercise: 'no-such-exercise',
                performed_at: new Date().toISOString(), reps: 12,
            });
            return (await outbox.pending()).length;
        }""",
        outbox,
    )
    assert left == 0
    page.get_by_role("alert").filter(has_text="Ikke gemt").wait_for()
    assert rows(WorkoutSet) == []


def test_a_new_version_waits_until_the_person_asks(
    app: Flask, live_url: str, phone: Callable[[], Any], tmp_path: Path
) -> None:
    page = phone().new_page()
    join(page, invite_link(live_url))
    controlled(page)
    first = page.evaluate("() => navigator.serviceWorker.controller.scriptURL")
    old_version = page.evaluate("() => caches.keys()")

    # Release a changed style sheet: a new bundle, so a new worker.
    shutil.copytree(assets.STATIC, tmp_path / "static")
    with (tmp_path / "static" / "css" / "app.css").open("a") as css:
        css.write("\n/* next release */\n")
    current = app.extensions["coach_web"]
    app.extensions["coach_web"] = assets.load(tmp_path / "static", assets.SERVICE_WORKER)
    try:
        page.evaluate("async () => (await navigator.serviceWorker.ready).update()")
        banner = page.locator("#update")
        banner.wait_for()
        assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == first
        with page.expect_navigation():
            banner.get_by_role("button", name="Opdatér").click()
        page.wait_for_function("() => document.documentElement.dataset.ready === 'true'")
        new_version = app.extensions["coach_web"].version
        caches = page.evaluate("() => caches.keys()")
        assert f"coach-static-{new_version}" in caches
        retired = set(old_version) - {"coach-api-v1"}
        assert retired, old_version
        assert not retired & set(caches), caches  # the old version's caches are gone
    finally:
        app.extensions["coach_web"] = current


def test_a_hold_counts_down_after_a_get_ready_count_and_is_logged(
    app: Flask, live_url: str, phone: Callable[[], Any]
) -> None:
    page = phone().new_page()
    page.clock.install()
    join(page, invite_link(live_url, program="physical-work-2x30"))  # has a hold in week 1
    start = page.get_by_role("button", name=re.compile(r"^Start et hold på \d+ s$")).first
    seconds = int(re.search(r"(\d+) s$", start.inner_text()).group(1))
    start.click()
    timer = page.get_by_role("timer")
    timer.get_by_text("Gør klar").wait_for()
    page.clock.run_for(3_000)
    timer.get_by_text("Hold").wait_for()
    page.clock.run_for(seconds * 1_000)
    wait_until(lambda: len(rows(WorkoutSet)) == 1)
    (logged,) = rows(WorkoutSet)
    assert logged.hold_seconds == seconds and logged.reps is None


def test_joining_in_english(app: Flask, live_url: str, phone: Callable[[], Any]) -> None:
    page = phone().new_page()
    page.goto(invite_link(live_url))
    page.get_by_label("Dit navn, som holdet ser det").fill("Sam")
    page.get_by_label("English").check()
    page.locator("h1", has_text="Join your team").wait_for()
    assert page.get_by_label("Your name, as your team sees it").input_value() == "Sam"
    page.get_by_role("button", name="Join").click()
    page.locator("h1", has_text="Today").wait_for()
    assert rows(Person)[0].language == "en"


def test_the_language_changes_everywhere_and_is_kept(
    app: Flask, live_url: str, phone: Callable[[], Any]
) -> None:
    page = phone().new_page()
    join(page, invite_link(live_url))
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    page.get_by_label("Sprog", exact=True).select_option("en")
    page.locator("h1", has_text="Settings").wait_for()
    page.get_by_role("link", name="Today", exact=True).click()
    page.locator("h1", has_text="Today").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert rows(Person)[0].language == "en"


def test_a_sign_in_link_from_settings_signs_in_a_new_phone(
    app: Flask, live_url: str, phone: Callable[[], Any]
) -> None:
    old = phone().new_page()
    join(old, invite_link(live_url), name="Ditte")
    old.get_by_role("link", name="Indstillinger", exact=True).click()
    old.get_by_role("button", name="Lav et login-link").click()
    url = old.locator("#sign-in-url").input_value()
    path = "/sign-in/" + url.rsplit("/sign-in/", 1)[1]

    new = phone().new_page()
    new.goto(live_url + path)
    new.get_by_role("button", name="Log ind på denne telefon").click()
    new.locator("h1", has_text="I dag").wait_for()
    new.get_by_role("link", name="Indstillinger", exact=True).click()
    new.get_by_text("Ditte").wait_for()
    assert len(rows(Person)) == 1

    # The old phone lists both, itself marked, and signs the new one out.
    old.reload()
    devices = old.locator("#s-devices").locator("xpath=..").locator("li.device")
    devices.nth(1).wait_for()
    assert devices.count() == 2
    assert devices.filter(has_text="denne enhed").count() == 1
    old.locator("li.device").filter(has_not_text="denne enhed").get_by_role("button").click()
    old.get_by_text("1 enhed logget ud.").wait_for()
    devices.nth(1).wait_for(state="detached")  # the list is read again
    assert devices.count() == 1
    assert len(rows(DeviceSession)) == 1
    assert new.request.get(f"{live_url}/api/me").status == 401


def test_reminder_time_and_days_are_set_in_settings(
    app: Flask, live_url: str, phone: Callable[[], Any]
) -> None:
    from coach.reminders.models import ReminderSettings

    page = phone().new_page()
    join(page, invite_link(live_url))
    page.get_by_role("link", name="Indstillinger", exact=True).click()
    section = page.locator("section", has=page.locator("h2", has_text="Daglig påmindelse"))
    # The team's defaults show until the person chooses: 11:25 on weekdays.
    wait_until(lambda: section.get_by_label("Tidspunkt").input_value() == "11:25")
    assert section.get_by_label("Fredag").is_checked()
    assert not section.get_by_label("Lørdag").is_checked()
    section.get_by_label("Tidspunkt").fill("07:45")
    section.get_by_label("Fredag").uncheck()
    section.get_by_role("button", name="Gem").click()
    section.get_by_text("Gemt.").wait_for()
    wait_until(lambda: bool(rows(ReminderSettings)))
    [settings] = rows(ReminderSettings)
    assert settings.enabled is True
    assert settings.at is not None and settings.at.strftime("%H:%M") == "07:45"
    assert settings.days == ["mon", "tue", "wed", "thu"]
