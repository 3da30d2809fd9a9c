"""The progression engine: what to do next time in one exercise, and why.

:func:`prescribe` reads the sets a person logged for one exercise, their check-ins and
the program's dose, and answers with a :class:`Prescription`: the load (band level, kg
or seconds), the target and a plain-language reason in Danish and English that names
the numbers it rests on. The rules and their defaults are the project's domain notes
(DOMAIN.md, "Progression" and "Load units"); every number is a field of
:class:`ProgressionRules`, so a program can tune it.

The engine keeps no state of its own. The level a person is on is the level they last
logged, so an override or an ignored suggestion needs no bookkeeping: the next
prescription simply starts from what was done. It reads no clock (``today`` is an
argument), and the same sets and check-ins in any order give the same answer.

Every prescription moves at most one step from the last logged level, stays inside the
load scale, and never moves up after pain above 5 or while a red flag is open.
"""

# The sentences people read use typographic dashes (ranges such as 8 to 20 reps).
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from coach.domain.bands import THERABAND, BandSetSpec
from coach.domain.catalogue import Dose, DoseRule, Exercise, ProgramItem, Text, rule_mismatch
from coach.domain.weights import (
    available,
    epley_1rm,
    load_for_reps,
    nearest_weight,
    standard_weights,
)

__all__ = [
    "CHECKIN_REGION_COVERS",
    "DEFAULT_RULES",
    "BandLevelView",
    "Change",
    "ChangeCode",
    "CheckIn",
    "LoadScale",
    "LoggedSet",
    "Override",
    "Prescription",
    "ProgressionRules",
    "band_levels",
    "epley_1rm",
    "load_for_reps",
    "prescribe",
]

_EPS = 1e-6


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class BandLevelView:
    """One band of a workplace's set as the person sees it; position 0 is the lightest."""

    key: str
    name: Text
    colour: str  # display colour, "#rrggbb"


def band_levels(spec: BandSetSpec = THERABAND) -> tuple[BandLevelView, ...]:
    """A band set's levels as views, lightest first (TheraBand unless told)."""
    return tuple(
        BandLevelView(
            level.key, Text(level.colour_name_da, level.colour_name_en), level.display_colour
        )
        for level in spec.levels
    )


@dataclass(frozen=True)
class LoggedSet:
    """One logged set of one exercise."""

    day: date  # local date in the person's zone
    reps: int | None = None
    hold_seconds: int | None = None
    band_position: int | None = None  # 0 = lightest band of the workplace's set
    load_kg: float | None = None
    reps_in_reserve: int | None = None
    pain: int | None = None  # 0-10 during the set


@dataclass(frozen=True)
class CheckIn:
    """How a person feels on a day: pain by region (0-10), soreness, warning signs."""

    day: date
    pain: Mapping[str, int]  # "neck", "shoulder", "arm", "lower-back" -> 0..10
    soreness: bool = False
    red_flag: bool = False


@dataclass(frozen=True)
class Override:
    """The person's own choice for the next session of an exercise (it applies once).

    It applies to the first session on or after ``day``. Pass the person's latest
    override even once it has been used: a session on or after ``day`` shows it is used
    up, and that session, done at a load the person chose, is then judged on its own
    (by an Epley estimate for weights) instead of waiting for two sessions in a row.
    """

    day: date
    band_position: int | None = None
    load_kg: float | None = None
    reps: int | None = None  # a rep target for the session
    hold_seconds: int | None = None  # a hold time for the session


@dataclass(frozen=True)
class LoadScale:
    """The loads a person can choose from for one exercise.

    Empty means the standard set: TheraBand for bands, :mod:`coach.domain.weights`'
    racks for dumbbells and kettlebells.
    """

    band_levels: tuple[BandLevelView, ...] = ()  # lightest first
    weights_kg: tuple[float, ...] = ()  # the equipment's available weights, ascending


# Which exercise regions a check-in region covers: pain "in the shoulder" rises after
# a reverse fly (shoulder, upper back) as much as after a lateral raise.
CHECKIN_REGION_COVERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "neck": ("neck", "upper-back"),
        "shoulder": ("shoulder", "upper-back"),
        "arm": ("arm", "forearm-wrist"),
        "lower-back": ("lower-back",),
    }
)

_REGION_PHRASES: Mapping[str, Text] = MappingProxyType(
    {
        "neck": Text("i nakken", "in your neck"),
        "shoulder": Text("i skulderen", "in your shoulder"),
        "arm": Text("i armen", "in your arm"),
        "lower-back": Text("i lænden", "in your lower back"),
        "upper-back": Text("i den øverste del af ryggen", "in your upper back"),
        "forearm-wrist": Text("i underarmen eller håndleddet", "in your forearm or wrist"),
        "legs": Text("i benene", "in your legs"),
    }
)


@dataclass(frozen=True)
class ProgressionRules:
    """Every number the progression rules use. The defaults are DOMAIN.md's."""

    # Rep ranges when a program's dose leaves them out.
    failure_reps_min: int = 8
    failure_reps_max: int = 20
    sets_reps_min: int = 8
    sets_reps_max: int = 12
    # Step up (or down) after this many sessions in a row at the same level.
    sessions_in_a_row: int = 2
    # After a step up to a stronger band, expect about this share fewer reps.
    band_step_rep_drop: float = 0.25
    # Sets of reps: the share of 1RM aimed at when the dose names none (70 % ≈ 12RM).
    intensity_pct: int = 70
    # First session. The Danish trial started women on red and men on green; sex is not
    # stored, so everyone starts on the lighter one. A set without this key: the lightest.
    start_band_key: str = "red"
    start_kg_dumbbell: float = 3.0  # the lightest weight at or above this
    start_kg_kettlebell: float = 8.0
    start_kg_by_exercise: Mapping[str, float] = field(default_factory=dict)
    # Holds, when the dose leaves them out: the step, the cap, and the shortest hold.
    hold_step_seconds: int = 5
    hold_max_seconds: int = 60
    hold_min_seconds: int = 10
    # Pain during a set (0-10): up to pain_fine_max fine; up to pain_keep_max keep the
    # load; above it one step down. Pain in a check-in above pain_keep_max: no step up.
    pain_fine_max: int = 3
    pain_keep_max: int = 5
    # Pain higher after training than before it (in a region the exercise trains) steps
    # down: the check-in after the last session (within this many days of it) against
    # the latest one on or before the session day (within baseline_within_days).
    next_day_within_days: int = 3
    baseline_within_days: int = 7
    pain_rise_min: int = 1
    # Breaks since the last session of the exercise: shorter than break_carry_on_days,
    # carry on; longer than break_step_down_days, one level down; in between, same level
    # but stop break_reps_short reps short the first time.
    break_carry_on_days: int = 14
    break_step_down_days: int = 28
    break_reps_short: int = 2
    # A red flag in the latest check-in pauses progression for this many days (or until
    # a later check-in without one).
    red_flag_days: int = 14
    # Soreness reported this recently earns a word that early soreness is normal.
    soreness_note_days: int = 2
    # Rest between sets, by rule.
    rest_seconds_one_set_to_failure: int = 0
    rest_seconds_sets_of_reps: int = 60
    rest_seconds_hold: int = 30

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "start_kg_by_exercise", MappingProxyType(dict(self.start_kg_by_exercise))
        )
        problems = []
        if self.sessions_in_a_row < 1:
            problems.append("sessions_in_a_row must be at least 1")
        if not 0 <= self.pain_fine_max <= self.pain_keep_max <= 10:
            problems.append("need 0 <= pain_fine_max <= pain_keep_max <= 10")
        if not 0 < self.break_carry_on_days <= self.break_step_down_days:
            problems.append("need 0 < break_carry_on_days <= break_step_down_days")
        if self.hold_step_seconds < 1 or self.hold_min_seconds < 1:
            problems.append("hold seconds must be positive")
        if not 0 <= self.band_step_rep_drop < 1:
            problems.append("band_step_rep_drop must be in [0, 1)")
        if problems:
            raise ValueError("; ".join(problems))

    def rest_seconds(self, rule: DoseRule) -> int:
        return {
            DoseRule.ONE_SET_TO_FAILURE: self.rest_seconds_one_set_to_failure,
            DoseRule.SETS_OF_REPS: self.rest_seconds_sets_of_reps,
            DoseRule.HOLD: self.rest_seconds_hold,
        }.get(rule, 0)


