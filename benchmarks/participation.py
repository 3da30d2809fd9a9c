"""Participation at scale: 1,000 people in 40 teams with a year of history.

Builds the workplace in a fresh database (SQLite file, and a PostgreSQL schema of its
own), about a million set rows bulk-inserted (SQLAlchemy Core ``executemany`` on
SQLite, ``COPY`` on PostgreSQL), then times, side by side:

- ``GET /api/teams/{id}/participation`` (p50 over the teams; goal < 100 ms) against
  the single SQL aggregate that counts the team's sessions and active people per week;
- ``GET /api/workplace/participation`` (goal < 300 ms) against the same aggregate
  for every team of the workplace at once.

The endpoint should take at most twice its query. Run it from the repository root:

    .venv/bin/python benchmarks/participation.py            # both databases
    .venv/bin/python benchmarks/participation.py --database sqlite --people 200

PostgreSQL comes from ``COACH_TEST_DATABASE_URL`` (default: the local server); its
schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach import create_app
from coach.accounts.auth import COOKIE, new_token
from coach.accounts.models import DeviceSession, Person
from coach.coaching.models import CheckIn, WorkoutSet
from coach.coaching.weeks import iso_week_start
from coach.database import utcnow
from coach.domain.adherence import WEEK, week_start
from coach.extensions import db
from coach.teams.models import Team
from coach.teams.service import new_workplace

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EXERCISES = ("lateral-raise", "shrug", "reverse-fly", "band-pull-apart", "external-rotation")
SETS_PER_SESSION = 5
WINDOW_WEEKS = 12


# -- the data -------------------------------------------------------------------------


def build_people(teams: int, people: int) -> tuple[int, list[int], list[int]]:
    """A workplace, its teams and people (each joined a year ago); their ids."""
    workplace = new_workplace("Benchmark Works")
    db.session.flush()
    team_rows = [
        {
            "workplace_id": workplace.id,
            "name": f"Team {i:02d}",
            "program": "office-daily-5",
            "reminder_time": datetime(2000, 1, 1, 11, 25).time(),
            "workdays": ["mon", "tue", "wed", "thu", "fri"],
            "created_at": utcnow(),
        }
        for i in range(teams)
    ]
    db.session.execute(sa.insert(Team), team_rows)
    team_ids = list(db.session.scalars(sa.select(Team.id).order_by(Team.id)))
    joined = utcnow() - timedelta(days=372)
    person_rows = [
        {
            "workplace_id": workplace.id,
            "team_id": team_ids[i % teams],
            "display_name": f"Person {i:04d}",
            "role": "member",
            "language": "da",
            "share_participation": i % 3 == 0,
            "created_at": joined,
        }
        for i in range(people)
    ]
    db.session.execute(sa.insert(Person), person_rows)
    db.session.commit()
    person_ids = list(db.session.scalars(sa.select(Person.id).order_by(Person.id)))
    return workplace.id, team_ids, person_ids


def history(person_ids: list[int], today: date) -> Iterator[tuple[Any, ...]]:
    """A year of sets: each person trains on most workdays (their own adherence),
    five sets a session."""
    rng = random.Random(7)
    first = today - timedelta(days=364)
    days = [first + timedelta(days=i) for i in range(365)]
    workdays = [d for d in days if d.weekday() < 5]
    now = utcnow()
    for person_id in person_ids:
        adherence = rng.uniform(0.55, 0.95)
        for day in workdays:
            if rng.random() > adherence:
                continue
            for n in range(SETS_PER_SESSION):
                performed = datetime(day.year, day.month, day.day, 9, 25, n, tzinfo=UTC)
                yield (
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    person_id,
                    EXERCISES[n],
                    performed,
                    day,
                    rng.randint(8, 20),
                    "green",
                    now,
                    now,
                )


def check_ins(person_ids: list[int], today: date) -> Iterator[tuple[Any, ...]]:
    """About one check-in a week from most people."""
    rng = random.Random(11)
    now = utcnow()
    for person_id in person_ids:
        for week in range(52):
            if rng.random() < 0.6:
                day = today - timedelta(days=7 * week + rng.randint(0, 4))
                yield (
                    person_id,
                    day,
                    rng.randint(0, 6),
                    rng.randint(0, 6),
                    None,
                    rng.randint(0, 4),
                    False,
                    False,
                    False,
                    False,
                    False,
                    False,
                    now,
                    now,
                )


SET_COLUMNS = (
    "id",
    "person_id",
    "exercise",
    "performed_at",
    "local_date",
    "reps",
    "band_level",
    "created_at",
    "updated_at",
)
CHECK_IN_COLUMNS = (
    "person_id",
    "day",
    "pain_neck",
    "pain_shoulder",
    "pain_arm",
    "pain_lower_back",
    "soreness",
    "numbness_or_tingling",
    "weakness",
    "trauma",
    "fever_or_weight_loss",
    "worsening_for_weeks",
    "created_at",
    "updated_at",
)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    if isinstance(value, date):
        return value.isoformat()
    return value


def bulk_insert(table: sa.Table, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    if db.engine.dialect.name == "postgresql":
        connection = db.session.connection().connection.driver_connection
        assert isinstance(connection, psycopg.Connection)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        db.session.commit()
        return count
    # SQLite: the driver's executemany with values as SQLAlchemy stores them (UUIDs as
    # 32 hex digits, times as naive UTC text), which is several times faster than
    # binding a million dictionaries through the ORM's types.
    connection = db.session.connection().connection.driver_connection
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(tuple(_sqlite_value(v) for v in row))
        if len(chunk) == 100_000:
            connection.executemany(statement, chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        connection.executemany(statement, chunk)
        count += len(chunk)
    db.session.commit()
    return count


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            # Only this schema's tables: a database-wide VACUUM would take locks on
            # every other schema's tables (other test runs) too.
            c.exec_driver_sql("VACUUM ANALYZE workout_sets, check_ins, people, teams")
    else:
        with db.engine.begin() as c:
            c.exec_driver_sql("ANALYZE")


# -- the measurements -----------------------------------------------------------------


def weekly_aggregate(where: Any, first: date, last: date) -> sa.Select[Any]:
    """The single SQL aggregate: sessions and active people per team and week."""
    days = (
        sa.select(Person.team_id, WorkoutSet.person_id, WorkoutSet.local_date)
        .join(Person, Person.id == WorkoutSet.person_id)
        .where(where, WorkoutSet.local_date >= first, WorkoutSet.local_date < last + WEEK)
        .distinct()
        .subquery()
    )
    week = iso_week_start(days.c.local_date)
    return sa.select(
        days.c.team_id, week, sa.func.count(), sa.func.count(sa.distinct(days.c.person_id))
    ).group_by(days.c.team_id, week)


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm up: compiled statements, page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p50(times: list[float]) -> float:
    return statistics.median(times)


def run(url: str, label: str, teams: int, people: int, runs: int) -> dict[str, Any]:
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="coach-bench-"),
            "SECRET_KEY": "benchmark",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        workplace_id, team_ids, person_ids = build_people(teams, people)
        today = date.today()
        sets = bulk_insert(WorkoutSet.__table__, SET_COLUMNS, history(person_ids, today))
        answers = bulk_insert(CheckIn.__table__, CHECK_IN_COLUMNS, check_ins(person_ids, today))
        analyze()
        setup = time.perf_counter() - started
        print(
            f"[{label}] {people} people, {teams} teams, {sets:,} sets, {answers:,} check-ins; "
            f"set-up {setup:.0f} s",
            flush=True,
        )

        admin = Person(workplace_id=workplace_id, display_name="Admin", role="admin")
        db.session.add(admin)
        db.session.flush()
        token, token_hash = new_token()
        db.session.add(
            DeviceSession(
                person_id=admin.id,
                token_hash=token_hash,
                csrf_token="x",
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        client = app.test_client()
        client.set_cookie(COOKIE, token, domain="localhost")

        def get(path: str) -> None:
            with app.app_context():
                response = client.get(path)
            assert response.status_code == 200, response.get_data(as_text=True)

        last = week_start(today)
        first = last - (WINDOW_WEEKS - 1) * WEEK
        rng = random.Random(3)
        picks = [rng.choice(team_ids) for _ in range(runs)]
        picked = iter(picks * 2 + picks)

        team_endpoint = timed(lambda: get(f"/api/teams/{next(picked)}/participation"), runs)
        team_ids_iter = iter(picks * 2 + picks)
        team_query = timed(
            lambda: db.session.execute(
                weekly_aggregate(Person.team_id == next(team_ids_iter), first, last)
            ).all(),
            runs,
        )
        # The floor: the same sign-in and team lookup with nothing counted.
        floor_ids = iter(picks * 2 + picks)
        floor = timed(lambda: get(f"/api/teams/{next(floor_ids)}"), runs)
        workplace_endpoint = timed(lambda: get("/api/workplace/participation"), runs)
        workplace_query = timed(
            lambda: db.session.execute(
                weekly_aggregate(Person.workplace_id == workplace_id, first, last)
            ).all(),
            runs,
        )
        db.session.rollback()
    for created in (app,):
        with created.app_context():
            db.engine.dispose()
    return {
        "label": label,
        "sets": sets,
        "setup_s": setup,
        "floor": p50(floor),
        "team": (p50(team_endpoint), p50(team_query), max(team_endpoint)),
        "workplace": (p50(workplace_endpoint), p50(workplace_query), max(workplace_endpoint)),
    }


def report(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"{'database':<11}{'endpoint':<36}{'p50 ms':>8}{'max ms':>8}{'SQL p50':>8}"
        f"{'ratio':>7}  {'time goal':<12}{'ratio goal'}"
    )
    for r in results:
        for name, path, goal in (
            ("team", "GET /api/teams/{id}/participation", 100),
            ("workplace", "GET /api/workplace/participation", 300),
        ):
            endpoint, query, worst = r[name]
            fast = "ok" if endpoint < goal else "MISSED"
            close = "ok" if endpoint <= 2 * query else "MISSED"
            print(
                f"{r['label']:<11}{path:<36}{endpoint:>8.1f}{worst:>8.1f}{query:>8.1f}"
                f"{endpoint / query:>7.2f}  {f'<{goal} {fast}':<12}{f'<=2x {close}'}"
            )
        print(f"{r['label']:<11}{'GET /api/teams/{id} (the floor)':<36}{r['floor']:>8.1f}")


def postgres_url() -> tuple[str, str, str]:
    base = os.environ.get("COACH_TEST_DATABASE_URL") or DEFAULT_PG
    schema = f"coach_bench_{secrets.token_hex(4)}"
    plain = sa.engine.make_url(base).set(drivername="postgresql")
    dsn = plain.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), dsn, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    results = []
    if args.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            results.append(run(url, "SQLite", args.teams, args.people, args.runs))
    if args.database in ("postgresql", "both"):
        url, dsn, schema = postgres_url()
        try:
            results.append(run(url, "PostgreSQL", args.teams, args.people, args.runs))
        finally:
            with psycopg.connect(dsn, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    report(results)


if __name__ == "__main__":
    main()
