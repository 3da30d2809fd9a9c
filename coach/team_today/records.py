"""A person's high-fives as records for their own export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import sqlalchemy as sa

from coach.accounts.models import Person
from coach.extensions import db
from coach.team_today.models import HighFive

HIGH_FIVE_COLUMNS = ("day", "given_or_received", "colleague", "to_team", "at")


def high_fives_of(
    person_id: int,
) -> Iterator[tuple[date, str, str | None, bool, datetime]]:
    """High-fives the person gave and got, oldest first. The colleague at the other end
    is named only while they share their participation, as everywhere else."""
    other = sa.orm.aliased(Person)
    gave = HighFive.giver_id == person_id
    other_end = sa.case((gave, HighFive.receiver_id), else_=HighFive.giver_id)
    rows = db.session.execute(
        sa.select(HighFive, other.display_name, other.share_participation)
        .outerjoin(other, other.id == other_end)
        .where(sa.or_(gave, HighFive.receiver_id == person_id))
        .order_by(HighFive.day, HighFive.created_at)
    )
    for high_five, name, shares in rows:
        yield (
            high_five.day,
            "given" if high_five.giver_id == person_id else "received",
            name if shares else None,
            high_five.receiver_id is None,
            high_five.created_at,
        )
