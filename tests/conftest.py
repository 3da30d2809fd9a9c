"""Fixtures: every app-level test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``COACH_TEST_DATABASE_URL`` (default: the local server). Each run
gets its own schema, dropped at the end, so runs never see each other's rows. Without
a server the PostgreSQL half is skipped with a message — except under ``CI=true``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from coach import create_app
from coach.accounts.throttle import rate_limits
from coach.extensions import db
from coach.live import invitation
from coach.polls import closing

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_url(schema: str) -> str:
    base = os.environ.get("COACH_TEST_DATABASE_URL") or DEFAULT_PG
    plain = sa.engine.make_url(base).set(drivername="postgresql")
    try:
        with psycopg.connect(plain.render_as_string(hide_password=False), connect_timeout=3) as c:
            c.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {plain.host}:{plain.port} is not reachable ({exc})"
        if IN_CI:
            pytest.fail(f"{message}; under CI=true the PostgreSQL run must not be skipped")
        pytest.skip(f"{message}: skipping the PostgreSQL run")
    return (
        sa.engine.make_url(base)
        # Commits need not wait for the disk: a test never outlives a crash of the
        # server, and on this shared machine a flush took 0.8 ms or far longer.
        .update_query_dict({"options": f"-csearch_path={schema} -csynchronous_commit=off"})
        .render_as_string(hide_password=False)
    )


def _drop_schema(url: str, schema: str) -> None:
    plain = sa.engine.make_url(url).set(drivername="postgresql", query={})
    with psycopg.connect(plain.render_as_string(hide_password=False)) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'coach.db'}"
        return
    schema = f"coach_test_{os.getpid()}_{secrets.token_hex(4)}"
    url = _postgres_url(schema)
    try:
        yield url
    finally:
        _drop_schema(url, schema)


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def make_app(database_url: str, instance_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on this run's database; keyword arguments override config."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance_path),
            "SECRET_KEY": "test-secret",
            "PUBLIC_URL": "https://coach.test",
            # Reminder delivery in tests only ever goes to 127.0.0.1; fail fast there.
            "PUSH_BACKOFF_SECONDS": 0,
            "PUSH_TIMEOUT_SECONDS": 2,
            **overrides,
        }
        app = create_app(config)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app()
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    return app


@pytest.fixture
def app(migrated_app: Flask) -> Iterator[Flask]:
    with migrated_app.app_context():
        rate_limits().reset()
        yield migrated_app
        # A poll's push and a live session's invitation go out from threads of their
        # own: let them finish in this test, or they write their delivery attempts
        # into the next test's rows (or deadlock with the emptying below).
        for thread in [*closing.RUNNING, *invitation.RUNNING]:
            thread.join(10)
        db.session.remove()
        _empty_tables()


# Every sequence of this run's schema back to 1, as ``TRUNCATE ... RESTART IDENTITY`` did.
_RESTART_SEQUENCES = """
DO $$
DECLARE s regclass;
BEGIN
    FOR s IN SELECT oid FROM pg_catalog.pg_class
             WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace
    LOOP
        PERFORM setval(s, 1, false);
    END LOOP;
END $$
"""


def _empty_tables() -> None:
    """Delete every row, children before parents, and restart the ids at 1.

    On PostgreSQL this is one round trip of ``DELETE``s, not ``TRUNCATE``: a truncate
    gives each table and index new files, which made emptying the tables after each
    test cost 250-500 ms (most of the suite's PostgreSQL half); these deletes of a
    test's few rows take about 10 ms.
    """
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            deletes = [f'DELETE FROM "{t.name}"' for t in tables]
            conn.exec_driver_sql("; ".join([*deletes, _RESTART_SEQUENCES]))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()
