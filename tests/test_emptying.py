"""The ``app`` fixture empties the database after each test the way a fresh one is:
no rows in any table, ids starting at 1 again (tests may compare ids they create); a
state reused across tests (tests/reuse.py) comes back as it was built."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from coach.extensions import db
from tests.conftest import _empty_tables
from tests.factories import make_invite, make_person, make_team
from tests.reuse import Reused


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


def _small_world() -> tuple[int, int]:
    team = make_team()
    make_invite(team)
    return make_person(team=team).id, team.id


REUSED = Reused(_small_world, day=lambda _ids: "always the same day")


def _rows() -> dict[str, list[tuple[object, ...]]]:
    with db.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(t.select().order_by(*t.primary_key))]
            for t in db.metadata.sorted_tables
        }


def test_a_reused_state_comes_back_row_for_row_and_its_ids_go_on(app: Flask) -> None:
    built = REUSED()
    as_built = _rows()
    db.session.remove()
    _empty_tables()

    assert REUSED() == built
    assert _rows() == as_built
    # The next id is the one the build would have handed out next, on both databases.
    assert make_person().id == built[0] + 1
