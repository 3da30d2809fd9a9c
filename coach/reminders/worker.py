"""One pass of the reminder worker: find what is due, claim it, send it, record it.

People are read in batches by id (keyset pagination), so memory does not grow with
the number of people. Each due reminder — a person on a local day, daily or snoozed —
is claimed with an INSERT that the unique key (person, local day, slot) lets only one
worker win, on SQLite and PostgreSQL alike; only then is it sent. A claim stays
unconfirmed until its delivery is recorded, and one older than the claim timeout (its
worker died) is taken over by an atomic UPDATE, so no reminder is lost.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from coach.accounts.models import Person
from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.domain.reminders import ReminderSchedule, due_reminder, local_day
from coach.extensions import db
from coach.reminders import mail
from coach.reminders.delivery import PushSender
from coach.reminders.models import PushSubscription, ReminderClaim, ReminderSettings
from coach.reminders.service import (
    default_time,
    devices_of,
    new_sender,
    notifications_for,
    record_results,
)
from coach.teams.models import Team, Workplace


@dataclass
class PassSummary:
    due: int = 0
    claimed: int = 0
    delivered: int = 0
    emailed: int = 0
    failed: int = 0
    no_device: int = 0
    notifications: int = 0

    def line(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.__dict__.items())


@dataclass
class Due:
    person_id: int
    language: str
    email: str | None
    email_fallback: bool
    time_zone: str
    day: date
    slot: str
    due_at: datetime
    claim_id: int | None = None


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"


def _candidates(after_id: int, limit: int) -> sa.Select[Any]:
    has_device = sa.exists().where(PushSubscription.person_id == Person.id)
    wants_email = sa.and_(ReminderSettings.email_fallback.is_(True), Person.email.is_not(None))
    return (
        sa.select(
            Person.id,
            Person.language,
            Person.email,
            sa.func.coalesce(Person.time_zone, Workplace.time_zone),
            Team.reminder_time,
            Team.workdays,
            ReminderSettings.enabled,
            ReminderSettings.at,
            ReminderSettings.days,
            ReminderSettings.email_fallback,
            ReminderSettings.snoozed_until,
        )
        .join(Workplace, Workplace.id == Person.workplace_id)
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(ReminderSettings, ReminderSettings.person_id == Person.id)
        .where(Person.id > after_id, sa.or_(has_device, wants_email))
        .where(sa.or_(ReminderSettings.enabled.is_(None), ReminderSettings.enabled.is_(True)))
        .order_by(Person.id)
        .limit(limit)
    )


def _due_in(rows: list[Any], now: datetime, late: timedelta, fallback_time: time) -> list[Due]:
    found: list[Due] = []
    for (
        person_id,
        language,
        email,
        zone,
        team_time,
        team_days,
        enabled,
        own_time,
        own_days,
        email_fallback,
        snoozed_until,
    ) in rows:
        schedule = ReminderSchedule(
            enabled is not False,
            own_time or team_time or fallback_time,
            tuple(own_days or team_days or ("mon", "tue", "wed", "thu", "fri")),
            zone,
        )
        base = (person_id, language, email, bool(email_fallback), zone)
        daily = due_reminder(schedule, now, late)
        if daily is not None:
            found.append(Due(*base, daily[0], "daily", daily[1]))
        if snoozed_until is not None and snoozed_until <= now <= snoozed_until + late:
            day = local_day(snoozed_until, zone)
            wall = snoozed_until.astimezone(ZoneInfo(zone))
            found.append(Due(*base, day, f"snooze-{wall:%H%M}", snoozed_until))
    return found


def _not_trained(due: list[Due]) -> list[Due]:
    """Drop reminders of people who have trained that day already."""
    if not due:
        return due
    trained = set(
        db.session.execute(
            sa.select(WorkoutSet.person_id, WorkoutSet.local_date)
            .where(
                WorkoutSet.person_id.in_({d.person_id for d in due}),
                WorkoutSet.local_date.in_({d.day for d in due}),
            )
            .distinct()
        )
    )
    return [d for d in due if (d.person_id, d.day) not in trained]


def _claim(due: list[Due], now: datetime, worker: str, timeout: timedelta) -> list[Due]:
    """Claim what nobody else has; take over claims left unconfirmed too long."""
    if not due:
        return []
    by_key = {(d.person_id, d.day, d.slot): d for d in due}
    values = [
        {
            "person_id": d.person_id,
            "local_date": d.day,
            "slot": d.slot,
            "due_at": d.due_at,
            "claimed_at": now,
            "claimed_by": worker,
        }
        for d in due
    ]
    # End the read transaction first: on SQLite a transaction that read and then
    # writes fails at once (no busy wait) if another worker wrote in between.
    db.session.rollback()
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ReminderClaim)
    statement = insert.on_conflict_do_nothing(
        index_elements=["person_id", "local_date", "slot"]
    ).returning(
        ReminderClaim.id, ReminderClaim.person_id, ReminderClaim.local_date, ReminderClaim.slot
    )
    won: dict[tuple[int, date, str], int] = {}
    for claim_id, person_id, day, slot in db.session.execute(statement, values):
        won[(person_id, day, slot)] = claim_id
    lost = [key for key in by_key if key not in won]
    if lost:
        stale = db.session.execute(
            sa.update(ReminderClaim)
            .where(
                ReminderClaim.person_id.in_({k[0] for k in lost}),
                ReminderClaim.local_date.in_({k[1] for k in lost}),
                ReminderClaim.confirmed_at.is_(None),
                ReminderClaim.claimed_at < now - timeout,
            )
            .values(claimed_at=now, claimed_by=worker)
            .returning(
                ReminderClaim.id,
                ReminderClaim.person_id,
                ReminderClaim.local_date,
                ReminderClaim.slot,
            )
        )
        for claim_id, person_id, day, slot in stale:
            won[(person_id, day, slot)] = claim_id
    db.session.commit()  # the claims are visible to every other worker from here
    claimed = []
    for key, claim_id in won.items():
        if key in by_key:
            by_key[key].claim_id = claim_id
            claimed.append(by_key[key])
    return claimed


async def _deliver(
    sender: PushSender, claimed: list[Due], now: datetime, summary: PassSummary
) -> None:
    devices = devices_of(d.person_id for d in claimed)
    db.session.rollback()  # as in _claim: no read transaction held across the sending
    notifications = []
    for d in claimed:
        notifications += notifications_for(
            devices.get(d.person_id, []), d.person_id, d.language, d.day, d.time_zone, now
        )
    summary.notifications += len(notifications)
    results = await sender.send_all(notifications)
    claims = {d.person_id: d.claim_id for d in claimed}
    outcomes = record_results(results, claims, now)
    confirmed: dict[str, list[int]] = {}
    for d in claimed:
        outcome = outcomes.get(d.person_id, "no_device")
        if outcome != "delivered" and d.email and d.email_fallback and mail.configured():
            person = db.session.get(Person, d.person_id)
            if person is not None and mail.send_reminder(person, now, d.claim_id):
                outcome = "emailed"
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        assert d.claim_id is not None
        confirmed.setdefault(outcome, []).append(d.claim_id)
    for outcome, ids in confirmed.items():
        db.session.execute(
            sa.update(ReminderClaim)
            .where(ReminderClaim.id.in_(ids))
            .values(confirmed_at=utcnow(), outcome=outcome)
        )
    db.session.commit()


async def _send_due(now: datetime, worker: str) -> PassSummary:
    cfg = current_app.config
    late = timedelta(minutes=int(cfg["REMINDER_LATE_MINUTES"]))
    timeout = timedelta(seconds=int(cfg["REMINDER_CLAIM_TIMEOUT_SECONDS"]))
    batch = int(cfg["REMINDER_BATCH_SIZE"])
    fallback = default_time()
    summary = PassSummary()
    after_id = 0
    async with new_sender() as sender:
        while True:
            rows = db.session.execute(_candidates(after_id, batch)).all()
            db.session.rollback()  # no transaction held open while sending
            if not rows:
                break
            after_id = rows[-1][0]
            due = _not_trained(_due_in(rows, now, late, fallback))
            summary.due += len(due)
            claimed = _claim(due, now, worker, timeout)
            summary.claimed += len(claimed)
            if claimed:
                await _deliver(sender, claimed, now, summary)
            if len(rows) < batch:
                break
    return summary


def send_due(now: datetime | None = None, worker: str | None = None) -> PassSummary:
    """One pass: send every reminder due at ``now`` that no other worker has claimed."""
    return asyncio.run(_send_due(now or utcnow(), worker or worker_name()))
