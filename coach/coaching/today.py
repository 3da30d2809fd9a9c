"""Today's session for one person: what to do, at which load, and why.

Reads are bounded, so the cost does not grow with a person's history: per exercise
only its last few sessions (one indexed query each), the last weeks of check-ins,
and today's own logs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from coach.accounts.models import Person
from coach.catalogue.models import ExerciseSwap
from coach.catalogue.service import current_catalogue, exercise_in
from coach.coaching.logging import PAIN_COLUMNS, RED_FLAGS, local_date, local_today
from coach.coaching.models import CardioSession, CheckIn, LoadOverride, WorkoutSet
from coach.domain import progression
from coach.domain.calendar import WEEKDAYS
from coach.domain.catalogue import CARDIO_ACTIVITY_NAMES, Exercise, Program, ProgramItem, Text
from coach.domain.weights import DUMBBELLS_KG, KETTLEBELLS_KG
from coach.extensions import db

# Enough for every rule: two sessions in a row, a break, an override.
SESSIONS_LOOKED_AT = 4
CHECK_IN_DAYS = 28


@dataclass(frozen=True)
class ProgramDay:
    program: Program
    week: int
    items: tuple[ProgramItem, ...]


def program_week(joined: date, today: date) -> int:
    """Week 1 is the week a person joined (counted in whole weeks from that day)."""
    return max(0, (today - joined).days) // 7 + 1


def program_day(person: Person, today: date) -> ProgramDay | None:
    if person.team is None:
        return None
    program = current_catalogue().programs[person.team.program]
    joined = local_date(person, person.created_at)
    week = program_week(joined, today)
    return ProgramDay(program, week, program.phase_for_week(week).items)


def load_scale(person: Person, exercise: Exercise) -> progression.LoadScale:
    levels = tuple(
        progression.BandLevelView(
            key=level.key,
            name=Text(level.colour_name_da, level.colour_name_en),
            colour=level.display_colour,
        )
        for level in person.workplace.band_set.levels
    )
    weights = {"dumbbell": DUMBBELLS_KG, "kettlebell": KETTLEBELLS_KG}.get(exercise.equipment, ())
    return progression.LoadScale(band_levels=levels, weights_kg=tuple(weights))


def recent_sets(person: Person, exercises: list[str], before: date) -> dict[str, list[WorkoutSet]]:
    """The sets of each exercise's last few sessions before ``before``."""
    wanted: list[tuple[str, date]] = []
    for slug in exercises:
        days = db.session.scalars(
            sa.select(WorkoutSet.local_date)
            .where(
                WorkoutSet.person_id == person.id,
                WorkoutSet.exercise == slug,
                WorkoutSet.local_date < before,
            )
            .group_by(WorkoutSet.local_date)
            .order_by(WorkoutSet.local_date.desc())
            .limit(SESSIONS_LOOKED_AT)
        ).all()
        wanted += [(slug, day) for day in days]
    by_exercise: dict[str, list[WorkoutSet]] = defaultdict(list)
    if wanted:
        oldest = min(day for _, day in wanted)
        rows = db.session.scalars(
            sa.select(WorkoutSet).where(
                WorkoutSet.person_id == person.id,
                WorkoutSet.exercise.in_(exercises),
                WorkoutSet.local_date >= oldest,
                WorkoutSet.local_date < before,
            )
        )
        keep = set(wanted)
        for row in rows:
            if (row.exercise, row.local_date) in keep:
                by_exercise[row.exercise].append(row)
    return by_exercise


def logged_set(row: WorkoutSet, scale: progression.LoadScale) -> progression.LoggedSet:
    keys = [level.key for level in scale.band_levels]
    return progression.LoggedSet(
        day=row.local_date,
        reps=row.reps,
        hold_seconds=row.hold_seconds,
        band_position=keys.index(row.band_level) if row.band_level in keys else None,
        load_kg=row.load_kg,
        reps_in_reserve=row.reps_in_reserve,
        pain=row.pain,
    )


