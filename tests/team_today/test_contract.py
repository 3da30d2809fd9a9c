"""Team today and high-fives, on SQLite and PostgreSQL: who may ask, what is counted and
named, once a day per giver and receiver, the field errors, and the team's own day.

The clock is the one collaborator replaced: each test sets "now" and the team's day
follows it in the workplace's time zone.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.extensions import db
from coach.team_today.models import HighFive
from coach.teams.models import Team
from tests.factories import (
    ApiClient,
    assert_error,
    make_person,
    make_team,
    make_workplace,
    signed_in_client,
)
from tests.teams.participation_fixtures import long_ago, train

# Thursday 3 December 2026, 11:00 in Copenhagen.
NOON = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
THURSDAY = date(2026, 12, 3)
MONDAY = date(2026, 11, 30)


class Clock:
    def __init__(self) -> None:
        self.now = NOON


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("coach.teams.participation.utcnow", lambda: clock.now)
    monkeypatch.setattr("coach.coaching.journal.utcnow", lambda: clock.now)
    return clock


class World:
    def __init__(self) -> None:
        self.workplace = make_workplace(name="Harbour Office", time_zone="Europe/Copenhagen")
        self.team: Team = make_team(self.workplace, name="Packing", program="office-daily-5")
        self.other_team = make_team(self.workplace, name="Dispatch")

        def person(name: str, shares: bool, role: Role = Role.MEMBER) -> Person:
            return make_person(
                role,
                team=self.team,
                display_name=name,
                share_participation=shares,
                created_at=long_ago(),
            )

        self.lead = person("Lis Lead", True, Role.LEAD)
        self.anna = person("Anna Shares", True)
        self.bo = person("Bo Shares", True)
        self.quiet = person("Quinn Quiet", False)
        self.idle = person("Ida Idle", True)
        self.admin = make_person(Role.ADMIN, workplace=self.workplace, display_name="Ada Admin")
        self.stranger = make_person(team=self.other_team, display_name="Olga Other")

    def client(self, app: Flask, person: Person) -> ApiClient:
        return signed_in_client(app, person)


@pytest.fixture
def world(app: Flask, clock: Clock) -> World:
    world = World()
    # This week: Anna on Monday and today, Bo and Quinn today, the lead on Tuesday.
    train(world.anna, [MONDAY, THURSDAY])
    train(world.bo, [THURSDAY])
    train(world.quiet, [THURSDAY])
    train(world.lead, [date(2026, 12, 1)])
    return world


def _today(api: ApiClient, team: Team) -> dict[str, Any]:
    response = api.get(f"/api/teams/{team.id}/today")
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.json  # type: ignore[no-any-return]


def _give(api: ApiClient, team: Team, to: int | None, **extra: Any) -> Any:
    return api.post(f"/api/teams/{team.id}/high-fives", json={"to": to, **extra})


def test_team_today_counts_everyone_and_names_those_who_share(app: Flask, world: World) -> None:
    body = _today(world.client(app, world.anna), world.team)
    assert body["date"] == "2026-12-03"
    assert body["team"] == {"id": world.team.id, "name": "Packing"}
    assert body["members"] == 5  # the lead, Anna, Bo, Quinn, Ida; not the admin
    assert body["trained"] == 3  # Anna, Bo and Quinn
    assert body["named"] == [
        {"id": world.anna.id, "display_name": "Anna Shares"},
        {"id": world.bo.id, "display_name": "Bo Shares"},
    ]
    week = body["week"]
    assert week["week_start"] == "2026-11-30"
    assert week["sessions"] == 5 and week["active"] == 4 and week["enrolled"] == 5
    # Thursday of a five-a-week program on five workdays: four sessions each so far.
    assert week["workdays_so_far"] == 4
    assert week["target_so_far"] == 4 * 5
    assert week["target_sessions"] == 5 * 5
    assert (week["planned"], week["partial"]) == (True, True)
    # Against what is due so far: Anna 2, Bo, Quinn and the lead 1 each, of 4 each.
    assert week["adherence_percent"] == round(100 * 5 / 20, 1)


@pytest.mark.parametrize("who", ["member", "lead", "admin"])
def test_members_leads_and_admins_see_the_same_team_today(
    app: Flask, world: World, who: str
) -> None:
    person = {"member": world.idle, "lead": world.lead, "admin": world.admin}[who]
    body = _today(world.client(app, person), world.team)
    assert body["trained"] == 3
    assert [n["display_name"] for n in body["named"]] == ["Anna Shares", "Bo Shares"]


def test_another_team_answers_404(app: Flask, world: World) -> None:
    for person in (world.anna, world.lead):
        api = world.client(app, person)
        assert_error(api.get(f"/api/teams/{world.other_team.id}/today"), 404)
        assert_error(_give(api, world.other_team, None), 404)
    other_workplace = make_team(make_workplace(name="Elsewhere"))
    api = world.client(app, world.admin)
    assert_error(api.get(f"/api/teams/{other_workplace.id}/today"), 404)
    assert_error(_give(api, other_workplace, None), 404)
    assert_error(app.test_client().get(f"/api/teams/{world.team.id}/today"), 401)


def test_only_members_of_the_team_give_high_fives(app: Flask, world: World) -> None:
    admin = world.client(app, world.admin)
    assert_error(_give(admin, world.team, None), 403)
    lead = world.client(app, world.lead)  # a lead is a member of their team
    assert _give(lead, world.team, world.anna.id).status_code == 201


def test_a_high_five_is_given_once_per_giver_receiver_and_day(app: Flask, world: World) -> None:
    bo = world.client(app, world.bo)
    first = _give(bo, world.team, world.anna.id)
    assert first.status_code == 201, first.json
    assert first.json["to"] == world.anna.id and first.json["day"] == "2026-12-03"
    again = _give(bo, world.team, world.anna.id, id=str(uuid.uuid4()))
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    # The team is a receiver of its own: once a day too, beside the one to Anna.
    team_first = _give(bo, world.team, None)
    assert team_first.status_code == 201
    assert _give(bo, world.team, None).status_code == 200

    anna = world.client(app, world.anna).get("/api/me/high-fives").json
    assert anna["from_colleagues"] == [{"id": world.bo.id, "display_name": "Bo Shares"}]
    assert (anna["from_others"], anna["team"], anna["total"]) == (0, 1, 2)
    mine = world.client(app, world.bo).get("/api/me/high-fives").json
    assert mine["given"] == {"team": True, "to": [world.anna.id]}
    assert mine["team"] == 0  # one's own team high-five is not one received


def test_a_replay_of_the_phones_id_is_recognised(app: Flask, world: World) -> None:
    bo = world.client(app, world.bo)
    client_id = str(uuid.uuid4())
    assert _give(bo, world.team, world.anna.id, id=client_id).status_code == 201
    replay = _give(bo, world.team, world.anna.id, id=client_id)
    assert replay.status_code == 200 and replay.json["id"] == client_id
    assert_error(_give(bo, world.team, None, id=client_id), 409)
    assert_error(_give(world.client(app, world.anna), world.team, world.bo.id, id=client_id), 409)


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("self", "yourself"),
        ("quiet", "does not share"),
        ("idle", "has not trained today"),
        ("stranger", "is of another team"),
        ("admin", "is not a member"),
        ("nobody", "is no one"),
        ("huge", "beyond any id"),
    ],
)
def test_a_high_five_goes_only_to_a_named_colleague(
    app: Flask, world: World, target: str, why: str
) -> None:
    to = {
        "self": world.anna.id,
        "quiet": world.quiet.id,
        "idle": world.idle.id,
        "stranger": world.stranger.id,
        "admin": world.admin.id,
        "nobody": 10**6,
        "huge": 2**62,
    }[target]
    body = assert_error(_give(world.client(app, world.anna), world.team, to), 422)
    assert list(body["errors"]["json"]) == ["to"], why
    message = body["errors"]["json"]["to"][0]
    # One answer whoever it is: it tells nothing of whether a non-sharing member trained.
    if target != "self":
        assert "named in the team's today" in message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "to"),
        ({"to": "3"}, "to"),
        ({"to": 1.5}, "to"),
        ({"to": True}, "to"),
        ({"to": None, "id": "not-a-uuid"}, "id"),
        ({"to": None, "from": 3}, "from"),
        ([], "_schema"),
    ],
)
def test_bad_bodies_get_field_errors(app: Flask, world: World, body: Any, field: str) -> None:
    api = world.client(app, world.anna)
    response = api.post(f"/api/teams/{world.team.id}/high-fives", json=body)
    assert list(assert_error(response, 422)["errors"]["json"]) == [field]


def test_a_bad_date_gets_a_field_error(app: Flask, world: World) -> None:
    api = world.client(app, world.anna)
    for bad in ("2026-13-01", "yesterday", "1999-12-31"):
        body = assert_error(api.get(f"/api/me/high-fives?date={bad}"), 422)
        assert list(body["errors"]["query"]) == ["date"]


def test_non_sharing_members_give_and_get_team_high_fives_counted(app: Flask, world: World) -> None:
    quiet = world.client(app, world.quiet)
    assert _give(quiet, world.team, world.anna.id).status_code == 201
    assert _give(quiet, world.team, None).status_code == 201
    anna = world.client(app, world.anna).get("/api/me/high-fives").json
    assert anna["from_colleagues"] == [] and anna["from_others"] == 1 and anna["team"] == 1
    assert _give(world.client(app, world.bo), world.team, None).status_code == 201
    mine = quiet.get("/api/me/high-fives").json
    assert (mine["team"], mine["total"], mine["from_colleagues"]) == (1, 1, [])


def test_the_day_is_the_teams_own(app: Flask, world: World, clock: Clock) -> None:
    """23:50 in Copenhagen is 22:50 UTC on the same date; 00:10 the next day is still
    the 3rd in UTC. The team's day follows Copenhagen, not UTC."""
    clock.now = datetime(2026, 12, 3, 22, 50, tzinfo=UTC)
    bo = world.client(app, world.bo)
    assert _give(bo, world.team, world.anna.id).json["day"] == "2026-12-03"

    clock.now = datetime(2026, 12, 3, 23, 10, tzinfo=UTC)  # Friday 00:10 in Copenhagen
    today = _today(bo, world.team)
    assert today["date"] == "2026-12-04"
    assert today["trained"] == 0 and today["named"] == []
    assert today["week"]["workdays_so_far"] == 5 and today["week"]["sessions"] == 5
    assert_error(_give(bo, world.team, world.anna.id), 422)  # Anna has not trained on the 4th
    team_five = _give(bo, world.team, None)
    assert team_five.status_code == 201 and team_five.json["day"] == "2026-12-04"

    anna = world.client(app, world.anna)
    assert anna.get("/api/me/high-fives").json["total"] == 1  # the team's, on the 4th
    yesterday = anna.get("/api/me/high-fives?date=2026-12-03").json
    assert yesterday["date"] == "2026-12-03"
    assert [g["display_name"] for g in yesterday["from_colleagues"]] == ["Bo Shares"]
    assert yesterday["team"] == 0


