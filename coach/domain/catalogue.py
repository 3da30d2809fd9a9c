"""The exercise catalogue as the coaching rules see it: exercises, doses and programs.

Everything here is immutable data read from ``exercises/`` by :mod:`coach.catalogue`,
which also validates it; the rules in this module are the ones both the validator and
the progression engine rely on (which dose rule fits which exercise, how program
phases cover the weeks, which swaps are allowed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from coach.domain.calendar import LANGUAGES

# Controlled vocabularies of the exercise files.
REGIONS: tuple[str, ...] = (
    "neck",
    "shoulder",
    "upper-back",
    "arm",
    "forearm-wrist",
    "lower-back",
    "legs",
)
EQUIPMENT: tuple[str, ...] = ("band", "dumbbell", "kettlebell", "bodyweight")
KINDS: tuple[str, ...] = ("reps", "hold")  # counted repetitions, or a timed hold
CUES: tuple[str, ...] = ("start", "movement", "tempo", "mistakes", "feel")
WORK_TYPES: tuple[str, ...] = ("office", "physical", "any")
# Cardio kinds, in the order a phone offers them: the everyday ones first.
CARDIO_ACTIVITIES: tuple[str, ...] = (
    "walking",
    "cycling",
    "running",
    "rowing",
    "swimming",
    "other",
)
# Perceived effort of a cardio session, 1 (barely any) to 10 (all you had): the
# project's own 1-10 scale, not the licensed Borg CR10 and not its wording.
EFFORT_MIN, EFFORT_MAX = 1, 10
# Before efforts, a session was "easy", "moderate" or "hard" (stored rows were migrated
# and a phone's queued writes may still say so): where each sits on the effort scale.
# Easy is talking in full sentences, moderate is talking in short ones, hard is a few
# words at a time.
EFFORT_OF_INTENSITY: Mapping[str, int] = MappingProxyType({"easy": 3, "moderate": 5, "hard": 7})


class DoseRule(StrEnum):
    """How a program doses an item, and so how it progresses."""

    ONE_SET_TO_FAILURE = "one-set-to-failure"  # band: one set until no more reps
    SETS_OF_REPS = "sets-of-reps"  # e.g. 3 sets of 8-12 at about 70 % of 1RM
    HOLD = "hold"  # timed static holds
    CARDIO = "cardio"  # minutes of walking, cycling, running ... at an effort


DOSE_RULES: tuple[str, ...] = tuple(rule.value for rule in DoseRule)


@dataclass(frozen=True)
class Text:
    """A text in every language the product speaks."""

    da: str
    en: str

    def in_language(self, language: str) -> str:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        return str(getattr(self, language))


# Names of the cardio vocabulary, so every client shows the same words.
CARDIO_ACTIVITY_NAMES: Mapping[str, Text] = MappingProxyType(
    {
        "walking": Text("Gang", "Walking"),
        "cycling": Text("Cykling", "Cycling"),
        "running": Text("Løb", "Running"),
        "rowing": Text("Roning", "Rowing"),
        "swimming": Text("Svømning", "Swimming"),
        "other": Text("Anden kondition", "Other cardio"),
    }
)


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: sets of repetitions in a range, or timed holds."""

    sets: int
    reps_min: int | None = None
    reps_max: int | None = None
    seconds: int | None = None
    step_seconds: int | None = None  # holds: added once the hold is done twice
    max_seconds: int | None = None  # holds: the cap, after which a harder variant
    intensity_pct: int | None = None  # weights: share of 1RM (70 % ≈ a 12-rep max)


@dataclass(frozen=True)
class Cues:
    """What to tell a person doing the exercise, in the order they need it."""

    start: Text
    movement: Text
    tempo: Text
    mistakes: Text
    feel: Text


@dataclass(frozen=True)
class Exercise:
    slug: str
    name: Text
    description: Text
    equipment: str  # one of EQUIPMENT
    kind: str  # one of KINDS
    regions: tuple[str, ...]
    muscles: tuple[str, ...]  # slugs of Catalogue.muscles
    alternatives: tuple[str, ...]  # slugs of other exercises
    default_dose: Dose
    cues: Cues
    safety: Text
    illustration: str  # file name inside the catalogue's illustrations/ folder
    illustration_alt: Text

    @property
    def default_rule(self) -> DoseRule:
        """The rule that fits the default dose: holds hold, a single band set goes to
        failure, anything else is sets of repetitions."""
        if self.kind == "hold":
            return DoseRule.HOLD
        if self.equipment == "band" and self.default_dose.sets == 1:
            return DoseRule.ONE_SET_TO_FAILURE
        return DoseRule.SETS_OF_REPS


def rule_mismatch(rule: DoseRule, *, kind: str, equipment: str) -> str | None:
    """Why ``rule`` cannot dose an exercise of this kind and equipment (None if it can)."""
    if rule is DoseRule.CARDIO:
        return "the cardio rule doses an activity, not an exercise"
    if rule is DoseRule.HOLD and kind != "hold":
        return "the hold rule is only for exercises of kind hold; this one counts reps"
    if rule is not DoseRule.HOLD and kind == "hold":
        return f"this exercise is a timed hold; use the hold rule, not {rule.value}"
    if rule is DoseRule.ONE_SET_TO_FAILURE and equipment != "band":
        return f"one set to failure is for band exercises; this one uses {equipment}"
    return None


