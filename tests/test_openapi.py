"""The OpenAPI document: valid, complete, honest about security and errors; and a fuzz
of every operation against it.

The fuzz runs schemathesis in-process, one pytest test per operation and caller (so each
starts from a fresh database): signed in as an admin, a lead and a member, and
anonymously. Every example gets a session of its own, so a fuzzed logout or
credentials change cannot spoil the examples after it. Path parameters are either
generated or, for part of the examples, the real ids and tokens of the test's world, so
the fuzz reaches the success paths too. Besides the responses matching the document,
it checks that the document tells the truth both ways: every request it allows is
accepted (or refused only for who asks, a missing id, stored state, a limit, or a rule
the operation's description states: DOCUMENTED_422), and every request it forbids is
refused.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_openapi
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import ChecksConfig, PositiveDataAcceptanceConfig

from coach.accounts.auth import COOKIE, CSRF_HEADER, hash_token, new_token
from coach.accounts.models import DeviceSession, Passkey, Person, SignInLink
from coach.catalogue.service import current_catalogue
from coach.coaching.journal import local_date
from coach.coaching.models import CardioSession, CheckIn, WorkoutSet
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.instruction.models import InstructionPlan, InstructorWeek
from coach.live.models import LiveSession
from coach.reminders.models import PushSubscription
from coach.teams.models import Team, Workplace
from coach.teams.participation import workplace_today
from tests.factories import (
    AUTH,
    P256DH,
    PASSWORD,
    make_invite,
    make_person,
    make_team,
    make_tied_poll,
    make_workplace,
    signed_in_client,
)
from tests.reuse import Reused

OPENAPI_PATH = "/api/openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
UNSAFE = {"post", "put", "patch", "delete"}

# Every operation the API has. The document must list exactly these; the fuzz below is
# parametrized from this table, so a new endpoint fails the suite until it is added
# here, and is fuzzed from then on.
OPERATIONS: dict[str, set[str]] = {
    "/api/health": {"get"},
    "/api/auth/login": {"post"},
    "/api/auth/logout": {"post"},
    "/api/auth/sign-in-links/{token}": {"post"},
    "/api/me": {"get", "patch", "delete"},
    "/api/me/history": {"get"},
    "/api/me/progress": {"get"},
    "/api/me/today": {"get"},
    "/api/me/export.csv": {"get"},
    "/api/me/credentials": {"put"},
    "/api/me/sign-in-links": {"post"},
    "/api/me/devices": {"get", "delete"},
    "/api/auth/passkeys/options": {"post"},
    "/api/auth/passkeys/sign-in": {"post"},
    "/api/me/passkeys/options": {"post"},
    "/api/me/passkeys": {"get", "post"},
    "/api/me/passkeys/{passkey_id}": {"patch", "delete"},
    "/api/me/devices/{device_id}": {"delete"},
    "/api/teams/{team_id}/invites": {"get", "post"},
    "/api/invites/{ref}": {"get", "delete"},
    "/api/invites/{ref}/accept": {"post"},
    "/api/workplace": {"get", "patch"},
    "/api/teams": {"get", "post"},
    "/api/teams/{team_id}": {"get", "patch"},
    "/api/people": {"get"},
    "/api/people/{person_id}": {"delete"},
    "/api/exercises": {"get"},
    "/api/exercises/{slug}": {"get"},
    "/api/programs": {"get"},
    "/api/programs/{slug}": {"get"},
    "/api/me/swaps": {"get"},
    "/api/me/swaps/{exercise}": {"put", "delete"},
    "/api/me/sets": {"post"},
    "/api/me/sets/{set_id}": {"patch", "delete"},
    "/api/me/cardio": {"post"},
    "/api/me/cardio/{cardio_id}": {"delete"},
    "/api/me/checkins": {"get", "post"},
    "/api/me/overrides": {"post"},
    "/api/teams/{team_id}/participation": {"get"},
    "/api/teams/{team_id}/plan": {"get"},
    "/api/workplace/participation": {"get"},
    "/api/workplace/plan": {"get", "put"},
    "/api/workplace/report.csv": {"get"},
    "/api/push/public-key": {"get"},
    "/api/push/subscriptions": {"get", "post", "delete"},
    "/api/me/reminders": {"get", "put"},
    "/api/me/reminders/snooze": {"post"},
    "/api/me/reminders/test": {"post"},
    "/api/time": {"get"},
    "/api/teams/{team_id}/sessions": {"get", "post"},
    "/api/sessions/{session_id}": {"get"},
    "/api/sessions/{session_id}/events": {"get"},
    "/api/sessions/{session_id}/join": {"post"},
    "/api/sessions/{session_id}/leave": {"post"},
    "/api/sessions/{session_id}/control": {"post"},
    "/api/teams/{team_id}/today": {"get"},
    "/api/teams/{team_id}/high-fives": {"post"},
    "/api/me/high-fives": {"get"},
    "/api/teams/{team_id}/polls": {"get", "post"},
    "/api/teams/{team_id}/polls/suggestions": {"get"},
    "/api/teams/{team_id}/program": {"get"},
    "/api/polls/{poll_id}/vote": {"put", "delete"},
    "/api/polls/{poll_id}/close": {"post"},
    "/api/polls/{poll_id}/decide": {"post"},
}
PUBLIC = {
    ("get", "/api/health"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/sign-in-links/{token}"),
    ("post", "/api/auth/passkeys/options"),
    ("post", "/api/auth/passkeys/sign-in"),
    ("get", "/api/invites/{ref}"),
    ("post", "/api/invites/{ref}/accept"),
    ("get", "/api/exercises"),
    ("get", "/api/exercises/{slug}"),
    ("get", "/api/programs"),
    ("get", "/api/programs/{slug}"),
    ("get", "/api/push/public-key"),
    ("get", "/api/time"),
}
# Taking part in a team's session and leading it are for its members and its host,
# and high-fives for its members: an admin (the fuzz's caller) is refused by design,
# so only the refusals are fuzzed.
NOT_FOR_ADMINS = {
    ("post", "/api/sessions/{session_id}/join"),
    ("post", "/api/sessions/{session_id}/leave"),
    ("post", "/api/sessions/{session_id}/control"),
    ("post", "/api/teams/{team_id}/high-fives"),
    # Votes are the team's members' (the fuzz's admin is none).
    ("put", "/api/polls/{poll_id}/vote"),
    ("delete", "/api/polls/{poll_id}/vote"),
}
# Operations whose success a fuzzer cannot reach (see the end of test_fuzz).
NEVER_GUESSED = {
    ("post", "/api/auth/login"),
    ("post", "/api/auth/passkeys/sign-in"),
    ("post", "/api/me/passkeys"),
}
ALL_OPERATIONS = sorted((m, p) for p, methods in OPERATIONS.items() for m in methods)


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get(OPENAPI_PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.json
    assert isinstance(body, dict)
    return body


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        assert node["$ref"].startswith("#/"), node
        for part in node["$ref"][2:].split("/"):
            document = document[part]
        node = document
    return node


# -- the document ---------------------------------------------------------------------


def test_document_is_valid_openapi_3(app: Flask, document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    validate_openapi(document)  # openapi-spec-validator: structure, $refs, parameters
    schema = schemathesis.openapi.from_wsgi(OPENAPI_PATH, app)
    schema.validate()  # against the official OpenAPI 3 JSON Schema
    loaded = [result.ok() for result in schema.get_all_operations()]
    assert len(loaded) == len(ALL_OPERATIONS)


def test_document_lists_every_endpoint_with_its_methods(
    app: Flask, document: dict[str, Any]
) -> None:
    documented = {
        path: {m for m in item if m in HTTP_METHODS} for path, item in document["paths"].items()
    }
    assert documented == OPERATIONS
    # and nothing routed under /api is left out of the document
    routed = {
        (method.lower(), re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api") and not rule.endpoint.startswith("api-docs.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert routed == set(ALL_OPERATIONS)


def test_security_is_documented(document: dict[str, Any]) -> None:
    assert "security" not in document, "no global requirement: each operation states its own"
    assert document["components"]["securitySchemes"] == {
        "session": {"type": "apiKey", "in": "cookie", "name": COOKIE},
        "csrf": {"type": "apiKey", "in": "header", "name": CSRF_HEADER},
    }
    for method, path, operation in operations(document):
        label = f"{method.upper()} {path}"
        if (method, path) in PUBLIC:
            assert "security" not in operation, label
        elif method in UNSAFE:
            # one requirement naming both: the cookie AND the header
            assert operation.get("security") == [{"session": [], "csrf": []}], label
        else:
            assert operation.get("security") == [{"session": []}], label


def test_every_operation_documents_the_error_format(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]
    assert {"code", "status", "message", "errors"} <= set(error["properties"])
    for method, path, operation in operations(document):
        label = f"{method.upper()} {path}"
        responses = operation["responses"]
        assert "default" in responses, label
        for status, response in responses.items():
            content = resolve(document, response).get("content")
            # the default must describe the body; an explicit 4xx may leave it to it
            if status == "default" or (status.startswith("4") and content):
                assert content is not None, f"{label} {status}"
                assert content["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, f"{label} {status}"


# -- the fuzz -------------------------------------------------------------------------


@dataclass
class FuzzWorld:
    workplace_id: int
    team_id: int
    invite_id: int
    invite_token: str
    sign_in_token: str
    login: dict[str, str]  # a correct email and password
    swap: tuple[str, str]  # an exercise and an alternative it may be swapped for
    program: str
    set_id: str  # a logged set and cardio session: see hand_logs_to_caller
    cardio_id: str
    session_id: str  # an ended live session of the team (its stream ends at once)
    poll_id: int  # a poll of the team that closed on a tie: closing and deciding succeed

    def real(self, method: str, path: str) -> dict[str, Any]:
        """The world's real value for each of the operation's path parameters."""
        values: dict[str, Any] = {
            "/api/auth/sign-in-links/{token}": {"token": self.sign_in_token},
            "/api/teams/{team_id}/invites": {"team_id": self.team_id},
            "/api/teams/{team_id}": {"team_id": self.team_id},
            "/api/teams/{team_id}/participation": {"team_id": self.team_id},
            "/api/teams/{team_id}/plan": {"team_id": self.team_id},
            "/api/invites/{ref}/accept": {"ref": self.invite_token},
            # DELETE takes the invite's id, GET its token
            "/api/invites/{ref}": {
                "ref": str(self.invite_id) if method == "delete" else self.invite_token
            },
            "/api/exercises/{slug}": {"slug": self.swap[0]},
            "/api/programs/{slug}": {"slug": self.program},
            "/api/me/swaps/{exercise}": {"exercise": self.swap[0]},
            "/api/me/sets/{set_id}": {"set_id": self.set_id},
            "/api/me/cardio/{cardio_id}": {"cardio_id": self.cardio_id},
            "/api/me/devices/{device_id}": {"device_id": OTHER_DEVICE_ID},
            "/api/me/passkeys/{passkey_id}": {"passkey_id": OTHER_DEVICE_ID},
            "/api/people/{person_id}": {"person_id": OTHER_DEVICE_ID},
            "/api/teams/{team_id}/sessions": {"team_id": self.team_id},
            "/api/teams/{team_id}/today": {"team_id": self.team_id},
            "/api/teams/{team_id}/high-fives": {"team_id": self.team_id},
            "/api/teams/{team_id}/polls": {"team_id": self.team_id},
            "/api/teams/{team_id}/polls/suggestions": {"team_id": self.team_id},
            "/api/teams/{team_id}/program": {"team_id": self.team_id},
            **{
                f"/api/polls/{{poll_id}}/{tail}": {"poll_id": self.poll_id}
                for tail in ("vote", "close", "decide")
            },
            **{
                f"/api/sessions/{{session_id}}{tail}": {"session_id": self.session_id}
                for tail in ("", "/events", "/join", "/leave", "/control")
            },
        }
        params = values.get(path, {})
        assert set(params) == set(re.findall(r"{([^}]+)}", path)), f"real values for {path}?"
        return params

    def body(self, method: str, path: str) -> dict[str, Any] | None:
        """A body that succeeds, for operations whose valid bodies are hard to guess."""
        return {
            ("post", "/api/auth/login"): self.login,
            ("put", "/api/me/swaps/{exercise}"): {"replacement": self.swap[1]},
            ("post", "/api/invites/{ref}/accept"): {"display_name": "Fuzzy Newcomer"},
            # with an "id", case_strategy makes a fresh id and time for every example
            ("post", "/api/me/sets"): {
                "id": str(uuid.uuid4()),
                "exercise": "lateral-raise",
                "performed_at": utcnow().isoformat(),
                "reps": 12,
                "band_level": "green",
                "pain": 2,
            },
            ("patch", "/api/me/sets/{set_id}"): {"reps": 14, "reps_in_reserve": 1},
            ("patch", "/api/me/passkeys/{passkey_id}"): {"name": "Renamed"},
            ("post", "/api/me/cardio"): {
                "id": str(uuid.uuid4()),
                "performed_at": utcnow().isoformat(),
                "activity": "cycling",
                "minutes": 20,
                "effort": 5,
            },
            ("post", "/api/me/checkins"): {"pain": {"neck": 2, "lower-back": 6}, "soreness": True},
            ("post", "/api/me/overrides"): {"exercise": "lateral-raise", "band_level": "green"},
            ("put", "/api/workplace/plan"): {
                "starts_on": "2027-01-04",
                "ends_on": "2027-12-31",
                "instructor_weeks": ["2027-01-04", "2027-03-01"],
                "key_persons": [],
            },
            ("post", "/api/push/subscriptions"): {
                "endpoint": "https://fcm.googleapis.com/fcm/send/fuzz",
                "keys": {"p256dh": P256DH, "auth": AUTH},
            },
            ("put", "/api/me/reminders"): {"enabled": True, "time": "10:55", "days": ["fri"]},
            # a program's start date is a rule of the day; cardio days are given whole
            ("patch", "/api/teams/{team_id}"): {
                "reminder_time": "11:25",
                "cardio": {"weekdays": ["fri"], "activity": "walking", "minutes": 20, "effort": 3},
            },
            # a lead may not invite admins (403): random roles found no success in 8 tries
            ("post", "/api/teams/{team_id}/invites"): {"role": "member", "max_uses": 5},
            ("post", "/api/sessions/{session_id}/control"): {"action": "next", "version": 1},
            ("post", "/api/teams/{team_id}/high-fives"): {"to": None},
            ("post", "/api/teams/{team_id}/polls"): {
                "kind": "time",
                "closes_at": (utcnow() + timedelta(hours=1)).isoformat(),
                "options": [{"time": "11:25", "days": [1, 2, 3]}, {"time": "13:00", "days": [4]}],
            },
            ("post", "/api/polls/{poll_id}/decide"): {"option": 1},
            ("put", "/api/polls/{poll_id}/vote"): {"option": 0},
        }.get((method, path))


FUZZ_ENDPOINT = "https://127.0.0.1:1/push/fuzz"  # never delivered to: nothing listens


# The id of another device of the caller's, made for each example: see hand_device_to_caller.
OTHER_DEVICE_ID = 10**6


def hand_device_to_caller(cookie: str) -> None:
    """(Re)make device session OTHER_DEVICE_ID as another device of the caller's."""
    person_id = db.session.scalar(
        sa.select(DeviceSession.person_id).where(DeviceSession.token_hash == hash_token(cookie))
    )
    db.session.execute(sa.delete(DeviceSession).where(DeviceSession.id == OTHER_DEVICE_ID))
    _, token_hash = new_token()
    now = utcnow()
    db.session.add(
        DeviceSession(
            id=OTHER_DEVICE_ID,
            person_id=person_id,
            token_hash=token_hash,
            csrf_token="another device",
            expires_at=now + timedelta(days=1),
        )
    )
    db.session.commit()


