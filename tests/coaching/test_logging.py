"""Logging from phones: sets, cardio, check-ins and load overrides.

Every request runs in an app context of its own, as in production (the ``app``
fixture's context would otherwise lend the request its ``g`` and its database
session), and every test reads back what the database really holds.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest.mock import ANY
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from coach.accounts.auth import CSRF_HEADER
from coach.accounts.models import Person
from coach.coaching.models import CardioSession, CheckIn, LoadOverride, WorkoutSet
from coach.database import utcnow
from coach.domain import advice
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace
from tests.factories import ApiClient, make_person, make_team, make_workplace, signed_in_client

JOINED = datetime(2024, 12, 1, 8, 0, tzinfo=UTC)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
OMIT: Any = object()  # leave the field out of the body
SET_KEYS = {
    "id",
    "exercise",
    "session_id",
    "performed_at",
    "reps",
    "hold_seconds",
    "band_level",
    "load_kg",
    "reps_in_reserve",
    "pain",
    "local_date",
    "created_at",
}
CARDIO_KEYS = {"id", "performed_at", "activity", "minutes", "effort", "local_date", "created_at"}


class Phone(ApiClient):
    """A signed-in phone; each request runs in a fresh app context (fresh ``g`` and
    database session), and the test's own session is rolled back around it so that
    what the test reads next is what the request committed."""

    def __init__(self, app: Flask, api: ApiClient) -> None:
        super().__init__(api.client, api.csrf_token)
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        db.session.rollback()
        with self.app.app_context():
            response = super().request(method, path, **kwargs)
        db.session.rollback()
        return response


def phone_of(app: Flask, person: Person) -> Phone:
    api = signed_in_client(app, person)
    db.session.rollback()
    return Phone(app, api)


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    return make_workplace(time_zone="Europe/Copenhagen")


@pytest.fixture
def team(workplace: Workplace) -> Team:
    return make_team(workplace)


@pytest.fixture
def member(team: Team) -> Person:
    return make_person(Role.MEMBER, team=team, created_at=JOINED, language="en")


@pytest.fixture
def other(team: Team) -> Person:
    """A colleague in the same team: their logs are none of the member's business.
    They read English too, so the two answer bodies can be compared whole."""
    return make_person(Role.MEMBER, team=team, created_at=JOINED, language="en")


@pytest.fixture
def phone(app: Flask, member: Person) -> Phone:
    return phone_of(app, member)


@pytest.fixture
def other_phone(app: Flask, other: Person) -> Phone:
    return phone_of(app, other)


# -- helpers --------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.isoformat()


def ago(minutes: float = 1) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def body_of(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = {**defaults, **overrides}
    return {key: value for key, value in merged.items() if value is not OMIT}


def a_set(**overrides: Any) -> dict[str, Any]:
    defaults = {
        "id": str(uuid.uuid4()),
        "exercise": "lateral-raise",
        "performed_at": iso(ago()),
        "reps": 12,
        "band_level": "green",
    }
    return body_of(defaults, overrides)


def a_cardio(**overrides: Any) -> dict[str, Any]:
    defaults = {
        "id": str(uuid.uuid4()),
        "performed_at": iso(ago(30)),
        "activity": "cycling",
        "minutes": 25,
        "effort": 5,
    }
    return body_of(defaults, overrides)


def ok(response: TestResponse, status: int) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.json


def error(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert isinstance(body, dict)
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body


def field_error(response: TestResponse, *path: str) -> Any:
    """A 422 naming the field at ``path`` inside ``errors.json``."""
    node: Any = error(response, 422)["errors"]["json"]
    for key in path:
        assert isinstance(node, dict) and key in node, (path, response.json)
        node = node[key]
    return node


def rows(model: type[Any], *where: Any) -> list[Any]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model).where(*where)))


def stored_set(set_id: str) -> WorkoutSet | None:
    db.session.expire_all()
    return db.session.get(WorkoutSet, uuid.UUID(set_id))


def columns(row: Any) -> dict[str, Any]:
    return {column.name: getattr(row, column.name) for column in type(row).__table__.columns}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read on a connection of its own."""
    with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def race(calls: list[tuple[ApiClient, str, str, dict[str, Any]]]) -> list[TestResponse]:
    """Send every call at once, each from a thread of its own; the answers."""
    barrier = threading.Barrier(len(calls), timeout=30)
    responses: list[TestResponse] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(api: ApiClient, method: str, path: str, body: dict[str, Any]) -> None:
        try:
            barrier.wait()
            response = api.request(method, path, json=body)
            with lock:
                responses.append(response)
        except BaseException as exc:  # reported below, not lost in the thread
            with lock:
                failures.append(exc)

    db.session.rollback()  # the test's own session holds nothing while they run
    workers = [threading.Thread(target=run, args=call) for call in calls]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)
    assert failures == []
    return responses


# -- logging a set --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        pytest.param(
            {
                "exercise": "lateral-raise",
                "reps": 12,
                "band_level": "green",
                "pain": 2,
                "reps_in_reserve": 0,
            },
            {
                "reps": 12,
                "hold_seconds": None,
                "band_level": "green",
                "load_kg": None,
                "pain": 2,
                "reps_in_reserve": 0,
            },
            id="band",
        ),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "reps": 10, "load_kg": 16, "reps_in_reserve": 2},
            {
                "reps": 10,
                "hold_seconds": None,
                "band_level": None,
                "load_kg": 16.0,
                "pain": None,
                "reps_in_reserve": 2,
            },
            id="kettlebell",
        ),
        pytest.param(
            {"exercise": "neck-side-hold", "hold_seconds": 30, "pain": 0},
            {
                "reps": None,
                "hold_seconds": 30,
                "band_level": None,
                "load_kg": None,
                "pain": 0,
                "reps_in_reserve": None,
            },
            id="hold",
        ),
        pytest.param(
            {"exercise": "squat", "reps": 15},
            {
                "reps": 15,
                "hold_seconds": None,
                "band_level": None,
                "load_kg": None,
                "pain": None,
                "reps_in_reserve": None,
            },
            id="bodyweight",
        ),
    ],
)
def test_log_a_set_of_each_kind(
    phone: Phone, member: Person, other: Person, fields: dict[str, Any], stored: dict[str, Any]
) -> None:
    performed = ago(3)
    set_id = str(uuid.uuid4())
    body = ok(
        phone.post("/api/me/sets", json={"id": set_id, "performed_at": iso(performed), **fields}),
        201,
    )

    assert set(body) == SET_KEYS
    assert body["id"] == set_id
    assert body["exercise"] == fields["exercise"]
    assert moment(body["performed_at"]) == performed
    assert {key: body[key] for key in stored} == stored
    local = performed.astimezone(COPENHAGEN).date()
    assert body["local_date"] == local.isoformat()

    [row] = rows(WorkoutSet)
    assert row.id == uuid.UUID(set_id)
    assert row.person_id == member.id
    assert (row.exercise, row.performed_at, row.local_date) == (
        fields["exercise"],
        performed,
        local,
    )
    assert {key: getattr(row, key) for key in stored} == stored
    assert moment(body["created_at"]) == row.created_at
    assert rows(WorkoutSet, WorkoutSet.person_id == other.id) == []