def test_the_target_so_far_follows_the_teams_training_days(app: Flask, world: World) -> None:
    world.team.program = "weekly-3x20"
    world.team.workdays = ["mon", "wed", "fri"]
    db.session.commit()
    week = _today(world.client(app, world.anna), world.team)["week"]
    # Thursday: Monday and Wednesday are behind the team, so two of three are due.
    assert week["workdays_so_far"] == 2
    assert week["target_so_far"] == 2 * 5 and week["target_sessions"] == 3 * 5


def test_someone_who_stops_sharing_is_no_longer_named(app: Flask, world: World) -> None:
    bo = world.client(app, world.bo)
    assert _give(bo, world.team, world.anna.id).status_code == 201
    assert _give(world.client(app, world.anna), world.team, world.bo.id).status_code == 201
    world.bo.share_participation = False
    world.anna.share_participation = False
    db.session.commit()
    anna = world.client(app, world.anna).get("/api/me/high-fives").json
    assert anna["from_colleagues"] == [] and anna["from_others"] == 1
    assert anna["given"]["to"] == []  # Bo, no longer sharing, is not named even by id
    assert [n["id"] for n in _today(bo, world.team)["named"]] == []


def test_the_same_high_five_sent_twice_at_once_is_stored_once(app: Flask, world: World) -> None:
    """Two phones of Bo's (or a retry racing the first try) at the same instant: one
    201, one 200, one row, never a 500."""
    phones = [world.client(app, world.bo) for _ in range(2)]
    path, body = f"/api/teams/{world.team.id}/high-fives", {"to": world.anna.id}
    db.session.rollback()
    start = threading.Barrier(2)
    answers: list[int] = []

    def send(phone: ApiClient) -> None:
        start.wait()
        answers.append(phone.post(path, json=body).status_code)

    threads = [threading.Thread(target=send, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [200, 201]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HighFive)) == 1
