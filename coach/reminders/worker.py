"""One pass of the reminder worker: find what is due, claim it, send it, record it.

A pass reads only the people whose stored next instant has come (schedule.py keeps it
true), in batches, so its work is in proportion to what is due, not to how many people
there are. Each due reminder — a person on a local day, daily or snoozed —
is claimed with an INSERT that the unique key (person, local day, slot) lets only one
worker win, on SQLite and PostgreSQL alike; only then is it sent.

Exactly once, as far as the push service lets us know: a claim is a lease that the
worker renews while it works on it (``Leases``, every third of the lease), also while
it waits on a Retry-After or a back-off; a claim is confirmed as soon as its own push
answers are recorded (``Confirmations``), not at the end of a batch, and the worker
holds at most ``PUSH_CONCURRENCY`` people between sending and recording. So a worker
killed mid-pass leaves at most that many reminders delivered but unconfirmed — the
only ones another worker sends again, once their lease has run out — and its Topic per
person and day lets the push service collapse such a duplicate if it is still queued.
A reminder that failed for a reason that may pass (5xx, a time-out, 429) waits in its
claim for the next try, with back-off, until ``REMINDER_LATE_MINUTES`` after its time.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app
from flask.ctx import AppContext

from coach.accounts.models import Person
from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.domain.reminders import snooze_slot
from coach.extensions import db
from coach.polls import closing
from coach.reminders import mail
from coach.reminders.bulk import among, batches, insert_rows, on_postgresql
from coach.reminders.delivery import DeviceResult, PushSender
from coach.reminders.models import NextReminder, ReminderClaim
from coach.reminders.schedule import (
    Rules,
    default_time,
    instants,
    person_rows,
    refresh_people,
    schedule_of_row,
    schedule_rows,
    store,
)
from coach.reminders.service import (
    devices_of,
    new_sender,
    notifications_for,
    record_results,
)


@dataclass
class PassSummary:
    read: int = 0  # people whose next instant had come
    due: int = 0
    claimed: int = 0
    delivered: int = 0
    emailed: int = 0
    failed: int = 0
    no_device: int = 0
    retrying: int = 0  # failed for now; waiting in their claims for the next try
    skipped: int = 0  # retries no longer wanted: trained, or reminders turned off
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
    tries: int = 0  # delivery rounds before this one
    skip: bool = False  # a retry no longer wanted: confirmed without sending


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"


def _due_in(rows: list[Any], rules: Rules, fallback_time: time) -> list[Due]:
    """What is due at ``now``, decided from scratch from each person's schedule."""
    found: list[Due] = []
    now, late = rules.now, rules.late
    for row in rows:
        person_id, language, email, zone = row[:4]
        email_fallback, snoozed_until = row[9], row[10]
        daily = rules.due(schedule_of_row(row, fallback_time))
        if daily is None and snoozed_until is None:
            continue
        base = (person_id, language, email, bool(email_fallback), zone)
        if daily is not None:
            found.append(Due(*base, daily[0], "daily", daily[1]))
        if snoozed_until is not None and snoozed_until <= now <= snoozed_until + late:
            day, slot = snooze_slot(snoozed_until, zone)
            found.append(Due(*base, day, slot, snoozed_until))
    return found


def _trained(due: list[Due]) -> set[tuple[int, date]]:
    return set(
        db.session.execute(
            sa.select(WorkoutSet.person_id, WorkoutSet.local_date)
            .where(
                among(WorkoutSet.person_id, {d.person_id for d in due}),
                WorkoutSet.local_date.in_({d.day for d in due}),
            )
            .distinct()
        )
    )  # type: ignore[arg-type]


T = TypeVar("T")


