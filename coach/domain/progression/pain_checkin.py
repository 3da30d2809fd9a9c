"""Pain above 5 in a check-in since the last session: one step down, and say why.

Source: DOMAIN.md, "Progression", pain monitoring: "0-3 fine; 4-5 keep the load; above
5 … → one step down, and say why" (``pain_keep_max``, 5). The check-in's advice says
the same (:mod:`coach.domain.advice`, ``PAIN_HIGH``), so the engine and its
explanation agree.

Only a check-in newer than the last session steps down: once the person has trained at
the lighter load, the same answer does not step down again (it still keeps the load,
:mod:`.pain_hold`, until a check-in says the pain is 5 or less).
"""

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.moves import stepped_down
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.pain_hold import checkin_pain
from coach.domain.progression.words import REGION_PHRASES


def since_last_session(facts: Facts) -> tuple[str, int] | None:
    """(region, pain): pain above ``pain_keep_max`` in a check-in after the last session."""
    latest = facts.latest_checkin
    if facts.last is None or latest is None or latest.day <= facts.last.day:
        return None
    return checkin_pain(facts)


def decide(facts: Facts) -> Decision | None:
    """A step down after a check-in with pain above 5, once."""
    found = since_last_session(facts)
    if found is None:
        return None
    region, pain = found
    where = REGION_PHRASES.get(region, Text(f"({region})", f"({region})"))
    limit = facts.rules.pain_keep_max
    why = Text(
        f"Du angav smerte på {pain} ud af 10 {where.da} i dit tjek ind. Over {limit} går vi "
        "et trin ned",
        f"You reported pain of {pain} out of 10 {where.en} in your check-in. Above {limit} "
        "we step down one level",
    )
    return stepped_down(facts, ChangeCode.STEP_DOWN_PAIN, why)
