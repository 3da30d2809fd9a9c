"""The history read the way the rules look at it: one session per day, one check-in per day.

Only days before ``today`` are sessions, so a session logged today shows tomorrow's
prescription ("next time") once the day is over; check-ins count up to and with today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from coach.domain.catalogue import DoseRule
from coach.domain.progression.inputs import CheckIn, LoggedSet
from coach.domain.progression.ladder import EPS, Axis, Ladder
from coach.domain.progression.plan import Plan


@dataclass(frozen=True)
class Session:
    """One day's sets of the exercise, reduced to what the rules look at."""

    day: date
    level: float | None  # on the progression axis (the heaviest load used that day)
    reps: tuple[int, ...]  # reps of the sets at that level, most first
    held: int | None  # holds: the shortest hold of the day's sets
    pain: int | None  # the highest pain reported during a set
    carried: float | None  # holds with equipment: the load held


def load_of(ladder: Ladder, logged: LoggedSet) -> float | None:
    """The set's load on ``ladder``: a band clamped to the set, a weight above zero."""
    if ladder.axis is Axis.BAND and logged.band_position is not None:
        return float(min(max(logged.band_position, 0), len(ladder.rungs) - 1))
    if ladder.axis is Axis.WEIGHT and logged.load_kg is not None and logged.load_kg > 0:
        return float(logged.load_kg)
    return None


def read_session(plan: Plan, day: date, sets: Sequence[LoggedSet]) -> Session:
    """One day's sets: the working level (the heaviest load, or the shortest hold) and
    the reps done at it; warm-up sets on a lighter load are not the working sets."""
    pains = [s.pain for s in sets if s.pain is not None]
    pain = max(pains) if pains else None
    if plan.rule is DoseRule.HOLD:
        holds = [s.hold_seconds for s in sets if s.hold_seconds is not None and s.hold_seconds >= 0]
        held = min(holds) if holds else None
        carried = None
        if plan.carried is not None:
            loads = [x for s in sets if (x := load_of(plan.carried, s)) is not None]
            carried = max(loads) if loads else None
        level = plan.progress.floor(held) if held is not None else None
        return Session(day, level, (), held, pain, carried)
    if plan.progress.axis is Axis.NONE:
        level: float | None = 0.0
        working = list(sets)
    else:
        loaded = [(x, s) for s in sets if (x := load_of(plan.progress, s)) is not None]
        level = max((x for x, _ in loaded), default=None)
        working = [s for x, s in loaded if level is not None and abs(x - level) <= EPS]
    reps = tuple(
        sorted((s.reps for s in working if s.reps is not None and s.reps >= 0), reverse=True)
    )
    return Session(day, level, reps, None, pain, None)


def read_sessions(plan: Plan, history: Sequence[LoggedSet], today: date) -> tuple[Session, ...]:
    """The sessions before ``today``, oldest first."""
    by_day: dict[date, list[LoggedSet]] = {}
    for logged in history:
        if logged.day < today:
            by_day.setdefault(logged.day, []).append(logged)
    return tuple(read_session(plan, day, by_day[day]) for day in sorted(by_day))


@dataclass(frozen=True)
class CheckInDay:
    """All check-ins of one day merged: the highest pain per region, any flag."""

    day: date
    pain: Mapping[str, int]
    soreness: bool
    red_flag: bool

    def worst(self) -> tuple[str, int] | None:
        """The region with the highest pain; on a tie, the first by name."""
        return max(sorted(self.pain.items()), key=lambda pair: pair[1], default=None)


def read_checkin_days(checkins: Sequence[CheckIn], today: date) -> tuple[CheckInDay, ...]:
    """The check-ins up to ``today``, one per day, oldest first."""
    merged: dict[date, tuple[dict[str, int], list[bool], list[bool]]] = {}
    for checkin in checkins:
        if checkin.day > today:
            continue
        pain, soreness, red_flag = merged.setdefault(checkin.day, ({}, [], []))
        for region, value in checkin.pain.items():
            pain[region] = max(value, pain.get(region, value))
        soreness.append(checkin.soreness)
        red_flag.append(checkin.red_flag)
    return tuple(
        CheckInDay(day, MappingProxyType(pain), any(soreness), any(red_flag))
        for day, (pain, soreness, red_flag) in sorted(merged.items())
    )


# ------------------------------------------------------------------- the decision


def reached_top(plan: Plan, session: Session) -> bool:
    """One set: at least reps_max. Sets of reps: ``sets`` sets at reps_max or more."""
    assert plan.reps_max is not None
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        return bool(session.reps) and session.reps[0] >= plan.reps_max
    return sum(r >= plan.reps_max for r in session.reps) >= plan.sets


def fell_short(plan: Plan, session: Session) -> bool:
    """Even the best set stayed under reps_min."""
    assert plan.reps_min is not None
    return bool(session.reps) and session.reps[0] < plan.reps_min