class Background:
    """One thread with an app context, so a session and connection, of its own: the
    pass's SQL runs there while the event loop keeps push requests in flight (sync SQL
    on the loop's thread would stall libcurl meanwhile). The context stays pushed for
    the thread's life, so its connection is checked out once, not per call."""

    def __init__(self, app: Flask) -> None:
        self._context: AppContext | None = None
        self._pool = ThreadPoolExecutor(1, initializer=self._enter, initargs=(app,))

    def _enter(self, app: Flask) -> None:
        self._context = app.app_context()
        self._context.push()

    def _leave(self) -> None:
        if self._context is not None:
            self._context.pop()
            self._context = None

    @staticmethod
    def _call(work: Callable[..., T], *args: Any) -> T:
        try:
            return work(*args)
        except BaseException:
            db.session.rollback()  # this thread's session, ready for the next call
            raise

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._call, work, *args)

    def close(self) -> None:
        self._pool.submit(self._leave).result()
        self._pool.shutdown()


class Clock:
    """The pass's time: the moment it was asked to act at, moving on with the real
    clock, so leases stay right in a pass run for a given moment (tests, --at)."""

    def __init__(self, start: datetime) -> None:
        self.start, self._started = start, monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=monotonic() - self._started)


class Leases:
    """The claims this worker holds, renewed every third of the lease while it works.

    Renewal runs on a connection of its own, so it never commits the pass's work. The
    claims held are added and let go from the pass's threads (``Background``)."""

    def __init__(self, worker: str, lease: timedelta, clock: Clock) -> None:
        self.worker, self.lease, self.clock = worker, lease, clock
        self.held: set[int] = set()
        self._lock = threading.Lock()
        self.renewals = 0

    def hold(self, claim_ids: list[int]) -> None:
        with self._lock:
            self.held.update(claim_ids)

    def let_go(self, claim_ids: list[int]) -> None:
        with self._lock:
            self.held.difference_update(claim_ids)

    def until(self) -> datetime:
        return self.clock() + self.lease

    def renew(self) -> None:
        with self._lock:
            ids = list(self.held)
        if not ids:
            return
        until = self.until()
        with db.engine.begin() as connection:
            for chunk in batches(ids):
                connection.execute(
                    sa.update(ReminderClaim)
                    .where(
                        among(ReminderClaim.id, chunk),
                        ReminderClaim.claimed_by == self.worker,
                        ReminderClaim.confirmed_at.is_(None),
                    )
                    .values(lease_until=until)
                )
        self.renewals += 1

    async def keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            self.renew()


def _claim(due: list[Due], leases: Leases) -> list[Due]:
    """Claim what nobody else has; the unique key lets one worker win each. In the
    caller's transaction (not committed)."""
    if not due:
        return []
    by_key = {(d.person_id, d.day, d.slot): d for d in due}
    now = leases.clock()
    values = [
        {
            "person_id": d.person_id,
            "local_date": d.day,
            "slot": d.slot,
            "due_at": d.due_at,
            "claimed_at": now,
            "claimed_by": leases.worker,
            "lease_until": leases.until(),
            "tries": 0,
        }
        for d in due
    ]
    insert, parameters = insert_rows(ReminderClaim.__table__, values)
    statement = insert.on_conflict_do_nothing(
        index_elements=["person_id", "local_date", "slot"]
    ).returning(
        ReminderClaim.id, ReminderClaim.person_id, ReminderClaim.local_date, ReminderClaim.slot
    )
    claimed, ids = [], []
    for claim_id, person_id, day, slot in db.session.execute(statement, parameters):
        d = by_key[(person_id, day, slot)]
        d.claim_id = claim_id
        claimed.append(d)
        ids.append(claim_id)
    leases.hold(ids)
    return claimed