DEFAULT_RULES = ProgressionRules()


# -------------------------------------------------------------------------- outputs


class ChangeCode(StrEnum):
    """Why the prescription is what it is; the reason text says it in words."""

    FIRST_SESSION = "first_session"
    STEP_UP = "step_up"
    STEP_DOWN_LOW_REPS = "step_down_low_reps"
    STEP_DOWN_PAIN = "step_down_pain"  # pain above 5 in a set, or higher after training
    HOLD_PAIN = "hold_pain"  # pain 4-5 (or above 5 in a check-in): keep the load
    BREAK_SHORT = "break_short"
    BREAK_LONG = "break_long"
    RED_FLAG_PAUSE = "red_flag_pause"
    HOLD_LONGER = "hold_longer"
    HARDER_VARIANT = "harder_variant"  # hold at its cap, or body weight with nothing to add
    TOP_OF_SCALE = "top_of_scale"  # the strongest band or heaviest weight: keep it
    ESTIMATED_MAX = "estimated_max"  # weight picked at ≈ 70 % of an Epley 1RM estimate
    OVERRIDE = "override"
    NO_CHANGE = "no_change"


@dataclass(frozen=True)
class Change:
    code: ChangeCode
    direction: int  # -1 lighter/shorter, 0 same, +1 heavier/longer (vs the last session)
    reason: Text


@dataclass(frozen=True)
class Prescription:
    exercise: str  # slug
    rule: str  # one-set-to-failure | sets-of-reps | hold
    sets: int
    reps_min: int | None
    reps_max: int | None
    target_reps: int | None  # e.g. after a break: stop 2 reps short
    hold_seconds: int | None
    rest_seconds: int
    band_position: int | None
    load_kg: float | None
    change: Change
    preview: Text | None  # what it takes to change next time
    paused: bool  # a red flag: stop and see a doctor; progression waits
    band: BandLevelView | None = None  # the band at band_position
    estimated_max_kg: float | None = None  # the Epley estimate a reason cites
    days_since_last: int | None = None  # since the last session of this exercise


# ------------------------------------------------------------------------ load axes


class _Axis(StrEnum):
    BAND = "band"  # band positions
    WEIGHT = "weight"  # kilograms
    SECONDS = "seconds"  # hold time
    NONE = "none"  # body weight: one rung, nothing to add


@dataclass(frozen=True)
class _Ladder:
    """The rungs a load moves along, lightest first: one step is one rung."""

    axis: _Axis
    rungs: tuple[float, ...]

    @property
    def bottom(self) -> float:
        return self.rungs[0]

    @property
    def top(self) -> float:
        return self.rungs[-1]

    def has(self, value: float) -> bool:
        return any(abs(rung - value) <= _EPS for rung in self.rungs)

    def above(self, value: float) -> float | None:
        return next((rung for rung in self.rungs if rung > value + _EPS), None)

    def below(self, value: float) -> float | None:
        return next((rung for rung in reversed(self.rungs) if rung < value - _EPS), None)

    def floor(self, value: float) -> float:
        """The highest rung at or below ``value`` (the bottom rung if none is)."""
        return next((rung for rung in reversed(self.rungs) if rung <= value + _EPS), self.bottom)


def _hold_rungs(base: int, step: int, cap: int, shortest: int) -> tuple[float, ...]:
    """Hold times: the dose's seconds, ``step`` apart, from ``shortest`` up to ``cap``."""
    cap = max(cap, base)
    low = base
    while low - step >= min(shortest, base):
        low -= step
    rungs = list(range(low, cap + 1, step))
    if rungs[-1] != cap:
        rungs.append(cap)
    return tuple(float(s) for s in rungs)


# ------------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class _Plan:
    """One program item made concrete: its rule, its numbers and its load axes."""

    rule: DoseRule
    exercise: Exercise
    rules: ProgressionRules
    sets: int
    reps_min: int | None
    reps_max: int | None
    intensity_pct: int | None
    hold_start: int | None
    progress: _Ladder  # the axis progression moves along
    carried: _Ladder | None  # holds with equipment: the load held, which stays put
    bands: tuple[BandLevelView, ...]

    @property
    def in_a_row(self) -> int:
        return self.rules.sessions_in_a_row

    def start(self, ladder: _Ladder) -> float:
        """The first-session level on ``ladder``."""
        if ladder.axis is _Axis.BAND:
            keys = [band.key for band in self.bands]
            key = self.rules.start_band_key
            return float(keys.index(key)) if key in keys else ladder.bottom
        if ladder.axis is _Axis.WEIGHT:
            default = (
                self.rules.start_kg_kettlebell
                if self.exercise.equipment == "kettlebell"
                else self.rules.start_kg_dumbbell
            )
            start_kg = self.rules.start_kg_by_exercise.get(self.exercise.slug, default)
            return next((kg for kg in ladder.rungs if kg >= start_kg - _EPS), ladder.top)
        if ladder.axis is _Axis.SECONDS:
            return ladder.floor(float(self.hold_start or ladder.bottom))
        return ladder.bottom

    def name(self, value: float, ladder: _Ladder | None = None) -> Text:
        """A load in words: "rød elastik" / "the red band", "12 kg", "25 seconds"."""
        axis = (ladder or self.progress).axis
        if axis is _Axis.BAND:
            position = round(value)
            if 0 <= position < len(self.bands):
                band = self.bands[position].name
                return Text(f"{band.da} elastik", f"the {band.en} band")
            return Text(f"elastik nr. {position + 1}", f"band number {position + 1}")
        if axis is _Axis.WEIGHT:
            return Text(_kg(value, "da"), _kg(value, "en"))
        if axis is _Axis.SECONDS:
            return Text(f"{round(value)} sekunder", f"{round(value)} seconds")
        return Text("din egen kropsvægt", "your own body weight")

    def stay(self, value: float) -> Text:
        """ "bliv på rød elastik" / "stay on the red band" (lower case: mid-sentence)."""
        if self.progress.axis is _Axis.NONE:
            return Text("bliv ved med øvelsen, som den er", "keep the exercise as it is")
        name = self.name(value)
        preposition = "on" if self.progress.axis is _Axis.BAND else "at"
        return Text(f"bliv på {name.da}", f"stay {preposition} {name.en}")

    def with_(self, value: float) -> Text:
        """ " med rød elastik" / " with the red band" (empty for body weight)."""
        if self.progress.axis is _Axis.NONE:
            return Text("", "")
        name = self.name(value)
        return Text(f" med {name.da}", f" with {name.en}")

    def bottom_advice(self) -> Text:
        """What to do when one step down is asked for but there is none."""
        return {
            _Axis.BAND: Text(
                "Det er allerede den letteste elastik i jeres sæt, så bliv på den, og hold "
                "elastikken med lidt mindre stræk.",
                "It is already the lightest band in your set, so stay on it and hold the band "
                "with a little less stretch.",
            ),
            _Axis.WEIGHT: Text(
                "Det er allerede den letteste vægt, I har, så bliv på den, og tag de "
                "gentagelser, du kan med god teknik.",
                "It is already the lightest weight available, so stay at it and do the reps "
                "you can with good form.",
            ),
            _Axis.SECONDS: Text(
                "Det er allerede den korteste tid, så bliv på den, og pres lettere.",
                "It is already the shortest hold, so stay at it and press more lightly.",
            ),
            _Axis.NONE: Text(
                "Der er ingen vægt at tage af, så tag færre gentagelser, og hold bevægelsen "
                "lille og smertefri.",
                "There is no weight to take off, so do fewer reps and keep the movement small "
                "and pain-free.",
            ),
        }[self.progress.axis]

    def target_kg(self, one_rm: float) -> float:
        """The working weight for sets of reps: the dose's share of 1RM, or else the
        ``reps_max``-repetition maximum (12 reps ≈ 70 % of 1RM)."""
        if self.intensity_pct:
            return one_rm * self.intensity_pct / 100
        return load_for_reps(one_rm, self.reps_max or self.rules.sets_reps_max)

    @property
    def aimed_pct(self) -> int:
        if self.intensity_pct:
            return self.intensity_pct
        return round(100 * load_for_reps(1.0, self.reps_max or self.rules.sets_reps_max))

    def reached_top(self, session: _Session) -> bool:
        """One set: at least reps_max. Sets of reps: ``sets`` sets at reps_max or more."""
        assert self.reps_max is not None
        if self.rule is DoseRule.ONE_SET_TO_FAILURE:
            return bool(session.reps) and session.reps[0] >= self.reps_max
        return sum(r >= self.reps_max for r in session.reps) >= self.sets

    def fell_short(self, session: _Session) -> bool:
        """Even the best set stayed under reps_min."""
        assert self.reps_min is not None
        return bool(session.reps) and session.reps[0] < self.reps_min


