"""The rules applied in their order: the first that fits decides.

:data:`RULES` is the order. A red flag pauses everything; a first session has nothing to
progress from; a long break, pain during a set and pain that rose after training step
down before anything could step up, and so does pain above 5 in a check-in since the
last session; a short break keeps the level; a session at a
weight the person chose is judged by its estimate; too few reps twice step down, enough
twice step up unless pain says keep; otherwise nothing changes. The person's override
goes on top (not while a red flag stands), then the soreness note and the preview.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from coach.domain.catalogue import Exercise, ProgramItem
from coach.domain.progression import (
    estimated_max,
    first_session,
    long_break,
    no_change,
    pain_checkin,
    pain_hold,
    pain_in_set,
    pain_rise,
    red_flag,
    short_break,
    soreness,
    too_few_reps,
    two_for_two,
)
from coach.domain.progression import override as _override
from coach.domain.progression.facts import Facts
from coach.domain.progression.history import read_checkin_days, read_sessions
from coach.domain.progression.inputs import CheckIn, LoadScale, LoggedSet, Override
from coach.domain.progression.ladder import Axis, sign
from coach.domain.progression.outcome import Change, ChangeCode, Decision, Prescription
from coach.domain.progression.parameters import DEFAULT_RULES, ProgressionRules
from coach.domain.progression.plan import Plan, make_plan
from coach.domain.progression.preview import preview as preview_of
from coach.domain.progression.words import join

Rule = Callable[[Facts], Decision | None]

RULES: tuple[Rule, ...] = (
    red_flag.decide,
    first_session.decide,
    long_break.decide,
    pain_in_set.decide,
    pain_rise.decide,
    pain_checkin.decide,
    short_break.decide,
    estimated_max.decide,
    too_few_reps.decide,
    two_for_two.decide,
    pain_hold.decide,
)


def decide(facts: Facts) -> Decision:
    """The decision of the first rule in :data:`RULES` that fits, else no change."""
    for rule in RULES:
        decision = rule(facts)
        if decision is not None:
            return decision
    return no_change.decide(facts)


def prescribe(
    item: ProgramItem,
    exercise: Exercise,
    history: Sequence[LoggedSet],
    checkins: Sequence[CheckIn],
    today: date,
    scale: LoadScale,
    rules: ProgressionRules = DEFAULT_RULES,
    override: Override | None = None,
) -> Prescription:
    """What to do in ``exercise`` today, with the reason and a preview of the next change.

    ``history`` is every logged set of this exercise (sets on or after ``today`` are
    ignored, so after a session pass tomorrow's date to show "next time"); ``checkins``
    are the person's check-ins (later than ``today`` ignored). The rules apply in the
    order of :data:`RULES`. The engine reads no clock and keeps no state, and the same
    sets and check-ins in any order give the same answer. Every prescription moves at
    most one step from the last logged level, stays inside the load scale, and never
    moves up after pain above 5 or while a red flag is open.
    """
    plan = make_plan(item, exercise, scale, rules)
    facts = Facts(
        plan,
        read_sessions(plan, history, today),
        read_checkin_days(checkins, today),
        today,
        override,
    )
    decision = decide(facts)
    carried = facts.carried_value()
    paused = decision.code is ChangeCode.RED_FLAG_PAUSE
    if not paused and facts.override_in_force():
        decision, chosen_carried = _override.apply(facts, decision)
        carried = chosen_carried if chosen_carried is not None else carried
    reason = decision.reason
    note = soreness.note(facts, decision.code)
    if note:
        reason = join(reason, note)
    direction = 0 if facts.level is None else sign(decision.value - facts.level)
    band_position, load_kg, hold_seconds = _loads(plan, decision.value, carried)
    return Prescription(
        exercise=exercise.slug,
        rule=plan.rule.value,
        sets=plan.sets,
        reps_min=plan.reps_min,
        reps_max=plan.reps_max,
        target_reps=decision.target_reps,
        hold_seconds=hold_seconds,
        rest_seconds=rules.rest_seconds(plan.rule),
        band_position=band_position,
        load_kg=load_kg,
        change=Change(decision.code, direction, reason),
        preview=None if paused else preview_of(facts, decision.value),
        paused=paused,
        band=plan.bands[band_position] if band_position is not None else None,
        estimated_max_kg=round(decision.estimated_max, 1) if decision.estimated_max else None,
        days_since_last=facts.days_since,
    )


def _loads(
    plan: Plan, value: float, carried: float | None
) -> tuple[int | None, float | None, int | None]:
    """(band position, kg, seconds held) from the progression axis and the load held."""
    band_position = load_kg = hold_seconds = None
    for ladder, x in ((plan.progress, value), (plan.carried, carried)):
        if ladder is None or x is None:
            continue
        if ladder.axis is Axis.BAND:
            band_position = round(x)
        elif ladder.axis is Axis.WEIGHT:
            load_kg = float(x)
        elif ladder.axis is Axis.SECONDS:
            hold_seconds = round(x)
    return band_position, load_kg, hold_seconds
