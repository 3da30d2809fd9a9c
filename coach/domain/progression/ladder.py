"""The rungs a load moves along: band positions, kilograms or seconds held."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Loads are floats (kilograms); two within this are the same rung.
EPS = 1e-6


class Axis(StrEnum):
    """What a ladder's rungs measure."""

    BAND = "band"  # band positions
    WEIGHT = "weight"  # kilograms
    SECONDS = "seconds"  # hold time
    NONE = "none"  # body weight: one rung, nothing to add


@dataclass(frozen=True)
class Ladder:
    """The rungs a load moves along, lightest first: one step is one rung."""

    axis: Axis
    rungs: tuple[float, ...]

    @property
    def bottom(self) -> float:
        return self.rungs[0]

    @property
    def top(self) -> float:
        return self.rungs[-1]

    def has(self, value: float) -> bool:
        return any(abs(rung - value) <= EPS for rung in self.rungs)

    def above(self, value: float) -> float | None:
        return next((rung for rung in self.rungs if rung > value + EPS), None)

    def below(self, value: float) -> float | None:
        return next((rung for rung in reversed(self.rungs) if rung < value - EPS), None)

    def floor(self, value: float) -> float:
        """The highest rung at or below ``value`` (the bottom rung if none is)."""
        return next((rung for rung in reversed(self.rungs) if rung <= value + EPS), self.bottom)


def hold_rungs(base: int, step: int, cap: int, shortest: int) -> tuple[float, ...]:
    """Hold times: the dose's seconds, ``step`` apart, from ``shortest`` up to ``cap``."""
    cap = max(cap, base)
    low = base
    while low - step >= min(shortest, base):
        low -= step
    rungs = list(range(low, cap + 1, step))
    if rungs[-1] != cap:
        rungs.append(cap)
    return tuple(float(s) for s in rungs)


def within_one_step(ladder: Ladder, level: float | None, wanted: float, allow_up: bool) -> float:
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


def sign(value: float) -> int:
    """-1, 0 or +1, with differences within EPS counting as none."""
    return 0 if abs(value) <= EPS else (1 if value > 0 else -1)