def _plan(
    item: ProgramItem, exercise: Exercise, scale: LoadScale, rules: ProgressionRules
) -> _Plan:
    if item.rule is DoseRule.CARDIO:
        raise ValueError("cardio items have no progression; prescribe exercises only")
    mismatch = rule_mismatch(item.rule, kind=exercise.kind, equipment=exercise.equipment)
    if mismatch:
        raise ValueError(f"{exercise.slug}: {mismatch}")
    dose: Dose = item.dose or exercise.default_dose
    bands = scale.band_levels or band_levels()
    load: _Ladder | None = None
    if exercise.equipment == "band":
        load = _Ladder(_Axis.BAND, tuple(float(p) for p in range(len(bands))))
    elif exercise.equipment in ("dumbbell", "kettlebell"):
        weights = available(scale.weights_kg) or standard_weights(exercise.equipment)
        load = _Ladder(_Axis.WEIGHT, weights)
    reps_min = reps_max = hold_start = None
    carried: _Ladder | None = None
    if item.rule is DoseRule.HOLD:
        hold_start = dose.seconds or rules.hold_min_seconds
        cap = dose.max_seconds or max(rules.hold_max_seconds, hold_start)
        step = dose.step_seconds or rules.hold_step_seconds
        progress = _Ladder(
            _Axis.SECONDS, _hold_rungs(hold_start, step, cap, rules.hold_min_seconds)
        )
        carried = load
    else:
        failure = item.rule is DoseRule.ONE_SET_TO_FAILURE
        reps_min = dose.reps_min or (rules.failure_reps_min if failure else rules.sets_reps_min)
        reps_max = dose.reps_max or (rules.failure_reps_max if failure else rules.sets_reps_max)
        progress = load or _Ladder(_Axis.NONE, (0.0,))
    return _Plan(
        rule=item.rule,
        exercise=exercise,
        rules=rules,
        sets=dose.sets,
        reps_min=reps_min,
        reps_max=reps_max,
        intensity_pct=dose.intensity_pct,
        hold_start=hold_start,
        progress=progress,
        carried=carried,
        bands=bands,
    )


# -------------------------------------------------------------- reading the history


@dataclass(frozen=True)
class _Session:
    """One day's sets of the exercise, reduced to what the rules look at."""

    day: date
    level: float | None  # on the progression axis (the heaviest load used that day)
    reps: tuple[int, ...]  # reps of the sets at that level, most first
    held: int | None  # holds: the shortest hold of the day's sets
    pain: int | None  # the highest pain reported during a set
    carried: float | None  # holds with equipment: the load held


def _load_of(ladder: _Ladder, logged: LoggedSet) -> float | None:
    if ladder.axis is _Axis.BAND and logged.band_position is not None:
        return float(min(max(logged.band_position, 0), len(ladder.rungs) - 1))
    if ladder.axis is _Axis.WEIGHT and logged.load_kg is not None and logged.load_kg > 0:
        return float(logged.load_kg)
    return None


def _read_session(plan: _Plan, day: date, sets: Sequence[LoggedSet]) -> _Session:
    pains = [s.pain for s in sets if s.pain is not None]
    pain = max(pains) if pains else None
    if plan.rule is DoseRule.HOLD:
        holds = [s.hold_seconds for s in sets if s.hold_seconds is not None and s.hold_seconds >= 0]
        held = min(holds) if holds else None
        carried = None
        if plan.carried is not None:
            loads = [x for s in sets if (x := _load_of(plan.carried, s)) is not None]
            carried = max(loads) if loads else None
        level = plan.progress.floor(held) if held is not None else None
        return _Session(day, level, (), held, pain, carried)
    if plan.progress.axis is _Axis.NONE:
        level: float | None = 0.0
        working = list(sets)
    else:
        loaded = [(x, s) for s in sets if (x := _load_of(plan.progress, s)) is not None]
        level = max((x for x, _ in loaded), default=None)
        working = [s for x, s in loaded if level is not None and abs(x - level) <= _EPS]
    reps = tuple(
        sorted((s.reps for s in working if s.reps is not None and s.reps >= 0), reverse=True)
    )
    return _Session(day, level, reps, None, pain, None)


def _sessions(plan: _Plan, history: Sequence[LoggedSet], today: date) -> tuple[_Session, ...]:
    by_day: dict[date, list[LoggedSet]] = {}
    for logged in history:
        if logged.day < today:
            by_day.setdefault(logged.day, []).append(logged)
    return tuple(_read_session(plan, day, by_day[day]) for day in sorted(by_day))


@dataclass(frozen=True)
class _CheckInDay:
    """All check-ins of one day merged: the highest pain per region, any flag."""

    day: date
    pain: Mapping[str, int]
    soreness: bool
    red_flag: bool

    def worst(self) -> tuple[str, int] | None:
        """The region with the highest pain; on a tie, the first by name."""
        return max(sorted(self.pain.items()), key=lambda pair: pair[1], default=None)


def _checkin_days(checkins: Sequence[CheckIn], today: date) -> tuple[_CheckInDay, ...]:
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
        _CheckInDay(day, MappingProxyType(pain), any(soreness), any(red_flag))
        for day, (pain, soreness, red_flag) in sorted(merged.items())
    )


# ------------------------------------------------------------------- the decision


@dataclass(frozen=True)
class _Decision:
    value: float  # on the progression axis
    code: ChangeCode
    reason: Text
    target_reps: int | None = None
    estimated_max: float | None = None


@dataclass(frozen=True)
class _PainHold:
    """Pain that forbids a step up: where it was reported and how high."""

    source: str  # "set" (last session, 4-5), "checkin" (above 5), "earlier" (a streak session)
    value: int
    region: str | None = None


