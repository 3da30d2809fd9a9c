from __future__ import annotations

from datetime import datetime

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
