"""When a person's daily reminder fires: local wall-clock times in an IANA zone.

A reminder is stated as people think of it ("11:25 on workdays, Copenhagen time") and
computed per local day, so it stays at 11:25 across daylight-saving changes. On the day
the clocks go forward a time inside the gap (02:30 in Copenhagen) fires at the first
minute that exists after it (03:00); on the day they go back a repeated time fires once,
at its first occurrence. No reminder on Danish public holidays, on days that are not
the person's training days, or once they have trained that day.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from coach.domain.calendar import WEEKDAYS

# Far enough to cross any holiday season and a long weekend.
_LOOKAHEAD_DAYS = 40


@dataclass(frozen=True)
class ReminderSchedule:
    """A person's daily reminder: on ``days`` at ``at`` in ``time_zone``."""

    enabled: bool
    at: time
    days: tuple[str, ...]
    time_zone: str


@cache
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_danish_public_holiday(day: date) -> bool:
    return day in _danish_holidays(day.year)


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone`` as an aware UTC time.

    A wall-clock time skipped by a daylight-saving change becomes the first minute that
    exists after it; a repeated one is its first occurrence (``fold=0``).
    """
    wall = datetime.combine(day, at)
    for _ in range(24 * 60):  # no zone skips more than a day
        candidate = wall.replace(tzinfo=zone, fold=0)
        utc = candidate.astimezone(UTC)
        if utc.astimezone(zone).replace(tzinfo=None) == wall:
            return utc
        wall += timedelta(minutes=1)
    raise ValueError(f"no valid local time after {at} on {day} in {zone}")


def local_day(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def is_reminder_day(schedule: ReminderSchedule, day: date) -> bool:
    """A training day of the schedule that is not a Danish public holiday."""
    return WEEKDAYS[day.weekday()] in schedule.days and not is_danish_public_holiday(day)


def reminder_on(
    schedule: ReminderSchedule, day: date, trained_days: Collection[date] = ()
) -> datetime | None:
    """When the reminder fires on local ``day`` (UTC), or None if it does not."""
    if not schedule.enabled or not is_reminder_day(schedule, day) or day in trained_days:
        return None
    return local_moment(day, schedule.at, ZoneInfo(schedule.time_zone))


def next_reminder(
    schedule: ReminderSchedule, after: datetime, trained_days: Collection[date] = ()
) -> datetime | None:
    """The first reminder strictly after ``after`` (UTC), or None if none is coming."""
    if not schedule.enabled or not schedule.days:
        return None
    day = local_day(after, schedule.time_zone)
    for offset in range(_LOOKAHEAD_DAYS):
        moment = reminder_on(schedule, day + timedelta(days=offset), trained_days)
        if moment is not None and moment > after:
            return moment
    return None


def due_reminder(
    schedule: ReminderSchedule,
    now: datetime,
    late_by_at_most: timedelta,
    trained_days: Collection[date] = (),
) -> tuple[date, datetime] | None:
    """Today's reminder if it is due at ``now``: (local day, when it fell due).

    Due means its time has come and passed by no more than ``late_by_at_most`` (a
    worker that was down at 11:25 still sends at 11:40, not at 16:00)."""
    day = local_day(now, schedule.time_zone)
    moment = reminder_on(schedule, day, trained_days)
    if moment is None or not (moment <= now <= moment + late_by_at_most):
        return None
    return day, moment


def end_of_local_day(day: date, time_zone: str) -> datetime:
    """The first moment (UTC) of the day after ``day`` in the zone."""
    return local_moment(day + timedelta(days=1), time(0, 0), ZoneInfo(time_zone))


def snooze_slot(moment: datetime, time_zone: str) -> tuple[date, str]:
    """The local day and the claim slot of a reminder snoozed to ``moment``."""
    wall = moment.astimezone(ZoneInfo(time_zone))
    return wall.date(), f"snooze-{wall:%H%M}"


def next_instant(
    schedule: ReminderSchedule,
    now: datetime,
    late_by_at_most: timedelta,
    snoozed_until: datetime | None = None,
    trained_days: Collection[date] = (),
    taken: Collection[tuple[date, str]] = (),
) -> datetime | None:
    """The first moment (UTC) from which the worker has a reminder to send: today's
    while it is due and not ``taken`` (claimed already: (local day, slot) pairs), else
    the next one to come, or one snoozed to a time not yet past its use; the earliest
    of these. A moment before ``now`` means due now. None: nothing is coming."""
    if not schedule.enabled:
        return None
    found = []
    due = due_reminder(schedule, now, late_by_at_most, trained_days)
    if due is not None and (due[0], "daily") not in taken:
        found.append(due[1])
    # A day whose reminder was claimed already has none left (its time may have moved
    # later since it was sent).
    done = set(trained_days) | {day for day, slot in taken if slot == "daily"}
    upcoming = next_reminder(schedule, now, done)
    if upcoming is not None:
        found.append(upcoming)
    if snoozed_until is not None and now <= snoozed_until + late_by_at_most:
        slot = snooze_slot(snoozed_until, schedule.time_zone)
        if slot not in taken:
            found.append(snoozed_until)
    return min(found, default=None)
