"""Screenshots of every screen a person sees, for docs/screens.md and the README.

    make screenshots        (or .venv/bin/python scripts/screenshots.py after
                             `make .venv/.installed-test`: Playwright is a test dependency)

The app runs in this process on a free loopback port, on a throw-away instance folder
with its own SQLite database, and the demo workplace is loaded by the project's own
command (`flask demo load`). The demo member (Jonas), lead (Mette) and admin (Camilla)
are signed in as the browser tests sign people in (tests/web/browser.py), and each
screen is taken in the system Chromium at 390 x 844, in Danish and, where the words
matter, English: today (rep chips, undo, swap, cardio, the team card, pain 7's step
down, a red-flag day), check-in with saved answers, history with a set being
corrected, progress, settings and reminders, the team screens, a live session, the
report, the error pages.

Written: docs/screenshots/*.png (1x, small enough to keep in git; any other PNG there is
removed, so the folder is what the gallery shows), docs/phone-today.png (2x, the
README's: today's first card) and static/screenshots/today.png (the manifest's,
390 x 844).

Deterministic where the app allows it: the demo's ten weeks come from seeded generators,
relative to the day it is loaded, and the browser's locale, time zone, motion and
viewport are fixed. The server's clock is the machine's (the app has no clock to set),
so the dates on the screens are the day it runs, and on a day the team does not train
today's screen says so. Sets the demo logged for Jonas today are deleted first (as he
would undo them), so today always starts untrained. Every screen of
coach/web/screens.py must be in a picture: the script fails naming any that is not.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from coach import create_app  # noqa: E402
from coach.accounts.models import Person  # noqa: E402
from coach.coaching.models import WorkoutSet  # noqa: E402
from coach.extensions import db  # noqa: E402
from coach.teams.participation import workplace_today  # noqa: E402
from coach.web import screens  # noqa: E402
from tests.web.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    phone_context,
    ready,
    serving,
    signed_in_page,
)

OUT = ROOT / "docs" / "screenshots"
README_SHOT = ROOT / "docs" / "phone-today.png"
MANIFEST_SHOT = ROOT / "static" / "screenshots" / "today.png"
MEMBER, LEAD, ADMIN = "Jonas", "Mette", "Camilla (admin)"


class Album:
    """The running app, a Chromium, and the pictures taken so far."""

    def __init__(self, url: str, browser: Any, instance: Path) -> None:
        self.url, self.browser, self.instance = url, browser, instance
        self.taken: dict[str, str] = {}  # picture -> the path it shows

    def person(self, name: str) -> Person:
        db.session.rollback()  # see what the server's own sessions committed
        return db.session.execute(sa.select(Person).where(Person.display_name == name)).scalar_one()

    def page(self, name: str | None, locale: str = "da-DK", scale: float = 1) -> Any:
        """A new phone signed in as the demo person ``name`` (or nobody)."""
        context = phone_context(self.browser, PHONE, locale, scale)
        if name is None:
            page = context.new_page()
            page.errors = []
            page.on("pageerror", lambda error: page.errors.append(str(error)))
        else:
            page = signed_in_page(context, self.url, self.person(name))
        return page

    def open(self, page: Any, path: str) -> None:
        page.goto(self.url + path)
        ready(page)

    def delete(self, page: Any, path: str) -> None:
        """A DELETE as the page's person, through the API the app itself uses."""
        response = page.request.delete(self.url + path, headers={"X-CSRF-Token": page.csrf_token})
        if not response.ok:
            raise RuntimeError(f"DELETE {path}: {response.status} {response.text()}")

    def shot(self, page: Any, name: str, at: str | None = None, full_page: bool = False) -> None:
        """Save what the phone shows as ``name``: from the top, or from the element ``at``."""
        if at is None:
            page.evaluate("() => window.scrollTo(0, 0)")
        else:
            page.locator(at).first.wait_for()
            page.locator(at).first.evaluate(
                """el => {
                    const header = document.querySelector('header.bar')?.offsetHeight ?? 0;
                    const top = el.getBoundingClientRect().top + window.scrollY;
                    window.scrollTo(0, top - header - 8);
                }"""
            )
        page.evaluate("() => document.fonts.ready")
        page.screenshot(
            path=OUT / f"{name}.png", full_page=full_page, animations="disabled", caret="hide"
        )
        if page.errors:
            raise RuntimeError(f"{name}: the page failed: {page.errors}")
        self.taken[name] = urlsplit(page.url).path
        print(f"  {name:22} {self.taken[name]}")


