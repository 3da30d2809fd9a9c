"""Use cases of the catalogue: the copy loaded at start-up, read in one language, and
the swaps a person chooses. Swap functions own their transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app, url_for
from flask_smorest import abort
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound

from coach.catalogue.loader import Illustration, LoadedCatalogue, load
from coach.catalogue.models import ExerciseSwap
from coach.database import utcnow
from coach.domain.catalogue import (
    CARDIO_ACTIVITY_NAMES,
    CUES,
    Catalogue,
    Exercise,
    Program,
    ProgramItem,
)
from coach.extensions import db

if TYPE_CHECKING:
    from coach.accounts.models import Person

EXTENSION = "coach.catalogue"


def init_app(app: Flask) -> None:
    """Load the catalogue once for the app's lifetime.

    Raises :class:`~coach.catalogue.loader.CatalogueError`, listing every problem, if
    the catalogue is invalid: an app must not start with exercises it cannot show.
    """
    app.extensions[EXTENSION] = load(Path(app.config["CATALOGUE_PATH"]))


def loaded_catalogue() -> LoadedCatalogue:
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def current_catalogue() -> Catalogue:
    """The current app's catalogue, as loaded at start-up."""
    return loaded_catalogue().catalogue


def known_program(slug: str) -> None:
    """Schema validator: ``slug`` names a program of the current catalogue."""
    if slug not in current_catalogue().programs:
        raise ValidationError("No such program; GET /api/programs lists them.")


def known_exercise(slug: str) -> None:
    """Schema validator: ``slug`` names an exercise of the current catalogue."""
    if slug not in current_catalogue().exercises:
        raise ValidationError(f"Unknown exercise {slug!r}; GET /api/exercises lists them.")


def openapi_enums(app: Flask) -> dict[str, list[str]]:
    """The catalogue's exercise and program slugs, for the document's enums (the
    catalogue is fixed for the app's lifetime)."""
    catalogue: Catalogue = app.extensions[EXTENSION].catalogue
    return {"exercise": sorted(catalogue.exercises), "program": sorted(catalogue.programs)}


def exercise_or_404(slug: str) -> Exercise:
    exercise = current_catalogue().exercises.get(slug)
    if exercise is None:
        raise NotFound(f"No exercise {slug!r} in the catalogue.")
    return exercise


def program_or_404(slug: str) -> Program:
    program = current_catalogue().programs.get(slug)
    if program is None:
        raise NotFound(f"No program {slug!r} in the catalogue.")
    return program


def illustration(name: str) -> Illustration | None:
    """A drawing the catalogue names; None for any other name."""
    return loaded_catalogue().illustrations.get(name)


# -- the catalogue in one language ----------------------------------------------------


def illustration_url(exercise: Exercise) -> str:
    """The drawing's address, versioned by its content so it can be cached for long."""
    drawing = loaded_catalogue().illustrations[exercise.illustration]
    return url_for("catalogue_pages.illustration", name=drawing.name, v=drawing.etag[:12])


def _named(slugs: Iterable[str], names: dict[str, str]) -> list[dict[str, str]]:
    return [{"slug": slug, "name": names[slug]} for slug in slugs]


def exercise_in(language: str, exercise: Exercise) -> dict[str, Any]:
    """The exercise with every text in ``language``."""
    catalogue = current_catalogue()
    muscle_names = {s: catalogue.muscles[s].in_language(language) for s in exercise.muscles}
    alternative_names = {
        s: catalogue.exercises[s].name.in_language(language) for s in exercise.alternatives
    }
    return {
        "slug": exercise.slug,
        "name": exercise.name.in_language(language),
        "description": exercise.description.in_language(language),
        "equipment": exercise.equipment,
        "kind": exercise.kind,
        "regions": list(exercise.regions),
        "muscles": _named(exercise.muscles, muscle_names),
        "alternatives": _named(exercise.alternatives, alternative_names),
        "default_rule": exercise.default_rule.value,
        "default_dose": exercise.default_dose,
        "cues": {cue: getattr(exercise.cues, cue).in_language(language) for cue in CUES},
        "safety": exercise.safety.in_language(language),
        "illustration_url": illustration_url(exercise),
        "illustration_alt": exercise.illustration_alt.in_language(language),
    }


