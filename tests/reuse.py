"""A database state that is costly to build, built once and copied back for each test.

The ``app`` fixture leaves every table empty after a test. A test that starts from a
large state (test_roles.py's world: some thirty commits, each one a flush to disk on
PostgreSQL) asks a :class:`Reused` for it instead: the first call builds it and reads
back every row; the next calls insert those rows again in one transaction and move the
id sequences to where the build left them, so the database is as the build made it,
row for row. What the build returned is handed out again (through ``fresh``, for parts
that change when used). It is built anew when it is older than ``max_age`` seconds
(so that what expires after minutes, such as challenges, has not) or when ``day`` says
the day has changed since (today's rows would be yesterday's).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from coach.extensions import db

T = TypeVar("T")
Rows = dict[str, list[dict[str, Any]]]

_SEQUENCES = sa.text(
    "SELECT sequencename, last_value FROM pg_catalog.pg_sequences"
    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)
_SET_SEQUENCE = sa.text("SELECT setval(CAST(:name AS regclass), :value)")


@dataclass
class _Built(Generic[T]):
    value: T
    rows: Rows
    sequences: list[dict[str, Any]]
    made: float  # time.monotonic()
    day: Hashable


def _read_rows() -> tuple[Rows, list[dict[str, Any]]]:
    with db.engine.connect() as conn:
        rows = {
            table.name: [dict(zip(table.columns.keys(), row, strict=True)) for row in found]
            for table in db.metadata.sorted_tables
            if (found := conn.execute(table.select()).all())
        }
        sequences = []
        if conn.dialect.name == "postgresql":
            sequences = [
                {"name": f'"{name}"', "value": value} for name, value in conn.execute(_SEQUENCES)
            ]
    return rows, sequences


# Tables whose rows triggers make (a person's today_cache row, with the person): the
# copies replace what the triggers made while the parents were copied back.
_MADE_BY_TRIGGERS = ("today_cache",)


def _copy_back(rows: Rows, sequences: list[dict[str, Any]]) -> None:
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:  # parents before children
            if table.name in _MADE_BY_TRIGGERS:
                conn.execute(table.delete())
            if table.name in rows:
                conn.execute(table.insert(), rows[table.name])
        if sequences:
            conn.execute(_SET_SEQUENCE, sequences)


class Reused(Generic[T]):
    def __init__(
        self,
        build: Callable[[], T],
        day: Callable[[T], Hashable],
        fresh: Callable[[T], T] = lambda value: value,
        max_age: float = 60.0,
    ) -> None:
        self.build, self.day, self.fresh, self.max_age = build, day, fresh, max_age
        self._built: dict[str, _Built[T]] = {}  # per database

    def __call__(self) -> T:
        """On an empty database: the state, built now or copied back."""
        key = db.engine.url.render_as_string(hide_password=False)
        built = self._built.get(key)
        if built is not None and time.monotonic() - built.made <= self.max_age:
            _copy_back(built.rows, built.sequences)
            if self.day(built.value) == built.day:
                return self.fresh(built.value)
            from tests.conftest import _empty_tables  # a new day: build it anew

            _empty_tables()
        made = time.monotonic()
        value = self.build()
        rows, sequences = _read_rows()
        self._built[key] = _Built(value, rows, sequences, made, self.day(value))
        return self.fresh(value)