def lead_screens(album: Album) -> None:
    """Mette runs her team: its weeks, a poll, invites, settings, the plan, a live session."""
    page = album.page(LEAD)
    album.open(page, "/team")  # a lead of one team goes straight to it
    page.wait_for_url(re.compile(r"/team/\d+$"))
    ready(page)
    team = urlsplit(page.url).path
    album.shot(page, "team")
    page.locator("[aria-labelledby=t-participation] details summary").click()
    album.shot(page, "team-numbers", at="[aria-labelledby=t-participation] details .table-scroll")
    album.shot(page, "team-pain", at="[aria-labelledby=t-pain]")

    album.open(page, f"{team}/polls")
    page.click("#poll-new-exercises")
    page.wait_for_selector("#poll-sets")
    album.shot(page, "team-poll-new")
    page.click("#poll-open")
    page.wait_for_selector("[data-poll] .poll-turnout")
    album.shot(page, "team-polls")

    album.open(page, f"{team}/invites")
    page.get_by_role("button", name="Lav invitationen").click()
    page.wait_for_selector("#invite-url")
    album.shot(page, "team-invites", at=".card:has(#invite-url)")
    album.open(page, f"{team}/settings")
    album.shot(page, "team-settings")
    album.open(page, "/team/plan")
    album.shot(page, "team-plan")

    album.open(page, "/today")
    page.click("#live-start")
    page.wait_for_url("**/session/*")
    page.wait_for_selector("[data-action=start]")
    session = urlsplit(page.url).path
    corridor = album.page(LEAD)
    album.open(corridor, f"{session}/screen")
    corridor.wait_for_selector("#screen-phase")
    page.click("[data-action=start]")
    page.wait_for_selector("#live-phase[data-phase=get_ready]")
    page.click("[data-action=next]")
    page.wait_for_selector("#live-phase[data-phase=work]")
    corridor.wait_for_selector("#screen-phase:has-text('Træn')")
    album.shot(page, "session")
    album.shot(corridor, "session-screen")
    page.click("[data-action=end]")
    page.wait_for_selector("#live-summary")

    page.goto(album.url + "/report")  # not the lead's: the app's own page, with a way back
    album.shot(page, "report-not-for-you")


def untrained_today(album: Album, page: Any) -> None:
    """Undo the sets the demo logged for Jonas today (after his team's reminder time)."""
    jonas = album.person(MEMBER)
    zone = ZoneInfo(jonas.workplace.time_zone)
    midnight = datetime.combine(workplace_today(jonas.workplace), time(0), tzinfo=zone)
    ids = db.session.scalars(
        sa.select(WorkoutSet.id).where(
            WorkoutSet.person_id == jonas.id, WorkoutSet.performed_at >= midnight
        )
    ).all()
    for set_id in ids:
        album.delete(page, f"/api/me/sets/{set_id}")


def slide(page: Any, region: str, value: int) -> None:
    """Answer ``region``'s pain slider on the check-in screen."""
    page.get_by_label(region, exact=True).evaluate(
        "(el, value) => { el.value = String(value);"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        value,
    )


def member_screens(album: Album) -> None:
    """Jonas's day: today, a set logged and its undo, a swap, the team card, check-in,
    history, progress, settings; a new phone; then some in English."""
    stranger = album.page(None)
    album.open(stranger, "/")
    album.shot(stranger, "welcome")
    token = json.loads((album.instance / "demo.json").read_text())["invite_token"]
    album.open(stranger, f"/join/{token}")
    album.shot(stranger, "join")

    page = album.page(MEMBER)
    untrained_today(album, page)
    album.open(page, "/today")
    card = page.locator("article.card:has(.rep-chips)").first
    card.wait_for()
    album.shot(page, "today")
    shutil.copyfile(OUT / "today.png", MANIFEST_SHOT)
    sharp = album.page(MEMBER, scale=2)
    album.open(sharp, "/today")
    # The card alone, without the tab bar over its foot (through CSSOM: the page's
    # policy refuses the style sheet Playwright's own option would add).
    sharp.evaluate("() => document.getElementById('tabs').style.setProperty('display', 'none')")
    sharp.locator("article.card:has(.rep-chips)").first.screenshot(
        path=README_SHOT, animations="disabled", caret="hide"
    )

    slug = card.get_attribute("id")
    card.locator(".rep-chip.is-target").click()
    page.locator(f"#{slug} .undo").wait_for()
    album.shot(page, "today-undo", at=f"#{slug}")
    swap = page.locator(f"article.card:not(#{slug}) details.swap").first
    swap.locator("summary").click()
    swap.locator(".swap-list").wait_for()
    album.shot(page, "today-swap", at="article.card:has(details.swap[open]) h2")
    album.shot(page, "today-team", at="#team-today")
    cardio = page.locator(".cardio-log")
    cardio.locator(".choice-chip").first.click()  # a kind; minutes and effort are guessed
    cardio.locator(".cardio-form").wait_for()
    album.shot(page, "today-cardio", at=".cardio-log")
    cardio.locator(".cardio-form button[type=submit]").click()
    page.locator("[aria-labelledby=cardio-logged-title] .undo").wait_for()
    album.shot(page, "today-cardio-logged", at="[aria-labelledby=cardio-logged-title]")

    album.open(page, "/checkin")
    slide(page, "Nakke", 3)
    slide(page, "Skuldre", 2)
    page.get_by_role("button", name="Gem tjek ind").click()
    page.locator("#advice").wait_for()
    album.open(page, "/checkin")  # the day's answers, as saved
    album.shot(page, "checkin")

    album.open(page, "/history")
    page.locator(".history-set button").first.click()
    page.locator(".history-set form").wait_for()
    album.shot(page, "history")
    album.open(page, "/progress")
    album.shot(page, "progress")
    album.open(page, "/settings")
    album.shot(page, "settings")
    album.shot(page, "reminders", at="[aria-labelledby=s-reminders]")
    album.open(page, "/settings")
    page.locator("[aria-labelledby=s-phone] button").click()
    link = page.locator("#sign-in-url").input_value()
    new_phone = album.page(None)
    new_phone.goto(link)
    ready(new_phone)
    album.shot(new_phone, "sign-in")

    page.goto(album.url + "/no-such-page")
    album.shot(page, "not-found")

    album.open(page, "/settings")
    page.select_option("#language", "en")
    page.locator("h1", has_text="Settings").wait_for()
    album.open(page, "/today")
    page.locator("article.card").first.wait_for()
    album.shot(page, "today-en")
    album.open(page, "/checkin")
    album.shot(page, "checkin-en")
    stranger_en = album.page(None, locale="en-GB")  # the page speaks the browser's language
    stranger_en.goto(album.url + "/no-such-page")
    album.shot(stranger_en, "not-found-en")
    album.open(page, "/settings")
    page.select_option("#language", "da")
    page.locator("h1", has_text="Indstillinger").wait_for()


