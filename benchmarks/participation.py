"""Participation at scale: 1,000 people in 40 teams with a year of history.

Builds the workplace in a fresh database (SQLite file, and a PostgreSQL schema of its
own), about a million set rows bulk-inserted (SQLAlchemy Core ``executemany`` on
SQLite, ``COPY`` on PostgreSQL), then times, side by side:

- ``GET /api/teams/{id}/participation`` (p50 over the teams; goal < 100 ms) against
  the single SQL statement that computes every figure the endpoint returns
  (:func:`team_figures`): the weeks (members enrolled and active, sessions, target
  and adherence, erased members' totals included), each sharing member's sessions
  per week, last day trained and streak, the longest streaks, how many do not share,
  and pain (median and mean per region and week over at least five people, change
  against the team's first four weeks). The endpoint returns all of that, so an
  honest baseline computes all of it; the sets are read once, the medians are taken
  with window functions (the only way SQLite has). Printed beside it: the narrower
  aggregate of earlier runs, the weeks' figures only (:func:`weekly_figures`). The
  benchmark stops unless both return what the endpoint returns;
- ``GET /api/workplace/participation`` (goal < 300 ms) against
  :func:`weekly_figures` for every team of the workplace at once (the workplace
  view's weeks; its streaks and totals are not in it, which only flatters the SQL).

The SQL is built before the clock starts and run on a connection as the app runs its
statements (on PostgreSQL: prepared from the fifth run on, as the app's are); each endpoint call is
followed by its SQL, so a change in the machine's load hits both. Printed beside them:
``GET /api/teams/{id}`` and ``GET /api/me`` (what signing in and a request cost), the
team's pain figures alone, and the team endpoint minus ``GET /api/me`` against the
whole SQL (and minus the pain figures against the weeks-only SQL).

The endpoint should take at most twice its query. Run it from the repository root:

    .venv/bin/python benchmarks/participation.py            # both databases
    .venv/bin/python benchmarks/participation.py --database sqlite --people 200

PostgreSQL comes from ``COACH_TEST_DATABASE_URL`` (default: the local server); its
schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
import random
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Targets, pg_base_url, postgres_schema, processes_cpu, stop_on_sigterm

from coach import create_app
from coach.accounts.auth import COOKIE, new_token
from coach.accounts.models import DeviceSession, Person
from coach.coaching.journal import PAIN_COLUMNS
from coach.coaching.models import CheckIn, WorkoutSet
from coach.coaching.team_totals import TeamWeekTotal
from coach.coaching.weeks import days_after, iso_week_start
from coach.database import UTCDateTime, utcnow
from coach.domain.adherence import WEEK, week_due
from coach.domain.privacy import BASELINE_WEEKS, MIN_PAIN_REPORTERS
from coach.extensions import db
from coach.teams.models import Team, Workplace
from coach.teams.participation import (
    TOP_STREAKS,
    team_pain,
    team_target,
    week_window,
    workplace_today,
)
from coach.teams.service import new_workplace

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


def week_dues(target: int, workdays: list[str], mondays: list[date], today: date) -> list[int]:
    """Each member's sessions due in each week: the whole target for a week that is
    over, the target so far for the week under way (:func:`week_due`). Like the
    target, a figure of the catalogue and the calendar, not of the database."""
    return [week_due(target, workdays, monday, today) for monday in mondays]


def weekly_figures(
    teams: Any, people: Any, mondays: list[date], target: int, dues: list[int]
) -> sa.Select[Any]:
    """The single SQL aggregate equivalent to the endpoints' weeks: per team (``teams``,
    a condition on ``Team``) and week, the members enrolled (from the week they joined),
    active and their sessions, the target sessions, the sessions due so far and the
    adherence % (each member's sessions counted up to what was due), erased members'
    totals included; a week without members has no target. ``people`` is the matching
    condition on ``Person``; ``target`` the program's sessions a week (from the
    catalogue, which is not in the database) and ``dues`` each member's due per week
    (:func:`week_dues`). :func:`check_equivalent` proves it returns what the endpoints
    return."""
    weeks = sa.union_all(
        *(
            sa.select(
                sa.literal(monday, sa.Date).label("week_start"),
                sa.literal(datetime.combine(monday + WEEK, dtime(), UTC), UTCDateTime).label(
                    "week_end"
                ),
                sa.literal(due, sa.Integer).label("due"),
            )
            for monday, due in zip(mondays, dues, strict=True)
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
    n, due = per_person.c.n, weeks.c.due
    trained = (
        sa.select(
            per_person.c.team_id,
            per_person.c.week_start,
            sa.func.count().label("active"),
            sa.func.sum(n).label("sessions"),
            sa.func.sum(sa.case((n < due, n), else_=due)).label("met"),
        )
        .join(weeks, weeks.c.week_start == per_person.c.week_start)
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
        sa.select(Team.id.label("team_id"), weeks.c.week_start, weeks.c.due)
        .join(weeks, sa.true())
        .where(teams)
        .subquery()
    )
    gone = TeamWeekTotal
    gone_people = sa.func.coalesce(gone.active_members, 0)
    gone_sessions = sa.func.coalesce(gone.sessions, 0)
    enrolled_people = sa.func.coalesce(enrolled.c.people, 0) + gone_people
    due = grid.c.due
    met = sa.func.coalesce(trained.c.met, 0) + sa.case(
        (gone_sessions < due * gone_people, gone_sessions), else_=due * gone_people
    )
    planned = enrolled_people > 0
    return (
        sa.select(
            grid.c.team_id,
            grid.c.week_start,
            enrolled_people,
            sa.func.coalesce(trained.c.active, 0) + gone_people,
            sa.func.coalesce(trained.c.sessions, 0) + gone_sessions,
            sa.case((planned, target * enrolled_people)),
            sa.case((planned, due * enrolled_people)),
            sa.case(
                (planned & (due > 0), sa.func.round(HUNDRED * met / (due * enrolled_people), 1))
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


def _typed_null(type_: Any) -> Any:
    return sa.cast(sa.null(), type_)


def team_figures(
    team_id: int, mondays: list[date], target: int, dues: list[int]
) -> sa.CompoundSelect:
    """The single SQL aggregate equivalent to the whole team view: every figure
    ``GET /api/teams/{id}/participation`` returns, computed by the database, one row
    per figure (the columns are ``kind, week, key, region, a, b, c, d, x, y, z``):

    - ``week``: the week's figures of :func:`weekly_figures` (a = enrolled, b =
      active, c = sessions, d = target sessions, x = adherence %, y = sessions due so
      far, each member's due of ``dues`` times enrolled);
    - ``member``: a sharing member's sessions in a week (key = the person, a), for
      every week shown, trained or not;
    - ``sharer``: a sharing member's last day trained (week; within the weeks shown
      if they trained in them, else ever) and current streak (a);
    - ``streak``: the team's longest current streaks, unnamed (key = rank, a);
    - ``private``: how many members do not share (a);
    - ``pain``: per week and region rated by at least five people, their number (a)
      and the median (x), mean (y) of each person's weekly mean, rounded to two
      decimals, and the change in median (z) against the median over the team's first
      four weeks of check-ins (of each person's mean of their weekly means);
    - ``answering``: per week answered by at least five people, their number (a).

    A streak is the run of weeks at target that ends with the current week if it is
    met, else with the week before (:func:`coach.domain.adherence.current_streak`):
    over the weeks shown, ``idx - (the last week not met up to idx)`` at the last two
    weeks, whichever is larger. A median is the mean of the middle one or two values
    of a region's week, numbered with ``ROW_NUMBER`` and counted with ``COUNT`` over
    one window: SQLite has no median aggregate, and one formulation serves both
    databases. The endpoint fetches each person's weekly means and takes the medians
    in Python, which measured faster than this on both databases (see docs/benchmarks.md).
    """
    last = len(mondays) - 1
    weeks = sa.union_all(
        *(
            sa.select(
                sa.literal(monday, sa.Date).label("week_start"),
                sa.literal(i, sa.Integer).label("idx"),
                sa.literal(datetime.combine(monday + WEEK, dtime(), UTC), UTCDateTime).label(
                    "week_end"
                ),
                sa.literal(due, sa.Integer).label("due"),
            )
            for i, (monday, due) in enumerate(zip(mondays, dues, strict=True))
        )
    ).cte("shown_weeks")
    in_team = Person.team_id == team_id
    end = mondays[-1] + WEEK
    days = (
        sa.select(WorkoutSet.person_id, WorkoutSet.local_date)
        .join(Person, Person.id == WorkoutSet.person_id)
        .where(in_team, WorkoutSet.local_date >= mondays[0], WorkoutSet.local_date < end)
        .distinct()
        .subquery()
    )
    week = iso_week_start(days.c.local_date)
    trained = (
        sa.select(
            days.c.person_id,
            week.label("week_start"),
            sa.func.count().label("n"),
            sa.func.max(days.c.local_date).label("newest"),
        )
        .group_by(days.c.person_id, week)
        .cte("trained")
    )
    # Every member with every week shown, trained or not.
    grid = (
        sa.select(
            Person.id.label("person_id"),
            Person.share_participation.label("shares"),
            weeks.c.week_start,
            weeks.c.idx,
            sa.func.coalesce(trained.c.n, 0).label("n"),
        )
        .select_from(Person)
        .join(weeks, sa.true())
        .outerjoin(
            trained,
            (trained.c.person_id == Person.id) & (trained.c.week_start == weeks.c.week_start),
        )
        .where(in_team)
        .cte("member_weeks")
    )
    unmet = (
        sa.func.max(sa.case((grid.c.n < target, grid.c.idx), else_=-1))
        .over(partition_by=grid.c.person_id, order_by=grid.c.idx)
        .label("unmet")
    )
    runs = sa.select(grid.c.person_id, grid.c.idx, unmet).subquery("runs")
    streaks = (
        sa.select(runs.c.person_id, sa.func.max(runs.c.idx - runs.c.unmet).label("streak"))
        .where(runs.c.idx >= last - 1)
        .group_by(runs.c.person_id)
        .cte("streaks")
    )
    ranked_streaks = (
        sa.select(
            streaks.c.streak,
            sa.func.row_number().over(order_by=streaks.c.streak.desc()).label("place"),
        )
        .where(streaks.c.streak > 0)
        .subquery("ranked_streaks")
    )
    ever = (
        sa.select(sa.func.max(WorkoutSet.local_date))
        .where(WorkoutSet.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    within = (
        sa.select(trained.c.person_id, sa.func.max(trained.c.newest).label("newest"))
        .group_by(trained.c.person_id)
        .subquery("within")
    )

    def row(kind: str, week: Any = None, key: Any = None, region: Any = None, *numbers: Any) -> Any:
        a, b, c, d, x, y, z = (*numbers, *(None,) * (7 - len(numbers)))
        return (
            sa.literal(kind, sa.String).label("kind"),
            _typed_null(sa.Date) if week is None else week,
            _typed_null(sa.Integer) if key is None else key,
            _typed_null(sa.String) if region is None else region,
            *(_typed_null(sa.Integer) if v is None else v for v in (a, b, c, d)),
            *(_typed_null(sa.Numeric) if v is None else v for v in (x, y, z)),
        )

    # The weeks' figures, as in weekly_figures but from the same per-person weeks
    # (the sets are read once).
    due_each = weeks.c.due
    per_week = (
        sa.select(
            trained.c.week_start,
            sa.func.count().label("active"),
            sa.func.sum(trained.c.n).label("sessions"),
            sa.func.sum(sa.case((trained.c.n < due_each, trained.c.n), else_=due_each)).label(
                "met"
            ),
        )
        .join(weeks, weeks.c.week_start == trained.c.week_start)
        .group_by(trained.c.week_start)
        .subquery("per_week")
    )
    enrolled = (
        sa.select(weeks.c.week_start, weeks.c.due, sa.func.count(Person.id).label("people"))
        .select_from(weeks)
        .outerjoin(Person, in_team & (Person.created_at < weeks.c.week_end))
        .group_by(weeks.c.week_start, weeks.c.due)
        .subquery("enrolled")
    )
    gone = TeamWeekTotal
    gone_people = sa.func.coalesce(gone.active_members, 0)
    gone_sessions = sa.func.coalesce(gone.sessions, 0)
    people = enrolled.c.people + gone_people
    due = enrolled.c.due
    met = sa.func.coalesce(per_week.c.met, 0) + sa.case(
        (gone_sessions < due * gone_people, gone_sessions), else_=due * gone_people
    )
    planned = people > 0
    adherence = sa.case((planned & (due > 0), sa.func.round(HUNDRED * met / (due * people), 1)))
    parts = [
        sa.select(
            *row(
                "week",
                enrolled.c.week_start,
                None,
                None,
                people,
                sa.func.coalesce(per_week.c.active, 0) + gone_people,
                sa.func.coalesce(per_week.c.sessions, 0) + gone_sessions,
                sa.case((planned, target * people)),
                adherence,
                sa.case((planned, due * people)),
            )
        )
        .select_from(enrolled)
        .outerjoin(per_week, per_week.c.week_start == enrolled.c.week_start)
        .outerjoin(gone, (gone.team_id == team_id) & (gone.week_start == enrolled.c.week_start)),
        sa.select(*row("member", grid.c.week_start, grid.c.person_id, None, grid.c.n)).where(
            grid.c.shares
        ),
        sa.select(
            *row(
                "sharer",
                sa.func.coalesce(within.c.newest, ever),
                Person.id,
                None,
                sa.func.coalesce(streaks.c.streak, 0),
            )
        )
        .select_from(Person)
        .outerjoin(within, within.c.person_id == Person.id)
        .outerjoin(streaks, streaks.c.person_id == Person.id)
        .where(in_team, Person.share_participation),
        sa.select(
            *row("streak", None, ranked_streaks.c.place, None, ranked_streaks.c.streak)
        ).where(ranked_streaks.c.place <= TOP_STREAKS),
        sa.select(*row("private", None, None, None, sa.func.count())).where(
            in_team, sa.not_(Person.share_participation)
        ),
        *pain_figures(in_team, mondays, row),
    ]
    return sa.union_all(*parts)


def pain_figures(in_team: Any, mondays: list[date], row: Callable[..., Any]) -> list[Any]:
    """The ``pain`` and ``answering`` parts of :func:`team_figures`."""
    pains = {region: getattr(CheckIn, column) for region, column in PAIN_COLUMNS.items()}
    answered = sa.or_(*(pain.is_not(None) for pain in pains.values()))
    end = mondays[-1] + WEEK
    week = iso_week_start(CheckIn.day)
    first = (
        sa.select(sa.func.min(CheckIn.day))
        .join(Person, Person.id == CheckIn.person_id)
        .where(in_team, CheckIn.day < end)
        .scalar_subquery()
    )
    four_weeks = days_after(iso_week_start(first), BASELINE_WEEKS * WEEK.days)
    baseline_end = sa.case((four_weeks < end, four_weeks), else_=end)
    means = [sa.func.avg(pain).label(region) for region, pain in pains.items()]
    shown = (
        sa.select(week.label("week_start"), CheckIn.person_id, *means)
        .join(Person, Person.id == CheckIn.person_id)
        .where(in_team, answered, CheckIn.day >= mondays[0], CheckIn.day < end)
        .group_by(week, CheckIn.person_id)
        .cte("person_weeks")
    )
    early = (
        sa.select(CheckIn.person_id, *means)
        .join(Person, Person.id == CheckIn.person_id)
        .where(in_team, answered, CheckIn.day < baseline_end)
        .group_by(CheckIn.person_id, week)
        .subquery("early_weeks")
    )
    reference = (
        sa.select(
            early.c.person_id, *(sa.func.avg(early.c[region]).label(region) for region in pains)
        )
        .group_by(early.c.person_id)
        .cte("person_baseline")
    )
    values = sa.union_all(
        *(
            sa.select(
                source.c.week_start if source is shown else _typed_null(sa.Date),
                sa.literal(region, sa.String).label("region"),
                source.c[region].label("value"),
            ).where(source.c[region].is_not(None))
            for source in (shown, reference)
            for region in pains
        )
    ).subquery("answers")
    window: dict[str, Any] = {
        "partition_by": (values.c.week_start, values.c.region),
        "order_by": values.c.value,
    }
    ranked = sa.select(
        values.c.week_start,
        values.c.region,
        values.c.value,
        sa.func.row_number().over(**window).label("place"),
        sa.func.count().over(**window, rows=(None, None)).label("people"),
    ).subquery("ranked")
    people = ranked.c.people
    middle = sa.case((ranked.c.place.in_([(people + 1) // 2, (people + 2) // 2]), ranked.c.value))
    regions = (
        sa.select(
            ranked.c.week_start,
            ranked.c.region,
            people,
            sa.func.round(sa.func.avg(middle), 2).label("median"),
            sa.func.round(sa.func.avg(ranked.c.value), 2).label("mean"),
        )
        .group_by(ranked.c.week_start, ranked.c.region, people)
        .having(people >= MIN_PAIN_REPORTERS)
        .cte("region_figures")
    )
    base = regions.alias("base")
    change = regions.c.median - base.c.median
    return [
        sa.select(
            *row(
                "pain",
                regions.c.week_start,
                None,
                regions.c.region,
                regions.c.people,
                None,
                None,
                None,
                regions.c.median,
                regions.c.mean,
                change,
            )
        )
        .outerjoin(base, (base.c.region == regions.c.region) & base.c.week_start.is_(None))
        .where(regions.c.week_start.is_not(None)),
        sa.select(*row("answering", shown.c.week_start, None, None, sa.func.count()))
        .group_by(shown.c.week_start)
        .having(sa.func.count() >= MIN_PAIN_REPORTERS),
    ]


def check_equivalent(rows: list[Any], weeks_by_team: dict[int, list[dict[str, Any]]]) -> None:
    """Stop the benchmark unless the SQL aggregate's rows are the endpoint's weeks."""
    from_sql: dict[int, list[dict[str, Any]]] = {}
    for team_id, monday, people, active, sessions, target, so_far, percent in sorted(rows):
        from_sql.setdefault(team_id, []).append(
            {
                "week_start": str(monday),
                "planned": target is not None,
                "enrolled": people,
                "active": active,
                "sessions": sessions,
                "target_sessions": target,
                "target_so_far": None if so_far is None else int(so_far),
                "adherence_percent": None if percent is None else round(float(percent), 1),
            }
        )
    for team_id, weeks in weeks_by_team.items():
        for mine, theirs in zip(from_sql[team_id], weeks, strict=True):
            percent, expected = mine.pop("adherence_percent"), theirs["adherence_percent"]
            # The live sessions' figures come from a query of their own, not the
            # baseline's; whether a week is under way is the calendar's (the dues).
            skipped = {"adherence_percent", "live_sessions", "people_per_session", "partial"}
            assert mine == {k: v for k, v in theirs.items() if k not in skipped}, (
                team_id,
                mine,
                theirs,
            )
            # Python rounds halves to even, SQL away from zero.
            assert (percent is None) == (expected is None), (team_id, percent, expected)
            assert percent is None or abs(percent - expected) <= 0.051, (percent, expected)


def _close(mine: Any, theirs: Any, within: float) -> bool:
    """Equal, or both numbers within ``within`` (Python rounds halves to even, SQL away
    from zero, and a change is the difference of two rounded medians)."""
    if mine is None or theirs is None:
        return mine is theirs
    return abs(float(mine) - float(theirs)) <= within


def check_team_equivalent(rows: list[Any], body: dict[str, Any]) -> None:
    """Stop the benchmark unless :func:`team_figures` returns every figure of the
    endpoint's answer ``body``: weeks, sharing members, streaks, the count of those
    who do not share, and pain."""
    weeks: list[Any] = []
    sessions: dict[int, list[tuple[date, int]]] = {}
    sharers: dict[int, tuple[Any, int]] = {}
    streaks: list[tuple[int, int]] = []
    private = None
    pain: dict[str, dict[str, tuple[Any, ...]]] = {}
    answering: dict[str, int] = {}
    for kind, week, key, region, a, b, c, d, x, _y, _z in rows:
        if kind == "week":
            weeks.append((0, week, a, b, c, d, _y, x))  # as weekly_figures' rows
        elif kind == "member":
            sessions.setdefault(key, []).append((week, a))
        elif kind == "sharer":
            sharers[key] = (week, a)
        elif kind == "streak":
            streaks.append((key, a))
        elif kind == "private":
            private = a
        elif kind == "pain":
            pain.setdefault(str(week), {})[region] = (a, x, _y, _z)
        elif kind == "answering":
            answering[str(week)] = a
    check_equivalent(weeks, {0: body["weeks"]})
    assert [s for _place, s in sorted(streaks)] == body["longest_streaks"], (streaks, body)
    assert private == body["members_not_sharing"], (private, body["members_not_sharing"])
    assert sorted(sharers) == sorted(m["id"] for m in body["members_sharing"])
    for member in body["members_sharing"]:
        last, streak = sharers[member["id"]]
        assert [n for _week, n in sorted(sessions[member["id"]])] == member["sessions"]
        assert (None if last is None else str(last)) == member["last_session"], member
        assert streak == member["streak_weeks"], (streak, member)
    for shown in body["pain"]:
        monday = shown["week_start"]
        if shown["status"] != "shown":
            assert monday not in answering, (monday, answering)
            continue
        assert answering[monday] == shown["reporting"], (monday, answering, shown)
        for region, figure in shown["regions"].items():
            mine = pain.get(monday, {}).get(region)
            if figure is None:
                assert mine is None, (monday, region, mine)
                continue
            assert mine is not None, (monday, region, figure)
            _people, median, mean, change = mine
            assert _close(median, figure["median"], 0.0101), (monday, region, mine, figure)
            assert _close(mean, figure["mean"], 0.0101), (monday, region, mine, figure)
            assert _close(change, figure["change_in_median"], 0.0201), (mine, figure)


def timed_together(
    calls: dict[str, Callable[[Any], Any]], items: list[Any], db_pids: list[int]
) -> dict[str, list[float]]:
    """Each call once per item, in turn (endpoint, its SQL, ...): a machine whose load
    changes during the run slows them alike, so their ratio stays fair. Beside the wall
    times (ms) come ``<name> cpu``: the CPU ms each call took in this process (the app
    runs in it) and in the database server's processes of ``db_pids`` (PostgreSQL)."""
    for call in calls.values():
        call(items[0])  # warm up: compiled statements, page cache
    # Collect the set-up's garbage now, so that no full collection of it lands in a
    # timed call (one took 120 ms of a single call's time).
    gc.collect()
    times: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    for item in items:
        for name, call in calls.items():
            db_before = sum(processes_cpu(db_pids).values())
            cpu_before = time.process_time()
            start = time.perf_counter()
            call(item)
            times[name].append((time.perf_counter() - start) * 1000)
            ours = time.process_time() - cpu_before
            cpu[name].append((ours + sum(processes_cpu(db_pids).values()) - db_before) * 1000)
    return {**times, **{f"{name} cpu": values for name, values in cpu.items()}}


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
        workdays = {tuple(team.workdays) for team in db.session.scalars(sa.select(Team))}
        assert len(workdays) == 1, "the same training days for every team, so one due"
        dues = week_dues(target, list(workdays.pop()), mondays, workplace_today(workplace))
        rng = random.Random(3)
        picks = [rng.choice(team_ids) for _ in range(runs)]

        # The statements are built before the clock starts: what is timed is the
        # database's answer (and the driver's), as if the SQL were run directly.
        def statements(team: Any, people: Any) -> tuple[sa.Select[Any], sa.Select[Any]]:
            return (
                weekly_figures(team, people, mondays, target, dues),
                sessions_and_active(people, first, last),
            )

        by_team = {t: statements(Team.id == t, Person.team_id == t) for t in set(picks)}
        whole = statements(Team.workplace_id == workplace_id, Person.workplace_id == workplace_id)
        everything = {t: team_figures(t, mondays, target, dues) for t in set(picks)}

        # On PostgreSQL the SQL runs as the endpoints' statements do: psycopg prepares a
        # statement from its fifth run on, and keeps it, since a request that only read
        # ends with COMMIT (coach/database.py). Planning the baseline on every call
        # while the endpoint ran prepared plans made the endpoint look closer to it.

        def query(statement: sa.Select[Any]) -> list[Any]:
            return list(db.session.connection().execute(statement).all())

        def team_sql(team_id: int) -> list[Any]:
            return query(everything[team_id])

        def team_weeks_sql(team_id: int) -> list[Any]:
            return query(by_team[team_id][0])

        def workplace_sql(_: int) -> list[Any]:
            return query(whole[0])

        for team_id in sorted(set(picks)):
            body = get(f"/api/teams/{team_id}/participation")
            check_equivalent(team_weeks_sql(team_id), {team_id: body["weeks"]})
            check_team_equivalent(team_sql(team_id), body)
        check_equivalent(
            workplace_sql(0),
            {t["id"]: t["weeks"] for t in get("/api/workplace/participation")["teams"]},
        )

        db_pids = database_pids(db.session.connection())
        teams_by_id = {t.id: t for t in db.session.scalars(sa.select(Team))}
        team = timed_together(
            {
                "endpoint": lambda t: get(f"/api/teams/{t}/participation"),
                "sql": team_sql,
                # The aggregate of earlier runs: the weeks' figures only.
                "narrower": team_weeks_sql,
                # The endpoint's pain figures alone (their query and the medians).
                "pain": lambda t: team_pain(teams_by_id[t], mondays),
                # The floors: the same sign-in and team lookup with nothing counted,
                # and the least a signed-in request costs.
                "floor": lambda t: get(f"/api/teams/{t}"),
                "me": lambda t: get("/api/me"),
            },
            picks,
            db_pids,
        )
        workplace_runs = timed_together(
            {
                "endpoint": lambda _: get("/api/workplace/participation"),
                "sql": workplace_sql,
                "narrower": lambda _: query(whole[1]),
            },
            list(range(runs)),
            db_pids,
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
        "team_narrower": p50(team["narrower"]),
        **{
            name: (
                p50(times["endpoint"]),
                p50(times["sql"]),
                max(times["endpoint"]),
                p50(times["narrower"]),
                p50(times["endpoint cpu"]),
                p50(times["sql cpu"]),
            )
            for name, times in (("team", team), ("workplace", workplace_runs))
        },
    }


def database_pids(connection: sa.Connection) -> list[int]:
    """The PostgreSQL server processes of this run's connections (by the
    ``application_name`` its URL sets); none on SQLite, which runs in this process."""
    if connection.dialect.name != "postgresql":
        return []
    rows = connection.execute(
        sa.text(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = current_setting('application_name')"
        )
    )
    return [row[0] for row in rows]


def report(results: list[dict[str, Any]], targets: Targets) -> None:
    print()
    print(
        f"{'database':<11}{'endpoint':<36}{'p50 ms':>8}{'max ms':>8}{'SQL p50':>8}"
        f"{'ratio':>7}{'CPU ms':>8}{'SQL CPU':>8}  {'narrower SQL p50, ratio'}"
    )
    for r in results:
        for name, path in (
            ("team", "GET /api/teams/{id}/participation"),
            ("workplace", "GET /api/workplace/participation"),
        ):
            endpoint, query, worst, narrower, endpoint_cpu, query_cpu = r[name]
            print(
                f"{r['label']:<11}{path:<36}{endpoint:>8.1f}{worst:>8.1f}{query:>8.1f}"
                f"{endpoint / query:>7.2f}{endpoint_cpu:>8.1f}{query_cpu:>8.1f}"
                f"  {narrower:>6.1f} {endpoint / narrower:>6.2f}"
            )
        print(f"{r['label']:<11}{'GET /api/teams/{id} (a floor)':<36}{r['floor']:>8.1f}")
        print(f"{r['label']:<11}{'GET /api/me (the least request)':<36}{r['me']:>8.1f}")
        print(f"{r['label']:<11}{'team pain figures alone':<36}{r['pain']:>8.1f}")
        for label, beyond, query in (
            ("team endpoint minus /api/me", r["beyond_me"], r["team"][1]),
            # Against the weeks-only aggregate, which computes no pain either.
            ("... and minus the pain figures", r["beyond_me_and_pain"], r["team_narrower"]),
        ):
            print(
                f"{r['label']:<11}{label:<36}{beyond:>8.1f}{'':>8}{query:>8.1f}"
                f"{beyond / query:>7.2f}"
            )
    print("(CPU ms: p50 per call in this process, where the app runs, and in the database")
    print(" server's processes for PostgreSQL)")
    print("targets:")
    for r in results:
        for name, path, goal in (
            ("team", "GET /api/teams/{id}/participation", 100),
            ("workplace", "GET /api/workplace/participation", 300),
        ):
            endpoint, query = r[name][0], r[name][1]
            where = f"{r['label']}: {path}"
            targets.check(f"{where} p50 < {goal} ms", endpoint < goal, f"{endpoint:.1f} ms")
            targets.check(
                f"{where} ≤ 2 x its SQL",
                endpoint <= 2 * query,
                f"{endpoint:.1f} vs {query:.1f} ms ({endpoint / query:.2f})",
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    stop_on_sigterm()
    results = []
    try:
        if args.database in ("sqlite", "both"):
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
                results.append(run(url, "SQLite", args.teams, args.people, args.runs))
        if args.database in ("postgresql", "both"):
            with postgres_schema(pg_base_url()) as (url, _):
                results.append(run(url, "PostgreSQL", args.teams, args.people, args.runs))
    except KeyboardInterrupt:
        print("interrupted; cleaned up", file=sys.stderr)
        return 130
    targets = Targets()
    report(results, targets)
    return targets.summary()


if __name__ == "__main__":
    sys.exit(main())
