"""Over four weeks off: one level down.

Source: DOMAIN.md, "Progression", breaks: "under 2 weeks, carry on; 2-4 weeks, same
level, stop two reps short at first; over 4 weeks, one level down"
(``break_step_down_days``, 28).
"""

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.moves import stepped_down
from coach.domain.progression.outcome import ChangeCode, Decision


def is_long(facts: Facts) -> bool:
    """More than ``break_step_down_days`` since the last session of the exercise."""
    return facts.days_since is not None and facts.days_since > facts.rules.break_step_down_days


def decide(facts: Facts) -> Decision | None:
    """A step down after a long break."""
    if not is_long(facts):
        return None
    limit = facts.rules.break_step_down_days
    why = Text(
        f"Det er {facts.days_since} dage siden, du sidst lavede øvelsen, mere end {limit}, så "
        "vi starter et trin lavere",
        f"It has been {facts.days_since} days since you last did this exercise, more than "
        f"{limit}, so we start one step lower",
    )
    return stepped_down(facts, ChangeCode.BREAK_LONG, why)
