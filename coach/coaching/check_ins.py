"""Check-ins: how a person feels on a day (pain per region, soreness, red flags).

One row per person and day. A second check-in the same day replaces the answers it
sends and keeps the others; a new day's first check-in keeps the red flags still open.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from coach.accounts.models import Person
from coach.coaching.journal import PAIN_COLUMNS, RED_FLAGS, invalid, local_date, local_today
from coach.coaching.models import CheckIn
from coach.database import utcnow
from coach.domain.progression import ProgressionRules
from coach.extensions import db

# A red flag answered on an earlier day is still open on a later day's first check-in
# that does not answer it, for as long as it pauses progression (the engine's default).
RED_FLAG_OPEN_DAYS = ProgressionRules().red_flag_days


def _answers(values: dict[str, Any]) -> dict[str, Any]:
    """The columns a check-in answers: only what it sends (null pain included)."""
    columns: dict[str, Any] = {
        PAIN_COLUMNS[region]: pain for region, pain in values.get("pain", {}).items()
    }
    if "soreness" in values:
        columns["soreness"] = values["soreness"]
    columns.update(values.get("red_flags", {}))
    return columns


def _open_red_flags(person: Person, day: date) -> dict[str, bool]:
    """The red flags still answered "yes" on the latest check-in before ``day``."""
    earlier = db.session.scalar(
        sa.select(CheckIn)
        .where(
            CheckIn.person_id == person.id,
            CheckIn.day < day,
            CheckIn.day >= day - timedelta(days=RED_FLAG_OPEN_DAYS),
        )
        .order_by(CheckIn.day.desc())
        .limit(1)
    )
    if earlier is None:
        return {}
    return {flag: True for flag in RED_FLAGS if getattr(earlier, flag)}


def record_check_in(person: Person, values: dict[str, Any]) -> tuple[CheckIn, bool]:
    """Store the day's check-in. A second one the same day replaces the answers it
    sends and keeps the others, so a red flag is cleared (and the pause lifted) only by
    an answer that says so; a new day's first check-in keeps open red flags likewise."""
    today = local_today(person)
    day = values.get("day") or today
    if day > today:
        invalid(day="Lies in the future.")
    if day < local_date(person, person.created_at):
        invalid(day="Lies before you joined.")
    if not values.keys() & {"pain", "soreness", "red_flags"}:
        invalid(pain="Answer at least one question.")
    columns = _answers(values)
    for attempt in range(2):
        row = db.session.scalar(
            sa.select(CheckIn).where(CheckIn.person_id == person.id, CheckIn.day == day)
        )
        created = row is None
        if row is None:
            kept = {f: v for f, v in _open_red_flags(person, day).items() if f not in columns}
            row = CheckIn(person_id=person.id, day=day, soreness=False, **kept)
            for flag in RED_FLAGS:
                if getattr(row, flag) is None:
                    setattr(row, flag, False)
            db.session.add(row)
        for column, value in columns.items():
            setattr(row, column, value)
        row.updated_at = utcnow()
        try:
            db.session.commit()
            return row, created
        except IntegrityError:  # another request created the day's row first
            db.session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def check_in_on(person: Person, day: date | None) -> CheckIn:
    """The person's check-in of ``day`` (default: their today), or 404."""
    row = db.session.scalar(
        sa.select(CheckIn).where(
            CheckIn.person_id == person.id, CheckIn.day == (day or local_today(person))
        )
    )
    if row is None:
        raise NotFound("No check-in that day.")
    return row


def check_in_view(row: CheckIn) -> dict[str, Any]:
    return {
        "day": row.day,
        "pain": {region: getattr(row, column) for region, column in PAIN_COLUMNS.items()},
        "soreness": row.soreness,
        "red_flags": {flag: getattr(row, flag) for flag in RED_FLAGS},
        "red_flag": any(getattr(row, flag) for flag in RED_FLAGS),
        "updated_at": row.updated_at,
    }
