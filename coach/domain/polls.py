"""The rules of a team's polls: which exercise sets a phase may take, the options the
app proposes, and how a count of votes picks a winner.

A set of exercises for a phase is read against the phase as written, position by
position: each exercise of the phase keeps its place and its dose, and may be replaced
by one of its catalogue alternatives that works the same body region with the same
equipment and kind, and that the phase's dose rule fits (the rule the catalogue's
program validator checks). So a chosen phase is a valid program phase by construction,
and each member's progression on it follows the same rules as on the phase as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from coach.domain.calendar import WEEKDAYS, monday_of
from coach.domain.catalogue import Catalogue, Phase, Program, ProgramItem, rule_mismatch

KINDS: tuple[str, ...] = ("exercises", "time")
MIN_OPTIONS, MAX_OPTIONS = 2, 4
MIN_OPEN = timedelta(minutes=1)
MAX_OPEN = timedelta(days=14)


@dataclass(frozen=True)
class PhaseSpan:
    """A phase of the team's program on the team's own weeks (week 1 is the week the
    team started): a program that starts over keeps counting, so a choice for weeks
    9-12 does not return in weeks 21-24."""

    first_week: int
    last_week: int
    phase: Phase

    def starts_on(self, started_on: date) -> date:
        """The Monday the phase begins, for a team whose week 1 holds ``started_on``."""
        return week_starts_on(started_on, self.first_week)


def week_starts_on(started_on: date, week: int) -> date:
    """The Monday of team week ``week``, for a team whose week 1 holds ``started_on``."""
    return monday_of(started_on) + timedelta(weeks=week - 1)


def next_phase(program: Program, week: int) -> PhaseSpan:
    """The phase after the one of team week ``week``, in team weeks."""
    cycle = (week - 1) // program.duration_weeks
    current = program.phase_for_week(week)
    index = program.phases.index(current) + 1
    if index == len(program.phases):
        cycle, index = cycle + 1, 0
    phase = program.phases[index]
    offset = cycle * program.duration_weeks
    return PhaseSpan(phase.first_week + offset, phase.last_week + offset, phase)


def exercise_items(phase: Phase) -> list[ProgramItem]:
    return [item for item in phase.items if item.exercise is not None]


def replacement_problem(catalogue: Catalogue, item: ProgramItem, slug: str) -> str | None:
    """Why ``slug`` may not take the place of ``item``'s exercise (None: it may)."""
    assert item.exercise is not None
    if slug == item.exercise:
        return None
    if slug not in catalogue.exercises:
        return f"no exercise {slug!r} in the catalogue"
    original, candidate = catalogue.exercises[item.exercise], catalogue.exercises[slug]
    if slug not in original.alternatives:
        listed = ", ".join(original.alternatives) or "none"
        return f"{slug!r} is not an alternative to {item.exercise!r} (alternatives: {listed})"
    if candidate.equipment != original.equipment:
        return f"{slug!r} uses {candidate.equipment}, {item.exercise!r} uses {original.equipment}"
    if not set(candidate.regions) & set(original.regions):
        return f"{slug!r} works other muscles than {item.exercise!r}"
    if candidate.kind != original.kind:
        return f"{slug!r} is a {candidate.kind} exercise, {item.exercise!r} a {original.kind} one"
    return rule_mismatch(item.rule, kind=candidate.kind, equipment=candidate.equipment)


def set_problems(catalogue: Catalogue, phase: Phase, slugs: Sequence[str]) -> dict[int, str]:
    """Why the exercise set ``slugs`` cannot be the phase's: position → reason."""
    items = exercise_items(phase)
    if len(slugs) != len(items):
        written = ", ".join(item.exercise or "" for item in items)
        return {-1: f"give {len(items)} exercises, one for each of the phase's ({written})"}
    problems: dict[int, str] = {}
    seen: set[str] = set()
    for position, (item, slug) in enumerate(zip(items, slugs, strict=True)):
        if slug in seen:
            problems[position] = f"{slug!r} is in the set twice"
        elif (problem := replacement_problem(catalogue, item, slug)) is not None:
            problems[position] = problem
        seen.add(slug)
    return problems


def with_exercises(phase: Phase, slugs: Sequence[str]) -> tuple[ProgramItem, ...]:
    """The phase's items with its exercises replaced by ``slugs``, in order; cardio and
    every dose stay as written."""
    chosen = iter(slugs)
    return tuple(
        replace(item, exercise=next(chosen)) if item.exercise is not None else item
        for item in phase.items
    )


def suggested_sets(catalogue: Catalogue, phase: Phase) -> list[list[str]]:
    """The phase as written, then one variant per allowed single swap, then (when more
    than one exercise can change) every exercise swapped for its first alternative."""
    written = [item.exercise or "" for item in exercise_items(phase)]
    sets = [written]
    firsts = list(written)
    for position, item in enumerate(exercise_items(phase)):
        assert item.exercise is not None
        options = [
            alternative
            for alternative in catalogue.exercises[item.exercise].alternatives
            if alternative not in written
            and replacement_problem(catalogue, item, alternative) is None
        ]
        for alternative in options:
            variant = list(written)
            variant[position] = alternative
            sets.append(variant)
        if options and options[0] not in firsts:
            firsts[position] = options[0]
    if sum(a != b for a, b in zip(firsts, written, strict=True)) > 1:
        sets.append(firsts)
    return sets


def weekday_names(numbers: Sequence[int]) -> list[str]:
    """ISO weekday numbers (1 is Monday) as the team's weekday names, Monday first."""
    return [WEEKDAYS[n - 1] for n in sorted(set(numbers))]


def weekday_numbers(names: Sequence[str]) -> list[int]:
    return [WEEKDAYS.index(name) + 1 for name in WEEKDAYS if name in set(names)]


@dataclass(frozen=True)
class Tally:
    """The outcome of a count: the winner's index, or the options tied at the top."""

    winner: int | None
    tied: tuple[int, ...]


def tally(counts: Sequence[int]) -> Tally:
    """Most votes wins; a tie at the top (no votes at all included) has no winner until
    the lead chooses among the tied options."""
    top = max(counts)
    leaders = tuple(i for i, count in enumerate(counts) if count == top)
    if len(leaders) == 1:
        return Tally(leaders[0], leaders)
    return Tally(None, leaders)
