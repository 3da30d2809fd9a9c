"""Security headers on every response (errors too), HSTS over https behind trusted
proxies, and the Host header: only trusted hosts are answered, so a forged one never
makes a link."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from coach.accounts.auth import COOKIE
from coach.accounts.models import Invite, SignInLink
from coach.config import trusted_hosts
from coach.domain.roles import Role
from coach.extensions import db
from coach.security import HSTS
from tests.factories import (
    ApiClient,
    make_device_session,
    make_person,
    make_team,
    make_workplace,
    signed_in_client,
)
from tests.test_errors import assert_json_error


def assert_protected(response: Any) -> None:
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.fixture(scope="module")
def crashing_app(make_app: Callable[..., Flask]) -> Flask:
    fresh = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @fresh.get("/api/_test/crash")
    def api_crash() -> Any:
        raise RuntimeError("boom")

    @fresh.get("/_test/crash")
    def page_crash() -> Any:
        raise RuntimeError("boom")

    return fresh


REQUESTS = [
    ("GET", "/api/health", {}),  # JSON
    ("GET", "/api/openapi.json", {}),
    ("GET", "/api/nope", {}),  # JSON 404
    ("DELETE", "/api/health", {}),  # JSON 405
    ("GET", "/api/me", {}),  # JSON 401
    ("POST", "/api/auth/login", {"data": b"[" * 100, "content_type": "application/json"}),
    ("POST", "/api/auth/login", {"data": "x", "content_type": "text/plain"}),  # 415
    ("GET", "/", {}),  # the app's shell
    ("GET", "/join/some-token", {}),
    ("GET", "/sw.js", {}),
    ("GET", "/manifest.webmanifest", {}),
    ("GET", "/nope", {}),  # page 404
    ("POST", "/", {}),  # page 405
    ("GET", "/report", {}),  # page 401
    ("GET", "/api/exercises", {}),
    ("GET", "/api/exercises/nope", {}),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [pytest.param(m, p, k, id=f"{m} {p}") for m, p, k in REQUESTS],
)
def test_every_response_carries_the_security_headers(
    client: FlaskClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    assert_protected(client.open(path, method=method, **kwargs))


def test_errors_of_the_server_carry_them_too(
    app: Flask, crashing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = crashing_app.test_client()
    with caplog.at_level(logging.CRITICAL, logger="coach.errors"):
        for path in ("/api/_test/crash", "/_test/crash"):
            response = client.get(path)
            assert response.status_code == 500
            assert_protected(response)


def test_json_and_error_pages_allow_nothing(client: FlaskClient) -> None:
    for path in ("/api/health", "/api/nope", "/nope"):
        assert client.get(path).headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_service_worker_may_fetch_the_app(client: FlaskClient) -> None:
    # A worker runs under its own script's policy: "nothing" would stop its caching.
    policy = client.get("/sw.js").headers["Content-Security-Policy"]
    assert "connect-src 'self'" in policy and "script-src 'self'" in policy


# -- HSTS -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_proxies_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(TRUSTED_PROXIES=2)


@pytest.fixture(scope="module")
def one_proxy_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(TRUSTED_PROXIES=1)


def test_no_hsts_over_plain_http(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/api/health").headers


def test_hsts_over_https(client: FlaskClient) -> None:
    response = client.get("/api/nope", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert int(HSTS.removeprefix("max-age=")) >= 180 * 24 * 3600


def test_forwarded_https_gives_hsts_only_from_trusted_proxies(
    app: Flask, one_proxy_app: Flask, two_proxies_app: Flask
) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    # Nobody trusted: a client could claim anything.
    assert "Strict-Transport-Security" not in app.test_client().get("/", headers=forwarded).headers
    behind_one = one_proxy_app.test_client().get("/", headers=forwarded)
    assert behind_one.headers["Strict-Transport-Security"] == HSTS
    # Two hops trusted: the value the outer proxy added (the first) decides.
    two = two_proxies_app.test_client()
    outer_https = two.get("/", headers={"X-Forwarded-Proto": "https, http"})
    assert outer_https.headers["Strict-Transport-Security"] == HSTS
    outer_http = two.get("/", headers={"X-Forwarded-Proto": "http, https"})
    assert "Strict-Transport-Security" not in outer_http.headers
    # One value where two hops are configured: nobody vouched for it.
    assert "Strict-Transport-Security" not in two.get("/", headers=forwarded).headers


# -- hosts ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unconfigured_app(make_app: Callable[..., Flask]) -> Flask:
    """No COACH_PUBLIC_URL: links come from the request's (trusted) host."""
    return make_app(PUBLIC_URL=None)