def hand_passkey_to_caller(cookie: str) -> None:
    """(Re)make passkey OTHER_DEVICE_ID as one of the caller's."""
    person_id = db.session.scalar(
        sa.select(DeviceSession.person_id).where(DeviceSession.token_hash == hash_token(cookie))
    )
    db.session.execute(sa.delete(Passkey).where(Passkey.id == OTHER_DEVICE_ID))
    db.session.add(
        Passkey(
            id=OTHER_DEVICE_ID,
            person_id=person_id,
            credential_id=new_token()[0],
            public_key=b"\x01",
            name="Fuzzed",
        )
    )
    db.session.commit()


def hand_leaver_to_workplace(workplace_id: int) -> None:
    """(Re)make person OTHER_DEVICE_ID as a member of the workplace, for an admin to remove."""
    db.session.execute(sa.delete(Person).where(Person.id == OTHER_DEVICE_ID))
    db.session.add(Person(id=OTHER_DEVICE_ID, workplace_id=workplace_id, display_name="Leaving"))
    db.session.commit()


def hand_subscription_to_caller(cookie: str) -> None:
    """(Re)make the one subscription the fuzz asks about and deletes, as the caller's own."""
    person = db.session.scalars(
        sa.select(Person)
        .join(DeviceSession, DeviceSession.person_id == Person.id)
        .where(DeviceSession.token_hash == hash_token(cookie))
    ).one()
    db.session.execute(
        sa.delete(PushSubscription).where(PushSubscription.endpoint == FUZZ_ENDPOINT)
    )
    db.session.add(
        PushSubscription(person_id=person.id, endpoint=FUZZ_ENDPOINT, p256dh=P256DH, auth=AUTH)
    )
    db.session.commit()


