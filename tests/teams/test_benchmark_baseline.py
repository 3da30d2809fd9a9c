"""The participation benchmark's baseline: one SQL statement that computes every figure
the team view returns, medians and streaks included. Its numbers are pinned here on
small fixtures (odd and even counts, ties, unanswered regions, four and five people)
and compared with the endpoint's, so the benchmark compares like with like."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask

from benchmarks.participation import check_team_equivalent, team_figures, week_dues
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team
from coach.teams.participation import team_target, workplace_today
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import check_in, long_ago, train, weeks_back


def _figures(team: Team, weeks: int) -> dict[str, Any]:
    """The baseline's rows by kind; pain as week -> region -> (people, median, mean,
    change), rounded to two decimals."""
    rows = db.session.connection().execute(_statement(team, weeks))
    result: dict[str, Any] = {"pain": {}, "answering": {}, "sharer": {}, "streak": []}
    for kind, week, key, region, a, _b, _c, _d, x, y, z in rows:
        if kind == "pain":
            numbers = tuple(None if v is None else round(float(v), 2) for v in (x, y, z))
            result["pain"].setdefault(_day(week), {})[region] = (a, *numbers)
        elif kind == "answering":
            result["answering"][_day(week)] = a
        elif kind == "sharer":
            result["sharer"][key] = (None if week is None else _day(week), a)
        elif kind == "streak":
            result["streak"].append((key, a))
    return result


def _statement(team: Team, weeks: int) -> Any:
    target = team_target(team)
    assert target is not None
    mondays = weeks_back(team, weeks)
    dues = week_dues(target, team.workdays, mondays, workplace_today(team.workplace))
    return team_figures(team.id, mondays, target, dues)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _same_as_endpoint(app: Flask, team: Team, lead: Any, weeks: int) -> None:
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks={weeks}")
    assert body.status_code == 200
    statement = _statement(team, weeks)
    check_team_equivalent(list(db.session.connection().execute(statement)), body.json)


def _team(name: str, necks: list[float | None], shoulders: list[int | None] | None = None):  # type: ignore[no-untyped-def]
    """A team whose members answered this week: one member per value (None: checked in
    without rating the neck)."""
    team = make_team(make_workplace(), name=name)
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    [w0] = weeks_back(team, 1)
    for i, neck in enumerate(necks):
        member = make_person(team=team, created_at=long_ago())
        shoulder = shoulders[i] if shoulders else None
        if neck is not None and neck != int(neck):  # a half: two answers that week
            check_in(member, w0, neck=int(neck), shoulder=shoulder)  # type: ignore[arg-type]
            check_in(member, w0 + timedelta(days=1), neck=int(neck) + 1)
        else:
            pain = {"neck": neck} if neck is not None else {}
            check_in(member, w0, shoulder=shoulder, **pain)  # type: ignore[arg-type]
    return team, lead, w0


def test_an_odd_count_takes_the_middle_value(app: Flask) -> None:
    team, lead, w0 = _team("Odd", [7, 1, 4, 2, 3])
    figures = _figures(team, 1)
    assert figures["answering"] == {w0: 5}
    # Its own first four weeks are the baseline: no change.
    assert figures["pain"] == {w0: {"neck": (5, 3.0, 3.4, 0.0)}}
    _same_as_endpoint(app, team, lead, 1)


def test_an_even_count_averages_the_middle_two_and_a_person_weighs_once(app: Flask) -> None:
    # 2.5 is one person answering 2 and 3 in the same week.
    team, lead, w0 = _team("Even", [9, 1, 2.5, 5, 2, 10])
    assert _figures(team, 1)["pain"] == {w0: {"neck": (6, 3.75, 4.92, 0.0)}}
    _same_as_endpoint(app, team, lead, 1)


def test_ties_in_the_middle(app: Flask) -> None:
    team, lead, w0 = _team("Ties", [2, 3, 2, 4, 3, 2])
    assert _figures(team, 1)["pain"][w0]["neck"] == (6, 2.5, 2.67, 0.0)
    team, lead, w0 = _team("Odd ties", [4, 1, 4, 9, 4])
    assert _figures(team, 1)["pain"][w0]["neck"] == (5, 4.0, 4.4, 0.0)
    _same_as_endpoint(app, team, lead, 1)


def test_four_answers_give_no_figure_and_five_do(app: Flask) -> None:
    team, lead, w0 = _team("Four", [1, 2, 3, 4])
    figures = _figures(team, 1)
    assert figures["answering"] == {} and figures["pain"] == {}
    _same_as_endpoint(app, team, lead, 1)
    team, lead, w0 = _team("Five", [1, 2, 3, 4, None], shoulders=[None, None, None, None, 6])
    # Five answered, but only four rated their neck and one their shoulder.
    figures = _figures(team, 1)
    assert figures["answering"] == {w0: 5} and figures["pain"] == {}
    _same_as_endpoint(app, team, lead, 1)


def test_unrated_regions_are_left_out_not_counted_as_zero(app: Flask) -> None:
    team, lead, w0 = _team("Nulls", [1, 2, 3, 4, 5, None], shoulders=[2, 2, 2, 2, 2, 8])
    assert _figures(team, 1)["pain"] == {
        w0: {"neck": (5, 3.0, 3.0, 0.0), "shoulder": (6, 2.0, 3.0, 0.0)}
    }
    _same_as_endpoint(app, team, lead, 1)


def test_change_is_against_the_first_four_weeks(app: Flask) -> None:
    team = make_team(make_workplace(), name="Change")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    w5, *_middle, w0 = weeks_back(team, 6)
    for i in range(5):
        member = make_person(team=team, created_at=long_ago())
        check_in(member, w5, neck=6)
        check_in(member, w0, neck=2 + i % 2)
    assert _figures(team, 1)["pain"][w0]["neck"] == (5, 2.0, 2.4, -4.0)
    _same_as_endpoint(app, team, lead, 1)


def test_streaks_sessions_and_last_days_of_sharing_members(app: Flask) -> None:
    team = make_team(make_workplace(), name="Streaks")  # five a week
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    w3, w2, w1, w0 = weeks_back(team, 4)
    steady = make_person(team=team, share_participation=True, created_at=long_ago())
    lapsed = make_person(team=team, share_participation=True, created_at=long_ago())
    private = make_person(team=team, created_at=long_ago())
    make_person(team=team, share_participation=True, created_at=long_ago())  # never trained
    five = [0, 1, 2, 3, 4]
    train(steady, [w + timedelta(days=d) for w in (w2, w1) for d in five])  # this week: not yet
    train(lapsed, [w3 + timedelta(days=d) for d in five] + [w1])
    train(private, [w + timedelta(days=d) for w in (w3, w2, w1, w0) for d in five])
    figures = _figures(team, 4)
    assert figures["sharer"][steady.id] == (w1 + timedelta(days=4), 2)
    assert figures["sharer"][lapsed.id] == (w1, 0)
    assert sorted(a for _place, a in figures["streak"]) == [2, 4]
    _same_as_endpoint(app, team, lead, 4)


def test_weeks_before_anyone_joined_and_the_week_under_way(app: Flask) -> None:
    """A team whose members joined last week: the weeks before have no plan (no target,
    no adherence), and this week is held to what is due so far, in SQL as in Python."""
    team = make_team(make_workplace(), name="Newcomers")
    w3, _w2, w1, w0 = weeks_back(team, 4)
    joined = datetime.combine(w1, time(8), UTC)
    lead = make_person(Role.LEAD, team=team, created_at=joined)
    member = make_person(team=team, share_participation=True, created_at=joined)
    train(member, [w1, w1 + timedelta(days=1), w0])
    train(lead, [w0])
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=4").json
    assert [w["planned"] for w in body["weeks"]] == [False, False, True, True]
    assert body["weeks"][0]["week_start"] == w3.isoformat()
    _same_as_endpoint(app, team, lead, 4)
