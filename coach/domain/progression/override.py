"""The person's own choice for this session, on top of the rules' decision.

Source: DOMAIN.md, "Progression": "the user can override it once". It moves at most one
step from the last session, only to loads the workplace has, and never heavier after
pain, a long break or a red flag (the pain rules in :mod:`.pain_in_set`,
:mod:`.pain_rise` and :mod:`.pain_hold`). While a red flag stands it waits.
"""

from __future__ import annotations

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression import pain_hold
from coach.domain.progression.facts import Facts
from coach.domain.progression.ladder import EPS, Axis, within_one_step
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import join, listing

# Decisions after which a chosen load may not be heavier than the last session's.
_NOT_HEAVIER = (ChangeCode.STEP_DOWN_PAIN, ChangeCode.BREAK_LONG, ChangeCode.RED_FLAG_PAUSE)


def apply(facts: Facts, decision: Decision) -> tuple[Decision, float | None]:
    """The override on top of ``decision``; also returns the held load it chose."""
    override = facts.override
    assert override is not None
    plan = facts.plan
    requested = _requested(facts)
    carried = _carried(facts)
    reps = override.reps if plan.rule is not DoseRule.HOLD else None
    if requested is None and carried is None and reps is None:
        return decision, None
    level = facts.level
    allow_up = level is None or (
        decision.code not in _NOT_HEAVIER and pain_hold.hold(facts) is None
    )
    value = decision.value
    if requested is not None:
        value = within_one_step(facts.ladder, level, requested, allow_up)
    chosen = [plan.name(value)] if requested is not None else []
    if carried is not None and plan.carried is not None:
        chosen.append(plan.name(carried, plan.carried))
    if reps is not None:
        chosen.append(Text(f"{reps} gentagelser", f"{reps} reps"))
    chose = Text(listing([c.da for c in chosen], "da"), listing([c.en for c in chosen], "en"))
    text = _text(facts, decision, requested, value, chose, allow_up)
    target = reps if reps is not None else decision.target_reps
    return Decision(value, ChangeCode.OVERRIDE, text, target_reps=target), carried


def _requested(facts: Facts) -> float | None:
    """The load asked for on the progression axis, if the override names one."""
    override, axis = facts.override, facts.ladder.axis
    assert override is not None
    if axis is Axis.BAND and override.band_position is not None:
        return float(override.band_position)
    if axis is Axis.WEIGHT and override.load_kg is not None:
        return float(override.load_kg)
    if axis is Axis.SECONDS and override.hold_seconds is not None:
        return float(override.hold_seconds)
    return None


def _carried(facts: Facts) -> float | None:
    """Holds with equipment: the load to hold asked for, within a step of the last."""
    override, ladder = facts.override, facts.plan.carried
    assert override is not None
    if ladder is None:
        return None
    want = override.band_position if ladder.axis is Axis.BAND else override.load_kg
    if want is None:
        return None
    return within_one_step(ladder, facts.carried_held(), float(want), True)


def _text(
    facts: Facts,
    decision: Decision,
    requested: float | None,
    value: float,
    chose: Text,
    allow_up: bool,
) -> Text:
    plan, level = facts.plan, facts.level
    suggestion = plan.name(decision.value)
    if requested is None:
        # Only the target (or the load held) is the person's own: the load and its
        # reason stay ours.
        return join(
            decision.reason,
            Text(
                f"Du har selv valgt {chose.da} til denne træning.",
                f"You chose {chose.en} yourself for this session.",
            ),
        )
    if abs(value - requested) <= EPS:
        return Text(
            f"Du har selv valgt {chose.da} til denne træning (vores forslag var {suggestion.da}).",
            f"You chose {chose.en} yourself for this session (our suggestion was {suggestion.en}).",
        )
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
    return Text(
        f"Du bad om {asked.da}, men {why.da}, så det bliver {chose.da} denne gang "
        f"(vores forslag var {suggestion.da}).",
        f"You asked for {asked.en}, but {why.en}, so it is {chose.en} this time (our "
        f"suggestion was {suggestion.en}).",
    )
