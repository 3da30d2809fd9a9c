"""A person's own data: the CSV export read back, and erasing a person for good."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from coach.accounts.auth import COOKIE, new_token
from coach.accounts.models import DeviceSession, Invite, Person, SignInLink
from coach.catalogue.models import ExerciseSwap
from coach.coaching.models import CardioSession, CheckIn, LoadOverride, WorkoutSet
from coach.coaching.team_totals import TeamWeekTotal
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.team_today.models import HighFive
from coach.teams.models import Team
from coach.teams.participation import workplace_participation
from tests.coaching.test_progress import add_cardio, add_check_in, add_set
from tests.factories import ApiClient, make_invite, make_person, make_team, signed_in_client

JOINED = datetime(2024, 12, 1, 8, 0, tzinfo=UTC)
D = date.fromisoformat
ENDPOINTS = [
    ("GET", "/api/me/history"),
    ("GET", "/api/me/progress"),
    ("GET", "/api/me/export.csv"),
    ("DELETE", "/api/me"),
]


def call(app: Flask, api: ApiClient, method: str, path: str) -> TestResponse:
    db.session.rollback()
    with app.app_context():
        response = api.request(method, path)
    db.session.rollback()
    return response


def give_history(person: Person, *, offset: int = 0) -> None:
    """Sets on three days of two weeks, a cardio session, two check-ins, an override,
    a swap and a sign-in link."""
    for n, day in enumerate((D("2025-03-03"), D("2025-03-05"), D("2025-03-11"))):
        add_set(person, day, "lateral-raise", band_level="red", reps=15 + n + offset)
        add_set(person, day, "lateral-raise", 1, band_level="red", reps=12 + offset, pain=3)
    add_set(person, D("2025-03-05"), "neck-side-hold", 2, hold_seconds=20)
    add_set(person, D("2025-03-05"), "dumbbell-row", 3, load_kg=12.5, reps=10)
    add_cardio(person, D("2025-03-08"), "rowing", 25, 6)
    add_check_in(person, D("2025-03-03"), neck=4, arm=2)
    add_check_in(person, D("2025-03-10"), shoulder=1)
    db.session.add(
        LoadOverride(person_id=person.id, exercise="shrug", day=D("2025-03-11"), band_level="blue")
    )
    db.session.add(ExerciseSwap(person_id=person.id, exercise="shrug", replacement="upright-row"))
    _token, token_hash = new_token()
    db.session.add(
        SignInLink(
            person_id=person.id, token_hash=token_hash, expires_at=utcnow() + timedelta(minutes=9)
        )
    )


@dataclass
class World:
    app: Flask
    team_id: int
    me: int
    colleague: int
    admin: int


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    team = make_team(name="Lønkontoret")
    me = make_person(
        Role.MEMBER,
        team=team,
        created_at=JOINED,
        display_name='=1+1 Åse "Øl", Ærø',
        language="da",
    )
    colleague = make_person(Role.MEMBER, team=team, created_at=JOINED)
    admin = make_person(Role.ADMIN, workplace=team.workplace, created_at=JOINED)
    give_history(me)
    give_history(colleague, offset=5)
    db.session.commit()
    yield World(app, team.id, me.id, colleague.id, admin.id)


def client(world: World, person_id: int) -> ApiClient:
    api = signed_in_client(world.app, db.session.get_one(Person, person_id))
    db.session.rollback()
    return api


# -- export -----------------------------------------------------------------------------


def sections(text: str) -> dict[str, list[dict[str, str]]]:
    """The export read back with the csv module: ``# name`` starts a section, then a
    header row and the records; an empty row ends it."""
    found: dict[str, list[dict[str, str]]] = {}
    rows = csv.reader(io.StringIO(text, newline=""))
    for row in rows:
        if not row:
            continue
        assert len(row) == 1 and row[0].startswith("# "), row
        header = next(rows)
        records = found[row[0][2:]] = []
        for record in rows:
            if not record:
                break
            assert len(record) == len(header), record
            records.append(dict(zip(header, record, strict=True)))
    return found


def test_export_is_a_csv_attachment_with_every_section(world: World) -> None:
    response = call(world.app, client(world, world.me), "GET", "/api/me/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=coach-data-")
    assert disposition.endswith(".csv")
    assert response.headers["Cache-Control"] == "private, no-store"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # so spreadsheets read it as UTF-8
    assert b"\r\n" in raw
    found = sections(raw.decode("utf-8-sig"))
    assert list(found) == [
        "person",
        "sets",
        "cardio",
        "check-ins",
        "overrides",
        "swaps",
        "reminders",
        "push devices",
        "reminder deliveries",
        "poll votes",
        "high-fives",
    ]

    [person] = found["person"]
    # quotes, a comma and Danish letters survive; a formula is shown, never run
    assert person["display_name"] == '\'=1+1 Åse "Øl", Ærø'
    assert (person["role"], person["team"], person["language"]) == ("member", "Lønkontoret", "da")
    assert person["share_participation"] == "false"
    assert person["joined_at"] == "2024-12-01T08:00:00+00:00"


def test_export_holds_every_set_cardio_and_check_in_of_mine_only(world: World) -> None:
    response = call(world.app, client(world, world.me), "GET", "/api/me/export.csv")
    found = sections(response.get_data(as_text=True).lstrip("\ufeff"))

    stored = db.session.scalars(sa.select(WorkoutSet).where(WorkoutSet.person_id == world.me))
    expected = {str(s.id): s for s in stored}
    assert len(expected) == 8
    assert {row["id"] for row in found["sets"]} == set(expected)
    for row in found["sets"]:
        stored_set = expected[row["id"]]
        assert row["date"] == stored_set.local_date.isoformat()
        assert datetime.fromisoformat(row["performed_at"]) == stored_set.performed_at
        assert row["exercise"] == stored_set.exercise
        assert row["reps"] == ("" if stored_set.reps is None else str(stored_set.reps))
        assert row["pain"] == ("" if stored_set.pain is None else str(stored_set.pain))
    by_exercise = {row["exercise"]: row for row in found["sets"]}
    assert by_exercise["dumbbell-row"]["load_kg"] == "12.5"
    assert by_exercise["dumbbell-row"]["exercise_name"] == "Roning med håndvægt"
    assert by_exercise["neck-side-hold"]["hold_seconds"] == "20"
    assert by_exercise["neck-side-hold"]["reps"] == ""
    # sorted by time
    assert [r["performed_at"] for r in found["sets"]] == sorted(
        r["performed_at"] for r in found["sets"]
    )

    [cardio] = found["cardio"]
    assert (cardio["date"], cardio["activity"], cardio["minutes"], cardio["effort"]) == (
        "2025-03-08",
        "rowing",
        "25",
        "6",
    )
    assert [
        (c["day"], c["pain_neck"], c["pain_arm"], c["pain_shoulder"]) for c in found["check-ins"]
    ] == [("2025-03-03", "4", "2", ""), ("2025-03-10", "", "", "1")]
    assert found["check-ins"][0]["soreness"] == "false"
    assert found["overrides"] == [
        {"exercise": "shrug", "day": "2025-03-11", "band_level": "blue", "load_kg": ""}
    ]
    assert [(s["exercise"], s["replacement"]) for s in found["swaps"]] == [("shrug", "upright-row")]

    colleague_sets = db.session.scalars(
        sa.select(WorkoutSet.id).where(WorkoutSet.person_id == world.colleague)
    ).all()
    text = response.get_data(as_text=True)
    assert colleague_sets and not any(str(set_id) in text for set_id in colleague_sets)


def test_export_holds_my_high_fives_naming_only_colleagues_who_share(world: World) -> None:
    colleague = db.session.get_one(Person, world.colleague)
    colleague.share_participation = True
    quiet = make_person(Role.MEMBER, team=colleague.team, display_name="Quiet Quinn")
    day = D("2025-03-10")
    for giver, receiver in (
        (world.me, world.colleague),
        (world.me, None),
        (world.colleague, world.me),
        (quiet.id, world.me),
        (quiet.id, world.colleague),  # not mine: left out
    ):
        db.session.add(
            HighFive(
                id=uuid.uuid4(),
                team_id=world.team_id,
                giver_id=giver,
                receiver_id=receiver,
                receiver_key=receiver or 0,
                day=day,
            )
        )
    db.session.commit()
    response = call(world.app, client(world, world.me), "GET", "/api/me/export.csv")
    found = sections(response.get_data(as_text=True).lstrip("\ufeff"))
    name = colleague.display_name
    assert sorted(
        (r["day"], r["given_or_received"], r["colleague"], r["to_team"])
        for r in found["high-fives"]
    ) == [
        ("2025-03-10", "given", "", "true"),
        ("2025-03-10", "given", name, "false"),
        ("2025-03-10", "received", "", "false"),  # Quinn does not share
        ("2025-03-10", "received", name, "false"),
    ]
    assert "Quiet Quinn" not in response.get_data(as_text=True)


def test_an_empty_export_still_has_its_headers(app: Flask) -> None:
    person = make_person(Role.MEMBER)
    response = call(app, signed_in_client(app, person), "GET", "/api/me/export.csv")
    found = sections(response.get_data(as_text=True).lstrip("\ufeff"))
    assert [len(rows) for rows in found.values()] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert response.get_data(as_text=True).splitlines()[5] == (
        "id,date,performed_at,exercise,exercise_name,reps,hold_seconds,band_level,"
        "load_kg,reps_in_reserve,pain"
    )


# -- erase ------------------------------------------------------------------------------


def rows_naming(person_id: int) -> dict[str, int]:
    """For every table with a column pointing at people.id: rows pointing at the person."""
    counts = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if any(fk.column.table.name == "people" for fk in column.foreign_keys):
                    counts[f"{table.name}.{column.name}"] = conn.scalar(
                        sa.select(sa.func.count()).select_from(table).where(column == person_id)
                    )
        counts["people.id"] = conn.scalar(
            sa.select(sa.func.count()).select_from(Person).where(Person.id == person_id)
        )
    return counts


def rows_of_others(person_id: int) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table that does not point at the person."""
    snapshot = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            links = [
                c
                for c in table.columns
                if any(fk.column.table.name == "people" for fk in c.foreign_keys)
            ]
            if table.name == "people":
                links = [table.c.id]
            query = table.select().order_by(*table.primary_key.columns)
            for column in links:
                query = query.where(sa.or_(column.is_(None), column != person_id))
            snapshot[table.name] = [tuple(row) for row in conn.execute(query)]
    return snapshot


