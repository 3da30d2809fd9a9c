"""What the printable report (``/report``) says, in Danish and English, and how it
writes days and numbers in each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

# Column heads carry soft hyphens (U+00AD) where the word may break: a phone's narrow
# columns then read "Træ-/ninger", never "Trænings/er" cut at whatever letter fits.
WORDS: Mapping[str, Mapping[str, str]] = {
    "da": {
        "title": "Projektrapport",
        "meta": "Ugerne fra {first} til {last}, opgjort {today}. Smerter vises kun som "
        "holdtal over mindst {min} personer, der har svaret; ingen persons smerter og "
        "intet navn står i rapporten.",
        "all_teams": "Deltagelse, alle hold",
        "teams": "Hold",
        "members": "{program}, {n} medlemmer",
        "week_of": "Uge fra",
        "enrolled": "Til\u00admeldt",
        "active": "Aktive",
        "sessions": "Træ\u00adninger",
        "target": "Mål",
        "adherence": "Del\u00adta\u00adgel\u00adse %",
        "pain_caption": "Smerter, median (gennemsnit; ændring i median siden holdets første "
        "fire uger), 0\u201310",
        "too_few": "for få svar",
        "no_plan": "ingen plan denne uge",
        "so_far": "{due} indtil nu (af {target})",
        "none": "\u2013",
    },
    "en": {
        "title": "Project report",
        "meta": "Weeks {first} to {last}, as of {today}. Pain is shown only as team figures "
        "over at least {min} people who answered; no person's pain and no name appears in "
        "this report.",
        "all_teams": "Participation, all teams",
        "teams": "Teams",
        "members": "{program}, {n} members",
        "week_of": "Week of",
        "enrolled": "En\u00adrolled",
        "active": "Active",
        "sessions": "Ses\u00adsions",
        "target": "Target",
        "adherence": "Adhe\u00adrence %",
        "pain_caption": "Pain, median (mean; change in median since the team's first four "
        "weeks), 0\u201310",
        "too_few": "too few answers",
        "no_plan": "no plan this week",
        "so_far": "{due} so far (of {target})",
        "none": "\u2013",
    },
}

REGIONS: Mapping[str, Mapping[str, str]] = {
    "da": {"neck": "Nakke", "shoulder": "Skulder", "arm": "Arm", "lower-back": "Lænd"},
    "en": {"neck": "Neck", "shoulder": "Shoulder", "arm": "Arm", "lower-back": "Lower back"},
}

_MONTHS = {
    "da": [
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "maj",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "okt.",
        "nov.",
        "dec.",
    ],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def day(value: date, language: str) -> str:
    """ "30. nov. 2026" / "30 Nov 2026"."""
    month = _MONTHS[language][value.month - 1]
    if language == "da":
        return f"{value.day}. {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def number(value: float | int, language: str, signed: bool = False) -> str:
    """One decimal for a float (a comma in Danish), a whole number as it is."""
    text = f"{value:+.1f}" if signed else f"{value:.1f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if language == "da" else text
