"""How a request's transaction ends: one that only read ends with COMMIT (psycopg keeps
its prepared statements only then), anything unfinished with ROLLBACK.

The ``app`` fixture keeps one app context open for a whole test, and requests reuse it;
these tests serve a second app on the same database, so that each request has its own
context and ends the way it does in production.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, abort

from coach.accounts.models import Person
from coach.extensions import db
from coach.teams.models import Team
from tests.factories import make_person


def _serving(make_app: Callable[..., Flask]) -> tuple[Flask, list[str]]:
    """A second app, and the list of how its transactions end (commit or rollback)."""
    served = make_app()
    ends: list[str] = []
    with served.app_context():
        engine = db.engine
    sa.event.listen(engine, "commit", lambda _conn: ends.append("commit"))
    sa.event.listen(engine, "rollback", lambda _conn: ends.append("rollback"))
    return served, ends


def test_a_request_that_only_read_ends_with_commit_and_keeps_prepared_statements(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    served, ends = _serving(make_app)
    person = make_person(display_name="Before")

    @served.post("/test/write")
    def write() -> tuple[str, int]:
        db.session.get(Person, person.id).display_name = "After"  # type: ignore[union-attr]
        db.session.commit()
        return "", 204

    client = served.test_client()
    # A connection that wrote in its last transaction reads plainly in the next one.
    assert client.post("/test/write").status_code == 204
    for _ in range(8):  # psycopg prepares a statement from its sixth run on
        assert client.get("/api/health").status_code == 200
    assert ends == ["commit"] * 9
    with served.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            kept = connection.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements")
            assert kept.scalar() >= 1
        db.session.rollback()


def test_a_request_that_wrote_and_failed_is_rolled_back(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    served, ends = _serving(make_app)
    person = make_person(display_name="Before")
    team_id = person.team_id
    assert team_id is not None

    @served.post("/test/core-write-then-fail")
    def core_write_then_fail() -> None:
        db.session.connection().execute(
            sa.update(Team).where(Team.id == team_id).values(name="Written")
        )
        abort(422)

    @served.post("/test/orm-change-then-fail")
    def orm_change_then_fail() -> None:
        db.session.get(Person, person.id).display_name = "Changed"  # type: ignore[union-attr]
        abort(422)

    client = served.test_client()
    assert client.post("/test/core-write-then-fail").status_code == 422
    assert client.post("/test/orm-change-then-fail").status_code == 422
    assert ends == ["rollback", "rollback"]
    db.session.expire_all()
    assert db.session.get(Team, team_id).name != "Written"  # type: ignore[union-attr]
    assert db.session.get(Person, person.id).display_name == "Before"  # type: ignore[union-attr]
