"""Short ``make_*(**overrides)`` factories and a signed-in API client for tests."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from coach.accounts.auth import COOKIE, CSRF_HEADER, new_token
from coach.accounts.models import DeviceSession, Invite, Person
from coach.catalogue.service import current_catalogue
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls.models import Poll, PollOption
from coach.teams.models import Team, Workplace
from coach.teams.service import new_workplace

# A browser's push subscription keys: a P-256 point (65 bytes) and a 16-byte auth secret.
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"

PASSWORD = "correct horse battery"
# Hashing at full strength for every test person would dominate the suite's time.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_workplace(**overrides: Any) -> Workplace:
    workplace = new_workplace(overrides.pop("name", f"Workplace {secrets.token_hex(3)}"))
    for key, value in overrides.items():
        setattr(workplace, key, value)
    db.session.commit()
    return workplace


def make_team(workplace: Workplace | None = None, **overrides: Any) -> Team:
    team = Team(
        workplace=workplace or make_workplace(),
        name=overrides.pop("name", f"Team {secrets.token_hex(3)}"),
        **overrides,
    )
    db.session.add(team)
    db.session.commit()
    return team


def make_person(
    role: Role = Role.MEMBER,
    team: Team | None = None,
    workplace: Workplace | None = None,
    **overrides: Any,
) -> Person:
    if team is None and role is not Role.ADMIN:
        team = make_team(workplace)
    workplace = workplace or (team.workplace if team else make_workplace())
    if overrides.pop("with_password", role is Role.ADMIN):
        overrides.setdefault("email", f"{secrets.token_hex(4)}@example.org")
        overrides.setdefault("password_hash", _FAST_HASH)
    person = Person(
        workplace=workplace,
        team=team,
        role=role.value,
        display_name=overrides.pop("display_name", f"Person {secrets.token_hex(3)}"),
        **overrides,
    )
    db.session.add(person)
    db.session.commit()
    return person


def make_invite(team: Team, **overrides: Any) -> tuple[Invite, str]:
    token, token_hash = new_token()
    invite = Invite(
        workplace_id=team.workplace_id,
        team=team,
        role=overrides.pop("role", Role.MEMBER.value),
        token_hash=token_hash,
        expires_at=overrides.pop("expires_at", utcnow() + timedelta(days=7)),
        max_uses=overrides.pop("max_uses", 5),
        **overrides,
    )
    db.session.add(invite)
    db.session.commit()
    return invite, token


def make_tied_poll(team: Team, votes_each: int = 0) -> Poll:
    """A poll on the exercises of the team's weeks 5-8, closed on a tie: two options
    (the phase's exercises as written and in reverse) with ``votes_each`` votes each,
    so a lead must decide it. Added and flushed, not committed."""
    tied = Poll(
        team_id=team.id,
        kind="exercises",
        status="closed",
        closes_at=utcnow(),
        closed_at=utcnow(),
        program=team.program,
        first_week=5,
        last_week=8,
        voted=2 * votes_each,
        eligible=2,
    )
    db.session.add(tied)
    db.session.flush()
    phase = current_catalogue().programs[team.program].phase_for_week(5)
    written = [item.exercise for item in phase.items if item.exercise is not None]
    db.session.add_all(
        PollOption(poll_id=tied.id, index=i, value={"exercises": order}, votes=votes_each)
        for i, order in enumerate((written, written[::-1]))
    )
    db.session.flush()
    return tied


class ApiClient:
    """A test client that speaks JSON and sends the session's CSRF token."""

    def __init__(self, client: FlaskClient, csrf_token: str | None = None) -> None:
        self.client = client
        self.csrf_token = csrf_token

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.csrf_token and CSRF_HEADER not in headers:
            headers[CSRF_HEADER] = self.csrf_token
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> TestResponse:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> TestResponse:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> TestResponse:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> TestResponse:
        return self.request("DELETE", path, **kw)


def make_device_session(person: Person) -> tuple[str, str]:
    """A signed-in device for ``person``: the cookie's token and the CSRF token."""
    token, token_hash = new_token()
    csrf = secrets.token_urlsafe(16)
    now = utcnow()
    db.session.add(
        DeviceSession(
            person_id=person.id,
            token_hash=token_hash,
            csrf_token=csrf,
            renewed_at=now,
            expires_at=now + timedelta(days=30),
        )
    )
    db.session.commit()
    return token, csrf


def signed_in_client(app: Flask, person: Person) -> ApiClient:
    """A client signed in as ``person`` (a device session made directly)."""
    token, csrf = make_device_session(person)
    client = app.test_client()
    client.set_cookie(COOKIE, token, domain="localhost")
    return ApiClient(client, csrf)


def assert_error(response: TestResponse, code: int) -> dict[str, Any]:
    """The API's one error format, with this status and a message."""
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body  # type: ignore[no-any-return]


def session_cookie(response: TestResponse) -> str | None:
    """The response's Set-Cookie header for the session, if it sets one (at most one)."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert len(headers) <= 1, headers
    return headers[0] if headers else None


def cookie_value(header: str) -> str:
    return header.split(";", 1)[0].split("=", 1)[1]


def cookie_attributes(header: str) -> dict[str, str]:
    attributes = {}
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attributes[key.lower()] = value
    return attributes
