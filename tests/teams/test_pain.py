"""Pain reaches a lead or an admin only as team figures over at least five people."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from coach.domain.privacy import MIN_PAIN_REPORTERS, TOO_FEW_ANSWERS
from coach.domain.roles import Role
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import check_in, long_ago, weeks_back


def _team_with_answers(neck_answers: list[int]):  # type: ignore[no-untyped-def]
    team = make_team(make_workplace(), name="Warehouse")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    _w1, w0 = weeks_back(team, 2)
    for i, neck in enumerate(neck_answers):
        member = make_person(team=team, display_name=f"Member {i}", created_at=long_ago())
        check_in(member, w0, neck=neck, shoulder=neck + 1 if i < 2 else None)
    return team, lead, w0


def _pain(app: Flask, lead, team) -> list[dict]:  # type: ignore[no-untyped-def]
    response = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=2")
    assert response.status_code == 200
    return response.json["pain"]


def test_the_threshold_is_five() -> None:
    assert MIN_PAIN_REPORTERS == 5


def test_four_people_answering_show_no_figure(app: Flask) -> None:
    team, lead, w0 = _team_with_answers([1, 2, 3, 4])
    [_empty, week] = _pain(app, lead, team)
    assert week == {
        "week_start": w0.isoformat(),
        "status": TOO_FEW_ANSWERS,
        "reporting": None,
        "regions": None,
    }


def test_five_people_answering_show_median_and_mean(app: Flask) -> None:
    team, lead, _w0 = _team_with_answers([1, 2, 3, 4, 7])
    [empty, week] = _pain(app, lead, team)
    assert empty["status"] == TOO_FEW_ANSWERS
    assert week["status"] == "shown" and week["reporting"] == 5
    assert week["regions"]["neck"] == {"median": 3.0, "mean": 3.4, "change_in_median": 0.0}
    # only two rated their shoulder: that region stays hidden within the week
    assert week["regions"]["shoulder"] is None
    assert week["regions"]["arm"] is None


def test_a_person_weighs_once_a_week_and_change_is_against_the_first_four_weeks(
    app: Flask,
) -> None:
    team = make_team(make_workplace(), name="Drivers")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    w5, *_middle, w0 = weeks_back(team, 6)
    for i in range(5):
        member = make_person(team=team, created_at=long_ago())
        check_in(member, w5, neck=6)  # the first four weeks: median 6
        check_in(member, w0, neck=2 + i % 2)
        check_in(member, w0 + timedelta(days=1), neck=2 + i % 2)  # same person, same week
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=1").json
    [week] = body["pain"]
    assert week["reporting"] == 5
    assert week["regions"]["neck"] == {"median": 2.0, "mean": 2.4, "change_in_median": -4.0}


def test_no_endpoint_gives_a_lead_one_persons_pain(app: Flask) -> None:
    team, lead, _w0 = _team_with_answers([9])
    api = signed_in_client(app, lead)
    for path in (
        f"/api/teams/{team.id}/participation",
        f"/api/teams/{team.id}",
        "/api/teams",
    ):
        body = api.get(path).get_data(as_text=True)
        assert '"neck": 9' not in body and "9.0" not in body, path