@pytest.fixture
def lead_api(app: Flask, unconfigured_app: Flask) -> tuple[ApiClient, int]:
    team = make_team(make_workplace())
    lead = make_person(Role.LEAD, team=team, with_password=True)
    api = signed_in_client(unconfigured_app, lead)
    return api, team.id


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"Host": "localhost.evil.example"},
        {"Host": "evil.example:80"},
    ],
)
def test_a_forged_host_is_400_and_makes_no_link(
    lead_api: tuple[ApiClient, int], headers: dict[str, str]
) -> None:
    api, team_id = lead_api
    assert_json_error(api.post("/api/me/sign-in-links", headers=headers), 400)
    assert_json_error(api.post(f"/api/teams/{team_id}/invites", json={}, headers=headers), 400)
    assert count(SignInLink) == 0
    assert count(Invite) == 0
    # Pages too.
    assert api.get("/", headers=headers).status_code == 400


def test_a_forged_forwarded_host_is_400(make_app: Callable[..., Flask], app: Flask) -> None:
    proxied = make_app(PUBLIC_URL=None, TRUSTED_PROXIES=1)
    api = signed_in_client(proxied, make_person(Role.MEMBER))
    response = api.post("/api/me/sign-in-links", headers={"X-Forwarded-Host": "evil.example"})
    assert_json_error(response, 400)
    assert count(SignInLink) == 0


def test_links_from_a_trusted_host_use_it(unconfigured_app: Flask, app: Flask) -> None:
    team = make_team(make_workplace())
    token, csrf = make_device_session(make_person(Role.LEAD, team=team))
    api = ApiClient(unconfigured_app.test_client(), csrf)
    for base in ("http://localhost", "http://127.0.0.1:8000"):
        api.client.set_cookie(COOKIE, token, domain=base.split("//")[1].split(":")[0])
        link = api.post("/api/me/sign-in-links", base_url=base)
        assert link.status_code == 201, link.text
        assert link.json["url"].startswith(f"{base}/sign-in/")
        invite = api.post(f"/api/teams/{team.id}/invites", json={}, base_url=base)
        assert invite.status_code == 201, invite.text
        assert invite.json["url"].startswith(f"{base}/join/")


def test_links_come_from_the_public_url_whatever_the_host(app: Flask) -> None:
    token, csrf = make_device_session(make_person(Role.MEMBER))
    api = ApiClient(app.test_client(), csrf)
    api.client.set_cookie(COOKIE, token, domain="127.0.0.1")
    response = api.post("/api/me/sign-in-links", base_url="http://127.0.0.1")
    assert response.status_code == 201, response.text
    assert response.json["url"].startswith("https://coach.test/sign-in/")
    # The public address's own host is trusted without being listed.
    assert app.test_client().get("/api/health", headers={"Host": "coach.test"}).status_code == 200


def test_trusted_hosts_setting(make_app: Callable[..., Flask]) -> None:
    configured = make_app(TRUSTED_HOSTS="coach.example.dk, .coach.example.dk").test_client()
    assert configured.get("/api/health", headers={"Host": "coach.example.dk"}).status_code == 200
    assert configured.get("/api/health", headers={"Host": "eu.coach.example.dk"}).status_code == 200
    # Listing hosts replaces the defaults.
    assert configured.get("/api/health").status_code == 400


@pytest.mark.parametrize(
    ("setting", "public_url", "hosts"),
    [
        (None, None, ["localhost", "127.0.0.1"]),
        (None, "https://coach.example.dk:8443/", ["localhost", "127.0.0.1", "coach.example.dk"]),
        (["a.dk", "b.dk"], "https://coach.example.dk", ["a.dk", "b.dk"]),  # JSON from env
        ("a.dk,b.dk", None, ["a.dk", "b.dk"]),
        ("", None, ["localhost", "127.0.0.1"]),  # empty would trust any host: defaults
        ([], None, ["localhost", "127.0.0.1"]),
    ],
)
def test_trusted_hosts_are_never_empty(
    setting: Any, public_url: str | None, hosts: list[str]
) -> None:
    assert trusted_hosts(setting, public_url) == hosts
