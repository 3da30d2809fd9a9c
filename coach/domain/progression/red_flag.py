"""A red flag in the latest check-in: stop, see a doctor; progression pauses.

Source: DOMAIN.md, "Progression", red flags: "new numbness, tingling or weakness in the
arms, trauma, fever or weight loss, worsening pain over weeks: stop training and advise
contacting the doctor. Never diagnose." The pause lasts ``red_flag_days`` (14) or until
a later check-in without a flag. The load shown for when training may start again is
the last one, or one step lower when a break, pain in a set or a pain rise asks for it.
"""

from __future__ import annotations

from coach.domain.catalogue import Text
from coach.domain.progression import long_break, pain_in_set, pain_rise
from coach.domain.progression.facts import Facts
from coach.domain.progression.ladder import Axis
from coach.domain.progression.outcome import ChangeCode, Decision
from coach.domain.progression.words import join


def decide(facts: Facts) -> Decision | None:
    """The pause, while a recent red flag stands."""
    if facts.red_flag_days_ago is None:
        return None
    if facts.level is None:
        value = facts.plan.start(facts.ladder)
    elif long_break.is_long(facts) or pain_in_set.too_much(facts) or pain_rise.rise(facts):
        value = facts.down()
    else:
        value = facts.keep(False)[0]
    return Decision(value, ChangeCode.RED_FLAG_PAUSE, _text(facts, value))


def _text(facts: Facts, value: float) -> Text:
    ago = facts.red_flag_days_ago
    when = {0: Text("i dag", "today"), 1: Text("i går", "yesterday")}.get(
        ago or 0, Text(f"for {ago} dage siden", f"{ago} days ago")
    )
    text = Text(
        f"Du angav et faresignal i dit tjek-ind {when.da}, fx ny følelsesløshed, prikken "
        "eller svaghed i armene, en skade, feber eller vægttab eller smerter, der er blevet "
        "værre over flere uger. Stop øvelsen indtil videre, og kontakt din læge. Vi har sat "
        "din progression på pause.",
        f"You reported a warning sign in your check-in {when.en}, such as new numbness, "
        "tingling or weakness in your arms, an injury, fever or weight loss, or pain that "
        "has got worse over weeks. Stop this exercise for now and contact your doctor. Your "
        "progression is paused.",
    )
    if facts.ladder.axis is Axis.NONE:
        return text
    name = facts.plan.name(value)
    return join(
        text,
        Text(
            f"Når du må træne igen, så start med {name.da}.",
            f"When you may train again, start with {name.en}.",
        ),
    )
