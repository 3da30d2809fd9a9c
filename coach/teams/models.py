from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.database import UTCDateTime, utcnow
from coach.extensions import db


class BandSet(db.Model):
    """The elastic bands a workplace owns, lightest first. Colours differ by brand."""

    __tablename__ = "band_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(sa.String(60))
    levels: Mapped[list[BandLevel]] = relationship(
        back_populates="band_set",
        order_by="BandLevel.position",
        cascade="all, delete-orphan",
    )


class BandLevel(db.Model):
    __tablename__ = "band_levels"
    __table_args__ = (
        sa.UniqueConstraint("band_set_id", "position"),
        sa.UniqueConstraint("band_set_id", "key"),
        sa.CheckConstraint("force_newtons > 0", name="force_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    band_set_id: Mapped[int] = mapped_column(sa.ForeignKey("band_sets.id", ondelete="CASCADE"))
    position: Mapped[int]  # 0 is the lightest
    key: Mapped[str] = mapped_column(sa.String(30))
    colour_name_da: Mapped[str] = mapped_column(sa.String(40))
    colour_name_en: Mapped[str] = mapped_column(sa.String(40))
    display_colour: Mapped[str] = mapped_column(sa.String(7))
    force_newtons: Mapped[float] = mapped_column(sa.Float)

    band_set: Mapped[BandSet] = relationship(back_populates="levels")


class Workplace(db.Model):
    __tablename__ = "workplaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Copenhagen")
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    band_set_id: Mapped[int] = mapped_column(sa.ForeignKey("band_sets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    band_set: Mapped[BandSet] = relationship()
    teams: Mapped[list[Team]] = relationship(
        back_populates="workplace", order_by="Team.name", cascade="all, delete-orphan"
    )


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("workplace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workplace_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workplaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    program: Mapped[str] = mapped_column(sa.String(64), default="office-daily-5")
    reminder_time: Mapped[time] = mapped_column(sa.Time, default=time(11, 25))
    # Weekday names, Monday first ("mon" ... "sun").
    workdays: Mapped[list[str]] = mapped_column(
        sa.JSON, default=lambda: ["mon", "tue", "wed", "thu", "fri"]
    )
    # Week 1 of the team's program is the calendar week of this day: everyone in the
    # team is in the same phase, so a live session has one routine for all.
    # Without one given (tests, scripts), today in UTC; the service gives the
    # workplace's own day.
    program_started_on: Mapped[date] = mapped_column(sa.Date, default=lambda: utcnow().date())
    # Cardio beside the strength routine on some weekdays: {"weekdays": ["tue"],
    # "activity": "cycling", "minutes": 20, "effort": 5}; None: no cardio days.
    cardio_plan: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # A team's members are people (coach/accounts/models.py), which point to their team;
    # no relationship back, so workplaces and teams sit below people, not beside them.
    workplace: Mapped[Workplace] = relationship(back_populates="teams")
