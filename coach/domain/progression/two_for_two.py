"""Enough reps (or seconds) twice in a row: one step up, unless pain says keep.

Source: DOMAIN.md, "Progression": one set to failure, "two sessions in a row at ≥ 20
reps → next level (expect about a quarter fewer reps)"; sets of 8-12, "when all sets
reach 12 in two sessions in a row ('2-for-2'), add the smallest available step"; timed
holds, "add 5 s when done twice, up to a cap, then a harder variant". At the top of the
scale the load is kept and the next step named (a doubled band is "about twice the
force", DOMAIN.md "Load units").
"""

# The sentences people read use typographic dashes.
# ruff: noqa: RUF001

from __future__ import annotations

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression import pain_hold
from coach.domain.progression.facts import Facts
from coach.domain.progression.history import Session
from coach.domain.progression.ladder import Axis
from coach.domain.progression.moves import kept
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import EQUIPMENT_NOUNS, count, join, kg, listing, round_half_up


def decide(facts: Facts) -> Decision | None:
    """A step up when the last sessions in a row earned it and no pain says keep."""
    streak = facts.streak
    if not streak or pain_hold.hold(facts) is not None:
        return None
    if facts.plan.rule is DoseRule.HOLD:
        return _hold_longer(facts, streak)
    return _heavier(facts, streak)


def _hold_longer(facts: Facts, streak: tuple[Session, ...]) -> Decision:
    plan, level = facts.plan, facts.level
    assert level is not None
    above = facts.ladder.above(level)
    now = plan.name(level)
    n = count(len(streak))
    if above is None:
        return kept(
            facts,
            ChangeCode.HARDER_VARIANT,
            Text(
                f"Du holdt {now.da} i alle sæt {n.da}, det længste, programmet beder "
                f"om. Bliv på {now.da}, og spørg jeres tovholder om en sværere variant "
                "i stedet for at holde længere.",
                f"You held {now.en} in every set {n.en}, the longest this program asks "
                f"for. Stay at {now.en} and ask your key person about a harder variant "
                "instead of holding longer.",
            ),
            False,
        )
    new = plan.name(above)
    step = round(above - level)
    return Decision(
        above,
        ChangeCode.HOLD_LONGER,
        Text(
            f"Du holdt mindst {now.da} i alle sæt {n.da} – næste gang: {new.da} (+{step}).",
            f"You held at least {now.en} in every set {n.en} — next: {new.en} (+{step}).",
        ),
    )


def _heavier(facts: Facts, streak: tuple[Session, ...]) -> Decision:
    plan, level = facts.plan, facts.level
    assert level is not None
    above = facts.ladder.above(level)
    did = _did_enough(facts, streak)
    if above is None:
        did = Text(f"{did.da}.", f"{did.en}.")
        code = (
            ChangeCode.HARDER_VARIANT if facts.ladder.axis is Axis.NONE else ChangeCode.TOP_OF_SCALE
        )
        return kept(facts, code, join(did, _top_text(facts, level)), False)
    new = plan.name(above)
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        drop = facts.rules.band_step_rep_drop
        expect = round_half_up(streak[-1].reps[0] * (1 - drop))
        then = Text(
            f" – næste gang: {new.da}. Regn med cirka {round(drop * 100)} % færre "
            f"gentagelser med den (omkring {expect}).",
            f" — next: {new.en}. Expect about {round(drop * 100)} % fewer reps with it "
            f"(around {expect}).",
        )
    elif facts.ladder.axis is Axis.WEIGHT:
        step = Text(kg(above - level, "da"), kg(above - level, "en"))
        then = Text(
            f" – næste gang: {new.da}, det mindste trin op (+{step.da}).",
            f" — next: {new.en}, the smallest step up (+{step.en}).",
        )
    else:
        then = Text(f" – næste gang: {new.da}.", f" — next: {new.en}.")
    return Decision(above, ChangeCode.STEP_UP, Text(did.da + then.da, did.en + then.en))


def _top_text(facts: Facts, level: float) -> Text:
    axis = facts.ladder.axis
    if axis is Axis.BAND:
        return Text(
            "Det er den stærkeste elastik i jeres sæt, så bliv på den. Næste trin ville "
            "være en dobbelt elastik (cirka dobbelt så hård) eller et sæt stærkere "
            "elastikker.",
            "It is the strongest band in your set, so stay on it. The next step would be a "
            "doubled band (about twice the pull) or a stronger band set.",
        )
    if axis is Axis.WEIGHT:
        noun = EQUIPMENT_NOUNS.get(facts.plan.exercise.equipment, Text("vægt", "weight"))
        name = facts.plan.name(level)
        return Text(
            f"{name.da} er den tungeste {noun.da}, I har, så bliv på den. Næste trin ville "
            f"være en tungere {noun.da}, end I har, eller en sværere variant.",
            f"{name.en} is the heaviest {noun.en} available, so stay at it. The next step "
            f"would be a heavier {noun.en} than you have, or a harder variant.",
        )
    return Text(
        "Der er ingen vægt at lægge på, så spørg jeres tovholder om en sværere variant, "
        "eller sænk dig langsommere (cirka 3 sekunder ned).",
        "There is no weight to add, so ask your key person about a harder variant, or "
        "lower yourself more slowly (about 3 seconds down).",
    )


def _did_enough(facts: Facts, streak: tuple[Session, ...]) -> Text:
    plan = facts.plan
    assert facts.level is not None
    w, n = plan.with_(facts.level), count(len(streak))
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        reps = [s.reps[0] for s in streak]
        return Text(
            f"Du tog {listing(reps, 'da')} gentagelser{w.da} {n.da}",
            f"You did {listing(reps, 'en')} reps{w.en} {n.en}",
        )
    return Text(
        f"Du tog mindst {plan.reps_max} gentagelser i alle {plan.sets} sæt{w.da} {n.da}",
        f"You did {plan.reps_max} reps or more in all {plan.sets} sets{w.en} {n.en}",
    )
