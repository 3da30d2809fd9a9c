"""Input no schema describes: every endpoint answers 400 in the one format, and nothing
stored changes.

The bodies and addresses here are what a fuzzer generating from the schemas never
makes (1,000 nested arrays, a key twice, a NUL), so they are sent by hand to every
route that takes a body, signed in as an admin (past every role check) and anonymously.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.domain.roles import Role
from coach.extensions import db
from coach.request_body import MAX_DEPTH, loads
from tests.factories import ApiClient, make_person, make_team, make_workplace, signed_in_client
from tests.test_errors import assert_json_error

BAD_BODIES: dict[str, bytes] = {
    "1000 nested arrays": b"[" * 1000 + b"]" * 1000,
    "1000 nested objects": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "33 levels": b'{"name":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}",
    "duplicate key": b'{"name": "Packing", "name": "Dispatch"}',
    "nested duplicate key": b'{"pain": {"neck": 2, "neck": 9}}',
    "float overflow": b'{"reps": 1e400}',
    "integer overflow": b'{"reps": 123456789012345678901234567890}',
    "integer of 5000 digits": b'{"reps": ' + b"9" * 5000 + b"}",
    "NaN": b'{"reps": NaN}',
    "Infinity": b'{"reps": -Infinity}',
    "NUL in a value": b'{"display_name": "Ann\\u0000"}',
    "NUL in a key": b'{"display\\u0000name": "Ann"}',
    "lone surrogate": b'{"display_name": "\\ud800"}',
    "lone low surrogate in a list": b'{"days": ["mon", "\\udfff"]}',
}


PUBLIC_BODY_ROUTES = (
    "/api/auth/login",
    "/api/auth/sign-in-links/",
    "/api/auth/passkeys/",
    "/api/invites/1/accept",
)


def body_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) under /api that takes a body, its variables filled in."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<uuid:[^<>]+>", "6f1c2d3e-9a4b-4c5d-8e6f-7a8b9c0d1e2f", rule.rule)
        path = re.sub(r"<(?:int:)?[^<>]+>", "1", path)
        for method in (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}:
            routes.add((method, path))
    return sorted(routes)


def stored_rows() -> dict[str, list[Any]]:
    """Every row of every table, to compare before and after."""
    with db.engine.connect() as conn:
        return {
            table.name: sorted(map(repr, conn.execute(sa.select(table))))
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def admin_api(app: Flask) -> ApiClient:
    workplace = make_workplace()
    make_person(Role.MEMBER, team=make_team(workplace))
    # English: these tests read the messages as the code writes them.
    return signed_in_client(app, make_person(Role.ADMIN, workplace=workplace, language="en"))


@pytest.mark.parametrize("signed_in", [True, False], ids=["admin", "anonymous"])
def test_bad_bodies_are_400_everywhere_and_change_nothing(
    app: Flask, admin_api: ApiClient, signed_in: bool
) -> None:
    client = admin_api if signed_in else ApiClient(app.test_client())
    before = stored_rows()
    routes = body_routes(app)
    assert len(routes) > 20
    for method, path in routes:
        # A stranger is told to sign in first where the route needs it: who asks comes
        # before what they sent.
        expected = 400 if signed_in or path.startswith(PUBLIC_BODY_ROUTES) else 401
        for name, body in BAD_BODIES.items():
            response = client.request(method, path, data=body, content_type="application/json")
            assert response.status_code == expected, (method, path, name, response.text)
            assert_json_error(response, expected)
    assert stored_rows() == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (BAD_BODIES["1000 nested arrays"], "nested more than 32"),
        (BAD_BODIES["duplicate key"], "'name' appears twice"),
        (BAD_BODIES["float overflow"], "too large"),
        (BAD_BODIES["integer overflow"], "too large"),
        (BAD_BODIES["NaN"], "NaN is not a JSON number"),
        (BAD_BODIES["NUL in a value"], "NUL"),
        (BAD_BODIES["lone surrogate"], "lone surrogate"),
    ],
)
def test_the_message_says_what_is_wrong(admin_api: ApiClient, body: bytes, words: str) -> None:
    response = admin_api.patch("/api/me", data=body, content_type="application/json")
    assert words in assert_json_error(response, 400)["message"]


def test_depth_32_is_still_read() -> None:
    # The bound refuses the 33rd level, not the 32nd.
    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(deepest) == json.loads(deepest)
    # ...and the largest integers and the rest of JSON read as the standard reader does.
    ordinary = '{"a": [1, -9223372036854775807, 2.5e-3, true, null, "æ\\u00f8\\ud83d\\ude00"]}'
    assert loads(ordinary) == json.loads(ordinary)


@pytest.mark.parametrize(
    "path",
    [
        "/api/exercises/lateral%00raise",
        "/api/exercises?lang=da%00",
        "/api/me/history?from%00=2026-01-01",
        "/api/invites/%00",
    ],
)
def test_nul_in_the_address_is_400(admin_api: ApiClient, path: str) -> None:
    assert "NUL" in assert_json_error(admin_api.get(path), 400)["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_on": "9999-06-07", "ends_on": "9999-12-31", "instructor_weeks": ["9999-06-07"]},
        {"starts_on": "9999-12-27", "ends_on": "9999-12-31", "instructor_weeks": []},
        {"starts_on": "0001-01-01", "ends_on": "0001-06-30", "instructor_weeks": ["0001-01-01"]},
        {"starts_on": "1999-12-27", "ends_on": "2000-06-30", "instructor_weeks": []},
        {"starts_on": "2100-12-27", "ends_on": "2101-06-30", "instructor_weeks": []},
    ],
)
def test_plan_dates_outside_2000_to_2100_are_422(
    admin_api: ApiClient, changes: dict[str, Any]
) -> None:
    before = stored_rows()
    body = assert_json_error(admin_api.put("/api/workplace/plan", json=changes), 422)
    assert "2000-01-01 and 2100-12-31" in json.dumps(body["errors"])
    assert stored_rows() == before


def test_a_plan_at_the_window_edge_is_fine(admin_api: ApiClient) -> None:
    plan = {"starts_on": "2100-01-04", "ends_on": "2100-12-31", "instructor_weeks": ["2100-01-04"]}
    response = admin_api.put("/api/workplace/plan", json=plan)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "query", ["from=0001-01-01", "to=9999-12-31", "from=1999-12-31&to=2026-01-01"]
)
def test_history_dates_outside_the_window_are_422(admin_api: ApiClient, query: str) -> None:
    assert_json_error(admin_api.get(f"/api/me/history?{query}"), 422)
