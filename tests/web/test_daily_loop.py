"""The daily five minutes in a real Chromium at 360x740 and 390x844, in Danish and
English: logging in one tap, undo (also offline), and an accessibility scan."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.catalogue.models import ExerciseSwap
from coach.coaching.models import CheckIn, WorkoutSet
from coach.database import utcnow
from coach.extensions import db
from tests.web.browser import axe_violations, rows, wait_until
from tests.web.conftest import PHONE, SMALL_PHONE
from tests.web.test_phone_app import invite_link, join

pytestmark = pytest.mark.browser

COUNT_TAPS = """() => {
    window.taps = 0;
    document.addEventListener('click', () => { window.taps += 1; }, true);
}"""


def join_in_english(page: Any, link: str, name: str = "Sam") -> None:
    page.goto(link)
    page.get_by_label("English").check()
    page.get_by_label("Your name, as your team sees it").fill(name)
    page.get_by_role("button", name="Join").click()
    page.locator("h1", has_text="Today").wait_for()


def first_rep_card(page: Any) -> Any:
    return page.locator("article.card:has(.rep-chips)").first


def no_horizontal_overflow(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_every_likely_count_is_one_tap_and_undo_takes_it_back(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(SMALL_PHONE, "da-DK")
    join(page, invite_link(live_url))
    card = first_rep_card(page)
    target = int(card.locator(".rep-chip.is-target").inner_text())
    slug = card.get_attribute("id").removeprefix("card-")
    assert no_horizontal_overflow(page)
    # The drawing's band is the prescribed band's colour, as the chip beside it shows.
    swatch = card.locator(".dose .swatch").evaluate(
        "el => getComputedStyle(el).getPropertyValue('--band').trim()"
    )
    drawn = card.locator("img.figure").evaluate(
        "async img => (await (await fetch(img.src)).text())"
        ".match(/var\\(--band,(#[0-9a-f]+)\\)/)[1]"
    )
    assert drawn == swatch.lower() and drawn != "#2e9e5b", (drawn, swatch)
    card.screenshot(path=shots / "today-chips.png", style="#tabs { display: none; }")
    # The tab bar fits: no label is broken inside a word or cut off.
    for tab in page.locator("#tabs .tab").all():
        assert tab.evaluate("el => el.scrollWidth <= el.clientWidth"), tab.inner_text()
        assert "\n" not in tab.inner_text(), tab.inner_text()
    assert axe_violations(page, axe_source) == []
    # The counter behind "another number" starts at the target, too.
    card.get_by_text("Et andet tal").click()
    assert card.locator("output.count").inner_text() == str(target)

    page.evaluate(COUNT_TAPS)
    for reps in range(max(1, target - 5), target + 4):
        page.evaluate("() => { window.taps = 0; }")
        name = "Registrér 1 gentagelse" if reps == 1 else f"Registrér {reps} gentagelser"
        card.get_by_role("button", name=name, exact=True).click()
        wait_until(lambda: len(rows(WorkoutSet)) == 1)
        taps = page.evaluate("() => window.taps")
        (logged,) = rows(WorkoutSet)
        assert (logged.exercise, logged.reps) == (slug, reps)
        assert taps <= 2, (reps, taps)
        # The set is taken back from the bar that stays for 8 s.
        card = page.locator(f"#card-{slug}")
        undo = card.locator(".undo")
        assert undo.get_by_text(f"Registreret: {reps} gentagelse").count() == 1
        undo.get_by_role("button", name="Fortryd").click()
        wait_until(lambda: rows(WorkoutSet) == [])
        card.locator(".rep-chip.is-target").wait_for()
        assert card.locator(".logged").count() == 0


def test_undo_offline_never_sends_and_a_queued_delete_replays_once(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(PHONE, "en-GB")
    join_in_english(page, invite_link(live_url))
    card = first_rep_card(page)
    slug = card.get_attribute("id").removeprefix("card-")
    chip = card.locator(".rep-chip.is-target")
    target = int(chip.inner_text())

    # Offline, logged and undone: the set never leaves the phone.
    page.context.set_offline(True)
    chip.click()
    page.locator("#status", has_text="1 entry waits to sync").wait_for()
    page.locator(f"#card-{slug} .undo").get_by_role("button", name="Undo").click()
    page.wait_for_function("() => document.getElementById('status').textContent === ''")
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")

    # Online, logged; undone while offline: the DELETE waits and is sent once.
    page.locator(f"#card-{slug} .rep-chip.is-target").click()
    wait_until(lambda: len(rows(WorkoutSet)) == 1)
    assert rows(WorkoutSet)[0].reps == target
    page.wait_for_function("() => document.getElementById('status').textContent === ''")
    page.context.set_offline(True)
    page.locator(f"#card-{slug} .undo").get_by_role("button", name="Undo").click()
    page.locator("#status", has_text="1 entry waits to sync").wait_for()
    assert len(rows(WorkoutSet)) == 1
    deletes: list[str] = []
    page.on("request", lambda r: deletes.append(r.url) if r.method == "DELETE" else None)
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: rows(WorkoutSet) == [])
    page.wait_for_function("() => document.getElementById('status').textContent === ''")
    assert len(deletes) == 1
    page.reload()
    page.locator(f"#card-{slug} .rep-chip.is-target").wait_for()
    assert page.locator(f"#card-{slug} .logged").count() == 0
    assert axe_violations(page, axe_source) == []

    # Swap: the catalogue's alternatives, explained; the choice is kept, and undone.
    card = page.locator(f"#card-{slug}")
    card.get_by_text("Swap for another exercise").click()
    card.get_by_text("trains the same muscles another way").wait_for()
    card.get_by_text("for the rest of this phase of your program").wait_for()
    choice = card.locator(".swap-list li").first
    name = choice.locator("h3").inner_text()
    assert choice.locator("p").inner_text()  # its description
    card.scroll_into_view_if_needed()
    page.screenshot(path=shots / "today-swap.png")
    assert axe_violations(page, axe_source) == []
    choice.get_by_role("button", name=f"Do {name} instead").click()
    page.locator("article.card h2", has_text=name).wait_for()
    (swap,) = rows(ExerciseSwap)
    assert swap.exercise == slug
    page.reload()
    swapped = page.locator("article.card", has=page.locator("h2", has_text=name))
    # Kept for the program's phase: the note names its last day, as the server has it.
    assert swap.kept_until is not None
    swapped.get_by_text("It stays for this phase of the program, until").wait_for()
    assert str(swap.kept_until.day) in swapped.locator(".swap .hint").inner_text()
    swapped.get_by_role("button", name="Back to the program's exercise").click()
    page.locator(f"#card-{slug}").wait_for()
    assert rows(ExerciseSwap) == []


def slide(page: Any, label: str, value: int) -> None:
    page.get_by_label(label, exact=True).evaluate(
        "(el, v) => { el.value = String(v);"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        value,
    )


def trained_before(exercise: str, days_ago: int, reps: int, band: str) -> date:
    """The only person joined a month ago and did ``exercise`` ``days_ago`` days ago."""
    (person,) = rows(Person)
    person.created_at = utcnow() - timedelta(days=30)
    when = utcnow() - timedelta(days=days_ago)
    db.session.add(
        WorkoutSet(
            id=uuid.uuid4(),
            person_id=person.id,
            exercise=exercise,
            performed_at=when,
            local_date=when.date(),
            reps=reps,
            band_level=band,
        )
    )
    db.session.commit()
    return when.date()


def test_check_in_shows_saved_answers_keeps_what_is_not_sent_and_a_red_flag_stops_the_day(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(PHONE, "da-DK")
    join(page, invite_link(live_url))
    # Trained two days ago on the green band: pain above 5 since then steps it down.
    trained_before("lateral-raise", days_ago=2, reps=15, band="green")
    page.get_by_role("link", name="Tjek ind", exact=True).click()
    neck = page.locator(".slider", has=page.get_by_label("Nakke", exact=True))
    assert neck.locator("output").inner_text() == "ikke besvaret"
    assert page.locator(".slider.unanswered").count() == 4
    slide(page, "Nakke", 7)
    assert neck.locator("output").inner_text() == "7"
    page.get_by_role("button", name="Gem tjek ind").click()
    page.locator(".advice-pain_high").wait_for()
    wait_until(lambda: len(rows(CheckIn)) == 1)
    (saved,) = rows(CheckIn)
    assert (saved.pain_neck, saved.pain_shoulder, saved.pain_arm, saved.pain_lower_back) == (
        7,
        None,
        None,
        None,
    )

    # Opened again: the saved answers, the unanswered ones still unanswered.
    page.reload()
    page.locator("#checkin-saved", has_text="Dine svar fra i dag").wait_for()
    assert neck.locator("output").inner_text() == "7"
    assert page.locator(".slider.unanswered").count() == 3
    page.screenshot(path=shots / "checkin.png")
    assert axe_violations(page, axe_source) == []
    # Today: one level down, and the reason says so in the same numbers.
    page.get_by_role("link", name="I dag", exact=True).click()
    card = page.locator("#card-lateral-raise")
    card.locator(".change-down").wait_for()
    reason = card.locator(".change-down").inner_text()
    assert "7 ud af 10 i nakken" in reason and "et trin ned" in reason, reason
    assert "rød" in reason and card.locator(".dose .chip").inner_text() == "rød elastik"
    page.get_by_role("link", name="Tjek ind", exact=True).click()
    page.locator("#checkin-saved").wait_for()

    # A red flag: today says stop, calmly, and never "well done".
    page.get_by_label("Ny kraftnedsættelse i armene").check()
    page.get_by_role("button", name="Gem tjek ind").click()
    page.locator(".advice-red_flag").wait_for()
    page.get_by_role("link", name="I dag", exact=True).click()
    page.locator(".stop h2", has_text="Ingen træning i dag").wait_for()
    assert page.locator(".rep-chip").count() == 0
    assert page.locator("#day-done").is_hidden()
    assert page.get_by_text("godt gået").count() == 0
    page.screenshot(path=shots / "today-red-flag.png")
    assert axe_violations(page, axe_source) == []

    # Saving only a new pain keeps the red flag; only unticking it lifts the pause.
    page.get_by_role("link", name="Til tjek ind").click()
    assert page.get_by_label("Ny kraftnedsættelse i armene").is_checked()
    slide(page, "Skuldre", 2)
    page.get_by_role("button", name="Gem tjek ind").click()
    wait_until(lambda: rows(CheckIn)[0].pain_shoulder == 2)
    page.locator(".advice-red_flag").wait_for()
    (saved,) = rows(CheckIn)
    assert (saved.weakness, saved.pain_neck, saved.pain_shoulder) == (True, 7, 2)
    page.get_by_label("Ny kraftnedsættelse i armene").uncheck()
    page.get_by_role("button", name="Gem tjek ind").click()
    page.locator(".advice-pain_high").wait_for()
    wait_until(lambda: rows(CheckIn)[0].weakness is False)
    page.get_by_role("link", name="I dag", exact=True).click()
    page.locator(".rep-chip.is-target").first.wait_for()
    assert page.locator(".stop").count() == 0


def stored(set_id: uuid.UUID) -> WorkoutSet | None:
    db.session.rollback()  # what the server committed, not this session's copy
    return db.session.get(WorkoutSet, set_id)


def test_history_corrects_and_deletes_recent_sets_also_offline(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(SMALL_PHONE, "en-GB")
    join_in_english(page, invite_link(live_url))
    # A set from nine days ago: shown, no longer changeable.
    old_day = trained_before("shrug", days_ago=9, reps=15, band="red")
    for _ in range(2):
        page.locator(".card .rep-chip.is-target").first.click()
    wait_until(lambda: len(rows(WorkoutSet)) == 3)
    page.get_by_role("link", name="History: see and correct your sets").click()
    page.locator("h1", has_text="History").wait_for()
    days = page.locator("section.history-day")
    assert days.count() == 2
    assert days.nth(1).get_by_role("button", name=re.compile("^Correct the set")).count() == 0
    assert days.nth(1).get_by_text("Sets and cardio older than 7 days").count() == 1
    assert no_horizontal_overflow(page)
    page.screenshot(path=shots / "history.png")
    assert axe_violations(page, axe_source) == []

    # Correct one set: 9 reps, pain 2.
    first, second = (
        s.id
        for s in sorted(
            (s for s in rows(WorkoutSet) if s.local_date != old_day),
            key=lambda s: s.performed_at,
        )
    )
    today = days.nth(0)
    today.get_by_role("button", name=re.compile("^Correct the set")).first.click()
    form = today.locator("form.edit-set")
    form.get_by_label("Reps").fill("9")
    form.get_by_label("Pain during the set").select_option("2")
    assert axe_violations(page, axe_source) == []
    form.get_by_role("button", name="Save").click()
    wait_until(lambda: getattr(stored(first), "reps", None) == 9)
    assert getattr(stored(first), "pain", None) == 2
    today.get_by_text("9 reps · red band · pain 2").wait_for()

    # Offline: the other one deleted, then sent once when the phone is back online.
    page.context.set_offline(True)
    today.get_by_role("button", name=re.compile("^Correct the set")).nth(1).click()
    today.get_by_role("button", name="Delete the set").click()
    page.locator("#status", has_text="1 entry waits to sync").wait_for()
    assert today.locator("li.history-set").count() == 1
    deletes: list[str] = []
    page.on("request", lambda r: deletes.append(r.url) if r.method == "DELETE" else None)
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: stored(second) is None)
    page.wait_for_function("() => document.getElementById('status').textContent === ''")
    assert deletes == [f"{live_url}/api/me/sets/{second}"]
    # Today follows: one set left of that exercise's day.
    page.get_by_role("link", name="Today", exact=True).click()
    page.locator(".logged li").first.wait_for()
    assert page.locator(".logged li").count() == 1