def _claim_due(run: Pass, fallback: time) -> tuple[list[Due], int]:
    """Claim what is due among the people whose next instant has come, a batch in
    instant order; move each one's instant on. On PostgreSQL the batch's rows are
    locked with SKIP LOCKED, so workers on any number of hosts take disjoint batches;
    SQLite (one host) runs the same statements without it. Returns the claimed and how
    many people were read."""
    now = run.clock()
    pick = (
        sa.select(NextReminder.person_id)
        .where(NextReminder.next_at <= now)
        .order_by(NextReminder.next_at)
        .limit(run.batch)
    )
    postgres = on_postgresql()
    if postgres:
        pick = pick.with_for_update(skip_locked=True)
    ids = db.session.scalars(pick).all()
    if not ids:
        db.session.rollback()
        return [], 0
    rows = db.session.execute(schedule_rows(among(Person.id, ids), now)).all()
    rules = Rules(now, run.late)
    due = _due_in(rows, rules, fallback)
    trained = _trained(due)
    due = [d for d in due if (d.person_id, d.day) not in trained]
    run.summary.due += len(due)
    if not postgres:
        # End the read transaction first: on SQLite a transaction that read and then
        # writes fails at once (no busy wait) if another worker wrote in between.
        db.session.rollback()
    claimed = _claim(due, run.leases)
    taken = {(d.person_id, d.day, d.slot) for d in due}  # by this worker or another
    found = instants(rows, now, run.late, fallback, trained, taken, rules)
    # Anything due is claimed now; an instant still past would be read again at once.
    soon = now + timedelta(seconds=1)
    store(ids, {pid: max(at, soon) if at else None for pid, at in found.items()})
    db.session.commit()  # claims and instants visible to every other worker from here
    return claimed, len(ids)


def _take_over(leases: Leases, late: timedelta, limit: int) -> tuple[list[Due], int]:
    """Claims whose lease ran out: a worker that died, or a reminder waiting for its
    next try. Taken over by an UPDATE that only one worker's can match (the lease is
    checked again on the row; PostgreSQL skips rows another worker is taking);
    returns what to send and how many were past their time (recorded failed)."""
    now = leases.clock()
    open_claims = (
        sa.select(ReminderClaim.id)
        .where(ReminderClaim.confirmed_at.is_(None), ReminderClaim.lease_until <= now)
        .order_by(ReminderClaim.lease_until)
        .limit(limit)
    )
    if on_postgresql():
        open_claims = open_claims.with_for_update(skip_locked=True)
    db.session.rollback()  # as in _claim
    taken = db.session.execute(
        sa.update(ReminderClaim)
        .where(
            ReminderClaim.id.in_(open_claims.scalar_subquery()),
            ReminderClaim.confirmed_at.is_(None),
            ReminderClaim.lease_until <= now,
        )
        .values(claimed_by=leases.worker, claimed_at=now, lease_until=leases.until())
        .returning(
            ReminderClaim.id,
            ReminderClaim.person_id,
            ReminderClaim.local_date,
            ReminderClaim.slot,
            ReminderClaim.due_at,
            ReminderClaim.tries,
        )
    ).all()
    expired = [row.id for row in taken if row.due_at + late < now]
    if expired:
        db.session.execute(
            sa.update(ReminderClaim)
            .where(among(ReminderClaim.id, expired))
            .values(confirmed_at=utcnow(), outcome="failed")
        )
    db.session.commit()
    live = [row for row in taken if row.due_at + late >= now]
    if not live:
        return [], len(expired)
    asked = among(Person.id, {row.person_id for row in live})
    people = {row[0]: row for row in db.session.execute(person_rows(asked))}
    found = []
    leases.hold([row.id for row in live])
    for row in live:
        person = people.get(row.person_id)
        language, email, zone = person[1:4] if person else ("da", None, None)
        found.append(
            Due(
                row.person_id,
                language,
                email,
                bool(person and person[9]),  # the email fallback
                zone or "UTC",
                row.local_date,
                row.slot,
                row.due_at,
                row.id,
                row.tries,
            )
        )
        if person is None or person[6] is False:
            found[-1].skip = True  # turned off meanwhile
    trained = _trained(found)
    for d in found:
        d.skip = d.skip or (d.person_id, d.day) in trained
    return found, len(expired)