def admin_screens(album: Album) -> None:
    """Camilla sees the workplace: every team, its people, the plan, the report."""
    page = album.page(ADMIN)
    album.open(page, "/team")
    album.shot(page, "workplace")
    album.open(page, "/team/people")
    album.shot(page, "people")
    album.open(page, "/team/plan")
    album.shot(page, "plan")
    page.goto(album.url + "/report")
    album.shot(page, "report", full_page=True)
    album.open(page, "/settings")
    page.select_option("#language", "en")
    page.locator("h1", has_text="Settings").wait_for()
    page.goto(album.url + "/report")
    album.shot(page, "report-en", full_page=True)


def member_later(album: Album) -> None:
    """Jonas votes in the poll Mette opened, answers pain 7 and sees today step down;
    last, as it pauses his training, a red flag and today's calm stop."""
    page = album.page(MEMBER)
    album.open(page, "/team/polls")
    page.wait_for_selector("[data-poll] form")
    album.shot(page, "polls")

    album.open(page, "/checkin")  # pain 7: today's load steps down, and says so
    slide(page, "Nakke", 7)
    page.get_by_role("button", name="Gem tjek ind").click()
    page.locator("#advice p").first.wait_for()
    album.shot(page, "checkin-advice", at="#advice")
    album.open(page, "/today")
    album.shot(page, "today-pain", at="article.card:has(.rep-chips) h2")
    album.open(page, "/checkin")
    page.locator("#check-numbness_or_tingling").check()
    page.get_by_role("button", name="Gem tjek ind").click()
    page.locator("#advice").wait_for()
    album.open(page, "/today")
    page.locator(".stop").wait_for()
    album.shot(page, "today-red-flag")


@contextmanager
def demo_app() -> Iterator[tuple[str, Path]]:
    """The app with the demo loaded, served on a free port: its address and instance."""
    with tempfile.TemporaryDirectory(prefix="coach-screenshots-") as tmp:
        instance = Path(tmp)
        app = create_app(
            {"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{instance / 'coach.db'}"}
        )
        with app.app_context():
            upgrade()
        loaded = app.test_cli_runner().invoke(args=["demo", "load"])
        if loaded.exit_code != 0:
            sys.exit(loaded.output)
        with app.app_context(), serving(app) as port:
            yield f"http://127.0.0.1:{port}", instance
            db.session.remove()


def unshown_screens(taken: dict[str, str]) -> list[str]:
    """The screens (rules of coach/web/screens.py) that no picture shows."""
    return [
        rule
        for rule in screens.RULES
        if not any(re.match(screens.pattern((rule,)), path) for path in taken.values())
    ]


def main() -> int:
    from playwright.sync_api import sync_playwright  # a test dependency

    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium, or name one in COACH_CHROMIUM")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_app() as (url, instance), sync_playwright() as driver:
        # Reduced motion for the whole browser: the drawings are images, whose own
        # animations a page's emulated media does not reach.
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--force-prefers-reduced-motion"]
        )
        album = Album(url, browser, instance)
        try:
            for screens_of in (member_screens, lead_screens, admin_screens, member_later):
                print(f"{screens_of.__doc__.splitlines()[0]}")
                screens_of(album)
        finally:
            browser.close()
    for stale in sorted(set(OUT.glob("*.png")) - {OUT / f"{n}.png" for n in album.taken}):
        stale.unlink()
        print(f"  removed {stale.relative_to(ROOT)}")
    missing = unshown_screens(album.taken)
    if missing:
        print(f"No picture shows {', '.join(missing)}: add it to {Path(__file__).name}")
        return 1
    print(f"{len(album.taken)} screenshots in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
