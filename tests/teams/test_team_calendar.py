"""One calendar per team: the program runs from the team's start date for everyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from coach.domain.instruction import add_months
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace
from coach.teams.participation import workplace_today
from tests.factories import assert_error, make_person, make_team, make_workplace, signed_in_client


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    return make_workplace(name="Harbour Office")


@pytest.fixture
def team(workplace: Workplace) -> Team:
    return make_team(workplace, name="Packing", program="office-daily-5")


def test_a_lead_moves_the_start_back_and_the_week_follows(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    today = workplace_today(workplace)
    started = today - timedelta(weeks=5)  # started on paper before the app
    response = lead.patch(f"/api/teams/{team.id}", json={"program_started_on": started.isoformat()})
    assert response.status_code == 200, response.json
    assert response.json["program_started_on"] == started.isoformat()
    assert response.json["program_week"] == 6
    assert lead.get(f"/api/teams/{team.id}").json["program_week"] == 6


def test_the_start_may_lie_a_year_back_or_a_month_ahead_but_no_further(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))
    today = workplace_today(workplace)
    for day, code in (
        (add_months(today, -12), 200),
        (today + timedelta(days=30), 200),
        (add_months(today, -12) - timedelta(days=1), 422),
        (today + timedelta(days=31), 422),
    ):
        response = admin.patch(
            f"/api/teams/{team.id}", json={"program_started_on": day.isoformat()}
        )
        if code == 422:
            body = assert_error(response, 422)
            assert "program_started_on" in body["errors"]["json"]
        else:
            assert response.status_code == 200, response.json
    db.session.expire_all()
    assert db.session.get(Team, team.id).program_started_on == today + timedelta(days=30)
    ahead = admin.get(f"/api/teams/{team.id}").json
    assert ahead["program_week"] == 1  # not started yet: the first week is next


def test_choosing_another_program_starts_it_today(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    team.program_started_on = workplace_today(workplace) - timedelta(weeks=8)
    db.session.commit()
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    body = lead.patch(f"/api/teams/{team.id}", json={"program": "weekly-3x20"}).json
    assert body["program_started_on"] == workplace_today(workplace).isoformat()
    assert body["program_week"] == 1
    # The same program again is no change: the calendar stays.
    earlier = (workplace_today(workplace) - timedelta(weeks=4)).isoformat()
    lead.patch(f"/api/teams/{team.id}", json={"program_started_on": earlier})
    kept = lead.patch(f"/api/teams/{team.id}", json={"program": "weekly-3x20"}).json
    assert kept["program_started_on"] == earlier


def test_members_and_others_cannot_move_a_teams_start(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    member = signed_in_client(app, make_person(Role.MEMBER, team=team))
    assert_error(
        member.patch(f"/api/teams/{team.id}", json={"program_started_on": "2026-11-02"}), 403
    )
    other_lead = signed_in_client(app, make_person(Role.LEAD, team=make_team(workplace)))
    assert_error(
        other_lead.patch(f"/api/teams/{team.id}", json={"program_started_on": "2026-11-02"}), 404
    )


def test_an_old_member_and_a_newcomer_share_the_teams_phase(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    team.program_started_on = workplace_today(workplace) - timedelta(weeks=5)
    db.session.commit()
    veteran = make_person(Role.MEMBER, team=team)
    veteran.created_at = datetime.now(UTC) - timedelta(weeks=5)
    newcomer = make_person(Role.MEMBER, team=team)  # joined today
    db.session.commit()

    days = [signed_in_client(app, p).get("/api/me/today?lang=en").json for p in (veteran, newcomer)]
    assert days[0]["week"] == days[1]["week"] == 6
    slugs = [[e["exercise"]["slug"] for e in day["exercises"]] for day in days]
    # Weeks 5-8 of the office program, for both.
    assert (
        slugs[0]
        == slugs[1]
        == [
            "lateral-raise",
            "band-pull-apart",
            "external-rotation",
            "wrist-extension",
        ]
    )
    # The newcomer starts this phase at the engine's first-day level, and is told why.
    first = days[1]["exercises"][0]["prescription"]
    assert first["change"]["code"] == "first_session" and first["change"]["reason"]