@pytest.mark.parametrize(
    ("time_zone", "performed_at", "local"),
    [
        # Copenhagen is UTC+1 in winter: 22:30 UTC is 23:30 the same evening...
        pytest.param(None, "2025-01-15T22:30:00Z", date(2025, 1, 15), id="cph-winter-2330"),
        # ...and 23:30 UTC is half past midnight: the next local day.
        pytest.param(None, "2025-01-15T23:30:00Z", date(2025, 1, 16), id="cph-winter-0030"),
        # UTC+2 in summer: 22:30 UTC is already the next day.
        pytest.param(None, "2025-07-15T22:30:00Z", date(2025, 7, 16), id="cph-summer"),
        # the phone's own offset counts as the same instant
        pytest.param(None, "2025-01-16T00:30:00+01:00", date(2025, 1, 16), id="cph-offset"),
        # New York (UTC-5 in winter): 03:30 UTC is still the evening before.
        pytest.param(
            "America/New_York", "2025-01-16T03:30:00Z", date(2025, 1, 15), id="nyc-evening"
        ),
        pytest.param(
            "America/New_York", "2025-01-15T23:30:00Z", date(2025, 1, 15), id="nyc-afternoon"
        ),
    ],
)
def test_local_date_is_the_day_in_the_persons_time_zone(
    phone: Phone, member: Person, time_zone: str | None, performed_at: str, local: date
) -> None:
    member.time_zone = time_zone
    db.session.commit()
    sent = a_set(performed_at=performed_at)

    body = ok(phone.post("/api/me/sets", json=sent), 201)

    assert body["local_date"] == local.isoformat()
    row = stored_set(sent["id"])
    assert row is not None
    assert row.local_date == local
    assert row.performed_at == moment(performed_at.replace("Z", "+00:00"))


# -- idempotency ----------------------------------------------------------------------


def test_replay_answers_200_with_the_same_body_and_stores_once(phone: Phone) -> None:
    sent = a_set(pain=1)
    first = ok(phone.post("/api/me/sets", json=sent), 201)
    replay = ok(phone.post("/api/me/sets", json=sent), 200)
    assert replay == first
    # the same instant written with another offset is the same content
    shifted = {**sent, "performed_at": iso(moment(sent["performed_at"]).astimezone(COPENHAGEN))}
    assert ok(phone.post("/api/me/sets", json=shifted), 200) == first
    assert len(rows(WorkoutSet)) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"reps": 13},
        {"band_level": "blue"},
        {"pain": 3},
        {"reps_in_reserve": 1},
        {"exercise": "shrug"},
        {"performed_at": OMIT},  # filled in below: a minute earlier
    ],
    ids=["reps", "band", "pain", "rir", "exercise", "performed_at"],
)
def test_same_id_with_different_content_is_a_conflict(phone: Phone, change: dict[str, Any]) -> None:
    sent = a_set()
    ok(phone.post("/api/me/sets", json=sent), 201)
    before = columns(stored_set(sent["id"]))
    if change == {"performed_at": OMIT}:
        change = {"performed_at": iso(moment(sent["performed_at"]) - timedelta(minutes=1))}

    error(phone.post("/api/me/sets", json={**sent, **change}), 409)

    assert columns(stored_set(sent["id"])) == before
    assert len(rows(WorkoutSet)) == 1


def test_an_unknown_band_is_refused_before_a_taken_id_is_looked_at(phone: Phone) -> None:
    """The INSERT checks the band: unknown, it is rolled back with the workplace's bands
    listed. Under a taken id the band is still checked first: 422, not 409."""
    unknown = a_set(band_level="purple")
    listed = field_error(phone.post("/api/me/sets", json=unknown), "band_level")
    assert listed == [
        "Not a band of your workplace: tan, yellow, red, green, blue, black, silver, gold."
    ]
    assert rows(WorkoutSet) == []

    sent = a_set()
    ok(phone.post("/api/me/sets", json=sent), 201)
    before = columns(stored_set(sent["id"]))
    assert (
        field_error(phone.post("/api/me/sets", json={**sent, "band_level": "purple"}), "band_level")
        == listed
    )
    assert columns(stored_set(sent["id"])) == before
    assert len(rows(WorkoutSet)) == 1


def test_concurrent_posts_of_one_set_store_it_once(app: Flask, member: Person) -> None:
    threads = 6
    phones = [signed_in_client(app, member) for _ in range(threads)]
    sent = a_set(pain=2)

    responses = race([(api, "POST", "/api/me/sets", sent) for api in phones])

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (threads - 1) + [201], [r.json for r in responses]
    bodies = [r.json for r in responses]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["id"] == sent["id"]
    [row] = rows(WorkoutSet)
    assert (row.id, row.person_id, row.reps) == (uuid.UUID(sent["id"]), member.id, 12)


