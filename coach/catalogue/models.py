from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coach.database import UTCDateTime, utcnow
from coach.extensions import db


class ExerciseSwap(db.Model):
    """A person's standing choice to do ``replacement`` wherever their program has
    ``exercise``. Exercises are catalogue slugs: the catalogue lives in files, not here."""

    __tablename__ = "exercise_swaps"
    __table_args__ = (sa.UniqueConstraint("person_id", "exercise"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    exercise: Mapped[str] = mapped_column(sa.String(64))
    replacement: Mapped[str] = mapped_column(sa.String(64))
    # When the person made this choice (replacing a swap chooses anew).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last day of the program's phase the choice was made in: the next phase's
    # exercises are the program's own again. NULL: chosen before swaps were kept per
    # phase, or without a program; kept until switched back.
    kept_until: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