class _Coach:
    """The facts of one exercise's history, and the rules applied to them in order."""

    def __init__(
        self,
        plan: _Plan,
        sessions: tuple[_Session, ...],
        days: tuple[_CheckInDay, ...],
        today: date,
        override: Override | None,
    ) -> None:
        self.plan = plan
        self.rules = plan.rules
        self.ladder = plan.progress
        self.sessions = sessions
        self.today = today
        self.override = override
        known = [s for s in sessions if s.level is not None]
        self.level_session = known[-1] if known else None
        self.level = known[-1].level if known else None
        self.last = sessions[-1] if sessions else None
        self.days_since = (today - self.last.day).days if self.last else None
        self.latest_checkin = days[-1] if days else None
        self.days = days

    # -- facts

    @property
    def red_flag_days_ago(self) -> int | None:
        """Days since the red flag that pauses progression (None: not paused)."""
        latest = self.latest_checkin
        if latest is None or not latest.red_flag:
            return None
        ago = (self.today - latest.day).days
        return ago if ago <= self.rules.red_flag_days else None

    def run(self, ok: Callable[[_Session], bool]) -> int:
        """How many of the latest sessions in a row pass ``ok``, with no break between."""
        count = 0
        later: date | None = None
        for session in reversed(self.sessions):
            if later is not None and (later - session.day).days >= self.rules.break_carry_on_days:
                break
            if not ok(session):
                break
            count += 1
            later = session.day
        return count

    def at_level(self, ok: Callable[[_Session], bool]) -> Callable[[_Session], bool]:
        level = self.level
        return lambda s: (
            s.level is not None and level is not None and abs(s.level - level) <= _EPS and ok(s)
        )

    def streak(self) -> tuple[_Session, ...] | None:
        """The last sessions in a row that earn a step up, if there are enough."""
        n = self.plan.in_a_row
        if self.plan.rule is DoseRule.HOLD:
            level = self.level

            def held(s: _Session) -> bool:
                return s.level is not None and level is not None and s.level >= level - _EPS

            return self.sessions[-n:] if self.run(held) >= n else None
        return self.sessions[-n:] if self.run(self.at_level(self.plan.reached_top)) >= n else None

    def short_streak(self) -> tuple[_Session, ...] | None:
        """The last sessions in a row whose reps fell short of the range, if enough."""
        if self.plan.rule is DoseRule.HOLD:
            return None
        n = self.plan.in_a_row
        return self.sessions[-n:] if self.run(self.at_level(self.plan.fell_short)) >= n else None

    def checkin_pain(self) -> tuple[str, int] | None:
        """Pain above pain_keep_max in any region of the latest check-in."""
        if self.latest_checkin is None:
            return None
        worst = self.latest_checkin.worst()
        return worst if worst and worst[1] > self.rules.pain_keep_max else None

    def pain_hold(self, streak: tuple[_Session, ...] | None) -> _PainHold | None:
        """Pain that says "keep the load": 4-5 last time, a check-in above 5, or pain
        above 3 in a session of the streak that would otherwise earn a step up."""
        rules = self.rules
        last_pain = self.last.pain if self.last else None
        if last_pain is not None and rules.pain_fine_max < last_pain <= rules.pain_keep_max:
            return _PainHold("set", last_pain)
        checkin = self.checkin_pain()
        if checkin:
            return _PainHold("checkin", checkin[1], checkin[0])
        if streak:
            worst = max((s.pain for s in streak if s.pain is not None), default=None)
            if worst is not None and worst > rules.pain_fine_max:
                return _PainHold("earlier", worst)
        return None

    def pain_rise(self) -> tuple[str, int, int] | None:
        """(region, before, after): pain higher after the last session than before it,
        in a region the exercise trains."""
        if self.last is None:
            return None
        session_day = self.last.day
        after = next(
            (
                d
                for d in self.days
                if 0 < (d.day - session_day).days <= self.rules.next_day_within_days
            ),
            None,
        )
        before = next(
            (
                d
                for d in reversed(self.days)
                if 0 <= (session_day - d.day).days <= self.rules.baseline_within_days
            ),
            None,
        )
        if after is None or before is None:
            return None
        trained = set(self.plan.exercise.regions)
        rises = [
            (after.pain[region] - before.pain[region], region)
            for region in sorted(set(after.pain) & set(before.pain))
            if trained & set(CHECKIN_REGION_COVERS.get(region, (region,)))
        ]
        rise = max(rises, key=lambda pair: pair[0], default=None)
        if rise is None or rise[0] < self.rules.pain_rise_min:
            return None
        region = rise[1]
        return region, before.pain[region], after.pain[region]

    def override_in_force(self) -> bool:
        """The override applies to this session: made by today and not used yet."""
        override = self.override
        return (
            override is not None
            and override.day <= self.today
            and not any(s.day >= override.day for s in self.sessions)
        )

    def override_was_last(self) -> bool:
        """The last session was the one an override set the load of."""
        override = self.override
        if override is None or self.last is None:
            return False
        used = next((s for s in self.sessions if s.day >= override.day), None)
        return used is self.last

    # -- moves along the ladder

    def estimate(self) -> float | None:
        """Epley 1RM from the best set at the last logged weight."""
        session = self.level_session
        if self.ladder.axis is not _Axis.WEIGHT or session is None or not session.reps:
            return None
        assert session.level is not None
        return epley_1rm(session.level, session.reps[0])

    def keep(self, allow_up: bool) -> tuple[float, float | None]:
        """The last level; if it is not on the scale (a weight the workplace does not
        have), the neighbour closest to ≈ 70 % of the Epley estimate. Returns the level
        and the estimate it used."""
        level = self.level
        assert level is not None
        if self.ladder.has(level):
            return level, None
        options = [
            x
            for x in (self.ladder.below(level), self.ladder.above(level) if allow_up else None)
            if x is not None
        ]
        if not options:
            return level, None
        one_rm = self.estimate()
        aim = self.plan.target_kg(one_rm) if one_rm is not None else level
        return min(options, key=lambda x: (abs(x - aim), x)), one_rm

    def down(self) -> float:
        assert self.level is not None
        below = self.ladder.below(self.level)
        return below if below is not None else self.keep(allow_up=False)[0]

    # -- the rules, in order

    def decide(self) -> _Decision:
        if self.level is None:
            return self.first_session()
        paused = self.red_flag_days_ago is not None
        long_break = (
            self.days_since is not None and self.days_since > self.rules.break_step_down_days
        )
        last_pain = self.last.pain if self.last else None
        set_pain = last_pain is not None and last_pain > self.rules.pain_keep_max
        rise = self.pain_rise()
        if paused:
            value = self.down() if (long_break or set_pain or rise) else self.keep(False)[0]
            return _Decision(value, ChangeCode.RED_FLAG_PAUSE, self.red_flag_text(value))
        if long_break:
            return self.stepped_down(ChangeCode.BREAK_LONG, self.break_long_text())
        if set_pain:
            assert last_pain is not None
            return self.stepped_down(
                ChangeCode.STEP_DOWN_PAIN, _set_pain_text(self.rules, last_pain)
            )
        if rise:
            return self.stepped_down(ChangeCode.STEP_DOWN_PAIN, _rise_text(*rise))
        streak = self.streak()
        hold = self.pain_hold(streak)
        if self.days_since is not None and self.days_since >= self.rules.break_carry_on_days:
            return self.short_break(allow_up=hold is None)
        refit = self.refit_after_override(allow_up=hold is None)
        if refit:
            return refit
        short = self.short_streak()
        if short:
            return self.stepped_down(ChangeCode.STEP_DOWN_LOW_REPS, self.did_too_few(short))
        if streak and hold is None:
            return self.step_up(streak)
        if hold:
            blocked = streak is not None and self.ladder.above(self.level) is not None
            return self.kept(ChangeCode.HOLD_PAIN, self.pain_hold_text(hold, blocked), False)
        return self.no_change()

    def first_session(self) -> _Decision:
        plan = self.plan
        value = plan.start(self.ladder)
        if self.red_flag_days_ago is not None:
            return _Decision(value, ChangeCode.RED_FLAG_PAUSE, self.red_flag_text(value))
        if not self.sessions:
            opening = Text("Første gang:", "First time:")
        else:
            what = {
                _Axis.BAND: Text("nogen elastik", "No band"),
                _Axis.WEIGHT: Text("nogen vægt", "No weight"),
                _Axis.SECONDS: Text("nogen tid", "No hold time"),
                _Axis.NONE: Text("noget", "Nothing"),
            }[self.ladder.axis]
            opening = Text(
                f"Der er endnu ikke logget {what.da} til øvelsen:",
                f"{what.en} is logged for this exercise yet:",
            )
        name = plan.name(value)
        start = Text("", "")
        if self.ladder.axis is _Axis.BAND:
            key = plan.bands[round(value)].key
            if key == plan.rules.start_band_key:
                start = Text(f"start med {name.da}.", f"start with {name.en}.")
                if key == "red":
                    start = _join(
                        start,
                        Text(
                            "I de danske forsøg startede kvinder på rød og mænd på grøn; vi "
                            "starter alle på rød, den letteste af de to.",
                            "In the Danish trials women began on red and men on green; we "
                            "start everyone on red, the lighter of the two.",
                        ),
                    )
            else:
                start = Text(
                    f"start med {name.da}, den letteste elastik i jeres sæt.",
                    f"start with {name.en}, the lightest band in your set.",
                )
        elif self.ladder.axis is _Axis.WEIGHT:
            start = Text(
                f"start med {name.da}, en let vægt, så du kan lære bevægelsen.",
                f"start with {name.en}, a light weight to learn the movement.",
            )
        dose = self.dose_text(value)
        if not start.en:
            dose = Text(_lower_first(dose.da), _lower_first(dose.en))
        return _Decision(value, ChangeCode.FIRST_SESSION, _join(opening, start, dose))

    def dose_text(self, value: float) -> Text:
        plan = self.plan
        rest = self.rules.rest_seconds(plan.rule)
        if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
            return Text(
                f"Tag ét sæt med så mange gode gentagelser, du kan; sigt efter "
                f"{plan.reps_min}–{plan.reps_max}.",
                f"Do one set of as many good reps as you can; aim for "
                f"{plan.reps_min}–{plan.reps_max}.",
            )
        if plan.rule is DoseRule.SETS_OF_REPS:
            return Text(
                f"Tag {plan.sets} sæt af {plan.reps_min}–{plan.reps_max} gentagelser"
                + (f" med {rest} sekunders pause imellem." if rest else "."),
                f"Do {plan.sets} sets of {plan.reps_min}–{plan.reps_max} reps"
                + (f", with {rest} seconds' rest between them." if rest else "."),
            )
        held = plan.name(value)
        carried = self.carried_value()
        load = plan.name(carried, plan.carried) if carried is not None and plan.carried else None
        return Text(
            f"Hold i {held.da}, {plan.sets} gange" + (f", med {load.da}." if load else "."),
            f"Hold for {held.en}, {plan.sets} times" + (f", with {load.en}." if load else "."),
        )

    def carried_value(self) -> float | None:
        """Holds with equipment: the load last held (on the scale), else the start load."""
        ladder = self.plan.carried
        if ladder is None:
            return None
        logged = next((s.carried for s in reversed(self.sessions) if s.carried is not None), None)
        if logged is None:
            return self.plan.start(ladder)
        if ladder.axis is _Axis.WEIGHT:
            return nearest_weight(ladder.rungs, logged)
        return logged

    def stepped_down(self, code: ChangeCode, why: Text) -> _Decision:
        value = self.down()
        assert self.level is not None
        target = None
        if value < self.level - _EPS:
            name = self.plan.name(value)
            text = Text(f"{why.da} – næste gang: {name.da}.", f"{why.en} — next: {name.en}.")
        else:
            text = _join(Text(f"{why.da}.", f"{why.en}."), self.plan.bottom_advice())
            if code is ChangeCode.STEP_DOWN_PAIN:
                text = _join(
                    text, Text("Stop, hvis smerten kommer igen.", "Stop if the pain comes back.")
                )
            if self.ladder.axis is _Axis.NONE:
                target = self.plan.reps_min
        return _Decision(value, code, text, target_reps=target)

    def kept(
        self, code: ChangeCode, text: Text, allow_up: bool, target: int | None = None
    ) -> _Decision:
        value, one_rm = self.keep(allow_up)
        assert self.level is not None
        if not self.ladder.has(self.level) and value != self.level:
            old, new = self.plan.name(self.level), self.plan.name(value)
            text = _join(
                text,
                Text(
                    f"({old.da} findes ikke her; nærmeste: {new.da}.)",
                    f"({old.en} is not among the weights here; nearest: {new.en}.)",
                ),
            )
        return _Decision(value, code, text, target_reps=target, estimated_max=one_rm)

    def short_break(self, allow_up: bool) -> _Decision:
        plan, days = self.plan, self.days_since
        assert self.level is not None
        opening = Text(
            f"Det er {days} dage siden, du sidst lavede øvelsen.",
            f"It has been {days} days since you last did this exercise.",
        )
        stay = plan.stay(self.keep(allow_up)[0])
        short = self.rules.break_reps_short
        if plan.rule is DoseRule.HOLD:
            return self.kept(
                ChangeCode.BREAK_SHORT,
                _join(
                    opening,
                    Text(
                        f"{_upper_first(stay.da)}, og stop tidligere denne første gang, hvis det "
                        "føles hårdt.",
                        f"{_upper_first(stay.en)} and stop early this first time if it feels hard.",
                    ),
                ),
                allow_up,
            )
        assert plan.reps_max is not None
        session = self.level_session
        best = session.reps[0] if session and session.reps else plan.reps_max
        target = max(1, min(best, plan.reps_max) - short)
        if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
            advice = Text(
                f"{_upper_first(stay.da)}, og stop denne første gang cirka {short} gentagelser, "
                f"før du ikke kan mere: omkring {target} gentagelser.",
                f"{_upper_first(stay.en)}, and this first time stop about {short} reps before "
                f"you can't do another: around {target} reps.",
            )
        else:
            advice = Text(
                f"{_upper_first(stay.da)}, og tag denne første gang {target} gentagelser pr. "
                f"sæt – stop {short}, før du ikke kan mere.",
                f"{_upper_first(stay.en)}, and this first time do {target} reps per set — stop "
                f"{short} short of what you could do.",
            )
        return self.kept(ChangeCode.BREAK_SHORT, _join(opening, advice), allow_up, target)

    def refit_after_override(self, allow_up: bool) -> _Decision | None:
        """After a session at a weight the person chose, pick the next weight from that
        one session: the available weight within one step closest to ≈ 70 % of the
        Epley estimate (the usual two-in-a-row rule has nothing to compare it with)."""
        override = self.override
        if (
            self.ladder.axis is not _Axis.WEIGHT
            or override is None
            or override.load_kg is None
            or not self.override_was_last()
            or self.level_session is not self.last
        ):
            return None
        one_rm = self.estimate()
        level = self.level
        if one_rm is None or level is None:
            return None
        options = [
            x
            for x in (
                self.ladder.below(level),
                level if self.ladder.has(level) else None,
                self.ladder.above(level) if allow_up else None,
            )
            if x is not None
        ]
        if not options:
            return None
        aim = self.plan.target_kg(one_rm)
        value = min(options, key=lambda x: (abs(x - aim), x))
        assert self.last is not None
        old, new = self.plan.name(level), self.plan.name(value)
        reps = self.last.reps
        pct = round(100 * value / one_rm)
        aimed = self.plan.aimed_pct
        text = Text(
            f"Sidste gang valgte du selv {old.da} og tog {_listing(reps, 'da')} gentagelser. "
            f"Det giver et anslået maksimum på omkring {_kg(one_rm, 'da')} (Epley), og "
            f"{new.da} er cirka {pct} % af det, tættest på de {aimed} %, vi sigter efter – "
            f"næste gang: {new.da}.",
            f"Last time you chose {old.en} yourself and did {_listing(reps, 'en')} reps. That "
            f"gives an estimated max of about {_kg(one_rm, 'en')} (Epley), and {new.en} is "
            f"about {pct} % of it, the closest to the {aimed} % we aim for — next: {new.en}.",
        )
        return _Decision(value, ChangeCode.ESTIMATED_MAX, text, estimated_max=one_rm)

    def step_up(self, streak: tuple[_Session, ...]) -> _Decision:
        plan = self.plan
        level = self.level
        assert level is not None
        above = self.ladder.above(level)
        if plan.rule is DoseRule.HOLD:
            now = plan.name(level)
            n = _count(len(streak))
            if above is None:
                return self.kept(
                    ChangeCode.HARDER_VARIANT,
                    Text(
                        f"Du holdt {now.da} i alle sæt {n.da}, det længste, programmet beder "
                        f"om. Bliv på {now.da}, og spørg jeres tovholder om en sværere variant "
                        "i stedet for at holde længere.",
                        f"You held {now.en} in every set {n.en}, the longest this program asks "
                        f"for. Stay at {now.en} and ask your key person about a harder variant "
                        "instead of holding longer.",
                    ),
                    False,
                )
            new = plan.name(above)
            step = round(above - level)
            return _Decision(
                above,
                ChangeCode.HOLD_LONGER,
                Text(
                    f"Du holdt mindst {now.da} i alle sæt {n.da} – næste gang: {new.da} (+{step}).",
                    f"You held at least {now.en} in every set {n.en} — next: {new.en} (+{step}).",
                ),
            )
        did = self.did_enough(streak)
        if above is None:
            did = Text(f"{did.da}.", f"{did.en}.")
            return self.kept(self.top_code(), _join(did, self.top_text(level)), False)
        new = plan.name(above)
        if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
            drop = self.rules.band_step_rep_drop
            expect = _round_half_up(streak[-1].reps[0] * (1 - drop))
            then = Text(
                f" – næste gang: {new.da}. Regn med cirka {round(drop * 100)} % færre "
                f"gentagelser med den (omkring {expect}).",
                f" — next: {new.en}. Expect about {round(drop * 100)} % fewer reps with it "
                f"(around {expect}).",
            )
        elif self.ladder.axis is _Axis.WEIGHT:
            step = Text(_kg(above - level, "da"), _kg(above - level, "en"))
            then = Text(
                f" – næste gang: {new.da}, det mindste trin op (+{step.da}).",
                f" — next: {new.en}, the smallest step up (+{step.en}).",
            )
        else:
            then = Text(f" – næste gang: {new.da}.", f" — next: {new.en}.")
        return _Decision(above, ChangeCode.STEP_UP, Text(did.da + then.da, did.en + then.en))

    def top_code(self) -> ChangeCode:
        return (
            ChangeCode.HARDER_VARIANT if self.ladder.axis is _Axis.NONE else ChangeCode.TOP_OF_SCALE
        )

    def top_text(self, level: float) -> Text:
        axis = self.ladder.axis
        if axis is _Axis.BAND:
            return Text(
                "Det er den stærkeste elastik i jeres sæt, så bliv på den. Næste trin ville "
                "være en dobbelt elastik (cirka dobbelt så hård) eller et sæt stærkere "
                "elastikker.",
                "It is the strongest band in your set, so stay on it. The next step would be a "
                "doubled band (about twice the pull) or a stronger band set.",
            )
        if axis is _Axis.WEIGHT:
            noun = _EQUIPMENT_NOUNS.get(self.plan.exercise.equipment, Text("vægt", "weight"))
            name = self.plan.name(level)
            return Text(
                f"{name.da} er den tungeste {noun.da}, I har, så bliv på den. Næste trin ville "
                f"være en tungere {noun.da}, end I har, eller en sværere variant.",
                f"{name.en} is the heaviest {noun.en} available, so stay at it. The next step "
                f"would be a heavier {noun.en} than you have, or a harder variant.",
            )
        return Text(
            "Der er ingen vægt at lægge på, så spørg jeres tovholder om en sværere variant, "
            "eller sænk dig langsommere (cirka 3 sekunder ned).",
            "There is no weight to add, so ask your key person about a harder variant, or "
            "lower yourself more slowly (about 3 seconds down).",
        )

    def did_enough(self, streak: tuple[_Session, ...]) -> Text:
        plan = self.plan
        assert self.level is not None
        w, n = plan.with_(self.level), _count(len(streak))
        if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
            reps = [s.reps[0] for s in streak]
            return Text(
                f"Du tog {_listing(reps, 'da')} gentagelser{w.da} {n.da}",
                f"You did {_listing(reps, 'en')} reps{w.en} {n.en}",
            )
        return Text(
            f"Du tog mindst {plan.reps_max} gentagelser i alle {plan.sets} sæt{w.da} {n.da}",
            f"You did {plan.reps_max} reps or more in all {plan.sets} sets{w.en} {n.en}",
        )

    def did_too_few(self, streak: tuple[_Session, ...]) -> Text:
        plan = self.plan
        assert self.level is not None
        w, n = plan.with_(self.level), _count(len(streak))
        reps = [s.reps[0] for s in streak]
        if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
            return Text(
                f"Du tog {_listing(reps, 'da')} gentagelser{w.da} {n.da}, under de "
                f"{plan.reps_min}, vi sigter efter",
                f"You did {_listing(reps, 'en')} reps{w.en} {n.en}, under the {plan.reps_min} "
                "we aim for",
            )
        return Text(
            f"Dit bedste sæt{w.da} var på {_listing(reps, 'da')} gentagelser {n.da}, under de "
            f"{plan.reps_min}, vi sigter efter",
            f"Your best set{w.en} had {_listing(reps, 'en')} reps {n.en}, under the "
            f"{plan.reps_min} we aim for",
        )

    def pain_hold_text(self, hold: _PainHold, blocked: bool) -> Text:
        assert self.level is not None
        stay = self.plan.stay(self.keep(False)[0])
        rules = self.rules
        but = (
            Text(
                ", selv om du ellers har fortjent et trin op",
                " even though you have earned a step up",
            )
            if blocked
            else Text("", "")
        )
        if hold.source == "set":
            return Text(
                f"Du angav smerte på {hold.value} ud af 10 under øvelsen sidste gang. Ved "
                f"{rules.pain_fine_max + 1}–{rules.pain_keep_max} holder vi belastningen, så "
                f"{stay.da}{but.da}.",
                f"You reported pain of {hold.value} out of 10 during this exercise last time. At "
                f"{rules.pain_fine_max + 1}–{rules.pain_keep_max} we keep the load, so "
                f"{stay.en}{but.en}.",
            )
        if hold.source == "checkin":
            where = _REGION_PHRASES.get(
                hold.region or "", Text(f"({hold.region})", f"({hold.region})")
            )
            return Text(
                f"Du angav smerte på {hold.value} ud af 10 {where.da} i dit seneste tjek-ind, så "
                f"vi gør det ikke tungere: {stay.da}{but.da}.",
                f"You reported pain of {hold.value} out of 10 {where.en} in your latest check-in, "
                f"so we don't make it heavier: {stay.en}{but.en}.",
            )
        n = _count(self.plan.in_a_row)
        return Text(
            f"Du angav smerte på {hold.value} ud af 10 i en af træningerne {n.da}, så vi gør "
            f"det ikke tungere endnu: {stay.da}{but.da}.",
            f"You reported pain of {hold.value} out of 10 in one of the sessions {n.en}, so we "
            f"don't make it heavier yet: {stay.en}{but.en}.",
        )

    def no_change(self) -> _Decision:
        plan, session = self.plan, self.level_session
        assert self.level is not None and session is not None
        value, one_rm = self.keep(allow_up=True)
        if not self.ladder.has(self.level) and value != self.level:
            return self.fitted_to_scale(value, one_rm)
        stay = plan.stay(value)
        if plan.rule is DoseRule.HOLD:
            now = plan.name(self.level)
            return _Decision(
                value,
                ChangeCode.NO_CHANGE,
                Text(
                    f"Sidste gang holdt du mindst {now.da} i alle sæt. {_upper_first(stay.da)}.",
                    f"Last time you held at least {now.en} in every set. {_upper_first(stay.en)}.",
                ),
            )
        if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
            aim = Text(f"{plan.reps_min}–{plan.reps_max}", f"{plan.reps_min}–{plan.reps_max}")
        else:
            aim = Text(
                f"{plan.sets} sæt af {plan.reps_min}–{plan.reps_max}",
                f"{plan.sets} sets of {plan.reps_min}–{plan.reps_max}",
            )
        advice = Text(
            f"{_upper_first(stay.da)}, og sigt efter {aim.da}.",
            f"{_upper_first(stay.en)} and aim for {aim.en}.",
        )
        if session.reps:
            w = plan.with_(self.level)
            did = Text(
                f"Sidste gang tog du {_listing(session.reps, 'da')} gentagelser{w.da}.",
                f"Last time you did {_listing(session.reps, 'en')} reps{w.en}.",
            )
            advice = _join(did, advice)
        return _Decision(value, ChangeCode.NO_CHANGE, advice)

    def fitted_to_scale(self, value: float, one_rm: float | None) -> _Decision:
        assert self.level is not None and self.level_session is not None
        old, new = self.plan.name(self.level), self.plan.name(value)
        if one_rm is None:
            text = Text(
                f"Du brugte {old.da} sidste gang, og den vægt findes ikke her; den nærmeste er "
                f"{new.da}.",
                f"You used {old.en} last time, which is not among the weights here; the nearest "
                f"is {new.en}.",
            )
        else:
            reps = self.level_session.reps[0]
            pct = round(100 * value / one_rm)
            aimed = self.plan.aimed_pct
            text = Text(
                f"Du brugte {old.da} sidste gang, og den vægt findes ikke her. Med {reps} "
                f"gentagelser giver det et anslået maksimum på omkring {_kg(one_rm, 'da')} "
                f"(Epley); {new.da} er cirka {pct} % af det, tættest på de {aimed} %, vi sigter "
                f"efter – næste gang: {new.da}.",
                f"You used {old.en} last time, which is not among the weights here. With {reps} "
                f"reps that gives an estimated max of about {_kg(one_rm, 'en')} (Epley); "
                f"{new.en} is about {pct} % of it, the closest to the {aimed} % we aim for — "
                f"next: {new.en}.",
            )
        return _Decision(value, ChangeCode.ESTIMATED_MAX, text, estimated_max=one_rm)

    def break_long_text(self) -> Text:
        limit = self.rules.break_step_down_days
        return Text(
            f"Det er {self.days_since} dage siden, du sidst lavede øvelsen, mere end {limit}, så "
            "vi starter et trin lavere",
            f"It has been {self.days_since} days since you last did this exercise, more than "
            f"{limit}, so we start one step lower",
        )

    def red_flag_text(self, value: float) -> Text:
        ago = self.red_flag_days_ago
        when = {0: Text("i dag", "today"), 1: Text("i går", "yesterday")}.get(
            ago or 0, Text(f"for {ago} dage siden", f"{ago} days ago")
        )
        text = Text(
            f"Du angav et faresignal i dit tjek-ind {when.da}, fx ny følelsesløshed, prikken "
            "eller svaghed i armene, en skade, feber eller vægttab eller smerter, der er blevet "
            "værre over flere uger. Stop øvelsen indtil videre, og kontakt din læge. Vi har sat "
            "din progression på pause.",
            f"You reported a warning sign in your check-in {when.en}, such as new numbness, "
            "tingling or weakness in your arms, an injury, fever or weight loss, or pain that "
            "has got worse over weeks. Stop this exercise for now and contact your doctor. Your "
            "progression is paused.",
        )
        if self.ladder.axis is _Axis.NONE:
            return text
        name = self.plan.name(value)
        return _join(
            text,
            Text(
                f"Når du må træne igen, så start med {name.da}.",
                f"When you may train again, start with {name.en}.",
            ),
        )

    # -- what it takes to change next time

    def preview(self, value: float) -> Text | None:
        plan, ladder = self.plan, self.ladder
        n = plan.in_a_row
        same_as_last = self.level is not None and abs(value - self.level) <= _EPS
        fresh = self.days_since is None or self.days_since < self.rules.break_carry_on_days
        fine = self.rules.pain_fine_max

        def pain_free(ok: Callable[[_Session], bool]) -> Callable[[_Session], bool]:
            return lambda s: (s.pain is None or s.pain <= fine) and ok(s)

        if plan.rule is DoseRule.HOLD:
            longer = ladder.above(value)
            if longer is None:
                return None
            now, new = plan.name(value), plan.name(longer)
            held = pain_free(lambda s: s.level is not None and s.level >= value - _EPS)
            if same_as_last and fresh and self.run(held) >= n - 1:
                return Text(
                    f"Hold {now.da} i alle sæt igen → {new.da} næste gang.",
                    f"Hold {now.en} in every set again → {new.en} next time.",
                )
            times = _count(n, ago=False)
            return Text(
                f"Hold {now.da} i alle sæt {times.da} i træk → {new.da}.",
                f"Hold {now.en} in every set {times.en} in a row → {new.en}.",
            )
        assert plan.reps_min is not None and plan.reps_max is not None
        w = plan.with_(value)
        session = self.level_session if same_as_last else None
        lighter = ladder.below(value)
        if (
            session is not None
            and fresh
            and lighter is not None
            and plan.fell_short(session)
            and self.run(self.at_level(plan.fell_short)) >= n - 1
        ):
            back = plan.name(lighter)
            return Text(
                f"Under {plan.reps_min} gentagelser igen{w.da} → tilbage til {back.da} næste gang.",
                f"Under {plan.reps_min} reps again{w.en} → back to {back.en} next time.",
            )
        heavier = ladder.above(value)
        if heavier is None:
            return None
        new = plan.name(heavier)
        one_set = plan.rule is DoseRule.ONE_SET_TO_FAILURE
        goal = (
            Text(f"{plan.reps_max} gentagelser eller flere", f"{plan.reps_max} reps or more")
            if one_set
            else Text(
                f"{plan.reps_max} gentagelser i alle {plan.sets} sæt",
                f"{plan.reps_max} reps in all {plan.sets} sets",
            )
        )
        if (
            session is not None
            and fresh
            and self.run(self.at_level(pain_free(plan.reached_top))) >= n - 1
            and (n == 1 or plan.reached_top(session))
        ):
            return Text(
                f"{goal.da} igen{w.da} → {new.da} næste gang.",
                f"{goal.en} again{w.en} → {new.en} next time.",
            )
        times = _count(n, ago=False)
        more = Text("", "")
        if session is not None and session.reps:
            weakest = (
                session.reps[0] if one_set else session.reps[min(plan.sets, len(session.reps)) - 1]
            )
            gap = plan.reps_max - weakest
            if gap > 0 and one_set:
                more = Text(f" ({gap} flere end sidst)", f" ({gap} more than last time)")
            elif gap > 0 and len(session.reps) >= plan.sets:
                more = Text(
                    f" ({gap} flere i dit svageste sæt end sidst)",
                    f" ({gap} more in your weakest set than last time)",
                )
        return Text(
            f"Nå {goal.da} {times.da} i træk{w.da}{more.da} → {new.da}.",
            f"Reach {goal.en} {times.en} in a row{w.en}{more.en} → {new.en}.",
        )

    # -- the person's own choice

    def apply_override(self, decision: _Decision) -> tuple[_Decision, float | None]:
        """The override on top of the decision; also returns the held load it chose."""
        override = self.override
        assert override is not None
        plan, ladder = self.plan, self.ladder
        requested: float | None = None
        if ladder.axis is _Axis.BAND and override.band_position is not None:
            requested = float(override.band_position)
        elif ladder.axis is _Axis.WEIGHT and override.load_kg is not None:
            requested = float(override.load_kg)
        elif ladder.axis is _Axis.SECONDS and override.hold_seconds is not None:
            requested = float(override.hold_seconds)
        carried: float | None = None
        if plan.carried is not None:
            want = override.band_position if plan.carried.axis is _Axis.BAND else override.load_kg
            if want is not None:
                held = next(
                    (s.carried for s in reversed(self.sessions) if s.carried is not None), None
                )
                carried = _within_one_step(plan.carried, held, float(want), True)
        reps = override.reps if plan.rule is not DoseRule.HOLD else None
        if requested is None and carried is None and reps is None:
            return decision, None
        level = self.level
        allow_up = level is None or (
            decision.code
            not in (ChangeCode.STEP_DOWN_PAIN, ChangeCode.BREAK_LONG, ChangeCode.RED_FLAG_PAUSE)
            and self.pain_hold(self.streak()) is None
        )
        value = decision.value
        if requested is not None:
            value = _within_one_step(ladder, level, requested, allow_up)
        chosen = [plan.name(value)] if requested is not None else []
        if carried is not None and plan.carried is not None:
            chosen.append(plan.name(carried, plan.carried))
        if reps is not None:
            chosen.append(Text(f"{reps} gentagelser", f"{reps} reps"))
        suggestion = plan.name(decision.value)
        chose = Text(_listing([c.da for c in chosen], "da"), _listing([c.en for c in chosen], "en"))
        if requested is None:
            # Only the target (or the load held) is the person's own: the load and its
            # reason stay ours.
            text = _join(
                decision.reason,
                Text(
                    f"Du har selv valgt {chose.da} til denne træning.",
                    f"You chose {chose.en} yourself for this session.",
                ),
            )
        elif abs(value - requested) > _EPS:
            asked = plan.name(requested)
            if not allow_up and level is not None and requested > level:
                after = (
                    Text("en lang pause", "a long break")
                    if decision.code is ChangeCode.BREAK_LONG
                    else Text("smerte", "pain")
                )
                why = Text(
                    f"efter {after.da} gør vi det ikke tungere end sidst",
                    f"after {after.en} we don't make it heavier than last time",
                )
            else:
                why = Text(
                    "vi flytter højst et trin ad gangen og kun til det, I har",
                    "we move at most one step at a time and only to what is available",
                )
            text = Text(
                f"Du bad om {asked.da}, men {why.da}, så det bliver {chose.da} denne gang "
                f"(vores forslag var {suggestion.da}).",
                f"You asked for {asked.en}, but {why.en}, so it is {chose.en} this time (our "
                f"suggestion was {suggestion.en}).",
            )
        else:
            text = Text(
                f"Du har selv valgt {chose.da} til denne træning (vores forslag var "
                f"{suggestion.da}).",
                f"You chose {chose.en} yourself for this session (our suggestion was "
                f"{suggestion.en}).",
            )
        target = reps if reps is not None else decision.target_reps
        return _Decision(value, ChangeCode.OVERRIDE, text, target_reps=target), carried

    def soreness_note(self) -> Text | None:
        latest = self.latest_checkin
        if (
            latest is None
            or not latest.soreness
            or (self.today - latest.day).days > self.rules.soreness_note_days
        ):
            return None
        return Text(
            "Ømme, trætte muskler de første uger er normalt og går over på få dage.",
            "Sore, tired muscles in the first weeks are normal and pass in a few days.",
        )