def test_erasing_removes_every_row_of_mine_and_signs_me_out(world: World) -> None:
    team = db.session.get_one(Team, world.team_id)
    make_invite(team, created_by_id=world.me)
    phone, laptop = client(world, world.me), client(world, world.me)
    before = rows_naming(world.me)
    assert before["workout_sets.person_id"] == 8 and before["device_sessions.person_id"] == 2
    assert all(
        before[key] > 0
        for key in (
            "cardio_sessions.person_id",
            "check_ins.person_id",
            "load_overrides.person_id",
            "exercise_swaps.person_id",
            "sign_in_links.person_id",
            "invites.created_by_id",
        )
    )
    others = rows_of_others(world.me)

    response = call(world.app, phone, "DELETE", "/api/me")

    assert response.status_code == 204, response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=;") and "Max-Age=0" in cookie
    assert rows_naming(world.me) == dict.fromkeys(before, 0)
    # the invite I made stays, nameless; nobody else's rows changed
    invite = db.session.scalar(sa.select(Invite))
    assert invite is not None and invite.created_by_id is None
    after = rows_of_others(world.me)
    after["invites"] = others["invites"] = []
    after["team_week_totals"] = others["team_week_totals"] = []
    assert after == others
    # every device of mine is signed out
    assert call(world.app, laptop, "GET", "/api/me").status_code == 401
    assert call(world.app, phone, "GET", "/api/me").status_code == 401


