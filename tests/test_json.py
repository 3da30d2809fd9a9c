"""The orjson-backed provider answers with the bytes Flask's own encoder would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from coach.json import OrjsonProvider


@dataclass
class Point:
    x: int
    label: str


BODY = {
    "zeta": [1, 2.5, None, True, False],
    "alpha": {"b": "Skulderløft — 5 gange 12", "a": ["æøå", "\u2028", '"quoted"\n']},
    "moment": datetime(2026, 11, 27, 11, 30, tzinfo=UTC),
    "day": date(2026, 11, 27),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "point": Point(3, "rød"),
    "amount": Decimal("2.50"),
}


def _flask_bytes(app: Flask, body: object) -> bytes:
    reference = DefaultJSONProvider(app)
    reference.ensure_ascii = False  # as the app sets it
    return reference.response(body).get_data()


def test_answers_are_byte_for_byte_what_flask_would_send(app: Flask) -> None:
    with app.app_context():
        assert isinstance(app.json, OrjsonProvider)
        ours = app.json.response(BODY)
        assert ours.mimetype == "application/json"
        assert ours.get_data() == _flask_bytes(app, BODY)
        # Dates took Flask's format, not orjson's ISO one.
        assert b'"day":"Fri, 27 Nov 2026 00:00:00 GMT"' in ours.get_data()


def test_numeric_keys_are_sorted_as_flask_sorts_them(app: Flask) -> None:
    body = {"weeks": {1: "a", 10: "b", 2: "c"}}  # numbers, not text: 1, 2, 10
    with app.app_context():
        ours = app.json.response(body).get_data()
        assert ours == b'{"weeks":{"1":"a","2":"c","10":"b"}}\n' == _flask_bytes(app, body)


def test_debug_pretty_printing_is_flasks(app: Flask) -> None:
    with app.app_context():
        app.debug = True
        try:
            pretty = app.json.response({"b": 1, "a": [1]}).get_data()
        finally:
            app.debug = False
        assert pretty == b'{\n  "a": [\n    1\n  ],\n  "b": 1\n}\n'
