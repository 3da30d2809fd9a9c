"""ISO weeks in SQL, so the database can count per week instead of shipping every row.

``iso_week_start(column)`` is the Monday of a date column's ISO week, as a date, on
SQLite and PostgreSQL alike (the same rule as :func:`coach.domain.adherence.week_start`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class iso_week_start(FunctionElement[Any]):
    """The Monday of the ISO week of a date expression."""

    type = sa.Date()
    name = "iso_week_start"
    inherit_cache = True


@compiles(iso_week_start, "sqlite")
def _sqlite(element: iso_week_start, compiler: Any, **kw: Any) -> str:
    # 'weekday 0' moves forward to the next Sunday (or stays on one); six days back
    # from there is the Monday of the same ISO week.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(iso_week_start, "postgresql")
def _postgresql(element: iso_week_start, compiler: Any, **kw: Any) -> str:
    day = compiler.process(element.clauses, **kw)
    # date - integer is a date; ISODOW is 1 on Monday.
    return f"({day} - (CAST(EXTRACT(ISODOW FROM {day}) AS INTEGER) - 1))"


class days_after(FunctionElement[Any]):
    """A date expression moved ``days`` days later, as a date: ``days_after(day, 28)``."""

    type = sa.Date()
    name = "days_after"
    inherit_cache = True


@compiles(days_after, "sqlite")
def _sqlite_days_after(element: days_after, compiler: Any, **kw: Any) -> str:
    day, days = element.clauses
    # A modifier such as '28 days' (the sign is optional).
    return f"date({compiler.process(day, **kw)}, {compiler.process(days, **kw)} || ' days')"


@compiles(days_after, "postgresql")
def _postgresql_days_after(element: days_after, compiler: Any, **kw: Any) -> str:
    day, days = element.clauses
    # date + integer is a date.
    return f"({compiler.process(day, **kw)} + {compiler.process(days, **kw)})"
