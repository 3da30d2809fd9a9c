"""Cardio beside strength in a real Chromium, in Danish at 390x844 and in English at
360x740: logging any cardio from today's screen in a few taps (also offline, replayed
once), undo, a team's cardio day beside strength and one without it, the history, and
an accessibility scan of each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.coaching.models import CardioSession
from coach.database import utcnow
from coach.domain.calendar import WEEKDAYS
from coach.extensions import db
from tests.factories import make_invite, make_team
from tests.web.browser import axe_violations, rows, wait_until
from tests.web.conftest import PHONE, SMALL_PHONE
from tests.web.test_daily_loop import COUNT_TAPS, join_in_english, no_horizontal_overflow
from tests.web.test_phone_app import join

pytestmark = pytest.mark.browser


def weekday_today() -> str:
    return WEEKDAYS[datetime.now(ZoneInfo("Europe/Copenhagen")).weekday()]


def cardio_team_link(live_url: str, *, strength_today: bool, cardio: dict[str, Any]) -> str:
    """An invite to a team whose cardio days include today, beside strength or without."""
    today = weekday_today()
    workdays = list(WEEKDAYS) if strength_today else [d for d in WEEKDAYS if d != today]
    team = make_team(
        name="Værkstedet", workdays=workdays, cardio_plan={**cardio, "weekdays": [today]}
    )
    _, token = make_invite(team)
    return f"{live_url}/join/{token}"


def stored() -> list[tuple[str, int, int]]:
    return [(c.activity, c.minutes, c.effort) for c in rows(CardioSession)]


def cardio_posts(page: Any) -> list[int]:
    """The statuses of the answers to POST /api/me/cardio, as they arrive."""
    answers: list[int] = []
    page.on(
        "response",
        lambda r: (
            answers.append(r.status)
            if r.request.method == "POST" and r.url.endswith("/api/me/cardio")
            else None
        ),
    )
    return answers


def back_online(page: Any) -> None:
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")


def sync_done(page: Any) -> None:
    page.wait_for_function("() => document.getElementById('status').textContent === ''")


def test_a_cardio_day_beside_strength_logs_in_three_taps_also_offline_in_danish(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(PHONE, "da-DK")
    cycling = {"activity": "cycling", "minutes": 20, "effort": 5}
    join(page, cardio_team_link(live_url, strength_today=True, cardio=cycling))

    # Strength and the team's cardio, and no "nothing planned" anywhere.
    assert page.locator("article.card:has(.rep-chips)").count() > 0
    planned = page.locator("article.cardio", has=page.locator("h2", has_text="Cykling"))
    planned.get_by_text("anstrengelse 5 af 10").wait_for()
    planned.get_by_text("På holdets plan, ved siden af styrketræningen.").wait_for()
    assert page.get_by_text("Intet planlagt i dag.").count() == 0
    assert page.get_by_text("ikke en af dit holds træningsdage").count() == 0
    assert no_horizontal_overflow(page)
    assert axe_violations(page, axe_source) == []

    # The usual case: a kind, the minutes, log. Three taps.
    page.evaluate(COUNT_TAPS)
    form = page.locator("section.cardio-log")
    form.get_by_role("button", name="Gang", exact=True).click()
    form.get_by_text("1 = næsten ingen anstrengelse, 5 = du kan stadig snakke").wait_for()
    assert form.get_by_role("button", name="Anstrengelse 3").get_attribute("aria-pressed") == "true"
    form.get_by_role("button", name="30 minutter", exact=True).click()
    form.get_by_role("button", name="Registrér 30 minutter", exact=True).click()
    wait_until(lambda: stored() == [("walking", 30, 3)])
    assert page.evaluate("() => window.taps") == 3
    logged = page.locator(".cardio-logged")
    logged.get_by_text("Gang: 30 min, anstrengelse 3").first.wait_for()
    planned.screenshot(path=shots / "cardio-planned.png")
    page.locator(".cardio-section").screenshot(path=shots / "cardio-logged.png")
    assert axe_violations(page, axe_source) == []
    # The planned cycling is still to do: another kind does not tick it off.
    assert planned.get_by_role("button", name="Registrér 20 minutter som planlagt").count() == 1

    # Undo takes it back.
    logged.locator(".undo").get_by_role("button", name="Fortryd").click()
    wait_until(lambda: stored() == [])
    assert logged.locator("li").count() == 0

    # Offline, the planned cycling in one tap: waiting, then sent once when online.
    answers = cardio_posts(page)
    page.context.set_offline(True)
    planned.get_by_role("button", name="Registrér 20 minutter som planlagt").click()
    page.locator("#status", has_text="1 registrering venter").wait_for()
    logged.get_by_text("venter på at blive sendt").wait_for()
    planned.get_by_text("Færdig ✓").wait_for()
    assert stored() == []
    back_online(page)
    wait_until(lambda: stored() == [("cycling", 20, 5)])
    sync_done(page)
    assert answers == [201]
    page.reload()
    page.locator("article.cardio", has_text="Færdig ✓").wait_for()
    assert page.get_by_text("venter på at blive sendt").count() == 0
    assert page.get_by_text("Intet planlagt i dag.").count() == 0
    assert answers == [201] and len(stored()) == 1


def test_a_cardio_day_without_strength_leads_with_the_cardio_in_english_at_360(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(SMALL_PHONE, "en-GB")
    running = {"activity": "running", "minutes": 25, "effort": 6}
    join_in_english(page, cardio_team_link(live_url, strength_today=False, cardio=running))

    page.get_by_text("Today is a cardio day on your team's plan.").wait_for()
    planned = page.locator("article.cardio", has=page.locator("h2", has_text="Running"))
    first_strength = page.locator("article.card:has(.rep-chips)").first
    assert planned.evaluate(
        "(el, other) => !!(el.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING)",
        first_strength.element_handle(),
    )
    assert page.get_by_text("Nothing planned today.").count() == 0
    assert no_horizontal_overflow(page)
    page.screenshot(path=shots / "cardio-day.png", full_page=True)
    assert axe_violations(page, axe_source) == []

    # Offline, logged and undone: it leaves the outbox and is never sent.
    answers = cardio_posts(page)
    page.context.set_offline(True)
    planned.get_by_role("button", name="Log 25 minutes as planned").click()
    page.locator("#status", has_text="1 entry waits to sync").wait_for()
    page.locator(".cardio-logged .undo").get_by_role("button", name="Undo").click()
    sync_done(page)
    back_online(page)
    planned.get_by_role("button", name="Log 25 minutes as planned").wait_for()
    assert answers == [] and stored() == []

    # Two taps when the remembered minutes and effort fit; a bad number is refused here.
    form = page.locator("section.cardio-log")
    form.get_by_role("button", name="Other cardio", exact=True).click()
    form.get_by_label("Minutes, any number").fill("0")
    form.get_by_role("button", name="Log 0 minutes").click()
    form.get_by_text("Give the minutes as a whole number from 1 to 600.").wait_for()
    form.screenshot(path=shots / "cardio-form.png")
    assert form.get_by_label("Minutes, any number").evaluate("el => el === document.activeElement")
    page.evaluate(COUNT_TAPS)
    form.get_by_role("button", name="Swimming", exact=True).click()
    form.get_by_role("button", name="Log 20 minutes", exact=True).click()
    wait_until(lambda: stored() == [("swimming", 20, 5)])
    assert page.evaluate("() => window.taps") == 2
    assert answers == [201]
    assert no_horizontal_overflow(page)
    assert axe_violations(page, axe_source) == []

    # Refused when it is replayed (joined "later" than it was done): it leaves the list.
    page.context.set_offline(True)
    form.get_by_role("button", name="Walking", exact=True).click()
    form.get_by_role("button", name="Log 20 minutes", exact=True).click()
    page.locator("#status", has_text="1 entry waits to sync").wait_for()
    (person,) = rows(Person)
    joined, person.created_at = person.created_at, utcnow() + timedelta(hours=1)
    db.session.commit()
    back_online(page)
    page.get_by_text("Not saved:").wait_for()
    sync_done(page)
    assert page.locator(".cardio-logged").get_by_text("Walking:").count() == 0
    person.created_at = joined
    db.session.commit()
    assert stored() == [("swimming", 20, 5)]

    # In the history, and removed from there.
    page.get_by_role("link", name="History: see and correct your sets").click()
    day = page.locator("section.history-day").first
    day.get_by_text("Swimming: 20 minutes, effort 5 of 10").wait_for()
    assert axe_violations(page, axe_source) == []
    day.get_by_role("button", name="Remove Swimming: 20 minutes, effort 5 of 10").click()
    wait_until(lambda: stored() == [])
    sync_done(page)
