"""Who gets in where: every API endpoint against every kind of caller, and CSRF.

The matrix below names each ``/api`` rule with the status every caller gets. For an
allowed caller the call must really succeed (its effect is checked in the database);
for a refused caller nothing in the database may change. A test compares the matrix
with ``app.url_map``, so a new endpoint without a line here fails the suite.

Each request runs in its own app context, as in production: the ``app`` fixture keeps
one pushed for the whole test, and a request reusing it would inherit ``g`` (the
caller) and the database session of the request before.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.security import check_password_hash
from werkzeug.test import TestResponse

from coach.accounts.auth import COOKIE, CSRF_HEADER, hash_token, new_token
from coach.accounts.models import (
    DeviceSession,
    Invite,
    Passkey,
    PasskeyChallenge,
    Person,
    SignInLink,
)
from coach.catalogue.models import ExerciseSwap
from coach.catalogue.service import current_catalogue
from coach.coaching.journal import local_date
from coach.coaching.models import CardioSession, CheckIn, LoadOverride, WorkoutSet
from coach.database import utcnow
from coach.domain.polls import suggested_sets
from coach.domain.roles import Role
from coach.extensions import db
from coach.instruction.models import InstructionPlan, InstructorWeek, KeyPerson
from coach.live.models import LiveParticipant, LiveSession
from coach.polls.models import Poll, PollOption, PollVote
from coach.reminders.models import DeliveryAttempt, PushSubscription, ReminderSettings
from coach.team_today.models import HighFive
from coach.teams.models import Team, Workplace
from tests.factories import (
    AUTH,
    P256DH,
    PASSWORD,
    ApiClient,
    make_device_session,
    make_invite,
    make_person,
    make_team,
    make_tied_poll,
    make_workplace,
    signed_in_client,
)
from tests.passkey_authenticator import SoftAuthenticator, b64url
from tests.reuse import Reused

CALLERS = ("anonymous", "member", "lead", "other_lead", "admin", "other_admin")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NEW_PASSWORD = "a brand new passphrase"


# -- the world every test starts from -------------------------------------------------


@dataclass
class World:
    """Two teams of one workplace (A is "the team in question"), one invite each, a
    person in every role (each with one exercise swap), and a second workplace with its
    own admin. Plain ids and tokens only: the requests run in sessions of their own."""

    workplace_id: int
    other_workplace_id: int
    team_id: int
    other_team_id: int
    invite_id: int
    invite_token: str
    other_invite_id: int
    sign_in_token: str
    people: dict[str, int]  # caller name -> person id; no "anonymous"
    swapped: tuple[str, str]  # (exercise, replacement): everyone has this swap
    swappable: tuple[str, str]  # another allowed swap, which nobody has made
    program: str
    sets: dict[str, str]  # caller name -> the id of a set they logged
    cardio: dict[str, str]  # caller name -> the id of a cardio session they logged
    endpoints: dict[str, str]  # caller name -> their phone's push endpoint
    devices: dict[str, int]  # caller name -> the id of another device they are signed in on
    passkeys: dict[str, int]  # caller name -> the id of their passkey
    register_challenges: dict[str, str]  # caller name -> a challenge to add a passkey with
    sign_in_challenge: str
    authenticator: SoftAuthenticator  # the member's passkey
    session_id: str  # team A's live session: in the lobby, led by the lead, who is in it
    poll_id: int  # team A's open time poll: the member and the lead voted for option 0
    tied_poll_id: int  # team A's exercises poll that closed on a tie (0 and 1)


def allowed_swaps() -> list[tuple[str, str]]:
    """Pairs (exercise, replacement) the catalogue lets a person swap, one per exercise."""
    catalogue = current_catalogue()
    pairs: dict[str, tuple[str, str]] = {}
    for slug, exercise in sorted(catalogue.exercises.items()):
        for alternative in exercise.alternatives:
            if catalogue.swap_problem(slug, alternative) is None:
                pairs.setdefault(slug, (slug, alternative))
    assert len(pairs) >= 2, "the catalogue needs two exercises with alternatives"
    return list(pairs.values())


def _make_world() -> World:
    workplace = make_workplace(name="Harbour Office")
    team = make_team(workplace, name="Team A")
    other_team = make_team(workplace, name="Team B")
    other_workplace = make_workplace(name="Elsewhere Ltd")
    people = {
        "member": make_person(Role.MEMBER, team=team),
        "lead": make_person(Role.LEAD, team=team),
        "other_lead": make_person(Role.LEAD, team=other_team),
        "admin": make_person(Role.ADMIN, workplace=workplace),
        "other_admin": make_person(Role.ADMIN, workplace=other_workplace),
    }
    # A second admin of the workplace, calling nothing: the admin may erase themselves
    # (DELETE /api/me), the other workplace's only admin may not.
    make_person(Role.ADMIN, workplace=workplace, display_name="Co-admin")
    invite, invite_token = make_invite(team)
    other_invite, _ = make_invite(other_team)
    sign_in_token, token_hash = new_token()
    db.session.add(
        SignInLink(
            person_id=people["member"].id,
            token_hash=token_hash,
            expires_at=utcnow() + timedelta(minutes=15),
        )
    )
    monday = local_date(people["admin"], utcnow())
    monday -= timedelta(days=monday.weekday())
    db.session.add(
        InstructionPlan(
            workplace_id=workplace.id,
            starts_on=monday,
            ends_on=monday + timedelta(days=180),
            weeks=[InstructorWeek(week_start=monday)],
            key_persons=[KeyPerson(person_id=people["lead"].id)],
        )
    )
    swapped, swappable = allowed_swaps()[:2]
    for someone in people.values():
        db.session.add(
            ExerciseSwap(person_id=someone.id, exercise=swapped[0], replacement=swapped[1])
        )
    sets = {name: uuid.uuid4() for name in people}
    cardio = {name: uuid.uuid4() for name in people}
    # Loopback, a port nobody listens on: a test reminder fails at once, going nowhere.
    endpoints = {name: f"https://127.0.0.1:1/push/{name}" for name in people}
    for name, someone in people.items():
        db.session.add(
            PushSubscription(
                person_id=someone.id, endpoint=endpoints[name], p256dh=P256DH, auth=AUTH
            )
        )
    now = utcnow()
    for name, someone in people.items():
        today = local_date(someone, now)
        db.session.add_all(
            [
                WorkoutSet(
                    id=sets[name],
                    person_id=someone.id,
                    exercise="lateral-raise",
                    performed_at=now,
                    local_date=today,
                    reps=12,
                    band_level="green",
                ),
                CardioSession(
                    id=cardio[name],
                    person_id=someone.id,
                    performed_at=now,
                    local_date=today,
                    activity="cycling",
                    minutes=20,
                    effort=5,
                ),
            ]
        )
    # Opened two days ago and never ended: it blocks nothing today (a new start ends it).
    session = LiveSession(
        id=uuid.uuid4(),
        team_id=team.id,
        host_id=people["lead"].id,
        status="lobby",
        exercises=[{"slug": "lateral-raise", "work_seconds": None}],
        local_date=monday - timedelta(days=2),
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(LiveParticipant(session_id=session.id, person_id=people["lead"].id))
    poll_id, tied_poll_id = _polls(team, people)
    db.session.commit()
    world = World(
        workplace_id=workplace.id,
        other_workplace_id=other_workplace.id,
        team_id=team.id,
        other_team_id=other_team.id,
        invite_id=invite.id,
        invite_token=invite_token,
        other_invite_id=other_invite.id,
        sign_in_token=sign_in_token,
        people={name: person.id for name, person in people.items()},
        swapped=swapped,
        swappable=swappable,
        program=sorted(current_catalogue().programs)[0],
        sets={name: str(set_id) for name, set_id in sets.items()},
        cardio={name: str(cardio_id) for name, cardio_id in cardio.items()},
        endpoints=endpoints,
        devices={name: make_device_session_id(someone) for name, someone in people.items()},
        **passkey_world(people),
        session_id=str(session.id),
        poll_id=poll_id,
        tied_poll_id=tied_poll_id,
    )
    db.session.rollback()  # end this session's transaction before any request
    return world


def _world_day(world: World) -> date:
    db.session.rollback()  # the rows were just written on another connection
    return local_date(person(world, "admin"), utcnow())


# Built once a minute and copied back for each test (tests/reuse.py); the member's
# authenticator counts its signatures, so each test gets one that has made none.
build_world = Reused(
    _make_world,
    day=_world_day,
    fresh=lambda w: replace(w, authenticator=replace(w.authenticator)),
)


def _polls(team: Team, people: dict[str, Person]) -> tuple[int, int]:
    """Team A's open time poll with two votes, and a poll closed on a tie."""
    poll = Poll(
        team_id=team.id, kind="time", status="open", closes_at=utcnow() + timedelta(hours=1)
    )
    db.session.add(poll)
    db.session.flush()
    tied = make_tied_poll(team, votes_each=1)
    db.session.add_all(
        [
            PollOption(poll_id=poll.id, index=0, value={"time": "11:25", "days": [1, 2, 3]}),
            PollOption(poll_id=poll.id, index=1, value={"time": "13:00", "days": [1, 2, 3]}),
            PollVote(poll_id=poll.id, person_id=people["member"].id, option=0),
            PollVote(poll_id=poll.id, person_id=people["lead"].id, option=0),
        ]
    )
    return poll.id, tied.id


