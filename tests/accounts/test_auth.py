"""Signing in and out: passwords, the session cookie, CSRF, sign-in links, credentials."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coach.accounts.auth import COOKIE, CSRF_HEADER, Caller, current_caller, current_person
from coach.accounts.models import DeviceSession, Person, SignInLink
from coach.accounts.throttle import rate_limits
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Workplace
from tests.factories import (
    PASSWORD,
    ApiClient,
    assert_error,
    cookie_attributes,
    cookie_value,
    make_device_session,
    make_person,
    make_team,
    make_workplace,
    session_cookie,
    signed_in_client,
)

DAY = 24 * 60 * 60


# -- helpers -------------------------------------------------------------------------


def count(model: type[Any], *where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def fresh(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def assert_cookie_cleared(response: TestResponse) -> None:
    header = session_cookie(response)
    assert header is not None
    assert cookie_value(header) == ""
    assert cookie_attributes(header)["max-age"] == "0"


def device_session_of(token: str) -> DeviceSession | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(DeviceSession).where(
            DeviceSession.token_hash == hashlib.sha256(token.encode()).hexdigest()
        )
    )


def login(client: FlaskClient, email: str, password: str, **kw: Any) -> TestResponse:
    return client.post("/api/auth/login", json={"email": email, "password": password}, **kw)


def with_cookie(app: Flask, token: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(COOKIE, token, domain="localhost")
    return client


def about(value: datetime, expected: datetime, slack: timedelta = timedelta(minutes=1)) -> bool:
    return abs(value - expected) <= slack


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    return make_workplace()


@pytest.fixture
def admin(workplace: Workplace) -> Person:
    return make_person(Role.ADMIN, workplace=workplace, email="ada@example.org")


# -- login ---------------------------------------------------------------------------


def test_login_with_the_right_password(app: Flask, admin: Person) -> None:
    client = app.test_client()
    response = login(client, "ada@example.org", PASSWORD)
    assert response.status_code == 200, response.json
    body = response.json
    assert body.keys() == {"person", "csrf_token"}
    assert body["person"]["id"] == admin.id
    assert body["person"]["email"] == "ada@example.org"
    assert body["person"]["role"] == "admin"
    assert body["person"]["has_password"] is True
    assert "password" not in str(body["person"]).replace("has_password", "")

    header = session_cookie(response)
    assert header is not None
    token = cookie_value(header)
    attributes = cookie_attributes(header)
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert attributes["path"] == "/"
    assert int(attributes["max-age"]) >= 90 * DAY
    assert "secure" not in attributes  # plain http in this test

    stored = device_session_of(token)
    assert stored is not None
    assert stored.person_id == admin.id
    assert stored.csrf_token == body["csrf_token"]
    assert about(stored.expires_at, utcnow() + timedelta(days=180))
    me = client.get("/api/me")
    assert me.status_code == 200
    assert me.json["person"]["id"] == admin.id


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.org", "wrong password"), ("nobody@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_login_failures_are_401_and_alike(
    app: Flask, admin: Person, email: str, password: str
) -> None:
    response = login(app.test_client(), email, password)
    body = assert_error(response, 401)
    # no hint which part was wrong (Danish: the stranger's browser named no language)
    assert body["message"] == "Forkert e-mail eller adgangskode."
    assert session_cookie(response) is None
    assert count(DeviceSession) == 0


def test_login_email_is_case_insensitive(app: Flask, admin: Person) -> None:
    response = login(app.test_client(), "ADA@Example.ORG", PASSWORD)
    assert response.status_code == 200, response.json
    assert response.json["person"]["id"] == admin.id


def test_person_without_password_cannot_log_in(app: Flask, workplace: Workplace) -> None:
    make_person(Role.MEMBER, workplace=workplace, email="bo@example.org")
    for password in (PASSWORD, "", "not a password of anyone"):
        response = login(app.test_client(), "bo@example.org", password)
        assert response.status_code in (401, 422), password
        assert session_cookie(response) is None
    assert_error(login(app.test_client(), "bo@example.org", "not a password of anyone"), 401)
    assert count(DeviceSession) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ada@example.org"}, "password"),
        ({"password": PASSWORD}, "email"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "ada@example.org", "password": ""}, "password"),
        ({"email": "ada@example.org", "password": PASSWORD, "remember": True}, "remember"),
    ],
)
def test_login_with_bad_input_is_422(
    app: Flask, admin: Person, body: dict[str, Any], field: str
) -> None:
    response = app.test_client().post("/api/auth/login", json=body)
    assert field in assert_error(response, 422)["errors"]["json"]
    assert count(DeviceSession) == 0


# -- rate limit ----------------------------------------------------------------------


@pytest.fixture
def limited_app(app: Flask, make_app: Callable[..., Flask]) -> Flask:
    limited = make_app(LOGIN_RATE_LIMIT="3 per minute")
    with limited.app_context():
        rate_limits().reset()
    return limited


def test_repeated_wrong_passwords_are_429(limited_app: Flask, admin: Person) -> None:
    client = limited_app.test_client()
    for _ in range(3):
        assert_error(login(client, "ada@example.org", "wrong password"), 401)

    response = login(client, "ada@example.org", "wrong password")
    assert_error(response, 429)
    assert response.json["status"] == "Too Many Requests"
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 60

    # While limited, even the right password is refused and signs nobody in.
    blocked = login(client, "ada@example.org", PASSWORD)
    assert_error(blocked, 429)
    assert "Retry-After" in blocked.headers
    assert session_cookie(blocked) is None
    assert count(DeviceSession) == 0


def test_successful_logins_do_not_count(limited_app: Flask, admin: Person) -> None:
    client = limited_app.test_client()
    for _ in range(5):
        assert login(client, "ada@example.org", PASSWORD).status_code == 200
    for _ in range(3):
        assert_error(login(client, "ada@example.org", "wrong password"), 401)
    assert_error(login(client, "ada@example.org", "wrong password"), 429)
    assert count(DeviceSession) == 5


def test_failures_count_per_email_across_addresses(limited_app: Flask, admin: Person) -> None:
    client = limited_app.test_client()
    for n in range(3):
        response = login(
            client, "ada@example.org", "wrong", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        )
        assert_error(response, 401)
    response = login(client, "ADA@example.org", PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert_error(response, 429)
    # Another account from a fresh address is not affected.
    other = make_person(Role.ADMIN, workplace=admin.workplace, email="cy@example.org")
    response = login(client, "cy@example.org", PASSWORD, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 200
    assert response.json["person"]["id"] == other.id


def test_failures_count_per_address_across_emails(limited_app: Flask, admin: Person) -> None:
    client = limited_app.test_client()
    here = {"REMOTE_ADDR": "10.0.0.7"}
    for n in range(3):
        assert_error(login(client, f"guess{n}@example.org", "wrong", environ_base=here), 401)
    assert_error(login(client, "ada@example.org", PASSWORD, environ_base=here), 429)
    elsewhere = {"REMOTE_ADDR": "10.0.0.8"}
    assert login(client, "ada@example.org", PASSWORD, environ_base=elsewhere).status_code == 200


# -- logout and /api/me --------------------------------------------------------------


def test_logout_ends_the_session_even_for_a_replayed_cookie(app: Flask, admin: Person) -> None:
    client = app.test_client()
    signed_in = login(client, "ada@example.org", PASSWORD)
    token = cookie_value(session_cookie(signed_in) or "")
    api = ApiClient(client, signed_in.json["csrf_token"])
    other_device = login(app.test_client(), "ada@example.org", PASSWORD)
    other_token = cookie_value(session_cookie(other_device) or "")

    response = api.post("/api/auth/logout")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_cookie_cleared(response)
    assert device_session_of(token) is None

    assert_error(client.get("/api/me"), 401)
    replayed = with_cookie(app, token).get("/api/me")
    assert_error(replayed, 401)
    assert_cookie_cleared(replayed)
    # Only this device was signed out.
    assert with_cookie(app, other_token).get("/api/me").status_code == 200
    assert count(DeviceSession) == 1


def test_logout_needs_the_csrf_token(app: Flask, admin: Person) -> None:
    client = app.test_client()
    token = cookie_value(session_cookie(login(client, "ada@example.org", PASSWORD)) or "")
    assert_error(client.post("/api/auth/logout"), 403)
    assert device_session_of(token) is not None
    assert client.get("/api/me").status_code == 200


def test_me_shows_the_caller_and_csrf_token(app: Flask, workplace: Workplace) -> None:
    member = make_person(Role.MEMBER, workplace=workplace, display_name="Bo")
    api = signed_in_client(app, member)
    response = api.get("/api/me")
    assert response.status_code == 200
    assert response.json["csrf_token"] == api.csrf_token
    person = response.json["person"]
    assert person["id"] == member.id
    assert person["display_name"] == "Bo"
    assert person["role"] == "member"
    assert person["team"] == {"id": member.team_id, "name": member.team.name}
    assert person["workplace"] == {"id": workplace.id, "name": workplace.name}
    assert person["has_password"] is False


def test_me_without_a_valid_cookie_is_401(app: Flask) -> None:
    assert_error(app.test_client().get("/api/me"), 401)
    response = with_cookie(app, "forged-token").get("/api/me")
    assert_error(response, 401)
    assert_cookie_cleared(response)


# -- CSRF ----------------------------------------------------------------------------


@pytest.mark.parametrize("sent", [None, "", "wrong-token", "other-session"])
def test_state_changes_need_the_sessions_csrf_token(
    app: Flask, workplace: Workplace, sent: str | None
) -> None:
    member = make_person(Role.MEMBER, workplace=workplace, display_name="Before")
    api = signed_in_client(app, member)
    if sent == "other-session":
        sent = signed_in_client(app, make_person(Role.MEMBER, workplace=workplace)).csrf_token
    headers = {} if sent is None else {CSRF_HEADER: sent}
    response = api.client.patch("/api/me", json={"display_name": "After"}, headers=headers)
    assert "X-CSRF-Token" in assert_error(response, 403)["message"]
    assert fresh(member).display_name == "Before"

    ok = api.patch("/api/me", json={"display_name": "After"})
    assert ok.status_code == 200
    assert fresh(member).display_name == "After"


# -- the cookie ----------------------------------------------------------------------


def test_cookie_is_secure_over_https(app: Flask, admin: Person) -> None:
    client = app.test_client()
    response = login(client, "ada@example.org", PASSWORD, base_url="https://localhost")
    assert response.status_code == 200
    header = session_cookie(response)
    assert header is not None
    assert "secure" in cookie_attributes(header)
    assert client.get("/api/me", base_url="https://localhost").status_code == 200


def test_forwarded_https_counts_only_behind_a_trusted_proxy(
    app: Flask, make_app: Callable[..., Flask], admin: Person
) -> None:
    forwarded = {"headers": {"X-Forwarded-Proto": "https"}}
    plain = login(app.test_client(), "ada@example.org", PASSWORD, **forwarded)
    assert "secure" not in cookie_attributes(session_cookie(plain) or "")

    proxied_app = make_app(TRUSTED_PROXIES=1)
    proxied = login(proxied_app.test_client(), "ada@example.org", PASSWORD, **forwarded)
    assert proxied.status_code == 200
    assert "secure" in cookie_attributes(session_cookie(proxied) or "")


def test_session_older_than_a_day_is_renewed(app: Flask, admin: Person) -> None:
    client = app.test_client()
    token = cookie_value(session_cookie(login(client, "ada@example.org", PASSWORD)) or "")
    stored = device_session_of(token)
    assert stored is not None
    now = utcnow()
    stored.renewed_at = now - timedelta(hours=25)
    stored.expires_at = now + timedelta(hours=1)
    db.session.commit()

    response = client.get("/api/me")
    assert response.status_code == 200
    header = session_cookie(response)
    assert header is not None
    assert cookie_value(header) == token
    assert int(cookie_attributes(header)["max-age"]) == 180 * DAY

    renewed = device_session_of(token)
    assert renewed is not None
    assert about(renewed.renewed_at, utcnow())
    assert about(renewed.expires_at, utcnow() + timedelta(days=180))


def test_session_renewed_within_a_day_is_left_alone(app: Flask, admin: Person) -> None:
    client = app.test_client()
    token = cookie_value(session_cookie(login(client, "ada@example.org", PASSWORD)) or "")
    stored = device_session_of(token)
    assert stored is not None
    renewed_at = utcnow() - timedelta(hours=23)
    expires_at = utcnow() + timedelta(days=10)
    stored.renewed_at, stored.expires_at = renewed_at, expires_at
    db.session.commit()

    response = client.get("/api/me")
    assert response.status_code == 200
    assert session_cookie(response) is None
    unchanged = device_session_of(token)
    assert unchanged is not None
    assert (unchanged.renewed_at, unchanged.expires_at) == (renewed_at, expires_at)


def test_expired_session_is_401_and_clears_the_cookie(app: Flask, admin: Person) -> None:
    client = app.test_client()
    token = cookie_value(session_cookie(login(client, "ada@example.org", PASSWORD)) or "")
    stored = device_session_of(token)
    assert stored is not None
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = client.get("/api/me")
    assert_error(response, 401)
    assert_cookie_cleared(response)
    assert client.get_cookie(COOKIE) is None
    expired = device_session_of(token)
    assert expired is not None and expired.expires_at < utcnow()  # not revived


# -- sign-in links -------------------------------------------------------------------


def _new_link(api: ApiClient) -> tuple[str, datetime]:
    response = api.post("/api/me/sign-in-links")
    assert response.status_code == 201, response.json
    assert response.json.keys() == {"url", "expires_at"}
    url = response.json["url"]
    assert url.startswith("https://coach.test/sign-in/")
    return urlsplit(url).path.rsplit("/", 1)[-1], datetime.fromisoformat(
        response.json["expires_at"]
    )


def test_sign_in_link_signs_another_phone_in_once(app: Flask, workplace: Workplace) -> None:
    member = make_person(Role.MEMBER, workplace=workplace)
    api = signed_in_client(app, member)
    token, expires_at = _new_link(api)
    assert about(expires_at, utcnow() + timedelta(minutes=15))
    link = db.session.scalar(sa.select(SignInLink))
    assert link is not None
    assert link.person_id == member.id
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.used_at is None

    phone = app.test_client()
    response = phone.post(f"/api/auth/sign-in-links/{token}")
    assert response.status_code == 200, response.json
    assert response.json["person"]["id"] == member.id
    assert session_cookie(response) is not None
    me = phone.get("/api/me")
    assert me.status_code == 200
    assert me.json["person"]["id"] == member.id
    assert me.json["csrf_token"] == response.json["csrf_token"]
    assert me.json["csrf_token"] != api.csrf_token  # a session of its own
    assert fresh(link).used_at is not None
    assert count(DeviceSession, DeviceSession.person_id == member.id) == 2

    again = app.test_client().post(f"/api/auth/sign-in-links/{token}")
    assert_error(again, 404)
    assert session_cookie(again) is None
    assert count(DeviceSession, DeviceSession.person_id == member.id) == 2


def test_expired_or_unknown_sign_in_link_is_404(app: Flask, workplace: Workplace) -> None:
    member = make_person(Role.MEMBER, workplace=workplace)
    api = signed_in_client(app, member)
    token, _ = _new_link(api)
    link = db.session.scalar(sa.select(SignInLink))
    assert link is not None
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert_error(app.test_client().post(f"/api/auth/sign-in-links/{token}"), 404)
    assert_error(app.test_client().post("/api/auth/sign-in-links/made-up"), 404)
    assert fresh(link).used_at is None
    assert count(DeviceSession) == 1


def test_making_a_sign_in_link_needs_sign_in_and_csrf(app: Flask, workplace: Workplace) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER, workplace=workplace))
    assert_error(app.test_client().post("/api/me/sign-in-links"), 401)
    assert_error(api.client.post("/api/me/sign-in-links"), 403)
    assert count(SignInLink) == 0


# -- credentials ---------------------------------------------------------------------


@pytest.fixture
def member(workplace: Workplace) -> Person:
    return make_person(Role.MEMBER, workplace=workplace)


@pytest.fixture
def member_api(app: Flask, member: Person) -> ApiClient:
    return signed_in_client(app, member)


def test_setting_credentials_enables_login(
    app: Flask, member: Person, member_api: ApiClient
) -> None:
    response = member_api.put(
        "/api/me/credentials", json={"email": "Bo@Example.ORG", "password": "x" * 10}
    )
    assert response.status_code == 200, response.json
    assert response.json["id"] == member.id
    assert response.json["email"] == "bo@example.org"
    assert response.json["has_password"] is True
    assert "password" not in response.json

    row = fresh(member)
    assert row.email == "bo@example.org"
    assert row.password_hash and "x" * 10 not in row.password_hash

    signed_in = login(app.test_client(), "BO@example.org", "x" * 10)
    assert signed_in.status_code == 200
    assert signed_in.json["person"]["id"] == member.id


def test_changing_credentials_needs_the_current_password(
    app: Flask, member: Person, member_api: ApiClient
) -> None:
    first = {"email": "bo@example.org", "password": "first password"}
    assert member_api.put("/api/me/credentials", json=first).status_code == 200
    before = fresh(member)
    email, password_hash = before.email, before.password_hash

    change = {"email": "bo2@example.org", "password": "second password"}
    assert_error(member_api.put("/api/me/credentials", json=change), 403)
    wrong = {**change, "current_password": "not it at all"}
    assert_error(member_api.put("/api/me/credentials", json=wrong), 403)
    row = fresh(member)
    assert (row.email, row.password_hash) == (email, password_hash)

    right = {**change, "current_password": "first password"}
    assert member_api.put("/api/me/credentials", json=right).status_code == 200
    assert fresh(member).email == "bo2@example.org"
    assert login(app.test_client(), "bo2@example.org", "second password").status_code == 200
    assert_error(login(app.test_client(), "bo2@example.org", "first password"), 401)
    assert_error(login(app.test_client(), "bo@example.org", "first password"), 401)


def test_email_used_by_someone_else_is_409(
    member: Person, member_api: ApiClient, admin: Person
) -> None:
    body = {"email": "ADA@example.org", "password": "long enough"}
    assert_error(member_api.put("/api/me/credentials", json=body), 409)
    row = fresh(member)
    assert (row.email, row.password_hash) == (None, None)
    assert count(Person, Person.email == "ada@example.org") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "bo@example.org", "password": "x" * 9}, "password"),
        ({"email": "bo@example.org", "password": "x" * 201}, "password"),
        ({"email": "not-an-email", "password": "long enough"}, "email"),
        ({"email": "bo@", "password": "long enough"}, "email"),
        ({"password": "long enough"}, "email"),
        ({"email": "bo@example.org"}, "password"),
        ({"email": "bo@example.org", "password": "long enough", "role": "admin"}, "role"),
    ],
)
def test_invalid_credentials_are_422(
    member: Person, member_api: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = member_api.put("/api/me/credentials", json=body)
    assert field in assert_error(response, 422)["errors"]["json"]
    row = fresh(member)
    assert (row.email, row.password_hash, row.role) == (None, None, "member")


def test_setting_credentials_needs_csrf(member: Person, member_api: ApiClient) -> None:
    body = {"email": "bo@example.org", "password": "long enough"}
    assert_error(member_api.client.put("/api/me/credentials", json=body), 403)
    assert fresh(member).email is None


@pytest.mark.parametrize("own_zone", [None, "America/New_York"])
def test_a_request_reads_the_callers_facts_as_the_person_has_them(
    app: Flask, own_zone: str | None
) -> None:
    """Today's screen and set logging rely on the facts read with the session; each
    must equal what the person's own record says (zone falls back to the workplace's)."""
    workplace = make_workplace(time_zone="Asia/Tokyo")
    team = make_team(workplace, program="weekly-3x20", workdays=["tue", "thu"])
    with_team = make_person(Role.LEAD, team=team, language="en", time_zone=own_zone)
    without_team = make_person(Role.ADMIN, workplace=workplace, time_zone=own_zone)
    for person in (with_team, without_team):
        token, _csrf = make_device_session(person)
        headers = {"Cookie": f"{COOKIE}={token}"}
        with app.test_request_context("/api/me", headers=headers):
            app.preprocess_request()
            facts = current_caller()
            loaded = current_person()
            assert loaded is not None and loaded.id == person.id
            assert facts == Caller(
                id=person.id,
                role=person.role,
                language=person.language,
                created_at=person.created_at,
                effective_time_zone=own_zone or "Asia/Tokyo",
                band_set_id=workplace.band_set_id,
                program="weekly-3x20" if person is with_team else None,
                workdays=("tue", "thu") if person is with_team else (),
                program_started_on=team.program_started_on if person is with_team else None,
                team_cardio=None,
            )
            assert facts == Caller(
                **{field: getattr(loaded, field) for field in Caller.__dataclass_fields__}
            )
