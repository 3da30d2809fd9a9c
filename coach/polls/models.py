from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coach.database import UTCDateTime, utcnow
from coach.extensions import db

_OPEN = "status = 'open'"


class Poll(db.Model):
    """A team's poll. ``status``: open, then closed (a tie, until the lead decides) or
    decided. The counts are written once, when it closes; the ballots stay in votes."""

    __tablename__ = "polls"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('exercises', 'time')", name="kind_known"),
        sa.CheckConstraint("status IN ('open', 'closed', 'decided')", name="status_known"),
        # One open poll of each kind per team: a second one is refused by the database too.
        sa.Index(
            "ix_polls_open_team_kind",
            "team_id",
            "kind",
            unique=True,
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        ),
        # The worker's pass looks for open polls whose closing instant has come.
        sa.Index(
            "ix_polls_open_closes_at",
            "closes_at",
            sqlite_where=sa.text(_OPEN),
            postgresql_where=sa.text(_OPEN),
        ),
        sa.Index("ix_polls_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(sa.String(9))
    question: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(7), default="open")
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # exercises: the program and the phase (team weeks) the poll chooses for.
    program: Mapped[str | None] = mapped_column(sa.String(64))
    first_week: Mapped[int | None]
    last_week: Mapped[int | None]
    winner: Mapped[int | None]
    # Written when the poll closes: how many had voted, of how many members.
    voted: Mapped[int | None]
    eligible: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollOption(db.Model):
    __tablename__ = "poll_options"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    index: Mapped[int] = mapped_column(primary_key=True)
    # exercises: {"exercises": [slugs]}; time: {"time": "HH:MM", "days": [1-7]}
    value: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    votes: Mapped[int | None]  # None while the poll is open


class PollVote(db.Model):
    """One ballot: (poll, voter) → option. Never returned to anyone but the voter."""

    __tablename__ = "poll_votes"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    option: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChosenPhase(db.Model):
    """The exercises a team chose for a phase of its program, by its team weeks."""

    __tablename__ = "chosen_phases"
    __table_args__ = (sa.UniqueConstraint("team_id", "program", "first_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    program: Mapped[str] = mapped_column(sa.String(64))
    first_week: Mapped[int]
    last_week: Mapped[int]
    exercises: Mapped[list[str]] = mapped_column(sa.JSON)  # in the phase's item order
    poll_id: Mapped[int | None] = mapped_column(sa.ForeignKey("polls.id", ondelete="SET NULL"))
    votes: Mapped[int]  # for the winning option
    voted: Mapped[int]
    eligible: Mapped[int]
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamTimeChange(db.Model):
    """A training time the team chose, taking over on ``starts_on`` (the team's day
    after the poll closed); applied to the team by the worker's pass or on read."""

    __tablename__ = "team_time_changes"

    team_id: Mapped[int] = mapped_column(
        sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    reminder_time: Mapped[time] = mapped_column(sa.Time)
    workdays: Mapped[list[str]] = mapped_column(sa.JSON)
    starts_on: Mapped[date] = mapped_column(sa.Date, index=True)
    poll_id: Mapped[int | None] = mapped_column(sa.ForeignKey("polls.id", ondelete="SET NULL"))
