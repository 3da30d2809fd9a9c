"""Two to four weeks off: the same level, stopping two reps short at first.

Source: DOMAIN.md, "Progression", breaks: "2-4 weeks, same level, stop two reps short
at first" (``break_carry_on_days`` 14, ``break_step_down_days`` 28,
``break_reps_short`` 2). Holds keep their time and stop early if it feels hard. A step
up is not earned across the break, and pain that says keep (:mod:`.pain_hold`) also
keeps a weight the workplace lacks from being replaced by a heavier one.
"""

# The sentences people read use typographic dashes.
# ruff: noqa: RUF001

from __future__ import annotations

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression import pain_hold
from coach.domain.progression.facts import Facts
from coach.domain.progression.moves import kept
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import join, upper_first


def decide(facts: Facts) -> Decision | None:
    """The same level after a short break, with a lower target the first time."""
    days = facts.days_since
    if days is None or days < facts.rules.break_carry_on_days:
        return None
    allow_up = pain_hold.hold(facts) is None
    plan = facts.plan
    assert facts.level is not None
    opening = Text(
        f"Det er {days} dage siden, du sidst lavede øvelsen.",
        f"It has been {days} days since you last did this exercise.",
    )
    stay = plan.stay(facts.keep(allow_up)[0])
    short = facts.rules.break_reps_short
    if plan.rule is DoseRule.HOLD:
        advice = Text(
            f"{upper_first(stay.da)}, og stop tidligere denne første gang, hvis det føles hårdt.",
            f"{upper_first(stay.en)} and stop early this first time if it feels hard.",
        )
        return kept(facts, ChangeCode.BREAK_SHORT, join(opening, advice), allow_up)
    assert plan.reps_max is not None
    session = facts.level_session
    best = session.reps[0] if session and session.reps else plan.reps_max
    target = max(1, min(best, plan.reps_max) - short)
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        advice = Text(
            f"{upper_first(stay.da)}, og stop denne første gang cirka {short} gentagelser, "
            f"før du ikke kan mere: omkring {target} gentagelser.",
            f"{upper_first(stay.en)}, and this first time stop about {short} reps before "
            f"you can't do another: around {target} reps.",
        )
    else:
        advice = Text(
            f"{upper_first(stay.da)}, og tag denne første gang {target} gentagelser pr. "
            f"sæt – stop {short}, før du ikke kan mere.",
            f"{upper_first(stay.en)}, and this first time do {target} reps per set — stop "
            f"{short} short of what you could do.",
        )
    return kept(facts, ChangeCode.BREAK_SHORT, join(opening, advice), allow_up, target)
