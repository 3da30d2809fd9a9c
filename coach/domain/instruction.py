"""An instruction plan: the limits Arbejdsmiljøpuljen sets, and visits against phases.

An external instructor may coach a workplace for at most :data:`MAX_INSTRUCTOR_WEEKS`
weeks in total, inside a project of at most :data:`MAX_PROJECT_MONTHS` months (15 weeks
in a row, or an introduction plus visits weeks or months apart). Key persons carry the
training on between and after the visits.

New exercises are best introduced by the instructor, so each time a team's program
begins a new phase there should be an instructor week. Program week 1 is the project's
first week, unless the team's program started on a day of its own: then its weeks
count from that day (see :func:`coach.domain.calendar.team_program_week`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from coach.domain.calendar import monday_of, team_program_week

MAX_INSTRUCTOR_WEEKS = 15
MAX_PROJECT_MONTHS = 12
WEEK = timedelta(days=7)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day if it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_end(starts_on: date) -> date:
    """The last day a project starting on ``starts_on`` may run: 12 months, inclusive
    (1 March to the last day of February)."""
    return add_months(starts_on, MAX_PROJECT_MONTHS) - timedelta(days=1)


def plan_problems(
    starts_on: date, ends_on: date, instructor_weeks: Sequence[date]
) -> dict[str, list[str]]:
    """What breaks the limits, per field; empty when the plan is within them.

    ``instructor_weeks`` are the Mondays of the weeks the instructor comes.
    """
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if ends_on < starts_on:
        add("ends_on", "The project must end on or after its start.")
    elif ends_on > latest_end(starts_on):
        add(
            "ends_on",
            f"A project may last at most {MAX_PROJECT_MONTHS} months: from {starts_on} "
            f"it must end by {latest_end(starts_on)}.",
        )
    if len(instructor_weeks) > MAX_INSTRUCTOR_WEEKS:
        add(
            "instructor_weeks",
            f"At most {MAX_INSTRUCTOR_WEEKS} instructor weeks in total; "
            f"this plan has {len(instructor_weeks)}.",
        )
    if len(set(instructor_weeks)) != len(instructor_weeks):
        add("instructor_weeks", "A week is listed twice.")
    if any(week.weekday() != 0 for week in instructor_weeks):
        add("instructor_weeks", "Give each instructor week by its Monday.")
    outside = sorted(
        w for w in set(instructor_weeks) if w + 6 * timedelta(days=1) < starts_on or w > ends_on
    )
    if outside:
        listed = ", ".join(str(w) for w in outside)
        add("instructor_weeks", f"Instructor weeks must lie within the project: {listed} do not.")
    return problems


@dataclass(frozen=True)
class PhaseStart:
    """A phase of the team's program that begins in the week of ``week_start``."""

    week_start: date
    program_week: int
    phase_first_week: int  # the phase's first week in the program (1-based)
    at_visit: bool  # an instructor week: the new exercises are introduced in person


def phase_starts(
    starts_on: date,
    ends_on: date,
    phase_first_weeks: Iterable[int],
    duration_weeks: int,
    instructor_weeks: Iterable[date],
    program_started_on: date | None = None,
) -> list[PhaseStart]:
    """Every week inside the project where the team's program begins a phase, the
    program repeating after ``duration_weeks``, marked with whether the instructor
    is there that week. The team's weeks count from ``program_started_on`` (default:
    the project's start); weeks before the team started begin nothing."""
    firsts = set(phase_first_weeks)
    visits = set(instructor_weeks)
    started = program_started_on or starts_on
    result = []
    monday = monday_of(starts_on)
    while monday <= ends_on:
        if monday >= monday_of(started):
            program_week = team_program_week(started, monday)
            in_cycle = (program_week - 1) % duration_weeks + 1
            if in_cycle in firsts:
                result.append(PhaseStart(monday, program_week, in_cycle, monday in visits))
        monday += WEEK
    return result
