from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coach.database import UTCDateTime, utcnow
from coach.extensions import db


def _person_fk() -> sa.ForeignKey:
    return sa.ForeignKey("people.id", ondelete="CASCADE")


class PushSubscription(db.Model):
    """One device's push subscription. The endpoint names the device: subscribing
    again from it refreshes the keys instead of adding a second row."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk(), index=True)
    # The signed-in device that subscribed: signing it out (or ending it from the
    # devices list) deletes the subscription with it, and one whose session has
    # expired is not pushed to. None: made before subscriptions were bound to sessions.
    device_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("device_sessions.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(sa.String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(100))
    auth: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set at the first failed delivery after a success; cleared by the next success.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderSettings(db.Model):
    """A person's own reminder choices; None follows the team's time and workdays."""

    __tablename__ = "reminder_settings"

    person_id: Mapped[int] = mapped_column(_person_fk(), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    at: Mapped[time | None] = mapped_column(sa.Time)
    days: Mapped[list[str] | None] = mapped_column(sa.JSON)
    email_fallback: Mapped[bool] = mapped_column(default=False)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NextReminder(db.Model):
    """When the worker next has a reminder to send a person (UTC): kept true by every
    change it depends on (coach/reminders/schedule.py), so a pass reads only the rows
    whose time has come. Only people who can get a reminder have a row."""

    __tablename__ = "next_reminders"

    person_id: Mapped[int] = mapped_column(_person_fk(), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ReminderClaim(db.Model):
    """One reminder of one person on one local day, claimed by a worker before it
    sends. The unique key is what keeps two workers from sending it twice. The worker
    holds a lease on its claim and renews it while it works (waiting on Retry-After
    included); only a claim whose lease ran out — its worker died — is taken over. A
    reminder that failed in a way that may pass waits, unconfirmed, with its lease set
    to the time of its next try."""

    __tablename__ = "reminder_claims"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "local_date", "slot"),
        # Only open claims are ever looked up by lease: the index stays small.
        sa.Index(
            "ix_reminder_claims_open",
            "lease_until",
            postgresql_where=sa.text("confirmed_at IS NULL"),
            sqlite_where=sa.text("confirmed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    local_date: Mapped[date] = mapped_column(sa.Date)
    # "daily", or "snooze-HHMM" for a reminder snoozed to that local time
    slot: Mapped[str] = mapped_column(sa.String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(sa.String(64))
    # Another worker may take the claim over from this moment on.
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # delivered, emailed, failed, no_device, skipped (trained or turned off meanwhile)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))


class DeliveryAttempt(db.Model):
    """Every attempt to deliver a reminder to a device (or by email), kept for support."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (sa.Index("ix_delivery_attempts_person_at", "person_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(_person_fk())
    claim_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reminder_claims.id", ondelete="SET NULL"), index=True
    )
    subscription_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(sa.String(8))  # push, email
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[int | None]  # the push service's HTTP status; None: no answer
    # delivered, gone, rate_limited, error, timeout, sent (email)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    detail: Mapped[str | None] = mapped_column(sa.String(200))
