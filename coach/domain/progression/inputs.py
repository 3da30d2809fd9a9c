"""What the engine reads: logged sets, check-ins, overrides and the loads to choose from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from coach.domain.bands import THERABAND, BandSetSpec
from coach.domain.catalogue import Text


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