def test_an_erased_session_cookie_answers_401(world: World) -> None:
    phone = client(world, world.me)
    cookie = phone.client.get_cookie(COOKIE, domain="localhost")
    assert cookie is not None
    assert call(world.app, phone, "DELETE", "/api/me").status_code == 204
    replay = ApiClient(world.app.test_client(), phone.csrf_token)
    replay.client.set_cookie(COOKIE, cookie.value, domain="localhost")
    for method, path in ENDPOINTS:
        response = call(world.app, replay, method, path)
        assert response.status_code == 401, (method, path)


def team_weeks(world: World, first: date, last: date) -> list[tuple[date, int, int]]:
    """(week, sessions, active people) of the weeks the team trained in, as the
    workplace's participation shows them to an admin."""
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    team = db.session.get(Team, world.team_id)
    assert team is not None
    answer = workplace_participation(team.workplace, mondays=mondays)
    [row] = [row for row in answer["teams"] if row["id"] == world.team_id]
    return [(w["week_start"], w["sessions"], w["active"]) for w in row["weeks"] if w["sessions"]]


def test_team_totals_keep_the_erased_sessions_without_a_name(world: World) -> None:
    first, last = D("2025-02-24"), D("2025-03-17")
    expected = [
        (D("2025-03-03"), 4, 2),  # 2 days each
        (D("2025-03-10"), 2, 2),
    ]
    assert team_weeks(world, first, last) == expected

    assert call(world.app, client(world, world.me), "DELETE", "/api/me").status_code == 204
    assert team_weeks(world, first, last) == expected
    folded = db.session.execute(sa.select(TeamWeekTotal.__table__)).all()
    assert sorted(folded) == [
        (world.team_id, D("2025-03-03"), 2, 1),
        (world.team_id, D("2025-03-10"), 1, 1),
    ]
    assert set(TeamWeekTotal.__table__.columns.keys()) == {
        "team_id",
        "week_start",
        "sessions",
        "active_members",
    }

    # a second erasure in the same team adds to the totals
    assert call(world.app, client(world, world.colleague), "DELETE", "/api/me").status_code == 204
    assert team_weeks(world, first, last) == expected
    assert sorted(db.session.execute(sa.select(TeamWeekTotal.__table__)).all()) == [
        (world.team_id, D("2025-03-03"), 4, 2),
        (world.team_id, D("2025-03-10"), 2, 2),
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkoutSet)) == 0


