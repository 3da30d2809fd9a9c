"""Failed-login counters shared by several hosts through Redis."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
import redis
from flask import Flask

from coach.accounts.throttle import rate_limits
from coach.domain.roles import Role
from tests.factories import PASSWORD, make_person

REDIS_URL = os.environ.get("COACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_reachable() -> None:
    """Skip (fail under CI=true) when the test Redis does not answer."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {REDIS_URL} is not reachable under CI=true: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")


@pytest.fixture
def redis_url() -> str:
    redis_reachable()
    return REDIS_URL


def test_two_hosts_share_failed_login_counts_through_redis(
    app: Flask, make_app: Callable[..., Flask], redis_url: str
) -> None:
    admin = make_person(Role.ADMIN)
    hosts = [
        make_app(RATELIMIT_STORAGE_URI=redis_url, LOGIN_RATE_LIMIT="3 per minute") for _ in range(2)
    ]
    with hosts[0].app_context():
        rate_limits().reset()
    wrong = {"email": admin.email, "password": "not the password"}
    statuses = [
        hosts[i % 2].test_client().post("/api/auth/login", json=wrong).status_code for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]

    # Even the right password waits on the other host: the counter is shared.
    right = {"email": admin.email, "password": PASSWORD}
    blocked = hosts[1].test_client().post("/api/auth/login", json=right)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    with hosts[0].app_context():
        rate_limits().reset()
    assert hosts[1].test_client().post("/api/auth/login", json=right).status_code == 200