def _within_one_step(ladder: _Ladder, level: float | None, wanted: float, allow_up: bool) -> float:
    """The rung closest to ``wanted`` at most one step from ``level`` (any rung when there
    is no level), and not above ``level`` unless ``allow_up``."""
    if level is None:
        options = list(ladder.rungs)
    else:
        options = [
            x
            for x in (
                ladder.below(level),
                level if ladder.has(level) else None,
                ladder.above(level) if allow_up else None,
            )
            if x is not None
        ] or [level]
    return min(options, key=lambda x: (abs(x - wanted), x))


# ---------------------------------------------------------------------- the entry


def prescribe(
    item: ProgramItem,
    exercise: Exercise,
    history: Sequence[LoggedSet],
    checkins: Sequence[CheckIn],
    today: date,
    scale: LoadScale,
    rules: ProgressionRules = DEFAULT_RULES,
    override: Override | None = None,
) -> Prescription:
    """What to do in ``exercise`` today, with the reason and a preview of the next change.

    ``history`` is every logged set of this exercise (sets on or after ``today`` are
    ignored, so after a session pass tomorrow's date to show "next time"); ``checkins``
    are the person's check-ins (later than ``today`` ignored).

    The rules apply in this order, and the first that fits decides: a red flag in the
    latest check-in pauses progression; more than four weeks off steps down; pain above 5
    during a set steps down, and so does pain higher after training than before it; two to
    four weeks off keeps the level with a target two reps short; after a session at a
    weight the person chose, the next weight comes from an Epley estimate; too few reps
    twice in a row steps down; enough reps (or seconds) twice in a row steps up, unless
    pain of 4-5 during a set or above 5 in a check-in says keep. An override the person
    made for this session goes on top, at most one step from the last session.
    """
    plan = _plan(item, exercise, scale, rules)
    coach = _Coach(
        plan, _sessions(plan, history, today), _checkin_days(checkins, today), today, override
    )
    decision = coach.decide()
    carried = coach.carried_value()
    paused = decision.code is ChangeCode.RED_FLAG_PAUSE
    if not paused and coach.override_in_force():
        decision, chosen_carried = coach.apply_override(decision)
        carried = chosen_carried if chosen_carried is not None else carried
    reason = decision.reason
    note = coach.soreness_note()
    if note and decision.code not in (ChangeCode.RED_FLAG_PAUSE, ChangeCode.STEP_DOWN_PAIN):
        reason = _join(reason, note)
    level = coach.level
    direction = 0 if level is None else _sign(decision.value - level)
    value = decision.value
    band_position = load_kg = hold_seconds = None
    for ladder, x in ((plan.progress, value), (plan.carried, carried)):
        if ladder is None or x is None:
            continue
        if ladder.axis is _Axis.BAND:
            band_position = round(x)
        elif ladder.axis is _Axis.WEIGHT:
            load_kg = float(x)
        elif ladder.axis is _Axis.SECONDS:
            hold_seconds = round(x)
    return Prescription(
        exercise=exercise.slug,
        rule=plan.rule.value,
        sets=plan.sets,
        reps_min=plan.reps_min,
        reps_max=plan.reps_max,
        target_reps=decision.target_reps,
        hold_seconds=hold_seconds,
        rest_seconds=rules.rest_seconds(plan.rule),
        band_position=band_position,
        load_kg=load_kg,
        change=Change(decision.code, direction, reason),
        preview=None if paused else coach.preview(value),
        paused=paused,
        band=plan.bands[band_position] if band_position is not None else None,
        estimated_max_kg=round(decision.estimated_max, 1) if decision.estimated_max else None,
        days_since_last=coach.days_since,
    )


