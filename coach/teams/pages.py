"""``/report``: the project report as a page to print, for a signed-in admin only."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template
from werkzeug.exceptions import Forbidden, Unauthorized

from coach.accounts.auth import current_person
from coach.domain.privacy import MIN_PAIN_REPORTERS
from coach.domain.roles import Role
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


@pages.route("/report")
def report_page() -> Response:
    """Weekly participation per team and the teams' pain trend, laid out for print."""
    person = current_person()
    if person is None:
        raise Unauthorized("Sign in as the workplace's admin first.")
    if person.role_enum is not Role.ADMIN:
        raise Forbidden("Only the workplace's admin sees the report.")
    data = report(person.workplace)
    page = render_template(
        "teams/report.html",
        data=data,
        weeks=[w["week_start"] for w in data["weeks"]],
        min_reporters=MIN_PAIN_REPORTERS,
    )
    response = make_response(page)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response
