from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coach.database import UTCDateTime, utcnow
from coach.extensions import db

_OPEN = "status <> 'ended'"


class LiveSession(db.Model):
    """A team's session led live by a key person; ``version`` grows with every change,
    ``control_version`` is the version the host's last action made."""

    __tablename__ = "live_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('lobby', 'running', 'paused', 'ended')", name="status_known"
        ),
        sa.CheckConstraint(
            "step_phase IS NULL OR step_phase IN ('get_ready', 'work', 'rest')",
            name="phase_known",
        ),
        # One open session per team: a second start is refused by the database too.
        sa.Index(
            "ix_live_sessions_open_team",
            "team_id",
            unique=True,
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        ),
        sa.Index("ix_live_sessions_team_started", "team_id", "started_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(8), default="lobby")
    version: Mapped[int] = mapped_column(default=1)
    control_version: Mapped[int] = mapped_column(default=1)
    # [{"slug": ..., "work_seconds": ...}]: the team's phase when the session was made.
    exercises: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    step_index: Mapped[int | None]
    step_phase: Mapped[str | None] = mapped_column(sa.String(9))
    step_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    step_duration_s: Mapped[int | None]
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The team's workplace day the session was made on: today's banner looks for it.
    local_date: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LiveParticipant(db.Model):
    """Someone who joined a session; ``left_at`` is set while they are away."""

    __tablename__ = "live_participants"

    session_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