def an_allowed_swap() -> tuple[str, str]:
    catalogue = current_catalogue()
    for slug, exercise in sorted(catalogue.exercises.items()):
        for alternative in exercise.alternatives:
            if catalogue.swap_problem(slug, alternative) is None:
                return slug, alternative
    raise AssertionError("the catalogue has no exercise that can be swapped")


def _make_fuzz_world() -> FuzzWorld:
    workplace = make_workplace(name="Fuzz Works")
    team = make_team(workplace, name="Fuzz Team")
    make_team(workplace, name="Other Team")
    make_person(Role.MEMBER, team=team)
    credentialed = make_person(Role.LEAD, team=team, with_password=True)
    invite, invite_token = make_invite(team, max_uses=500)
    db.session.add(
        InstructionPlan(
            workplace_id=workplace.id,
            starts_on=date(2027, 1, 4),
            ends_on=date(2027, 6, 30),
            weeks=[InstructorWeek(week_start=date(2027, 1, 4))],
        )
    )
    sign_in_token, token_hash = new_token()
    db.session.add(
        SignInLink(
            person_id=credentialed.id,
            token_hash=token_hash,
            expires_at=utcnow() + timedelta(minutes=15),
        )
    )
    ended = LiveSession(
        id=uuid.uuid4(),
        team_id=team.id,
        status="ended",
        exercises=[{"slug": "lateral-raise", "work_seconds": None}],
        local_date=date(2027, 1, 4),
        started_at=utcnow(),
        ended_at=utcnow(),
    )
    db.session.add(ended)
    tied = make_tied_poll(team)
    db.session.commit()
    world = FuzzWorld(
        workplace_id=workplace.id,
        team_id=team.id,
        invite_id=invite.id,
        invite_token=invite_token,
        sign_in_token=sign_in_token,
        login={"email": credentialed.email or "", "password": PASSWORD},
        swap=an_allowed_swap(),
        program=sorted(current_catalogue().programs)[0],
        set_id=str(uuid.uuid4()),
        cardio_id=str(uuid.uuid4()),
        session_id=str(ended.id),
        poll_id=tied.id,
    )
    db.session.rollback()
    return world


