"""What the engine answers: a prescription and the change it makes, with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from coach.domain.catalogue import Text
from coach.domain.progression.inputs import BandLevelView


class ChangeCode(StrEnum):
    """Why the prescription is what it is; the reason text says it in words."""

    FIRST_SESSION = "first_session"
    STEP_UP = "step_up"
    STEP_DOWN_LOW_REPS = "step_down_low_reps"
    STEP_DOWN_PAIN = "step_down_pain"  # pain above 5 (set or check-in), or higher after
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


@dataclass(frozen=True)
class Decision:
    """A rule's answer before the override, the notes and the preview go on top."""

    value: float  # on the progression axis
    code: ChangeCode
    reason: Text
    target_reps: int | None = None
    estimated_max: float | None = None
