"""Free weights: the kilograms a workplace can actually pick up, and 1RM estimates.

Weights go up in the equipment's real increments (a dumbbell rack has no 13 kg), so a
step up is the next weight that exists, not a percentage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

# Loads closer than this are the same weight (kilograms read back from a database).
_SAME_KG = 1e-6

# A common dumbbell rack: 1-10 kg by 1 kg, then 12-30 kg by 2 kg.
DUMBBELLS_KG: tuple[float, ...] = tuple(float(kg) for kg in (*range(1, 11), *range(12, 31, 2)))
# Competition-style kettlebell sizes: by 2 kg up to 16 kg, then by 4 kg.
KETTLEBELLS_KG: tuple[float, ...] = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 28.0, 32.0)

STANDARD_WEIGHTS_KG: Mapping[str, tuple[float, ...]] = MappingProxyType(
    {"dumbbell": DUMBBELLS_KG, "kettlebell": KETTLEBELLS_KG}
)


def standard_weights(equipment: str) -> tuple[float, ...]:
    """The usual weights for ``equipment`` (empty for bands and body weight)."""
    return STANDARD_WEIGHTS_KG.get(equipment, ())


def available(weights: Iterable[float]) -> tuple[float, ...]:
    """``weights`` as a set of real loads: positive, without duplicates, lightest first."""
    result: list[float] = []
    for kg in sorted(float(w) for w in weights if w > 0):
        if not result or kg - result[-1] > _SAME_KG:
            result.append(kg)
    return tuple(result)


def same_weight(a: float, b: float) -> bool:
    return abs(a - b) <= _SAME_KG


def next_weight(weights: Sequence[float], load_kg: float) -> float | None:
    """The lightest available weight heavier than ``load_kg`` (None at the top)."""
    return next((kg for kg in available(weights) if kg > load_kg + _SAME_KG), None)


def previous_weight(weights: Sequence[float], load_kg: float) -> float | None:
    """The heaviest available weight lighter than ``load_kg`` (None at the bottom)."""
    return next((kg for kg in reversed(available(weights)) if kg < load_kg - _SAME_KG), None)


def nearest_weight(weights: Sequence[float], load_kg: float) -> float | None:
    """The available weight closest to ``load_kg``; on a tie, the lighter one."""
    options = available(weights)
    if not options:
        return None
    return min(options, key=lambda kg: (abs(kg - load_kg), kg))


def epley_1rm(weight_kg: float, reps: int) -> float:
    """Estimated one-repetition maximum (Epley): ``w * (1 + reps/30)``.

    12 reps gives 1.4 * w, so a 12-repetition maximum is about 70 % of 1RM.
    """
    if weight_kg < 0 or reps < 0:
        raise ValueError(f"weight and reps must not be negative ({weight_kg} kg, {reps} reps)")
    return weight_kg * (1 + reps / 30)


def load_for_reps(one_rm_kg: float, reps: int) -> float:
    """The load that ``reps`` repetitions to failure would take (Epley, solved for w)."""
    if one_rm_kg < 0 or reps < 0:
        raise ValueError(f"1RM and reps must not be negative ({one_rm_kg} kg, {reps} reps)")
    return one_rm_kg / (1 + reps / 30)
