"""Today's session for one person: what to do, at which load, and why.

This is the screen every person opens every training day, so it is built for speed as
well as correctness. Reads are bounded, so the cost does not grow with a person's
history: one statement fetches, per exercise, only its last few sessions and today's
sets (each part an index range scan); a second brings the person's swaps, overrides
and band set and the check-ins of the last weeks, small indexed reads; a third reads
the cardio logged today (one range of the person-and-day index), as cardio may be
logged on any day. The statements are plain SQL, built once, and run on the session's
connection without the ORM; the exercises' texts, which never change while the app
runs, are rendered once per language.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from coach.accounts.models import Member
from coach.catalogue.schemas import ExerciseSchema
from coach.catalogue.service import current_catalogue, exercise_in
from coach.coaching.journal import (
    CARDIO_FIELDS,
    PAIN_COLUMNS,
    RED_FLAGS,
    SET_FIELDS,
    local_date,
    local_today,
)
from coach.coaching.models import CardioSession as LoggedCardio
from coach.coaching.models import WorkoutSet
from coach.coaching.schemas import LoggedCardioSchema, SetSchema
from coach.database import plain_select
from coach.domain import progression
from coach.domain.calendar import WEEKDAYS, monday_of, team_program_week
from coach.domain.catalogue import (
    CARDIO_ACTIVITY_NAMES,
    CardioSession,
    Exercise,
    Program,
    ProgramItem,
    Text,
)
from coach.domain.weights import DUMBBELLS_KG, KETTLEBELLS_KG
from coach.extensions import db
from coach.live.service import live_session_today
from coach.polls.phases import chosen_items

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


@dataclass(frozen=True)
class ProgramDay:
    program: Program
    week: int
    items: tuple[ProgramItem, ...]


def program_week(joined: date, today: date) -> int:
    """Week 1 is the week a person joined (counted in whole weeks from that day)."""
    return max(0, (today - joined).days) // 7 + 1


def program_day(person: Member, today: date) -> ProgramDay | None:
    """The program's day for ``person``: a team member is in the team's week, so
    colleagues share one phase and a newcomer joins where the team is (their first
    session's loads are the engine's first-day picks); anyone else counts from the
    day they joined."""
    if person.program is None:
        return None
    program = current_catalogue().programs[person.program]
    if person.program_started_on is not None:
        week = team_program_week(person.program_started_on, today)
    else:
        week = program_week(local_date(person, person.created_at), today)
    return ProgramDay(program, week, program.phase_for_week(week).items)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def phase_ends_on(person: Member, today: date) -> date | None:
    """The last day of the program phase ``person`` is in on ``today`` (None without a
    program): a Sunday for a team, whose weeks are calendar weeks; otherwise the day
    before the person's next program week."""
    if person.program is None:
        return None
    program = current_catalogue().programs[person.program]
    if person.program_started_on is not None:
        week = team_program_week(person.program_started_on, today)
        week_one = monday_of(person.program_started_on)
    else:
        week_one = local_date(person, person.created_at)
        week = program_week(week_one, today)
    return week_one + timedelta(weeks=program.last_week_of_phase(week), days=-1)


# -- the statements ---------------------------------------------------------------------