@dataclass(frozen=True)
class CardioSession:
    activity: str  # one of CARDIO_ACTIVITIES
    minutes: int
    effort: int  # EFFORT_MIN..EFFORT_MAX


@dataclass(frozen=True)
class ProgramItem:
    """One thing to do in a session: an exercise with its dose, or a cardio session."""

    rule: DoseRule
    exercise: str | None = None  # exercise slug; None for cardio
    dose: Dose | None = None  # None for cardio
    cardio: CardioSession | None = None


@dataclass(frozen=True)
class Phase:
    """Weeks ``first_week``..``last_week`` (inclusive, 1-based) of a program."""

    first_week: int
    last_week: int
    items: tuple[ProgramItem, ...]

    def covers(self, week: int) -> bool:
        return self.first_week <= week <= self.last_week


@dataclass(frozen=True)
class Program:
    slug: str
    name: Text
    purpose: Text
    work_type: str  # one of WORK_TYPES
    sessions_per_week: int
    duration_weeks: int
    session_minutes: int
    phases: tuple[Phase, ...]

    def phase_for_week(self, week: int) -> Phase:
        """The phase of program week ``week`` (1 is the first week).

        A team that keeps going after the last week starts the program over, so the
        exercises keep changing.
        """
        if week < 1:
            raise ValueError(f"program weeks start at 1, not {week}")
        week_in_cycle = (week - 1) % self.duration_weeks + 1
        for phase in self.phases:
            if phase.covers(week_in_cycle):
                return phase
        raise LookupError(f"{self.slug} has no phase for week {week_in_cycle}")

    def last_week_of_phase(self, week: int) -> int:
        """The program week that ends the phase ``week`` is in (counted like ``week``,
        so a program started over ends its phases later)."""
        phase = self.phase_for_week(week)
        return week + phase.last_week - ((week - 1) % self.duration_weeks + 1)

    @property
    def exercises(self) -> tuple[str, ...]:
        """Slugs of every exercise the program uses, in first-use order."""
        seen: dict[str, None] = {}
        for phase in self.phases:
            for item in phase.items:
                if item.exercise is not None:
                    seen.setdefault(item.exercise)
        return tuple(seen)


def phase_problems(spans: Sequence[tuple[int, int]], duration_weeks: int) -> list[tuple[int, str]]:
    """Why phases given as ``(first_week, last_week)`` do not cover weeks
    1..``duration_weeks`` exactly once, in order: ``(phase index, reason)`` pairs."""
    problems: list[tuple[int, str]] = []
    expected_start = 1
    for index, (first, last) in enumerate(spans):
        if first > last:
            problems.append((index, f"ends (week {last}) before it starts (week {first})"))
            continue
        if first > expected_start:
            gap = (
                f"week {expected_start} is"
                if first - 1 == expected_start
                else f"weeks {expected_start}-{first - 1} are"
            )
            problems.append((index, f"leaves a gap: {gap} in no phase"))
        elif first < expected_start:
            problems.append(
                (
                    index,
                    f"overlaps the phase before it: starts in week {first}, "
                    f"expected week {expected_start}",
                )
            )
        expected_start = max(expected_start, last + 1)
    covered = expected_start - 1
    if spans and covered < duration_weeks:
        problems.append(
            (
                len(spans) - 1,
                f"the phases end in week {covered} but the program lasts {duration_weeks} weeks",
            )
        )
    elif spans and covered > duration_weeks:
        problems.append(
            (
                len(spans) - 1,
                f"ends in week {covered}, after the program's last week ({duration_weeks})",
            )
        )
    return problems


def _frozen(mapping: Mapping[str, object] | Iterable[tuple[str, object]]) -> MappingProxyType:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Catalogue:
    """Every exercise, program and muscle, by slug."""

    exercises: Mapping[str, Exercise]
    programs: Mapping[str, Program]
    muscles: Mapping[str, Text] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only views: one catalogue is shared by every request.
        object.__setattr__(self, "exercises", _frozen(sorted(self.exercises.items())))
        object.__setattr__(self, "programs", _frozen(sorted(self.programs.items())))
        object.__setattr__(self, "muscles", _frozen(self.muscles))

    def find_exercises(
        self, *, region: str | None = None, equipment: str | None = None
    ) -> list[Exercise]:
        """Exercises working ``region`` with ``equipment`` (either may be None: any)."""
        return [
            exercise
            for exercise in self.exercises.values()
            if (region is None or region in exercise.regions)
            and (equipment is None or exercise.equipment == equipment)
        ]

    def alternatives_of(self, slug: str) -> tuple[Exercise, ...]:
        return tuple(self.exercises[alt] for alt in self.exercises[slug].alternatives)

    def swap_problem(self, exercise: str, replacement: str) -> str | None:
        """Why a person may not do ``replacement`` instead of ``exercise`` (None: they may).

        Only a listed alternative of the same kind can stand in: a timed hold cannot
        replace counted repetitions, because the progression rules differ.
        """
        original = self.exercises[exercise]
        if replacement not in original.alternatives:
            listed = ", ".join(original.alternatives) or "none"
            return f"{replacement!r} is not an alternative to {exercise!r} (alternatives: {listed})"
        substitute = self.exercises[replacement]
        if substitute.kind != original.kind:
            return (
                f"{replacement!r} is a {substitute.kind} exercise and {exercise!r} is a "
                f"{original.kind} exercise; a swap must keep the kind"
            )
        return None
