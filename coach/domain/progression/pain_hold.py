"""Pain of 4-5 during a set, or above 5 in a check-in: keep the load.

Source: DOMAIN.md, "Progression", pain monitoring (0-10 during exercise): "0-3 fine;
4-5 keep the load" (``pain_fine_max`` 3, ``pain_keep_max`` 5). Pain above 5 in the
latest check-in, in any region, also forbids a step up, and so does pain above 3 in
an earlier session of the pair that would otherwise earn one ("2-for-2" needs both).
"""

# The sentences people read use typographic dashes (ranges such as 4 to 5).
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass

from coach.domain.catalogue import Text
from coach.domain.progression.facts import Facts
from coach.domain.progression.moves import kept
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import REGION_PHRASES, count


@dataclass(frozen=True)
class PainHold:
    """Pain that forbids a step up: where it was reported and how high."""

    source: str  # "set" (last session, 4-5), "checkin" (above 5), "earlier" (a streak session)
    value: int
    region: str | None = None


def checkin_pain(facts: Facts) -> tuple[str, int] | None:
    """Pain above pain_keep_max in any region of the latest check-in."""
    if facts.latest_checkin is None:
        return None
    worst = facts.latest_checkin.worst()
    return worst if worst and worst[1] > facts.rules.pain_keep_max else None


def hold(facts: Facts) -> PainHold | None:
    """Pain that says "keep the load": 4-5 last time, a check-in above 5, or pain
    above 3 in a session of the streak that would otherwise earn a step up."""
    rules = facts.rules
    last_pain = facts.last.pain if facts.last else None
    if last_pain is not None and rules.pain_fine_max < last_pain <= rules.pain_keep_max:
        return PainHold("set", last_pain)
    checkin = checkin_pain(facts)
    if checkin:
        return PainHold("checkin", checkin[1], checkin[0])
    streak = facts.streak
    if streak:
        worst = max((s.pain for s in streak if s.pain is not None), default=None)
        if worst is not None and worst > rules.pain_fine_max:
            return PainHold("earlier", worst)
    return None


def decide(facts: Facts) -> Decision | None:
    """The load kept while pain says so, saying whether a step up was earned."""
    found = hold(facts)
    if found is None:
        return None
    assert facts.level is not None
    blocked = facts.streak is not None and facts.ladder.above(facts.level) is not None
    return kept(facts, ChangeCode.HOLD_PAIN, _text(facts, found, blocked), False)


def _text(facts: Facts, found: PainHold, blocked: bool) -> Text:
    stay = facts.plan.stay(facts.keep(False)[0])
    rules = facts.rules
    but = (
        Text(
            ", selv om du ellers har fortjent et trin op", " even though you have earned a step up"
        )
        if blocked
        else Text("", "")
    )
    if found.source == "set":
        return Text(
            f"Du angav smerte på {found.value} ud af 10 under øvelsen sidste gang. Ved "
            f"{rules.pain_fine_max + 1}–{rules.pain_keep_max} holder vi belastningen, så "
            f"{stay.da}{but.da}.",
            f"You reported pain of {found.value} out of 10 during this exercise last time. At "
            f"{rules.pain_fine_max + 1}–{rules.pain_keep_max} we keep the load, so "
            f"{stay.en}{but.en}.",
        )
    if found.source == "checkin":
        where = REGION_PHRASES.get(
            found.region or "", Text(f"({found.region})", f"({found.region})")
        )
        return Text(
            f"Du angav smerte på {found.value} ud af 10 {where.da} i dit seneste tjek-ind, så "
            f"vi gør det ikke tungere: {stay.da}{but.da}.",
            f"You reported pain of {found.value} out of 10 {where.en} in your latest check-in, "
            f"so we don't make it heavier: {stay.en}{but.en}.",
        )
    n = count(facts.plan.in_a_row)
    return Text(
        f"Du angav smerte på {found.value} ud af 10 i en af træningerne {n.da}, så vi gør "
        f"det ikke tungere endnu: {stay.da}{but.da}.",
        f"You reported pain of {found.value} out of 10 in one of the sessions {n.en}, so we "
        f"don't make it heavier yet: {stay.en}{but.en}.",
    )
