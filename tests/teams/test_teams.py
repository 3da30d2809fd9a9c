"""Teams and the workplace: creating, listing, changing, and who may see what."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace
from coach.teams.participation import workplace_today
from tests.factories import (
    ApiClient,
    assert_error,
    make_person,
    make_team,
    make_workplace,
    signed_in_client,
)

WORKDAYS = ["mon", "tue", "wed", "thu", "fri"]
BANDS = ["tan", "yellow", "red", "green", "blue", "black", "silver", "gold"]


def count_teams(*where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Team).where(*where)) or 0


def fresh(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def team_row(team: Team) -> tuple[Any, ...]:
    row = fresh(team)
    return (row.workplace_id, row.name, row.program, row.reminder_time, list(row.workdays))


def assert_422(response: TestResponse, field: str) -> None:
    assert field in assert_error(response, 422)["errors"]["json"], response.json


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    return make_workplace(name="Harbour Office")


@pytest.fixture
def admin_api(app: Flask, workplace: Workplace) -> ApiClient:
    return signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))


# -- creating teams ------------------------------------------------------------------


def test_create_team_with_defaults(admin_api: ApiClient, workplace: Workplace) -> None:
    response = admin_api.post("/api/teams", json={"name": "  Packing  "})
    assert response.status_code == 201, response.json
    body = response.json
    assert body == {
        "id": body["id"],
        "name": "Packing",
        "program": "office-daily-5",
        "reminder_time": "11:25",
        "workdays": WORKDAYS,
        "program_started_on": workplace_today(workplace).isoformat(),
        "program_week": 1,
        "member_count": 0,
        "leads": [],
        "cardio": None,  # no cardio days beside strength
    }
    team = db.session.get(Team, body["id"])
    assert team is not None
    assert team_row(team) == (workplace.id, "Packing", "office-daily-5", time(11, 25), WORKDAYS)


def test_create_team_with_explicit_values(admin_api: ApiClient, workplace: Workplace) -> None:
    response = admin_api.post(
        "/api/teams",
        json={
            "name": "Night shift",
            "program": "weekly-3x20",
            "reminder_time": "07:05",
            "workdays": ["sun", "wed", "mon", "wed", "sat"],
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["program"] == "weekly-3x20"
    assert body["reminder_time"] == "07:05"
    assert body["workdays"] == ["mon", "wed", "sat", "sun"]  # deduplicated, Monday first
    team = db.session.get(Team, body["id"])
    assert team is not None
    assert team_row(team) == (
        workplace.id,
        "Night shift",
        "weekly-3x20",
        time(7, 5),
        ["mon", "wed", "sat", "sun"],
    )


@pytest.mark.parametrize("name", ["packing", "PACKING", " Packing "])
def test_duplicate_name_in_the_workplace_is_409(
    admin_api: ApiClient, workplace: Workplace, name: str
) -> None:
    make_team(workplace, name="Packing")
    assert_error(admin_api.post("/api/teams", json={"name": name}), 409)
    assert count_teams(Team.workplace_id == workplace.id) == 1


def test_same_name_in_another_workplace_is_fine(admin_api: ApiClient, workplace: Workplace) -> None:
    make_team(make_workplace(), name="Packing")
    assert admin_api.post("/api/teams", json={"name": "Packing"}).status_code == 201
    assert count_teams(Team.name == "Packing") == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "reminder_time": "25:00"}, "reminder_time"),
        ({"name": "A", "reminder_time": "11:60"}, "reminder_time"),
        ({"name": "A", "reminder_time": "1125"}, "reminder_time"),
        ({"name": "A", "reminder_time": 1125}, "reminder_time"),
        ({"name": "A", "reminder_time": "9:05"}, "reminder_time"),
        ({"name": "A", "reminder_time": "11:25:00"}, "reminder_time"),
        ({"name": "A", "reminder_time": None}, "reminder_time"),
        ({"name": "A", "workdays": []}, "workdays"),
        ({"name": "A", "workdays": ["funday"]}, "workdays"),
        ({"name": "A", "workdays": ["Mon"]}, "workdays"),
        ({"name": "A", "workdays": "mon"}, "workdays"),
        ({"name": "A", "program": "Office Daily"}, "program"),
        ({"name": "A", "program": "no-such-program"}, "program"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": None}, "name"),
        ({}, "name"),
        ({"name": "A", "member_count": 3}, "member_count"),
        ({"name": "A", "leads": [{"id": 1, "display_name": "X"}]}, "leads"),
        ({"name": "A", "workplace_id": 1}, "workplace_id"),
    ],
)
def test_invalid_team_is_422_and_not_created(
    admin_api: ApiClient, body: dict[str, Any], field: str
) -> None:
    assert_422(admin_api.post("/api/teams", json=body), field)
    assert count_teams() == 0


def test_boundary_values_are_accepted(admin_api: ApiClient) -> None:
    for body in (
        {"name": "x" * 80, "reminder_time": "00:00", "workdays": ["sun"]},
        {"name": "Late", "reminder_time": "23:59", "workdays": [*WORKDAYS, "sat", "sun"]},
    ):
        response = admin_api.post("/api/teams", json=body)
        assert response.status_code == 201, response.json
        assert response.json["reminder_time"] == body["reminder_time"]
    assert count_teams() == 2


@pytest.mark.parametrize("role", [Role.LEAD, Role.MEMBER])
def test_only_admins_create_teams(app: Flask, workplace: Workplace, role: Role) -> None:
    api = signed_in_client(app, make_person(role, team=make_team(workplace)))
    assert_error(api.post("/api/teams", json={"name": "Mine"}), 403)
    assert count_teams(Team.name == "Mine") == 0


# -- listing and reading -------------------------------------------------------------


def test_admin_lists_the_workplaces_teams_with_member_counts(
    app: Flask, admin_api: ApiClient, workplace: Workplace
) -> None:
    packing = make_team(workplace, name="Packing")
    dispatch = make_team(workplace, name="Dispatch")
    make_person(Role.LEAD, team=packing)
    make_person(Role.MEMBER, team=packing)
    make_person(Role.MEMBER, team=packing)
    make_person(Role.MEMBER, team=dispatch)
    make_team(workplace, name="Empty")
    foreign = make_team(make_workplace(), name="Abroad")
    make_person(Role.MEMBER, team=foreign)

    response = admin_api.get("/api/teams")
    assert response.status_code == 200
    listed = {t["name"]: t["member_count"] for t in response.json}
    assert listed == {"Dispatch": 1, "Empty": 0, "Packing": 3}
    assert [t["name"] for t in response.json] == ["Dispatch", "Empty", "Packing"]
    assert foreign.id not in {t["id"] for t in response.json}

    one = admin_api.get(f"/api/teams/{packing.id}")
    assert one.status_code == 200
    assert one.json["member_count"] == 3
    assert_error(admin_api.get(f"/api/teams/{foreign.id}"), 404)


def test_lead_sees_only_their_own_team(app: Flask, workplace: Workplace) -> None:
    own = make_team(workplace, name="Own")
    other = make_team(workplace, name="Other")
    lead = make_person(Role.LEAD, team=own)
    make_person(Role.MEMBER, team=own)
    api = signed_in_client(app, lead)

    response = api.get("/api/teams")
    assert response.status_code == 200
    assert [(t["id"], t["member_count"]) for t in response.json] == [(own.id, 2)]
    assert api.get(f"/api/teams/{own.id}").status_code == 200
    assert_error(api.get(f"/api/teams/{other.id}"), 404)


# -- leads, for choosing key persons ------------------------------------------------


def lead_names(response: TestResponse) -> dict[str, list[str]]:
    assert response.status_code == 200, response.json
    teams = response.json if isinstance(response.json, list) else [response.json]
    return {t["name"]: [lead["display_name"] for lead in t["leads"]] for t in teams}


def test_admin_sees_each_teams_leads_and_no_one_else(app: Flask, workplace: Workplace) -> None:
    packing = make_team(workplace, name="Packing")
    dispatch = make_team(workplace, name="Dispatch")
    make_team(workplace, name="Empty")
    # Two leads, listed by name; one does not share their participation (the default).
    vera = make_person(Role.LEAD, team=packing, display_name="Vera Lead")
    bo = make_person(Role.LEAD, team=packing, display_name="Bo Lead", share_participation=True)
    make_person(Role.MEMBER, team=packing, display_name="Mia Member", share_participation=True)
    make_person(Role.LEAD, team=dispatch, display_name="Dan Lead")
    make_person(Role.ADMIN, workplace=workplace, team=dispatch, display_name="Ada In-Team")
    foreign = make_team(make_workplace(), name="Abroad")
    make_person(Role.LEAD, team=foreign, display_name="Far Lead")
    api = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace))

    listed = api.get("/api/teams")
    assert lead_names(listed) == {
        "Dispatch": ["Dan Lead"],
        "Empty": [],
        "Packing": ["Bo Lead", "Vera Lead"],
    }
    [packing_answer] = [t for t in listed.json if t["id"] == packing.id]
    assert packing_answer["leads"] == [
        {"id": bo.id, "display_name": "Bo Lead"},
        {"id": vera.id, "display_name": "Vera Lead"},
    ]
    one = api.get(f"/api/teams/{packing.id}")
    assert one.json["leads"] == packing_answer["leads"]
    assert lead_names(api.get(f"/api/teams/{dispatch.id}")) == {"Dispatch": ["Dan Lead"]}
    # Members (sharing or not) and admins are not leads; another workplace is not seen.
    for response in (listed, one):
        text = response.get_data(as_text=True)
        assert "Mia Member" not in text and "Ada In-Team" not in text
        assert "Far Lead" not in text
    assert_error(api.get(f"/api/teams/{foreign.id}"), 404)


def test_a_lead_sees_their_own_teams_leads_only(app: Flask, workplace: Workplace) -> None:
    own = make_team(workplace, name="Own")
    other = make_team(workplace, name="Other")
    lead = make_person(Role.LEAD, team=own, display_name="Lone Lead")
    make_person(Role.LEAD, team=own, display_name="Kim Co-Lead")
    make_person(Role.LEAD, team=other, display_name="Ole Other-Lead")
    api = signed_in_client(app, lead)

    assert lead_names(api.get("/api/teams")) == {"Own": ["Kim Co-Lead", "Lone Lead"]}
    assert lead_names(api.get(f"/api/teams/{own.id}")) == {"Own": ["Kim Co-Lead", "Lone Lead"]}
    hidden = api.get(f"/api/teams/{other.id}")
    assert_error(hidden, 404)
    assert "Ole Other-Lead" not in hidden.get_data(as_text=True)


def test_changing_a_team_answers_with_its_leads(app: Flask, workplace: Workplace) -> None:
    team = make_team(workplace, name="Packing")
    lead = make_person(Role.LEAD, team=team, display_name="Lis Lead")
    response = signed_in_client(app, lead).patch(f"/api/teams/{team.id}", json={"name": "Pack"})
    assert response.status_code == 200, response.json
    assert response.json["leads"] == [{"id": lead.id, "display_name": "Lis Lead"}]


def test_member_cannot_list_teams(app: Flask, workplace: Workplace) -> None:
    team = make_team(workplace)
    api = signed_in_client(app, make_person(Role.MEMBER, team=team))
    assert_error(api.get("/api/teams"), 403)
    assert_error(api.get(f"/api/teams/{team.id}"), 403)
    assert_error(app.test_client().get("/api/teams"), 401)


@pytest.mark.parametrize(
    "team_id", ["0", "999999", "2147483648", "9" * 30, "9" * 5000], ids=lambda r: r[:12]
)
def test_unknown_or_out_of_range_team_id_is_404(admin_api: ApiClient, team_id: str) -> None:
    assert_error(admin_api.get(f"/api/teams/{team_id}"), 404)
    assert_error(admin_api.patch(f"/api/teams/{team_id}", json={"name": "X"}), 404)
    assert_error(admin_api.get(f"/api/teams/{team_id}/invites"), 404)


# -- changing teams ------------------------------------------------------------------


def test_lead_changes_own_team(app: Flask, workplace: Workplace) -> None:
    team = make_team(workplace, name="Packing")
    api = signed_in_client(app, make_person(Role.LEAD, team=team))
    response = api.patch(
        f"/api/teams/{team.id}",
        json={"reminder_time": "13:40", "workdays": ["fri", "tue", "tue"], "name": "Pack"},
    )
    assert response.status_code == 200, response.json
    assert response.json["reminder_time"] == "13:40"
    assert response.json["workdays"] == ["tue", "fri"]
    assert response.json["name"] == "Pack"
    assert response.json["program"] == "office-daily-5"
    assert response.json["member_count"] == 1
    assert team_row(team) == (workplace.id, "Pack", "office-daily-5", time(13, 40), ["tue", "fri"])


def test_team_cannot_be_changed_from_outside(app: Flask, workplace: Workplace) -> None:
    team = make_team(workplace, name="Packing")
    before = team_row(team)
    other_lead = make_person(Role.LEAD, team=make_team(workplace))
    foreign_admin = make_person(Role.ADMIN, workplace=make_workplace())
    member = make_person(Role.MEMBER, team=team)
    change = {"name": "Hijacked", "reminder_time": "03:00"}

    assert_error(signed_in_client(app, other_lead).patch(f"/api/teams/{team.id}", json=change), 404)
    assert_error(
        signed_in_client(app, foreign_admin).patch(f"/api/teams/{team.id}", json=change), 404
    )
    assert_error(signed_in_client(app, member).patch(f"/api/teams/{team.id}", json=change), 403)
    assert team_row(team) == before


def test_renaming_onto_another_team_is_409(admin_api: ApiClient, workplace: Workplace) -> None:
    packing = make_team(workplace, name="Packing")
    dispatch = make_team(workplace, name="Dispatch")
    before = team_row(dispatch)
    assert_error(admin_api.patch(f"/api/teams/{dispatch.id}", json={"name": "PACKING"}), 409)
    assert team_row(dispatch) == before
    # Changing only the case of its own name is not a clash.
    response = admin_api.patch(f"/api/teams/{packing.id}", json={"name": "PACKING"})
    assert response.status_code == 200
    assert fresh(packing).name == "PACKING"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reminder_time": "24:00"}, "reminder_time"),
        ({"workdays": []}, "workdays"),
        ({"name": ""}, "name"),
        ({"id": 5}, "id"),
    ],
)
def test_invalid_team_change_is_422_and_changes_nothing(
    admin_api: ApiClient, workplace: Workplace, body: dict[str, Any], field: str
) -> None:
    team = make_team(workplace)
    before = team_row(team)
    assert_422(admin_api.patch(f"/api/teams/{team.id}", json=body), field)
    assert team_row(team) == before


# -- the workplace -------------------------------------------------------------------


def test_workplace_shows_its_band_set_lightest_first(app: Flask, workplace: Workplace) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER, team=make_team(workplace)))
    response = api.get("/api/workplace")
    assert response.status_code == 200
    body = response.json
    assert body["id"] == workplace.id
    assert body["name"] == "Harbour Office"
    assert body["time_zone"] == "Europe/Copenhagen"
    assert body["language"] == "da"
    band_set = body["band_set"]
    assert band_set["brand"] == "TheraBand"
    levels = band_set["levels"]
    assert [level["key"] for level in levels] == BANDS
    assert [level["position"] for level in levels] == list(range(8))
    forces = [level["force_newtons"] for level in levels]
    assert all(force > 0 for force in forces)
    assert forces == sorted(forces) and len(set(forces)) == 8
    for level in levels:
        assert level["colour_name_da"] and level["colour_name_en"]
        assert level["display_colour"].startswith("#") and len(level["display_colour"]) == 7


def test_admin_changes_the_workplace(admin_api: ApiClient, workplace: Workplace) -> None:
    response = admin_api.patch(
        "/api/workplace",
        json={"name": " Harbour HQ ", "time_zone": "Europe/Oslo", "language": "en"},
    )
    assert response.status_code == 200, response.json
    assert response.json["name"] == "Harbour HQ"
    assert response.json["time_zone"] == "Europe/Oslo"
    assert response.json["language"] == "en"
    assert len(response.json["band_set"]["levels"]) == 8
    row = fresh(workplace)
    assert (row.name, row.time_zone, row.language) == ("Harbour HQ", "Europe/Oslo", "en")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "Europe"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"time_zone": None}, "time_zone"),
        ({"language": "fr"}, "language"),
        ({"name": "   "}, "name"),
        ({"band_set": {"brand": "Other"}}, "band_set"),
    ],
)
def test_invalid_workplace_change_is_422(
    admin_api: ApiClient, workplace: Workplace, body: dict[str, Any], field: str
) -> None:
    assert_422(admin_api.patch("/api/workplace", json=body), field)
    row = fresh(workplace)
    assert (row.name, row.time_zone, row.language) == (
        "Harbour Office",
        "Europe/Copenhagen",
        "da",
    )


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD])
def test_only_admins_change_the_workplace(app: Flask, workplace: Workplace, role: Role) -> None:
    api = signed_in_client(app, make_person(role, team=make_team(workplace)))
    assert_error(api.patch("/api/workplace", json={"name": "Mine now"}), 403)
    assert fresh(workplace).name == "Harbour Office"


def test_admin_changes_only_their_own_workplace(app: Flask, admin_api: ApiClient) -> None:
    other = make_workplace(name="Elsewhere")
    assert admin_api.patch("/api/workplace", json={"name": "Renamed"}).status_code == 200
    assert fresh(other).name == "Elsewhere"