def passkey_world(people: dict[str, Person]) -> dict[str, Any]:
    """A passkey for everyone (the member's a working one), a challenge each to add
    another, and one to sign in with."""
    expires_at = utcnow() + timedelta(minutes=5)
    authenticator = SoftAuthenticator()
    passkeys, challenges = {}, {}
    for name, someone in people.items():
        soft = authenticator if name == "member" else SoftAuthenticator()
        passkey = Passkey(
            person_id=someone.id,
            credential_id=b64url(soft.credential_id),
            public_key=soft.cose_public_key,
            name=f"{name}'s phone",
        )
        challenges[name] = secrets.token_urlsafe(32)
        db.session.add_all(
            [
                passkey,
                PasskeyChallenge(
                    challenge=challenges[name],
                    purpose="register",
                    person_id=someone.id,
                    expires_at=expires_at,
                ),
            ]
        )
        db.session.flush()
        passkeys[name] = passkey.id
    sign_in_challenge = secrets.token_urlsafe(32)
    db.session.add(
        PasskeyChallenge(challenge=sign_in_challenge, purpose="sign-in", expires_at=expires_at)
    )
    db.session.commit()
    return {
        "passkeys": passkeys,
        "register_challenges": challenges,
        "sign_in_challenge": sign_in_challenge,
        "authenticator": authenticator,
    }


def make_device_session_id(someone: Person) -> int:
    """Sign ``someone`` in on another device; its session's id."""
    token, _ = make_device_session(someone)
    found = db.session.scalar(
        sa.select(DeviceSession.id).where(DeviceSession.token_hash == hash_token(token))
    )
    assert found is not None
    return found


def client_for(app: Flask, world: World, caller: str) -> ApiClient:
    if caller == "anonymous":
        return ApiClient(app.test_client())
    person = db.session.get(Person, world.people[caller])
    assert person is not None
    api = signed_in_client(app, person)
    db.session.rollback()
    return api


def send(app: Flask, api: ApiClient, method: str, path: str, **kwargs: Any) -> TestResponse:
    """One request in a fresh app context (fresh ``g``, fresh database session)."""
    db.session.rollback()
    with app.app_context():
        response = api.request(method, path, **kwargs)
    db.session.rollback()  # so what the test reads next is what the request committed
    return response


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


def person(world: World, caller: str) -> Person:
    found = db.session.get(Person, world.people[caller])
    assert found is not None
    return found


def count(model: type[Any], *where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def assert_error_body(response: TestResponse, status: int) -> None:
    assert response.mimetype == "application/json", response.get_data(as_text=True)
    body = response.json
    assert isinstance(body, dict)
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}


