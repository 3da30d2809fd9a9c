"""``/report``: the project report as a page to print, for a signed-in admin only."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template
from werkzeug.exceptions import Forbidden, Unauthorized

from coach.accounts.auth import current_person
from coach.catalogue.service import current_catalogue
from coach.domain.privacy import MIN_PAIN_REPORTERS
from coach.domain.roles import Role
from coach.teams import report_words
from coach.teams.report import report

pages = Blueprint(
    "team_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/report/static",
)

# No scripts at all, styles only from our own stylesheet.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def _program_name(slug: str, lang: str) -> str:
    program = current_catalogue().programs.get(slug)
    return program.name.in_language(lang) if program is not None else slug


@pages.route("/report")
def report_page() -> Response:
    """Weekly participation per team and the teams' pain trend, laid out for print."""
    person = current_person()
    if person is None:
        raise Unauthorized("Sign in as the workplace's admin first.")
    if person.role_enum is not Role.ADMIN:
        raise Forbidden("Only the workplace's admin sees the report.")
    data = report(person.workplace)
    lang = person.language if person.language in report_words.WORDS else "da"
    page = render_template(
        "teams/report.html",
        data=data,
        weeks=[w["week_start"] for w in data["weeks"]],
        min_reporters=MIN_PAIN_REPORTERS,
        lang=lang,
        w=report_words.WORDS[lang],
        regions=report_words.REGIONS[lang],
        program=lambda slug: _program_name(slug, lang),
        day=lambda value: report_words.day(value, lang),
        number=lambda value, signed=False: report_words.number(value, lang, signed),
    )
    response = make_response(page)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Language"] = lang
    return response
