"""The progression engine: what to do next time in one exercise, and why.

:func:`prescribe` reads the sets a person logged for one exercise, their check-ins and
the program's dose, and answers with a :class:`Prescription`: the load (band level, kg
or seconds), the target and a plain-language reason in Danish and English that names
the numbers it rests on. Every number is a field of :class:`ProgressionRules`, so a
program can tune it.

Each rule is a module of its own with its source (DOMAIN.md, "Progression" and "Load
units", and the Danish trials it cites) in the docstring, so each can be checked alone;
:mod:`.composer` applies them in a stated order:

1. :mod:`.red_flag` — a red flag in the latest check-in pauses progression.
2. :mod:`.first_session` — nothing logged yet: start light.
3. :mod:`.long_break` — over four weeks off: one level down.
4. :mod:`.pain_in_set` — pain above 5 during a set: one step down.
5. :mod:`.pain_rise` — more pain after training than before: one step down.
6. :mod:`.pain_checkin` — pain above 5 in a check-in since the last session: one step down.
7. :mod:`.short_break` — two to four weeks off: same level, two reps short.
8. :mod:`.estimated_max` — after a weight the person chose: from the Epley estimate.
9. :mod:`.too_few_reps` — under the range twice in a row: one step down.
10. :mod:`.two_for_two` — enough twice in a row: one step up.
11. :mod:`.pain_hold` — pain of 4-5, or above 5 in a check-in: keep the load.
12. :mod:`.no_change` — otherwise the same load.

On top: :mod:`.override` (the person's own choice, once), :mod:`.soreness` (a word
that early soreness is normal) and :mod:`.preview` (what it takes to change next time).
The shared pieces are the inputs and outputs (:mod:`.inputs`, :mod:`.outcome`), the
numbers (:mod:`.parameters`), the plan and its ladders (:mod:`.plan`, :mod:`.ladder`),
the history as the rules read it (:mod:`.history`, :mod:`.facts`), the two moves
(:mod:`.moves`) and the words (:mod:`.words`).
"""

from __future__ import annotations

from coach.domain.progression.composer import RULES, prescribe
from coach.domain.progression.inputs import (
    CHECKIN_REGION_COVERS,
    BandLevelView,
    CheckIn,
    LoadScale,
    LoggedSet,
    Override,
    band_levels,
)
from coach.domain.progression.outcome import Change, ChangeCode, Prescription
from coach.domain.progression.parameters import DEFAULT_RULES, ProgressionRules
from coach.domain.weights import epley_1rm, load_for_reps

__all__ = [
    "CHECKIN_REGION_COVERS",
    "DEFAULT_RULES",
    "RULES",
    "BandLevelView",
    "Change",
    "ChangeCode",
    "CheckIn",
    "LoadScale",
    "LoggedSet",
    "Override",
    "Prescription",
    "ProgressionRules",
    "band_levels",
    "epley_1rm",
    "load_for_reps",
    "prescribe",
]
