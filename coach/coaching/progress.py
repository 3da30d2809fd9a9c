"""A person's own record: their training history day by day, and their progress.

Everything is read with a handful of queries whatever the length of the history: the
database pages the days, picks each day's top set per exercise and averages pain per
week; the rules that judge weeks against the program live in
:mod:`coach.domain.adherence`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.coaching.check_ins import check_in_view
from coach.coaching.journal import PAIN_COLUMNS, local_date, local_today
from coach.coaching.models import CardioSession, CheckIn, WorkoutSet
from coach.coaching.weeks import iso_week_start
from coach.domain.adherence import current_streak, sessions_vs_target, weekly_target
from coach.domain.catalogue import CARDIO_ACTIVITY_NAMES
from coach.extensions import db
from coach.teams.models import BandLevel

# -- history --------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPage:
    days: list[dict[str, Any]]  # newest first
    total: int  # days in the whole range


def exercise_name(slug: str, language: str) -> str:
    exercise = current_catalogue().exercises.get(slug)
    # A set of an exercise since removed from the catalogue still shows, by its slug.
    return exercise.name.in_language(language) if exercise is not None else slug


def _in_range(column: Any, first: date | None, last: date | None) -> list[Any]:
    return [
        *([column >= first] if first is not None else []),
        *([column <= last] if last is not None else []),
    ]


def history(
    person: Person, first: date | None, last: date | None, page: int, page_size: int
) -> HistoryPage:
    """The person's days with anything logged (a set, cardio or a check-in) between
    ``first`` and ``last`` (inclusive, either open), newest first, one page of them."""
    days = sa.union(
        sa.select(WorkoutSet.local_date.label("day")).where(
            WorkoutSet.person_id == person.id, *_in_range(WorkoutSet.local_date, first, last)
        ),
        sa.select(CardioSession.local_date.label("day")).where(
            CardioSession.person_id == person.id,
            *_in_range(CardioSession.local_date, first, last),
        ),
        sa.select(CheckIn.day.label("day")).where(
            CheckIn.person_id == person.id, *_in_range(CheckIn.day, first, last)
        ),
    ).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(days)) or 0
    offset = (page - 1) * page_size
    if offset >= total:  # also keeps absurd page numbers away from OFFSET
        return HistoryPage([], total)
    page_days: list[date] = list(
        db.session.scalars(
            sa.select(days.c.day).order_by(days.c.day.desc()).limit(page_size).offset(offset)
        )
    )
    newest, oldest = page_days[0], page_days[-1]
    shown: dict[date, dict[str, Any]] = {
        day: {"date": day, "sets": [], "cardio": [], "check_in": None} for day in page_days
    }
    language = person.language
    for row in db.session.scalars(
        sa.select(WorkoutSet)
        .where(WorkoutSet.person_id == person.id, WorkoutSet.local_date.between(oldest, newest))
        .order_by(WorkoutSet.performed_at, WorkoutSet.id)
    ):
        shown[row.local_date]["sets"].append(
            {
                "id": row.id,
                "exercise": row.exercise,
                "name": exercise_name(row.exercise, language),
                "performed_at": row.performed_at,
                "reps": row.reps,
                "hold_seconds": row.hold_seconds,
                "band_level": row.band_level,
                "load_kg": row.load_kg,
                "reps_in_reserve": row.reps_in_reserve,
                "pain": row.pain,
            }
        )
    for cardio in db.session.scalars(
        sa.select(CardioSession)
        .where(
            CardioSession.person_id == person.id,
            CardioSession.local_date.between(oldest, newest),
        )
        .order_by(CardioSession.performed_at, CardioSession.id)
    ):
        shown[cardio.local_date]["cardio"].append(
            {
                "id": cardio.id,
                "performed_at": cardio.performed_at,
                "activity": cardio.activity,
                "name": CARDIO_ACTIVITY_NAMES[cardio.activity].in_language(language),
                "minutes": cardio.minutes,
                "effort": cardio.effort,
            }
        )
    for check_in in db.session.scalars(
        sa.select(CheckIn).where(
            CheckIn.person_id == person.id, CheckIn.day.between(oldest, newest)
        )
    ):
        shown[check_in.day]["check_in"] = check_in_view(check_in)
    return HistoryPage(list(shown.values()), total)


# -- progress -------------------------------------------------------------------------


def _exercise_series(person: Person) -> list[dict[str, Any]]:
    """Per exercise, one point per day trained: the day's top set, i.e. the heaviest
    load (band position or kg) and, at it, the most reps or the longest hold."""
    level = aliased(BandLevel)
    per_day = (WorkoutSet.exercise, WorkoutSet.local_date)
    ranked = (
        sa.select(
            WorkoutSet.exercise,
            WorkoutSet.local_date,
            WorkoutSet.band_level,
            level.position,
            level.colour_name_da,
            level.colour_name_en,
            WorkoutSet.load_kg,
            WorkoutSet.reps,
            WorkoutSet.hold_seconds,
            sa.func.count().over(partition_by=per_day).label("sets"),
            sa.func.row_number()
            .over(
                partition_by=per_day,
                order_by=(
                    level.position.desc().nulls_last(),
                    WorkoutSet.load_kg.desc().nulls_last(),
                    WorkoutSet.reps.desc().nulls_last(),
                    WorkoutSet.hold_seconds.desc().nulls_last(),
                ),
            )
            .label("rank"),
        )
        .outerjoin(
            level,
            sa.and_(
                level.band_set_id == person.workplace.band_set_id,
                level.key == WorkoutSet.band_level,
            ),
        )
        .where(WorkoutSet.person_id == person.id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked).where(ranked.c.rank == 1).order_by(ranked.c.exercise, ranked.c.local_date)
    ).mappings()
    language = person.language
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        band = None
        if row["band_level"] is not None:
            band = {
                "key": row["band_level"],
                "position": row["position"],
                "name": row[f"colour_name_{language}"] or row["band_level"],
            }
        series[row["exercise"]].append(
            {
                "date": row["local_date"],
                "band_level": band,
                "load_kg": row["load_kg"],
                "reps": row["reps"],
                "hold_seconds": row["hold_seconds"],
                "sets": row["sets"],
            }
        )
    return [
        {
            "exercise": slug,
            "name": exercise_name(slug, language),
            # every set is either counted or timed (a database constraint)
            "kind": "hold" if sessions[-1]["hold_seconds"] is not None else "reps",
            "sessions": sessions,
        }
        for slug, sessions in series.items()
    ]


def _pain_weeks(person: Person) -> list[dict[str, Any]]:
    """Mean pain per region per ISO week of the person's check-ins, oldest first."""
    week = iso_week_start(CheckIn.day)
    regions = list(PAIN_COLUMNS.items())
    rows = db.session.execute(
        sa.select(
            week,
            sa.func.count(),
            *(sa.cast(sa.func.avg(getattr(CheckIn, column)), sa.Float) for _, column in regions),
        )
        .where(CheckIn.person_id == person.id)
        .group_by(week)
        .order_by(week)
    )
    return [
        {
            "week_start": monday,
            "check_ins": count,
            "mean": {
                region: None if value is None else round(value, 2)
                for (region, _), value in zip(regions, means, strict=True)
            },
        }
        for monday, count, *means in rows
    ]


