"""Participation at scale: 1,000 people in 40 teams with a year of history.

Builds the workplace in a fresh database (SQLite file, and a PostgreSQL schema of its
own), about a million set rows bulk-inserted (SQLAlchemy Core ``executemany`` on
SQLite, ``COPY`` on PostgreSQL), then times, side by side:

- ``GET /api/teams/{id}/participation`` (p50 over the teams; goal < 100 ms) against
  the single SQL aggregate that computes the team's weeks as the endpoint returns
  them: members enrolled and active, sessions, target and adherence, erased members'
  totals included (:func:`weekly_figures`; the benchmark stops unless its rows equal
  the endpoint's);
- ``GET /api/workplace/participation`` (goal < 300 ms) against the same aggregate
  for every team of the workplace at once.

The SQL is built before the clock starts and run on a connection as the app runs its
statements (on PostgreSQL: planned each time, see :func:`run`); each endpoint call is
followed by its SQL, so a change in the machine's load hits both. Printed beside them:
the count-only aggregate of earlier runs (sessions and active people, nothing else),
``GET /api/teams/{id}`` and ``GET /api/me`` (what signing in and a request cost), the
team's pain figures alone (a second aggregate the endpoint returns), and the team
endpoint minus ``GET /api/me`` (and minus the pain figures) against the SQL.

The endpoint should take at most twice its query. Run it from the repository root:

    .venv/bin/python benchmarks/participation.py            # both databases
    .venv/bin/python benchmarks/participation.py --database sqlite --people 200

PostgreSQL comes from ``COACH_TEST_DATABASE_URL`` (default: the local server); its
schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
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
from datetime import time as dtime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach import create_app
from coach.accounts.auth import COOKIE, new_token
from coach.accounts.models import DeviceSession, Person
from coach.coaching.models import CheckIn, WorkoutSet
from coach.coaching.team_totals import TeamWeekTotal
from coach.coaching.weeks import iso_week_start
from coach.database import UTCDateTime, utcnow
from coach.domain.adherence import WEEK
from coach.extensions import db
from coach.teams.models import Team, Workplace
from coach.teams.participation import team_pain, team_target, week_window, workplace_today
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


def sessions_and_active(where: Any, first: date, last: date) -> sa.Select[Any]:
    """The count-only aggregate (the baseline of earlier runs, printed for comparison):
    sessions and active people per team and week, and nothing else the view shows."""
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


# Written into the SQL as is: a numeric on PostgreSQL (whose round(x, 1) takes one),
# a real on SQLite.
HUNDRED = sa.literal_column("100.0", sa.Numeric)


def weekly_figures(teams: Any, people: Any, mondays: list[date], target: int) -> sa.Select[Any]:
    """The single SQL aggregate equivalent to the endpoints' weeks: per team (``teams``,
    a condition on ``Team``) and week, the members enrolled (from the week they joined),
    active and their sessions, the target sessions and the adherence % (each member's
    sessions counted up to the target), erased members' totals included. ``people`` is
    the matching condition on ``Person``; ``target`` the program's sessions a week
    (from the catalogue, which is not in the database). :func:`check_equivalent` proves
    it returns what the endpoints return."""
    weeks = sa.union_all(
        *(
            sa.select(
                sa.literal(monday, sa.Date).label("week_start"),
                sa.literal(datetime.combine(monday + WEEK, dtime(), UTC), UTCDateTime).label(
                    "week_end"
                ),
            )
            for monday in mondays
        )
    ).cte("weeks")
    days = (
        sa.select(Person.team_id, WorkoutSet.person_id, WorkoutSet.local_date)
        .join(Person, Person.id == WorkoutSet.person_id)
        .where(
            people,
            WorkoutSet.local_date >= mondays[0],
            WorkoutSet.local_date < mondays[-1] + WEEK,
        )
        .distinct()
        .subquery()
    )
    week = iso_week_start(days.c.local_date)
    per_person = (
        sa.select(days.c.team_id, week.label("week_start"), sa.func.count().label("n"))
        .group_by(days.c.team_id, days.c.person_id, week)
        .subquery()
    )
    n = per_person.c.n
    trained = (
        sa.select(
            per_person.c.team_id,
            per_person.c.week_start,
            sa.func.count().label("active"),
            sa.func.sum(n).label("sessions"),
            sa.func.sum(sa.case((n < target, n), else_=target)).label("met"),
        )
        .group_by(per_person.c.team_id, per_person.c.week_start)
        .subquery()
    )
    enrolled = (
        sa.select(Person.team_id, weeks.c.week_start, sa.func.count().label("people"))
        .join(weeks, Person.created_at < weeks.c.week_end)
        .where(people)
        .group_by(Person.team_id, weeks.c.week_start)
        .subquery()
    )
    # Every team with every week, trained or not.
    grid = (
        sa.select(Team.id.label("team_id"), weeks.c.week_start)
        .join(weeks, sa.true())
        .where(teams)
        .subquery()
    )
    gone = TeamWeekTotal
    gone_people = sa.func.coalesce(gone.active_members, 0)
    gone_sessions = sa.func.coalesce(gone.sessions, 0)
    enrolled_people = sa.func.coalesce(enrolled.c.people, 0) + gone_people
    met = sa.func.coalesce(trained.c.met, 0) + sa.case(
        (gone_sessions < target * gone_people, gone_sessions), else_=target * gone_people
    )
    return (
        sa.select(
            grid.c.team_id,
            grid.c.week_start,
            enrolled_people,
            sa.func.coalesce(trained.c.active, 0) + gone_people,
            sa.func.coalesce(trained.c.sessions, 0) + gone_sessions,
            target * enrolled_people,
            sa.case(
                (enrolled_people > 0, sa.func.round(HUNDRED * met / (target * enrolled_people), 1))
            ),
        )
        .outerjoin(
            enrolled,
            (enrolled.c.team_id == grid.c.team_id) & (enrolled.c.week_start == grid.c.week_start),
        )
        .outerjoin(
            trained,
            (trained.c.team_id == grid.c.team_id) & (trained.c.week_start == grid.c.week_start),
        )
        .outerjoin(gone, (gone.team_id == grid.c.team_id) & (gone.week_start == grid.c.week_start))
    )


def check_equivalent(rows: list[Any], weeks_by_team: dict[int, list[dict[str, Any]]]) -> None:
    """Stop the benchmark unless the SQL aggregate's rows are the endpoint's weeks."""
    from_sql: dict[int, list[dict[str, Any]]] = {}
    for team_id, monday, people, active, sessions, target, percent in sorted(rows):
        from_sql.setdefault(team_id, []).append(
            {
                "week_start": str(monday),
                "enrolled": people,
                "active": active,
                "sessions": sessions,
                "target_sessions": target,
                "adherence_percent": None if percent is None else round(float(percent), 1),
            }
        )
    for team_id, weeks in weeks_by_team.items():
        for mine, theirs in zip(from_sql[team_id], weeks, strict=True):
            percent, expected = mine.pop("adherence_percent"), theirs["adherence_percent"]
            assert mine == {k: v for k, v in theirs.items() if k != "adherence_percent"}, (
                team_id,
                mine,
                theirs,
            )
            # Python rounds halves to even, SQL away from zero.
            assert (percent is None) == (expected is None), (team_id, percent, expected)
            assert percent is None or abs(percent - expected) <= 0.051, (percent, expected)


def timed_together(
    calls: dict[str, Callable[[Any], Any]], items: list[Any]
) -> dict[str, list[float]]:
    """Each call once per item, in turn (endpoint, its SQL, ...): a machine whose load
    changes during the run slows them alike, so their ratio stays fair."""
    for call in calls.values():
        call(items[0])  # warm up: compiled statements, page cache
    # Collect the set-up's garbage now, so that no full collection of it lands in a
    # timed call (one took 120 ms of a single call's time).
    gc.collect()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for item in items:
        for name, call in calls.items():
            start = time.perf_counter()
            call(item)
            times[name].append((time.perf_counter() - start) * 1000)
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

        def get(path: str) -> Any:
            with app.app_context():
                response = client.get(path)
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.json

        workplace = db.session.get(Workplace, workplace_id)
        assert workplace is not None
        mondays = week_window(workplace_today(workplace), WINDOW_WEEKS)
        first, last = mondays[0], mondays[-1]
        targets = {team_target(team) for team in db.session.scalars(sa.select(Team))}
        assert len(targets) == 1, "one program for every team, so one target in SQL"
        target = targets.pop()
        assert target is not None
        rng = random.Random(3)
        picks = [rng.choice(team_ids) for _ in range(runs)]

        # The statements are built before the clock starts: what is timed is the
        # database's answer (and the driver's), as if the SQL were run directly.
        def statements(team: Any, people: Any) -> tuple[sa.Select[Any], sa.Select[Any]]:
            return (
                weekly_figures(team, people, mondays, target),
                sessions_and_active(people, first, last),
            )

        by_team = {t: statements(Team.id == t, Person.team_id == t) for t in set(picks)}
        whole = statements(Team.workplace_id == workplace_id, Person.workplace_id == workplace_id)

        if db.engine.dialect.name == "postgresql":
            # Planned on every run, like the endpoints' statements: psycopg forgets
            # its prepared statements at each rollback, and every request ends with
            # one, so the app never runs a prepared plan. Left to itself psycopg would
            # prepare the SQL here from its fifth run on and skip planning it.
            driver = db.session.connection().connection.driver_connection
            assert isinstance(driver, psycopg.Connection)
            driver.prepare_threshold = None

        def query(statement: sa.Select[Any]) -> list[Any]:
            return list(db.session.connection().execute(statement).all())

        def team_sql(team_id: int) -> list[Any]:
            return query(by_team[team_id][0])

        def workplace_sql(_: int) -> list[Any]:
            return query(whole[0])

        for team_id in sorted(set(picks)):
            check_equivalent(
                team_sql(team_id), {team_id: get(f"/api/teams/{team_id}/participation")["weeks"]}
            )
        check_equivalent(
            workplace_sql(0),
            {t["id"]: t["weeks"] for t in get("/api/workplace/participation")["teams"]},
        )

        teams_by_id = {t.id: t for t in db.session.scalars(sa.select(Team))}
        team = timed_together(
            {
                "endpoint": lambda t: get(f"/api/teams/{t}/participation"),
                "sql": team_sql,
                # The endpoint's pain figures alone (their query and the medians), which
                # the aggregate above does not compute.
                "pain": lambda t: team_pain(teams_by_id[t], mondays),
                "count_only": lambda t: query(by_team[t][1]),
                # The floors: the same sign-in and team lookup with nothing counted,
                # and the least a signed-in request costs.
                "floor": lambda t: get(f"/api/teams/{t}"),
                "me": lambda t: get("/api/me"),
            },
            picks,
        )
        workplace_runs = timed_together(
            {
                "endpoint": lambda _: get("/api/workplace/participation"),
                "sql": workplace_sql,
                "count_only": lambda _: query(whole[1]),
            },
            list(range(runs)),
        )
        db.session.rollback()
    with app.app_context():
        db.engine.dispose()
    return {
        "label": label,
        "sets": sets,
        "setup_s": setup,
        "floor": p50(team["floor"]),
        "me": p50(team["me"]),
        # The team endpoint beyond the least signed-in request, in the same turn.
        "beyond_me": p50([e - m for e, m in zip(team["endpoint"], team["me"], strict=True)]),
        "pain": p50(team["pain"]),
        "beyond_me_and_pain": p50(
            [e - m - p for e, m, p in zip(team["endpoint"], team["me"], team["pain"], strict=True)]
        ),
        **{
            name: (
                p50(times["endpoint"]),
                p50(times["sql"]),
                max(times["endpoint"]),
                p50(times["count_only"]),
            )
            for name, times in (("team", team), ("workplace", workplace_runs))
        },
    }


def report(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"{'database':<11}{'endpoint':<36}{'p50 ms':>8}{'max ms':>8}{'SQL p50':>8}"
        f"{'ratio':>7}  {'time goal':<12}{'ratio goal':<14}{'count-only SQL p50, ratio'}"
    )
    for r in results:
        for name, path, goal in (
            ("team", "GET /api/teams/{id}/participation", 100),
            ("workplace", "GET /api/workplace/participation", 300),
        ):
            endpoint, query, worst, count_only = r[name]
            fast = "ok" if endpoint < goal else "MISSED"
            close = "ok" if endpoint <= 2 * query else "MISSED"
            print(
                f"{r['label']:<11}{path:<36}{endpoint:>8.1f}{worst:>8.1f}{query:>8.1f}"
                f"{endpoint / query:>7.2f}  {f'<{goal} {fast}':<12}{f'<=2x {close}':<14}"
                f"{count_only:>6.1f} {endpoint / count_only:>6.2f}"
            )
        print(f"{r['label']:<11}{'GET /api/teams/{id} (a floor)':<36}{r['floor']:>8.1f}")
        print(f"{r['label']:<11}{'GET /api/me (the least request)':<36}{r['me']:>8.1f}")
        query = r["team"][1]
        print(f"{r['label']:<11}{'team pain figures alone':<36}{r['pain']:>8.1f}")
        for label, beyond in (
            ("team endpoint minus /api/me", r["beyond_me"]),
            ("... and minus the pain figures", r["beyond_me_and_pain"]),
        ):
            print(
                f"{r['label']:<11}{label:<36}{beyond:>8.1f}{'':>8}{query:>8.1f}"
                f"{beyond / query:>7.2f}"
            )


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