def test_another_persons_id_is_a_conflict_and_reveals_nothing(
    phone: Phone, other_phone: Phone, member: Person, other: Person
) -> None:
    sent = a_set(pain=4)
    ok(phone.post("/api/me/sets", json=sent), 201)
    before = columns(stored_set(sent["id"]))

    # the answer is the one the owner gets for a plain conflict: it tells nothing
    own_conflict = error(phone.post("/api/me/sets", json={**sent, "reps": 9}), 409)
    for body in (sent, {**sent, "reps": 9, "pain": 0}):
        assert error(other_phone.post("/api/me/sets", json=body), 409) == own_conflict

    assert columns(stored_set(sent["id"])) == before
    assert [row.person_id for row in rows(WorkoutSet)] == [member.id]
    # nor can the colleague touch it
    error(other_phone.patch(f"/api/me/sets/{sent['id']}", json={"reps": 1}), 404)
    error(other_phone.delete(f"/api/me/sets/{sent['id']}"), 404)
    assert columns(stored_set(sent["id"])) == before


# -- bad sets -------------------------------------------------------------------------

Overrides = dict[str, Any] | Callable[[], dict[str, Any]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"reps": -1}, "reps", id="negative-reps"),
        pytest.param({"reps": 201}, "reps", id="reps-201"),
        pytest.param(
            {"exercise": "neck-side-hold", "reps": OMIT, "band_level": OMIT, "hold_seconds": 601},
            "hold_seconds",
            id="hold-601",
        ),
        pytest.param(
            {"exercise": "neck-side-hold", "reps": OMIT, "band_level": OMIT, "hold_seconds": -1},
            "hold_seconds",
            id="hold-negative",
        ),
        pytest.param({"pain": -1}, "pain", id="pain-minus-1"),
        pytest.param({"pain": 11}, "pain", id="pain-11"),
        pytest.param({"reps_in_reserve": 11}, "reps_in_reserve", id="rir-11"),
        pytest.param({"exercise": "moon-walk"}, "exercise", id="unknown-exercise"),
        pytest.param({"exercise": "Lateral Raise"}, "exercise", id="not-a-slug"),
        pytest.param({"band_level": "purple"}, "band_level", id="unknown-band"),
        pytest.param({"band_level": "Green"}, "band_level", id="band-case"),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "load_kg": 16},
            "band_level",
            id="band-for-kg-exercise",
        ),
        pytest.param(
            {"exercise": "kettlebell-deadlift"}, "load_kg", id="band-instead-of-kg-exercise"
        ),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "band_level": OMIT},
            "load_kg",
            id="no-kg-for-kg-exercise",
        ),
        pytest.param({"load_kg": 2.0}, "load_kg", id="kg-for-band-exercise"),
        pytest.param({"band_level": OMIT, "load_kg": 2.0}, "band_level", id="kg-instead-of-band"),
        pytest.param({"band_level": OMIT}, "band_level", id="no-band-for-band-exercise"),
        pytest.param({"band_level": None}, "band_level", id="null-band-for-band-exercise"),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "band_level": OMIT, "load_kg": 0},
            "load_kg",
            id="kg-zero",
        ),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "band_level": OMIT, "load_kg": 501},
            "load_kg",
            id="kg-501",
        ),
        pytest.param(
            {"exercise": "squat", "band_level": OMIT, "load_kg": 10},
            "load_kg",
            id="kg-for-bodyweight",
        ),
        pytest.param({"exercise": "squat"}, "band_level", id="band-for-bodyweight"),
        pytest.param(
            {"exercise": "neck-side-hold", "band_level": OMIT, "hold_seconds": 30},
            "reps",
            id="reps-for-hold",
        ),
        pytest.param(
            {"exercise": "neck-side-hold", "band_level": OMIT},
            "hold_seconds",
            id="hold-without-seconds",
        ),
        pytest.param({"hold_seconds": 30}, "hold_seconds", id="seconds-for-reps"),
        pytest.param({"reps": OMIT}, "reps", id="reps-missing"),
        pytest.param(
            lambda: {"performed_at": iso(utcnow() + timedelta(minutes=6))},
            "performed_at",
            id="future-beyond-skew",
        ),
        pytest.param(
            lambda: {"performed_at": iso(utcnow() + timedelta(days=400))},
            "performed_at",
            id="next-year",
        ),
        pytest.param(
            {"performed_at": iso(JOINED - timedelta(days=1))},
            "performed_at",
            id="before-joining",
        ),
        pytest.param({"performed_at": "2025-01-15T10:00:00"}, "performed_at", id="naive"),
        pytest.param({"performed_at": "2025-01-15"}, "performed_at", id="date-only"),
        pytest.param({"performed_at": "yesterday"}, "performed_at", id="not-a-time"),
        pytest.param({"performed_at": 1736935200}, "performed_at", id="epoch-number"),
        pytest.param({"performed_at": None}, "performed_at", id="null-time"),
        pytest.param({"performed_at": OMIT}, "performed_at", id="no-time"),
        pytest.param({"id": "not-a-uuid"}, "id", id="malformed-uuid"),
        pytest.param({"id": "1234"}, "id", id="short-uuid"),
        pytest.param({"id": 5}, "id", id="numeric-id"),
        pytest.param({"id": OMIT}, "id", id="no-id"),
        pytest.param({"exercise": OMIT}, "exercise", id="no-exercise"),
        pytest.param({"person_id": 1}, "person_id", id="extra-person-id"),
        pytest.param({"local_date": "2025-01-15"}, "local_date", id="extra-local-date"),
        pytest.param({"created_at": "2025-01-15T10:00:00Z"}, "created_at", id="extra-created"),
        pytest.param({"notes": "felt good"}, "notes", id="extra-notes"),
        pytest.param({"reps": "12"}, "reps", id="reps-string"),
        pytest.param({"reps": 12.5}, "reps", id="reps-fraction"),
        pytest.param({"reps": True}, "reps", id="reps-boolean"),
        pytest.param({"reps": [12]}, "reps", id="reps-list"),
        pytest.param({"pain": "3"}, "pain", id="pain-string"),
        pytest.param({"band_level": 3}, "band_level", id="band-number"),
        pytest.param({"exercise": ["squat"]}, "exercise", id="exercise-list"),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "band_level": OMIT, "load_kg": "16"},
            "load_kg",
            id="kg-string",
        ),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "band_level": OMIT, "load_kg": True},
            "load_kg",
            id="kg-boolean",
        ),
    ],
)
def test_bad_sets_are_refused_with_field_errors_and_not_stored(
    phone: Phone, overrides: Overrides, field: str
) -> None:
    body = a_set(**(overrides() if callable(overrides) else overrides))
    field_error(phone.post("/api/me/sets", json=body), field)
    assert rows(WorkoutSet) == []


