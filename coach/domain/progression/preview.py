"""What it takes to change next time, shown in advance.

Source: DOMAIN.md, "Progression": every change must be "shown in advance ('2 more reps
to step up')". The preview names the next step up (or back down, after one session
under the range) and what earns it, counting a session that already qualifies.
"""

from __future__ import annotations

from collections.abc import Callable

from coach.domain.catalogue import DoseRule, Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.history import Session, fell_short, reached_top
from coach.domain.progression.ladder import EPS
from coach.domain.progression.words import count


def preview(facts: Facts, value: float) -> Text | None:
    """The next change from ``value`` and what earns it; None when there is none."""
    if facts.plan.rule is DoseRule.HOLD:
        return _hold(facts, value)
    return _reps(facts, value)


def _same_and_fresh(facts: Facts, value: float) -> tuple[bool, bool]:
    """Whether ``value`` is the last level, and whether the last session is recent
    enough for the next one to continue its run."""
    same = facts.level is not None and abs(value - facts.level) <= EPS
    fresh = facts.days_since is None or facts.days_since < facts.rules.break_carry_on_days
    return same, fresh


def _pain_free(facts: Facts, ok: Callable[[Session], bool]) -> Callable[[Session], bool]:
    fine = facts.rules.pain_fine_max
    return lambda s: (s.pain is None or s.pain <= fine) and ok(s)


def _hold(facts: Facts, value: float) -> Text | None:
    plan, n = facts.plan, facts.plan.in_a_row
    longer = facts.ladder.above(value)
    if longer is None:
        return None
    same, fresh = _same_and_fresh(facts, value)
    now, new = plan.name(value), plan.name(longer)
    held = _pain_free(facts, lambda s: s.level is not None and s.level >= value - EPS)
    if same and fresh and facts.run(held) >= n - 1:
        return Text(
            f"Hold {now.da} i alle sæt igen → {new.da} næste gang.",
            f"Hold {now.en} in every set again → {new.en} next time.",
        )
    times = count(n, ago=False)
    return Text(
        f"Hold {now.da} i alle sæt {times.da} i træk → {new.da}.",
        f"Hold {now.en} in every set {times.en} in a row → {new.en}.",
    )


def _reps(facts: Facts, value: float) -> Text | None:
    plan, ladder, n = facts.plan, facts.ladder, facts.plan.in_a_row
    assert plan.reps_min is not None and plan.reps_max is not None
    same, fresh = _same_and_fresh(facts, value)
    w = plan.with_(value)
    session = facts.level_session if same else None
    lighter = ladder.below(value)
    short = facts.at_level(lambda s: fell_short(plan, s))
    if (
        session is not None
        and fresh
        and lighter is not None
        and fell_short(plan, session)
        and facts.run(short) >= n - 1
    ):
        back = plan.name(lighter)
        return Text(
            f"Under {plan.reps_min} gentagelser igen{w.da} → tilbage til {back.da} næste gang.",
            f"Under {plan.reps_min} reps again{w.en} → back to {back.en} next time.",
        )
    heavier = ladder.above(value)
    if heavier is None:
        return None
    new = plan.name(heavier)
    goal = _goal(facts)
    top = facts.at_level(_pain_free(facts, lambda s: reached_top(plan, s)))
    if (
        session is not None
        and fresh
        and facts.run(top) >= n - 1
        and (n == 1 or reached_top(plan, session))
    ):
        return Text(
            f"{goal.da} igen{w.da} → {new.da} næste gang.",
            f"{goal.en} again{w.en} → {new.en} next time.",
        )
    times = count(n, ago=False)
    more = _more(facts, session)
    return Text(
        f"Nå {goal.da} {times.da} i træk{w.da}{more.da} → {new.da}.",
        f"Reach {goal.en} {times.en} in a row{w.en}{more.en} → {new.en}.",
    )


def _goal(facts: Facts) -> Text:
    plan = facts.plan
    if plan.rule is DoseRule.ONE_SET_TO_FAILURE:
        return Text(f"{plan.reps_max} gentagelser eller flere", f"{plan.reps_max} reps or more")
    return Text(
        f"{plan.reps_max} gentagelser i alle {plan.sets} sæt",
        f"{plan.reps_max} reps in all {plan.sets} sets",
    )


def _more(facts: Facts, session: Session | None) -> Text:
    """How many more reps than last time the goal takes, in the weakest set that counts."""
    plan = facts.plan
    assert plan.reps_max is not None
    if session is None or not session.reps:
        return Text("", "")
    one_set = plan.rule is DoseRule.ONE_SET_TO_FAILURE
    weakest = session.reps[0] if one_set else session.reps[min(plan.sets, len(session.reps)) - 1]
    gap = plan.reps_max - weakest
    if gap > 0 and one_set:
        return Text(f" ({gap} flere end sidst)", f" ({gap} more than last time)")
    if gap > 0 and len(session.reps) >= plan.sets:
        return Text(
            f" ({gap} flere i dit svageste sæt end sidst)",
            f" ({gap} more in your weakest set than last time)",
        )
    return Text("", "")
