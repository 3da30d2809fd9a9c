from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coach.database import UTCDateTime, utcnow
from coach.extensions import db


class HighFive(db.Model):
    """A high-five on a team's day, from a member to a colleague or (``receiver_id``
    None) to the whole team. The id is made by the phone, so a retried upload is
    recognised; one per giver, team, receiver and day."""

    __tablename__ = "high_fives"
    __table_args__ = (
        # Once a day: by receiver_key, as a unique constraint treats NULLs (the team)
        # as all different.
        sa.UniqueConstraint("giver_id", "team_id", "receiver_key", "day"),
        sa.CheckConstraint("receiver_key = COALESCE(receiver_id, 0)", name="receiver_key_known"),
        sa.Index("ix_high_fives_receiver_day", "receiver_id", "day"),
        sa.Index("ix_high_fives_team_day", "team_id", "day"),
        sa.CheckConstraint("receiver_id IS NULL OR receiver_id <> giver_id", name="not_oneself"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    # Erasing a person erases the high-fives they gave and got.
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    receiver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    # receiver_id, or 0 for the team.
    receiver_key: Mapped[int] = mapped_column(sa.Integer)
    # The team's day (the workplace's time zone) when it was given.
    day: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
