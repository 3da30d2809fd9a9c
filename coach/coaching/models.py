from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coach.database import UTCDateTime, utcnow
from coach.domain.catalogue import CARDIO_ACTIVITIES, EFFORT_MAX, EFFORT_MIN
from coach.extensions import db


def _person_fk() -> sa.ForeignKey:
    return sa.ForeignKey("people.id", ondelete="CASCADE")


class WorkoutSet(db.Model):
    """One logged set. The id is made by the phone, so a retried upload is recognised."""

    __tablename__ = "workout_sets"
    __table_args__ = (
        sa.CheckConstraint("reps IS NULL OR (reps >= 0 AND reps <= 200)", name="reps_range"),
        sa.CheckConstraint(
            "hold_seconds IS NULL OR (hold_seconds >= 0 AND hold_seconds <= 600)",
            name="hold_range",
        ),
        sa.CheckConstraint("(reps IS NULL) <> (hold_seconds IS NULL)", name="reps_or_hold"),
        sa.CheckConstraint("pain IS NULL OR (pain >= 0 AND pain <= 10)", name="pain_range"),
        sa.CheckConstraint(
            "reps_in_reserve IS NULL OR (reps_in_reserve >= 0 AND reps_in_reserve <= 10)",
            name="rir_range",
        ),
        sa.CheckConstraint("load_kg IS NULL OR (load_kg > 0 AND load_kg <= 500)", name="kg_range"),
        sa.CheckConstraint("NOT (band_level IS NOT NULL AND load_kg IS NOT NULL)", name="one_load"),
        # Today's screen and the engine read one person's sets by exercise and day.
        sa.Index("ix_workout_sets_person_exercise_day", "person_id", "exercise", "local_date"),
        sa.Index("ix_workout_sets_person_day", "person_id", "local_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    exercise: Mapped[str] = mapped_column(sa.String(64))
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The day in the person's time zone when the set was done.
    local_date: Mapped[date] = mapped_column(sa.Date)
    reps: Mapped[int | None]
    hold_seconds: Mapped[int | None]
    band_level: Mapped[str | None] = mapped_column(sa.String(30))  # BandLevel.key
    load_kg: Mapped[float | None] = mapped_column(sa.Float)
    reps_in_reserve: Mapped[int | None]
    pain: Mapped[int | None]
    # The live session the set was done in, if any (it counts as the person's own).
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("live_sessions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CardioSession(db.Model):
    """Cardio a person logged: what, how long, how hard it felt. The id is the phone's."""

    __tablename__ = "cardio_sessions"
    __table_args__ = (
        sa.CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes_range"),
        sa.CheckConstraint(
            "activity IN ({})".format(", ".join(f"'{a}'" for a in CARDIO_ACTIVITIES)),
            name="activity_known",
        ),
        sa.CheckConstraint(
            f"effort >= {EFFORT_MIN} AND effort <= {EFFORT_MAX}", name="effort_range"
        ),
        sa.Index("ix_cardio_sessions_person_day", "person_id", "local_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date] = mapped_column(sa.Date)
    activity: Mapped[str] = mapped_column(sa.String(10))
    minutes: Mapped[int]
    effort: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(db.Model):
    """How a person feels on a day: pain per region, soreness, red flags. One per day;
    the latest answer of the day wins."""

    __tablename__ = "check_ins"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "day"),
        *(
            sa.CheckConstraint(f"{c} IS NULL OR ({c} >= 0 AND {c} <= 10)", name=f"{c}_range")
            for c in ("pain_neck", "pain_shoulder", "pain_arm", "pain_lower_back")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    day: Mapped[date] = mapped_column(sa.Date)
    pain_neck: Mapped[int | None]
    pain_shoulder: Mapped[int | None]
    pain_arm: Mapped[int | None]
    pain_lower_back: Mapped[int | None]
    soreness: Mapped[bool] = mapped_column(default=False)
    # The red-flag questions: any "yes" pauses progression.
    numbness_or_tingling: Mapped[bool] = mapped_column(default=False)
    weakness: Mapped[bool] = mapped_column(default=False)
    trauma: Mapped[bool] = mapped_column(default=False)
    fever_or_weight_loss: Mapped[bool] = mapped_column(default=False)
    worsening_for_weeks: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LoadOverride(db.Model):
    """A person's own choice of load for their next session of an exercise."""

    __tablename__ = "load_overrides"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "exercise"),
        sa.CheckConstraint("NOT (band_level IS NOT NULL AND load_kg IS NOT NULL)", name="one_load"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    exercise: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date] = mapped_column(sa.Date)
    band_level: Mapped[str | None] = mapped_column(sa.String(30))
    load_kg: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TodayCache(db.Model):
    """A person's prescriptions for one local day, as computed, with the stamp of the
    inputs they were computed from (coach/coaching/today_cache.py).

    One row per person, made with the person (a trigger) and kept while they exist.
    Triggers of migration 0019 add 1 to ``stamp`` in the transaction of every write
    that changes what the rules read (sets before ``day``, check-ins, overrides, swaps,
    the team's chosen exercises, the person's team, band levels); the prescriptions
    count only while ``computed_stamp`` equals ``stamp``.
    """

    __tablename__ = "today_cache"

    person_id: Mapped[int] = mapped_column(_person_fk(), primary_key=True)
    stamp: Mapped[int] = mapped_column(default=0, server_default="0")
    day: Mapped[date | None] = mapped_column(sa.Date)
    # What else the prescriptions were computed for (program, week, band set, the
    # catalogue and the code), as one string.
    key: Mapped[str | None] = mapped_column(sa.Text)
    computed_stamp: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(sa.Text)  # JSON
