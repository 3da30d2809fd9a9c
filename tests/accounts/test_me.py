"""PATCH /api/me: what a person may change about themselves, and what they may not."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace
from tests.factories import ApiClient, make_person, make_team, make_workplace, signed_in_client


def fresh(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def assert_422(response: TestResponse, field: str) -> None:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["code"] == 422
    assert field in response.json["errors"]["json"], response.json


def snapshot(person: Person) -> dict[str, Any]:
    row = fresh(person)
    columns = Person.__table__.columns.keys()
    return {name: getattr(row, name) for name in columns}


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    return make_workplace(time_zone="Europe/Copenhagen", language="da")


@pytest.fixture
def team(workplace: Workplace) -> Team:
    return make_team(workplace)


@pytest.fixture
def member(team: Team) -> Person:
    return make_person(
        Role.MEMBER, team=team, display_name="Bo", email="bo@example.org", with_password=True
    )


@pytest.fixture
def api(app: Flask, member: Person) -> ApiClient:
    return signed_in_client(app, member)


def test_change_display_name_language_and_sharing(api: ApiClient, member: Person) -> None:
    response = api.patch(
        "/api/me",
        json={"display_name": "  Bo Berg  ", "language": "en", "share_participation": True},
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["id"] == member.id
    assert body["display_name"] == "Bo Berg"
    assert body["language"] == "en"
    assert body["share_participation"] is True
    row = fresh(member)
    assert (row.display_name, row.language, row.share_participation) == ("Bo Berg", "en", True)

    back = api.patch("/api/me", json={"share_participation": False})
    assert back.status_code == 200
    assert back.json["display_name"] == "Bo Berg"  # untouched fields stay
    assert fresh(member).share_participation is False


def test_time_zone_overrides_and_null_follows_the_workplace(api: ApiClient, member: Person) -> None:
    response = api.patch("/api/me", json={"time_zone": "America/New_York"})
    assert response.status_code == 200, response.json
    assert response.json["time_zone"] == "America/New_York"
    assert response.json["effective_time_zone"] == "America/New_York"
    assert fresh(member).time_zone == "America/New_York"

    response = api.patch("/api/me", json={"time_zone": None})
    assert response.status_code == 200, response.json
    assert response.json["time_zone"] is None
    assert response.json["effective_time_zone"] == "Europe/Copenhagen"
    assert fresh(member).time_zone is None


# Any name in the tz database is accepted, links included: "CET" and "Asia/Calcutta"
# resolve to real rules, and browsers still report such names (Intl's resolved zone).
@pytest.mark.parametrize("zone", ["CET", "Asia/Calcutta", "UTC", "Europe/Copenhagen"])
def test_time_zone_names_of_the_tz_database_are_accepted(
    api: ApiClient, member: Person, zone: str
) -> None:
    assert zone in available_timezones()
    response = api.patch("/api/me", json={"time_zone": zone})
    assert response.status_code == 200, response.json
    assert response.json["effective_time_zone"] == zone
    assert fresh(member).time_zone == zone


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus",
        "",
        " ",
        "europe/copenhagen",
        "Europe/Copenhagen ",
        "+01:00",
        "../../etc/passwd",
        "Europe/" + "x" * 60,
        1,
        # Not zone names, though files of those names may exist in the tz data:
        "Europe",  # a directory
        "posixrules",
        "right/UTC",
        "posix/Europe/Oslo",
    ],
)
def test_unknown_time_zone_is_422(api: ApiClient, member: Person, zone: Any) -> None:
    before = snapshot(member)
    assert_422(api.patch("/api/me", json={"time_zone": zone}), "time_zone")
    assert snapshot(member) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 61}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"display_name": 5}, "display_name"),
        ({"language": "fr"}, "language"),
        ({"language": None}, "language"),
        ({"share_participation": "yes"}, "share_participation"),
        ({"share_participation": 1}, "share_participation"),
        ({"share_participation": None}, "share_participation"),
    ],
)
def test_invalid_values_are_422(
    api: ApiClient, member: Person, body: dict[str, Any], field: str
) -> None:
    before = snapshot(member)
    assert_422(api.patch("/api/me", json=body), field)
    assert snapshot(member) == before


@pytest.mark.parametrize(
    "body",
    [
        {"role": "admin"},
        {"workplace": {"id": 999, "name": "Elsewhere"}},
        {"workplace_id": 999},
        {"team": {"id": 999, "name": "Other"}},
        {"team_id": 999},
        {"email": "mallory@example.org"},
        {"password_hash": "x"},
        {"has_password": False},
        {"id": 999},
        {"effective_time_zone": "UTC"},
        {"created_at": "2020-01-01T00:00:00+00:00"},
    ],
    ids=lambda body: next(iter(body)),
)
def test_fields_that_are_not_mine_to_change_are_refused(
    app: Flask, api: ApiClient, member: Person, body: dict[str, Any]
) -> None:
    make_team(make_workplace())  # something a forged id could point at
    before = snapshot(member)
    # Mixed with a valid change, so nothing is applied half-way either.
    response = api.patch("/api/me", json={"display_name": "Changed", **body})
    assert_422(response, next(iter(body)))
    assert snapshot(member) == before
    assert before["role"] == "member" and before["email"] == "bo@example.org"


def test_a_valid_change_next_to_an_invalid_one_is_not_applied(
    api: ApiClient, member: Person
) -> None:
    before = snapshot(member)
    response = api.patch("/api/me", json={"display_name": "Changed", "language": "fr"})
    assert_422(response, "language")
    assert "display_name" not in response.json["errors"]["json"]
    assert snapshot(member) == before


def test_empty_patch_changes_nothing(api: ApiClient, member: Person) -> None:
    before = snapshot(member)
    response = api.patch("/api/me", json={})
    assert response.status_code == 200
    assert response.json["display_name"] == "Bo"
    assert snapshot(member) == before


def test_patch_needs_sign_in(app: Flask, member: Person) -> None:
    before = snapshot(member)
    response = app.test_client().patch("/api/me", json={"display_name": "Anon"})
    assert response.status_code == 401
    assert response.json["code"] == 401
    assert snapshot(member) == before


def test_patch_changes_only_the_caller(app: Flask, api: ApiClient, team: Team) -> None:
    colleague = make_person(Role.MEMBER, team=team, display_name="Cy")
    before = snapshot(colleague)
    assert api.patch("/api/me", json={"display_name": "Bo 2"}).status_code == 200
    assert snapshot(colleague) == before
