"""History and progress: a fixture history with numbers worked out by hand.

"Today" is pinned to Wednesday 12 March 2025 (``progress.local_today``); the history
lies before it. Each request runs in an app context of its own, as in production.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
from werkzeug.test import TestResponse

from coach.accounts.auth import COOKIE
from coach.accounts.models import Person
from coach.coaching import progress
from coach.coaching.models import CardioSession, CheckIn, WorkoutSet
from coach.coaching.weeks import days_after, iso_week_start
from coach.domain.adherence import target_so_far, week_start
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import ApiClient, make_person, make_team, signed_in_client

TODAY = date(2025, 3, 12)  # a Wednesday
JOINED = datetime(2024, 12, 1, 8, 0, tzinfo=UTC)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
D = date.fromisoformat


def call(app: Flask, api: ApiClient, path: str, method: str = "GET") -> TestResponse:
    db.session.rollback()
    with app.app_context():
        response = api.request(method, path)
    db.session.rollback()
    return response


def add_set(person: Person, day: date, exercise: str, minute: int = 0, **values: Any) -> None:
    moment = datetime.combine(day, time(11, 25), tzinfo=COPENHAGEN) + timedelta(minutes=minute)
    db.session.add(
        WorkoutSet(
            id=uuid.uuid4(),
            person_id=person.id,
            exercise=exercise,
            performed_at=moment.astimezone(UTC),
            local_date=day,
            **values,
        )
    )


def add_cardio(person: Person, day: date, activity: str, minutes: int, effort: int) -> None:
    moment = datetime.combine(day, time(17, 0), tzinfo=COPENHAGEN)
    db.session.add(
        CardioSession(
            id=uuid.uuid4(),
            person_id=person.id,
            performed_at=moment.astimezone(UTC),
            local_date=day,
            activity=activity,
            minutes=minutes,
            effort=effort,
        )
    )


def add_check_in(person: Person, day: date, **pain: int) -> None:
    db.session.add(
        CheckIn(person_id=person.id, day=day, **{f"pain_{k}": v for k, v in pain.items()})
    )


def weekdays(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(5)]


def build_history(me: Person) -> None:
    """21 days with sets in five weeks, cardio on 2 days, check-ins on 7 days."""
    for day in weekdays(D("2025-02-10")) + weekdays(D("2025-02-17")):
        add_set(me, day, "shrug", band_level="red", reps=12)
    for day in (D("2025-02-24"), D("2025-02-26"), D("2025-02-27"), D("2025-02-28")):
        add_set(me, day, "shrug", band_level="red", reps=12)
    add_set(me, D("2025-02-25"), "dumbbell-row", 0, load_kg=10.0, reps=12)
    add_set(me, D("2025-02-25"), "dumbbell-row", 1, load_kg=12.0, reps=8)
    add_set(me, D("2025-02-25"), "dumbbell-row", 2, load_kg=12.0, reps=9)
    add_set(me, D("2025-03-03"), "lateral-raise", band_level="red", reps=18, pain=2)
    add_set(me, D("2025-03-04"), "lateral-raise", band_level="red", reps=20)
    add_set(me, D("2025-03-04"), "neck-side-hold", 1, hold_seconds=20)
    add_set(me, D("2025-03-04"), "neck-side-hold", 2, hold_seconds=25)
    add_set(me, D("2025-03-05"), "lateral-raise", 0, band_level="red", reps=21, reps_in_reserve=0)
    add_set(me, D("2025-03-05"), "lateral-raise", 1, band_level="green", reps=14)
    add_set(me, D("2025-03-06"), "shrug", band_level="red", reps=13)
    add_set(me, D("2025-03-07"), "shrug", band_level="red", reps=13)
    add_set(me, D("2025-03-10"), "lateral-raise", band_level="green", reps=16)
    add_cardio(me, D("2025-03-05"), "cycling", 15, 5)
    add_cardio(me, D("2025-03-08"), "running", 20, 3)
    add_check_in(me, D("2025-02-24"), neck=5)
    add_check_in(me, D("2025-02-25"), neck=6)
    add_check_in(me, D("2025-02-26"), neck=6)
    add_check_in(me, D("2025-03-03"), neck=4, shoulder=2)
    add_check_in(me, D("2025-03-05"), neck=3)
    add_check_in(me, D("2025-03-09"), neck=2, shoulder=1)
    add_check_in(me, D("2025-03-10"), neck=1, lower_back=5)


def build_neighbour(person: Person) -> None:
    """Another person of the same team, whose logs must never show up."""
    for day in [*weekdays(D("2025-03-03")), D("2025-03-11")]:
        add_set(person, day, "lateral-raise", band_level="blue", reps=30)
        add_set(person, day, "wrist-extension", 1, band_level="tan", reps=10)
        add_check_in(person, day, neck=9, arm=9)
    add_cardio(person, D("2025-03-09"), "rowing", 30, 8)


@dataclass
class Fixture:
    app: Flask
    me: ApiClient
    other: ApiClient
    person_id: int


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "local_today", lambda _person: TODAY)


@pytest.fixture
def world(app: Flask, pinned_today: None) -> Iterator[Fixture]:
    team = make_team(name="Office", program="office-daily-5")
    me = make_person(Role.MEMBER, team=team, language="en", created_at=JOINED)
    neighbour = make_person(Role.MEMBER, team=team, created_at=JOINED)
    build_history(me)
    build_neighbour(neighbour)
    db.session.commit()
    fixture = Fixture(app, signed_in_client(app, me), signed_in_client(app, neighbour), me.id)
    db.session.rollback()
    yield fixture


# -- history ----------------------------------------------------------------------------


def pagination(response: TestResponse) -> dict[str, int]:
    return json.loads(response.headers["X-Pagination"])


def test_history_pages_days_newest_first(world: Fixture) -> None:
    first = call(world.app, world.me, "/api/me/history?page_size=5")
    assert first.status_code == 200, first.json
    assert [d["date"] for d in first.json] == [
        "2025-03-10",
        "2025-03-09",  # a check-in only
        "2025-03-08",  # cardio only
        "2025-03-07",
        "2025-03-06",
    ]
    assert pagination(first) == {
        "total": 23,
        "total_pages": 5,
        "first_page": 1,
        "last_page": 5,
        "page": 1,
        "next_page": 2,
    }
    assert first.headers["Cache-Control"] == "private, no-store"

    last = call(world.app, world.me, "/api/me/history?page_size=5&page=5")
    assert [d["date"] for d in last.json] == ["2025-02-12", "2025-02-11", "2025-02-10"]
    assert pagination(last)["previous_page"] == 4 and "next_page" not in pagination(last)

    everything = call(world.app, world.me, "/api/me/history?page_size=100")
    days = [d["date"] for d in everything.json]
    assert len(days) == 23 and days == sorted(days, reverse=True)
    assert sum(len(d["sets"]) for d in everything.json) == 26
    assert sum(len(d["cardio"]) for d in everything.json) == 2
    assert sum(d["check_in"] is not None for d in everything.json) == 7

    beyond = call(world.app, world.me, "/api/me/history?page_size=5&page=6")
    assert beyond.status_code == 200 and beyond.json == []
    assert pagination(beyond)["total"] == 23


def test_default_page_is_fifty_days(world: Fixture) -> None:
    response = call(world.app, world.me, "/api/me/history")
    assert len(response.json) == 23
    assert pagination(response)["total_pages"] == 1


def test_history_day_holds_sets_cardio_and_check_in(world: Fixture) -> None:
    response = call(world.app, world.me, "/api/me/history?from=2025-03-05&to=2025-03-05")
    assert response.status_code == 200
    [day] = response.json
    assert day["date"] == "2025-03-05"
    sets = [
        {k: s[k] for k in ("exercise", "name", "band_level", "load_kg", "reps", "reps_in_reserve")}
        for s in day["sets"]
    ]
    assert sets == [
        {
            "exercise": "lateral-raise",
            "name": "Lateral raise",
            "band_level": "red",
            "load_kg": None,
            "reps": 21,
            "reps_in_reserve": 0,
        },
        {
            "exercise": "lateral-raise",
            "name": "Lateral raise",
            "band_level": "green",
            "load_kg": None,
            "reps": 14,
            "reps_in_reserve": None,
        },
    ]
    assert day["sets"][0]["hold_seconds"] is None and day["sets"][0]["pain"] is None
    uuid.UUID(day["sets"][0]["id"])
    assert [(c["activity"], c["name"], c["minutes"], c["effort"]) for c in day["cardio"]] == [
        ("cycling", "Cycling", 15, 5)
    ]
    check_in = day["check_in"]
    assert check_in["day"] == "2025-03-05"
    assert check_in["pain"] == {"neck": 3, "shoulder": None, "arm": None, "lower-back": None}
    assert check_in["red_flag"] is False and check_in["soreness"] is False


def test_history_range_is_inclusive_and_either_end_may_be_open(world: Fixture) -> None:
    week = call(world.app, world.me, "/api/me/history?from=2025-03-03&to=2025-03-09")
    assert [d["date"] for d in week.json] == [f"2025-03-0{n}" for n in range(9, 2, -1)]
    assert pagination(week)["total"] == 7
    since = call(world.app, world.me, "/api/me/history?from=2025-03-08")
    assert [d["date"] for d in since.json] == ["2025-03-10", "2025-03-09", "2025-03-08"]
    until = call(world.app, world.me, "/api/me/history?to=2025-02-11")
    assert [d["date"] for d in until.json] == ["2025-02-11", "2025-02-10"]
    empty = call(world.app, world.me, "/api/me/history?from=2030-01-01")
    assert empty.status_code == 200 and empty.json == [] and pagination(empty)["total"] == 0


def test_history_is_only_my_own(world: Fixture) -> None:
    mine = call(world.app, world.me, "/api/me/history?from=2025-03-11")
    assert mine.json == []  # the neighbour trained on the 11th; I did not
    theirs = call(world.app, world.other, "/api/me/history")
    assert [d["date"] for d in theirs.json] == [
        "2025-03-11",
        "2025-03-09",
        "2025-03-07",
        "2025-03-06",
        "2025-03-05",
        "2025-03-04",
        "2025-03-03",
    ]
    assert {s["band_level"] for d in theirs.json for s in d["sets"]} == {"blue", "tan"}
    # the neighbour's language is Danish
    assert theirs.json[0]["sets"][0]["name"] == "Sideløft"


@pytest.mark.parametrize(
    ("query", "location", "field"),
    [
        ("from=2025-03-10&to=2025-03-09", "query", "from"),
        ("from=2025-02-30", "query", "from"),
        ("to=yesterday", "query", "to"),
        ("from=2025-3-1", "query", "from"),
        ("page=0", "query", "page"),
        ("page=two", "query", "page"),
        ("page_size=101", "query", "page_size"),
        ("page_size=0", "query", "page_size"),
    ],
)
def test_bad_history_queries_answer_422(
    world: Fixture, query: str, location: str, field: str
) -> None:
    response = call(world.app, world.me, f"/api/me/history?{query}")
    assert response.status_code == 422, response.json
    assert field in response.json["errors"][location]


def test_a_huge_page_number_is_an_empty_page(world: Fixture) -> None:
    response = call(world.app, world.me, f"/api/me/history?page={10**30}")
    assert response.status_code == 200 and response.json == []


# -- progress ---------------------------------------------------------------------------


def band(key: str, position: int, name: str) -> dict[str, Any]:
    return {"key": key, "position": position, "name": name}


def point(day: str, **values: Any) -> dict[str, Any]:
    return {
        "date": day,
        "band_level": None,
        "load_kg": None,
        "reps": None,
        "hold_seconds": None,
        "sets": 1,
        **values,
    }


def test_progress_series_are_each_days_top_set(world: Fixture) -> None:
    response = call(world.app, world.me, "/api/me/progress")
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.json
    assert body["today"] == "2025-03-12"
    series = {e["exercise"]: e for e in body["exercises"]}
    assert list(series) == ["dumbbell-row", "lateral-raise", "neck-side-hold", "shrug"]
    red, green = band("red", 2, "red"), band("green", 3, "green")
    assert series["dumbbell-row"] == {
        "exercise": "dumbbell-row",
        "name": "Dumbbell row",
        "kind": "reps",
        # 10 kg x 12, 12 kg x 8, 12 kg x 9: the heaviest load and its best reps
        "sessions": [point("2025-02-25", load_kg=12.0, reps=9, sets=3)],
    }
    assert series["lateral-raise"]["sessions"] == [
        point("2025-03-03", band_level=red, reps=18),
        point("2025-03-04", band_level=red, reps=20),
        # red x 21, then green x 14: the green band is the top set
        point("2025-03-05", band_level=green, reps=14, sets=2),
        point("2025-03-10", band_level=green, reps=16),
    ]
    assert series["neck-side-hold"]["kind"] == "hold"
    assert series["neck-side-hold"]["sessions"] == [point("2025-03-04", hold_seconds=25, sets=2)]
    shrugs = series["shrug"]["sessions"]
    assert len(shrugs) == 16
    assert [p["reps"] for p in shrugs[-3:]] == [12, 13, 13]
    assert {p["band_level"]["key"] for p in shrugs} == {"red"}


def test_progress_names_come_in_my_language(world: Fixture) -> None:
    theirs = call(world.app, world.other, "/api/me/progress").json
    names = {
        e["exercise"]: (e["name"], e["sessions"][0]["band_level"]["name"])
        for e in theirs["exercises"]
    }
    assert names == {
        "lateral-raise": ("Sideløft", "blå"),
        "wrist-extension": ("Håndledsstræk", "beige"),
    }


def test_pain_is_my_mean_per_iso_week(world: Fixture) -> None:
    body = call(world.app, world.me, "/api/me/progress").json
    nothing = {"neck": None, "shoulder": None, "arm": None, "lower-back": None}
    assert body["pain_weeks"] == [
        {"week_start": "2025-02-24", "check_ins": 3, "mean": {**nothing, "neck": 5.67}},
        {
            "week_start": "2025-03-03",  # Monday 3rd to Sunday 9th
            "check_ins": 3,
            "mean": {**nothing, "neck": 3.0, "shoulder": 1.5},
        },
        {
            "week_start": "2025-03-10",
            "check_ins": 1,
            "mean": {**nothing, "neck": 1.0, "lower-back": 5.0},
        },
    ]


def test_sessions_per_week_against_the_program(world: Fixture) -> None:
    body = call(world.app, world.me, "/api/me/progress").json
    weekly = body["sessions_per_week"]
    assert (weekly["program"], weekly["target"]) == ("office-daily-5", 5)
    mondays = [(D("2024-12-23") + timedelta(weeks=n)).isoformat() for n in range(12)]
    assert [w["week_start"] for w in weekly["weeks"]] == mondays
    assert [w["sessions"] for w in weekly["weeks"]] == [0] * 7 + [5, 5, 5, 5, 1]
    # this week (1 so far) is under way, not missed; the four weeks before were met
    assert [w["met"] for w in weekly["weeks"]] == [False] * 7 + [True] * 4 + [None]
    assert [w["partial"] for w in weekly["weeks"]] == [False] * 11 + [True]
    # past weeks owe the whole target; Wednesday of Monday-to-Friday: 3 of 5 are due
    assert [w["target_so_far"] for w in weekly["weeks"]] == [5] * 11 + [3]
    assert {(w["planned"], w["target"]) for w in weekly["weeks"]} == {(True, 5)}
    assert body["streak_weeks"] == 4


def test_a_week_already_met_counts_in_the_streak(world: Fixture) -> None:
    me = db.session.get_one(Person, world.person_id)
    assert me.team is not None
    me.team.workdays = ["mon", "tue", "wed"]  # the target drops to 3 a week
    add_set(me, D("2025-03-11"), "shrug", band_level="red", reps=14)
    add_set(me, D("2025-03-12"), "shrug", band_level="red", reps=15)
    db.session.commit()
    body = call(world.app, world.me, "/api/me/progress").json
    assert body["sessions_per_week"]["target"] == 3
    assert body["sessions_per_week"]["weeks"][-1] == {
        "week_start": "2025-03-10",
        "sessions": 3,
        "planned": True,
        "partial": True,
        "target": 3,
        "target_so_far": 3,  # Wednesday is the last of Monday to Wednesday
        "met": True,
    }
    assert body["streak_weeks"] == 5


def test_a_missed_week_ends_the_streak(world: Fixture) -> None:
    me = db.session.get_one(Person, world.person_id)
    db.session.execute(
        sa.delete(WorkoutSet).where(
            WorkoutSet.person_id == me.id, WorkoutSet.local_date == D("2025-02-26")
        )
    )
    db.session.commit()
    body = call(world.app, world.me, "/api/me/progress").json
    assert [w["sessions"] for w in body["sessions_per_week"]["weeks"]][-5:] == [5, 5, 4, 5, 1]
    assert body["streak_weeks"] == 1


NO_PLAN = {"planned": False, "target": None, "target_so_far": None, "met": None}


@pytest.mark.parametrize(
    ("today", "sessions_this_week", "due", "met"),
    [
        (D("2025-03-10"), 0, 1, None),  # Monday: ceil(2 * 1/5) = 1 due, not missed
        (D("2025-03-12"), 1, 2, None),  # Wednesday: ceil(2 * 3/5) = 2 due
        (D("2025-03-12"), 2, 2, True),  # the week's target is reached
        (D("2025-03-16"), 1, 2, None),  # Sunday: all of it is due, still under way
    ],
)
def test_the_current_week_is_held_to_the_target_so_far(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    today: date,
    sessions_this_week: int,
    due: int,
    met: bool | None,
) -> None:
    """Two sessions a week, Monday to Friday: the week under way owes what is due by
    today (coach.domain.adherence.target_so_far), a week that is over the whole two,
    and a partial week short of its target is never counted as missed."""
    monkeypatch.setattr(progress, "local_today", lambda _person: today)
    team = make_team(name="Workshop", program="physical-work-2x30")
    me = make_person(Role.MEMBER, team=team, created_at=JOINED)
    for day in (D("2025-03-03"), D("2025-03-05")):  # last week: both sessions
        add_set(me, day, "shrug", band_level="red", reps=12)
    add_set(me, D("2025-02-25"), "shrug", band_level="red", reps=12)  # one of two
    for n in range(sessions_this_week):
        add_set(me, D("2025-03-10") + timedelta(days=n), "shrug", band_level="red", reps=12)
    db.session.commit()
    body = call(app, signed_in_client(app, me), "/api/me/progress").json
    *_before, two_back, last, now = body["sessions_per_week"]["weeks"]
    assert body["sessions_per_week"]["target"] == 2
    assert (two_back["sessions"], two_back["target_so_far"], two_back["met"]) == (1, 2, False)
    assert (last["target"], last["target_so_far"], last["partial"], last["met"]) == (
        2,
        2,
        False,
        True,
    )
    assert now == {
        "week_start": "2025-03-10",
        "sessions": sessions_this_week,
        "planned": True,
        "partial": True,
        "target": 2,
        "target_so_far": due,
        "met": met,
    }
    assert target_so_far(2, team.workdays, today) == due
    # A week under way short of its target does not end the streak; met, it adds to it.
    assert body["streak_weeks"] == (2 if met else 1)


def test_someone_without_a_team_has_no_target(app: Flask, pinned_today: None) -> None:
    admin = make_person(Role.ADMIN, created_at=datetime(2025, 2, 26, 9, 0, tzinfo=UTC))
    add_set(admin, D("2025-03-11"), "shrug", band_level="red", reps=10)
    db.session.commit()
    api = signed_in_client(app, admin)
    body = call(app, api, "/api/me/progress").json
    assert body["sessions_per_week"] == {
        "program": None,
        "target": None,
        "weeks": [  # from the week the admin joined; no plan, so nothing met or missed
            {**NO_PLAN, "week_start": "2025-02-24", "sessions": 0, "partial": False},
            {**NO_PLAN, "week_start": "2025-03-03", "sessions": 0, "partial": False},
            {**NO_PLAN, "week_start": "2025-03-10", "sessions": 1, "partial": True},
        ],
    }
    assert body["streak_weeks"] == 0


def test_an_empty_record_is_empty(app: Flask, pinned_today: None) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER, created_at=JOINED))
    body = call(app, api, "/api/me/progress").json
    assert body["exercises"] == [] and body["pain_weeks"] == [] and body["streak_weeks"] == 0
    assert [w["sessions"] for w in body["sessions_per_week"]["weeks"]] == [0] * 12
    history = call(app, api, "/api/me/history")
    assert history.json == [] and pagination(history)["total"] == 0


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/me/history", {"page_size": 10}),
        ("/api/me/history", {"from": "2025-03-03", "page": 2, "page_size": 3}),
        ("/api/me/progress", {}),
        ("/api/me/export.csv", {}),
    ],
)
def test_full_answers_match_the_openapi_document(
    world: Fixture, path: str, query: dict[str, Any]
) -> None:
    """The fuzz signs in people with no history; here the answers carry data."""
    operation = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", world.app
    ).find_operation_by_path("get", path)
    assert operation is not None
    cookie = world.me.client.get_cookie(COOKIE, domain="localhost")
    assert cookie is not None
    case = operation.Case(query=query)
    db.session.rollback()
    with world.app.app_context():
        response = case.call(cookies={COOKIE: cookie.value})
    assert response.status_code == 200, response.text
    assert len(response.content) > 200
    case.validate_response(
        response,
        checks=[
            response_schema_conformance,
            response_headers_conformance,
            content_type_conformance,
        ],
    )


# -- long histories -----------------------------------------------------------------------


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", count)


def long_history(person: Person, years: int) -> int:
    """Every workday for ``years`` years: three exercises a day. Returns the days."""
    rows = []
    day, days = TODAY - timedelta(days=365 * years), 0
    while day < TODAY:
        if day.weekday() < 5:
            days += 1
            moment = datetime.combine(day, time(10, 25), tzinfo=UTC)
            for n, exercise in enumerate(("lateral-raise", "shrug", "reverse-fly")):
                rows.append(
                    {
                        "id": uuid.uuid4(),
                        "person_id": person.id,
                        "exercise": exercise,
                        "performed_at": moment + timedelta(minutes=n),
                        "local_date": day,
                        "reps": 8 + days % 13,
                        "band_level": "red",
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
        day += timedelta(days=1)
    db.session.execute(sa.insert(WorkoutSet), rows)
    db.session.commit()
    return days


def test_long_histories_cost_the_same_few_queries(
    app: Flask, pinned_today: None, statements: list[str]
) -> None:
    team = make_team(program="office-daily-5")
    short = make_person(Role.MEMBER, team=team, created_at=JOINED)
    long = make_person(Role.MEMBER, team=team, created_at=datetime(2021, 1, 1, tzinfo=UTC))
    add_set(short, D("2025-03-10"), "shrug", band_level="red", reps=10)
    db.session.commit()
    days = long_history(long, years=4)
    counts = {}
    for person in (short, long):
        api = signed_in_client(app, person)
        for path in ("/api/me/progress", "/api/me/history?page_size=100"):
            statements.clear()
            response = call(app, api, path)
            assert response.status_code == 200
            counts[person.id, path] = len(statements)
    for path in ("/api/me/progress", "/api/me/history?page_size=100"):
        assert counts[short.id, path] == counts[long.id, path], path
    assert counts[long.id, "/api/me/progress"] <= 8
    body = call(app, signed_in_client(app, long), "/api/me/progress").json
    assert [len(e["sessions"]) for e in body["exercises"]] == [days, days, days]
    assert body["streak_weeks"] >= 200  # every week met since 2021


def test_the_database_agrees_on_iso_weeks(app: Flask) -> None:
    """The SQL week start and the domain's rule, on the database under test."""
    days = [date(2020, 12, 27) + timedelta(days=n) for n in range(0, 800, 3)]
    person = make_person(Role.MEMBER, created_at=JOINED)
    for day in days:
        add_check_in(person, day, neck=1)
    db.session.commit()
    rows = db.session.execute(
        sa.select(CheckIn.day, iso_week_start(CheckIn.day)).where(CheckIn.person_id == person.id)
    ).all()
    assert len(rows) == len(days)
    assert all(monday == week_start(day) for day, monday in rows)


def test_the_database_moves_dates_by_days(app: Flask) -> None:
    """``days_after`` across month, year and leap-day ends, on the database under test."""
    person = make_person(Role.MEMBER, created_at=JOINED)
    days = [date(2023, 12, 30), date(2024, 2, 26), date(2024, 12, 25), date(2025, 1, 31)]
    for day in days:
        add_check_in(person, day, neck=1)
    db.session.commit()
    rows = db.session.execute(
        sa.select(CheckIn.day, days_after(CheckIn.day, 28)).where(CheckIn.person_id == person.id)
    ).all()
    assert sorted(rows) == [(day, day + timedelta(days=28)) for day in days]
