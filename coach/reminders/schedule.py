"""Each person's next reminder instant, stored so that a pass reads only who is due.

``next_reminders`` holds one row per person who can get a reminder (reminders on, and
a device or the email fallback): the UTC instant from which the worker has something
to send them — today's reminder while it is due and not yet claimed, else the next one
to come, or a snoozed one, whichever is first. A pass reads only rows whose instant
has come (an index range), claims what is due and moves each instant on. The rules
stay those of ``coach.domain.reminders``: the instant is recomputed from the local
wall-clock time each day, so daylight saving and holidays hold as before, and the pass
still checks from scratch that a reminder is due before it claims it.

Everything an instant depends on calls ``refresh_people`` (or ``refresh_team``,
``refresh_workplace``) in its own transaction: the schedule and time zone, the team's
time and workdays, a snooze, a set logged or deleted today, a device added or the last
one removed. ``flask reminders refresh`` recomputes everyone (after an upgrade of the
holiday calendar, the ``holidays`` package; the release step runs it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from coach.accounts.models import DeviceSession, Person
from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.domain.calendar import WORKDAYS, parse_wall_clock
from coach.domain.reminders import ReminderSchedule, due_reminder, local_day, next_instant
from coach.extensions import db
from coach.reminders.bulk import among, batches, insert_rows
from coach.reminders.models import (
    NextReminder,
    PushSubscription,
    ReminderClaim,
    ReminderSettings,
)
from coach.teams.models import Team, Workplace


def live_device(now: datetime) -> sa.ColumnElement[bool]:
    """A push subscription whose device is still signed in at ``now`` (or that was made
    before subscriptions were bound to sessions): an expired session's phone gets no
    more reminders, an ended one's subscription is gone with its session."""
    return sa.or_(
        PushSubscription.device_session_id.is_(None),
        sa.exists().where(
            DeviceSession.id == PushSubscription.device_session_id,
            DeviceSession.expires_at > now,
        ),
    )


def reachable(now: datetime) -> sa.ColumnElement[bool]:
    """Reminders on, and a device to push to or an email to fall back on."""
    has_device = sa.exists().where(PushSubscription.person_id == Person.id, live_device(now))
    wants_email = sa.and_(ReminderSettings.email_fallback.is_(True), Person.email.is_not(None))
    enabled = sa.or_(ReminderSettings.enabled.is_(None), ReminderSettings.enabled.is_(True))
    return sa.and_(enabled, sa.or_(has_device, wants_email))


def schedule_rows(where: sa.ColumnElement[bool], now: datetime) -> sa.Select[Any]:
    """What a person's reminders depend on, for the people ``where`` picks who can get
    one at ``now``: id, language, email, zone, team time and days, own settings, snooze."""
    return person_rows(where).where(reachable(now))


def person_rows(where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The columns of ``schedule_rows`` for the people ``where`` picks, whether or not
    they can get a reminder now."""
    return (
        sa.select(
            Person.id,
            Person.language,
            Person.email,
            sa.func.coalesce(Person.time_zone, Workplace.time_zone),
            Team.reminder_time,
            # The weekday lists as their JSON text, read by _weekdays: a team's
            # members share one, so it is parsed once, not once per row.
            sa.cast(Team.workdays, sa.Text),
            ReminderSettings.enabled,
            ReminderSettings.at,
            sa.cast(ReminderSettings.days, sa.Text),
            ReminderSettings.email_fallback,
            ReminderSettings.snoozed_until,
        )
        .join(Workplace, Workplace.id == Person.workplace_id)
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(ReminderSettings, ReminderSettings.person_id == Person.id)
        .where(where)
    )


def default_time() -> time:
    return parse_wall_clock(str(current_app.config["DEFAULT_REMINDER_TIME"]))


@lru_cache(maxsize=1024)
def _weekdays(text: str | None) -> tuple[str, ...]:
    """A stored weekday list (JSON text); empty for none (SQL or JSON null)."""
    return tuple(json.loads(text) or ()) if text else ()


def schedule_of_row(row: Sequence[Any], fallback: time) -> ReminderSchedule:
    _id, _lang, _email, zone, team_time, team_days, enabled, own_time, own_days = row[:9]
    return ReminderSchedule(
        enabled is not False,
        own_time or team_time or fallback,
        _weekdays(own_days) or _weekdays(team_days) or WORKDAYS,
        zone,
    )


def late_window() -> timedelta:
    return timedelta(minutes=float(current_app.config["REMINDER_LATE_MINUTES"]))


class Rules:
    """The schedule rules' answers at one moment, worked out once per distinct schedule.

    Most people share their team's time, days and zone, and the rules (local times
    across daylight saving, holidays, the days ahead) give them all the same answer, so
    a batch computes each answer once. The rules are pure functions of their arguments,
    and every argument is part of the key: the answers are those of the rules."""

    def __init__(self, now: datetime, late: timedelta) -> None:
        self.now, self.late = now, late
        self._days: dict[str, date] = {}
        self._due: dict[ReminderSchedule, tuple[date, datetime] | None] = {}
        self._next: dict[tuple[Any, ...], datetime | None] = {}

    def today(self, time_zone: str) -> date:
        """The local day at ``now`` in the zone."""
        day = self._days.get(time_zone)
        if day is None:
            day = self._days[time_zone] = local_day(self.now, time_zone)
        return day

    def due(self, schedule: ReminderSchedule) -> tuple[date, datetime] | None:
        """``due_reminder`` at ``now``."""
        try:
            return self._due[schedule]
        except KeyError:
            found = self._due[schedule] = due_reminder(schedule, self.now, self.late)
            return found

    def next(
        self,
        schedule: ReminderSchedule,
        snoozed_until: datetime | None,
        trained_today: bool,
        taken: frozenset[tuple[date, str]],
    ) -> datetime | None:
        """``next_instant`` at ``now``."""
        key = (schedule, snoozed_until, trained_today, taken)
        try:
            return self._next[key]
        except KeyError:
            trained = (self.today(schedule.time_zone),) if trained_today else ()
            found = next_instant(schedule, self.now, self.late, snoozed_until, trained, taken)
            self._next[key] = found
            return found


def instants(
    rows: Sequence[Sequence[Any]],
    now: datetime,
    late: timedelta,
    fallback: time,
    trained: set[tuple[int, date]],
    taken: set[tuple[int, date, str]],
    rules: Rules | None = None,
) -> dict[int, datetime | None]:
    """Each row's next instant, given who trained and what is claimed already."""
    rules = rules or Rules(now, late)
    taken_by: dict[int, set[tuple[date, str]]] = {}
    for person_id, day, slot in taken:
        taken_by.setdefault(person_id, set()).add((day, slot))
    nothing: frozenset[tuple[date, str]] = frozenset()
    found: dict[int, datetime | None] = {}
    for row in rows:
        person_id = row[0]
        schedule = schedule_of_row(row, fallback)
        mine = taken_by.get(person_id)
        found[person_id] = rules.next(
            schedule,
            row[10],  # snoozed until
            (person_id, rules.today(schedule.time_zone)) in trained,
            frozenset(mine) if mine else nothing,
        )
    return found


