"""What a reminder says, by language: the push notification and the fallback email.

Its own module so that the push service and the mail sender both read it without
importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping

TEXTS: Mapping[str, Mapping[str, str]] = {
    "da": {
        "title": "Tid til dagens træning",
        "body": "Et par minutter med elastikken nu, så er frokosten din pause.",
        "start": "Start nu",
        "later": "Senere",
        "email_subject": "Påmindelse: dagens træning",
    },
    "en": {
        "title": "Time for today's training",
        "body": "A few minutes with the band now, and lunch is your recovery.",
        "start": "Start now",
        "later": "Later",
        "email_subject": "Reminder: today's training",
    },
}
