"""Reminder times as wall-clock times in IANA zones, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.domain.reminders import (
    ReminderSchedule,
    due_reminder,
    end_of_local_day,
    is_danish_public_holiday,
    local_moment,
    next_reminder,
    reminder_on,
)

CPH = "Europe/Copenhagen"
AKL = "Pacific/Auckland"
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def schedule(at: time, zone: str = CPH, days: tuple[str, ...] = EVERY_DAY) -> ReminderSchedule:
    return ReminderSchedule(True, at, days, zone)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 11:25 stays 11:25 local on both sides of each change: CET +1, CEST +2
        (date(2026, 3, 27), utc(2026, 3, 27, 10, 25)),  # Friday before spring-forward
        (date(2026, 3, 30), utc(2026, 3, 30, 9, 25)),  # Monday after
        (date(2026, 10, 23), utc(2026, 10, 23, 9, 25)),
        (date(2026, 10, 26), utc(2026, 10, 26, 10, 25)),  # after fall-back (25 Oct)
        # 2027 spring-forward on 28 March, Easter Sunday: the days around it are holidays
        (date(2027, 3, 24), utc(2027, 3, 24, 10, 25)),
        (date(2027, 3, 30), utc(2027, 3, 30, 9, 25)),
        (date(2027, 11, 1), utc(2027, 11, 1, 10, 25)),  # 2027 fall-back on 31 October
    ],
)
def test_copenhagen_reminder_keeps_its_wall_clock_time(day: date, expected: datetime) -> None:
    assert reminder_on(schedule(time(11, 25)), day) == expected
    assert expected.astimezone(ZoneInfo(CPH)).time() == time(11, 25)


def test_a_time_skipped_by_spring_forward_fires_at_the_first_valid_minute() -> None:
    # 29 March 2026 and 28 March 2027: 02:00 jumps to 03:00 in Copenhagen
    # (28 March 2027 is Easter Sunday, no reminder day: the time itself is checked)
    for day in (date(2026, 3, 29), date(2027, 3, 28)):
        moment = local_moment(day, time(2, 30), ZoneInfo(CPH))
        assert reminder_on(schedule(time(2, 30)), day) in (moment, None)
        assert moment.astimezone(ZoneInfo(CPH)).replace(tzinfo=None) == datetime.combine(
            day, time(3, 0)
        )
        assert moment == datetime.combine(day, time(1, 0), tzinfo=UTC)


def test_a_repeated_time_at_fall_back_fires_once_at_its_first_occurrence() -> None:
    # 25 October 2026: 03:00 CEST goes back to 02:00 CET, so 02:30 happens twice
    sched = schedule(time(2, 30))
    first = reminder_on(sched, date(2026, 10, 25))
    assert first == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    # next_reminder from just after the first occurrence skips the repeat (01:30 UTC)
    after = next_reminder(sched, first)
    assert after == utc(2026, 10, 26, 1, 30)  # the next day, 02:30 CET
    # and at the repeated 02:30 the day's reminder is past, not due again as new
    late = timedelta(minutes=5)
    assert due_reminder(sched, utc(2026, 10, 25, 0, 31), late) == (date(2026, 10, 25), first)
    assert due_reminder(sched, utc(2026, 10, 25, 1, 31), late) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Auckland: NZDT +13 until 5 April 2026, NZST +12, NZDT again from 27 Sept 2026
        # (Danish Easter holidays 2-6 April 2026 are skipped in Auckland too)
        (date(2026, 4, 1), utc(2026, 3, 31, 22, 25)),
        (date(2026, 4, 7), utc(2026, 4, 6, 23, 25)),
        (date(2026, 9, 25), utc(2026, 9, 24, 23, 25)),
        (date(2026, 9, 28), utc(2026, 9, 27, 22, 25)),
        (date(2027, 4, 2), utc(2027, 4, 1, 22, 25)),  # before 4 April 2027
        (date(2027, 4, 5), utc(2027, 4, 4, 23, 25)),
        (date(2027, 9, 27), utc(2027, 9, 26, 22, 25)),  # after 26 September 2027
    ],
)
def test_auckland_reminder_keeps_its_wall_clock_time(day: date, expected: datetime) -> None:
    moment = reminder_on(schedule(time(11, 25), AKL), day)
    assert moment == expected


def test_auckland_spring_forward_gap() -> None:
    # 27 September 2026: 02:00 NZST becomes 03:00 NZDT
    moment = reminder_on(schedule(time(2, 15), AKL), date(2026, 9, 27))
    assert moment is not None
    assert moment.astimezone(ZoneInfo(AKL)).time() == time(3, 0)


def test_danish_public_holidays_are_skipped() -> None:
    sched = schedule(time(11, 25), days=("mon", "tue", "wed", "thu", "fri"))
    for holiday in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14)):
        assert is_danish_public_holiday(holiday)
        assert reminder_on(sched, holiday) is None
    assert reminder_on(sched, date(2026, 12, 25)) is None  # Christmas Day, a Friday
    # from Wednesday 1 April 2026, the next is Tuesday 7 April (Easter in between)
    nxt = next_reminder(sched, utc(2026, 4, 1, 12, 0))
    assert nxt == utc(2026, 4, 7, 9, 25)


def test_days_not_in_the_schedule_and_trained_days_are_skipped() -> None:
    sched = schedule(time(11, 25), days=("mon", "wed"))
    assert reminder_on(sched, date(2026, 11, 24)) is None  # a Tuesday
    assert reminder_on(sched, date(2026, 11, 25), trained_days={date(2026, 11, 25)}) is None
    nxt = next_reminder(sched, utc(2026, 11, 23, 12, 0), trained_days={date(2026, 11, 25)})
    assert nxt == utc(2026, 11, 30, 10, 25)


def test_disabled_schedule_has_no_reminder() -> None:
    off = ReminderSchedule(False, time(11, 25), EVERY_DAY, CPH)
    assert next_reminder(off, utc(2026, 11, 23)) is None
    assert reminder_on(off, date(2026, 11, 23)) is None


def test_due_only_within_the_late_window() -> None:
    sched = schedule(time(11, 25))
    late = timedelta(minutes=30)
    assert due_reminder(sched, utc(2026, 11, 23, 10, 24), late) is None
    assert due_reminder(sched, utc(2026, 11, 23, 10, 25), late) is not None
    assert due_reminder(sched, utc(2026, 11, 23, 10, 55), late) is not None
    assert due_reminder(sched, utc(2026, 11, 23, 10, 56), late) is None


def test_end_of_local_day_on_a_23_hour_day() -> None:
    end = end_of_local_day(date(2026, 3, 29), CPH)
    assert end == utc(2026, 3, 29, 22, 0)
    assert local_moment(date(2026, 3, 29), time(0, 0), ZoneInfo(CPH)) == utc(2026, 3, 28, 23)
