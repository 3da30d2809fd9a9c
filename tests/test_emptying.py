"""The ``app`` fixture empties the database after each test the way a fresh one is:
no rows in any table, ids starting at 1 again (tests may compare ids they create)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from coach.extensions import db
from tests.conftest import _empty_tables
from tests.factories import make_invite, make_person, make_team


def test_emptying_deletes_every_row_and_restarts_the_ids(app: Flask) -> None:
    team = make_team()
    make_invite(team)
    first_ids = (make_person(team=team).id, team.id)
    make_person(team=team)
    db.session.remove()

    _empty_tables()

    with db.engine.connect() as conn:
        counts = {
            t.name: conn.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        }
    assert set(counts.values()) == {0}, counts
    again = make_person()
    assert (again.id, again.team_id) == first_ids == (1, 1)
