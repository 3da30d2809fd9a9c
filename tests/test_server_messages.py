"""Every message the server writes for a person comes in their language: the catalogue
(coach/messages.py) has Danish for every message in the code, marshmallow's and
werkzeug's, and the API answers in the person's setting, else Accept-Language."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import werkzeug.exceptions as http
from flask import Flask
from marshmallow import Schema, fields

import coach
from coach.domain.roles import Role
from coach.messages import CATALOGUES, DANISH, translated
from tests.factories import ApiClient, make_person, make_team, make_workplace, signed_in_client

COACH = Path(coach.__file__).parent
# Calls whose text arguments reach a person: exceptions, aborts, field errors.
MESSAGE_CALLS = {
    "NotFound",
    "Forbidden",
    "Conflict",
    "BadRequest",
    "Unauthorized",
    "UnprocessableEntity",
    "TooManyRequests",
    "UnsupportedMediaType",
    "RequestEntityTooLarge",
    "ServiceUnavailable",
    "ValidationError",
    "RefusedJSON",
    "RefusedEndpoint",
    "NotAllowed",
    "abort",
    "invalid",
    "add",  # a list of problems built up (coach/domain/instruction.py)
}


def _sample(node: ast.Constant | ast.JoinedStr) -> str:
    """The text as a person reads it, each filled-in value as "X"."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)