def store(ids: Iterable[int], found: dict[int, datetime | None]) -> None:
    """Write the instants; people without one (or not in ``found``) lose their row.
    Not committed."""
    values = [{"person_id": pid, "next_at": at} for pid, at in found.items() if at is not None]
    gone = [pid for pid in ids if found.get(pid) is None]
    if values:
        insert, parameters = insert_rows(NextReminder.__table__, values)
        db.session.execute(
            insert.on_conflict_do_update(
                index_elements=["person_id"], set_={"next_at": insert.excluded.next_at}
            ),
            parameters,
        )
    for chunk in batches(gone):
        db.session.execute(sa.delete(NextReminder).where(among(NextReminder.person_id, chunk)))


def refresh_people(person_ids: Iterable[int], now: datetime | None = None) -> None:
    """Recompute these people's next reminder instants from scratch, in the caller's
    transaction (not committed). Call it after changing anything a reminder depends
    on; it reads what is stored, so flush first."""
    ids = sorted(set(person_ids))
    now = now or utcnow()
    late, fallback = late_window(), default_time()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.session.execute(schedule_rows(among(Person.id, chunk), now)).all()
        days = {local_day(now, row[3]) for row in rows}
        trained: set[tuple[int, date]] = set()
        taken: set[tuple[int, date, str]] = set()
        if rows and days:
            trained = {
                (person_id, day)
                for person_id, day in db.session.execute(
                    sa.select(WorkoutSet.person_id, WorkoutSet.local_date)
                    .where(among(WorkoutSet.person_id, chunk), WorkoutSet.local_date.in_(days))
                    .distinct()
                )
            }
            claims = sa.select(
                ReminderClaim.person_id, ReminderClaim.local_date, ReminderClaim.slot
            ).where(among(ReminderClaim.person_id, chunk), ReminderClaim.local_date.in_(days))
            taken = {(person_id, day, slot) for person_id, day, slot in db.session.execute(claims)}
        store(chunk, instants(rows, now, late, fallback, trained, taken))


def refresh_team(team_id: int) -> None:
    """A team's time or workdays changed: its members' next reminders move (not
    committed)."""
    refresh_people(db.session.scalars(sa.select(Person.id).where(Person.team_id == team_id)))


def refresh_workplace(workplace_id: int) -> None:
    """The workplace's time zone changed (not committed)."""
    refresh_people(
        db.session.scalars(sa.select(Person.id).where(Person.workplace_id == workplace_id))
    )


def refresh_everyone(batch: int = 5000) -> int:
    """Everyone who can get a reminder, in batches, each committed; returns how many."""
    done, after = 0, 0
    while True:
        ids = db.session.scalars(
            sa.select(Person.id).where(Person.id > after).order_by(Person.id).limit(batch)
        ).all()
        if not ids:
            return done
        refresh_people(ids)
        db.session.commit()
        done, after = done + len(ids), ids[-1]


def next_reminder_of(person: int | sa.BindParameter[int]) -> sa.Select[tuple[datetime]]:
    """The stored next reminder instant of ``person`` (none when no row): logging a set
    reads it as a subquery in its INSERT's RETURNING instead of on its own."""
    return sa.select(NextReminder.next_at).where(NextReminder.person_id == person)


def reminder_moves(next_at: datetime | None, time_zone: str, day: date, *, logged: bool) -> bool:
    """Whether a set logged (or deleted) on local ``day`` concerns the stored next
    reminder ``next_at``: a reminder on that day moves to the next (or, after a delete,
    one that moved to a later day may come back). Only a day's first set is concerned."""
    if next_at is None:  # no reminders to this person (off, or no device)
        return False
    on = local_day(next_at, time_zone)
    return (logged and on == day) or (not logged and on > day)


def sets_changed(person_id: int, time_zone: str, day: date, *, logged: bool) -> None:
    """A set was logged (or deleted) on local ``day``: one primary-key read, and a
    refresh only when the day's reminder is concerned (:func:`reminder_moves`). Not
    committed."""
    next_at = db.session.scalar(next_reminder_of(person_id))
    if reminder_moves(next_at, time_zone, day, logged=logged):
        refresh_people([person_id])
