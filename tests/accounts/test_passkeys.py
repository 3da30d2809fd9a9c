"""The passkey API without a browser: options, names, removal, and answers that are
not what a browser makes. (The ceremonies themselves, with Chromium's virtual
authenticator: tests/web/test_passkeys.py.)"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from coach.accounts.models import Passkey, Person
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import ApiClient, assert_error, make_person, signed_in_client
from tests.passkey_authenticator import SoftAuthenticator, b64url


def client_data(challenge: str, kind: str = "webauthn.get") -> str:
    raw = json.dumps({"type": kind, "challenge": challenge, "origin": "https://coach.test"})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def unsigned(challenge: str) -> dict[str, Any]:
    """An answer shaped as a browser's, for ``challenge``, signed by nobody."""
    return {
        "id": "UGhvbmU",
        "rawId": "UGhvbmU",
        "type": "public-key",
        "response": {
            "clientDataJSON": client_data(challenge),
            "authenticatorData": "AAAA",
            "signature": "AAAA",
        },
    }


@pytest.fixture
def member(app: Flask) -> Person:
    return make_person(Role.MEMBER, display_name="Ditte")


@pytest.fixture
def api(app: Flask, member: Person) -> ApiClient:
    return signed_in_client(app, member)


def add_stored_passkey(person: Person, name: str = "Phone") -> Passkey:
    passkey = Passkey(
        person_id=person.id,
        credential_id=base64.urlsafe_b64encode(name.encode()).decode().rstrip("="),
        public_key=b"\x01" * 77,
        name=name,
    )
    db.session.add(passkey)
    db.session.commit()
    return passkey


def test_sign_in_options_come_from_the_public_url(app: Flask) -> None:
    response = app.test_client().post("/api/auth/passkeys/options")
    assert response.status_code == 200
    options = response.json["publicKey"]
    # COACH_PUBLIC_URL is https://coach.test in tests, whatever host was asked.
    assert options["rpId"] == "coach.test"
    assert options["userVerification"] == "preferred"
    assert options["allowCredentials"] == []  # the browser offers what it holds
    assert len(base64.urlsafe_b64decode(options["challenge"] + "==")) >= 32


def test_registration_options_ask_for_a_resident_key_and_exclude_mine(
    api: ApiClient, member: Person
) -> None:
    mine = add_stored_passkey(member)
    options = api.post("/api/me/passkeys/options").json["publicKey"]
    assert options["rp"] == {"id": "coach.test", "name": "Coach"}
    assert options["user"]["displayName"] == "Ditte"
    assert str(member.id) not in base64.urlsafe_b64decode(options["user"]["id"] + "==").decode(
        "latin-1"
    )
    selection = options["authenticatorSelection"]
    assert selection["residentKey"] == "required"
    assert selection["userVerification"] == "preferred"
    assert [c["id"] for c in options["excludeCredentials"]] == [mine.credential_id]


def test_an_answer_to_no_challenge_is_401(app: Flask, api: ApiClient) -> None:
    credential = unsigned("never-issued")
    response = app.test_client().post("/api/auth/passkeys/sign-in", json={"credential": credential})
    assert "udløbet eller allerede brugt" in assert_error(response, 401)["message"]
    body = {"name": "Phone", "credential": credential}
    assert_error(api.post("/api/me/passkeys", json=body), 401)


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"response": {}},
        {"response": {"clientDataJSON": "%%%"}},
        {"response": {"clientDataJSON": 5}},
        {**unsigned("x"), "response": {"clientDataJSON": "not JSON"}},
    ],
)
def test_an_answer_no_browser_makes_is_422(app: Flask, credential: dict) -> None:
    response = app.test_client().post("/api/auth/passkeys/sign-in", json={"credential": credential})
    assert_error(response, 422)


def test_a_forged_answer_to_a_real_challenge_is_refused_once(app: Flask, member: Person) -> None:
    add_stored_passkey(member)
    client = app.test_client()
    challenge = client.post("/api/auth/passkeys/options").json["publicKey"]["challenge"]
    credential = unsigned(challenge)
    first = client.post("/api/auth/passkeys/sign-in", json={"credential": credential})
    assert "kunne ikke kontrolleres" in assert_error(first, 401)["message"]
    again = client.post("/api/auth/passkeys/sign-in", json={"credential": credential})
    assert "allerede brugt" in assert_error(again, 401)["message"]