def _texts(subtree: ast.AST) -> Iterator[str]:
    inner = {id(v) for n in ast.walk(subtree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(subtree):
        if id(node) in inner:
            continue
        if isinstance(node, ast.JoinedStr):
            yield _sample(node)
        elif isinstance(node, ast.Constant) and " " in str(node.value).strip():
            yield str(node.value)


def code_messages() -> set[str]:
    """The messages written in coach/: texts given to the calls above, to a validator's
    ``error=``, and returned by the ``*_problem`` functions."""
    found: set[str] = set()
    for path in sorted(COACH.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            subtrees: list[ast.AST] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in MESSAGE_CALLS:
                    subtrees.append(node)
                subtrees += [k.value for k in node.keywords if k.arg == "error"]
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_problem"):
                returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
                subtrees += [n.value for n in returns if n.value is not None]
            for subtree in subtrees:
                found.update(_texts(subtree))
    return found


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _field_messages(field: fields.Field) -> Iterator[str]:
    for message in field.error_messages.values():
        yield message.format(input="x", obj_type="datetime", awareness="naive")
    for validator in field.validators:
        for attribute in ("error", "message_min", "message_max", "message_all", "message_equal"):
            template = getattr(validator, attribute, None)
            if isinstance(template, str):
                values = {k: getattr(validator, k, None) for k in ("min", "max", "equal")}
                choices = ", ".join(map(str, getattr(validator, "choices", ())))
                yield template.format(input="x", choices=choices, labels="", **values)
    for inner in ("inner", "value_field", "key_field"):
        if isinstance(getattr(field, inner, None), fields.Field):
            yield from _field_messages(getattr(field, inner))


def schema_messages() -> set[str]:
    """Every message marshmallow can give for a field of one of the API's schemas."""
    for module in pkgutil.walk_packages(coach.__path__, "coach."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: set[str] = set()
    for cls in _subclasses(Schema):
        if not cls.__module__.startswith("coach"):
            continue
        schema = cls()
        found.update(schema.error_messages.values())
        for field in schema.fields.values():
            found.update(_field_messages(field))
    return found


def test_the_scan_finds_the_messages_it_should() -> None:
    messages = code_messages()
    assert "No such set." in messages
    assert "X uses a band: which one?" in messages
    assert "Must not be blank." in messages
    assert len(messages) > 100
    assert "Missing data for required field." in schema_messages()


def test_every_message_in_the_code_has_danish() -> None:
    missing = sorted(m for m in code_messages() if translated(m, "da") is None)
    assert missing == [], "add these to coach/messages.py"


def test_every_field_message_has_danish() -> None:
    missing = sorted(m for m in schema_messages() if translated(m, "da") is None)
    assert missing == [], "add these to coach/messages.py"


@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503])
def test_werkzeugs_own_words_have_danish(code: int) -> None:
    assert translated(http.default_exceptions[code].description or "", "da") is not None


def test_danish_and_english_fill_in_the_same_values() -> None:
    assert CATALOGUES["en"].keys() == DANISH.keys()
    names = string.Formatter()
    for english, danish in DANISH.items():
        wanted = sorted(n for _, n, _, _ in names.parse(english) if n)
        assert sorted(n for _, n, _, _ in names.parse(danish) if n) == wanted, english
        assert danish.strip() and danish != english, english


def test_a_filled_in_template_comes_back_in_danish() -> None:
    # A field's own parser's words (coach/domain/calendar.py), which the scan cannot see.
    assert translated("'7' is not a time of day as HH:MM (00:00-23:59)", "da") == (
        "'7' er ikke et klokkeslæt som TT:MM (00:00-23:59)"
    )
    assert translated("lateral-raise uses a band: which one?", "da") == (
        "lateral-raise bruger en elastik: hvilken?"
    )
    assert translated("Must be greater than or equal to 1 and less than or equal to 10.", "da") == (
        "Skal være større end eller lig med 1 og mindre end eller lig med 10."
    )
    # The most specific template wins: no English left in the middle.
    assert translated("The query parameter 'endpoint' contains a NUL character.", "da") == (
        "Forespørgselsparameteren 'endpoint' indeholder et NUL-tegn."
    )
    assert translated("Something nobody wrote.", "da") is None


# -- the API speaks the person's language ---------------------------------------------


def _bad_set(api: ApiClient) -> dict[str, Any]:
    response = api.post("/api/me/sets", json={"id": "not-a-uuid", "exercise": "lateral-raise"})
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.json


def _person(language: str) -> Any:
    return make_person(Role.MEMBER, team=make_team(make_workplace()), language=language)


def test_a_danish_member_gets_danish_field_errors(app: Flask) -> None:
    api = signed_in_client(app, _person("da"))
    body = _bad_set(api)
    assert body["message"] == "Nogle felter mangler eller er ugyldige; se errors."
    assert body["errors"]["json"]["id"] == ["Ikke et gyldigt UUID."]
    assert body["errors"]["json"]["performed_at"] == ["Feltet skal udfyldes."]


def test_an_english_member_gets_english_whatever_the_browser_says(app: Flask) -> None:
    api = signed_in_client(app, _person("en"))
    response = api.post("/api/me/sets", json={"id": "x"}, headers={"Accept-Language": "da"})
    assert response.headers["Content-Language"] == "en"
    assert response.json["errors"]["json"]["id"] == ["Not a valid UUID."]


@pytest.mark.parametrize(
    ("accept", "language", "message"),
    [
        ("en-GB,en;q=0.9", "en", "Sign in first."),
        ("da", "da", "Log ind først."),
        (None, "da", "Log ind først."),
    ],
)
def test_a_stranger_gets_the_browsers_language_else_danish(
    app: Flask, accept: str | None, language: str, message: str
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    response = app.test_client().get("/api/me/today", headers=headers)
    assert response.status_code == 401
    assert response.headers["Content-Language"] == language
    assert response.json["message"] == message


def test_a_refusal_with_values_is_danish_with_the_values(app: Flask) -> None:
    api = signed_in_client(app, _person("da"))
    response = api.get("/api/me/sets/123456")
    assert response.status_code in (404, 405)
    assert re.search("[æøå]|findes ikke|Adressen", response.json["message"]), response.json


@pytest.mark.parametrize("language", ["da", "en"])
def test_plan_warnings_in_the_admins_language(app: Flask, language: str) -> None:
    workplace = make_workplace()
    starts = date.today() - timedelta(days=date.today().weekday())
    make_team(workplace, program="office-daily-5", program_started_on=starts)
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=workplace, language=language))
    plan = {
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(weeks=20)).isoformat(),
        "instructor_weeks": [],
        "key_persons": [],
    }
    response = admin.put("/api/workplace/plan", json=plan)
    assert response.status_code == 200, response.json
    warnings = [w for team in response.json["teams"] for w in team["warnings"]]
    assert warnings
    word = "Programuge" if language == "da" else "Program week"
    assert all(w.startswith(word) for w in warnings), warnings


def _keys(table: Any) -> Any:
    """A nested table's shape: its keys, and below them the keys of each value."""
    if isinstance(table, dict) or hasattr(table, "keys"):
        return {key: _keys(table[key]) for key in table}
    return None


def test_every_server_catalogue_names_the_same_keys_in_danish_and_english() -> None:
    from coach.live.invitation import TEXTS as LIVE
    from coach.reminders.texts import TEXTS as REMINDERS
    from coach.teams.report_words import REGIONS, WORDS
    from coach.web.error_pages import WORDS as ERROR_PAGES

    for name, catalogue in [
        ("reminders", REMINDERS),
        ("live invitation", LIVE),
        ("report", WORDS),
        ("report regions", REGIONS),
        ("error pages", ERROR_PAGES),
    ]:
        assert set(catalogue) == {"da", "en"}, name
        assert _keys(catalogue["da"]) == _keys(catalogue["en"]), name
