"""The app's own error pages for addresses outside ``/api``: styled like the app, in
the person's language, always with a way back. ``/api`` keeps its JSON errors
(:mod:`coach.errors`)."""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from coach.accounts.auth import current_person
from coach.domain.calendar import LANGUAGES

# Nothing but the app's style sheet: the page has no scripts, images or forms.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)

# What each kind of error says, in each language; any other code says the last.
WORDS: dict[str, dict[int | str, dict[str, str]]] = {
    "da": {
        401: {"title": "Log ind først", "text": "Siden er kun for den, der er logget ind."},
        403: {
            "title": "Siden er ikke for dig",
            "text": "Din rolle giver ikke adgang til den side. Din egen træning finder du "
            "under I dag og Fremskridt.",
        },
        404: {
            "title": "Siden findes ikke",
            "text": "Der er ingen side på den adresse. Måske er linket forkert eller gammelt.",
        },
        "other": {"title": "Det gik ikke", "text": "Siden kunne ikke vises. Prøv igen om lidt."},
        "back_app": {"back": "Tilbage til I dag"},
        "back_home": {"back": "Til forsiden"},
        "code": {"code": "Fejlkode {code}"},
    },
    "en": {
        401: {"title": "Sign in first", "text": "This page is only for someone signed in."},
        403: {
            "title": "This page is not for you",
            "text": "Your role does not give access to this page. Your own training is "
            "under Today and Progress.",
        },
        404: {
            "title": "There is no such page",
            "text": "Nothing lives at this address. Perhaps the link is wrong or old.",
        },
        "other": {
            "title": "That did not work",
            "text": "The page could not be shown. Try again soon.",
        },
        "back_app": {"back": "Back to today"},
        "back_home": {"back": "To the start page"},
        "code": {"code": "Error code {code}"},
    },
}


def page_language() -> str:
    """The person's language, else the browser's (Accept-Language), else Danish."""
    person = current_person()
    if person is not None and person.language in LANGUAGES:
        return person.language
    return request.accept_languages.best_match(LANGUAGES) or "da"


def error_page(error: HTTPException) -> Response:
    """The styled page for ``error``, with the error's status and headers."""
    code = error.code or 500
    lang = page_language()
    table = WORDS[lang]
    signed_in = current_person() is not None
    words = {
        **table.get(code, table["other"]),
        **table["back_app" if signed_in else "back_home"],
        "code": table["code"]["code"].format(code=code),
    }
    bundle = current_app.extensions["coach_web"]
    page = render_template(
        "web/error.html",
        lang=lang,
        words=words,
        back="/today" if signed_in else "/",
        static_prefix=bundle.prefix,
    )
    response = current_app.response_class(page, status=code, mimetype="text/html")
    for key, value in error.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response