def test_failed_passkey_sign_ins_count_towards_the_limit(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    tight = make_app(LOGIN_RATE_LIMIT="2 per 10 minutes").test_client()
    credential = unsigned("never-issued")
    statuses = [
        tight.post("/api/auth/passkeys/sign-in", json={"credential": credential}).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    assert tight.post("/api/auth/passkeys/options").status_code == 429


def test_passkeys_are_listed_renamed_and_removed(api: ApiClient, member: Person) -> None:
    first, second = add_stored_passkey(member, "Phone"), add_stored_passkey(member, "Laptop")
    listed = api.get("/api/me/passkeys").json
    assert [(p["id"], p["name"], p["last_used_at"]) for p in listed] == [
        (first.id, "Phone", None),
        (second.id, "Laptop", None),
    ]
    renamed = api.patch(f"/api/me/passkeys/{first.id}", json={"name": "  Work phone "})
    assert renamed.status_code == 200 and renamed.json["name"] == "Work phone"
    assert api.delete(f"/api/me/passkeys/{second.id}").status_code == 204
    assert [p["name"] for p in api.get("/api/me/passkeys").json] == ["Work phone"]
    assert_error(api.patch(f"/api/me/passkeys/{first.id}", json={"name": " "}), 422)


def test_another_persons_passkey_is_not_found(app: Flask, api: ApiClient) -> None:
    theirs = add_stored_passkey(make_person(Role.MEMBER))
    for passkey_id in (theirs.id, 0, 2**31, 2**63 - 1):
        assert_error(api.delete(f"/api/me/passkeys/{passkey_id}"), 404)
        assert_error(api.patch(f"/api/me/passkeys/{passkey_id}", json={"name": "Mine"}), 404)
    db.session.expire_all()
    assert db.session.get(Passkey, theirs.id) is not None


def registered(person: Person, authenticator: SoftAuthenticator) -> Passkey:
    passkey = Passkey(
        person_id=person.id,
        credential_id=b64url(authenticator.credential_id),
        public_key=authenticator.cose_public_key,
        sign_count=authenticator.counter,
        name="Soft key",
    )
    db.session.add(passkey)
    db.session.commit()
    return passkey


def sign_in_with(client: Any, authenticator: SoftAuthenticator, **kwargs: Any) -> Any:
    challenge = client.post("/api/auth/passkeys/options").json["publicKey"]["challenge"]
    credential = authenticator.assertion(challenge, **kwargs)
    return client.post("/api/auth/passkeys/sign-in", json={"credential": credential})


def test_a_passkey_signs_in_and_its_counter_is_kept(app: Flask, member: Person) -> None:
    authenticator = SoftAuthenticator()
    passkey = registered(member, authenticator)
    client = app.test_client()
    response = sign_in_with(client, authenticator)
    assert response.status_code == 200, response.text
    assert response.json["person"]["id"] == member.id
    assert client.get("/api/me").status_code == 200
    db.session.refresh(passkey)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


def test_a_counter_that_does_not_go_up_is_refused(app: Flask, member: Person) -> None:
    """A cloned authenticator shows itself: its counter lags the real one's."""
    authenticator = SoftAuthenticator(counter=5)
    passkey = registered(member, authenticator)
    authenticator.counter = 2  # the clone's next assertion says 3
    assert_error(sign_in_with(app.test_client(), authenticator), 401)
    db.session.refresh(passkey)
    assert passkey.sign_count == 5


def test_an_answer_from_another_origin_is_refused(app: Flask, member: Person) -> None:
    authenticator = SoftAuthenticator()
    registered(member, authenticator)
    response = sign_in_with(app.test_client(), authenticator, origin="https://evil.example")
    assert_error(response, 401)
    # ...and one for another relying party.
    elsewhere = SoftAuthenticator(rp_id="evil.example", credential_id=authenticator.credential_id)
    elsewhere.key = authenticator.key
    elsewhere.counter = authenticator.counter
    assert_error(sign_in_with(app.test_client(), elsewhere), 401)


def test_a_removed_passkey_signs_nobody_in(app: Flask, member: Person, api: ApiClient) -> None:
    authenticator = SoftAuthenticator()
    passkey = registered(member, authenticator)
    assert api.delete(f"/api/me/passkeys/{passkey.id}").status_code == 204
    response = sign_in_with(app.test_client(), authenticator)
    assert "kendes ikke her" in assert_error(response, 401)["message"]


def test_a_passkey_is_added_from_a_registration(api: ApiClient, member: Person) -> None:
    authenticator = SoftAuthenticator()
    challenge = api.post("/api/me/passkeys/options").json["publicKey"]["challenge"]
    credential = authenticator.registration(challenge)
    added = api.post("/api/me/passkeys", json={"name": "Soft key", "credential": credential})
    assert added.status_code == 201, added.text
    assert added.json["name"] == "Soft key"
    stored = db.session.get(Passkey, added.json["id"])
    assert stored is not None and stored.credential_id == b64url(authenticator.credential_id)
    # The same answer again: its challenge is used up.
    again = api.post("/api/me/passkeys", json={"name": "Twice", "credential": credential})
    assert_error(again, 401)


def test_a_registration_from_another_origin_is_422(api: ApiClient) -> None:
    authenticator = SoftAuthenticator(origin="https://evil.example")
    challenge = api.post("/api/me/passkeys/options").json["publicKey"]["challenge"]
    body = {"name": "Soft key", "credential": authenticator.registration(challenge)}
    assert_error(api.post("/api/me/passkeys", json=body), 422)
    assert api.get("/api/me/passkeys").json == []