@pytest.mark.parametrize("body", [{}, [], "a set", None], ids=["empty", "list", "string", "null"])
def test_bodies_that_are_not_a_set_are_refused(phone: Phone, body: Any) -> None:
    response = phone.post("/api/me/sets", json=body)
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    error(response, response.status_code)
    assert rows(WorkoutSet) == []


def test_a_phone_clock_a_little_ahead_is_accepted(phone: Phone) -> None:
    ahead = utcnow() + timedelta(minutes=4)
    sent = a_set(performed_at=iso(ahead))
    assert moment(ok(phone.post("/api/me/sets", json=sent), 201)["performed_at"]) == ahead
    row = stored_set(sent["id"])
    assert row is not None and row.performed_at == ahead


def test_a_set_from_the_day_of_joining_is_accepted(phone: Phone) -> None:
    sent = a_set(performed_at=iso(JOINED + timedelta(minutes=10)))
    ok(phone.post("/api/me/sets", json=sent), 201)
    assert stored_set(sent["id"]) is not None


# -- correcting and undoing sets ------------------------------------------------------


def test_patch_corrects_reps(phone: Phone, member: Person) -> None:
    sent = a_set()
    logged = ok(phone.post("/api/me/sets", json=sent), 201)

    body = ok(phone.patch(f"/api/me/sets/{sent['id']}", json={"reps": 14, "pain": 1}), 200)

    assert body == {**logged, "reps": 14, "pain": 1}
    row = stored_set(sent["id"])
    assert row is not None
    assert (row.reps, row.pain, row.band_level, row.person_id) == (14, 1, "green", member.id)
    assert row.updated_at >= row.created_at


def test_patch_of_performed_at_moves_the_local_date(phone: Phone) -> None:
    sent = a_set(performed_at="2025-01-15T12:00:00Z")
    assert ok(phone.post("/api/me/sets", json=sent), 201)["local_date"] == "2025-01-15"

    body = ok(
        phone.patch(f"/api/me/sets/{sent['id']}", json={"performed_at": "2025-01-15T23:30:00Z"}),
        200,
    )

    assert body["local_date"] == "2025-01-16"
    row = stored_set(sent["id"])
    assert row is not None
    assert row.local_date == date(2025, 1, 16)
    assert row.performed_at == datetime(2025, 1, 15, 23, 30, tzinfo=UTC)


def test_patch_can_switch_band_and_to_a_lighter_band(phone: Phone) -> None:
    sent = a_set()
    ok(phone.post("/api/me/sets", json=sent), 201)
    body = ok(phone.patch(f"/api/me/sets/{sent['id']}", json={"band_level": "red"}), 200)
    assert body["band_level"] == "red"
    row = stored_set(sent["id"])
    assert row is not None and row.band_level == "red"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"load_kg": 2.5}, "load_kg", id="kg-on-a-band-set"),
        pytest.param({"band_level": None}, "band_level", id="band-removed"),
        pytest.param({"band_level": "purple"}, "band_level", id="unknown-band"),
        pytest.param({"reps": None}, "reps", id="reps-removed"),
        pytest.param({"reps": 201}, "reps", id="reps-201"),
        pytest.param({"hold_seconds": 30}, "hold_seconds", id="seconds-on-a-reps-set"),
        pytest.param({"pain": 11}, "pain", id="pain-11"),
        pytest.param(
            lambda: {"performed_at": iso(utcnow() + timedelta(hours=1))},
            "performed_at",
            id="future",
        ),
        pytest.param(
            {"performed_at": iso(JOINED - timedelta(days=1))}, "performed_at", id="before-joining"
        ),
        pytest.param({"performed_at": None}, "performed_at", id="null-time"),
        pytest.param({"performed_at": "2025-01-15T10:00:00"}, "performed_at", id="naive"),
        pytest.param({"exercise": "shrug"}, "exercise", id="exercise-is-fixed"),
        pytest.param({"id": str(uuid.uuid4())}, "id", id="id-is-fixed"),
        pytest.param({"local_date": "2025-01-01"}, "local_date", id="local-date-is-derived"),
        pytest.param({"reps": "14"}, "reps", id="reps-string"),
    ],
)
def test_patch_revalidates_and_leaves_the_set_unchanged(
    phone: Phone, changes: Overrides, field: str
) -> None:
    sent = a_set()
    ok(phone.post("/api/me/sets", json=sent), 201)
    before = columns(stored_set(sent["id"]))

    response = phone.patch(
        f"/api/me/sets/{sent['id']}", json=changes() if callable(changes) else changes
    )

    field_error(response, field)
    assert columns(stored_set(sent["id"])) == before


def test_patch_of_a_hold_keeps_it_a_hold(phone: Phone) -> None:
    sent = a_set(exercise="neck-side-hold", reps=OMIT, band_level=OMIT, hold_seconds=20)
    ok(phone.post("/api/me/sets", json=sent), 201)
    assert (
        ok(phone.patch(f"/api/me/sets/{sent['id']}", json={"hold_seconds": 25}), 200)[
            "hold_seconds"
        ]
        == 25
    )
    field_error(phone.patch(f"/api/me/sets/{sent['id']}", json={"reps": 5}), "reps")
    row = stored_set(sent["id"])
    assert row is not None and (row.hold_seconds, row.reps) == (25, None)


def test_patch_of_an_unknown_set_is_not_found(phone: Phone) -> None:
    error(phone.patch(f"/api/me/sets/{uuid.uuid4()}", json={"reps": 14}), 404)
    assert rows(WorkoutSet) == []


def test_delete_undoes_a_set_once(phone: Phone, other_phone: Phone, member: Person) -> None:
    mine, kept = a_set(), a_set(exercise="shrug")
    theirs = a_set()
    ok(phone.post("/api/me/sets", json=mine), 201)
    ok(phone.post("/api/me/sets", json=kept), 201)
    ok(other_phone.post("/api/me/sets", json=theirs), 201)

    response = phone.delete(f"/api/me/sets/{mine['id']}")
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.get_data() == b""
    assert stored_set(mine["id"]) is None
    assert stored_set(kept["id"]) is not None and stored_set(theirs["id"]) is not None

    error(phone.delete(f"/api/me/sets/{mine['id']}"), 404)
    error(phone.patch(f"/api/me/sets/{mine['id']}", json={"reps": 3}), 404)
    assert len(rows(WorkoutSet)) == 2


