"""A person's own data: all of it as one CSV file, and erasing all of it.

The export is one UTF-8 CSV file (RFC 4180 quoting, CRLF line ends, a byte-order mark
so spreadsheet programs read æ, ø and å right) made of sections. Each section is a
line ``# name``, a header row and one row per record, and sections are separated by an
empty line::

    # person      one row: display_name, email, role, workplace, team, ...
    # sets        one row per logged set
    # cardio      one row per cardio session
    # check-ins   one row per day checked in
    # overrides   the loads chosen for a next session
    # swaps       the exercises swapped for an alternative
    # reminders   my own reminder settings (none: the team's)
    # push devices          the devices that get my reminders
    # reminder deliveries   every attempt to deliver a reminder to me
    # poll votes  my votes in my team's polls (nobody else ever sees them)
    # high-fives  given and received; a colleague is named only if they share

Times are ISO 8601 in UTC, days ``YYYY-MM-DD`` in the person's time zone, yes/no as
``true``/``false``, nothing as an empty field. Free text that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``) gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from werkzeug.exceptions import Conflict

from coach.accounts.auth import sign_out
from coach.accounts.models import Person
from coach.catalogue.models import ExerciseSwap
from coach.coaching.journal import PAIN_COLUMNS, RED_FLAGS, local_today
from coach.coaching.models import CardioSession, CheckIn, LoadOverride, WorkoutSet
from coach.coaching.progress import exercise_name
from coach.coaching.team_totals import fold_into_team_totals
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls.models import Poll, PollVote
from coach.team_today.records import HIGH_FIVE_COLUMNS, high_fives_of

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SET_COLUMNS = (
    "id",
    "date",
    "performed_at",
    "exercise",
    "exercise_name",
    "reps",
    "hold_seconds",
    "band_level",
    "load_kg",
    "reps_in_reserve",
    "pain",
)
CARDIO_COLUMNS = ("id", "date", "performed_at", "activity", "minutes", "effort")
CHECK_IN_COLUMNS = ("day", *PAIN_COLUMNS.values(), "soreness", *RED_FLAGS)


def _owned(model: Any, person: Person, *order_by: Any) -> Any:
    """The person's own rows of ``model``, in the order given."""
    return db.session.scalars(
        sa.select(model).where(model.person_id == person.id).order_by(*order_by)
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _text(value: str | None) -> str:
    """Free text, defused so a spreadsheet shows it instead of evaluating it."""
    if value and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value or ""


def _section(
    writer: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]], first: bool
) -> None:
    if not first:
        writer.writerow([])
    writer.writerow([f"# {name}"])
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])


def export_filename(person: Person) -> str:
    return f"coach-data-{local_today(person).isoformat()}.csv"


