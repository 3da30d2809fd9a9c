"""What today's screen reads: three statements, each built once.

Reads are bounded, so the cost does not grow with a person's history. The first
statement brings the person's swaps, overrides and band set, the check-ins of the last
weeks, the exercises their team chose for the phase and the team's open live session:
small indexed reads in one round trip. The second fetches, per exercise, only its last
few sessions and today's sets (each part an index range scan). The statements are plain
SQL, built once, and run on the session's connection without the ORM. The third reads
the cardio logged today (one range of the person-and-day index), as cardio may be
logged on any day.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from coach.accounts.models import Member
from coach.coaching.journal import CARDIO_FIELDS, PAIN_COLUMNS, RED_FLAGS, SET_FIELDS
from coach.coaching.models import CardioSession, WorkoutSet
from coach.database import plain_select
from coach.domain import progression
from coach.domain.catalogue import Text
from coach.domain.live import Status

# Enough for every rule: two sessions in a row, a break, an override.
SESSIONS_LOOKED_AT = 4
CHECK_IN_DAYS = 28
_SET_COLUMNS = ("id", *SET_FIELDS, "local_date", "created_at")
# Only today's sets are shown as they are; the older ones feed the rules, which need
# neither their ids nor their times, so those come back NULL and cost nothing to convert.
_TODAYS_ONLY = {"id", "performed_at", "created_at"}
_SET_SELECT = ", ".join(
    f"CASE WHEN local_date = :today THEN {name} END AS {name}" if name in _TODAYS_ONLY else name
    for name in _SET_COLUMNS
)

# The person's facts for the day: six small reads in one round trip. Each row says
# which it is in its first column:
#   swap:     a = exercise, b = replacement, day = kept until
#   override: a = exercise, b = band level, day, load_kg
#   band:     a = key, b = Danish name, c = English name, d = display colour, position
#   check-in: day, the pain per region, soreness, red_flag (any red-flag answer)
#   chosen:   a = the team's exercises for the phase, as JSON (coach/polls)
#   live:     a = the team's open live session's id, b = its host's name, c = status
#             (one at most: a unique index allows one open session per team; from
#             yesterday too, as the team's day and the person's may differ by a zone)
_NO_CHECK_IN = ", ".join(["NULL"] * (len(PAIN_COLUMNS) + 2))  # pains, soreness, red_flag
_PERSON_DAY = plain_select(
    "SELECT 'swap' AS kind, exercise AS a, replacement AS b, NULL AS c, NULL AS d,"
    " kept_until AS day, NULL AS load_kg, 0 AS position, {pain_as},"
    " CAST(NULL AS BOOLEAN) AS soreness, CAST(NULL AS BOOLEAN) AS red_flag"
    " FROM exercise_swaps WHERE person_id = :person"
    " AND (kept_until IS NULL OR kept_until >= :today)"
    " UNION ALL SELECT 'override', exercise, band_level, NULL, NULL, day, load_kg, 0,"
    " {none} FROM load_overrides WHERE person_id = :person"
    " UNION ALL SELECT 'band', key, colour_name_da, colour_name_en, display_colour, NULL, NULL,"
    " position, {none} FROM band_levels WHERE band_set_id = :band_set"
    " UNION ALL SELECT 'check-in', NULL, NULL, NULL, NULL, day, NULL, 0, {pain}, soreness,"
    " {red_flag} FROM check_ins WHERE person_id = :person AND day > :since AND day <= :today"
    " UNION ALL SELECT 'chosen', CAST(c.exercises AS TEXT), NULL, NULL, NULL, NULL, NULL, 0,"
    " {none} FROM chosen_phases c JOIN people p ON p.team_id = c.team_id WHERE p.id = :person"
    " AND c.program = :program AND c.first_week <= :week AND c.last_week >= :week"
    " UNION ALL SELECT 'live', CAST(l.id AS TEXT), h.display_name, l.status, NULL, NULL, NULL,"
    " 0, {none} FROM live_sessions l JOIN people p ON p.team_id = l.team_id"
    " LEFT JOIN people h ON h.id = l.host_id WHERE p.id = :person AND l.status <> '{ended}'"
    " AND l.local_date >= :yesterday"
    " ORDER BY position, day".format(
        # Typed: PostgreSQL settles a UNION's types pair by pair, and NULL against NULL
        # would make these text before the check-ins' integers come.
        pain_as=", ".join(f"CAST(NULL AS INTEGER) AS {column}" for column in PAIN_COLUMNS.values()),
        none=_NO_CHECK_IN,
        pain=", ".join(PAIN_COLUMNS.values()),
        red_flag=f"({' OR '.join(RED_FLAGS)})",
        ended=Status.ENDED.value,
    ),
    "kind",
    "a",
    "b",
    "c",
    "d",
    sa.column("day", sa.Date()),
    sa.column("load_kg", sa.Float()),
    "position",
    *PAIN_COLUMNS.values(),
    sa.column("soreness", sa.Boolean()),
    sa.column("red_flag", sa.Boolean()),
).bindparams(
    sa.bindparam("since", type_=sa.Date()),
    sa.bindparam("today", type_=sa.Date()),
    sa.bindparam("yesterday", type_=sa.Date()),
    sa.bindparam("program", type_=sa.String()),
    sa.bindparam("week", type_=sa.Integer()),
)
_REGIONS = {column: region for region, column in PAIN_COLUMNS.items()}
_CARDIO_COLUMNS = ("id", *CARDIO_FIELDS, "local_date", "created_at")
CARDIO_TODAY = plain_select(
    f"SELECT {', '.join(_CARDIO_COLUMNS)} FROM cardio_sessions"
    " WHERE person_id = :person AND local_date = :today ORDER BY performed_at",
    *(CardioSession.__table__.c[name] for name in _CARDIO_COLUMNS),
).bindparams(sa.bindparam("today", type_=sa.Date()))
_sets_statements: dict[int, sa.TextualSelect] = {}


def _sets_statement(count: int) -> sa.TextualSelect:
    """Today's sets and the last few sessions before today of ``count`` exercises.

    Per exercise, the oldest day wanted is its SESSIONS_LOOKED_AT-th latest session
    day before today (or any day, when it has fewer); both that lookup and the rows are
    ranges of the (person, exercise, day) index.
    """
    statement = _sets_statements.get(count)
    if statement is None:
        parts = [
            f"SELECT {_SET_SELECT} FROM workout_sets"
            f" WHERE person_id = :person AND exercise = :exercise_{i} AND local_date <= :today"
            " AND local_date >= COALESCE(("
            f"SELECT local_date FROM workout_sets WHERE person_id = :person"
            f" AND exercise = :exercise_{i} AND local_date < :today"
            " GROUP BY local_date ORDER BY local_date DESC"
            f" LIMIT 1 OFFSET {SESSIONS_LOOKED_AT - 1}), :first_day)"
            for i in range(count)
        ]
        statement = plain_select(
            " UNION ALL ".join(parts),
            *(WorkoutSet.__table__.c[name] for name in _SET_COLUMNS),
        ).bindparams(
            sa.bindparam("today", type_=sa.Date()), sa.bindparam("first_day", type_=sa.Date())
        )
        _sets_statements[count] = statement
    return statement


# -- rows into the engine's terms ------------------------------------------------------


def check_in(row: Any) -> progression.CheckIn:
    pain = {
        region: value
        for column, region in _REGIONS.items()
        if (value := getattr(row, column)) is not None
    }
    return progression.CheckIn(
        day=row.day, pain=pain, soreness=bool(row.soreness), red_flag=bool(row.red_flag)
    )


def _position(positions: dict[str, int], band_level: str | None) -> int | None:
    return positions.get(band_level) if band_level is not None else None


def logged_set(row: Any, positions: dict[str, int]) -> progression.LoggedSet:
    return progression.LoggedSet(
        day=row.local_date,
        reps=row.reps,
        hold_seconds=row.hold_seconds,
        band_position=_position(positions, row.band_level),
        load_kg=row.load_kg,
        reps_in_reserve=row.reps_in_reserve,
        pain=row.pain,
    )


# -- the reads ---------------------------------------------------------------------------


@dataclass
class PersonDay:
    """The person's facts for the day, from the first statement."""

    swaps: dict[str, str]  # exercise -> replacement
    kept_until: dict[str, date | None]  # exercise -> the swap's last day
    overrides: dict[str, progression.Override]
    levels: tuple[progression.BandLevelView, ...]  # the band set, lightest first
    positions: dict[str, int]  # band key -> index in levels
    check_ins: list[progression.CheckIn]
    chosen: list[str] | None  # the team's exercises for the phase, if it chose
    live_session: dict[str, Any] | None  # {id, host_name, status} of the team's open one


