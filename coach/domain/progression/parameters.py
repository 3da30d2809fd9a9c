"""Every number the progression rules use, with DOMAIN.md's defaults.

Source: the project's domain notes, "Progression (defaults; every number is a tunable
program parameter)", and the Danish NFA trials they cite (Andersen et al.).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from coach.domain.catalogue import DoseRule


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