def export_csv(person: Person) -> str:
    """Everything stored about the person, in the sections described above."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)  # RFC 4180: minimal quoting, CRLF
    language = person.language
    _section(
        writer,
        "person",
        (
            "display_name",
            "email",
            "role",
            "workplace",
            "team",
            "language",
            "time_zone",
            "share_participation",
            "has_password",
            "joined_at",
        ),
        [
            (
                _text(person.display_name),
                _text(person.email),
                person.role,
                _text(person.workplace.name),
                _text(person.team.name) if person.team else None,
                person.language,
                person.effective_time_zone,
                person.share_participation,
                person.password_hash is not None,
                person.created_at,
            )
        ],
        first=True,
    )
    sets = _owned(WorkoutSet, person, WorkoutSet.performed_at, WorkoutSet.id)
    _section(
        writer,
        "sets",
        SET_COLUMNS,
        (
            (
                s.id,
                s.local_date,
                s.performed_at,
                s.exercise,
                exercise_name(s.exercise, language),
                s.reps,
                s.hold_seconds,
                s.band_level,
                s.load_kg,
                s.reps_in_reserve,
                s.pain,
            )
            for s in sets
        ),
        first=False,
    )
    cardio = _owned(CardioSession, person, CardioSession.performed_at, CardioSession.id)
    _section(
        writer,
        "cardio",
        CARDIO_COLUMNS,
        ((c.id, c.local_date, c.performed_at, c.activity, c.minutes, c.effort) for c in cardio),
        first=False,
    )
    check_ins = _owned(CheckIn, person, CheckIn.day)
    _section(
        writer,
        "check-ins",
        CHECK_IN_COLUMNS,
        ([getattr(c, column) for column in CHECK_IN_COLUMNS] for c in check_ins),
        first=False,
    )
    overrides = _owned(LoadOverride, person, LoadOverride.exercise)
    _section(
        writer,
        "overrides",
        ("exercise", "day", "band_level", "load_kg"),
        ((o.exercise, o.day, o.band_level, o.load_kg) for o in overrides),
        first=False,
    )
    swaps = _owned(ExerciseSwap, person, ExerciseSwap.exercise)
    _section(
        writer,
        "swaps",
        ("exercise", "replacement", "chosen_at", "kept_until"),
        ((s.exercise, s.replacement, s.created_at, s.kept_until) for s in swaps),
        first=False,
    )
    _reminder_sections(writer, person)
    votes = db.session.execute(
        sa.select(PollVote, Poll)
        .join(Poll, Poll.id == PollVote.poll_id)
        .where(PollVote.person_id == person.id)
        .order_by(Poll.created_at, Poll.id)
    ).all()
    _section(
        writer,
        "poll votes",
        ("poll", "kind", "question", "option", "voted_at"),
        ((p.id, p.kind, _text(p.question), v.option, v.updated_at) for v, p in votes),
        first=False,
    )
    _high_five_section(writer, person)
    return out.getvalue()


def _reminder_sections(writer: Any, person: Person) -> None:
    from coach.reminders.models import DeliveryAttempt, PushSubscription, ReminderSettings

    settings = db.session.get(ReminderSettings, person.id)
    _section(
        writer,
        "reminders",
        ("enabled", "time", "days", "email_fallback", "snoozed_until"),
        (
            []
            if settings is None
            else [
                (
                    settings.enabled,
                    settings.at.strftime("%H:%M") if settings.at else None,
                    " ".join(settings.days) if settings.days else None,
                    settings.email_fallback,
                    settings.snoozed_until,
                )
            ]
        ),
        first=False,
    )
    devices = _owned(PushSubscription, person, PushSubscription.id)
    _section(
        writer,
        "push devices",
        ("endpoint", "subscribed_at", "last_delivered_at", "failing_since"),
        ((d.endpoint, d.created_at, d.last_delivered_at, d.failing_since) for d in devices),
        first=False,
    )
    attempts = _owned(DeliveryAttempt, person, DeliveryAttempt.attempted_at, DeliveryAttempt.id)
    _section(
        writer,
        "reminder deliveries",
        ("attempted_at", "channel", "status", "outcome"),
        ((a.attempted_at, a.channel, a.status, a.outcome) for a in attempts),
        first=False,
    )


def _high_five_section(writer: Any, person: Person) -> None:
    _section(
        writer,
        "high-fives",
        HIGH_FIVE_COLUMNS,
        ((d, way, _text(name), team, at) for d, way, name, team, at in high_fives_of(person.id)),
        first=False,
    )


def keep_an_admin(person: Person, refusal: str) -> None:
    """Refuse (409) to take away an admin when no other admin of the workplace would
    be left, so the workplace is never unmanaged. Call before deleting the person."""
    if person.role_enum is not Role.ADMIN:
        return
    # Lock the workplace's admins, in id order, so two admins going at once (erasing
    # themselves, or removing each other) cannot both see the other one still there.
    admins = db.session.scalars(
        sa.select(Person.id)
        .where(Person.workplace_id == person.workplace_id, Person.role == Role.ADMIN.value)
        .order_by(Person.id)
        .with_for_update()
    ).all()
    if [admin for admin in admins if admin != person.id] == []:
        db.session.rollback()
        raise Conflict(refusal)


def erase_person(person: Person) -> None:
    """Delete the person and every row that names them (not committed).

    Their sessions are first folded into their team's anonymous weekly totals. Every
    other row (sets, cardio, check-ins, overrides, swaps, high-fives, reminder settings
    and deliveries, push subscriptions, device sessions, sign-in links, passkeys) goes with
    the person row through ``ON DELETE CASCADE``; invites they made stay, without their
    name."""
    fold_into_team_totals(person)
    db.session.execute(sa.delete(Person).where(Person.id == person.id))


def erase(person: Person) -> None:
    """Erase the person and everything that names them; sign this device out.
    A workplace's last admin cannot leave it unmanaged (409)."""
    keep_an_admin(
        person,
        "You are the only admin of your workplace. Invite another admin first, "
        "so someone can still manage it, then erase your account.",
    )
    sign_out()
    erase_person(person)
    db.session.commit()
