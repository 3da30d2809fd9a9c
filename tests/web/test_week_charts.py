"""Charts that tell the truth, in a real Chromium at 360x740 and 390x844, in Danish and
English, on the demo workplace (ten weeks of history ending today): the week under way
reads "so far" and is held to what is due by today; the weeks before the demo began
and a person without a program read "no plan", never "0 of 0"; and on the member's
progress and on every team screen no table or chart is wider than its container, nor
the page wider than the phone. axe-core finds nothing serious on any of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Person
from coach.demo.commands import load_demo
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team
from tests.web.browser import axe_violations
from tests.web.conftest import PHONE, SMALL_PHONE
from tests.web.test_lead_screens import ready, signed_in_page

pytestmark = pytest.mark.browser

WORDS = {
    "da": {
        "locale": "da-DK",
        "so_far": "indtil nu",
        "week_so_far": "Ugen indtil nu",
        "no_plan": "Ingen plan denne uge",
        "no_plan_row": "ingen plan",
        "n_of_zero": re.compile(r"\b0 af 0\b"),
        "show_numbers": "Vis tallene",
    },
    "en": {
        "locale": "en-GB",
        "so_far": "so far",
        "week_so_far": "This week so far",
        "no_plan": "No plan this week",
        "no_plan_row": "no plan",
        "n_of_zero": re.compile(r"\b0 of 0\b"),
        "show_numbers": "Show the numbers",
    },
}

# Every table, chart and legend fits inside its container (no sideways scrolling in a
# table's wrapper, no box past its parent's edge) and the page fits the phone.
OVERFLOW = """() => {
    const problems = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > root.clientWidth) {
        problems.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    }
    const name = (el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`
        + ` in ${el.closest('section')?.getAttribute('aria-labelledby') || 'main'}`;
    for (const el of document.querySelectorAll(
        'main table, main .table-scroll, main svg.chart, main figure, main .chart-legend')) {
        if (el.scrollWidth > el.clientWidth + 1) {
            problems.push(`${name(el)} scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
        }
        const box = el.getBoundingClientRect();
        const parent = el.parentElement.getBoundingClientRect();
        if (box.right > parent.right + 1 || box.left < parent.left - 1) {
            problems.push(`${name(el)} sticks out: ${box.left}..${box.right}`
                + ` of ${parent.left}..${parent.right}`);
        }
    }
    const main = document.querySelector('main').getBoundingClientRect();
    for (const el of document.querySelectorAll('main *')) {
        const box = el.getBoundingClientRect();
        if (box.width && (box.right > main.right + 1 || box.left < main.left - 1)) {
            problems.push(`${name(el)} is cut off: ${box.left}..${box.right}`);
        }
    }
    return problems.slice(0, 10);
}"""


def fits_both_phones(page: Any, name: str) -> None:
    for viewport in (PHONE, SMALL_PHONE):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(50)  # one layout pass at the new width
        assert page.evaluate(OVERFLOW) == [], (name, viewport)


def touched(page: Any, axe_source: str, shots: Path, name: str) -> None:
    """A screen this change drew anew: it fits both phones, passes axe, and is kept."""
    fits_both_phones(page, name)
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    assert axe_violations(page, axe_source) == [], name


def demo_people(language: str) -> tuple[Team, Person, Person, Person]:
    """The demo's first team, its lead, a member of it and the admin, in ``language``."""
    load_demo()
    team = db.session.scalar(sa.select(Team).order_by(Team.id))
    assert team is not None
    people = list(db.session.scalars(sa.select(Person)))
    for person in people:
        person.language = language
    db.session.commit()
    lead = next(p for p in people if p.team_id == team.id and p.role == Role.LEAD.value)
    member = next(p for p in people if p.display_name == "Jonas")
    admin = next(p for p in people if p.role == Role.ADMIN.value)
    return team, lead, member, admin


def open_at(page: Any, live_url: str, path: str) -> Any:
    page.goto(live_url + path)
    ready(page)
    main = page.locator("main")
    main.locator("h1").first.wait_for()
    return main


@pytest.mark.parametrize("language", ["da", "en"])
def test_weeks_read_so_far_and_no_plan_and_every_team_screen_fits_a_phone(
    app: Flask,
    live_url: str,
    phone: Callable[..., Any],
    axe_source: str,
    shots: Path,
    language: str,
) -> None:
    words = WORDS[language]
    team, lead, member, admin = demo_people(language)

    pages: list[Any] = []

    def page_of(person: Person) -> Any:
        pages.append(signed_in_page(phone(SMALL_PHONE, words["locale"]), live_url, person))
        return pages[-1]

    # The lead's team overview: the week under way in words, so far; the two weeks
    # before the demo began have no plan; nothing reads "0 of 0".
    page = page_of(lead)
    main = open_at(page, live_url, f"/team/{team.id}")
    participation = main.locator("section[aria-labelledby='t-participation']")
    assert (
        participation.locator("#t-participation-now").inner_text().startswith(words["week_so_far"])
    )
    chart = participation.locator("svg.chart").first
    assert chart.locator("rect.bar").count() == 12
    assert chart.locator("rect.bar.so-far").count() == 1
    assert chart.locator("rect.bar.no-plan").count() == 2
    participation.get_by_text(words["show_numbers"]).click()
    table = participation.get_by_role("table")
    this_week, *_rest, first = table.locator("tbody tr").all()
    assert words["so_far"] in this_week.locator("th").inner_text()
    assert first.locator("td").inner_text() == words["no_plan_row"]
    assert not words["n_of_zero"].search(main.inner_text())
    touched(page, axe_source, shots, f"{language}-team-overview")

    for path in (
        f"/team/{team.id}/invites",
        f"/team/{team.id}/settings",
        f"/team/{team.id}/polls",
        "/team/plan",
    ):
        open_at(page, live_url, path)
        fits_both_phones(page, f"{language}-{path.split('/')[-1]}")

    # Today's team card: the week so far against what is due by today.
    main = open_at(page, live_url, "/today")
    week = main.locator("#team-week")
    week.wait_for()
    assert week.inner_text().startswith(words["week_so_far"])
    touched(page, axe_source, shots, f"{language}-today")

    # A member's progress: this week counted so far, as its own look in the chart.
    page = page_of(member)
    main = open_at(page, live_url, "/progress")
    sessions = main.locator("section[aria-labelledby='p-sessions']")
    assert sessions.locator("rect.bar.so-far").count() == 1
    sessions.get_by_text(words["show_numbers"]).click()
    newest = sessions.locator("#weeks-numbers li").first.inner_text()
    assert re.search(rf"\d+ (af|of) \d+ {words['so_far']}$", newest), newest
    assert not words["n_of_zero"].search(main.inner_text())
    touched(page, axe_source, shots, f"{language}-progress")

    # The admin: the workplace's weeks and people; their own progress has no plan.
    page = page_of(admin)
    main = open_at(page, live_url, "/team")
    now = main.locator("#w-participation-now")
    assert now.inner_text().startswith(words["week_so_far"])
    assert not words["n_of_zero"].search(main.inner_text())
    touched(page, axe_source, shots, f"{language}-workplace")
    open_at(page, live_url, "/team/people")
    fits_both_phones(page, f"{language}-people")
    main = open_at(page, live_url, "/progress")
    assert (
        main.locator("section[aria-labelledby='p-sessions']").inner_text().count(words["no_plan"])
        == 1
    )
    assert main.locator("rect.bar.so-far").count() == 0
    assert not words["n_of_zero"].search(main.inner_text())
    touched(page, axe_source, shots, f"{language}-progress-no-plan")
    assert [p.errors for p in pages] == [[], [], []]
