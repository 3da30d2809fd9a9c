"""Statements for the worker's hot path that stay short whatever the batch size.

An ``IN`` list of hundreds of ids or a multi-row ``VALUES`` is a new statement text
for every size, hundreds of parameters long: building, sending and (psycopg) parsing
it cost more than running it. On PostgreSQL a list of ids is one array parameter
(``= ANY(:ids)``) and many rows are inserted from one array per column
(``INSERT … SELECT * FROM unnest(…)``). SQLite (one host, the same code path) gets
plain ``IN`` lists, a few hundred ids at a time, and executemany.

An array of ints, dates, times of day, aware datetimes or strings is sent as one text
parameter in PostgreSQL's array syntax (``'{1,2,3}'``, cast to the column's array
type) rather than as a list psycopg dumps element by element in Python: the pass
sends about ten such arrays per message, and the text costs a fraction of the list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from coach.extensions import db

SQLITE_CHUNK = 500  # ids per IN list: within every SQLite build's parameter limit


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def batches(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    """All ids at once on PostgreSQL (one array), a few hundred at a time on SQLite."""
    if not ids:
        return
    if on_postgresql():
        yield ids
        return
    for i in range(0, len(ids), SQLITE_CHUNK):
        yield ids[i : i + SQLITE_CHUNK]


def among(column: Any, ids: Iterable[Any]) -> sa.ColumnElement[bool]:
    """``column IN ids`` as one array parameter on PostgreSQL (see ``batches``)."""
    values = list(ids)
    if on_postgresql():
        return column == sa.any_(array_of(values, column.type))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def array_of(values: Sequence[Any], item_type: Any) -> Any:
    """``values`` as one PostgreSQL array parameter of ``item_type``, rendered with its
    cast: as array text where every value has a plain text form, else as a list."""
    text = array_text(values)
    if text is None:
        return sa.literal(list(values), postgresql.ARRAY(item_type))
    return sa.cast(sa.literal(text, sa.Text), postgresql.ARRAY(item_type))


def array_text(values: Iterable[Any]) -> str | None:
    """PostgreSQL's text form of an array of these values (None stays NULL), or None
    if one of them has no form here (it is then dumped as a list). Strings are quoted
    as the array syntax asks (backslash and double quote escaped); a datetime must be
    aware, as the UTC columns require (its text carries the offset)."""
    parts = []
    for value in values:
        kind = type(value)
        if kind is int:
            parts.append(str(value))
        elif value is None:
            parts.append("NULL")
        elif kind is str:
            parts.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif kind is datetime:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            parts.append(f'"{value}"')
        elif kind is date or kind is time:
            parts.append(f'"{value}"')
        else:
            return None
    return "{" + ",".join(parts) + "}"


def insert_rows(table: sa.Table, rows: Sequence[dict[str, Any]]) -> tuple[Any, Any]:
    """An upsert-capable INSERT of ``rows`` (same keys each) and its parameters, for
    ``db.session.execute(statement, parameters)``: from one array per column on
    PostgreSQL, executemany on SQLite. Add ``on_conflict_…`` or ``returning`` freely."""
    if not on_postgresql():
        return sqlite.insert(table), list(rows)
    names = list(rows[0])
    columns = {name: [row[name] for row in rows] for name in names}
    # A column with one value for every row (the channel, a claim's worker and lease,
    # a delivered status) is one parameter, not an array: psycopg dumps arrays element
    # by element in Python, which was a seventh of a pass's CPU. One array stays, for
    # unnest to make the rows from.
    same = {name for name, values in columns.items() if _all_equal(values)}
    varying = [name for name in names if name not in same] or names[:1]
    arrays = [array_of(columns[name], table.c[name].type) for name in varying]
    source = sa.func.unnest(*arrays).table_valued(*varying).render_derived()
    select = sa.select(
        *(
            source.c[name] if name in varying else sa.literal(columns[name][0], table.c[name].type)
            for name in names
        )
    )
    return postgresql.insert(table).from_select(names, select), None


def _all_equal(values: list[Any]) -> bool:
    return values.count(values[0]) == len(values)  # compared in C