# -- expectations ---------------------------------------------------------------------


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def signed_in(status: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": 401}


def leads_and_admins(status: int) -> dict[str, int]:
    return {**signed_in(status), "member": 403}


def admins(status: int) -> dict[str, int]:
    return {**signed_in(403), "admin": status, "other_admin": status}


def team_managers(status: int) -> dict[str, int]:
    """Team A's lead and its workplace's admin; other leads and workplaces see 404."""
    return {**leads_and_admins(status), "other_lead": 404, "other_admin": 404}


# -- what an allowed call must have done ----------------------------------------------

Verify = Callable[[World, str, TestResponse, Flask, ApiClient], None]


def _health(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json == {"status": "ok", "database": "ok"}


def _login(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["person"]["id"] == w.people["admin"]
    assert r.json["csrf_token"]
    assert any(f"{COOKIE}=" in c for c in r.headers.getlist("Set-Cookie"))
    # the admin now has a session of the login's own, besides their other device (and
    # the caller's, if it is the admin)
    expected = 3 if caller == "admin" else 2
    assert count(DeviceSession, DeviceSession.person_id == w.people["admin"]) == expected


def _logout(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    # this device only: the other one stays signed in
    assert count(DeviceSession, DeviceSession.person_id == w.people[caller]) == 1
    assert db.session.get(DeviceSession, w.devices[caller]) is not None
    assert send(app, api, "GET", "/api/me").status_code == 401


def _use_sign_in_link(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["person"]["id"] == w.people["member"]
    link = db.session.scalar(sa.select(SignInLink))
    assert link is not None and link.used_at is not None


def _get_me(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["person"]["id"] == w.people[caller]
    assert r.json["csrf_token"] == api.csrf_token


def _patch_me(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["id"] == w.people[caller]
    assert r.json["language"] == "en"
    assert person(w, caller).language == "en"


def _put_credentials(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    me = person(w, caller)
    assert r.json["email"] == me.email == f"{caller}.new@example.org"
    assert r.json["has_password"] is True
    assert me.password_hash and check_password_hash(me.password_hash, NEW_PASSWORD)


def _list_devices(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert {d["id"] for d in r.json if not d["current"]} == {w.devices[caller]}
    assert [d["current"] for d in r.json].count(True) == 1


def _end_other_devices(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json == {"ended": 1}
    assert count(DeviceSession, DeviceSession.person_id == w.people[caller]) == 1
    assert db.session.get(DeviceSession, w.devices[caller]) is None
    assert send(app, api, "GET", "/api/me").status_code == 200
    # everyone else's devices are still signed in
    assert all(db.session.get(DeviceSession, w.devices[n]) for n in w.devices if n != caller)


def _end_device(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert db.session.get(DeviceSession, w.devices[caller]) is None
    assert send(app, api, "GET", "/api/me").status_code == 200
    assert all(db.session.get(DeviceSession, w.devices[n]) for n in w.devices if n != caller)


def _passkey_sign_in_options(
    w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient
) -> None:
    assert r.json["publicKey"]["rpId"] == "coach.test"
    assert count(PasskeyChallenge, PasskeyChallenge.purpose == "sign-in") == 2


def _passkey_sign_in(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["person"]["id"] == w.people["member"]
    passkey = db.session.get(Passkey, w.passkeys["member"])
    assert passkey is not None and passkey.sign_count == 1 and passkey.last_used_at
    assert count(PasskeyChallenge, PasskeyChallenge.purpose == "sign-in") == 0


def _passkey_options(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["publicKey"]["rp"]["id"] == "coach.test"
    assert count(PasskeyChallenge, PasskeyChallenge.person_id == w.people[caller]) == 2


def _list_passkeys(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert [p["id"] for p in r.json] == [w.passkeys[caller]]


def _add_passkey(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    added = db.session.get(Passkey, r.json["id"])
    assert added is not None and added.person_id == w.people[caller]
    assert count(Passkey, Passkey.person_id == w.people[caller]) == 2


def _rename_passkey(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    names = {p.id: p.name for p in db.session.scalars(sa.select(Passkey))}
    assert names.pop(w.passkeys[caller]) == "Renamed"
    assert "Renamed" not in names.values()


def _remove_passkey(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert db.session.get(Passkey, w.passkeys[caller]) is None
    assert count(Passkey) == len(w.passkeys) - 1


def _create_sign_in_link(
    w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient
) -> None:
    assert r.json["url"].startswith("https://coach.test/sign-in/")
    token = r.json["url"].rsplit("/", 1)[1]
    link = db.session.scalar(
        sa.select(SignInLink).where(SignInLink.token_hash == hash_token(token))
    )
    assert link is not None and link.person_id == w.people[caller] and link.used_at is None


def _list_invites(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert [i["id"] for i in r.json] == [w.invite_id]
    assert r.json[0]["team"]["id"] == w.team_id


def _create_invite(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["team"]["id"] == w.team_id
    assert r.json["role"] == "member"
    assert r.json["url"].startswith("https://coach.test/join/")
    invite = db.session.get(Invite, r.json["id"])
    assert invite is not None and invite.team_id == w.team_id
    assert invite.created_by_id == w.people[caller]


def _preview_invite(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["team"]["id"] == w.team_id
    assert r.json["workplace"]["id"] == w.workplace_id
    assert r.json["role"] == "member"


def _revoke_invite(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    invite = db.session.get(Invite, w.invite_id)
    assert invite is not None and invite.revoked_at is not None
    other = db.session.get(Invite, w.other_invite_id)
    assert other is not None and other.revoked_at is None
    anonymous = ApiClient(app.test_client())
    assert send(app, anonymous, "GET", f"/api/invites/{w.invite_token}").status_code == 404


def _accept_invite(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    joined = db.session.get(Person, r.json["person"]["id"])
    assert joined is not None
    assert (joined.display_name, joined.team_id, joined.role) == (
        "New colleague",
        w.team_id,
        "member",
    )
    invite = db.session.get(Invite, w.invite_id)
    assert invite is not None and invite.uses == 1


def _get_workplace(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["id"] == person(w, caller).workplace_id
    assert r.json["band_set"]["levels"]


def _patch_workplace(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    own = person(w, caller).workplace_id
    assert r.json["id"] == own
    names = {wp.id: wp.name for wp in db.session.scalars(sa.select(Workplace))}
    untouched = w.other_workplace_id if own == w.workplace_id else w.workplace_id
    assert names[own] == "Renamed Workplace"
    assert names[untouched] != "Renamed Workplace"


def _list_teams(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    expected = {
        "lead": [w.team_id],
        "other_lead": [w.other_team_id],
        "admin": [w.team_id, w.other_team_id],
        "other_admin": [],
    }[caller]
    assert [t["id"] for t in r.json] == expected
    leads = {t["id"]: [lead["id"] for lead in t["leads"]] for t in r.json}
    expected_leads = {w.team_id: [w.people["lead"]], w.other_team_id: [w.people["other_lead"]]}
    assert leads == {team_id: expected_leads[team_id] for team_id in expected}


def _create_team(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    team = db.session.get(Team, r.json["id"])
    assert team is not None
    assert (team.name, team.workplace_id) == ("New Team", person(w, caller).workplace_id)


def _get_team(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["id"] == w.team_id
    assert r.json["member_count"] == 2  # the member and the lead
    # Its lead is listed (for choosing key persons); the member and team B's lead are not.
    assert [lead["id"] for lead in r.json["leads"]] == [w.people["lead"]]


def _patch_team(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["reminder_time"] == "11:30"
    team = db.session.get(Team, w.team_id)
    other = db.session.get(Team, w.other_team_id)
    assert team is not None and other is not None
    assert team.reminder_time.strftime("%H:%M") == "11:30"
    assert other.reminder_time.strftime("%H:%M") == "11:25"


def _list_exercises(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    slugs = [e["slug"] for e in r.json["exercises"]]
    assert set(slugs) == set(current_catalogue().exercises)


def _get_exercise(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["slug"] == w.swapped[0]
    assert w.swapped[1] in [a["slug"] for a in r.json["alternatives"]]


def _list_programs(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert {p["slug"] for p in r.json["programs"]} == set(current_catalogue().programs)


def _get_program(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["slug"] == w.program
    assert r.json["phases"]


def _swaps_of(w: World, caller: str) -> dict[str, str]:
    rows = db.session.scalars(
        sa.select(ExerciseSwap).where(ExerciseSwap.person_id == w.people[caller])
    )
    return {row.exercise: row.replacement for row in rows}


def _list_swaps(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert [(s["exercise"], s["replacement"]) for s in r.json] == [w.swapped]


def _put_swap(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    exercise, replacement = w.swappable
    assert (r.json["exercise"], r.json["replacement"]) == w.swappable
    assert _swaps_of(w, caller) == {w.swapped[0]: w.swapped[1], exercise: replacement}
    others = count(ExerciseSwap, ExerciseSwap.person_id != w.people[caller])
    assert others == len(w.people) - 1  # nobody else's swaps changed


def _delete_swap(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert _swaps_of(w, caller) == {}
    assert count(ExerciseSwap) == len(w.people) - 1  # everyone else keeps theirs


def _set_path(w: World, caller: str = "member") -> str:
    """The caller's own logged set (an anonymous caller tries the member's)."""
    return f"/api/me/sets/{w.sets.get(caller, w.sets['member'])}"


def _cardio_path(w: World, caller: str = "member") -> str:
    return f"/api/me/cardio/{w.cardio.get(caller, w.cardio['member'])}"


def _new_set(_w: World, _caller: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "exercise": "lateral-raise",
        "performed_at": utcnow().isoformat(),
        "reps": 15,
        "band_level": "blue",
    }


def _new_cardio(_w: World, _caller: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "performed_at": utcnow().isoformat(),
        "activity": "running",
        "minutes": 15,
        "effort": 3,
    }


def _post_set(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    row = db.session.get(WorkoutSet, uuid.UUID(r.json["id"]))
    assert row is not None and row.person_id == w.people[caller]
    assert (row.exercise, row.reps, row.band_level) == ("lateral-raise", 15, "blue")
    assert count(WorkoutSet) == len(w.people) + 1


def _patch_set(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert (r.json["id"], r.json["reps"]) == (w.sets[caller], 14)
    reps = {str(row.id): row.reps for row in db.session.scalars(sa.select(WorkoutSet))}
    assert reps == {set_id: 14 if name == caller else 12 for name, set_id in w.sets.items()}


def _delete_set(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    left = {str(row.id) for row in db.session.scalars(sa.select(WorkoutSet))}
    assert left == {set_id for name, set_id in w.sets.items() if name != caller}


def _post_cardio(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    row = db.session.get(CardioSession, uuid.UUID(r.json["id"]))
    assert row is not None and row.person_id == w.people[caller]
    assert (row.activity, row.minutes, row.effort) == ("running", 15, 3)
    assert count(CardioSession) == len(w.people) + 1


def _delete_cardio(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    left = {str(row.id) for row in db.session.scalars(sa.select(CardioSession))}
    assert left == {cardio_id for name, cardio_id in w.cardio.items() if name != caller}


def _post_check_in(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["pain"]["neck"] == 2 and r.json["red_flag"] is False
    rows = db.session.scalars(sa.select(CheckIn))
    assert [(row.person_id, row.pain_neck) for row in rows] == [(w.people[caller], 2)]


def _get_check_in(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    # Nobody has checked in today; a colleague's check-in is never found instead
    # (tests/coaching/test_logging.py reads one back as its owner, and as another).
    assert r.json["code"] == 404


def _post_override(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert (r.json["exercise"], r.json["band_level"]) == ("lateral-raise", "blue")
    rows = db.session.scalars(sa.select(LoadOverride))
    assert [(row.person_id, row.exercise, row.band_level) for row in rows] == [
        (w.people[caller], "lateral-raise", "blue")
    ]


def _history(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    [day] = r.json  # today, with the caller's own set and cardio only
    assert [s["id"] for s in day["sets"]] == [w.sets[caller]]
    assert [c["id"] for c in day["cardio"]] == [w.cardio[caller]]
    assert json.loads(r.headers["X-Pagination"])["total"] == 1


def _progress(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    team = person(w, caller).team
    assert r.json["sessions_per_week"]["program"] == (team.program if team else None)
    [exercise] = r.json["exercises"]
    assert exercise["exercise"] == "lateral-raise"
    assert [(p["reps"], p["band_level"]["key"]) for p in exercise["sessions"]] == [(12, "green")]


def _today(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    team = person(w, caller).team
    assert (r.json["program"] or {}).get("slug") == (team.program if team else None)
    assert bool(r.json["exercises"]) == (team is not None)


def _export(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=")
    text = r.get_data(as_text=True)
    assert person(w, caller).display_name in text
    assert "# swaps\r\nexercise,replacement,chosen_at,kept_until\r\n" + ",".join(w.swapped) in text
    assert [set_id for set_id in w.sets.values() if set_id in text] == [w.sets[caller]]


def _erase_me(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert db.session.get(Person, w.people[caller]) is None
    assert count(DeviceSession, DeviceSession.person_id == w.people[caller]) == 0
    assert _swaps_of(w, caller) == {}
    # everyone else keeps theirs
    assert count(ExerciseSwap) == count(WorkoutSet) == len(w.people) - 1
    assert db.session.get(WorkoutSet, uuid.UUID(w.sets[caller])) is None
    assert send(app, api, "GET", "/api/me").status_code == 401


def _list_people(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    own = person(w, caller).workplace_id
    expected = set(
        db.session.scalars(sa.select(Person.display_name).where(Person.workplace_id == own))
    )
    assert {p["display_name"] for p in r.json} == expected
    assert len(r.json) == (5 if caller == "admin" else 1)  # four people and a co-admin


def _remove_person(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    member = w.people["member"]
    assert db.session.get(Person, member) is None
    assert count(DeviceSession, DeviceSession.person_id == member) == 0
    assert count(Passkey, Passkey.person_id == member) == 0
    assert count(PushSubscription, PushSubscription.endpoint == w.endpoints["member"]) == 0
    assert db.session.get(WorkoutSet, uuid.UUID(w.sets["member"])) is None
    # everyone else keeps theirs, the admin stays signed in
    assert count(WorkoutSet) == len(w.people) - 1
    assert send(app, api, "GET", "/api/me").status_code == 200


def _team_participation(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["team"]["id"] == w.team_id
    assert len(r.json["weeks"]) == 12
    assert r.json["weeks"][-1]["active"] == 2  # the member and the lead trained today
    assert r.json["members_not_sharing"] == 2


def _workplace_participation(
    w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient
) -> None:
    expected = {"admin": [w.team_id, w.other_team_id], "other_admin": []}[caller]
    assert sorted(t["id"] for t in r.json["teams"]) == sorted(expected)


def _get_plan(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert len(r.json["instructor_weeks"]) == 1
    assert sorted(t["team_id"] for t in r.json["teams"]) == sorted([w.team_id, w.other_team_id])


def _put_plan(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    own = person(w, caller).workplace_id
    plan = db.session.scalar(sa.select(InstructionPlan).where(InstructionPlan.workplace_id == own))
    assert plan is not None and [week.week_start.isoformat() for week in plan.weeks] == [
        "2027-01-04",
        "2027-02-01",
    ]
    # the admin's plan is replaced; the other workplace gets one of its own
    assert count(InstructionPlan) == (1 if own == w.workplace_id else 2)


def _team_plan(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    [team] = r.json["teams"]
    assert team["team_id"] == w.team_id
    assert [k["id"] for k in team["key_persons"]] == [w.people["lead"]]


def _report_csv(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert "# participation" in text and "# pain" in text
    assert ("Team A" in text) == (caller == "admin")


def _public_key(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert len(r.json["public_key"]) == 87  # 65 bytes in base64url


def _subscribe(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    rows = db.session.scalars(
        sa.select(PushSubscription).where(PushSubscription.person_id == w.people[caller])
    )
    assert sorted(row.endpoint for row in rows) == sorted(
        [w.endpoints[caller], f"https://fcm.googleapis.com/fcm/send/new/{caller}"]
    )
    assert count(PushSubscription) == len(w.people) + 1


def _this_device(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["endpoint"] == w.endpoints[caller]  # one's own device, nobody else's


def _unsubscribe(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    left = set(db.session.scalars(sa.select(PushSubscription.endpoint)))
    assert left == {e for name, e in w.endpoints.items() if name != caller}


def _get_reminders(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["time"] == "11:25" and r.json["enabled"] is True
    assert r.json["devices"] == 1 and r.json["delivery_problem"] is False


def _put_reminders(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert (r.json["time"], r.json["days"], r.json["enabled"]) == ("07:30", ["mon"], False)
    rows = db.session.scalars(sa.select(ReminderSettings))
    assert [(row.person_id, row.enabled) for row in rows] == [(w.people[caller], False)]


def _snooze(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    rows = db.session.scalars(sa.select(ReminderSettings))
    assert [(row.person_id, row.snoozed_until is not None) for row in rows] == [
        (w.people[caller], True)
    ]


def _test_reminder(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert (r.json["devices"], r.json["delivered"]) == (1, 0)  # nobody listens there
    rows = db.session.scalars(sa.select(DeliveryAttempt))
    assert {row.person_id for row in rows} == {w.people[caller]}


# -- live sessions --------------------------------------------------------------------


def _live(w: World) -> LiveSession:
    found = db.session.get(LiveSession, uuid.UUID(w.session_id), populate_existing=True)
    assert found is not None
    return found


def _in_session(w: World, caller: str) -> bool:
    row = db.session.get(LiveParticipant, (uuid.UUID(w.session_id), w.people[caller]))
    return row is not None and row.left_at is None


def _server_time(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["server_time"].endswith("Z")


def _start_session(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["team_id"] == w.team_id and r.json["status"] == "lobby"
    assert r.json["host"]["id"] == w.people[caller]
    assert _live(w).status == "ended"  # the one forgotten two days ago


def _held_sessions(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json == []  # the world's session never started


def _get_session(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["id"] == w.session_id and r.json["participants"]["count"] == 1


def _join_session(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert _in_session(w, caller)
    assert r.json["participants"]["count"] == (1 if caller == "lead" else 2)


def _leave_session(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert not _in_session(w, caller)
    assert r.json["participants"]["count"] == (0 if caller == "lead" else 1)


def _control_session(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["status"] == "running" and _live(w).status == "running"


def _session_events(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.mimetype == "text/event-stream"
    chunks = iter(r.response)
    assert next(chunks).startswith(b"retry:")
    event = next(chunks).decode()
    assert event.startswith("event: state\nid: 1\n") and w.session_id in event
    r.close()


# -- team today and high-fives --------------------------------------------------------


def _team_today(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    # Everyone logged a set today; Team A has its member and its lead, neither sharing.
    assert (r.json["team"]["id"], r.json["members"], r.json["trained"]) == (w.team_id, 2, 2)
    assert r.json["named"] == []


def _give_high_five(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    rows = db.session.scalars(sa.select(HighFive)).all()
    assert [(h.giver_id, h.team_id, h.receiver_id) for h in rows] == [
        (w.people[caller], w.team_id, None)
    ]


def _my_high_fives(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["total"] == 0 and r.json["given"] == {"team": False, "to": []}


# -- polls ------------------------------------------------------------------------------


def _poll(poll_id: int) -> Poll:
    return db.session.get_one(Poll, poll_id, populate_existing=True)


def _exercises_poll(w: World) -> dict[str, Any]:
    program = current_catalogue().programs[db.session.get_one(Team, w.team_id).program]
    sets = suggested_sets(current_catalogue(), program.phase_for_week(5))
    return {
        "kind": "exercises",
        "closes_at": (utcnow() + timedelta(hours=2)).isoformat(),
        "options": [{"exercises": sets[0]}, {"exercises": sets[1]}],
    }


def _open_poll(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["kind"] == "exercises" and r.json["status"] == "open"
    assert _poll(r.json["id"]).created_by_id == w.people[caller]


def _team_polls(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert [p["id"] for p in r.json] == [w.poll_id, w.tied_poll_id]
    assert r.json[0]["turnout"] == {"voted": 2, "eligible": 2}
    assert r.json[0]["my_vote"] == (0 if caller in ("member", "lead") else None)


def _suggestions(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["phase"]["first_week"] == 5 and len(r.json["options"]) >= 2


def _team_program(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["week"] == 1 and r.json["phases"][0]["current"] is True


def _ballot(w: World, caller: str) -> int | None:
    return db.session.scalar(
        sa.select(PollVote.option).where(
            PollVote.poll_id == w.poll_id, PollVote.person_id == w.people[caller]
        )
    )


def _vote(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["my_vote"] == 1 and _ballot(w, caller) == 1


def _withdraw(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["my_vote"] is None and _ballot(w, caller) is None


def _close_poll(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["status"] == "decided" and r.json["winner"] == 0
    assert _poll(w.poll_id).status == "decided"


def _decide(w: World, caller: str, r: TestResponse, app: Flask, api: ApiClient) -> None:
    assert r.json["winner"] == 1 and _poll(w.tied_poll_id).status == "decided"


def team_members(status: int) -> dict[str, int]:
    """Team A's member and lead; its workplace's admin is refused, others see 404."""
    return {**team_managers(status), "member": status, "admin": 403}


def team_viewers(status: int) -> dict[str, int]:
    return {**team_members(status), "admin": status}


def host_only(status: int) -> dict[str, int]:
    return {**team_members(status), "member": 403}


# -- the matrix -----------------------------------------------------------------------

Body = Callable[[World, str], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    rule: str  # exactly as in app.url_map
    path: Callable[[World], str]
    expect: dict[str, int]
    verify: Verify
    body: Body | None = None
    # For a caller's own rows (a logged set): the path for this caller, not ``path``.
    own_path: Callable[[World, str], str] | None = None
    # Who shows the CSRF check: the admin, let in almost everywhere, unless named here.
    csrf_caller: str = "admin"

    def url(self, world: World, caller: str) -> str:
        return self.path(world) if self.own_path is None else self.own_path(world, caller)

    @property
    def label(self) -> str:
        return f"{self.method} {self.rule}"


def _fixed(path: str) -> Callable[[World], str]:
    return lambda _w: path


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/api/health", _fixed("/api/health"), everyone(200), _health),
    Endpoint(
        "POST",
        "/api/auth/login",
        _fixed("/api/auth/login"),
        everyone(200),
        _login,
        body=lambda w, _c: {
            "email": db.session.get(Person, w.people["admin"]).email,  # type: ignore[union-attr]
            "password": PASSWORD,
        },
    ),
    Endpoint("POST", "/api/auth/logout", _fixed("/api/auth/logout"), signed_in(204), _logout),
    Endpoint(
        "POST",
        "/api/auth/sign-in-links/<token>",
        lambda w: f"/api/auth/sign-in-links/{w.sign_in_token}",
        everyone(200),
        _use_sign_in_link,
    ),
    Endpoint("GET", "/api/me", _fixed("/api/me"), signed_in(200), _get_me),
    Endpoint(
        "PATCH",
        "/api/me",
        _fixed("/api/me"),
        signed_in(200),
        _patch_me,
        body=lambda _w, _c: {"language": "en"},
    ),
    Endpoint(
        "DELETE",
        "/api/me",
        _fixed("/api/me"),
        {**signed_in(204), "other_admin": 409},  # the only admin of their workplace
        _erase_me,
    ),
    Endpoint("GET", "/api/me/history", _fixed("/api/me/history"), signed_in(200), _history),
    Endpoint("GET", "/api/me/progress", _fixed("/api/me/progress"), signed_in(200), _progress),
    Endpoint("GET", "/api/me/today", _fixed("/api/me/today"), signed_in(200), _today),
    Endpoint("GET", "/api/me/export.csv", _fixed("/api/me/export.csv"), signed_in(200), _export),
    Endpoint(
        "PUT",
        "/api/me/credentials",
        _fixed("/api/me/credentials"),
        signed_in(200),
        _put_credentials,
        body=lambda _w, caller: {
            "email": f"{caller}.new@example.org",
            "password": NEW_PASSWORD,
            "current_password": PASSWORD,  # the admins have one; the others none yet
        },
    ),
    Endpoint(
        "POST",
        "/api/auth/passkeys/options",
        _fixed("/api/auth/passkeys/options"),
        everyone(200),
        _passkey_sign_in_options,
    ),
    Endpoint(
        "POST",
        "/api/auth/passkeys/sign-in",
        _fixed("/api/auth/passkeys/sign-in"),
        everyone(200),
        _passkey_sign_in,
        body=lambda w, _c: {"credential": w.authenticator.assertion(w.sign_in_challenge)},
    ),
    Endpoint(
        "POST",
        "/api/me/passkeys/options",
        _fixed("/api/me/passkeys/options"),
        signed_in(200),
        _passkey_options,
    ),
    Endpoint("GET", "/api/me/passkeys", _fixed("/api/me/passkeys"), signed_in(200), _list_passkeys),
    Endpoint(
        "POST",
        "/api/me/passkeys",
        _fixed("/api/me/passkeys"),
        signed_in(201),
        _add_passkey,
        body=lambda w, caller: {
            "name": "Another phone",
            "credential": SoftAuthenticator().registration(
                w.register_challenges.get(caller, w.register_challenges["member"])
            ),
        },
    ),
    Endpoint(
        "PATCH",
        "/api/me/passkeys/<int:passkey_id>",
        lambda w: f"/api/me/passkeys/{w.passkeys['member']}",
        signed_in(200),
        _rename_passkey,
        body=lambda _w, _c: {"name": "Renamed"},
        own_path=lambda w, caller: f"/api/me/passkeys/{w.passkeys.get(caller, 1)}",
    ),
    Endpoint(
        "DELETE",
        "/api/me/passkeys/<int:passkey_id>",
        lambda w: f"/api/me/passkeys/{w.passkeys['member']}",
        signed_in(204),
        _remove_passkey,
        own_path=lambda w, caller: f"/api/me/passkeys/{w.passkeys.get(caller, 1)}",
    ),
    Endpoint("GET", "/api/me/devices", _fixed("/api/me/devices"), signed_in(200), _list_devices),
    Endpoint(
        "DELETE", "/api/me/devices", _fixed("/api/me/devices"), signed_in(200), _end_other_devices
    ),
    Endpoint(
        "DELETE",
        "/api/me/devices/<int:device_id>",
        # anonymous: any device; everyone else: another device of their own
        lambda w: f"/api/me/devices/{w.devices['member']}",
        signed_in(204),
        _end_device,
        own_path=lambda w, caller: f"/api/me/devices/{w.devices.get(caller, 1)}",
    ),
    Endpoint(
        "POST",
        "/api/me/sign-in-links",
        _fixed("/api/me/sign-in-links"),
        signed_in(201),
        _create_sign_in_link,
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/invites",
        lambda w: f"/api/teams/{w.team_id}/invites",
        team_managers(200),
        _list_invites,
    ),
    Endpoint(
        "POST",
        "/api/teams/<int:team_id>/invites",
        lambda w: f"/api/teams/{w.team_id}/invites",
        team_managers(201),
        _create_invite,
        body=lambda _w, _c: {"role": "member"},
    ),
    Endpoint(
        "GET",
        "/api/invites/<ref>",
        lambda w: f"/api/invites/{w.invite_token}",
        everyone(200),
        _preview_invite,
    ),
    Endpoint(
        "DELETE",
        "/api/invites/<ref>",
        lambda w: f"/api/invites/{w.invite_id}",
        team_managers(204),
        _revoke_invite,
    ),
    Endpoint(
        "POST",
        "/api/invites/<ref>/accept",
        lambda w: f"/api/invites/{w.invite_token}/accept",
        everyone(201),
        _accept_invite,
        body=lambda _w, _c: {"display_name": "New colleague"},
    ),
    Endpoint("GET", "/api/workplace", _fixed("/api/workplace"), signed_in(200), _get_workplace),
    Endpoint(
        "PATCH",
        "/api/workplace",
        _fixed("/api/workplace"),
        admins(200),
        _patch_workplace,
        body=lambda _w, _c: {"name": "Renamed Workplace"},
    ),
    Endpoint("GET", "/api/people", _fixed("/api/people"), admins(200), _list_people),
    Endpoint(
        "DELETE",
        "/api/people/<int:person_id>",
        lambda w: f"/api/people/{w.people['member']}",
        {**admins(204), "other_admin": 404},  # another workplace's person
        _remove_person,
    ),
    Endpoint("GET", "/api/teams", _fixed("/api/teams"), leads_and_admins(200), _list_teams),
    Endpoint(
        "POST",
        "/api/teams",
        _fixed("/api/teams"),
        admins(201),
        _create_team,
        body=lambda _w, _c: {"name": "New Team"},
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>",
        lambda w: f"/api/teams/{w.team_id}",
        team_managers(200),
        _get_team,
    ),
    Endpoint(
        "PATCH",
        "/api/teams/<int:team_id>",
        lambda w: f"/api/teams/{w.team_id}",
        team_managers(200),
        _patch_team,
        body=lambda _w, _c: {"reminder_time": "11:30"},
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/participation",
        lambda w: f"/api/teams/{w.team_id}/participation",
        team_managers(200),
        _team_participation,
    ),
    Endpoint(
        "GET",
        "/api/workplace/participation",
        _fixed("/api/workplace/participation"),
        admins(200),
        _workplace_participation,
    ),
    Endpoint(
        "GET",
        "/api/workplace/plan",
        _fixed("/api/workplace/plan"),
        {**admins(200), "other_admin": 404},  # Team A's plan is not theirs; they have none
        _get_plan,
    ),
    Endpoint(
        "PUT",
        "/api/workplace/plan",
        _fixed("/api/workplace/plan"),
        admins(200),
        _put_plan,
        body=lambda _w, _c: {
            "starts_on": "2027-01-04",
            "ends_on": "2027-06-30",
            "instructor_weeks": ["2027-02-01", "2027-01-04"],
            "key_persons": [],
        },
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/plan",
        lambda w: f"/api/teams/{w.team_id}/plan",
        team_managers(200),
        _team_plan,
    ),
    Endpoint(
        "GET",
        "/api/workplace/report.csv",
        _fixed("/api/workplace/report.csv"),
        admins(200),
        _report_csv,
    ),
    Endpoint("GET", "/api/exercises", _fixed("/api/exercises"), everyone(200), _list_exercises),
    Endpoint(
        "GET",
        "/api/exercises/<slug>",
        lambda w: f"/api/exercises/{w.swapped[0]}",
        everyone(200),
        _get_exercise,
    ),
    Endpoint("GET", "/api/programs", _fixed("/api/programs"), everyone(200), _list_programs),
    Endpoint(
        "GET",
        "/api/programs/<slug>",
        lambda w: f"/api/programs/{w.program}",
        everyone(200),
        _get_program,
    ),
    Endpoint("GET", "/api/me/swaps", _fixed("/api/me/swaps"), signed_in(200), _list_swaps),
    Endpoint(
        "PUT",
        "/api/me/swaps/<exercise>",
        lambda w: f"/api/me/swaps/{w.swappable[0]}",
        signed_in(200),
        _put_swap,
        body=lambda w, _c: {"replacement": w.swappable[1]},
    ),
    Endpoint(
        "DELETE",
        "/api/me/swaps/<exercise>",
        lambda w: f"/api/me/swaps/{w.swapped[0]}",
        signed_in(204),
        _delete_swap,
    ),
    Endpoint(
        "POST", "/api/me/sets", _fixed("/api/me/sets"), signed_in(201), _post_set, body=_new_set
    ),
    Endpoint(
        "PATCH",
        "/api/me/sets/<uuid:set_id>",
        _set_path,
        signed_in(200),
        _patch_set,
        body=lambda _w, _c: {"reps": 14},
        own_path=_set_path,
    ),
    Endpoint(
        "DELETE",
        "/api/me/sets/<uuid:set_id>",
        _set_path,
        signed_in(204),
        _delete_set,
        own_path=_set_path,
    ),
    Endpoint(
        "POST",
        "/api/me/cardio",
        _fixed("/api/me/cardio"),
        signed_in(201),
        _post_cardio,
        body=_new_cardio,
    ),
    Endpoint(
        "DELETE",
        "/api/me/cardio/<uuid:cardio_id>",
        _cardio_path,
        signed_in(204),
        _delete_cardio,
        own_path=_cardio_path,
    ),
    Endpoint("GET", "/api/me/checkins", _fixed("/api/me/checkins"), signed_in(404), _get_check_in),
    Endpoint(
        "POST",
        "/api/me/checkins",
        _fixed("/api/me/checkins"),
        signed_in(201),
        _post_check_in,
        body=lambda _w, _c: {"pain": {"neck": 2}},
    ),
    Endpoint(
        "POST",
        "/api/me/overrides",
        _fixed("/api/me/overrides"),
        signed_in(201),
        _post_override,
        body=lambda _w, _c: {"exercise": "lateral-raise", "band_level": "blue"},
    ),
    Endpoint(
        "GET", "/api/push/public-key", _fixed("/api/push/public-key"), everyone(200), _public_key
    ),
    Endpoint(
        "POST",
        "/api/push/subscriptions",
        _fixed("/api/push/subscriptions"),
        signed_in(201),
        _subscribe,
        body=lambda _w, caller: {
            "endpoint": f"https://fcm.googleapis.com/fcm/send/new/{caller}",
            "keys": {"p256dh": P256DH, "auth": AUTH},
        },
    ),
    Endpoint(
        "GET",
        "/api/push/subscriptions",
        lambda w: f"/api/push/subscriptions?endpoint={w.endpoints['member']}",
        signed_in(200),
        _this_device,
        own_path=lambda w, caller: (
            "/api/push/subscriptions?endpoint=" + w.endpoints.get(caller, w.endpoints["member"])
        ),
    ),
    Endpoint(
        "DELETE",
        "/api/push/subscriptions",
        lambda w: f"/api/push/subscriptions?endpoint={w.endpoints['member']}",
        signed_in(204),
        _unsubscribe,
        own_path=lambda w, caller: (
            "/api/push/subscriptions?endpoint=" + w.endpoints.get(caller, w.endpoints["member"])
        ),
    ),
    Endpoint(
        "GET", "/api/me/reminders", _fixed("/api/me/reminders"), signed_in(200), _get_reminders
    ),
    Endpoint(
        "PUT",
        "/api/me/reminders",
        _fixed("/api/me/reminders"),
        signed_in(200),
        _put_reminders,
        body=lambda _w, _c: {"enabled": False, "time": "07:30", "days": ["mon"]},
    ),
    Endpoint(
        "POST",
        "/api/me/reminders/snooze",
        _fixed("/api/me/reminders/snooze"),
        signed_in(200),
        _snooze,
    ),
    Endpoint(
        "POST",
        "/api/me/reminders/test",
        _fixed("/api/me/reminders/test"),
        signed_in(200),
        _test_reminder,
    ),
    Endpoint("GET", "/api/time", _fixed("/api/time"), everyone(200), _server_time),
    Endpoint(
        "POST",
        "/api/teams/<int:team_id>/sessions",
        lambda w: f"/api/teams/{w.team_id}/sessions",
        team_managers(201),
        _start_session,
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/sessions",
        lambda w: f"/api/teams/{w.team_id}/sessions",
        team_managers(200),
        _held_sessions,
    ),
    Endpoint(
        "GET",
        "/api/sessions/<uuid:session_id>",
        lambda w: f"/api/sessions/{w.session_id}",
        team_viewers(200),
        _get_session,
    ),
    Endpoint(
        "GET",
        "/api/sessions/<uuid:session_id>/events",
        lambda w: f"/api/sessions/{w.session_id}/events",
        team_viewers(200),
        _session_events,
    ),
    Endpoint(
        "POST",
        "/api/sessions/<uuid:session_id>/join",
        lambda w: f"/api/sessions/{w.session_id}/join",
        team_members(200),
        _join_session,
        csrf_caller="member",
    ),
    Endpoint(
        "POST",
        "/api/sessions/<uuid:session_id>/leave",
        lambda w: f"/api/sessions/{w.session_id}/leave",
        team_members(200),
        _leave_session,
        csrf_caller="lead",
    ),
    Endpoint(
        "POST",
        "/api/sessions/<uuid:session_id>/control",
        lambda w: f"/api/sessions/{w.session_id}/control",
        host_only(200),
        _control_session,
        body=lambda _w, _c: {"action": "start", "version": 1},
        csrf_caller="lead",
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/today",
        lambda w: f"/api/teams/{w.team_id}/today",
        team_viewers(200),
        _team_today,
    ),
    Endpoint(
        "POST",
        "/api/teams/<int:team_id>/high-fives",
        lambda w: f"/api/teams/{w.team_id}/high-fives",
        team_members(201),
        _give_high_five,
        body=lambda _w, _c: {"to": None},
        csrf_caller="member",
    ),
    Endpoint(
        "GET", "/api/me/high-fives", _fixed("/api/me/high-fives"), signed_in(200), _my_high_fives
    ),
    Endpoint(
        "POST",
        "/api/teams/<int:team_id>/polls",
        lambda w: f"/api/teams/{w.team_id}/polls",
        team_managers(201),
        _open_poll,
        body=lambda w, _c: _exercises_poll(w),
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/polls",
        lambda w: f"/api/teams/{w.team_id}/polls",
        team_viewers(200),
        _team_polls,
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/polls/suggestions",
        lambda w: f"/api/teams/{w.team_id}/polls/suggestions?kind=exercises",
        team_managers(200),
        _suggestions,
    ),
    Endpoint(
        "GET",
        "/api/teams/<int:team_id>/program",
        lambda w: f"/api/teams/{w.team_id}/program",
        team_viewers(200),
        _team_program,
    ),
    Endpoint(
        "PUT",
        "/api/polls/<int:poll_id>/vote",
        lambda w: f"/api/polls/{w.poll_id}/vote",
        team_members(200),
        _vote,
        body=lambda _w, _c: {"option": 1},
        csrf_caller="member",
    ),
    Endpoint(
        "DELETE",
        "/api/polls/<int:poll_id>/vote",
        lambda w: f"/api/polls/{w.poll_id}/vote",
        team_members(200),
        _withdraw,
        csrf_caller="member",
    ),
    Endpoint(
        "POST",
        "/api/polls/<int:poll_id>/close",
        lambda w: f"/api/polls/{w.poll_id}/close",
        team_managers(200),
        _close_poll,
    ),
    Endpoint(
        "POST",
        "/api/polls/<int:poll_id>/decide",
        lambda w: f"/api/polls/{w.tied_poll_id}/decide",
        team_managers(200),
        _decide,
        body=lambda _w, _c: {"option": 1},
    ),
)


def _call(
    app: Flask, world: World, endpoint: Endpoint, api: ApiClient, caller: str
) -> TestResponse:
    kwargs: dict[str, Any] = {}
    if endpoint.body is not None:
        kwargs["json"] = endpoint.body(world, caller)
    return send(app, api, endpoint.method, endpoint.url(world, caller), **kwargs)


@pytest.mark.parametrize(
    ("endpoint", "caller"),
    [pytest.param(e, c, id=f"{e.label}-{c}") for e in ENDPOINTS for c in CALLERS],
)
def test_who_gets_in(app: Flask, endpoint: Endpoint, caller: str) -> None:
    world = build_world()
    api = client_for(app, world, caller)
    before = snapshot()

    response = _call(app, world, endpoint, api, caller)

    expected = endpoint.expect[caller]
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected < 400:
        endpoint.verify(world, caller, response, app, api)
    else:
        assert_error_body(response, expected)
        assert snapshot() == before, "a refused call changed the database"


def test_every_caller_has_an_expectation() -> None:
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(CALLERS), endpoint.label


def test_every_api_endpoint_is_in_the_matrix(app: Flask) -> None:
    routed = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api")
        # flask-smorest's own documentation blueprint (the OpenAPI document)
        and not rule.endpoint.startswith("api-docs.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    in_matrix = {(e.method, e.rule) for e in ENDPOINTS}
    assert len(in_matrix) == len(ENDPOINTS), "an endpoint is listed twice"
    assert routed - in_matrix == set(), "endpoints without a role test"
    assert in_matrix - routed == set(), "role tests for endpoints that no longer exist"


# -- CSRF -----------------------------------------------------------------------------

CSRF_GUARDED = [e for e in ENDPOINTS if e.method in UNSAFE and e.expect["anonymous"] == 401]


def _bad_csrf_headers(variant: str, other_session_csrf: str) -> dict[str, str]:
    return {
        "missing": {},
        "empty": {CSRF_HEADER: ""},
        "wrong": {CSRF_HEADER: secrets.token_urlsafe(16)},
        # a real token, but of another session of the same person (another phone)
        "another session's": {CSRF_HEADER: other_session_csrf},
    }[variant]


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=e.label) for e in CSRF_GUARDED])
def test_cookie_session_needs_its_csrf_token(app: Flask, endpoint: Endpoint) -> None:
    """Each way of getting the token wrong, one after the other on one world (a refused
    request changes nothing), then the right token."""
    world = build_world()
    who = endpoint.csrf_caller
    assert endpoint.expect[who] < 300, f"the {who} is let in"
    api = client_for(app, world, who)
    other_phone = client_for(app, world, who)
    assert other_phone.csrf_token != api.csrf_token

    for variant in ("missing", "empty", "wrong", "another session's"):
        before = snapshot()
        body = endpoint.body(world, who) if endpoint.body is not None else None
        db.session.rollback()
        with app.app_context():
            response = api.client.open(
                endpoint.url(world, who),
                method=endpoint.method,
                json=body,
                headers=_bad_csrf_headers(variant, other_phone.csrf_token or ""),
            )

        assert response.status_code == 403, (variant, response.get_data(as_text=True))
        assert_error_body(response, 403)
        assert CSRF_HEADER in response.json["message"], variant
        assert snapshot() == before, f"a request with the {variant} token changed the database"
        # the session is still there and still works
        assert send(app, api, "GET", "/api/me").status_code == 200, variant

    # and with the session's own token the very same request goes through
    before = snapshot()
    retried = _call(app, world, endpoint, api, who)
    assert retried.status_code == endpoint.expect[who], retried.get_data(as_text=True)
    assert snapshot() != before


def test_csrf_matrix_covers_every_state_changing_signed_in_endpoint() -> None:
    labels = {e.label for e in CSRF_GUARDED}
    assert labels == {
        "POST /api/auth/logout",
        "PATCH /api/me",
        "DELETE /api/me",
        "PUT /api/me/credentials",
        "DELETE /api/me/devices",
        "DELETE /api/me/devices/<int:device_id>",
        "POST /api/me/passkeys/options",
        "POST /api/me/passkeys",
        "PATCH /api/me/passkeys/<int:passkey_id>",
        "DELETE /api/me/passkeys/<int:passkey_id>",
        "POST /api/me/sign-in-links",
        "POST /api/teams/<int:team_id>/invites",
        "DELETE /api/invites/<ref>",
        "PATCH /api/workplace",
        "PUT /api/workplace/plan",
        "POST /api/teams",
        "PATCH /api/teams/<int:team_id>",
        "DELETE /api/people/<int:person_id>",
        "PUT /api/me/swaps/<exercise>",
        "DELETE /api/me/swaps/<exercise>",
        "POST /api/me/sets",
        "PATCH /api/me/sets/<uuid:set_id>",
        "DELETE /api/me/sets/<uuid:set_id>",
        "POST /api/me/cardio",
        "DELETE /api/me/cardio/<uuid:cardio_id>",
        "POST /api/me/checkins",
        "POST /api/me/overrides",
        "POST /api/push/subscriptions",
        "DELETE /api/push/subscriptions",
        "PUT /api/me/reminders",
        "POST /api/me/reminders/snooze",
        "POST /api/me/reminders/test",
        "POST /api/teams/<int:team_id>/sessions",
        "POST /api/sessions/<uuid:session_id>/join",
        "POST /api/sessions/<uuid:session_id>/leave",
        "POST /api/sessions/<uuid:session_id>/control",
        "POST /api/teams/<int:team_id>/high-fives",
        "POST /api/teams/<int:team_id>/polls",
        "PUT /api/polls/<int:poll_id>/vote",
        "DELETE /api/polls/<int:poll_id>/vote",
        "POST /api/polls/<int:poll_id>/close",
        "POST /api/polls/<int:poll_id>/decide",
    }
