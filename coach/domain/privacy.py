"""Pain shown to a lead or an admin: team aggregates only, over enough people.

Pain is health data (GDPR art. 9). An employer may see how a team's pain develops,
never one person's, so a week's figures are shown only when at least
:data:`MIN_PAIN_REPORTERS` different people answered; with fewer, a figure could be
traced back to someone ("the only one on the team with a bad neck").

Each person weighs once per week: their answers of the week are averaged first, then
the team's median and mean are taken over those per-person values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean, median

MIN_PAIN_REPORTERS = 5  # different people who must have answered before a figure shows
BASELINE_WEEKS = 4  # "the team's first four weeks", the reference for change
TOO_FEW_ANSWERS = "too few answers"


def enough_reporters(people: int) -> bool:
    """Whether a pain figure over ``people`` different people may be shown."""
    return people >= MIN_PAIN_REPORTERS


@dataclass(frozen=True)
class RegionPain:
    median: float
    mean: float
    change_in_median: float | None  # against the baseline; None without one


@dataclass(frozen=True)
class PainWeek:
    week_start: date
    shown: bool  # False: too few answers, and no figure at all
    regions: dict[str, RegionPain | None] = field(default_factory=dict)
    reporting: int | None = None  # people who answered; only when shown

    @property
    def status(self) -> str:
        return "shown" if self.shown else TOO_FEW_ANSWERS


def _summary(values: Sequence[float]) -> tuple[float, float]:
    return round(median(values), 2), round(fmean(values), 2)


def baseline(
    answers: Mapping[int, Mapping[str, float]], regions: Iterable[str]
) -> dict[str, float | None]:
    """Median per region over the baseline period, from each person's mean over it
    (``answers``: person -> region -> mean). None where too few people answered."""
    result: dict[str, float | None] = {}
    for region in regions:
        values = [v[region] for v in answers.values() if v.get(region) is not None]
        result[region] = round(median(values), 2) if enough_reporters(len(values)) else None
    return result


def pain_weeks(
    weeks: Sequence[date],
    answers: Mapping[date, Mapping[int, Mapping[str, float | None]]],
    regions: Sequence[str],
    reference: Mapping[str, float | None] | None = None,
) -> list[PainWeek]:
    """One :class:`PainWeek` per week in ``weeks``.

    ``answers`` maps a week to person -> region -> that person's mean pain that week.
    A week shows figures only if enough people answered at all; a region within it
    only if enough people rated that region (else ``None``).
    """
    result = []
    for monday in weeks:
        people = answers.get(monday, {})
        if not enough_reporters(len(people)):
            result.append(PainWeek(monday, shown=False))
            continue
        regions_shown: dict[str, RegionPain | None] = {}
        for region in regions:
            values = [v[region] for v in people.values() if v.get(region) is not None]
            if not enough_reporters(len(values)):
                regions_shown[region] = None
                continue
            mid, mean = _summary([float(v) for v in values])
            base = (reference or {}).get(region)
            change = None if base is None else round(mid - base, 2)
            regions_shown[region] = RegionPain(mid, mean, change)
        result.append(PainWeek(monday, True, regions_shown, len(people)))
    return result
