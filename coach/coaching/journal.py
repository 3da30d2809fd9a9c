"""Writes from phones: sets, cardio and load overrides (check-ins: check_ins.py).

Every write carries an id the phone made (or, for check-ins, the person's day), so a
phone that retries after a lost answer never creates a second row: the same content
again answers with what is stored, different content under the same id is a conflict.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_smorest import abort
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.exceptions import Conflict, NotFound

from coach.accounts.models import Member, Person
from coach.catalogue.service import current_catalogue
from coach.coaching.models import CardioSession, LoadOverride, WorkoutSet
from coach.database import utcnow
from coach.domain.catalogue import Exercise
from coach.extensions import db
from coach.live.models import LiveParticipant
from coach.reminders import schedule
from coach.teams.models import BandLevel

SET_FIELDS = (
    "exercise",
    "performed_at",
    "reps",
    "hold_seconds",
    "band_level",
    "load_kg",
    "reps_in_reserve",
    "pain",
    "session_id",
)
CARDIO_FIELDS = ("performed_at", "activity", "minutes", "effort")
RED_FLAGS = (
    "numbness_or_tingling",
    "weakness",
    "trauma",
    "fever_or_weight_loss",
    "worsening_for_weeks",
)
# Body regions by their one public name (the catalogue's, also in check-ins, progress,
# team figures and the report) and the check-in column each is stored in.
PAIN_COLUMNS = {
    "neck": "pain_neck",
    "shoulder": "pain_shoulder",
    "arm": "pain_arm",
    "lower-back": "pain_lower_back",
}


def local_date(person: Member, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(person.effective_time_zone)).date()


def local_today(person: Member) -> date:
    return local_date(person, utcnow())


def invalid(**errors: str) -> None:
    """Answer 422 with field errors in the API's one format."""
    abort(422, errors={"json": {field: [message] for field, message in errors.items()}})


def _check_moment(person: Member, performed_at: datetime) -> None:
    skew = timedelta(seconds=int(current_app.config["CLOCK_SKEW_SECONDS"]))
    if performed_at > utcnow() + skew:
        invalid(performed_at="Lies in the future.")
    if performed_at < person.created_at - skew:
        invalid(performed_at="Lies before you joined.")


def exercise_or_422(slug: str) -> Exercise:
    exercise = current_catalogue().exercises.get(slug)
    if exercise is None:
        invalid(exercise=f"Unknown exercise {slug!r}.")
    assert exercise is not None
    return exercise


def in_session(person_id: int, session_id: uuid.UUID) -> bool:
    """Whether the person has joined the live session (a set may then carry its id)."""
    found = db.session.scalar(
        sa.select(LiveParticipant.person_id).where(
            LiveParticipant.session_id == session_id, LiveParticipant.person_id == person_id
        )
    )
    return found is not None


_BAND_KEYS = sa.text("SELECT key FROM band_levels WHERE band_set_id = :band_set ORDER BY position")


def band_keys(person: Member) -> list[str]:
    """The keys of the person's band set, lightest first."""
    return list(
        db.session.connection().execute(_BAND_KEYS, {"band_set": person.band_set_id}).scalars()
    )


def check_band(person: Member, band_level: str) -> None:
    if band_level not in (keys := band_keys(person)):
        invalid(band_level=f"Not a band of your workplace: {', '.join(keys)}.")


def check_load(
    person: Member,
    exercise: Exercise,
    band_level: str | None,
    load_kg: float | None,
    *,
    band_known: bool = False,
) -> None:
    """The load must be in the exercise's unit: a band of the workplace's set, kg, or
    none. ``band_known``: whether the band is the workplace's is settled elsewhere."""
    if exercise.equipment == "band":
        if load_kg is not None:
            invalid(load_kg=f"{exercise.slug} uses a band: give band_level, not kg.")
        if band_level is not None and not band_known:
            check_band(person, band_level)
    elif exercise.equipment in ("dumbbell", "kettlebell"):
        if band_level is not None:
            invalid(band_level=f"{exercise.slug} uses a {exercise.equipment}: give load_kg.")
    elif band_level is not None:
        invalid(band_level=f"{exercise.slug} uses body weight: no band or kg.")
    elif load_kg is not None:
        invalid(load_kg=f"{exercise.slug} uses body weight: no band or kg.")


