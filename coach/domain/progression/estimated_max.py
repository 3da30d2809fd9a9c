"""After a session at a weight the person chose: the next weight from an Epley estimate.

Source: DOMAIN.md, "Progression": sets of 8-12 at "≈ 70 % 1RM"; "1RM estimate: Epley,
w * (1 + reps/30); 12 reps ≈ 70 % 1RM"; and "the user can override it once". The
session done at the person's own weight is judged on its own — the two-in-a-row rule
has nothing to compare it with — by picking the available weight within one step that
is closest to the share of the estimate the dose aims at.
"""

# The sentences people read use typographic dashes.
# ruff: noqa: RUF001

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression import pain_hold
from coach.domain.progression.facts import Facts
from coach.domain.progression.ladder import Axis
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import kg, listing


def decide(facts: Facts) -> Decision | None:
    """The weight after an overridden session, from that session's estimated max."""
    override = facts.override
    if (
        facts.ladder.axis is not Axis.WEIGHT
        or override is None
        or override.load_kg is None
        or not facts.override_was_last()
        or facts.level_session is not facts.last
    ):
        return None
    one_rm = facts.estimate()
    level = facts.level
    if one_rm is None or level is None:
        return None
    ladder = facts.ladder
    options = [
        x
        for x in (
            ladder.below(level),
            level if ladder.has(level) else None,
            ladder.above(level) if pain_hold.hold(facts) is None else None,
        )
        if x is not None
    ]
    if not options:
        return None
    aim = facts.plan.target_kg(one_rm)
    value = min(options, key=lambda x: (abs(x - aim), x))
    text = _text(facts, value, one_rm)
    return Decision(value, ChangeCode.ESTIMATED_MAX, text, estimated_max=one_rm)


def _text(facts: Facts, value: float, one_rm: float) -> Text:
    assert facts.last is not None and facts.level is not None
    old, new = facts.plan.name(facts.level), facts.plan.name(value)
    reps = facts.last.reps
    pct = round(100 * value / one_rm)
    aimed = facts.plan.aimed_pct
    return Text(
        f"Sidste gang valgte du selv {old.da} og tog {listing(reps, 'da')} gentagelser. "
        f"Det giver et anslået maksimum på omkring {kg(one_rm, 'da')} (Epley), og "
        f"{new.da} er cirka {pct} % af det, tættest på de {aimed} %, vi sigter efter – "
        f"næste gang: {new.da}.",
        f"Last time you chose {old.en} yourself and did {listing(reps, 'en')} reps. That "
        f"gives an estimated max of about {kg(one_rm, 'en')} (Epley), and {new.en} is "
        f"about {pct} % of it, the closest to the {aimed} % we aim for — next: {new.en}.",
    )
