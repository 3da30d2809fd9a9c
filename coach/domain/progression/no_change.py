"""Nothing asks for a change: the same load, and what to aim for.

Source: DOMAIN.md, "Progression": "every change must be explained to the user", and so
is the absence of one. A weight the workplace does not have (a person's own choice)
becomes the available one within a step closest to the dose's share of the Epley
estimate, w * (1 + reps/30).
"""

# The sentences people read use typographic dashes (ranges such as 8 to 12 reps).
# ruff: noqa: RUF001

from __future__ import annotations

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import join, kg, listing, upper_first


def decide(facts: Facts) -> Decision:
    """The last load kept (or fitted to the scale), with the aim restated."""
    plan, session = facts.plan, facts.level_session
    assert facts.level is not None and session is not None
    value, one_rm = facts.keep(allow_up=True)
    if not facts.ladder.has(facts.level) and value != facts.level:
        return _fitted_to_scale(facts, value, one_rm)
    stay = plan.stay(value)
    if plan.rule is DoseRule.HOLD:
        now = plan.name(facts.level)
        return Decision(
            value,
            ChangeCode.NO_CHANGE,
            Text(
                f"Sidste gang holdt du mindst {now.da} i alle sæt. {upper_first(stay.da)}.",
                f"Last time you held at least {now.en} in every set. {upper_first(stay.en)}.",
            ),
        )
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        aim = Text(f"{plan.reps_min}–{plan.reps_max}", f"{plan.reps_min}–{plan.reps_max}")
    else:
        aim = Text(
            f"{plan.sets} sæt af {plan.reps_min}–{plan.reps_max}",
            f"{plan.sets} sets of {plan.reps_min}–{plan.reps_max}",
        )
    advice = Text(
        f"{upper_first(stay.da)}, og sigt efter {aim.da}.",
        f"{upper_first(stay.en)} and aim for {aim.en}.",
    )
    if session.reps:
        w = plan.with_(facts.level)
        did = Text(
            f"Sidste gang tog du {listing(session.reps, 'da')} gentagelser{w.da}.",
            f"Last time you did {listing(session.reps, 'en')} reps{w.en}.",
        )
        advice = join(did, advice)
    return Decision(value, ChangeCode.NO_CHANGE, advice)


def _fitted_to_scale(facts: Facts, value: float, one_rm: float | None) -> Decision:
    assert facts.level is not None and facts.level_session is not None
    old, new = facts.plan.name(facts.level), facts.plan.name(value)
    if one_rm is None:
        text = Text(
            f"Du brugte {old.da} sidste gang, og den vægt findes ikke her; den nærmeste er "
            f"{new.da}.",
            f"You used {old.en} last time, which is not among the weights here; the nearest "
            f"is {new.en}.",
        )
    else:
        reps = facts.level_session.reps[0]
        pct = round(100 * value / one_rm)
        aimed = facts.plan.aimed_pct
        text = Text(
            f"Du brugte {old.da} sidste gang, og den vægt findes ikke her. Med {reps} "
            f"gentagelser giver det et anslået maksimum på omkring {kg(one_rm, 'da')} "
            f"(Epley); {new.da} er cirka {pct} % af det, tættest på de {aimed} %, vi sigter "
            f"efter – næste gang: {new.da}.",
            f"You used {old.en} last time, which is not among the weights here. With {reps} "
            f"reps that gives an estimated max of about {kg(one_rm, 'en')} (Epley); "
            f"{new.en} is about {pct} % of it, the closest to the {aimed} % we aim for — "
            f"next: {new.en}.",
        )
    return Decision(value, ChangeCode.ESTIMATED_MAX, text, estimated_max=one_rm)
