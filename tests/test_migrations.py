"""The schema comes only from migrations, and they produce exactly the models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from coach.extensions import db


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


def test_existing_teams_start_when_their_earliest_member_joined(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'team_start.db'}")
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as c:
            c.exec_driver_sql("INSERT INTO band_sets (id, brand) VALUES (1, 'TheraBand')")
            c.exec_driver_sql(
                "INSERT INTO workplaces (id, name, time_zone, language, band_set_id, created_at)"
                " VALUES (1, 'W', 'Europe/Copenhagen', 'da', 1, '2026-01-01 00:00:00')"
            )
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
