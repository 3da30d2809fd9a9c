"""Training together in a real Chromium: a host and two members (one phone's clock
seven seconds fast) follow one session; the shared screen follows too."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.coaching.models import WorkoutSet
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.participation import workplace_today
from tests.factories import make_person, make_team, make_workplace
from tests.web.browser import wait_until
from tests.web.test_lead_screens import ready, signed_in_page

pytestmark = pytest.mark.browser

# Date.now() and new Date() seven seconds ahead, as on a phone whose clock is wrong.
FAST_CLOCK = """
(() => {
  const Real = Date;
  const shift = 7000;
  class Shifted extends Real {
    constructor(...args) { if (args.length === 0) super(Real.now() + shift); else super(...args); }
    static now() { return Real.now() + shift; }
  }
  window.Date = Shifted;
})();
"""


def _phase(page: Any) -> str:
    return str(page.get_attribute("#live-phase", "data-phase"))


def _seconds(page: Any) -> int:
    return int(page.get_attribute("#live-countdown", "data-seconds"))


def test_a_host_and_two_members_train_together(app: Flask, live_url: str, browser: Any) -> None:
    workplace = make_workplace(name="Havnekontoret")
    team = make_team(workplace, name="Pakkeriet", program="office-daily-5")
    team.program_started_on = workplace_today(workplace)
    db.session.commit()
    host = make_person(Role.LEAD, team=team, display_name="Hanne")
    mads = make_person(team=team, display_name="Mads", share_participation=True)
    lars = make_person(team=team, display_name="Lars")

    contexts = [
        browser.new_context(viewport={"width": 390, "height": 844}, locale="da-DK")
        for _ in range(3)
    ]
    try:
        contexts[2].add_init_script(FAST_CLOCK)
        for context in contexts:
            context.set_default_timeout(10_000)
        lead_page, mads_page, lars_page = (
            signed_in_page(context, live_url, person)
            for context, person in zip(contexts, (host, mads, lars), strict=True)
        )

        lead_page.goto(f"{live_url}/today")
        ready(lead_page)
        lead_page.click("#live-start")
        lead_page.wait_for_url("**/session/*")
        session_id = lead_page.url.rsplit("/", 1)[1]
        lead_page.wait_for_selector("[data-action=start]")

        for page in (mads_page, lars_page):
            page.goto(f"{live_url}/today")
            ready(page)
            assert "Hanne leder træningen" in page.text_content("#live-banner")
            page.click("#live-banner button")
            page.wait_for_url(f"**/session/{session_id}")
            page.wait_for_selector("#live-phase[data-phase=lobby]")
        lead_page.wait_for_function(
            "() => document.querySelector('#live-presence')?.textContent.includes('3')"
        )
        # Only Mads shares his participation: his name shows, Lars is counted.
        presence = lead_page.text_content("#live-presence")
        assert "Mads" in presence and "Lars" not in presence

        screen = contexts[0].new_page()
        screen.goto(f"{live_url}/session/{session_id}/screen")
        screen.wait_for_selector("#screen-phase")

        lead_page.click("[data-action=start]")
        for page in (mads_page, lars_page):
            page.wait_for_selector("#live-phase[data-phase=get_ready]", timeout=1000)
        # The same countdown on both phones, though Lars's clock is 7 s fast.
        wait_until(lambda: _seconds(mads_page) < 10, timeout=3)
        assert abs(_seconds(mads_page) - _seconds(lars_page)) <= 1
        screen.wait_for_function(
            "() => document.querySelector('#screen-countdown')?.dataset.seconds !== ''"
        )

        lead_page.click("[data-action=next]")
        for page in (mads_page, lars_page):
            page.wait_for_selector("#live-phase[data-phase=work]", timeout=1000)
        screen.wait_for_selector("#screen-phase:has-text('Træn')", timeout=1000)

        # Mads logs his set in place: two taps (the phase shows the chips; one is his count).
        mads_page.click(".rep-chip.is-target")
        wait_until(
            lambda: (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(WorkoutSet)
                    .where(WorkoutSet.person_id == mads.id, WorkoutSet.session_id.is_not(None))
                )
                == 1
            )
        )

        # Lars reloads mid-session: back on the same step.
        exercise = lars_page.text_content("h1")
        lars_page.reload()
        lars_page.wait_for_selector("#live-phase[data-phase=work]")
        assert lars_page.text_content("h1") == exercise

        lead_page.click("[data-action=end]")
        for page in (mads_page, lars_page, lead_page):
            page.wait_for_selector("#live-summary", timeout=2000)
            assert "3 af jer trænede sammen" in page.text_content("#live-summary")
        screen.wait_for_selector("#screen-joined:has-text('3 af jer')")
        for page in (lead_page, mads_page, lars_page):
            assert page.errors == []
    finally:
        for context in contexts:
            context.close()
