"""Today's session for one person: what to do, at which load, and why.

This is the screen every person opens every training day, so it is built for speed as
well as correctness: what it reads comes in plain-SQL statements whose cost does not grow
with a person's history (:mod:`coach.coaching.today_reads`), the rules are pure functions
(:mod:`coach.domain.progression`) whose answers are kept for the person's day
(:mod:`coach.coaching.today_cache`), and the exercises' texts, which never change while
the app runs, are rendered once per language. A visit whose prescriptions are kept reads
one statement beside who is asking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app

from coach.accounts.models import Member
from coach.catalogue.schemas import ExerciseSchema
from coach.catalogue.service import current_catalogue, exercise_in
from coach.coaching import today_cache
from coach.coaching.journal import local_date, local_today
from coach.coaching.schemas import LoggedCardioSchema, SetSchema
from coach.coaching.today_cache import Now, read_now
from coach.coaching.today_reads import read_history, read_person_day
from coach.domain import progression
from coach.domain.calendar import LANGUAGES, WEEKDAYS, monday_of, team_program_week
from coach.domain.catalogue import (
    CARDIO_ACTIVITY_NAMES,
    CardioSession,
    Exercise,
    Program,
    ProgramItem,
)
from coach.domain.weights import DUMBBELLS_KG, KETTLEBELLS_KG
from coach.extensions import db
from coach.polls.phases import chosen_items

# Built once: a schema instance dumps any number of rows.
_LOGGED_SETS = SetSchema(many=True)
_LOGGED_CARDIO = LoggedCardioSchema(many=True)


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


# -- the exercise cards -----------------------------------------------------------------


def load_scale(
    levels: tuple[progression.BandLevelView, ...], exercise: Exercise
) -> progression.LoadScale:
    weights = {"dumbbell": DUMBBELLS_KG, "kettlebell": KETTLEBELLS_KG}.get(exercise.equipment, ())
    return progression.LoadScale(band_levels=levels, weights_kg=tuple(weights))


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
    person: Member, language: str | None = None, today: date | None = None, *, kept: bool = True
) -> dict[str, Any]:
    """The session for today in the person's zone (or for ``today``), ready to send as
    JSON (the shape of :class:`~coach.coaching.schemas.TodaySchema`). The day's
    prescriptions come from :mod:`coach.coaching.today_cache` while they are valid
    (``kept=False`` computes them afresh and leaves the kept ones alone)."""
    language = language or person.language
    today = today or local_today(person)
    plan = program_day(person, today)
    connection = db.session.connection()
    # Cardio may be logged any day, planned or not, so today's is always read.
    now = read_now(connection, person, today)
    body: dict[str, Any] = {
        "date": today.isoformat(),
        "time_zone": person.effective_time_zone,
        "language": language,
        "training_day": False,
        "program": None,
        "week": None,
        "exercises": [],
        "cardio": [],
        "cardio_logged": _LOGGED_CARDIO.dump(now.cardio),
        "nothing_planned": True,
        "paused": False,
        "done": False,
        "live_session": None,
    }
    if plan is None:
        return body
    day_plan = _day_plan(person, plan, today, now, kept)
    exercises = [_card(c, now.sets.get(c["slug"], []), language) for c in day_plan["cards"]]
    program_cardio = [CardioSession(**session) for session in day_plan["cardio"]]
    cardio = [
        cardio_view(session, by, body["cardio_logged"], language)
        for session, by in planned_cardio(program_cardio, person.team_cardio, today)
    ]
    planned = bool(exercises or cardio)
    body.update(
        training_day=WEEKDAYS[today.weekday()] in person.workdays,
        program={"slug": plan.program.slug, "name": plan.program.name.in_language(language)},
        week=plan.week,
        exercises=exercises,
        cardio=cardio,
        nothing_planned=not planned,
        live_session=now.live_session,
        paused=any(e["prescription"]["paused"] for e in exercises),
        done=planned and all(e["done"] for e in exercises) and all(c["logged"] for c in cardio),
    )
    return body


def _day_plan(
    person: Member, plan: ProgramDay, today: date, now: Now, kept: bool
) -> dict[str, Any]:
    """The day's prescriptions: kept ones while valid, else computed (and kept)."""
    if not kept:
        return day_prescriptions(person, plan, today)
    wanted = today_cache.key(person, plan.program.slug, plan.week)
    found = today_cache.kept(now.cached, today, wanted)
    if found is not None:
        return found
    connection = db.session.connection()
    stamp = today_cache.claim(connection, person, today)
    computed = day_prescriptions(person, plan, today)
    if stamp is not None:
        today_cache.store(connection, person, today, stamp, wanted, computed)
    db.session.commit()
    return computed


def day_prescriptions(person: Member, plan: ProgramDay, today: date) -> dict[str, Any]:
    """What the rules prescribe for ``today``, as JSON: a card per strength exercise of
    the day (the exercise, swapped if the person swapped it, and its prescription in
    every language) and the program's cardio. Nothing of ``today`` itself is read but
    the check-ins: the rules ignore the day's sets."""
    connection = db.session.connection()
    facts = read_person_day(connection, person, today, plan.program.slug, plan.week)
    # The exercises the team chose for this phase, if it voted on them (coach/polls).
    program_items = chosen_items(plan.program.phase_for_week(plan.week), facts.chosen)
    catalogue = current_catalogue()
    items = [item for item in program_items if item.exercise is not None]
    slugs = [facts.swaps.get(item.exercise, item.exercise) for item in items]  # type: ignore[arg-type]
    history = read_history(connection, person, slugs, today, facts.positions)
    cards = []
    for item, slug in zip(items, slugs, strict=True):
        exercise = catalogue.exercises[slug]
        prescription = progression.prescribe(
            item,
            exercise,
            history.get(slug, []),
            facts.check_ins,
            today,
            load_scale(facts.levels, exercise),
            override=facts.overrides.get(slug),
        )
        swapped = slug != item.exercise
        cards.append(
            {
                "slug": slug,
                "swapped_from": item.exercise if swapped else None,
                "swap_kept_until": _day(facts.kept_until.get(item.exercise) if swapped else None),
                "prescription": {
                    language: prescription_view(prescription, language) for language in LANGUAGES
                },
            }
        )
    cardio = [
        {"activity": c.activity, "minutes": c.minutes, "effort": c.effort}
        for item in program_items
        if (c := item.cardio) is not None
    ]
    return {"cards": cards, "cardio": cardio}


def _card(card: dict[str, Any], done_sets: list[Any], language: str) -> dict[str, Any]:
    """An exercise's card: its kept prescription and what is logged of it today."""
    prescription = card["prescription"][language]
    return {
        "exercise": exercise_view(language, current_catalogue().exercises[card["slug"]]),
        "swapped_from": card["swapped_from"],
        "swap_kept_until": card["swap_kept_until"],
        "prescription": prescription,
        "logged": _LOGGED_SETS.dump(done_sets) if done_sets else [],
        "done": len(done_sets) >= prescription["sets"],
    }


def planned_cardio(
    program_cardio: Iterable[CardioSession], team_cardio: dict[str, Any] | None, today: date
) -> list[tuple[CardioSession, str]]:
    """Cardio planned on ``today``, each with who planned it: the program's phase (a
    cardio program, every day) and the team's cardio days (beside strength, on their
    weekdays)."""
    planned = [(session, "program") for session in program_cardio]
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