class Confirmations:
    """Records each person's push answers as soon as they are in, a group at a time:
    whoever finished within a few milliseconds of each other, or while the last group
    was being written, goes in one transaction."""

    GATHER_SECONDS = 0.02

    def __init__(
        self, record: Callable[[list[tuple[Due, list[DeviceResult]]]], Awaitable[None]]
    ) -> None:
        self.record = record
        self.pending: list[tuple[Due, list[DeviceResult], asyncio.Future[None]]] = []
        self.wake = asyncio.Event()

    async def done(self, due: Due, results: list[DeviceResult]) -> None:
        """Hand in one person's results; returns once they are committed."""
        settled: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((due, results, settled))
        self.wake.set()
        await settled

    async def run(self) -> None:
        while True:
            await self.wake.wait()
            # A moment for the answers arriving together to join one transaction:
            # one commit per person would cost more than the sending.
            await asyncio.sleep(self.GATHER_SECONDS)
            self.wake.clear()
            group, self.pending = self.pending, []
            try:  # off the loop's thread: requests stay in flight while it commits
                await self.record([(due, results) for due, results, _ in group])
            except Exception as exc:  # the pass fails; unconfirmed claims are retried
                for _, _, settled in group:
                    settled.set_exception(exc)
                continue
            for _, _, settled in group:
                settled.set_result(None)


class Pass:
    """One pass's state: its clock, leases, settings and summary."""

    def __init__(self, clock: Clock, worker: str) -> None:
        cfg = current_app.config
        self.clock = clock
        self.late = timedelta(minutes=float(cfg["REMINDER_LATE_MINUTES"]))
        self.leases = Leases(
            worker, timedelta(seconds=float(cfg["REMINDER_CLAIM_TIMEOUT_SECONDS"])), clock
        )
        self.retry_base = float(cfg["REMINDER_RETRY_SECONDS"])
        self.concurrency = int(cfg["PUSH_CONCURRENCY"])
        self.batch = int(cfg["REMINDER_BATCH_SIZE"])
        self.summary = PassSummary()
        # Where the claims and confirmations are written (see _send_due).
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        self.claimer, self.recorder = Background(app), Background(app)

    def close(self) -> None:
        self.claimer.close()
        self.recorder.close()

    def count(self, outcome: str) -> None:
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

    def settle(self, group: list[tuple[Due, list[DeviceResult]]]) -> None:
        """Write a group's attempts and confirm each claim, or set it up for its next
        try; one transaction. In the recorder's thread."""
        now = self.clock()
        results = [r for _, person_results in group for r in person_results]
        outcomes = record_results(results, {d.person_id: d.claim_id for d, _ in group}, now)
        lost_devices = {d.person_id for d, rs in group if any(r.outcome == "gone" for r in rs)}
        if lost_devices:  # the last device gone: no reminders until one is added
            refresh_people(lost_devices, now)
        confirmed: dict[str, list[int]] = {}
        retries: list[dict[str, Any]] = []
        for d, person_results in group:
            assert d.claim_id is not None
            outcome = "skipped" if d.skip else outcomes.get(d.person_id, "no_device")
            wants_email = d.email and d.email_fallback and mail.configured()
            if outcome in ("failed", "no_device") and wants_email and not d.skip:
                person = db.session.get(Person, d.person_id)
                if person is not None and mail.send_reminder(person, now, d.claim_id):
                    outcome = "emailed"
            if outcome == "failed" and any(r.retryable for r in person_results):
                wait = max(
                    [self.retry_base * 2**d.tries]
                    + [r.retry_after for r in person_results if r.retry_after]
                )
                next_try = now + timedelta(seconds=wait)
                if next_try <= d.due_at + self.late:
                    retries.append(
                        {"b_id": d.claim_id, "b_lease": next_try, "b_tries": d.tries + 1}
                    )
                    outcome = "retrying"
            self.count(outcome)
            if outcome != "retrying":
                confirmed.setdefault(outcome, []).append(d.claim_id)
        for outcome, ids in confirmed.items():
            db.session.execute(
                sa.update(ReminderClaim)
                .where(among(ReminderClaim.id, ids))
                .values(confirmed_at=utcnow(), outcome=outcome)
                .execution_options(synchronize_session=False),  # as in record_results
            )
        if retries:
            table = ReminderClaim.__table__
            db.session.execute(
                table.update()
                .where(table.c.id == sa.bindparam("b_id"))
                .values(lease_until=sa.bindparam("b_lease"), tries=sa.bindparam("b_tries")),
                retries,
            )
        db.session.commit()
        self.leases.let_go([d.claim_id for d, _ in group if d.claim_id is not None])

    async def deliver(self, sender: PushSender, claimed: list[Due]) -> None:
        """Send each claimed reminder and record it as soon as its answers are in,
        holding at most ``PUSH_CONCURRENCY`` people between sending and recording:
        that many lanes, each taking the next person when it is done with one."""
        to_send = [d for d in claimed if not d.skip]
        devices = devices_of((d.person_id for d in to_send), self.clock())
        db.session.rollback()  # no read transaction held across the sending
        now = self.clock()
        texts: dict[tuple[str, date, str], Any] = {}  # one payload and TTL per language, day, zone
        planned = []
        for d in claimed:
            own = [] if d.skip else devices.get(d.person_id, [])
            notes = notifications_for(own, d.person_id, d.language, d.day, d.time_zone, now, texts)
            planned.append((d, notes))
        every = [n for _, notes in planned for n in notes]
        self.summary.notifications += len(every)
        bodies = iter(await sender.encrypt_all(every))
        work = iter([(d, notes, [next(bodies) for _ in notes]) for d, notes in planned])
        confirmations = Confirmations(lambda group: self.recorder.run(self.settle, group))
        recorder = asyncio.ensure_future(confirmations.run())

        async def lane() -> None:
            for d, notes, encrypted in work:  # one iterator shared by every lane
                if len(notes) == 1:  # most people: no task of its own for one request
                    results = [await sender.send(notes[0], encrypted[0])]
                else:
                    sends = (sender.send(n, b) for n, b in zip(notes, encrypted, strict=True))
                    results = list(await asyncio.gather(*sends))
                await confirmations.done(d, results)

        lanes = [asyncio.ensure_future(lane()) for _ in range(min(self.concurrency, len(planned)))]
        try:
            await asyncio.gather(*lanes)
        finally:
            for task in (*lanes, recorder):
                task.cancel()


