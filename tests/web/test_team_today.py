"""Team today in a real Chromium: two members on their own phones (390x844, one in
Danish, one in English); one trains, the other sees her named on the team card (a
colleague who does not share only counted), gives her and the team a high-five, and
she sees them received. Both pages pass axe at 390x844 and at 360x740, without
scrolling sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.coaching.models import WorkoutSet
from coach.extensions import db
from coach.team_today.models import HighFive
from coach.teams.participation import workplace_today
from tests.factories import make_person, make_team, make_workplace
from tests.teams.participation_fixtures import long_ago, train
from tests.web.browser import axe_violations, rows, wait_until
from tests.web.conftest import PHONE, SMALL_PHONE
from tests.web.test_daily_loop import first_rep_card, no_horizontal_overflow
from tests.web.test_lead_screens import ready, signed_in_page

pytestmark = pytest.mark.browser

HIDDEN = "Quinn Quiet"


def _sets(person_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(WorkoutSet).where(WorkoutSet.person_id == person_id)
    )


def _check_layout(page: Any, axe_source: str, shots: Path, name: str) -> None:
    for viewport in (PHONE, SMALL_PHONE):
        page.set_viewport_size(viewport)
        page.locator("#team-today").scroll_into_view_if_needed()
        assert no_horizontal_overflow(page), (name, viewport)
        page.locator("#team-today").screenshot(path=str(shots / f"{name}-{viewport['width']}.png"))
        assert axe_violations(page, axe_source) == [], (name, viewport)
    page.set_viewport_size(PHONE)


def test_a_colleague_trains_and_gets_a_high_five(
    app: Flask, live_url: str, browser: Any, axe_source: str, shots: Path
) -> None:
    workplace = make_workplace(name="Havnekontoret")
    team = make_team(workplace, name="Pakkeriet", program="office-daily-5")
    team.program_started_on = workplace_today(workplace)
    db.session.commit()
    anna = make_person(team=team, display_name="Anna", share_participation=True, language="en")
    bo = make_person(team=team, display_name="Bo", share_participation=True)
    quiet = make_person(team=team, display_name=HIDDEN, created_at=long_ago())
    make_person(team=team, display_name="Ida")
    train(quiet, [workplace_today(workplace)])

    contexts = [browser.new_context(viewport=PHONE, locale=loc) for loc in ("en-GB", "da-DK")]
    try:
        for context in contexts:
            context.set_default_timeout(10_000)
        anna_page = signed_in_page(contexts[0], live_url, anna)
        bo_page = signed_in_page(contexts[1], live_url, bo)

        # Anna trains: one tap logs her first set.
        anna_page.goto(f"{live_url}/today")
        ready(anna_page)
        first_rep_card(anna_page).locator(".rep-chip.is-target").click()
        wait_until(lambda: _sets(anna.id) == 1)

        # Bo sees her by name, Quinn only counted, and the week so far.
        bo_page.goto(f"{live_url}/today")
        ready(bo_page)
        card = bo_page.locator("#team-today")
        card.locator("#team-trained").wait_for()
        assert card.locator("#team-trained").inner_text() == "2 af 4 har trænet"
        text = card.inner_text()
        assert "Anna" in text and HIDDEN not in text and "Quinn" not in text
        assert "1 mere har trænet uden at dele sit navn." in text
        assert "Ugen indtil nu: 2 træninger" in text
        assert "Ingen endnu i dag." in text
        _check_layout(bo_page, axe_source, shots, "bo")

        high_five = card.get_by_role("button", name="Giv Anna en high five")
        high_five.click()
        given = card.get_by_role("button", name="Du gav Anna en high five")
        given.wait_for()
        assert given.is_disabled()
        card.get_by_role("button", name="Giv hele holdet en high five").click()
        card.get_by_text("Du gav holdet en high five").wait_for()
        found = rows(HighFive)
        assert {(h.giver_id, h.receiver_id) for h in found} == {(bo.id, anna.id), (bo.id, None)}

        # Bo comes back to today: what he gave stays given.
        bo_page.reload()
        ready(bo_page)
        card.locator("#team-trained").wait_for()
        assert card.get_by_role("button", name="Du gav Anna en high five").is_disabled()
        assert card.locator("#team-high-five").inner_text() == "✓ Du gav holdet en high five"

        # Anna sees what she received, in English; she is "(you)" in the list, no button.
        anna_page.reload()
        ready(anna_page)
        received = anna_page.locator("#high-fives-received")
        received.wait_for()
        assert "From Bo." in received.inner_text()
        assert "1 to the whole team." in received.inner_text()
        anna_card = anna_page.locator("#team-today")
        assert "Anna (you)" in anna_card.inner_text()
        assert anna_card.locator(f".high-five[data-person='{anna.id}']").count() == 0
        assert anna_card.get_by_role("button", name="High-five the whole team").is_enabled()
        _check_layout(anna_page, axe_source, shots, "anna")
        for page in (anna_page, bo_page):
            assert page.errors == []
    finally:
        for context in contexts:
            context.close()


def test_a_high_five_given_offline_waits_and_is_sent_later(
    app: Flask, live_url: str, browser: Any
) -> None:
    workplace = make_workplace(name="Havnekontoret")
    team = make_team(workplace, name="Pakkeriet", program="office-daily-5")
    anna = make_person(team=team, display_name="Anna", share_participation=True)
    bo = make_person(team=team, display_name="Bo", share_participation=False)
    train(anna, [workplace_today(workplace)])
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    try:
        context.set_default_timeout(10_000)
        page = signed_in_page(context, live_url, bo)
        page.goto(f"{live_url}/today")
        ready(page)
        card = page.locator("#team-today")
        card.locator("#team-trained").wait_for()
        # Bo does not share: the card says he is counted, not named, and where to change it.
        assert "Du tælles med her, men nævnes ikke ved navn" in card.inner_text()
        context.set_offline(True)
        button = card.get_by_role("button", name="Giv Anna en high five")
        button.click()
        card.get_by_text("Venter på at blive sendt").wait_for()
        assert rows(HighFive) == []
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_until(lambda: len(rows(HighFive)) == 1)
        card.get_by_role("button", name="Du gav Anna en high five").wait_for()
        assert page.errors == []
    finally:
        context.close()