# ------------------------------------------------------------------------- words


_EQUIPMENT_NOUNS: Mapping[str, Text] = MappingProxyType(
    {"dumbbell": Text("håndvægt", "dumbbell"), "kettlebell": Text("kettlebell", "kettlebell")}
)


def _set_pain_text(rules: ProgressionRules, pain: int) -> Text:
    return Text(
        f"Du angav smerte på {pain} ud af 10 under øvelsen sidste gang. Over "
        f"{rules.pain_keep_max} betyder et trin ned",
        f"You reported pain of {pain} out of 10 during this exercise last time. Above "
        f"{rules.pain_keep_max} means one step down",
    )


def _rise_text(region: str, before: int, after: int) -> Text:
    where = _REGION_PHRASES.get(region, Text(f"({region})", f"({region})"))
    return Text(
        f"Smerten {where.da} var {after} efter sidste træning mod {before} før. Mere ondt "
        "efter træningen end før betyder et trin ned",
        f"The pain {where.en} was {after} after your last session, up from {before} before "
        "it. More pain after training than before means one step down",
    )


def _count(n: int, ago: bool = True) -> Text:
    """ "de sidste to gange" / "in your last two sessions"; without ``ago``: "to gange"."""
    words = {2: ("to", "two"), 3: ("tre", "three"), 4: ("fire", "four")}
    da, en = words.get(n, (str(n), str(n)))
    if ago:
        if n == 1:
            return Text("sidste gang", "last time")
        return Text(f"de sidste {da} gange", f"in your last {en} sessions")
    if n == 1:
        return Text("én gang", "once")
    return Text(f"{da} gange", f"{en} times")


def _listing(items: Sequence[object], language: str) -> str:
    """ "21 og 22" / "12, 12 and 11"."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    conjunction = "og" if language == "da" else "and"
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _kg(value: float, language: str) -> str:
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{number.replace('.', ',') if language == 'da' else number} kg"


def _join(*texts: Text) -> Text:
    return Text(" ".join(t.da for t in texts if t.da), " ".join(t.en for t in texts if t.en))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _round_half_up(value: float) -> int:
    return int(value + 0.5)


def _sign(value: float) -> int:
    return 0 if abs(value) <= _EPS else (1 if value > 0 else -1)
