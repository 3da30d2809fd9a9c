"""Database plumbing shared by every capability: column types and engine set-up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Dialect

from coach.extensions import db

log = logging.getLogger(__name__)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A point in time, always timezone-aware UTC in Python.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so naive values read
    back from it are UTC by construction (everything written goes through here).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def plain_select(sql: str, *columns: str | sa.ColumnClause[Any]) -> sa.TextualSelect:
    """A SELECT written in SQL, with every result column named in order.

    ``columns`` are names, or columns (a table's, or ``sa.column(name, type)``) where
    the value needs converting (dates, UUIDs, UTC times). Listed in order, the result
    columns are matched by position and the match is kept with the compiled statement;
    named in a dict, SQLAlchemy would match them by name on every execution.
    """
    return sa.text(sql).columns(
        *(sa.column(column) if isinstance(column, str) else column for column in columns)
    )


def valid_id(value: int) -> bool:
    """Whether an id from a URL can name a row. Ids are INTEGER columns (32-bit on
    PostgreSQL); looking up a larger number fails in the driver instead of finding
    nothing (PostgreSQL: out of range, SQLite past 64 bits: OverflowError)."""
    return 0 < value <= 2**31 - 1


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the reminder worker write while the web process reads.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


# Set on a connection by any statement that is not a plain read, until its next BEGIN.
_WROTE = "coach_wrote"


def _note_writes(
    conn: sa.Connection, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    if not statement.lstrip()[:6].upper().startswith("SELECT"):
        conn.info[_WROTE] = True


def _forget_writes(conn: sa.Connection) -> None:
    conn.info.pop(_WROTE, None)


def _end_reads_with_commit(_error: BaseException | None) -> None:
    """End a request's transaction that only read with COMMIT instead of ROLLBACK.

    Both end a read-only transaction alike, but psycopg forgets its prepared
    statements on every ROLLBACK, so a request ending with one makes PostgreSQL plan
    every statement of the next request again (for today's screen, planning costs
    more than running). Anything else (ORM changes nobody committed, or any statement
    that is not a SELECT) is left to Flask-SQLAlchemy's teardown, which rolls back.
    """
    if _error is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(_WROTE):
        return
    try:
        session.commit()
    except sa.exc.SQLAlchemyError:
        # The answer is made already; a connection that broke is the pool's to replace.
        log.warning("ending a read-only transaction failed", exc_info=True)
        session.rollback()


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "before_cursor_execute", _note_writes)
        sa.event.listen(engine, "begin", _forget_writes)
    # Registered after Flask-SQLAlchemy's, so it runs before the session is removed.
    app.teardown_appcontext(_end_reads_with_commit)
