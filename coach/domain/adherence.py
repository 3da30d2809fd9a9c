"""Adherence: training sessions per ISO week against a program's target, and streaks.

A *session* is a local day with at least one logged set; a *week* is an ISO week,
Monday to Sunday, named by its Monday. The database counts sessions per week; the
rules here lay those counts out over a window of weeks and judge them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from coach.domain.calendar import WEEKDAYS

WEEK = timedelta(days=7)
PROGRESS_WEEKS = 12  # how many weeks "sessions per week" shows


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekAdherence:
    """Sessions done in the week starting ``week_start`` against the target.

    ``target`` is the whole week's (None: no plan that week); ``target_so_far`` is
    what was due by the end of the week, or, for the week under way (``partial``), by
    the end of today.
    """

    week_start: date
    sessions: int
    target: int | None
    target_so_far: int | None
    partial: bool

    @property
    def planned(self) -> bool:
        return self.target is not None

    @property
    def met(self) -> bool | None:
        """True once the week's target is reached; False only for a week that is over
        (the week under way is not missed yet); None without a plan."""
        if self.target is None:
            return None
        if self.sessions >= self.target:
            return True
        return None if self.partial else False


def weekly_target(sessions_per_week: int, workdays: Iterable[str] | None = None) -> int:
    """The program's sessions per week, but never more than the team's training days:
    a team that trains four days a week cannot meet a five-a-week program."""
    days = len(set(workdays)) if workdays is not None else 7
    return max(1, min(sessions_per_week, days or 7))


def workdays_so_far(workdays: Iterable[str], today: date) -> int:
    """The team's training days from this week's Monday up to and including ``today``."""
    days = set(workdays)
    return sum(1 for n in range(today.weekday() + 1) if WEEKDAYS[n] in days)


def target_so_far(target: int, workdays: Iterable[str], today: date) -> int:
    """How much of a member's weekly ``target`` is due by the end of ``today``: the
    target spread evenly over the team's training days, rounded up, so a member who
    trains on every training day is never behind (a five-a-week team on Wednesday: 3;
    a three-a-week team on five days, on Monday: 1)."""
    days = list(workdays)
    if not days:
        return target
    return min(target, ceil(target * workdays_so_far(days, today) / len(set(days))))


def week_due(target: int, workdays: Iterable[str] | None, monday: date, today: date) -> int:
    """What of ``target`` was due in the week starting ``monday`` (today's week or an
    earlier one), as seen on ``today``: a past week owes its whole target, the week
    under way its :func:`target_so_far` (without stated training days every day
    counts, as in :func:`weekly_target`)."""
    if monday < week_start(today):
        return target
    return target_so_far(target, WEEKDAYS if workdays is None else workdays, today)


def sessions_by_week(days: Iterable[date]) -> dict[date, int]:
    """Sessions per week from the days trained (each day counts once)."""
    counts: dict[date, int] = {}
    for day in set(days):
        monday = week_start(day)
        counts[monday] = counts.get(monday, 0) + 1
    return counts


def sessions_vs_target(
    sessions: Mapping[date, int],
    *,
    today: date,
    target: int | None,
    workdays: Iterable[str] | None = None,
    weeks: int = PROGRESS_WEEKS,
    since: date | None = None,
) -> list[WeekAdherence]:
    """The last ``weeks`` weeks up to and including ``today``'s, oldest first; the
    current week is judged against the part of ``target`` due by today, spread over
    ``workdays`` (see :func:`week_due`).

    ``sessions`` maps a week's Monday to its sessions. Weeks wholly before ``since``
    (the day the person joined) are left out: they were never theirs to meet.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    current = week_start(today)
    first = current - (weeks - 1) * WEEK
    if since is not None:
        first = max(first, week_start(since))
    result = []
    monday = first
    days = None if workdays is None else list(workdays)
    while monday <= current:
        due = None if target is None else week_due(target, days, monday, today)
        result.append(
            WeekAdherence(monday, sessions.get(monday, 0), target, due, monday == current)
        )
        monday += WEEK
    return result


def current_streak(sessions: Mapping[date, int], *, today: date, target: int | None) -> int:
    """Consecutive weeks in which the target was met, ending with the current week if
    it is already met, else with the week before (a week under way is not yet missed).

    0 without a target. ``sessions`` maps a week's Monday to its sessions and may hold
    the whole history: the count stops at the first week not met.
    """
    if target is None:
        return 0
    monday = week_start(today)
    if sessions.get(monday, 0) < target:
        monday -= WEEK
    streak = 0
    while sessions.get(monday, 0) >= target:
        streak += 1
        monday -= WEEK
    return streak
