"""The stored next instant against the from-scratch rule the worker used to apply to
everyone on every pass (``due_reminder`` at a moment, minus trained and claimed
reminders, plus a snooze): over random schedules, zones, daylight-saving days and
public holidays, the instant is a moment the old rule finds something due, and the old
rule finds nothing due at any moment between now and it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.domain.calendar import WEEKDAYS
from coach.domain.reminders import (
    ReminderSchedule,
    due_reminder,
    local_day,
    local_moment,
    next_instant,
    snooze_slot,
)

LATE = timedelta(hours=2)
ZONES = [
    "Europe/Copenhagen",
    "Pacific/Auckland",
    "America/New_York",
    "Australia/Lord_Howe",  # daylight saving of 30 minutes
    "Asia/Kolkata",
    "UTC",
]
# Days that matter: daylight-saving changes in both hemispheres, Danish holidays
# (Easter, Ascension, Whit Monday, Christmas, New Year) and plain weeks.
SPECIAL_DAYS = [
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 10, 25),
    date(2026, 9, 27),
    date(2026, 11, 1),
    date(2026, 4, 2),
    date(2026, 5, 14),
    date(2026, 5, 25),
    date(2026, 12, 24),
    date(2026, 12, 31),
    date(2027, 3, 28),
    date(2026, 11, 23),
    date(2026, 6, 10),
]


def old_rule_due(
    schedule: ReminderSchedule,
    moment: datetime,
    snoozed_until: datetime | None,
    trained: set[date],
    taken: set[tuple[date, str]],
) -> bool:
    """What the worker's full scan decided for one person at ``moment``."""
    if not schedule.enabled:
        return False
    daily = due_reminder(schedule, moment, LATE)
    if daily is not None and daily[0] not in trained and (daily[0], "daily") not in taken:
        return True
    if snoozed_until is not None and snoozed_until <= moment <= snoozed_until + LATE:
        return snooze_slot(snoozed_until, schedule.time_zone) not in taken
    return False


@st.composite
def cases(draw: st.DrawFn) -> tuple[ReminderSchedule, datetime, datetime | None, bool, bool]:
    zone = draw(st.sampled_from(ZONES))
    # Whole minutes, some inside a spring-forward gap or a repeated autumn hour.
    at = draw(
        st.one_of(
            st.sampled_from([time(2, 30), time(1, 30), time(11, 25), time(0, 0), time(23, 59)]),
            st.builds(time, st.integers(0, 23), st.integers(0, 59)),
        )
    )
    days = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1))
    enabled = draw(st.booleans().map(lambda b: b or draw(st.booleans())))
    day = draw(st.sampled_from(SPECIAL_DAYS)) + timedelta(days=draw(st.integers(-2, 2)))
    now = datetime.combine(day, time(0), UTC) + timedelta(minutes=draw(st.integers(0, 48 * 60)))
    snoozed = None
    if draw(st.booleans()):
        snoozed = now + timedelta(minutes=draw(st.integers(-180, 60)))
    trained_today = draw(st.booleans())
    today_taken = draw(st.booleans())
    return (
        ReminderSchedule(enabled, at, tuple(d for d in WEEKDAYS if d in days), zone),
        now,
        snoozed,
        trained_today,
        today_taken,
    )


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_next_instant_is_the_first_moment_the_old_rule_finds_due(
    case: tuple[ReminderSchedule, datetime, datetime | None, bool, bool],
) -> None:
    schedule, now, snoozed, trained_today, today_taken = case
    zone = schedule.time_zone
    today = local_day(now, zone)
    trained = {today} if trained_today else set()
    taken: set[tuple[date, str]] = set()
    if today_taken:  # today's reminder, and any snooze, sent already
        taken.add((today, "daily"))
        if snoozed is not None:
            taken.add(snooze_slot(snoozed, zone))
    found = next_instant(schedule, now, LATE, snoozed, trained, taken)

    # Every moment a reminder can become due, from now until the instant found (or
    # well past the longest holiday season if none): the old rule finds nothing.
    horizon = found if found is not None else now + timedelta(days=45)
    starts = [now] + [
        local_moment(today + timedelta(days=n), schedule.at, ZoneInfo(zone))
        for n in range(-1, (horizon - now).days + 3)
    ]
    if snoozed is not None:
        starts.append(snoozed)
    for moment in starts:
        if now <= moment < horizon:
            # Only today is trained or taken: the person has not trained tomorrow yet.
            assert not old_rule_due(schedule, moment, snoozed, trained, taken), (moment, found)
    if found is not None:
        assert old_rule_due(schedule, max(found, now), snoozed, trained, taken), found