def _check_set(person: Member, values: dict[str, Any], *, band_known: bool = False) -> None:
    exercise = exercise_or_422(values["exercise"])
    _check_moment(person, values["performed_at"])
    if exercise.kind == "hold":
        if values.get("hold_seconds") is None:
            invalid(hold_seconds=f"{exercise.slug} is a timed hold: give hold_seconds.")
        if values.get("reps") is not None:
            invalid(reps=f"{exercise.slug} is a timed hold: no reps.")
    else:
        if values.get("reps") is None:
            invalid(reps=f"{exercise.slug} counts repetitions: give reps.")
        if values.get("hold_seconds") is not None:
            invalid(hold_seconds=f"{exercise.slug} counts repetitions: no hold_seconds.")
    if exercise.equipment == "band" and values.get("band_level") is None:
        invalid(band_level=f"{exercise.slug} uses a band: which one?")
    if exercise.equipment in ("dumbbell", "kettlebell") and values.get("load_kg") is None:
        invalid(load_kg=f"{exercise.slug} uses a {exercise.equipment}: how many kg?")
    check_load(
        person, exercise, values.get("band_level"), values.get("load_kg"), band_known=band_known
    )


def _same(row: Any, values: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return all(getattr(row, f) == values.get(f) for f in fields)


_INSERTS: dict[tuple[str, str, bool, bool], sa.Insert] = {}
# Whether the band a set names is one of the person's workplace (in RETURNING, so a
# set costs one statement: the rare unknown band is rolled back).
_BAND_KNOWN = sa.exists().where(
    BandLevel.band_set_id == sa.bindparam("band_set"), BandLevel.key == sa.bindparam("band")
)
# The person's stored next reminder, also in RETURNING: a set on its day moves it.
_NEXT_REMINDER = schedule.next_reminder_of(sa.bindparam("reminder_of")).scalar_subquery()


def _insert_statement(table: sa.Table, checks_band: bool, reminds: bool) -> sa.Insert:
    """``INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id[, band_known][,
    next_reminder]``, built once per table and kind: built with the values inside, it
    would cost more than running it (SQLAlchemy computes a cache key over them)."""
    dialect = db.session.get_bind().dialect.name
    key = (dialect, table.name, checks_band, reminds)
    statement = _INSERTS.get(key)
    if statement is None:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        returning: list[Any] = [table.c.id]
        if checks_band:
            returning.append(_BAND_KNOWN.label("band_known"))
        if reminds:
            returning.append(_NEXT_REMINDER.label("next_reminder"))
        statement = insert(table).on_conflict_do_nothing(index_elements=["id"])
        statement = _INSERTS[key] = statement.returning(*returning)
    return statement


def _insert_new(
    model: type[Any],
    row: dict[str, Any],
    band_set: int | None = None,
    reminder_of: int | None = None,
) -> sa.Row[Any] | None:
    """INSERT ``row`` unless its id is taken; what RETURNING gave when this call
    stored it and, with ``band_set``, its band is one of that set (otherwise None, and
    the caller rolls back). With ``reminder_of``, the returned row's ``next_reminder``
    is that person's stored next reminder instant.

    One statement whether or not the id exists (``ON CONFLICT DO NOTHING``, in SQLite
    and PostgreSQL alike), so two copies of a write arriving at once cannot both
    insert, and neither needs a read first or an exception to find out.
    """
    checks_band, reminds = band_set is not None, reminder_of is not None
    statement = _insert_statement(model.__table__, checks_band, reminds)
    parameters = dict(row)
    if checks_band:
        parameters.update(band_set=band_set, band=row["band_level"])
    if reminds:
        parameters["reminder_of"] = reminder_of
    stored = db.session.execute(statement, parameters).first()
    if stored is None or (checks_band and not stored.band_known):
        return None
    return stored


def _idempotent_insert(
    person: Member,
    model: type[Any],
    values: dict[str, Any],
    fields: tuple[str, ...],
    band_set: int | None = None,
    then: Callable[[sa.Row[Any], dict[str, Any]], None] | None = None,
) -> tuple[Any, bool]:
    """Store ``values`` under the phone's id; ``(row, created)``. A replay gets the
    stored row, different content under the same id gets 409. With ``band_set``, a
    band not in it gets 422 and nothing is stored. ``then`` runs in the insert's
    transaction, with what RETURNING gave and the row, when the row was stored."""
    now = utcnow()
    row = {f: values.get(f) for f in ("id", *fields)}
    row.update(
        person_id=person.id,
        performed_at=values["performed_at"].astimezone(UTC),
        local_date=local_date(person, values["performed_at"]),
        created_at=now,
    )
    if "updated_at" in model.__table__.c:
        row["updated_at"] = now
    reminder_of = person.id if then is not None else None
    if (stored := _insert_new(model, row, band_set, reminder_of)) is not None:
        if then is not None:
            then(stored, row)
        db.session.commit()
        return row, True
    db.session.rollback()
    if band_set is not None:  # unknown, or not looked at because the id was taken
        check_band(person, values["band_level"])
    existing = db.session.get(model, values["id"])
    if existing is None or existing.person_id != person.id or not _same(existing, values, fields):
        raise Conflict("This id is already used for different content. Make a new id.")
    return existing, False


def log_set(person: Member, values: dict[str, Any]) -> tuple[WorkoutSet, bool]:
    _check_set(person, values, band_known=True)  # the INSERT checks the band
    if values.get("session_id") is not None and not in_session(person.id, values["session_id"]):
        invalid(session_id="Not a live session you have joined.")
    band_set = person.band_set_id if values.get("band_level") is not None else None

    def trained(stored: sa.Row[Any], row: dict[str, Any]) -> None:
        # Trained that day: no reminder that day (the INSERT read the stored one).
        zone = person.effective_time_zone
        if schedule.reminder_moves(stored.next_reminder, zone, row["local_date"], logged=True):
            schedule.refresh_people([person.id])

    return _idempotent_insert(person, WorkoutSet, values, SET_FIELDS, band_set, then=trained)


def own_set(person: Person, set_id: uuid.UUID) -> WorkoutSet:
    row = db.session.get(WorkoutSet, set_id)
    if row is None or row.person_id != person.id:
        raise NotFound("No such set.")
    return row


def correct_set(person: Person, set_id: uuid.UUID, changes: dict[str, Any]) -> WorkoutSet:
    row = own_set(person, set_id)
    values = {f: getattr(row, f) for f in SET_FIELDS} | changes
    _check_set(person, values)
    for field, value in changes.items():
        setattr(row, field, value)
    was, row.local_date = row.local_date, local_date(person, row.performed_at)
    if row.local_date != was:  # moved across midnight: both days' reminders may move
        db.session.flush()
        zone = person.effective_time_zone
        schedule.sets_changed(person.id, zone, was, logged=False)
        schedule.sets_changed(person.id, zone, row.local_date, logged=True)
    db.session.commit()
    return row


def delete_set(person: Person, set_id: uuid.UUID) -> None:
    row = own_set(person, set_id)
    db.session.delete(row)
    db.session.flush()
    schedule.sets_changed(person.id, person.effective_time_zone, row.local_date, logged=False)
    db.session.commit()


def log_cardio(person: Person, values: dict[str, Any]) -> tuple[CardioSession, bool]:
    _check_moment(person, values["performed_at"])
    return _idempotent_insert(person, CardioSession, values, CARDIO_FIELDS)


def delete_cardio(person: Person, cardio_id: uuid.UUID) -> None:
    row = db.session.get(CardioSession, cardio_id)
    if row is None or row.person_id != person.id:
        raise NotFound("No such cardio session.")
    db.session.delete(row)
    db.session.commit()


# -- overrides -----------------------------------------------------------------------


def set_override(person: Person, values: dict[str, Any]) -> LoadOverride:
    """The person's own load for their next session of an exercise (used once)."""
    exercise = exercise_or_422(values["exercise"])
    band_level, load_kg = values.get("band_level"), values.get("load_kg")
    if exercise.equipment == "band" and band_level is None:
        invalid(band_level=f"{exercise.slug} uses a band: which one?")
    if exercise.equipment in ("dumbbell", "kettlebell") and load_kg is None:
        invalid(load_kg=f"{exercise.slug} uses a {exercise.equipment}: how many kg?")
    if exercise.equipment == "bodyweight":
        invalid(exercise=f"{exercise.slug} uses body weight: there is no load to choose.")
    check_load(person, exercise, band_level, load_kg)
    # Before the new row is in the session: finding today may load the person's
    # workplace, and that query's autoflush would insert the row without its day.
    today = local_today(person)
    trained_today = db.session.scalar(
        sa.select(WorkoutSet.id)
        .where(
            WorkoutSet.person_id == person.id,
            WorkoutSet.exercise == exercise.slug,
            WorkoutSet.local_date == today,
        )
        .limit(1)
    )
    # Chosen after today's session, it is for the next session, not the one just done.
    day = today + timedelta(days=1) if trained_today is not None else today
    row = db.session.scalar(
        sa.select(LoadOverride).where(
            LoadOverride.person_id == person.id, LoadOverride.exercise == exercise.slug
        )
    )
    if row is None:
        row = LoadOverride(person_id=person.id, exercise=exercise.slug)
        db.session.add(row)
    row.day, row.band_level, row.load_kg = day, band_level, load_kg
    db.session.commit()
    return row
