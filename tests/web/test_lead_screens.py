"""The team screens for leads and admins in a real Chromium at a phone's size: the
overview with its chart and who is named, the member's "not for you", invites with a
QR code whose link joins the team, the team's program and time, and the plan's limits."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Invite, Person
from coach.domain.roles import Role
from coach.extensions import db
from coach.instruction.models import InstructionPlan
from coach.teams.models import Team
from tests.factories import make_person, make_team, make_workplace
from tests.teams.participation_fixtures import check_in, long_ago, train, weeks_back
from tests.web.browser import axe_violations, ready, rows, signed_in_page

pytestmark = pytest.mark.browser

HIDDEN = ("Bo Private", "Cai Private", "Dan Private", "Eva Private")


def team_with_history() -> tuple[Team, Person, Person]:
    """A team whose lead and Anna share, four who do not; five check-ins this week."""
    workplace = make_workplace(name="Havnekontoret")
    team = make_team(workplace, name="Pakkeriet", program="office-daily-5")
    lead = make_person(
        Role.LEAD,
        team=team,
        display_name="Lis Lead",
        share_participation=True,
        created_at=long_ago(),
    )
    anna = make_person(
        team=team, display_name="Anna Shares", share_participation=True, created_at=long_ago()
    )
    hidden = [make_person(team=team, display_name=n, created_at=long_ago()) for n in HIDDEN]
    weeks = weeks_back(team, 3)
    train(anna, [weeks[-2], weeks[-2] + timedelta(days=1)])
    for person in hidden:
        train(person, [weeks[-2] + timedelta(days=2)])
    # This week: five people answer (figures shown); last week only two (too few).
    for person in [anna, *hidden]:
        check_in(person, weeks[-1], neck=3, shoulder=4)
    for person in hidden[:2]:
        check_in(person, weeks[-2], neck=5)
    return team, lead, anna


def test_a_lead_sees_the_chart_and_names_only_those_who_share(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    team, lead, _anna = team_with_history()
    page = signed_in_page(phone(), live_url, lead)
    page.goto(f"{live_url}/today")
    ready(page)
    page.get_by_role("link", name="Hold", exact=True).click()
    page.wait_for_url(f"{live_url}/team/{team.id}")
    page.locator("h1", has_text="Pakkeriet").wait_for()

    chart = page.get_by_role("img", name=re.compile("^Træninger pr. uge over 12 uger"))
    assert chart.is_visible()
    assert chart.locator("rect.bar").count() == 12
    text = page.locator("main").inner_text()
    assert "Anna Shares" in text and "Lis Lead" in text
    assert "4 personer mere træner uden at dele deres navn." in text
    html = page.content()
    assert not [name for name in HIDDEN if name in html]
    # Pain: this week's figure (five answered), the week before "too few answers".
    pain = page.locator("section", has=page.locator("h2", has_text="Smerter på holdet"))
    assert pain.get_by_role("img", name=re.compile("Nakke")).is_visible()
    table = pain.get_by_role("table")
    this_week = table.get_by_role("row").nth(1)
    # Neck, no change: the change under the median, so the table fits a phone.
    assert this_week.get_by_role("cell").first.inner_text().split() == ["3", "(±0)"]
    # The eleven weeks before it had too few answers: one row says so, with no figure.
    [earlier] = table.get_by_role("row").filter(has_text="For få svar").all()
    first, last = weeks_back(team, 12)[0], weeks_back(team, 12)[-2]
    assert f"Uge {first.isocalendar().week}\u2013{last.isocalendar().week}" in earlier.inner_text()
    assert not re.search(r"\d,\d|\(", earlier.inner_text())
    page.screenshot(path=shots / "team-overview.png", full_page=True)
    assert axe_violations(page, axe_source) == []

    # The plan as it concerns the team: none yet.
    page.get_by_role("link", name="Instruktionsplan").click()
    page.get_by_text("Der er endnu ingen instruktionsplan.").wait_for()
    assert page.get_by_role("button", name="Gem planen").count() == 0  # only admins edit
    assert page.errors == []


def test_a_member_has_no_team_tab_and_is_told_the_screen_is_not_for_them(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str
) -> None:
    team, _lead, anna = team_with_history()
    page = signed_in_page(phone(), live_url, anna)
    page.goto(f"{live_url}/today")
    ready(page)
    assert page.locator("#tabs .tab").count() == 4
    assert page.get_by_role("link", name="Hold", exact=True).count() == 0

    for path in ("/team", f"/team/{team.id}/invites"):
        page.goto(live_url + path)
        page.get_by_text("Denne skærm er for holdledere").wait_for()
        assert "Anna Shares" not in page.locator("main").inner_text()
    assert axe_violations(page, axe_source) == []
    status = page.evaluate(f"fetch('/api/teams/{team.id}/participation').then(r => r.status)")
    assert status == 403
    assert page.errors == []


def test_a_lead_invites_with_a_qr_code_and_the_link_joins_the_team(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    team, lead, _anna = team_with_history()
    page = signed_in_page(phone(), live_url, lead)
    page.goto(f"{live_url}/team/{team.id}/invites")
    page.locator("h1", has_text="Invitér deltagere").wait_for()
    # Leads invite members and leads, never admins.
    roles = page.get_by_label("Rolle").locator("option").all_inner_texts()
    assert roles == ["Deltager", "Holdleder"]
    page.get_by_label("Hvor mange må bruge den").fill("2")
    page.get_by_role("button", name="Lav invitationen").click()

    qr = page.get_by_role("img", name="QR-kode med invitationslinket")
    qr.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle())
    assert qr.bounding_box()["width"] >= 200
    url = page.get_by_label("Invitationslink").input_value()
    assert re.fullmatch(r"https://coach\.test/join/[\w-]+", url)
    page.get_by_text("brugt 0 af 2").wait_for()
    page.screenshot(path=shots / "invite.png", full_page=True)
    assert axe_violations(page, axe_source) == []

    newcomer = phone().new_page()
    newcomer.goto(live_url + url.removeprefix("https://coach.test"))
    newcomer.get_by_label("Dit navn, som holdet ser det").fill("Nina New")
    newcomer.get_by_role("button", name="Tilmeld mig").click()
    newcomer.locator("h1", has_text="I dag").wait_for()
    joined = [p for p in rows(Person) if p.display_name == "Nina New"]
    assert [(p.team_id, p.role) for p in joined] == [(team.id, "member")]

    page.reload()
    page.get_by_text("brugt 1 af 2").wait_for()
    page.get_by_role("button", name=re.compile("^Træk tilbage: invitationen som Deltager")).click()
    page.get_by_text("Ingen åbne invitationer.").wait_for()
    [invite] = rows(Invite)
    assert invite.revoked_at is not None
    assert page.errors == []


def test_a_lead_changes_the_program_and_reminder_time(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    team, lead, _anna = team_with_history()
    page = signed_in_page(phone(), live_url, lead)
    page.goto(f"{live_url}/team/{team.id}/settings")
    page.locator("h1", has_text="Program og påmindelse").wait_for()
    assert page.get_by_label("Tidspunkt for påmindelsen").input_value() == "11:25"

    # The API's own message lands under the field it is about.
    page.get_by_label("Tidspunkt for påmindelsen").fill("")
    page.get_by_role("button", name="Gem").click()
    error = page.locator("#err-team-time")
    # In the lead's Danish, like every word the server writes for a person.
    error.get_by_text("er ikke et klokkeslæt").wait_for()
    assert error.inner_text().strip() == "'' er ikke et klokkeslæt som TT:MM (00:00-23:59)"
    assert page.get_by_label("Tidspunkt for påmindelsen").get_attribute("aria-invalid") == "true"
    page.screenshot(path=shots / "settings-error.png", full_page=True)
    assert axe_violations(page, axe_source) == []

    page.get_by_label("Program", exact=True).select_option("physical-work-2x30")
    page.get_by_label("Tidspunkt for påmindelsen").fill("07:30")
    page.locator("#team-days").get_by_label("Fredag").uncheck()
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Gemt.").wait_for()
    assert error.inner_text() == ""
    [saved] = [t for t in rows(Team) if t.id == team.id]
    assert saved.program == "physical-work-2x30"
    assert saved.reminder_time == time(7, 30)
    assert saved.workdays == ["mon", "tue", "wed", "thu"]
    assert saved.cardio_plan is None
    page.get_by_text("Ingen konditionsdage.", exact=True).wait_for()

    # Cardio days beside strength: a day past the limit is named in Danish, then saved.
    cardio = page.locator("#team-cardio")
    cardio.get_by_label("Fredag").check()
    cardio.get_by_label("Onsdag").check()
    cardio.get_by_label("Type kondition").select_option("cycling")
    cardio.get_by_label("Minutter").fill("500")
    cardio.get_by_label("Anstrengelse, 1\u201310").select_option("6")
    page.get_by_role("button", name="Gem").click()
    page.locator("#err-team-cardio").get_by_text("mindre end eller lig med 180").wait_for()
    assert axe_violations(page, axe_source) == []
    cardio.get_by_label("Minutter").fill("25")
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Kondition: Cykling, 25 min ved anstrengelse 6, onsdag, fredag.").wait_for()
    [saved] = [t for t in rows(Team) if t.id == team.id]
    assert saved.cardio_plan == {
        "weekdays": ["wed", "fri"],
        "activity": "cycling",
        "minutes": 25,
        "effort": 6,
    }
    assert saved.workdays == ["mon", "tue", "wed", "thu"]
    assert page.errors == []


def test_an_admin_edits_the_plan_and_a_plan_past_a_limit_names_it(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    team, _lead, _anna = team_with_history()
    admin = make_person(Role.ADMIN, workplace=team.workplace, display_name="Ada Admin")
    page = signed_in_page(phone(), live_url, admin)
    page.goto(f"{live_url}/team")
    page.locator("h1", has_text="Havnekontoret").wait_for()
    page.get_by_role("img", name=re.compile("^Træninger pr. uge")).wait_for()
    assert page.get_by_role("link", name="Pakkeriet").is_visible()
    assert page.get_by_role("link", name="Hent rapporten (CSV)").get_attribute("download") == ""
    report = page.get_by_role("link", name="Rapporten, klar til udskrift")
    assert report.get_attribute("href") == "/report"
    assert not [name for name in HIDDEN if name in page.content()]
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Instruktionsplan").click()
    page.get_by_text("Der er endnu ingen instruktionsplan.").wait_for()
    start = date(2027, 1, 4)
    page.get_by_label("Projektet starter").fill(start.isoformat())
    page.get_by_label("Projektet slutter").fill("2027-12-31")
    add = page.get_by_role("button", name="Tilføj en uge")
    for _ in range(16):
        add.click()
    page.get_by_text("16 uger valgt, højst 15.").wait_for()
    assert page.locator("#plan-edit").inner_text() == "Lav planen"  # there is none yet
    page.get_by_role("button", name="Gem planen").click()

    error = page.locator("#err-plan-weeks")
    error.get_by_text("Grænse: højst 15 instruktøruger i alt").wait_for()
    assert "Højst 15 instruktøruger i alt; denne plan har 16." in error.inner_text()
    assert page.locator("#plan-weeks").get_attribute("aria-invalid") == "true"
    page.screenshot(path=shots / "plan-limit.png", full_page=True)
    assert axe_violations(page, axe_source) == []
    assert rows(InstructionPlan) == []

    page.get_by_role("button", name="Fjern instruktøruge 16").click()
    page.get_by_role("button", name="Gem planen").click()
    page.get_by_text("15 uger planlagt, 0 tilbage").wait_for()
    assert error.inner_text() == ""
    assert page.locator("#plan-edit").inner_text() == "Ret planen"  # now there is one
    # The team's weeks with new exercises after the last visit are warned about.
    team_part = page.locator("section", has=page.locator("h3", has_text="Pakkeriet"))
    team_part.get_by_text(re.compile(r"^\d+ uger med nye øvelser uden instruktør")).wait_for()
    assert team_part.locator(".phase-list .at-visit").count() >= 1
    page.screenshot(path=shots / "plan-saved.png", full_page=True)
    [plan] = rows(InstructionPlan)
    assert sorted(w.week_start for w in plan.weeks) == [
        start + timedelta(weeks=i) for i in range(15)
    ]
    assert page.errors == []


def test_an_admin_chooses_key_persons_among_each_teams_leads(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    workplace = make_workplace(name="Havnekontoret")
    packing = make_team(workplace, name="Pakkeriet")
    store = make_team(workplace, name="Lageret")
    lis = make_person(Role.LEAD, team=packing, display_name="Lis Lead")
    kai = make_person(Role.LEAD, team=packing, display_name="Kai Lead")
    make_person(team=packing, display_name="Mads Member", share_participation=True)
    admin = make_person(Role.ADMIN, workplace=workplace, display_name="Ada Admin")
    page = signed_in_page(phone(), live_url, admin)
    page.goto(f"{live_url}/team/plan")
    page.get_by_text("Der er endnu ingen instruktionsplan.").wait_for()

    choices = page.locator("#plan-key-persons")
    packing_box = choices.get_by_role("group", name="Pakkeriet")
    assert packing_box.get_by_role("checkbox").count() == 2  # the leads, not the member
    assert "Mads Member" not in choices.inner_text()
    store_box = choices.get_by_role("group", name="Lageret")
    assert "Holdet har endnu ingen holdleder." in store_box.inner_text()
    invite = store_box.get_by_role("link", name="Invitér en holdleder til Lageret")
    assert invite.get_attribute("href") == f"/team/{store.id}/invites"

    page.get_by_label("Projektet starter").fill("2027-01-04")
    page.get_by_label("Projektet slutter").fill("2027-06-30")
    packing_box.get_by_label("Lis Lead").check()
    page.get_by_role("button", name="Gem planen").click()
    page.get_by_text("Gemt.").wait_for()
    team_part = page.locator("section", has=page.locator("h3", has_text="Pakkeriet"))
    team_part.get_by_text("Nøglepersoner: Lis Lead").wait_for()
    [plan] = rows(InstructionPlan)
    assert [k.person_id for k in plan.key_persons] == [lis.id]
    assert axe_violations(page, axe_source) == []

    # Kai stops being a lead while the form is open: the API's refusal names him.
    db.session.execute(sa.update(Person).where(Person.id == kai.id).values(role="member"))
    db.session.commit()
    packing_box.get_by_label("Kai Lead").check()
    page.get_by_role("button", name="Gem planen").click()
    error = page.locator("#err-plan-key-persons")
    error.get_by_text("Nøglepersoner skal være holdledere på deres hold.").wait_for()
    # the server's own words, in the admin's Danish
    assert f"Person {kai.id} er ikke leder af hold {packing.id}" in error.inner_text()
    assert choices.get_attribute("aria-invalid") == "true"
    page.screenshot(path=shots / "key-persons-refused.png", full_page=True)
    assert axe_violations(page, axe_source) == []
    [plan] = rows(InstructionPlan)
    assert [k.person_id for k in plan.key_persons] == [lis.id]

    # Opened again, the form ticks the plan's key persons and lists only today's leads.
    page.reload()
    choices.get_by_role("group", name="Pakkeriet").get_by_label("Lis Lead").wait_for()
    assert packing_box.get_by_label("Lis Lead").is_checked()
    assert packing_box.get_by_role("checkbox").count() == 1
    assert page.errors == []


def test_an_admin_removes_someone_who_left_after_confirming(
    app: Flask, live_url: str, phone: Callable[[], Any], axe_source: str, shots: Path
) -> None:
    workplace = make_workplace(name="Havnekontoret")
    packing = make_team(workplace, name="Pakkeriet")
    leaver = make_person(team=packing, display_name="Leo Leaves")
    make_person(team=packing, display_name="Stina Stays")
    admin = make_person(Role.ADMIN, workplace=workplace, display_name="Ada Admin")
    leaver_id = leaver.id
    leavers_phone = signed_in_page(phone(), live_url, leaver)
    leavers_phone.goto(f"{live_url}/today")
    ready(leavers_phone)
    me = "fetch('/api/me').then(r => r.status)"
    assert leavers_phone.evaluate(me) == 200

    page = signed_in_page(phone(), live_url, admin)
    page.goto(f"{live_url}/team")
    page.get_by_role("link", name="Personer").click()
    page.wait_for_url(f"{live_url}/team/people")
    group = page.locator(".people-group", has=page.locator("h3", has_text="Pakkeriet"))
    group.get_by_text("Leo Leaves").wait_for()
    assert "Stina Stays" in group.inner_text()
    assert page.get_by_text("Det er dig").is_visible()  # no button to remove oneself
    assert page.get_by_role("button", name="Fjern Ada Admin").count() == 0
    assert axe_violations(page, axe_source) == []

    page.get_by_role("button", name="Fjern Leo Leaves").click()
    sure = page.get_by_role("group", name="Fjern Leo Leaves")
    sure.get_by_text("logges ud på alle enheder").wait_for()
    page.screenshot(path=shots / "people-confirm.png", full_page=True)
    assert axe_violations(page, axe_source) == []
    sure.get_by_role("button", name="Annullér").click()  # changed their mind: nothing happens
    assert db.session.get(Person, leaver_id) is not None

    page.get_by_role("button", name="Fjern Leo Leaves").click()
    page.get_by_role("button", name="Ja, fjern").click()
    page.get_by_text("Leo Leaves er fjernet og logget ud overalt.").wait_for()
    assert "Leo Leaves" not in page.locator(".people-list").first.inner_text()
    db.session.rollback()
    assert db.session.get(Person, leaver_id) is None
    assert leavers_phone.evaluate(me) == 401  # their phone is signed out at once
    assert page.errors == [] and leavers_phone.errors == []