def _item_in(language: str, item: ProgramItem) -> dict[str, Any]:
    body: dict[str, Any] = {"rule": item.rule.value, "exercise": None, "dose": None, "cardio": None}
    if item.exercise is not None:
        name = current_catalogue().exercises[item.exercise].name.in_language(language)
        body["exercise"] = {"slug": item.exercise, "name": name}
        body["dose"] = item.dose
    if item.cardio is not None:
        body["cardio"] = {
            "activity": item.cardio.activity,
            "name": CARDIO_ACTIVITY_NAMES[item.cardio.activity].in_language(language),
            "minutes": item.cardio.minutes,
            "effort": item.cardio.effort,
        }
    return body


def program_in(language: str, program: Program) -> dict[str, Any]:
    """The program, its phases and items, with every text in ``language``."""
    return {
        "slug": program.slug,
        "name": program.name.in_language(language),
        "purpose": program.purpose.in_language(language),
        "work_type": program.work_type,
        "sessions_per_week": program.sessions_per_week,
        "duration_weeks": program.duration_weeks,
        "session_minutes": program.session_minutes,
        "phases": [
            {
                "first_week": phase.first_week,
                "last_week": phase.last_week,
                "items": [_item_in(language, item) for item in phase.items],
            }
            for phase in program.phases
        ],
    }


# -- swaps ----------------------------------------------------------------------------


def swaps_of(person: Person, today: date) -> list[ExerciseSwap]:
    """The person's swaps that the current catalogue still allows, in the phase of
    ``today`` (the person's day).

    A swap made before the catalogue changed (an exercise removed, or no longer an
    alternative) is left stored but not applied, so nobody is sent to a stale exercise.
    """
    catalogue = current_catalogue()
    rows = db.session.scalars(
        sa.select(ExerciseSwap)
        .where(
            ExerciseSwap.person_id == person.id,
            sa.or_(ExerciseSwap.kept_until.is_(None), ExerciseSwap.kept_until >= today),
        )
        .order_by(ExerciseSwap.exercise)
    ).all()
    return [
        row
        for row in rows
        if row.exercise in catalogue.exercises
        and catalogue.swap_problem(row.exercise, row.replacement) is None
    ]


def _swap_row(person: Person, exercise: str) -> ExerciseSwap | None:
    return db.session.scalar(
        sa.select(ExerciseSwap).where(
            ExerciseSwap.person_id == person.id, ExerciseSwap.exercise == exercise
        )
    )


def swap(person: Person, exercise: str, replacement: str, kept_until: date | None) -> ExerciseSwap:
    """Until ``kept_until`` (the end of the program's phase) ``person`` does
    ``replacement`` instead of ``exercise`` (404 for an unknown exercise, 422 for a
    replacement that is not an alternative of its kind)."""
    exercise_or_404(exercise)
    problem = current_catalogue().swap_problem(exercise, replacement)
    if problem is not None:
        abort(422, message=problem, errors={"json": {"replacement": [problem]}})
    row = _swap_row(person, exercise)
    if row is None:
        row = ExerciseSwap(person_id=person.id, exercise=exercise, replacement=replacement)
        db.session.add(row)
    else:
        row.replacement, row.created_at = replacement, utcnow()
    row.kept_until = kept_until
    db.session.commit()
    return row


def unswap(person: Person, exercise: str) -> None:
    """Back to the program's own exercise (nothing to do if there was no swap)."""
    exercise_or_404(exercise)
    row = _swap_row(person, exercise)
    if row is not None:
        db.session.delete(row)
        db.session.commit()