def _fuzz_world_day(world: FuzzWorld) -> date:
    db.session.rollback()  # the rows were just written on another connection
    return workplace_today(db.session.get_one(Workplace, world.workplace_id))


# Built once a minute and copied back for each of the 800-odd tests that fuzz it
# (tests/reuse.py); the login's dict is the test's own.
build_fuzz_world = Reused(
    _make_fuzz_world,
    day=_fuzz_world_day,
    fresh=lambda world: replace(world, login=dict(world.login)),
)


def hand_logs_to_caller(world: FuzzWorld, cookie: str) -> None:
    """(Re)make the world's logged set and cardio session as the signed-in caller's own
    (every example signs in someone new, and may have deleted them), so that
    correcting and deleting them can succeed."""
    person = db.session.scalars(
        sa.select(Person)
        .join(DeviceSession, DeviceSession.person_id == Person.id)
        .where(DeviceSession.token_hash == hash_token(cookie))
    ).one()
    set_id, cardio_id = uuid.UUID(world.set_id), uuid.UUID(world.cardio_id)
    db.session.execute(sa.delete(WorkoutSet).where(WorkoutSet.id == set_id))
    db.session.execute(sa.delete(CardioSession).where(CardioSession.id == cardio_id))
    now = utcnow()
    db.session.add_all(
        [
            WorkoutSet(
                id=set_id,
                person_id=person.id,
                exercise="lateral-raise",
                performed_at=now,
                local_date=local_date(person, now),
                reps=12,
                band_level="green",
            ),
            CardioSession(
                id=cardio_id,
                person_id=person.id,
                performed_at=now,
                local_date=local_date(person, now),
                activity="rowing",
                minutes=10,
                effort=3,
            ),
        ]
    )
    db.session.commit()


