"""Pain above 5 during a set: one step down, and say why.

Source: DOMAIN.md, "Progression", pain monitoring (0-10 during exercise): "0-3 fine;
4-5 keep the load; above 5 … → one step down, and say why" (``pain_keep_max``, 5).
Keeping the load at 4-5 is the rule in :mod:`.pain_hold`.
"""

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.moves import stepped_down
from coach.domain.progression.outcome import ChangeCode, Decision


def too_much(facts: Facts) -> int | None:
    """The highest pain of the last session's sets, when it is above ``pain_keep_max``."""
    pain = facts.last.pain if facts.last else None
    return pain if pain is not None and pain > facts.rules.pain_keep_max else None


def decide(facts: Facts) -> Decision | None:
    """A step down after pain above 5 in the last session."""
    pain = too_much(facts)
    if pain is None:
        return None
    limit = facts.rules.pain_keep_max
    why = Text(
        f"Du angav smerte på {pain} ud af 10 under øvelsen sidste gang. Over "
        f"{limit} betyder et trin ned",
        f"You reported pain of {pain} out of 10 during this exercise last time. Above "
        f"{limit} means one step down",
    )
    return stepped_down(facts, ChangeCode.STEP_DOWN_PAIN, why)