def _sessions_by_week(person: Person) -> dict[date, int]:
    """Days with at least one set, per ISO week, over the whole history."""
    week = iso_week_start(WorkoutSet.local_date)
    rows = db.session.execute(
        sa.select(week, sa.func.count(sa.distinct(WorkoutSet.local_date)))
        .where(WorkoutSet.person_id == person.id)
        .group_by(week)
    )
    return {monday: sessions for monday, sessions in rows}


def program_target(person: Person) -> tuple[str | None, int | None]:
    """The person's program and its weekly sessions (capped by the team's workdays);
    ``(None, None)`` for someone in no team, or a program the catalogue no longer has."""
    team = person.team
    program = current_catalogue().programs.get(team.program) if team is not None else None
    if team is None or program is None:
        return None, None
    return program.slug, weekly_target(program.sessions_per_week, team.workdays)


def progress(person: Person) -> dict[str, Any]:
    today = local_today(person)
    program, target = program_target(person)
    by_week = _sessions_by_week(person)
    # Weeks before the person joined are not theirs to meet (sets cannot predate it).
    joined = min([local_date(person, person.created_at), *by_week])
    workdays = person.team.workdays if person.team is not None else None
    weeks = sessions_vs_target(by_week, today=today, target=target, workdays=workdays, since=joined)
    return {
        "today": today,
        "exercises": _exercise_series(person),
        "pain_weeks": _pain_weeks(person),
        "sessions_per_week": {
            "program": program,
            "target": target,
            "weeks": [
                {
                    "week_start": w.week_start,
                    "sessions": w.sessions,
                    "planned": w.planned,
                    "partial": w.partial,
                    "target": w.target,
                    "target_so_far": w.target_so_far,
                    "met": w.met,
                }
                for w in weeks
            ],
        },
        "streak_weeks": current_streak(by_week, today=today, target=target),
    }
