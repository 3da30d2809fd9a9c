"""Elastic bands: ordered levels, their colours and approximate force."""

from __future__ import annotations

from dataclasses import dataclass

STANDARD_GRAVITY = 9.80665


@dataclass(frozen=True)
class BandLevelSpec:
    key: str
    colour_name_da: str
    colour_name_en: str
    display_colour: str
    force_kg: float  # approximate, at 100 % stretch

    @property
    def force_newtons(self) -> float:
        return round(self.force_kg * STANDARD_GRAVITY, 1)


@dataclass(frozen=True)
class BandSetSpec:
    brand: str
    levels: tuple[BandLevelSpec, ...]


# TheraBand's order and approximate force at 100 % stretch (see the project's domain notes).
# Independent tests measure 20-30 % less, so the app always calls these approximate.
THERABAND = BandSetSpec(
    brand="TheraBand",
    levels=(
        BandLevelSpec("tan", "beige", "tan", "#d2b48c", 1.1),
        BandLevelSpec("yellow", "gul", "yellow", "#f2d024", 1.4),
        BandLevelSpec("red", "rød", "red", "#d0312d", 1.7),
        BandLevelSpec("green", "grøn", "green", "#2e8b3e", 2.1),
        BandLevelSpec("blue", "blå", "blue", "#2a5db0", 2.6),
        BandLevelSpec("black", "sort", "black", "#222222", 3.3),
        BandLevelSpec("silver", "sølv", "silver", "#a8a9ad", 4.6),
        BandLevelSpec("gold", "guld", "gold", "#c9a227", 6.4),
    ),
)