def test_the_last_admin_cannot_erase_themselves(world: World) -> None:
    api = client(world, world.admin)
    before = rows_of_others(0)
    response = call(world.app, api, "DELETE", "/api/me")
    assert response.status_code == 409
    assert response.json["code"] == 409
    assert "eneste administrator" in response.json["message"]  # in the admin's Danish
    assert rows_of_others(0) == before
    assert call(world.app, api, "GET", "/api/me").status_code == 200

    # with a second admin the first may go; then the second is the last one
    second = make_person(Role.ADMIN, workplace=db.session.get_one(Person, world.admin).workplace)
    second_api = signed_in_client(world.app, second)
    db.session.rollback()
    assert call(world.app, api, "DELETE", "/api/me").status_code == 204
    assert db.session.get(Person, world.admin) is None
    assert call(world.app, second_api, "DELETE", "/api/me").status_code == 409


def test_an_admin_of_another_workplace_does_not_count(world: World) -> None:
    make_person(Role.ADMIN)  # in a workplace of its own
    response = call(world.app, client(world, world.admin), "DELETE", "/api/me")
    assert response.status_code == 409


def test_erasing_needs_the_csrf_token(world: World) -> None:
    api = client(world, world.me)
    api.csrf_token = None
    response = call(world.app, api, "DELETE", "/api/me")
    assert response.status_code == 403
    assert db.session.get(Person, world.me) is not None


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_get_401(app: Flask, method: str, path: str) -> None:
    make_person(Role.MEMBER)
    response = call(app, ApiClient(app.test_client()), method, path)
    assert response.status_code == 401
    assert response.json["code"] == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1


def test_sets_of_other_people_keep_their_ids(world: World) -> None:
    """Erasure deletes by person, never by a set id another person could share."""
    theirs = set(
        db.session.scalars(sa.select(WorkoutSet.id).where(WorkoutSet.person_id == world.colleague))
    )
    assert call(world.app, client(world, world.me), "DELETE", "/api/me").status_code == 204
    assert set(db.session.scalars(sa.select(WorkoutSet.id))) == theirs
    assert all(isinstance(i, uuid.UUID) for i in theirs)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CardioSession)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 2
