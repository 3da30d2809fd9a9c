"""The printable report on a phone and on paper, in the admin's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coach.accounts.auth import COOKIE
from coach.domain.roles import Role
from tests.factories import make_device_session, make_person, make_team, make_workplace
from tests.teams.participation_fixtures import check_in, long_ago, train, weeks_back
from tests.web.browser import axe_violations
from tests.web.conftest import PHONE

pytestmark = pytest.mark.browser

# An A4 page's width inside the report's 15 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH = round((210 - 2 * 15) / 25.4 * 96)
FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _admin_of_a_busy_workplace(language: str) -> Any:
    workplace = make_workplace(name="Havnekontoret og Lagerafdelingen Nord")
    for name in ("Pakkeriet", "Kundeservice og Salg"):
        team = make_team(workplace, name=name, program="office-daily-5")
        w2, w1, w0 = weeks_back(team, 3)
        for i in range(6):
            member = make_person(team=team, created_at=long_ago())
            train(member, [w2, w1][: 1 + i % 2])
            check_in(member, w0, neck=i + 1, shoulder=i % 4, arm=2, lower_back=7 - i)
            check_in(member, w1, neck=i, shoulder=1, arm=1, lower_back=3)
    return make_person(Role.ADMIN, workplace=workplace, language=language)


@pytest.mark.parametrize(
    ("language", "title"), [("da", "Projektrapport"), ("en", "Project report")]
)
def test_the_report_fits_a_phone_and_prints_on_a4(
    app: Flask,
    live_url: str,
    handset: Callable[..., Any],
    axe_source: str,
    shots: Path,
    language: str,
    title: str,
) -> None:
    admin = _admin_of_a_busy_workplace(language)
    token, _csrf = make_device_session(admin)
    page = handset(PHONE, "en-GB" if language == "da" else "da-DK")  # the setting wins
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": live_url}])
    response = page.goto(f"{live_url}/report")
    assert response is not None and response.status == 200
    page.locator("h1", has_text=title).wait_for()
    assert page.evaluate("() => document.documentElement.lang") == language
    assert page.evaluate(FITS), "the report is wider than a 390 px phone"
    # No table sticks out of the page either (a cell's text wraps instead).
    assert page.evaluate(
        "() => [...document.querySelectorAll('table')].every("
        "t => t.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5)"
    )
    # A column head breaks only where its word may (soft hyphens), so none sticks out.
    assert page.evaluate(
        "() => [...document.querySelectorAll('thead th')].every("
        "th => th.scrollWidth <= th.clientWidth)"
    ), "a column head is wider than its column"
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=shots / f"report-{language}.png", full_page=True)

    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    assert page.evaluate(FITS), "the report is wider than an A4 page"
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 6, pages
