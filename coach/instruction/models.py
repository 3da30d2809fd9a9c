from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.database import UTCDateTime, utcnow
from coach.extensions import db


class InstructionPlan(db.Model):
    """A workplace's project: its dates, the instructor's weeks and the key persons."""

    __tablename__ = "instruction_plans"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workplace_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workplaces.id", ondelete="CASCADE"), unique=True
    )
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    weeks: Mapped[list[InstructorWeek]] = relationship(
        order_by="InstructorWeek.week_start", cascade="all, delete-orphan"
    )
    key_persons: Mapped[list[KeyPerson]] = relationship(cascade="all, delete-orphan")


class InstructorWeek(db.Model):
    """A week (by its Monday) in which the instructor comes."""

    __tablename__ = "instructor_weeks"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction_plans.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(sa.Date, primary_key=True)


class KeyPerson(db.Model):
    """A lead trained to run their team's training after the instructor has gone."""

    __tablename__ = "key_persons"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction_plans.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