def hand_check_in_to_caller(cookie: str) -> None:
    """A check-in today for the signed-in caller, so that reading it can succeed."""
    person = db.session.scalars(
        sa.select(Person)
        .join(DeviceSession, DeviceSession.person_id == Person.id)
        .where(DeviceSession.token_hash == hash_token(cookie))
    ).one()
    db.session.add(CheckIn(person_id=person.id, day=local_date(person, utcnow()), pain_neck=3))
    db.session.commit()


def new_session(app: Flask, world: FuzzWorld, role: str) -> tuple[str, str]:
    """A new person in ``role`` (an admin of the workplace, or a member or lead of the
    world's team), without a password (so setting credentials can succeed), signed in
    on a new device: the cookie token and the CSRF token."""
    if role == "admin":
        workplace = db.session.get_one(Workplace, world.workplace_id)
        someone = make_person(Role.ADMIN, workplace=workplace, with_password=False)
    else:
        team = db.session.get_one(Team, world.team_id)
        someone = make_person(Role(role), team=team, with_password=False)
    api = signed_in_client(app, someone)
    cookie = api.client.get_cookie(COOKIE, domain="localhost")
    assert cookie is not None and api.csrf_token
    db.session.rollback()
    return cookie.value, api.csrf_token


def new_admin_session(app: Flask, world: FuzzWorld) -> tuple[str, str]:
    return new_session(app, world, "admin")


