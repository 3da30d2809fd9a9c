"""Too few reps twice in a row at the same level: one step down.

Source: DOMAIN.md, "Progression": one set to failure, "two in a row under 8 → previous
level"; for sets of 8-12 the same when even the best set stays under 8
(``sessions_in_a_row`` 2, the dose's ``reps_min``). Holds have no rep range.
"""

from __future__ import annotations

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.history import Session
from coach.domain.progression.moves import stepped_down
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import count, listing


def decide(facts: Facts) -> Decision | None:
    """A step down after sessions in a row under the rep range."""
    short = facts.short_streak()
    if not short:
        return None
    return stepped_down(facts, ChangeCode.STEP_DOWN_LOW_REPS, _did_too_few(facts, short))


def _did_too_few(facts: Facts, streak: tuple[Session, ...]) -> Text:
    plan = facts.plan
    assert facts.level is not None
    w, n = plan.with_(facts.level), count(len(streak))
    reps = [s.reps[0] for s in streak]
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        return Text(
            f"Du tog {listing(reps, 'da')} gentagelser{w.da} {n.da}, under de "
            f"{plan.reps_min}, vi sigter efter",
            f"You did {listing(reps, 'en')} reps{w.en} {n.en}, under the {plan.reps_min} "
            "we aim for",
        )
    return Text(
        f"Dit bedste sæt{w.da} var på {listing(reps, 'da')} gentagelser {n.da}, under de "
        f"{plan.reps_min}, vi sigter efter",
        f"Your best set{w.en} had {listing(reps, 'en')} reps {n.en}, under the "
        f"{plan.reps_min} we aim for",
    )