def test_another_persons_set_cannot_be_deleted(phone: Phone, other_phone: Phone) -> None:
    theirs = a_set()
    ok(other_phone.post("/api/me/sets", json=theirs), 201)
    before = columns(stored_set(theirs["id"]))

    error(phone.delete(f"/api/me/sets/{theirs['id']}"), 404)
    error(phone.patch(f"/api/me/sets/{theirs['id']}", json={"reps": 1}), 404)

    assert columns(stored_set(theirs["id"])) == before


# -- cardio ---------------------------------------------------------------------------


def test_log_cardio_replay_and_conflict(phone: Phone, member: Person) -> None:
    performed = datetime(2025, 1, 15, 23, 15, tzinfo=UTC)
    sent = a_cardio(performed_at=iso(performed), activity="rowing", minutes=20, effort=7)

    first = ok(phone.post("/api/me/cardio", json=sent), 201)
    assert set(first) == CARDIO_KEYS
    assert (first["id"], first["activity"], first["minutes"], first["effort"]) == (
        sent["id"],
        "rowing",
        20,
        7,
    )
    assert moment(first["performed_at"]) == performed
    assert first["local_date"] == "2025-01-16"  # a quarter past midnight in Copenhagen

    [row] = rows(CardioSession)
    assert (row.person_id, row.activity, row.minutes, row.effort) == (
        member.id,
        "rowing",
        20,
        7,
    )
    assert (row.performed_at, row.local_date) == (performed, date(2025, 1, 16))
    before = columns(row)

    assert ok(phone.post("/api/me/cardio", json=sent), 200) == first
    for change in ({"minutes": 21}, {"activity": "running"}, {"effort": 6}):
        error(phone.post("/api/me/cardio", json={**sent, **change}), 409)
    [row] = rows(CardioSession)
    assert columns(row) == before


def test_another_persons_cardio_id_is_a_conflict(phone: Phone, other_phone: Phone) -> None:
    sent = a_cardio()
    ok(phone.post("/api/me/cardio", json=sent), 201)
    error(other_phone.post("/api/me/cardio", json=sent), 409)
    assert len(rows(CardioSession)) == 1


def test_concurrent_posts_of_one_cardio_session_store_it_once(app: Flask, member: Person) -> None:
    phones = [signed_in_client(app, member) for _ in range(5)]
    sent = a_cardio()
    responses = race([(api, "POST", "/api/me/cardio", sent) for api in phones])
    assert sorted(r.status_code for r in responses) == [200] * 4 + [201]
    assert all(r.json == responses[0].json for r in responses)
    assert len(rows(CardioSession)) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"activity": "skiing"}, "activity", id="unknown-activity"),
        pytest.param({"activity": "Running"}, "activity", id="activity-case"),
        pytest.param({"effort": 0}, "effort", id="effort-0"),
        pytest.param({"effort": 11}, "effort", id="effort-11"),
        pytest.param({"effort": 5.5}, "effort", id="effort-fraction"),
        pytest.param({"effort": "5"}, "effort", id="effort-string"),
        pytest.param({"effort": None}, "effort", id="effort-null"),
        pytest.param({"effort": OMIT, "intensity": "extreme"}, "intensity", id="bad-intensity"),
        pytest.param({"minutes": 0}, "minutes", id="minutes-0"),
        pytest.param({"minutes": 601}, "minutes", id="minutes-601"),
        pytest.param({"minutes": -5}, "minutes", id="minutes-negative"),
        pytest.param({"minutes": 20.5}, "minutes", id="minutes-fraction"),
        pytest.param({"minutes": "20"}, "minutes", id="minutes-string"),
        pytest.param({"minutes": OMIT}, "minutes", id="no-minutes"),
        pytest.param({"activity": OMIT}, "activity", id="no-activity"),
        pytest.param({"effort": OMIT}, "effort", id="no-effort"),
        pytest.param({"id": "nope"}, "id", id="malformed-uuid"),
        pytest.param({"performed_at": "2025-01-15T10:00:00"}, "performed_at", id="naive"),
        pytest.param(
            lambda: {"performed_at": iso(utcnow() + timedelta(hours=2))},
            "performed_at",
            id="future",
        ),
        pytest.param(
            {"performed_at": iso(JOINED - timedelta(hours=1))}, "performed_at", id="before-joining"
        ),
        pytest.param({"distance_km": 5}, "distance_km", id="extra-field"),
    ],
)
def test_bad_cardio_is_refused_and_not_stored(
    phone: Phone, overrides: Overrides, field: str
) -> None:
    body = a_cardio(**(overrides() if callable(overrides) else overrides))
    field_error(phone.post("/api/me/cardio", json=body), field)
    assert rows(CardioSession) == []


def test_delete_cardio(phone: Phone, other_phone: Phone) -> None:
    mine, theirs = a_cardio(), a_cardio()
    ok(phone.post("/api/me/cardio", json=mine), 201)
    ok(other_phone.post("/api/me/cardio", json=theirs), 201)

    assert phone.delete(f"/api/me/cardio/{mine['id']}").status_code == 204
    assert [str(row.id) for row in rows(CardioSession)] == [theirs["id"]]
    error(phone.delete(f"/api/me/cardio/{mine['id']}"), 404)
    error(phone.delete(f"/api/me/cardio/{uuid.uuid4()}"), 404)

    error(phone.delete(f"/api/me/cardio/{theirs['id']}"), 404)
    assert [str(row.id) for row in rows(CardioSession)] == [theirs["id"]]


def test_a_set_id_is_not_a_cardio_id(phone: Phone) -> None:
    sent = a_set()
    ok(phone.post("/api/me/sets", json=sent), 201)
    error(phone.delete(f"/api/me/cardio/{sent['id']}"), 404)
    assert stored_set(sent["id"]) is not None


# -- check-ins ------------------------------------------------------------------------