def error_format(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every error is the API's one error format, whatever the schema lets through."""
    if response.status_code < 400:
        return
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("code") == response.status_code, body
    assert isinstance(body.get("status"), str) and body["status"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    # A conflict over a live session also names it: its id, or where it is now.
    assert set(body) <= {"code", "status", "message", "errors", "id", "session"}, body


def is_negative(case: schemathesis.Case) -> bool:
    """Generated to break the schema (a wrong type, a missing header, ...)."""
    return case.meta is not None and case.meta.generation.mode.is_negative


# Schema-valid requests the server may still refuse with 422, because the rule is one
# JSON Schema cannot state: each is written in the operation's description, and the 422
# must name only these fields (see documented_refusal).
# "" stands for a refusal of the whole body, without a field.
SET_RULES = {"performed_at", "band_level", "load_kg", "reps", "hold_seconds"}
DOCUMENTED_422: dict[tuple[str, str], set[str]] = {
    # the exercise's load unit and kind, the workplace's band set, the person's joining
    ("post", "/api/me/sets"): SET_RULES | {"session_id"},
    ("patch", "/api/me/sets/{set_id}"): SET_RULES,
    ("post", "/api/me/cardio"): {"performed_at"},
    ("post", "/api/me/checkins"): {"day"},
    ("post", "/api/me/overrides"): {"exercise", "band_level", "load_kg"},
    ("put", "/api/me/swaps/{exercise}"): {"replacement"},  # the path's alternatives
    # a WebAuthn answer checked cryptographically
    ("post", "/api/auth/passkeys/sign-in"): {""},
    ("post", "/api/me/passkeys"): {""},
    # the push services allowed, a point on the curve
    ("post", "/api/push/subscriptions"): {"endpoint", "keys"},
    # the day of the request
    ("post", "/api/teams"): {"program_started_on"},
    ("patch", "/api/teams/{team_id}"): {"program_started_on"},
    # the server's time zone database
    ("patch", "/api/me"): {"time_zone"},
    ("patch", "/api/workplace"): {"time_zone"},
    ("put", "/api/me/reminders"): {"time_zone"},
    # the state of a live session, whom it may be handed to; who is named today
    ("post", "/api/sessions/{session_id}/join"): {""},
    ("post", "/api/sessions/{session_id}/control"): {"", "to"},
    ("post", "/api/teams/{team_id}/high-fives"): {"to"},
    # a tie to decide exists only once a poll closed on one; a poll closes ahead of time
    ("post", "/api/polls/{poll_id}/decide"): {"option"},
    ("post", "/api/teams/{team_id}/polls"): {"closes_at"},
    # the plan's limits across its fields (its description lists them)
    ("put", "/api/workplace/plan"): {"ends_on", "instructor_weeks", "key_persons"},
}
# Schema-valid requests a caller of an allowed role may be refused (403) by rule.
DOCUMENTED_403: dict[tuple[str, str], set[str]] = {
    # a lead invites members and leads; only admins invite admins
    ("post", "/api/teams/{team_id}/invites"): {"lead"},
    # only the session's host moves it on: the fuzz's new callers never are
    ("post", "/api/sessions/{session_id}/control"): {"lead", "member"},
}


def documented_refusal(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """A 422 to a schema-valid request names only fields whose rule is documented."""
    if response.status_code != 422 or is_negative(case):
        return
    op = (case.operation.method.lower(), case.operation.path)
    named: set[str] = set()
    for fields in (response.json().get("errors") or {}).values():
        named |= set(fields)
    assert (named or {""}) <= DOCUMENTED_422.get(op, set()), (named, response.text)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    positive_data_acceptance,
    negative_data_rejection,
    error_format,
    documented_refusal,
]
# What schemathesis accepts for a schema-valid request: success, or who asks (401, 403),
# a real id (404), the state of stored data (409) and a limit (429); and 422 where the
# operation documents a rule JSON Schema cannot state. Never 400: everything the server
# refuses as malformed, the document must forbid.
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]


def checks_config(method: str, path: str) -> ChecksConfig:
    documented = ["422"] if (method, path) in DOCUMENTED_422 else []
    return ChecksConfig(
        positive_data_acceptance=PositiveDataAcceptanceConfig(
            expected_statuses=ACCEPTED + documented
        ),
    )


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# Examples per operation and caller: the admin reaches nearly everything, member and
# lead repeat most of it with their own refusals, and a stranger only meets 401.
FUZZ_SETTINGS = {
    "admin": _settings(16),
    "lead": _settings(8),
    "member": _settings(8),
    "anonymous": _settings(5),
}


def case_strategy(
    operation: schemathesis.APIOperation, world: FuzzWorld, method: str, path: str
) -> st.SearchStrategy[schemathesis.Case]:
    """Generated cases, valid and (where there is something to get wrong) invalid,
    and valid ones aimed at the world's real team, invite and sign-in link."""
    raw = operation.definition.raw
    real = world.real(method, path)
    body = world.body(method, path)
    strategies = [operation.as_strategy()]
    if real or "requestBody" in raw or "parameters" in raw:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    if real:
        strategies.append(operation.as_strategy(path_parameters=real))
    if method in ("get", "delete") and path == "/api/push/subscriptions":
        strategies.append(operation.as_strategy(query={"endpoint": FUZZ_ENDPOINT}))
    if body is not None and "id" in body:
        # a new row every time: an id the phone has just made (uuid4, as phones do;
        # hypothesis's own uuids repeat), and a time just now
        strategies.append(
            st.builds(uuid.uuid4).flatmap(
                lambda new_id: operation.as_strategy(
                    path_parameters=real or None,
                    body={**body, "id": str(new_id), "performed_at": utcnow().isoformat()},
                )
            )
        )
    elif body is not None:
        strategies.append(operation.as_strategy(path_parameters=real or None, body=body))
    if body is not None:
        # weighted, so that few examples still reach the success path
        strategies += strategies[-1:] * 2
    return st.one_of(strategies)


def prepare_caller(
    app: Flask, world: FuzzWorld, caller: str, method: str, path: str
) -> dict[str, Any]:
    """A new signed-in caller for one example, owning what the operation acts on."""
    if caller == "anonymous":
        return {}
    cookie, csrf = new_session(app, world, caller)
    if "{device_id}" in path:
        hand_device_to_caller(cookie)
    if "{passkey_id}" in path:
        hand_passkey_to_caller(cookie)
    if "{person_id}" in path:
        hand_leaver_to_workplace(world.workplace_id)
    if "{set_id}" in path or "{cardio_id}" in path:
        hand_logs_to_caller(world, cookie)
    if path == "/api/push/subscriptions":
        hand_subscription_to_caller(cookie)
    if (method, path) == ("get", "/api/me/checkins"):
        hand_check_in_to_caller(cookie)
    return {"headers": {CSRF_HEADER: csrf}, "cookies": {COOKIE: cookie}}


def sign_in_case(case: schemathesis.Case, credentials: dict[str, Any]) -> None:
    """Put the caller's real session cookie and CSRF token where the case has them. The
    document names both as required parameters, so a case without one of them was
    made to leave it out (and must be refused): it stays left out."""
    cookies, headers = dict(case.cookies or {}), dict(case.headers or {})
    if COOKIE in cookies:
        cookies[COOKIE] = credentials["cookies"][COOKIE] if credentials else cookies[COOKIE]
    if CSRF_HEADER in headers:
        headers[CSRF_HEADER] = credentials["headers"][CSRF_HEADER] if credentials else ""
    case.cookies, case.headers = cookies, headers


def check_who_gets_in(
    caller: str, allowed: bool, method: str, path: str, response: schemathesis.Response
) -> None:
    """A schema-valid request: 401 for a stranger, 403 for a role the operation is not
    for, and for a role it is for neither (unless a documented rule refuses it)."""
    status = response.status_code
    if caller == "anonymous":
        assert status == 401, response.text
    elif not allowed:
        assert status == 403, response.text
    elif caller == "admin" and (method, path) in NOT_FOR_ADMINS:
        assert status not in (200, 401), response.text
    elif caller in DOCUMENTED_403.get((method, path), set()):
        assert status != 401, response.text
    else:
        assert status not in (401, 403), response.text


@functools.cache
def fuzz_schema(app: Flask) -> schemathesis.BaseSchema:
    """The app's document as schemathesis loads it, once per app: loading it and resolving
    an operation's references took a fifth of a second or more per fuzz test. The
    schema keeps what it resolved; each test sets its own checks on it."""
    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, app)