def read_person_day(
    connection: sa.Connection, person: Member, today: date, program: str, week: int
) -> PersonDay:
    day = PersonDay({}, {}, {}, (), {}, [], None, None)
    overrides, levels = [], []
    parameters = {
        "person": person.id,
        "band_set": person.band_set_id,
        "since": today - timedelta(days=CHECK_IN_DAYS),
        "today": today,
        "yesterday": today - timedelta(days=1),
        "program": program,
        "week": week,
    }
    for row in connection.execute(_PERSON_DAY, parameters):
        if row.kind == "swap":
            day.swaps[row.a] = row.b
            day.kept_until[row.a] = row.day
        elif row.kind == "override":
            overrides.append(row)
        elif row.kind == "band":
            name = Text(row.b, row.c)
            levels.append(progression.BandLevelView(key=row.a, name=name, colour=row.d))
        elif row.kind == "chosen":
            day.chosen = json.loads(row.a)
        elif row.kind == "live":
            day.live_session = {"id": str(uuid.UUID(row.a)), "host_name": row.b, "status": row.c}
        else:
            day.check_ins.append(check_in(row))
    day.levels = tuple(levels)
    day.positions = {level.key: i for i, level in enumerate(levels)}
    day.overrides = {
        row.a: progression.Override(
            day=row.day, band_position=_position(day.positions, row.b), load_kg=row.load_kg
        )
        for row in overrides
    }
    return day


def read_sets(
    connection: sa.Connection,
    person: Member,
    slugs: list[str],
    today: date,
    positions: dict[str, int],
) -> tuple[dict[str, list[progression.LoggedSet]], dict[str, list[Any]]]:
    """Per exercise, its recent sessions before today (as the rules read them) and
    today's sets (rows as logged)."""
    history: dict[str, list[progression.LoggedSet]] = defaultdict(list)
    logged_today: dict[str, list[Any]] = defaultdict(list)
    if not slugs:
        return history, logged_today
    parameters: dict[str, Any] = {"person": person.id, "today": today, "first_day": date.min}
    parameters.update({f"exercise_{i}": slug for i, slug in enumerate(slugs)})
    for row in connection.execute(_sets_statement(len(slugs)), parameters):
        if row.local_date == today:
            logged_today[row.exercise].append(row)
        else:
            history[row.exercise].append(logged_set(row, positions))
    return history, logged_today
