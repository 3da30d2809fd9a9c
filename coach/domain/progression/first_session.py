"""No load logged yet: start light, and say what to do.

Source: DOMAIN.md, "Evidence" (the 2011 trial: "women start red, men green") and
"Progression" (the dose of each rule). Sex is not stored, so everyone starts on the
lighter of the two (``start_band_key``); weights start light enough to learn the
movement (``start_kg_dumbbell``, ``start_kg_kettlebell``); holds at the dose's seconds.
"""

# The sentences people read use typographic dashes (ranges such as 8 to 20 reps).
# ruff: noqa: RUF001

from __future__ import annotations

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.ladder import Axis
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import join, lower_first


def decide(facts: Facts) -> Decision | None:
    """The first session's load, when no session logged one."""
    if facts.level is not None:
        return None
    value = facts.plan.start(facts.ladder)
    start = _start(facts, value)
    dose = dose_text(facts, value)
    if not start.en:
        dose = Text(lower_first(dose.da), lower_first(dose.en))
    return Decision(value, ChangeCode.FIRST_SESSION, join(_opening(facts), start, dose))


def _opening(facts: Facts) -> Text:
    if not facts.sessions:
        return Text("Første gang:", "First time:")
    what = {
        Axis.BAND: Text("nogen elastik", "No band"),
        Axis.WEIGHT: Text("nogen vægt", "No weight"),
        Axis.SECONDS: Text("nogen tid", "No hold time"),
        Axis.NONE: Text("noget", "Nothing"),
    }[facts.ladder.axis]
    return Text(
        f"Der er endnu ikke logget {what.da} til øvelsen:",
        f"{what.en} is logged for this exercise yet:",
    )


def _start(facts: Facts, value: float) -> Text:
    plan = facts.plan
    name = plan.name(value)
    if facts.ladder.axis is Axis.WEIGHT:
        return Text(
            f"start med {name.da}, en let vægt, så du kan lære bevægelsen.",
            f"start with {name.en}, a light weight to learn the movement.",
        )
    if facts.ladder.axis is not Axis.BAND:
        return Text("", "")
    key = plan.bands[round(value)].key
    if key != plan.rules.start_band_key:
        return Text(
            f"start med {name.da}, den letteste elastik i jeres sæt.",
            f"start with {name.en}, the lightest band in your set.",
        )
    start = Text(f"start med {name.da}.", f"start with {name.en}.")
    if key != "red":
        return start
    return join(
        start,
        Text(
            "I de danske forsøg startede kvinder på rød og mænd på grøn; vi "
            "starter alle på rød, den letteste af de to.",
            "In the Danish trials women began on red and men on green; we "
            "start everyone on red, the lighter of the two.",
        ),
    )


def dose_text(facts: Facts, value: float) -> Text:
    """The dose in words: one set to failure, sets of reps, or a hold (with its load)."""
    plan = facts.plan
    rest = facts.rules.rest_seconds(plan.rule)
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        return Text(
            f"Tag ét sæt med så mange gode gentagelser, du kan; sigt efter "
            f"{plan.reps_min}–{plan.reps_max}.",
            f"Do one set of as many good reps as you can; aim for {plan.reps_min}–{plan.reps_max}.",
        )
    if plan.rule is DoseRule.SETS_OF_REPS:
        return Text(
            f"Tag {plan.sets} sæt af {plan.reps_min}–{plan.reps_max} gentagelser"
            + (f" med {rest} sekunders pause imellem." if rest else "."),
            f"Do {plan.sets} sets of {plan.reps_min}–{plan.reps_max} reps"
            + (f", with {rest} seconds' rest between them." if rest else "."),
        )
    held = plan.name(value)
    carried = facts.carried_value()
    load = plan.name(carried, plan.carried) if carried is not None and plan.carried else None
    return Text(
        f"Hold i {held.da}, {plan.sets} gange" + (f", med {load.da}." if load else "."),
        f"Hold for {held.en}, {plan.sets} times" + (f", with {load.en}." if load else "."),
    )