@pytest.mark.parametrize("caller", ["admin", "lead", "member", "anonymous"])
@pytest.mark.parametrize(
    ("method", "path"), [pytest.param(m, p, id=f"{m.upper()} {p}") for m, p in ALL_OPERATIONS]
)
def test_fuzz(app: Flask, method: str, path: str, caller: str) -> None:
    world = build_fuzz_world()
    schema = fuzz_schema(app)
    schema.config.checks = checks_config(method, path)
    operation = schema.find_operation_by_path(method, path)
    assert operation is not None, f"{method.upper()} {path} is not in the document"
    secured = (method, path) not in PUBLIC
    allowed = not secured or caller in operation.definition.raw.get("x-roles", [])
    statuses: Counter[int] = Counter()

    @FUZZ_SETTINGS[caller]
    @given(case=case_strategy(operation, world, method, path))
    def fuzz(case: schemathesis.Case) -> None:
        if secured:
            sign_in_case(case, prepare_caller(app, world, caller, method, path))
        # A fresh app context per call, as in production: the `app` fixture's context
        # would otherwise carry `g` (the caller) and the database session over.
        with app.app_context():
            response = case.call()
        db.session.rollback()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=case.headers)
        if secured and not is_negative(case):
            check_who_gets_in(caller, allowed, method, path, response)

    fuzz()
    # The fuzz must have got through to the operation itself, not only to its errors.
    # Not checked for login: after ten failures it answers 429 (fuzzed too); its
    # success is checked in test_roles.
    # Nor for the passkey ceremonies: an answer must be signed by an authenticator for a
    # fresh challenge (tests/accounts/test_passkeys.py and test_roles make real ones).
    # Nor for taking part in a team's session: the world's is over (test_roles and
    # tests/live take part in open ones).
    refused_by_design = (method, path) in NEVER_GUESSED | NOT_FOR_ADMINS
    if allowed and (caller != "anonymous" or not secured) and not refused_by_design:
        assert any(200 <= s < 300 for s in statuses), f"the fuzz never succeeded: {statuses}"


