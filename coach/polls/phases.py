"""The team's phases as its members train them: the program as written, with the
exercises the team chose in place. Read by today's screen, live sessions and the team's
program page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.domain import polls
from coach.domain.calendar import format_wall_clock, team_program_week
from coach.domain.catalogue import Phase, ProgramItem
from coach.extensions import db
from coach.polls.models import ChosenPhase, TeamTimeChange
from coach.teams.models import Team
from coach.teams.participation import workplace_today


def _fits(phase: Phase, slugs: list[str]) -> bool:
    """A choice the current catalogue still allows (it may have changed since)."""
    return not polls.set_problems(current_catalogue(), phase, slugs)


def chosen_items(phase: Phase, chosen: list[str] | None) -> tuple[ProgramItem, ...]:
    """The phase's items with the exercises the team chose in place (today's screen
    reads ``chosen`` with the person's other facts); as written without a choice, or
    with one the catalogue no longer allows."""
    if not chosen or not _fits(phase, chosen):
        return phase.items
    return polls.with_exercises(phase, chosen)


def items_for_team(team: Team, week: int) -> tuple[ProgramItem, ...]:
    """The team's items in team week ``week``."""
    phase = current_catalogue().programs[team.program].phase_for_week(week)
    chosen = _chosen(team, week)
    if chosen is None or not _fits(phase, chosen.exercises):
        return phase.items
    return polls.with_exercises(phase, chosen.exercises)


def _chosen(team: Team, week: int) -> ChosenPhase | None:
    return db.session.scalar(
        sa.select(ChosenPhase).where(
            ChosenPhase.team_id == team.id,
            ChosenPhase.program == team.program,
            ChosenPhase.first_week <= week,
            ChosenPhase.last_week >= week,
        )
    )


def team_week(team: Team) -> int:
    return team_program_week(team.program_started_on, workplace_today(team.workplace))


def names(slugs: list[str], language: str) -> list[str]:
    exercises = current_catalogue().exercises
    return [exercises[slug].name.in_language(language) for slug in slugs]


def _phase_view(team: Team, span: polls.PhaseSpan, week: int, language: str) -> dict[str, Any]:
    chosen = _chosen(team, span.first_week)
    items = polls.exercise_items(span.phase)
    slugs = [item.exercise or "" for item in items]
    if chosen is not None and _fits(span.phase, chosen.exercises):
        slugs = chosen.exercises
    else:
        chosen = None
    return {
        "first_week": span.first_week,
        "last_week": span.last_week,
        "starts_on": span.starts_on(team.program_started_on),
        "current": span.first_week <= week <= span.last_week,
        "exercises": [
            {"slug": slug, "name": name}
            for slug, name in zip(slugs, names(slugs, language), strict=True)
        ],
        "chosen": None
        if chosen is None
        else {"votes": chosen.votes, "voted": chosen.voted, "eligible": chosen.eligible},
    }


def team_program(team: Team, language: str) -> dict[str, Any]:
    """The program page: this round of the program's phases in team weeks, and the
    next phase when it begins the next round; each with its exercises, chosen or as
    written."""
    program = current_catalogue().programs[team.program]
    week = team_week(team)
    offset = (week - 1) // program.duration_weeks * program.duration_weeks
    spans = [
        polls.PhaseSpan(p.first_week + offset, p.last_week + offset, p) for p in program.phases
    ]
    upcoming = polls.next_phase(program, week)
    if upcoming.first_week > spans[-1].last_week:
        spans.append(upcoming)
    change = db.session.get(TeamTimeChange, team.id)
    return {
        "program": {"slug": program.slug, "name": program.name.in_language(language)},
        "week": week,
        "phases": [_phase_view(team, span, week, language) for span in spans],
        "time": format_wall_clock(team.reminder_time),
        "days": polls.weekday_numbers(team.workdays),
        "time_change": None
        if change is None
        else {
            "time": format_wall_clock(change.reminder_time),
            "days": polls.weekday_numbers(change.workdays),
            "starts_on": change.starts_on,
        },
    }


def upcoming_phase(team: Team) -> polls.PhaseSpan:
    return polls.next_phase(current_catalogue().programs[team.program], team_week(team))


def phase_start_instant(team: Team, span: polls.PhaseSpan) -> datetime:
    """The phase's first moment: midnight of its Monday in the workplace's zone."""
    day = span.starts_on(team.program_started_on)
    return datetime.combine(day, time(0), ZoneInfo(team.workplace.time_zone)).astimezone(UTC)


def suggestions(team: Team, kind: str, language: str) -> dict[str, Any]:
    """What the app proposes: for exercises, the next phase as written and variants
    with exercises swapped for their alternatives; for time, the team's time and a
    quarter of an hour either side, on its days."""
    if kind == "exercises":
        span = upcoming_phase(team)
        sets = polls.suggested_sets(current_catalogue(), span.phase)
        return {
            "kind": kind,
            "phase": phase_document(team, span),
            "options": [{"exercises": s, "names": names(s, language)} for s in sets],
        }
    days = polls.weekday_numbers(team.workdays) or [1, 2, 3, 4, 5]
    start = datetime.combine(date(2000, 1, 3), team.reminder_time)
    times = [
        format_wall_clock((start + timedelta(minutes=minutes)).time())
        for minutes in (0, -15, 15, 30)
        if (start + timedelta(minutes=minutes)).date() == start.date()
    ]
    return {
        "kind": kind,
        "phase": None,
        "options": [{"time": t, "days": days} for t in times],
    }


def phase_document(team: Team, span: polls.PhaseSpan) -> dict[str, Any]:
    return {
        "program": team.program,
        "first_week": span.first_week,
        "last_week": span.last_week,
        "starts_on": span.starts_on(team.program_started_on),
    }


def member_ids(team_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Person.id).where(Person.team_id == team_id)))
