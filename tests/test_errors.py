"""The one error format: every 4xx/5xx under /api is JSON; pages keep HTML."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team
from tests.factories import ApiClient, make_person, make_team, make_workplace, signed_in_client

STATUS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
}


def assert_json_error(response: TestResponse, code: int) -> dict[str, Any]:
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = json.loads(response.get_data())
    assert body["code"] == code
    assert body["status"] == STATUS[code]
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "status", "message", "errors"}
    return body


def count_teams() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Team)) or 0


@pytest.fixture
def admin(app: Flask) -> Person:
    return make_person(Role.ADMIN, workplace=make_workplace())


@pytest.fixture
def admin_api(app: Flask, admin: Person) -> ApiClient:
    return signed_in_client(app, admin)


# -- routing -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/teams/abc", "/api/invites/x/y"])
def test_unknown_api_route_is_json_404(client: FlaskClient, path: str) -> None:
    assert_json_error(client.get(path), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/health", {"GET", "HEAD", "OPTIONS"}),
        ("PUT", "/api/me", {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH"}),
        ("GET", "/api/auth/login", {"POST", "OPTIONS"}),
    ],
)
def test_wrong_method_is_json_405_with_allow(
    client: FlaskClient, method: str, path: str, allowed: set[str]
) -> None:
    response = client.open(path, method=method)
    assert_json_error(response, 405)
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


def test_pages_outside_the_api_keep_html(client: FlaskClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"<!doctype html>" in response.get_data().lower()
    # The JSON-only body guard is for the API too: a page sees no 415.
    posted = client.post("/nope", data="hello", content_type="text/plain")
    assert posted.status_code == 404
    assert posted.mimetype == "text/html"


# -- bodies --------------------------------------------------------------------------


def test_body_over_64_kb_is_413(client: FlaskClient, admin: Person) -> None:
    body = json.dumps({"email": admin.email, "password": "x" * (64 * 1024)})
    response = client.post("/api/auth/login", data=body, content_type="application/json")
    assert_json_error(response, 413)


def test_body_over_64_kb_changes_nothing(admin_api: ApiClient, admin: Person) -> None:
    name = admin.display_name
    response = admin_api.post(
        "/api/teams",
        data=json.dumps({"name": "Big", "program": "x" * (65 * 1024)}),
        content_type="application/json",
    )
    assert_json_error(response, 413)
    response = admin_api.patch("/api/me", json={"display_name": "y" * (65 * 1024)})
    assert_json_error(response, 413)
    assert count_teams() == 0
    db.session.expire_all()
    assert db.session.get(Person, admin.id).display_name == name


def test_body_under_the_limit_reaches_validation(client: FlaskClient) -> None:
    body = json.dumps({"email": "a@example.org", "password": "x" * (60 * 1024)})
    response = client.post("/api/auth/login", data=body, content_type="application/json")
    assert "password" in assert_json_error(response, 422)["errors"]["json"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("name=Packing", "application/x-www-form-urlencoded"),
        ('{"name": "Packing"}', "text/plain"),
        ("<team><name>Packing</name></team>", "application/xml"),
        ('{"name": "Packing"}', None),
    ],
)
def test_non_json_body_is_415(admin_api: ApiClient, data: str, content_type: str | None) -> None:
    kwargs: dict[str, Any] = {"data": data}
    if content_type:
        kwargs["content_type"] = content_type
    assert_json_error(admin_api.post("/api/teams", **kwargs), 415)
    assert count_teams() == 0


def test_multipart_form_is_415(admin_api: ApiClient) -> None:
    response = admin_api.post("/api/teams", data={"name": "Packing"})  # multipart/form-data
    assert_json_error(response, 415)
    assert count_teams() == 0


@pytest.mark.parametrize(
    "data",
    [b'{"name": ', b"{'name': 'Packing'}", b'{"name": "Packing"} trailing', b"nul"],
    ids=["truncated", "single-quotes", "trailing", "bare-word"],
)
def test_malformed_json_is_400(admin_api: ApiClient, data: bytes) -> None:
    response = admin_api.post("/api/teams", data=data, content_type="application/json")
    assert_json_error(response, 400)
    assert count_teams() == 0


def test_invalid_utf8_is_400(admin_api: ApiClient) -> None:
    data = b'{"name": "Pack\xff\xfeing"}'
    response = admin_api.post("/api/teams", data=data, content_type="application/json")
    assert_json_error(response, 400)
    assert count_teams() == 0


def test_utf8_json_with_charset_is_fine(admin_api: ApiClient) -> None:
    response = admin_api.post(
        "/api/teams",
        data=json.dumps({"name": "Pakkeri ÆØÅ"}, ensure_ascii=False).encode(),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201, response.json
    assert response.json["name"] == "Pakkeri ÆØÅ"


@pytest.mark.parametrize("data", [[{"name": "Packing"}], "Packing", 42, True])
def test_json_that_is_not_an_object_is_422(admin_api: ApiClient, data: Any) -> None:
    response = admin_api.post("/api/teams", json=data)
    body = assert_json_error(response, 422)
    assert "_schema" in body["errors"]["json"]
    assert count_teams() == 0


def test_field_errors_name_the_fields(admin_api: ApiClient) -> None:
    response = admin_api.post("/api/teams", json={"reminder_time": "25:00", "colour": "red"})
    body = assert_json_error(response, 422)
    assert set(body["errors"]["json"]) == {"name", "reminder_time", "colour"}
    assert all(isinstance(m, list) and m for m in body["errors"]["json"].values())


def test_auth_errors_are_json(client: FlaskClient, app: Flask) -> None:
    assert_json_error(client.get("/api/me"), 401)
    member = make_person(Role.MEMBER)
    assert_json_error(signed_in_client(app, member).get("/api/teams"), 403)


# -- errors from inside views (throwaway routes on a fresh app) ----------------------


@pytest.fixture
def team_name_clash_app(app: Flask, make_app: Callable[..., Flask]) -> Flask:
    """A fresh app with routes that insert teams straight through SQLAlchemy."""
    fresh_app = make_app()

    @fresh_app.post("/api/_test/teams/<int:workplace_id>/<name>")
    def insert_team(workplace_id: int, name: str) -> Any:
        db.session.add(Team(workplace_id=workplace_id, name=name))
        db.session.commit()  # the database's unique constraint decides
        return {"ok": True}, 201

    @fresh_app.get("/api/_test/teams/<int:workplace_id>")
    def list_teams(workplace_id: int) -> Any:
        names = db.session.scalars(
            sa.select(Team.name).where(Team.workplace_id == workplace_id).order_by(Team.name)
        )
        return {"names": list(names)}

    return fresh_app


def test_constraint_violation_is_409_and_the_session_keeps_working(
    team_name_clash_app: Flask,
) -> None:
    workplace = make_workplace()
    make_team(workplace, name="Packing")
    client = team_name_clash_app.test_client()
    # One app context around all requests: they share one database session, so the
    # last request only works if the failed transaction was rolled back.
    with team_name_clash_app.app_context():
        response = client.post(f"/api/_test/teams/{workplace.id}/Packing")
        body = assert_json_error(response, 409)
        assert "IntegrityError" not in json.dumps(body)
        assert "UNIQUE" not in json.dumps(body).upper()

        assert client.post(f"/api/_test/teams/{workplace.id}/Dispatch").status_code == 201
        listed = client.get(f"/api/_test/teams/{workplace.id}")
        assert listed.status_code == 200
        assert listed.json == {"names": ["Dispatch", "Packing"]}


SECRET = "secret-detail-7f3a in /srv/coach/private.py"


@pytest.fixture
def crashing_app(app: Flask, make_app: Callable[..., Flask]) -> Flask:
    fresh_app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @fresh_app.get("/api/_test/boom")
    def boom() -> Any:
        raise RuntimeError(SECRET)

    @fresh_app.post("/api/_test/boom-after-write/<int:workplace_id>")
    def boom_after_write(workplace_id: int) -> Any:
        db.session.add(Team(workplace_id=workplace_id, name="Half-made"))
        db.session.flush()
        raise RuntimeError(SECRET)

    @fresh_app.get("/api/_test/teams")
    def team_names() -> Any:
        return {"names": list(db.session.scalars(sa.select(Team.name)))}

    @fresh_app.get("/_test/boom")
    def page_boom() -> Any:
        raise RuntimeError(SECRET)

    return fresh_app


def test_unexpected_exception_is_json_500_without_details(
    crashing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="coach.errors"):
        response = crashing_app.test_client().get("/api/_test/boom")
    body = assert_json_error(response, 500)
    assert "errors" not in body
    raw = response.get_data(as_text=True)
    for leak in ("secret-detail", "private.py", "Traceback", "RuntimeError"):
        assert leak not in raw
    # ...but the server log has it all.
    logged = [r for r in caplog.records if r.name == "coach.errors"]
    assert logged and logged[-1].exc_info is not None
    assert SECRET in str(logged[-1].exc_info[1])


def test_unexpected_exception_rolls_back_the_write(
    crashing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    workplace = make_workplace()
    client = crashing_app.test_client()
    with crashing_app.app_context(), caplog.at_level(logging.CRITICAL, logger="coach.errors"):
        assert_json_error(client.post(f"/api/_test/boom-after-write/{workplace.id}"), 500)
        listed = client.get("/api/_test/teams")
        assert listed.status_code == 200
        assert listed.json == {"names": []}
    assert count_teams() == 0


def test_unexpected_exception_on_a_page_is_not_json(
    crashing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.CRITICAL, logger="coach.errors"):
        response = crashing_app.test_client().get("/_test/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "secret-detail" not in response.get_data(as_text=True)
