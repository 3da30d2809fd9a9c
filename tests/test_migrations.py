"""The schema comes only from migrations, and they produce exactly the models."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

import coach
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import make_person


def test_migrated_schema_equals_the_models(app: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'roundtrip.db'}")
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert "people" in sa.inspect(db.engine).get_table_names()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'pragmas.db'}")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _insert_workplace(c: sa.Connection) -> None:
    """Workplace 1 with its band set, written as rows of an older schema."""
    c.exec_driver_sql("INSERT INTO band_sets (id, brand) VALUES (1, 'TheraBand')")
    c.exec_driver_sql(
        "INSERT INTO workplaces (id, name, time_zone, language, band_set_id, created_at)"
        " VALUES (1, 'W', 'Europe/Copenhagen', 'da', 1, '2026-01-01 00:00:00')"
    )


def test_existing_teams_start_when_their_earliest_member_joined(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'team_start.db'}")
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as c:
            _insert_workplace(c)
            for team_id in (1, 2):
                c.exec_driver_sql(
                    "INSERT INTO teams (id, workplace_id, name, program, reminder_time, workdays,"
                    f" created_at) VALUES ({team_id}, 1, 'T{team_id}', 'office-daily-5',"
                    " '11:25:00', '[\"mon\"]', '2026-01-02 09:00:00')"
                )
            # 23:30 UTC on 9 March is 10 March in Copenhagen: the local day counts.
            for joined in ("2026-03-09 23:30:00", "2026-04-01 08:00:00"):
                c.exec_driver_sql(
                    "INSERT INTO people (workplace_id, team_id, display_name, role, language,"
                    f" share_participation, created_at) VALUES (1, 1, 'P', 'member', 'da', 0,"
                    f" '{joined}')"
                )
        upgrade()
        with db.engine.connect() as c:
            starts = c.exec_driver_sql("SELECT id, program_started_on FROM teams ORDER BY id").all()
    # Team 2 has nobody yet: it starts on the day it was made.
    assert [(team_id, str(day)) for team_id, day in starts] == [
        (1, "2026-03-10"),
        (2, "2026-01-02"),
    ]


def test_cardio_intensities_become_efforts_where_they_sit_on_the_scale(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'cardio_effort.db'}")
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as c:
            _insert_workplace(c)
            c.exec_driver_sql(
                "INSERT INTO teams (id, workplace_id, name, program, reminder_time, workdays,"
                " program_started_on, created_at) VALUES (1, 1, 'T', 'office-daily-5',"
                " '11:25:00', '[\"mon\"]', '2026-01-05', '2026-01-02 09:00:00')"
            )
            c.exec_driver_sql(
                "INSERT INTO people (id, workplace_id, team_id, display_name, role, language,"
                " share_participation, created_at) VALUES (1, 1, 1, 'P', 'member', 'da', 0,"
                " '2026-01-02 09:00:00')"
            )
            for n, (activity, intensity) in enumerate(
                (("running", "easy"), ("rowing", "moderate"), ("cycling", "hard"))
            ):
                c.exec_driver_sql(
                    "INSERT INTO cardio_sessions (id, person_id, performed_at, local_date,"
                    " activity, minutes, intensity, created_at) VALUES"
                    f" ('{n:032x}', 1, '2026-01-06 16:00:00', '2026-01-06', '{activity}', 20,"
                    f" '{intensity}', '2026-01-06 16:00:00')"
                )
        upgrade()
        with db.engine.connect() as c:
            efforts = c.exec_driver_sql(
                "SELECT activity, effort FROM cardio_sessions ORDER BY id"
            ).all()
            plans = c.exec_driver_sql("SELECT cardio_plan FROM teams").all()
        assert [tuple(row) for row in efforts] == [("running", 3), ("rowing", 5), ("cycling", 7)]
        assert [tuple(row) for row in plans] == [(None,)]
        columns = {
            column["name"] for column in sa.inspect(db.engine).get_columns("cardio_sessions")
        }
        assert "effort" in columns and "intensity" not in columns
        # The new kinds are stored; going back, their rows go and efforts are words again.
        with db.engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO cardio_sessions (id, person_id, performed_at, local_date, activity,"
                f" minutes, effort, created_at) VALUES ('{9:032x}', 1, '2026-01-07 16:00:00',"
                " '2026-01-07', 'walking', 30, 2, '2026-01-07 16:00:00')"
            )
        downgrade(revision="0017")
        with db.engine.connect() as c:
            words = c.exec_driver_sql(
                "SELECT activity, intensity FROM cardio_sessions ORDER BY id"
            ).all()
        assert [tuple(row) for row in words] == [
            ("running", "easy"),
            ("rowing", "moderate"),
            ("cycling", "hard"),
        ]


def _today_cache_migration() -> Any:
    path = Path(coach.__file__).parent / "migrations" / "versions" / "0019_today_cache.py"
    spec = importlib.util.spec_from_file_location("today_cache_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _triggers(connection: sa.Connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        sql = (
            "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return set(connection.exec_driver_sql(sql).scalars())


def test_every_trigger_that_keeps_today_honest_is_there_at_the_head(app: Flask) -> None:
    """SQLite drops a table's triggers when a batch migration rebuilds the table: a
    later migration that rebuilds workout_sets, people or another watched table must
    make the triggers of 0019 again, or kept prescriptions would go stale."""
    with db.engine.connect() as connection:
        wanted = _today_cache_migration().trigger_names(connection.dialect.name)
        assert len(wanted) >= 8
        assert wanted <= _triggers(connection)


def test_today_cache_goes_and_comes_back_with_a_row_for_everyone(app: Flask) -> None:
    person = make_person(Role.MEMBER)
    downgrade(revision="0018")
    with db.engine.connect() as connection:
        assert "today_cache" not in sa.inspect(connection).get_table_names()
        assert not _triggers(connection)
    upgrade()
    rows = db.session.execute(sa.text("SELECT person_id, stamp FROM today_cache")).all()
    assert [tuple(row) for row in rows] == [(person.id, 0)]
