"""What each rate limit counts, and the database store: exact when workers race.

(Across real gunicorn workers, with the database and with Redis:
test_rate_limit_workers.py.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask

from coach.accounts.throttle import DatabaseStorage, rate_limits
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import ApiClient, assert_error, make_invite, make_person, signed_in_client


@pytest.fixture(scope="module")
def tight_app(make_app: Callable[..., Flask]) -> Flask:
    """The same app with small limits, so a test reaches them in a few requests."""
    return make_app(
        LOGIN_RATE_LIMIT="3 per 10 minutes",
        SIGN_IN_LINK_RATE_LIMIT="2 per hour",
        INVITE_RATE_LIMIT="2 per hour",
        TEST_REMINDER_RATE_LIMIT="2 per 10 minutes",
        TEST_REMINDER_ADDRESS_RATE_LIMIT="3 per 10 minutes",
    )


def test_the_database_is_the_default_store(app: Flask) -> None:
    assert isinstance(rate_limits().storage, DatabaseStorage)


def test_failed_sign_in_links_are_limited_per_address(app: Flask, tight_app: Flask) -> None:
    client = tight_app.test_client()
    for _ in range(3):
        assert_error(client.post("/api/auth/sign-in-links/not-a-token"), 404)
    refused = assert_error(client.post("/api/auth/sign-in-links/not-a-token"), 429)
    assert "failed sign-ins" in refused["message"]
    # It is one limit with wrong passwords: this address is refused those too now.
    admin = make_person(Role.ADMIN)
    body = {"email": admin.email, "password": "wrong"}
    assert client.post("/api/auth/login", json=body).status_code == 429
    # Another address is not.
    other = client.post("/api/auth/login", json=body, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 401


def test_sign_in_links_made_are_limited_per_person(app: Flask, tight_app: Flask) -> None:
    person = make_person(Role.MEMBER)
    api = signed_in_client(tight_app, person)
    assert [api.post("/api/me/sign-in-links").status_code for _ in range(2)] == [201, 201]
    response = api.post("/api/me/sign-in-links")
    assert_error(response, 429)
    assert int(response.headers["Retry-After"]) > 3000  # per hour
    # Another person, same address, is not held up.
    assert (
        signed_in_client(tight_app, make_person(Role.MEMBER))
        .post("/api/me/sign-in-links")
        .status_code
        == 201
    )


def test_invite_acceptances_are_limited_per_address(app: Flask, tight_app: Flask) -> None:
    invite, token = make_invite(make_person(Role.LEAD).team, max_uses=10)
    client = tight_app.test_client()
    join = {"display_name": "Newcomer"}
    statuses = [client.post(f"/api/invites/{token}/accept", json=join).status_code for _ in "ab"]
    assert statuses == [201, 201]
    assert_error(client.post(f"/api/invites/{token}/accept", json=join), 429)
    db.session.refresh(invite)
    assert invite.uses == 2  # the refused one claimed no use


def test_test_reminders_are_limited_per_person_and_per_address(
    app: Flask, tight_app: Flask
) -> None:
    def send(api: ApiClient) -> int:
        return api.post("/api/me/reminders/test").status_code

    first = signed_in_client(tight_app, make_person(Role.MEMBER))
    assert [send(first) for _ in range(3)] == [200, 200, 429]
    second = signed_in_client(tight_app, make_person(Role.MEMBER))
    # Three from this address in all (the refused one counted for the address).
    assert send(second) == 429


def test_the_database_store_is_exact_when_workers_race(app: Flask) -> None:
    storage = DatabaseStorage(lambda: db.engine)
    results: list[bool] = []
    start = threading.Barrier(8)

    def take() -> None:
        with app.app_context():
            start.wait()
            results.append(storage.acquire_entry("race", limit=5, expiry=60))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 3 + [True] * 5
    start_of_window, taken = storage.get_moving_window("race", limit=5, expiry=60)
    assert taken == 5
    assert time.time() - 60 < start_of_window <= time.time()
    assert storage.get("race") == 5
    storage.clear("race")
    assert storage.get_moving_window("race", 5, 60)[1] == 0
    assert storage.check()
