"""Soreness after the first sessions is normal: a word that says so.

Source: DOMAIN.md, "The situation we serve": "Early 'training soreness' (warm, sore,
tired muscles) is normal and short-lived." Reported within ``soreness_note_days`` (2),
the reason ends with a reassurance — not after a pause or a step down for pain, where
it would contradict the advice.
"""

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.outcome import ChangeCode

# Reasons that already speak about pain or a warning sign; a reassurance would not fit.
_NOT_AFTER = (ChangeCode.RED_FLAG_PAUSE, ChangeCode.STEP_DOWN_PAIN)


def note(facts: Facts, code: ChangeCode) -> Text | None:
    """The reassurance, when soreness was reported recently and ``code`` allows it."""
    latest = facts.latest_checkin
    if (
        code in _NOT_AFTER
        or latest is None
        or not latest.soreness
        or (facts.today - latest.day).days > facts.rules.soreness_note_days
    ):
        return None
    return Text(
        "Ømme, trætte muskler de første uger er normalt og går over på få dage.",
        "Sore, tired muscles in the first weeks are normal and pass in a few days.",
    )
