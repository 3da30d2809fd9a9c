"""Time zones, weekdays and wall-clock times as people state them."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# ISO order: Monday first, as Danish calendars show it.
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS: tuple[str, ...] = WEEKDAYS[:5]
LANGUAGES: tuple[str, ...] = ("da", "en")

_HH_MM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """True for a canonical IANA zone name such as ``Europe/Copenhagen``."""
    if name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_wall_clock(text: str) -> time:
    """``"11:25"`` → ``time(11, 25)``; raises ``ValueError`` for anything else."""
    match = _HH_MM.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a time of day as HH:MM (00:00-23:59)")
    return time(int(match.group(1)), int(match.group(2)))


def format_wall_clock(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def ordered_weekdays(days: list[str] | tuple[str, ...]) -> list[str]:
    """Weekday names, deduplicated, Monday first."""
    unknown = set(days) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekday(s): {', '.join(sorted(unknown))}")
    return [d for d in WEEKDAYS if d in set(days)]


def monday_of(day: date) -> date:
    """The Monday of the ISO week ``day`` lies in."""
    return day - timedelta(days=day.weekday())


def team_program_week(started_on: date, today: date) -> int:
    """A team's program week on ``today``: week 1 is the calendar week (Monday to
    Sunday) the team started in, so phases change on a Monday for everyone at once and
    line up with the instructor's weeks. A start still ahead counts as week 1."""
    return max(0, (monday_of(today) - monday_of(started_on)).days) // 7 + 1
