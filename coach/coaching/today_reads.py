"""What the rules read for today's prescriptions: two statements, each built once.

They run only when the day's prescriptions are not kept (:mod:`coach.coaching.today_cache`
reads those, with what changes while a person trains, in one statement on every visit).
Reads are bounded, so the cost does not grow with a person's history. The first brings
the person's swaps, overrides and band set, the check-ins of the last weeks and the
exercises their team chose for the phase: small indexed reads in one round trip. The
second fetches, per exercise, only its last few sessions before today (each part an
index range scan). The statements are plain SQL, built once, and run on the session's
connection without the ORM.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from coach.accounts.models import Member
from coach.coaching.journal import PAIN_COLUMNS, RED_FLAGS
from coach.coaching.models import WorkoutSet
from coach.database import plain_select
from coach.domain import progression
from coach.domain.catalogue import Text

# Enough for every rule: two sessions in a row, a break, an override.
SESSIONS_LOOKED_AT = 4
CHECK_IN_DAYS = 28
# The sets before today feed the rules, which need neither their ids nor their times.
_HISTORY_COLUMNS = (
    "exercise",
    "reps",
    "hold_seconds",
    "band_level",
    "load_kg",
    "reps_in_reserve",
    "pain",
    "local_date",
)

# The person's facts for the day: five small reads in one round trip. Each row says
# which it is in its first column:
#   swap:     a = exercise, b = replacement, day = kept until
#   override: a = exercise, b = band level, day, load_kg
#   band:     a = key, b = Danish name, c = English name, d = display colour, position
#   check-in: day, the pain per region, soreness, red_flag (any red-flag answer)
#   chosen:   a = the team's exercises for the phase, as JSON (coach/polls)
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
    " ORDER BY position, day".format(
        # Typed: PostgreSQL settles a UNION's types pair by pair, and NULL against NULL
        # would make these text before the check-ins' integers come.
        pain_as=", ".join(f"CAST(NULL AS INTEGER) AS {column}" for column in PAIN_COLUMNS.values()),
        none=_NO_CHECK_IN,
        pain=", ".join(PAIN_COLUMNS.values()),
        red_flag=f"({' OR '.join(RED_FLAGS)})",
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
    sa.bindparam("program", type_=sa.String()),
    sa.bindparam("week", type_=sa.Integer()),
)
_REGIONS = {column: region for region, column in PAIN_COLUMNS.items()}

_sets_statements: dict[int, sa.TextualSelect] = {}


def _sets_statement(count: int) -> sa.TextualSelect:
    """The last few sessions before today of ``count`` exercises.

    Per exercise, the oldest day wanted is its SESSIONS_LOOKED_AT-th latest session
    day before today (or any day, when it has fewer); both that lookup and the rows are
    ranges of the (person, exercise, day) index.
    """
    statement = _sets_statements.get(count)
    if statement is None:
        parts = [
            f"SELECT {', '.join(_HISTORY_COLUMNS)} FROM workout_sets"
            f" WHERE person_id = :person AND exercise = :exercise_{i} AND local_date < :today"
            " AND local_date >= COALESCE(("
            f"SELECT local_date FROM workout_sets WHERE person_id = :person"
            f" AND exercise = :exercise_{i} AND local_date < :today"
            " GROUP BY local_date ORDER BY local_date DESC"
            f" LIMIT 1 OFFSET {SESSIONS_LOOKED_AT - 1}), :first_day)"
            for i in range(count)
        ]
        statement = plain_select(
            " UNION ALL ".join(parts),
            *(WorkoutSet.__table__.c[name] for name in _HISTORY_COLUMNS),
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
    """The person's facts for the day, as the rules read them."""

    swaps: dict[str, str]  # exercise -> replacement
    kept_until: dict[str, date | None]  # exercise -> the swap's last day
    overrides: dict[str, progression.Override]
    levels: tuple[progression.BandLevelView, ...]  # the band set, lightest first
    positions: dict[str, int]  # band key -> index in levels
    check_ins: list[progression.CheckIn]
    chosen: list[str] | None  # the team's exercises for the phase, if it chose


def read_person_day(
    connection: sa.Connection, person: Member, today: date, program: str, week: int
) -> PersonDay:
    day = PersonDay({}, {}, {}, (), {}, [], None)
    overrides, levels = [], []
    parameters = {
        "person": person.id,
        "band_set": person.band_set_id,
        "since": today - timedelta(days=CHECK_IN_DAYS),
        "today": today,
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


def read_history(
    connection: sa.Connection,
    person: Member,
    slugs: list[str],
    today: date,
    positions: dict[str, int],
) -> dict[str, list[progression.LoggedSet]]:
    """Per exercise, its recent sessions before today, as the rules read them."""
    history: dict[str, list[progression.LoggedSet]] = defaultdict(list)
    if not slugs:
        return history
    parameters: dict[str, Any] = {"person": person.id, "today": today, "first_day": date.min}
    parameters.update({f"exercise_{i}": slug for i, slug in enumerate(slugs)})
    for row in connection.execute(_sets_statement(len(slugs)), parameters):
        history[row.exercise].append(logged_set(row, positions))
    return history