def today_in(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def test_first_check_in_of_the_day_then_a_replacement(phone: Phone, member: Person) -> None:
    first = ok(
        phone.post(
            "/api/me/checkins",
            json={"pain": {"neck": 3, "shoulder": 2, "lower-back": 1}, "soreness": False},
        ),
        201,
    )
    today = today_in("Europe/Copenhagen")
    assert first["day"] == today.isoformat()
    assert first["pain"] == {"neck": 3, "shoulder": 2, "arm": None, "lower-back": 1}
    assert first["soreness"] is False
    assert first["red_flag"] is False
    assert first["red_flags"] == {
        "numbness_or_tingling": False,
        "weakness": False,
        "trauma": False,
        "fever_or_weight_loss": False,
        "worsening_for_weeks": False,
    }
    assert first["advice"] == []
    [row] = rows(CheckIn)
    assert (row.person_id, row.day) == (member.id, today)
    assert (row.pain_neck, row.pain_shoulder, row.pain_arm, row.pain_lower_back) == (3, 2, None, 1)

    # Sent again the same day, it replaces what it sends and keeps what it leaves out.
    second = ok(
        phone.post("/api/me/checkins", json={"pain": {"arm": 4, "neck": None}, "soreness": True}),
        200,
    )
    assert second["day"] == today.isoformat()
    assert second["pain"] == {"neck": None, "shoulder": 2, "arm": 4, "lower-back": 1}
    assert second["soreness"] is True
    [row] = rows(CheckIn)  # still one row, holding the merged answers
    assert (row.pain_neck, row.pain_shoulder, row.pain_arm, row.pain_lower_back) == (
        None,
        2,
        4,
        1,
    )
    assert row.soreness is True
    assert row.updated_at >= row.created_at
    assert ok(phone.get("/api/me/checkins"), 200) == {**second, "updated_at": ANY}
    # null takes an answer back; nothing at all is no check-in
    third = ok(phone.post("/api/me/checkins", json={"pain": {"arm": None}}), 200)
    assert third["pain"]["arm"] is None and third["pain"]["shoulder"] == 2


def test_a_days_check_in_is_read_back_with_unanswered_regions_null(
    phone: Phone, other_phone: Phone
) -> None:
    today = today_in("Europe/Copenhagen")
    error(phone.get(f"/api/me/checkins?date={today.isoformat()}"), 404)
    ok(phone.post("/api/me/checkins", json={"pain": {"shoulder": 7}}), 201)
    body = ok(phone.get(f"/api/me/checkins?date={today.isoformat()}"), 200)
    assert body["pain"] == {"neck": None, "shoulder": 7, "arm": None, "lower-back": None}
    assert body["soreness"] is False and body["red_flag"] is False
    assert [a["code"] for a in body["advice"]] == ["pain_high"]
    error(other_phone.get(f"/api/me/checkins?date={today.isoformat()}"), 404)  # mine only
    yesterday = (today - timedelta(days=1)).isoformat()
    error(phone.get(f"/api/me/checkins?date={yesterday}"), 404)
    assert "date" in error(phone.get("/api/me/checkins?date=yesterday"), 422)["errors"]["query"]


def test_a_red_flag_stays_until_an_answer_clears_it(phone: Phone, member: Person) -> None:
    flagged = {"pain": {"neck": 4}, "red_flags": {"weakness": True}}
    ok(phone.post("/api/me/checkins", json=flagged), 201)
    again = ok(phone.post("/api/me/checkins", json={"pain": {"neck": 2}, "soreness": False}), 200)
    assert again["red_flag"] is True and again["red_flags"]["weakness"] is True
    assert again["advice"][0]["code"] == "red_flag"
    cleared = ok(phone.post("/api/me/checkins", json={"red_flags": {"weakness": False}}), 200)
    assert cleared["red_flag"] is False
    assert cleared["pain"]["neck"] == 2  # kept: not sent


def test_an_open_red_flag_carries_to_a_new_days_check_in(phone: Phone) -> None:
    today = today_in("Europe/Copenhagen")
    yesterday = (today - timedelta(days=1)).isoformat()
    ok(
        phone.post(
            "/api/me/checkins", json={"day": yesterday, "pain": {}, "red_flags": {"trauma": True}}
        ),
        201,
    )
    body = ok(phone.post("/api/me/checkins", json={"pain": {"arm": 1}}), 201)
    assert body["red_flags"]["trauma"] is True and body["red_flag"] is True
    body = ok(phone.post("/api/me/checkins", json={"red_flags": {"trauma": False}}), 200)
    assert body["red_flag"] is False


def test_check_in_for_an_earlier_day(phone: Phone, member: Person) -> None:
    yesterday = today_in("Europe/Copenhagen") - timedelta(days=1)
    body = ok(
        phone.post("/api/me/checkins", json={"day": yesterday.isoformat(), "pain": {"neck": 2}}),
        201,
    )
    assert body["day"] == yesterday.isoformat()
    ok(phone.post("/api/me/checkins", json={"pain": {"neck": 1}}), 201)  # today: a new day
    assert sorted(row.day for row in rows(CheckIn)) == [yesterday, yesterday + timedelta(days=1)]


def test_others_check_ins_are_their_own(
    phone: Phone, other_phone: Phone, member: Person, other: Person
) -> None:
    ok(phone.post("/api/me/checkins", json={"pain": {"neck": 2}}), 201)
    ok(other_phone.post("/api/me/checkins", json={"pain": {"neck": 8}}), 201)
    by_person = {row.person_id: row.pain_neck for row in rows(CheckIn)}
    assert by_person == {member.id: 2, other.id: 8}


def test_red_flag_comes_first_and_stops_training(phone: Phone) -> None:
    body = ok(
        phone.post(
            "/api/me/checkins",
            json={
                "pain": {"neck": 7},
                "soreness": True,
                "red_flags": {"numbness_or_tingling": True},
            },
        ),
        201,
    )
    assert body["red_flag"] is True
    assert body["red_flags"]["numbness_or_tingling"] is True
    codes = [a["code"] for a in body["advice"]]
    assert codes[0] == "red_flag"
    assert "pain_high" in codes
    assert body["advice"][0]["text"] == advice.RED_FLAG.text.en
    assert "doctor" in body["advice"][0]["text"]
    [row] = rows(CheckIn)
    assert row.numbness_or_tingling is True and row.weakness is False


@pytest.mark.parametrize(
    "flag",
    ["numbness_or_tingling", "weakness", "trauma", "fever_or_weight_loss", "worsening_for_weeks"],
)
def test_every_red_flag_counts(phone: Phone, flag: str) -> None:
    body = ok(phone.post("/api/me/checkins", json={"pain": {}, "red_flags": {flag: True}}), 201)
    assert body["red_flag"] is True
    assert [a["code"] for a in body["advice"]] == ["red_flag"]
    [row] = rows(CheckIn)
    assert getattr(row, flag) is True


@pytest.mark.parametrize(
    ("check_in", "codes"),
    [
        pytest.param({"pain": {"neck": 2}, "soreness": True}, ["soreness"], id="soreness"),
        pytest.param({"pain": {"shoulder": 7}}, ["pain_high"], id="pain-7"),
        pytest.param({"pain": {"lower-back": 6}}, ["pain_high"], id="pain-6-lower-back"),
        pytest.param({"pain": {"arm": 5}}, [], id="pain-5-keep-going"),
        pytest.param({"pain": {}}, [], id="nothing"),
        pytest.param({"pain": {"neck": 8}, "soreness": True}, ["pain_high", "soreness"], id="both"),
    ],
)
def test_advice_after_a_check_in(
    phone: Phone, member: Person, check_in: dict[str, Any], codes: list[str]
) -> None:
    body = ok(phone.post("/api/me/checkins", json=check_in), 201)
    assert [a["code"] for a in body["advice"]] == codes
    texts = {"soreness": advice.SORENESS, "pain_high": advice.PAIN_HIGH}
    assert [a["text"] for a in body["advice"]] == [texts[c].text.en for c in codes]
    assert body["red_flag"] is False


def test_advice_speaks_the_persons_language(phone: Phone, member: Person) -> None:
    member.language = "da"
    db.session.commit()
    body = ok(phone.post("/api/me/checkins", json={"pain": {"neck": 9}}), 201)
    assert body["advice"] == [{"code": "pain_high", "text": advice.PAIN_HIGH.text.da}]


def test_red_flags_left_out_mean_none(phone: Phone) -> None:
    body = ok(phone.post("/api/me/checkins", json={"pain": {"neck": 1}}), 201)
    assert body["red_flag"] is False
    assert set(body["red_flags"].values()) == {False}
    [row] = rows(CheckIn)
    assert not any((row.numbness_or_tingling, row.weakness, row.trauma, row.fever_or_weight_loss))


@pytest.mark.parametrize(
    ("check_in", "path"),
    [
        pytest.param({"pain": {"neck": -1}}, ("pain", "neck"), id="pain-minus-1"),
        pytest.param({"pain": {"neck": 11}}, ("pain", "neck"), id="pain-11"),
        pytest.param({"pain": {"lower-back": 11}}, ("pain", "lower-back"), id="lower-back-11"),
        pytest.param({"pain": {"neck": "3"}}, ("pain", "neck"), id="pain-string"),
        pytest.param({"pain": {"neck": 2.5}}, ("pain", "neck"), id="pain-fraction"),
        pytest.param({"pain": {"knee": 3}}, ("pain", "knee"), id="unknown-region"),
        pytest.param({"pain": {"lower_back": 3}}, ("pain", "lower_back"), id="region-key-spelling"),
        pytest.param({"pain": [3]}, ("pain",), id="pain-list"),
        pytest.param({}, ("pain",), id="no-pain"),
        pytest.param({"pain": {}, "soreness": "yes"}, ("soreness",), id="soreness-string"),
        pytest.param({"pain": {}, "soreness": 1}, ("soreness",), id="soreness-number"),
        pytest.param(
            {"pain": {}, "red_flags": {"trauma": "true"}},
            ("red_flags", "trauma"),
            id="flag-string",
        ),
        pytest.param(
            {"pain": {}, "red_flags": {"headache": True}},
            ("red_flags", "headache"),
            id="unknown-flag",
        ),
        pytest.param({"pain": {}, "day": "15/01/2025"}, ("day",), id="bad-day"),
        pytest.param({"pain": {}, "mood": "fine"}, ("mood",), id="extra-field"),
        pytest.param({"pain": {}, "red_flag": True}, ("red_flag",), id="derived-red-flag"),
    ],
)
def test_bad_check_ins_are_refused_and_not_stored(
    phone: Phone, check_in: dict[str, Any], path: tuple[str, ...]
) -> None:
    field_error(phone.post("/api/me/checkins", json=check_in), *path)
    assert rows(CheckIn) == []


def test_check_in_days_in_the_future_or_before_joining_are_refused(
    phone: Phone, member: Person
) -> None:
    tomorrow = today_in("Europe/Copenhagen") + timedelta(days=1)
    field_error(phone.post("/api/me/checkins", json={"day": str(tomorrow), "pain": {}}), "day")
    before_joining = (JOINED - timedelta(days=1)).date()
    field_error(
        phone.post("/api/me/checkins", json={"day": str(before_joining), "pain": {}}), "day"
    )
    assert rows(CheckIn) == []


def test_today_is_the_persons_own_today(phone: Phone, member: Person) -> None:
    # Kiritimati is UTC+14 and Pago Pago UTC-11: their dates always differ.
    member.time_zone = "Pacific/Pago_Pago"
    db.session.commit()
    ahead = today_in("Pacific/Kiritimati")
    field_error(phone.post("/api/me/checkins", json={"day": str(ahead), "pain": {}}), "day")
    body = ok(phone.post("/api/me/checkins", json={"pain": {}}), 201)
    assert body["day"] == str(today_in("Pacific/Pago_Pago"))
    assert [row.day for row in rows(CheckIn)] == [today_in("Pacific/Pago_Pago")]


def test_concurrent_check_ins_the_same_day_make_one_row(app: Flask, member: Person) -> None:
    threads = 6
    calls = [
        (signed_in_client(app, member), "POST", "/api/me/checkins", {"pain": {"neck": n}})
        for n in range(threads)
    ]

    responses = race(calls)

    assert sorted(r.status_code for r in responses) == [200] * (threads - 1) + [201]
    [row] = rows(CheckIn)
    assert row.person_id == member.id
    assert row.pain_neck in range(threads)
    for response in responses:  # each answer shows what that request stored
        assert response.json["day"] == str(row.day)


# -- overrides ------------------------------------------------------------------------


def test_override_a_band_and_replace_it(phone: Phone, member: Person) -> None:
    body = ok(
        phone.post("/api/me/overrides", json={"exercise": "lateral-raise", "band_level": "green"}),
        201,
    )
    today = today_in("Europe/Copenhagen")
    assert body == {
        "exercise": "lateral-raise",
        "band_level": "green",
        "load_kg": None,
        "day": str(today),
    }
    [row] = rows(LoadOverride)
    assert (row.person_id, row.exercise, row.band_level, row.load_kg, row.day) == (
        member.id,
        "lateral-raise",
        "green",
        None,
        today,
    )

    again = ok(
        phone.post("/api/me/overrides", json={"exercise": "lateral-raise", "band_level": "red"}),
        201,
    )
    assert again["band_level"] == "red"
    [row] = rows(LoadOverride)
    assert (row.exercise, row.band_level) == ("lateral-raise", "red")


def test_override_kg_and_keep_each_exercise_apart(
    phone: Phone, other_phone: Phone, member: Person, other: Person
) -> None:
    ok(
        phone.post("/api/me/overrides", json={"exercise": "lateral-raise", "band_level": "blue"}),
        201,
    )
    body = ok(
        phone.post("/api/me/overrides", json={"exercise": "kettlebell-deadlift", "load_kg": 12}),
        201,
    )
    assert (body["load_kg"], body["band_level"]) == (12.0, None)
    ok(
        other_phone.post(
            "/api/me/overrides", json={"exercise": "lateral-raise", "band_level": "yellow"}
        ),
        201,
    )
    stored = {
        (row.person_id, row.exercise): (row.band_level, row.load_kg) for row in rows(LoadOverride)
    }
    assert stored == {
        (member.id, "lateral-raise"): ("blue", None),
        (member.id, "kettlebell-deadlift"): (None, 12.0),
        (other.id, "lateral-raise"): ("yellow", None),
    }


@pytest.mark.parametrize(
    ("override", "field"),
    [
        pytest.param({"exercise": "squat"}, "exercise", id="bodyweight"),
        pytest.param({"exercise": "squat", "load_kg": 10}, "exercise", id="bodyweight-kg"),
        pytest.param({"exercise": "neck-side-hold"}, "exercise", id="bodyweight-hold"),
        pytest.param(
            {"exercise": "lateral-raise", "load_kg": 3}, "band_level", id="band-exercise-no-band"
        ),
        pytest.param(
            {"exercise": "lateral-raise", "band_level": "green", "load_kg": 3},
            "load_kg",
            id="kg-for-band",
        ),
        pytest.param(
            {"exercise": "lateral-raise", "band_level": "purple"}, "band_level", id="unknown-band"
        ),
        pytest.param({"exercise": "lateral-raise"}, "band_level", id="no-band"),
        pytest.param(
            {"exercise": "kettlebell-deadlift", "band_level": "green", "load_kg": 12},
            "band_level",
            id="band-for-kg",
        ),
        pytest.param({"exercise": "kettlebell-deadlift"}, "load_kg", id="no-kg"),
        pytest.param({"exercise": "kettlebell-deadlift", "load_kg": 0}, "load_kg", id="kg-zero"),
        pytest.param({"exercise": "moon-walk", "band_level": "green"}, "exercise", id="unknown"),
        pytest.param({"band_level": "green"}, "exercise", id="no-exercise"),
        pytest.param(
            {"exercise": "lateral-raise", "band_level": "green", "day": "2025-01-01"},
            "day",
            id="day-is-derived",
        ),
    ],
)
def test_bad_overrides_are_refused_and_not_stored(
    phone: Phone, override: dict[str, Any], field: str
) -> None:
    field_error(phone.post("/api/me/overrides", json=override), field)
    assert rows(LoadOverride) == []


# -- who may write --------------------------------------------------------------------

WRITES: list[tuple[str, str, Callable[[dict[str, str]], dict[str, Any] | None]]] = [
    ("POST", "/api/me/sets", lambda _ids: a_set()),
    ("PATCH", "/api/me/sets/{set}", lambda _ids: {"reps": 14}),
    ("DELETE", "/api/me/sets/{set}", lambda _ids: None),
    ("POST", "/api/me/cardio", lambda _ids: a_cardio()),
    ("DELETE", "/api/me/cardio/{cardio}", lambda _ids: None),
    ("POST", "/api/me/checkins", lambda _ids: {"pain": {"neck": 2}}),
    (
        "POST",
        "/api/me/overrides",
        lambda _ids: {"exercise": "lateral-raise", "band_level": "blue"},
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "make_body"),
    [pytest.param(m, p, b, id=f"{m} {p}") for m, p, b in WRITES],
)
def test_writes_need_a_session_and_its_csrf_token(
    app: Flask,
    phone: Phone,
    method: str,
    path: str,
    make_body: Callable[[dict[str, str]], dict[str, Any] | None],
) -> None:
    logged_set, logged_cardio = a_set(), a_cardio()
    ok(phone.post("/api/me/sets", json=logged_set), 201)
    ok(phone.post("/api/me/cardio", json=logged_cardio), 201)
    ids = {"set": logged_set["id"], "cardio": logged_cardio["id"]}
    url = path.format(**ids)
    body = make_body(ids)
    kwargs: dict[str, Any] = {"json": body} if body is not None else {}
    before = snapshot()

    anonymous = Phone(app, ApiClient(app.test_client()))
    # A stranger's browser says no language: the answer is Danish, the workplaces' own.
    assert "Log ind" in error(anonymous.request(method, url, **kwargs), 401)["message"]
    assert snapshot() == before

    without_csrf = Phone(app, ApiClient(phone.client, None))
    refused = error(without_csrf.request(method, url, **kwargs), 403)
    assert CSRF_HEADER in refused["message"]
    wrong_csrf = without_csrf.request(method, url, headers={CSRF_HEADER: "nope"}, **kwargs)
    error(wrong_csrf, 403)
    assert snapshot() == before

    # the very same request with the token goes through
    accepted = phone.request(method, url, **kwargs)
    assert accepted.status_code < 300, accepted.get_data(as_text=True)
    assert snapshot() != before
