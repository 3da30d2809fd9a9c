"""The two moves several rules end in: one step down, or keep the load.

Source: DOMAIN.md, "Progression": every change moves one step at a time and "must be
explained to the user"; a weight the workplace does not have is replaced by the nearest
that fits an Epley estimate (w * (1 + reps/30)).
"""

# The sentences people read use typographic dashes.
# ruff: noqa: RUF001

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.ladder import EPS, Axis
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import join


def stepped_down(facts: Facts, code: ChangeCode, why: Text) -> Decision:
    """One step down with ``why``; on the lowest rung, the load kept with advice."""
    value = facts.down()
    assert facts.level is not None
    target = None
    if value < facts.level - EPS:
        name = facts.plan.name(value)
        text = Text(f"{why.da} – næste gang: {name.da}.", f"{why.en} — next: {name.en}.")
    else:
        text = join(Text(f"{why.da}.", f"{why.en}."), facts.plan.bottom_advice())
        if code is ChangeCode.STEP_DOWN_PAIN:
            text = join(
                text, Text("Stop, hvis smerten kommer igen.", "Stop if the pain comes back.")
            )
        if facts.ladder.axis is Axis.NONE:
            target = facts.plan.reps_min
    return Decision(value, code, text, target_reps=target)


def kept(
    facts: Facts, code: ChangeCode, text: Text, allow_up: bool, target: int | None = None
) -> Decision:
    """The last load kept with ``text``; a weight not on the scale becomes its nearest fit."""
    value, one_rm = facts.keep(allow_up)
    assert facts.level is not None
    if not facts.ladder.has(facts.level) and value != facts.level:
        old, new = facts.plan.name(facts.level), facts.plan.name(value)
        text = join(
            text,
            Text(
                f"({old.da} findes ikke her; nærmeste: {new.da}.)",
                f"({old.en} is not among the weights here; nearest: {new.en}.)",
            ),
        )
    return Decision(value, code, text, target_reps=target, estimated_max=one_rm)