# Path values a fuzzer draws rarely: beyond any id column, digits that are not ASCII
# ("²".isdigit() is true), more digits than int() takes (4300), nothing like a slug.
EDGE_PATH_VALUES: dict[str, list[Any]] = {
    "team_id": [0, 2**31, 2**63, 10**30],
    "ref": ["0", "²", "\u0661", "9" * 30, "9" * 5000, "-1", " 1", "%"],  # U+0661: Arabic 1
    "token": ["²", "9" * 5000, "%"],
    "slug": ["²", "X" * 5000, "..", "%"],
    "exercise": ["²", "X" * 5000, "..", "%"],
    # UUIDs: none stored, the nil and the max one, upper case, without dashes, none at all
    "set_id": [
        str(uuid.UUID(int=0)),
        str(uuid.UUID(int=2**128 - 1)).upper(),
        "6F1C2D3E-9A4B-4C5D-8E6F-7A8B9C0D1E2F",
        "0" * 32,
        "0",
        "²",
        "X" * 5000,
        "%",
    ],
    "device_id": [0, 2**31, 2**63, 10**30],
    "passkey_id": [0, 2**31, 2**63, 10**30],
    "person_id": [0, 2**31, 2**63, 10**30],
    "cardio_id": [str(uuid.UUID(int=0)), "6f1c2d3e-9a4b-4c5d-8e6f-7a8b9c0d1e2f", "0", "²", "%"],
    "session_id": [str(uuid.UUID(int=0)), "0" * 32, "0", "²", "%"],
    "poll_id": [0, 2**31, 2**63, 10**30],
}
WITH_PATH_PARAMETERS = [(m, p) for m, p in ALL_OPERATIONS if "{" in p]


@pytest.mark.parametrize(
    ("method", "path"), [pytest.param(m, p, id=f"{m.upper()} {p}") for m, p in WITH_PATH_PARAMETERS]
)
def test_edge_path_values_are_not_found(app: Flask, method: str, path: str) -> None:
    world = build_fuzz_world()
    operation = schemathesis.openapi.from_wsgi(OPENAPI_PATH, app).find_operation_by_path(
        method, path
    )
    assert operation is not None
    body = world.body(method, path)
    if body is None and "requestBody" in operation.definition.raw:
        body = {}  # every optional field left out: valid
    for name in re.findall(r"{([^}]+)}", path):
        for value in EDGE_PATH_VALUES[name]:
            params = {**world.real(method, path), name: value}
            case = operation.Case(
                path_parameters=params,
                **({"body": body, "media_type": "application/json"} if body is not None else {}),
            )
            cookie, csrf = new_admin_session(app, world)
            headers = {CSRF_HEADER: csrf}
            with app.app_context():
                response = case.call(headers=headers, cookies={COOKIE: cookie})
            db.session.rollback()
            case.validate_response(response, checks=CHECKS, headers=headers)
            assert response.status_code == 404, (str(value)[:20], response.text)
