"""A person's signed-in devices: listed, ended one by one or all but this one; a new
password or e-mail ends the others. Two real devices: two clients, each with the
cookie its own sign-in set."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from coach.accounts.auth import CSRF_HEADER, device_kind
from coach.accounts.models import DeviceSession, Person
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import (
    PASSWORD,
    ApiClient,
    assert_error,
    make_device_session,
    make_person,
    signed_in_client,
)

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
NEW_PASSWORD = "an entirely new passphrase"


@pytest.fixture
def person(app: Flask) -> Person:
    return make_person(Role.MEMBER, with_password=True, email="dana@example.org")


def device(app: Flask, user_agent: str, address: str) -> ApiClient:
    """A phone that signs in with the password, as a person does."""
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(
        "/api/auth/login", json={"email": "dana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return ApiClient(client, response.json["csrf_token"])


@pytest.fixture
def phones(app: Flask, person: Person) -> tuple[ApiClient, ApiClient]:
    return device(app, IPHONE, "192.0.2.10"), device(app, ANDROID, "198.51.100.7")


def test_each_device_is_listed_with_this_one_marked(
    phones: tuple[ApiClient, ApiClient],
) -> None:
    iphone, android = phones
    listed = iphone.get("/api/me/devices")
    assert listed.status_code == 200
    by_kind = {d["kind"]: d for d in listed.json}
    assert set(by_kind) == {"Mobile Safari on iPhone", "Chrome Mobile on Pixel 8"}
    assert by_kind["Mobile Safari on iPhone"]["current"] is True
    assert by_kind["Chrome Mobile on Pixel 8"]["current"] is False
    assert by_kind["Mobile Safari on iPhone"]["signed_in_from"] == "192.0.2.10"
    assert by_kind["Chrome Mobile on Pixel 8"]["signed_in_from"] == "198.51.100.7"
    assert all(d["last_seen_at"] and d["signed_in_at"] for d in listed.json)
    # The other phone sees the same two, itself marked.
    seen_there = {d["kind"]: d["current"] for d in android.get("/api/me/devices").json}
    assert seen_there == {"Mobile Safari on iPhone": False, "Chrome Mobile on Pixel 8": True}


def test_ending_another_device_signs_it_out_at_once(phones: tuple[ApiClient, ApiClient]) -> None:
    iphone, android = phones
    other = next(d for d in iphone.get("/api/me/devices").json if not d["current"])
    assert iphone.delete(f"/api/me/devices/{other['id']}").status_code == 204
    assert_error(android.get("/api/me"), 401)
    assert iphone.get("/api/me").status_code == 200
    assert [d["current"] for d in iphone.get("/api/me/devices").json] == [True]
    # Gone is gone: a second time, 404.
    assert_error(iphone.delete(f"/api/me/devices/{other['id']}"), 404)


def test_ending_this_device_signs_it_out(phones: tuple[ApiClient, ApiClient]) -> None:
    iphone, android = phones
    this = next(d for d in iphone.get("/api/me/devices").json if d["current"])
    response = iphone.delete(f"/api/me/devices/{this['id']}")
    assert response.status_code == 204
    assert any("coach_session=;" in c for c in response.headers.getlist("Set-Cookie"))
    assert_error(iphone.get("/api/me"), 401)
    assert android.get("/api/me").status_code == 200


def test_ending_all_others(app: Flask, person: Person, phones: tuple[ApiClient, ApiClient]) -> None:
    iphone, android = phones
    third = device(app, "", "203.0.113.5")
    response = iphone.delete("/api/me/devices")
    assert response.status_code == 200
    assert response.json == {"ended": 2}
    assert_error(android.get("/api/me"), 401)
    assert_error(third.get("/api/me"), 401)
    assert iphone.get("/api/me").status_code == 200


def test_another_persons_device_is_not_found(
    app: Flask, phones: tuple[ApiClient, ApiClient]
) -> None:
    stranger = make_person(Role.MEMBER, with_password=True)
    theirs = device_session_ids(stranger)
    iphone, _ = phones
    for device_id in [*theirs, 0, 2**31, 2**63 - 1]:
        assert_error(iphone.delete(f"/api/me/devices/{device_id}"), 404)


def device_session_ids(person: Person) -> list[int]:
    make_device_session(person)
    return list(
        db.session.scalars(sa.select(DeviceSession.id).where(DeviceSession.person_id == person.id))
    )


@pytest.mark.parametrize(
    "change",
    [
        {"email": "dana@example.org", "password": NEW_PASSWORD},  # a new password
        {"email": "dana.new@example.org", "password": PASSWORD},  # a new e-mail
    ],
)
def test_new_credentials_end_every_other_session(
    phones: tuple[ApiClient, ApiClient], change: dict[str, str]
) -> None:
    iphone, android = phones
    response = iphone.put("/api/me/credentials", json={**change, "current_password": PASSWORD})
    assert response.status_code == 200, response.text
    assert_error(android.get("/api/me"), 401)
    assert iphone.get("/api/me").status_code == 200


def test_a_first_password_keeps_the_other_phones(app: Flask) -> None:
    """Phones signed in by invite or sign-in link stay when a first password is set."""
    newcomer = make_person(Role.MEMBER)
    first, second = signed_in_client(app, newcomer), signed_in_client(app, newcomer)
    body = {"email": "new@example.org", "password": NEW_PASSWORD}
    assert first.put("/api/me/credentials", json=body).status_code == 200
    assert second.get("/api/me").status_code == 200


def test_last_seen_moves_every_few_minutes(app: Flask, phones: tuple[ApiClient, ApiClient]) -> None:
    iphone, _ = phones
    row = db.session.scalars(sa.select(DeviceSession).order_by(DeviceSession.id)).first()
    assert row is not None
    long_ago = utcnow() - timedelta(hours=3)
    row.last_seen_at = long_ago
    db.session.commit()
    iphone.get("/api/me")
    db.session.expire_all()
    assert db.session.get(DeviceSession, row.id).last_seen_at > long_ago + timedelta(hours=2)


def test_csrf_is_needed_to_end_devices(phones: tuple[ApiClient, ApiClient]) -> None:
    iphone, android = phones
    bare: FlaskClient = iphone.client
    assert bare.delete("/api/me/devices", headers={CSRF_HEADER: "wrong"}).status_code == 403
    assert android.get("/api/me").status_code == 200


@pytest.mark.parametrize(
    ("user_agent", "kind"),
    [
        (IPHONE, "Mobile Safari on iPhone"),
        (ANDROID, "Chrome Mobile on Pixel 8"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Windows",
        ),
        ("", None),
        ("curl/8.5.0", "curl"),
    ],
)
def test_device_kind(user_agent: str, kind: str | None) -> None:
    assert device_kind(user_agent) == kind
