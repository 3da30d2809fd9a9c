"""The team chooses its next exercises in real Chromium at 390x844: the lead opens a
poll from the suggestions, two members vote in their own browsers (one at 360x740)
and one changes their vote, the lead closes it, everyone sees the result, and on the
new phase's first week today's screen has the chosen exercise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coach.catalogue.service import current_catalogue
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team
from coach.teams.participation import workplace_today
from tests.factories import make_person, make_team, make_workplace
from tests.web.browser import axe_violations, ready, signed_in_page
from tests.web.conftest import PHONE, SMALL_PHONE

pytestmark = pytest.mark.browser


def test_the_team_chooses_its_next_exercises(
    app: Flask, live_url: str, phone: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    workplace = make_workplace(name="Havnekontoret")
    team = make_team(workplace, name="Pakkeriet", program="office-daily-5")
    team.program_started_on = workplace_today(workplace) - timedelta(weeks=3)  # week 4
    db.session.commit()
    lead = make_person(Role.LEAD, team=team, display_name="Lene")
    mads = make_person(team=team, display_name="Mads")
    lars = make_person(team=team, display_name="Lars")
    chosen = current_catalogue().exercises["upright-row"].name.da  # the second suggestion

    lead_page = signed_in_page(phone(), live_url, lead)
    lead_page.goto(f"{live_url}/today")
    ready(lead_page)
    lead_page.get_by_role("link", name="Hold", exact=True).click()
    lead_page.get_by_role("link", name="Afstemninger").click()
    lead_page.wait_for_url(f"{live_url}/team/{team.id}/polls")
    lead_page.click("#poll-new-exercises")
    lead_page.wait_for_selector("#poll-sets")
    assert lead_page.locator(".poll-pick:checked").count() == 2  # the first two suggestions
    assert "Som i programmet" in lead_page.text_content("#poll-sets")
    assert axe_violations(lead_page, axe_source) == []
    lead_page.screenshot(path=str(shots / "lead-opens-poll.png"), full_page=True)
    lead_page.click("#poll-open")
    lead_page.wait_for_selector("[data-poll] .poll-turnout")
    assert "0 af 3 har stemt" in lead_page.text_content(".poll-turnout")

    votes = []
    for person, viewport, first, final in ((mads, PHONE, 0, 1), (lars, SMALL_PHONE, 1, 1)):
        page = signed_in_page(phone(viewport), live_url, person)
        page.goto(f"{live_url}/today")
        ready(page)
        page.wait_for_selector("#poll-banner:not([hidden])")
        assert "Holdet stemmer" in page.text_content("#poll-banner")
        page.click("#poll-banner a")
        page.wait_for_url(f"{live_url}/team/polls")
        page.wait_for_selector("[data-poll] form")
        page.check(f"input[type=radio][value='{first}']")
        page.get_by_role("button", name="Stem", exact=True).click()
        page.get_by_text("Din stemme er gemt").wait_for()
        if first != final:  # Mads changes his mind
            page.check(f"input[type=radio][value='{final}']")
            page.get_by_role("button", name="Skift stemme").click()
            page.get_by_text("Din stemme er gemt").wait_for()
        assert page.is_checked(f"input[type=radio][value='{final}']")
        assert "Ingen kan se, hvem der stemte hvad" in page.text_content("[data-poll]")
        assert axe_violations(page, axe_source) == []
        page.screenshot(path=str(shots / f"{person.display_name}-voted.png"), full_page=True)
        votes.append(page)
    assert "2 af 3 har stemt" in votes[1].text_content(".poll-turnout")

    lead_page.reload()
    lead_page.wait_for_selector(".poll-close")
    assert "2 af 3 har stemt" in lead_page.text_content(".poll-turnout")
    lead_page.click(".poll-close")
    lead_page.wait_for_selector(".poll-result")
    for page in (lead_page, *votes):
        page.reload()
        page.wait_for_selector(".poll-result")
        result = page.text_content(".poll-result")
        assert "Holdet valgte" in result and chosen in result and "2 af 2 stemmer" in result
        assert "valgt af holdet, 2 af 2 stemmer" in page.text_content(".phase-list")
    assert axe_violations(votes[0], axe_source) == []
    votes[1].screenshot(path=str(shots / "result-360.png"), full_page=True)

    # A week on, the team is in the phase it chose: today has the chosen exercise.
    db.session.get_one(Team, team.id).program_started_on -= timedelta(weeks=1)
    db.session.commit()
    votes[0].goto(f"{live_url}/today")
    ready(votes[0])
    votes[0].wait_for_selector("article.card h2")
    titles = votes[0].locator("article.card h2").all_text_contents()
    assert titles[0] == chosen
    for page in (lead_page, *votes):
        assert page.errors == []
