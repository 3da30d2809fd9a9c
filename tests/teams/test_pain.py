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


def _pain(app: Flask, lead, team, weeks: int = 2) -> list[dict]:  # type: ignore[no-untyped-def]
    response = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks={weeks}")
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


def _five(team):  # type: ignore[no-untyped-def]
    return [make_person(team=team, created_at=long_ago()) for _ in range(5)]


def _neck(app: Flask, lead, team, weeks: int) -> list[dict | None]:  # type: ignore[no-untyped-def]
    return [week["regions"] and week["regions"]["neck"] for week in _pain(app, lead, team, weeks)]


def test_the_baseline_is_the_first_four_weeks_however_long_ago(app: Flask) -> None:
    team = make_team(make_workplace(), name="Depot")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    w9, _w8, _w7, w6, w5, *_middle, w0 = weeks_back(team, 10)
    for member in _five(team):
        check_in(member, w9, neck=6)
        check_in(member, w6 + timedelta(days=6), neck=4)  # the fourth week's last day
        check_in(member, w5, neck=9)  # the fifth week: not the baseline
        check_in(member, w0, neck=2)
        check_in(member, w0 + timedelta(days=7), neck=0)  # after the weeks shown
    # Each person's baseline is the mean of their weekly means, (6 + 4) / 2.
    assert _neck(app, lead, team, 1) == [{"median": 2.0, "mean": 2.0, "change_in_median": -3.0}]


def test_the_first_week_is_that_of_the_first_check_in_even_without_pain(app: Flask) -> None:
    team = make_team(make_workplace(), name="Canteen")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    w9, _w8, w7, _w6, w5, *_middle, w0 = weeks_back(team, 10)
    for member in _five(team):
        check_in(member, w9)  # soreness and red flags only: the team's first week
        check_in(member, w7, neck=6)
        check_in(member, w5, neck=1)  # the fifth week from w9, not the baseline
        check_in(member, w0, neck=3)
    assert _neck(app, lead, team, 1) == [{"median": 3.0, "mean": 3.0, "change_in_median": -3.0}]


def test_a_young_teams_baseline_takes_in_the_weeks_shown(app: Flask) -> None:
    team = make_team(make_workplace(), name="Lab")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    _w2, w1, w0 = weeks_back(team, 3)
    for member in _five(team):
        check_in(member, w1, neck=4)
        check_in(member, w0, neck=2)
    assert _neck(app, lead, team, 3) == [
        None,
        {"median": 4.0, "mean": 4.0, "change_in_median": 1.0},
        {"median": 2.0, "mean": 2.0, "change_in_median": -1.0},
    ]


def test_a_check_in_without_pain_does_not_count_as_an_answer(app: Flask) -> None:
    team, lead, w0 = _team_with_answers([1, 2, 3, 4])
    quiet = make_person(team=team, created_at=long_ago())
    check_in(quiet, w0)  # checked in, rated no region
    [_empty, week] = _pain(app, lead, team)
    assert week["status"] == TOO_FEW_ANSWERS
