"""The instruction plan: the limits at and past their edges, and visits against phases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from coach.domain.roles import Role
from tests.factories import make_person, make_team, make_workplace, signed_in_client

START = date(2027, 1, 4)  # a Monday


def _weeks(n: int) -> list[str]:
    return [(START + timedelta(weeks=i)).isoformat() for i in range(n)]


def _plan(**changes: Any) -> dict[str, Any]:
    return {
        "starts_on": START.isoformat(),
        "ends_on": "2027-12-31",
        "instructor_weeks": _weeks(3),
        "key_persons": [],
        **changes,
    }


@pytest.fixture
def admin_api(app: Flask):  # type: ignore[no-untyped-def]
    # English: these tests read the limits' messages as the code writes them.
    return signed_in_client(app, make_person(Role.ADMIN, workplace=make_workplace(), language="en"))


def test_fifteen_instructor_weeks_are_allowed(admin_api) -> None:  # type: ignore[no-untyped-def]
    response = admin_api.put("/api/workplace/plan", json=_plan(instructor_weeks=_weeks(15)))
    assert response.status_code == 200, response.json
    assert response.json["instructor_weeks_left"] == 0


def test_sixteen_instructor_weeks_are_refused_naming_the_limit(admin_api) -> None:  # type: ignore[no-untyped-def]
    response = admin_api.put("/api/workplace/plan", json=_plan(instructor_weeks=_weeks(16)))
    assert response.status_code == 422
    [message] = response.json["errors"]["json"]["instructor_weeks"]
    assert "At most 15 instructor weeks" in message and "16" in message
    assert admin_api.get("/api/workplace/plan").status_code == 404  # nothing was saved


def test_twelve_months_are_allowed(admin_api) -> None:  # type: ignore[no-untyped-def]
    # 4 January 2027 to 3 January 2028, both days included: exactly twelve months
    response = admin_api.put("/api/workplace/plan", json=_plan(ends_on="2028-01-03"))
    assert response.status_code == 200, response.json


def test_twelve_months_and_a_day_are_refused(admin_api) -> None:  # type: ignore[no-untyped-def]
    response = admin_api.put("/api/workplace/plan", json=_plan(ends_on="2028-01-04"))
    assert response.status_code == 422
    [message] = response.json["errors"]["json"]["ends_on"]
    assert "at most 12 months" in message and "2028-01-03" in message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2027-01-03", "instructor_weeks": []}, "ends_on"),  # before the start
        ({"instructor_weeks": ["2027-01-05"]}, "instructor_weeks"),  # a Tuesday
        ({"instructor_weeks": ["2027-01-04", "2027-01-04"]}, "instructor_weeks"),
        ({"instructor_weeks": ["2028-02-07"]}, "instructor_weeks"),  # after the end
    ],
)
def test_other_broken_plans_name_the_field(admin_api, changes, field) -> None:  # type: ignore[no-untyped-def]
    response = admin_api.put("/api/workplace/plan", json=_plan(**changes))
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]


def test_key_persons_must_be_leads_of_the_team(app: Flask) -> None:
    workplace = make_workplace()
    team = make_team(workplace, name="Workshop")
    lead = make_person(Role.LEAD, team=team, display_name="Key Karen")
    member = make_person(team=team)
    api = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))

    refused = api.put(
        "/api/workplace/plan",
        json=_plan(key_persons=[{"team_id": team.id, "person_ids": [member.id]}]),
    )
    assert refused.status_code == 422
    assert "key_persons" in refused.json["errors"]["json"]

    saved = api.put(
        "/api/workplace/plan",
        json=_plan(key_persons=[{"team_id": team.id, "person_ids": [lead.id]}]),
    )
    assert saved.status_code == 200
    [team_part] = saved.json["teams"]
    assert team_part["key_persons"] == [{"id": lead.id, "display_name": "Key Karen"}]


def test_phase_starts_are_shown_against_the_instructor_weeks(app: Flask) -> None:
    workplace = make_workplace()
    team = make_team(  # phases 1, 5, 9
        workplace, name="Office", program="office-daily-5", program_started_on=START
    )
    lead = make_person(Role.LEAD, team=team)
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))
    visits = [START.isoformat(), (START + timedelta(weeks=4)).isoformat()]
    admin.put(
        "/api/workplace/plan",
        json=_plan(
            ends_on=(START + timedelta(weeks=12, days=-1)).isoformat(), instructor_weeks=visits
        ),
    )

    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/plan").json

    [part] = body["teams"]
    assert [(s["program_week"], s["at_visit"]) for s in part["phase_starts"]] == [
        (1, True),
        (5, True),
        (9, False),
    ]
    [warning] = part["warnings"]
    assert "Programuge 9" in warning  # in the lead's Danish


def test_a_lead_reads_only_their_own_teams_part(app: Flask) -> None:
    workplace = make_workplace()
    team, other = make_team(workplace, name="A"), make_team(workplace, name="B")
    lead = make_person(Role.LEAD, team=team)
    other_lead = make_person(Role.LEAD, team=other, display_name="Other Key")
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))
    admin.put(
        "/api/workplace/plan",
        json=_plan(key_persons=[{"team_id": other.id, "person_ids": [other_lead.id]}]),
    )
    api = signed_in_client(app, lead)
    body = api.get(f"/api/teams/{team.id}/plan")
    assert [t["team_id"] for t in body.json["teams"]] == [team.id]
    assert "Other Key" not in body.get_data(as_text=True)
    assert api.get(f"/api/teams/{other.id}/plan").status_code == 404
    assert api.get("/api/workplace/plan").status_code == 403
    assert api.put("/api/workplace/plan", json=_plan()).status_code == 403


def test_phase_starts_follow_a_team_that_started_before_the_project(app: Flask) -> None:
    workplace = make_workplace()
    # Three weeks on paper before the project: the project's first week is program
    # week 4, so the team's second phase (week 5) falls in the project's second week.
    team = make_team(
        workplace,
        name="Early",
        program="office-daily-5",
        program_started_on=START - timedelta(weeks=3),
    )
    lead = make_person(Role.LEAD, team=team)
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))
    second = (START + timedelta(weeks=1)).isoformat()
    admin.put(
        "/api/workplace/plan",
        json=_plan(
            ends_on=(START + timedelta(weeks=12, days=-1)).isoformat(), instructor_weeks=[second]
        ),
    )

    [part] = signed_in_client(app, lead).get(f"/api/teams/{team.id}/plan").json["teams"]

    assert [(s["week_start"], s["program_week"], s["at_visit"]) for s in part["phase_starts"]] == [
        (second, 5, True),
        ((START + timedelta(weeks=5)).isoformat(), 9, False),
        ((START + timedelta(weeks=9)).isoformat(), 13, False),
    ]