def recent_check_ins(person: Person, today: date) -> list[progression.CheckIn]:
    rows = db.session.scalars(
        sa.select(CheckIn).where(
            CheckIn.person_id == person.id,
            CheckIn.day > today - timedelta(days=CHECK_IN_DAYS),
            CheckIn.day <= today,
        )
    )
    return [
        progression.CheckIn(
            day=row.day,
            pain={
                region.replace("_", "-"): value
                for region, column in PAIN_COLUMNS.items()
                if (value := getattr(row, column)) is not None
            },
            soreness=row.soreness,
            red_flag=any(getattr(row, flag) for flag in RED_FLAGS),
        )
        for row in rows
    ]


def overrides_of(
    person: Person, scales: dict[str, progression.LoadScale]
) -> dict[str, progression.Override]:
    rows = db.session.scalars(
        sa.select(LoadOverride).where(
            LoadOverride.person_id == person.id, LoadOverride.exercise.in_(list(scales))
        )
    )
    found: dict[str, progression.Override] = {}
    for row in rows:
        keys = [level.key for level in scales[row.exercise].band_levels]
        found[row.exercise] = progression.Override(
            day=row.day,
            band_position=keys.index(row.band_level) if row.band_level in keys else None,
            load_kg=row.load_kg,
        )
    return found


def today_for(person: Person, language: str | None = None) -> dict[str, Any]:
    """The session for today in the person's zone, ready for the phone."""
    language = language or person.language
    today = local_today(person)
    plan = program_day(person, today)
    body: dict[str, Any] = {
        "date": today,
        "time_zone": person.effective_time_zone,
        "language": language,
        "training_day": False,
        "program": None,
        "week": None,
        "exercises": [],
        "cardio": [],
        "paused": False,
        "done": False,
    }
    if plan is None:
        return body
    team = person.team
    assert team is not None
    catalogue = current_catalogue()
    swaps = dict(
        db.session.execute(
            sa.select(ExerciseSwap.exercise, ExerciseSwap.replacement).where(
                ExerciseSwap.person_id == person.id
            )
        ).all()
    )
    items = [item for item in plan.items if item.exercise is not None]
    slugs = [swaps.get(item.exercise, item.exercise) for item in items]  # type: ignore[arg-type]
    scales = {slug: load_scale(person, catalogue.exercises[slug]) for slug in slugs}
    history = recent_sets(person, slugs, before=today)
    check_ins = recent_check_ins(person, today)
    overrides = overrides_of(person, scales)
    logged_today: dict[str, list[WorkoutSet]] = defaultdict(list)
    for row in db.session.scalars(
        sa.select(WorkoutSet)
        .where(WorkoutSet.person_id == person.id, WorkoutSet.local_date == today)
        .order_by(WorkoutSet.performed_at)
    ):
        logged_today[row.exercise].append(row)

    exercises = []
    for item, slug in zip(items, slugs, strict=True):
        exercise = catalogue.exercises[slug]
        scale = scales[slug]
        prescription = progression.prescribe(
            item,
            exercise,
            [logged_set(row, scale) for row in history.get(slug, [])],
            check_ins,
            today,
            scale,
            override=overrides.get(slug),
        )
        done_sets = logged_today.get(slug, [])
        exercises.append(
            {
                "exercise": exercise_in(language, exercise),
                "swapped_from": item.exercise if slug != item.exercise else None,
                "prescription": prescription_view(prescription, language),
                "logged": done_sets,
                "done": len(done_sets) >= prescription.sets,
            }
        )
    cardio_items = [item.cardio for item in plan.items if item.cardio is not None]
    cardio_today = (
        db.session.scalars(
            sa.select(CardioSession).where(
                CardioSession.person_id == person.id, CardioSession.local_date == today
            )
        ).all()
        if cardio_items
        else []
    )
    body.update(
        training_day=WEEKDAYS[today.weekday()] in team.workdays,
        program={"slug": plan.program.slug, "name": plan.program.name.in_language(language)},
        week=plan.week,
        exercises=exercises,
        cardio=[
            {
                "activity": cardio.activity,
                "name": CARDIO_ACTIVITY_NAMES[cardio.activity].in_language(language),
                "minutes": cardio.minutes,
                "intensity": cardio.intensity,
                "logged": list(cardio_today),
            }
            for cardio in cardio_items
        ],
        paused=any(e["prescription"]["paused"] for e in exercises),
        done=bool(exercises) and all(e["done"] for e in exercises),
    )
    return body


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