# The person's choices, their workplace's bands, their recent check-ins and the
# exercises their team chose for this phase: five small reads in one round trip. Each
# row says which it is in its first column:
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
_CARDIO_COLUMNS = ("id", *CARDIO_FIELDS, "local_date", "created_at")
_CARDIO_TODAY = plain_select(
    f"SELECT {', '.join(_CARDIO_COLUMNS)} FROM cardio_sessions"
    " WHERE person_id = :person AND local_date = :today ORDER BY performed_at",
    *(LoggedCardio.__table__.c[name] for name in _CARDIO_COLUMNS),
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


# -- reading ---------------------------------------------------------------------------


def load_scale(
    levels: tuple[progression.BandLevelView, ...], exercise: Exercise
) -> progression.LoadScale:
    weights = {"dumbbell": DUMBBELLS_KG, "kettlebell": KETTLEBELLS_KG}.get(exercise.equipment, ())
    return progression.LoadScale(band_levels=levels, weights_kg=tuple(weights))


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


VIEWS = "coach.coaching.exercise_views"


def exercise_view(language: str, exercise: Exercise) -> dict[str, Any]:
    """The exercise as the API shows it. The catalogue is loaded at start-up and never
    changes while the app runs, so each exercise is rendered once per language."""
    views: dict[tuple[str, str], dict[str, Any]] = current_app.extensions.setdefault(VIEWS, {})
    view = views.get((language, exercise.slug))
    if view is None:
        view = ExerciseSchema().dump(exercise_in(language, exercise))
        views[(language, exercise.slug)] = view
    return view


# -- today -----------------------------------------------------------------------------


def today_for(
    person: Member, language: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """The session for today in the person's zone (or for ``today``), ready to send as
    JSON (the shape of :class:`~coach.coaching.schemas.TodaySchema`)."""
    language = language or person.language
    today = today or local_today(person)
    plan = program_day(person, today)
    connection = db.session.connection()
    # Cardio may be logged any day, planned or not, so today's is always read.
    cardio_logged = LoggedCardioSchema(many=True).dump(
        connection.execute(_CARDIO_TODAY, {"person": person.id, "today": today}).all()
    )
    body: dict[str, Any] = {
        "date": today.isoformat(),
        "time_zone": person.effective_time_zone,
        "language": language,
        "training_day": False,
        "program": None,
        "week": None,
        "exercises": [],
        "cardio": [],
        "cardio_logged": cardio_logged,
        "nothing_planned": True,
        "paused": False,
        "done": False,
        "live_session": None,
    }
    if plan is None:
        return body
    catalogue = current_catalogue()
    swaps: dict[str, str] = {}
    kept_until: dict[str, date | None] = {}
    override_rows = []
    band_levels = []
    check_ins = []
    chosen: list[str] | None = None
    since = today - timedelta(days=CHECK_IN_DAYS)
    for row in connection.execute(
        _PERSON_DAY,
        {
            "person": person.id,
            "band_set": person.band_set_id,
            "since": since,
            "today": today,
            "program": plan.program.slug,
            "week": plan.week,
        },
    ):
        if row.kind == "swap":
            swaps[row.a] = row.b
            kept_until[row.a] = row.day
        elif row.kind == "override":
            override_rows.append(row)
        elif row.kind == "band":
            band_levels.append(
                progression.BandLevelView(key=row.a, name=Text(row.b, row.c), colour=row.d)
            )
        elif row.kind == "chosen":
            chosen = json.loads(row.a)
        else:
            check_ins.append(check_in(row))
    levels = tuple(band_levels)
    positions = {level.key: i for i, level in enumerate(levels)}
    # The exercises the team chose for this phase, if it voted on them (coach/polls).
    program_items = chosen_items(plan.program.phase_for_week(plan.week), chosen)
    items = [item for item in program_items if item.exercise is not None]
    slugs = [swaps.get(item.exercise, item.exercise) for item in items]  # type: ignore[arg-type]
    history: dict[str, list[progression.LoggedSet]] = defaultdict(list)
    logged_today: dict[str, list[Any]] = defaultdict(list)
    if slugs:
        parameters: dict[str, Any] = {"person": person.id, "today": today, "first_day": date.min}
        parameters.update({f"exercise_{i}": slug for i, slug in enumerate(slugs)})
        for row in connection.execute(_sets_statement(len(slugs)), parameters):
            if row.local_date == today:
                logged_today[row.exercise].append(row)
            else:
                history[row.exercise].append(logged_set(row, positions))
    overrides = {
        row.a: progression.Override(
            day=row.day, band_position=_position(positions, row.b), load_kg=row.load_kg
        )
        for row in override_rows
    }

    exercises = []
    for item, slug in zip(items, slugs, strict=True):
        exercise = catalogue.exercises[slug]
        prescription = progression.prescribe(
            item,
            exercise,
            history.get(slug, []),
            check_ins,
            today,
            load_scale(levels, exercise),
            override=overrides.get(slug),
        )
        done_sets = sorted(logged_today.get(slug, []), key=lambda row: row.performed_at)
        exercises.append(
            {
                "exercise": exercise_view(language, exercise),
                "swapped_from": item.exercise if slug != item.exercise else None,
                "swap_kept_until": _day(
                    kept_until.get(item.exercise) if slug != item.exercise else None
                ),
                "prescription": prescription_view(prescription, language),
                "logged": SetSchema(many=True).dump(done_sets) if done_sets else [],
                "done": len(done_sets) >= prescription.sets,
            }
        )
    cardio = [
        cardio_view(item, by, cardio_logged, language)
        for item, by in planned_cardio(program_items, person.team_cardio, today)
    ]
    planned = bool(exercises or cardio)
    body.update(
        training_day=WEEKDAYS[today.weekday()] in person.workdays,
        program={"slug": plan.program.slug, "name": plan.program.name.in_language(language)},
        week=plan.week,
        exercises=exercises,
        cardio=cardio,
        nothing_planned=not planned,
        live_session=live_session_today(person.id, today),
        paused=any(e["prescription"]["paused"] for e in exercises),
        done=planned and all(e["done"] for e in exercises) and all(c["logged"] for c in cardio),
    )
    return body


def planned_cardio(
    program_items: Iterable[ProgramItem], team_cardio: dict[str, Any] | None, today: date
) -> list[tuple[CardioSession, str]]:
    """Cardio planned on ``today``, each with who planned it: the program's phase (a
    cardio program, every day) and the team's cardio days (beside strength, on their
    weekdays)."""
    planned = [(item.cardio, "program") for item in program_items if item.cardio is not None]
    if team_cardio is not None and WEEKDAYS[today.weekday()] in team_cardio["weekdays"]:
        session = CardioSession(
            activity=team_cardio["activity"],
            minutes=team_cardio["minutes"],
            effort=team_cardio["effort"],
        )
        planned.append((session, "team"))
    return planned


def cardio_view(
    session: CardioSession, planned_by: str, logged: list[dict[str, Any]], language: str
) -> dict[str, Any]:
    return {
        "activity": session.activity,
        "name": CARDIO_ACTIVITY_NAMES[session.activity].in_language(language),
        "minutes": session.minutes,
        "effort": session.effort,
        "planned_by": planned_by,
        "logged": [c for c in logged if c["activity"] == session.activity],
    }


def prescription_view(prescription: progression.Prescription, language: str) -> dict[str, Any]:
    band = None
    if (level := prescription.band) is not None:
        band = {"key": level.key, "name": level.name.in_language(language), "colour": level.colour}
    return {
        "rule": prescription.rule,
        "sets": prescription.sets,
        "reps_min": prescription.reps_min,
        "reps_max": prescription.reps_max,
        "target_reps": prescription.target_reps,
        "hold_seconds": prescription.hold_seconds,
        "rest_seconds": prescription.rest_seconds,
        "band": band,
        "load_kg": prescription.load_kg,
        "paused": prescription.paused,
        "change": {
            "code": prescription.change.code,
            "direction": prescription.change.direction,
            "reason": prescription.change.reason.in_language(language),
        },
        "preview": prescription.preview.in_language(language) if prescription.preview else None,
    }
