"""More pain after training than before it, where the exercise trains: one step down.

Source: DOMAIN.md, "Progression", pain monitoring: "pain higher the next day than
before training → one step down, and say why". The check-in after the last session
(within ``next_day_within_days``) is compared with the latest one on or before the
session day (within ``baseline_within_days``), in the check-in regions that cover the
exercise's regions (:data:`~.inputs.CHECKIN_REGION_COVERS`).
"""

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.inputs import CHECKIN_REGION_COVERS
from coach.domain.progression.moves import stepped_down
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import REGION_PHRASES


def rise(facts: Facts) -> tuple[str, int, int] | None:
    """(region, before, after): pain higher after the last session than before it,
    in a region the exercise trains."""
    if facts.last is None:
        return None
    session_day = facts.last.day
    rules = facts.rules
    after = next(
        (d for d in facts.days if 0 < (d.day - session_day).days <= rules.next_day_within_days),
        None,
    )
    before = next(
        (
            d
            for d in reversed(facts.days)
            if 0 <= (session_day - d.day).days <= rules.baseline_within_days
        ),
        None,
    )
    if after is None or before is None:
        return None
    trained = set(facts.plan.exercise.regions)
    rises = [
        (after.pain[region] - before.pain[region], region)
        for region in sorted(set(after.pain) & set(before.pain))
        if trained & set(CHECKIN_REGION_COVERS.get(region, (region,)))
    ]
    highest = max(rises, key=lambda pair: pair[0], default=None)
    if highest is None or highest[0] < rules.pain_rise_min:
        return None
    region = highest[1]
    return region, before.pain[region], after.pain[region]


def decide(facts: Facts) -> Decision | None:
    """A step down after pain rose in a trained region."""
    found = rise(facts)
    if found is None:
        return None
    region, before, after = found
    where = REGION_PHRASES.get(region, Text(f"({region})", f"({region})"))
    why = Text(
        f"Smerten {where.da} var {after} efter sidste træning mod {before} før. Mere ondt "
        "efter træningen end før betyder et trin ned",
        f"The pain {where.en} was {after} after your last session, up from {before} before "
        "it. More pain after training than before means one step down",
    )
    return stepped_down(facts, ChangeCode.STEP_DOWN_PAIN, why)