async def _send_due(now: datetime, worker: str) -> PassSummary:
    """The pass. The next batch is claimed (in the claimer's thread, committed there)
    while this one is being sent, so requests stay in flight while the database
    works; at most one batch is claimed ahead, and what is in flight stays within
    ``PUSH_CONCURRENCY`` (the sender's own limit)."""
    run = Pass(Clock(now), worker)
    fallback = default_time()
    ahead: asyncio.Future[tuple[list[Due], int]] | None = None
    async with new_sender() as sender:
        heartbeat = asyncio.ensure_future(run.leases.keep_alive())
        try:
            while True:  # claims left by a dead worker, and retries whose time has come
                taken, expired = _take_over(run.leases, run.late, run.batch)
                run.summary.failed += expired
                if not taken:
                    break
                run.summary.claimed += len(taken)
                await run.deliver(sender, taken)
            ahead = asyncio.ensure_future(run.claimer.run(_claim_due, run, fallback))
            while ahead is not None:
                claimed, read = await ahead
                ahead = None
                run.summary.read += read
                run.summary.claimed += len(claimed)
                if read == run.batch:  # maybe more: claim it while this batch is sent
                    ahead = asyncio.ensure_future(run.claimer.run(_claim_due, run, fallback))
                if claimed:
                    await run.deliver(sender, claimed)
        finally:
            heartbeat.cancel()
            if ahead is not None:  # the pass failed: let the claim ahead end first
                await asyncio.wait({ahead})
                if not ahead.cancelled():
                    ahead.exception()  # its claims are taken over once their lease runs out
            run.close()
    return run.summary


def send_due(now: datetime | None = None, worker: str | None = None) -> PassSummary:
    """One pass: send every reminder due at ``now`` that no other worker has claimed,
    and every retry whose time has come."""
    now = now or utcnow()
    # Polls due close first, and chosen times whose day has come apply, so the
    # reminders claimed next are at the team's new time.
    closing.pass_step(now)
    return asyncio.run(_send_due(now, worker or worker_name()))
