"""The project report: CSV and a printable page, for the workplace's admin only."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from coach.domain.adherence import target_so_far
from coach.domain.roles import Role
from coach.extensions import db
from coach.instruction.models import InstructionPlan
from coach.teams.participation import workplace_today
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import check_in, long_ago, train, weeks_back


def _world(language: str = "en"):  # type: ignore[no-untyped-def]
    workplace = make_workplace(name="Harbour Office")
    team = make_team(workplace, name="Packing", program="office-daily-5")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    admin = make_person(Role.ADMIN, workplace=workplace, language=language)
    w1, w0 = weeks_back(team, 2)
    members = [make_person(team=team, created_at=long_ago()) for _ in range(5)]
    for i, member in enumerate(members):
        train(member, [w1])
        check_in(member, w0, neck=i + 1)
    return team, lead, admin, (w1, w0)


def test_report_csv_has_participation_and_the_pain_trend(app: Flask) -> None:
    _team, _lead, admin, (w1, w0) = _world()
    response = signed_in_client(app, admin).get("/api/workplace/report.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=coach-report-")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "# participation"
    # No live sessions; last week is over, so all of its target was due.
    assert f"Packing,{w1.isoformat()},6,5,5,30,16.7,0,,30,false" in lines
    assert f"Packing,{w0.isoformat()},shown,5,neck,3.0,3.0,0.0" in lines
    assert f"Packing,{w1.isoformat()},too few answers,,,,," in lines
    assert f"Packing,{w0.isoformat()},shown,5,shoulder,,," in lines


def test_report_page_is_printable_and_has_no_inline_code(app: Flask) -> None:
    _team, _lead, admin, (_w1, _w0) = _world()
    response = signed_in_client(app, admin).client.get("/report")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Packing" in page and "3.0 (3.0; +0.0)" in page and "too few answers" in page
    assert '<html lang="en">' in page and "Lower back" in page and "Office: 5 minutes a day" in page
    assert "<script" not in page and "<style" not in page and "style=" not in page
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    [stylesheet] = re.findall(r'href="([^"]+\.css)"', page)
    css = signed_in_client(app, admin).client.get(stylesheet)
    try:
        assert css.status_code == 200 and "@media print" in css.get_data(as_text=True)
    finally:
        css.close()  # a static file is sent from an open file


def test_the_report_holds_the_week_under_way_to_its_target_so_far(app: Flask) -> None:
    """The current week's target cell says what was due by today out of the week's
    whole target; a week before the team had anyone is "no plan", not "0 of 0"."""
    team, _lead, admin, _weeks = _world()
    make_team(team.workplace, name="Empty", program="office-daily-5")
    page = signed_in_client(app, admin).client.get("/report").get_data(as_text=True)
    due = target_so_far(5, team.workdays, workplace_today(team.workplace))
    assert f"<td>{due * 6} so far (of 30)</td>" in page
    assert page.count("no plan this week") == 12  # the empty team's weeks
    danish = _world("da")[2]
    page = signed_in_client(app, danish).client.get("/report").get_data(as_text=True)
    assert f"<td>{due * 6} indtil nu (af 30)</td>" in page


def test_report_page_is_for_signed_in_admins_only(app: Flask) -> None:
    _team, lead, _admin, _weeks = _world()
    assert app.test_client().get("/report").status_code == 401
    assert signed_in_client(app, lead).client.get("/report").status_code == 403
    other_admin = make_person(Role.ADMIN, workplace=make_workplace(name="Elsewhere"))
    page = signed_in_client(app, other_admin).client.get("/report").get_data(as_text=True)
    assert "Packing" not in page and "Harbour" not in page


def test_a_team_name_a_spreadsheet_would_run_is_defused(app: Flask) -> None:
    team, _lead, admin, _weeks = _world()
    team.name = "=HYPERLINK(1)"
    db.session.commit()
    text = signed_in_client(app, admin).get("/api/workplace/report.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_report_covers_the_projects_weeks(app: Flask) -> None:
    team, _lead, admin, (w1, _w0) = _world()
    first = w1 - timedelta(weeks=4)
    db.session.add(
        InstructionPlan(
            workplace_id=team.workplace_id,
            starts_on=first + timedelta(days=2),
            ends_on=w1 + timedelta(days=3),  # ended last week
        )
    )
    db.session.commit()
    text = signed_in_client(app, admin).get("/api/workplace/report.csv").get_data(as_text=True)
    participation = text.split("# pain")[0]
    weeks = sorted(set(re.findall(r"^Packing,(\d{4}-\d\d-\d\d),", participation, re.M)))
    assert weeks == [(first + timedelta(weeks=i)).isoformat() for i in range(5)]


def test_report_page_in_the_admins_danish(app: Flask) -> None:
    _team, _lead, admin, (_w1, w0) = _world("da")
    response = signed_in_client(app, admin).client.get("/report", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "da" and '<html lang="da">' in page
    assert "Projektrapport: Harbour Office" in page and "Uge fra" in page and "Lænd" in page
    assert "Kontor: 5 minutter hver dag" in page
    assert "3,0 (3,0; +0,0)" in page and "for få svar" in page
    assert f"{w0.day}. " in page  # days as Danish write them
    for english in ("Week of", "too few answers", "Adherence", "members", "lower"):
        assert english not in page
