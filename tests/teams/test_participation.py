"""Team and workplace participation: exact numbers on a small fixture.

"Now" is pinned to Wednesday 10:00 UTC of the current week, so the week under way is
held to the part of its target due by Wednesday, whatever day the suite runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.coaching.team_totals import TeamWeekTotal
from coach.domain.adherence import target_so_far, week_start
from coach.domain.roles import Role
from coach.extensions import db
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import long_ago, train, weeks_back

WEDNESDAY = week_start(date.today()) + timedelta(days=2)


@pytest.fixture(autouse=True)
def on_a_wednesday(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.combine(WEDNESDAY, time(10, 0), tzinfo=UTC)
    monkeypatch.setattr("coach.teams.participation.utcnow", lambda: now)


def _fixture():  # type: ignore[no-untyped-def]
    workplace = make_workplace(name="Harbour Office")
    team = make_team(workplace, name="Packing", program="office-daily-5")  # 5 a week
    anna = make_person(
        team=team, display_name="Anna Shares", share_participation=True, created_at=long_ago()
    )
    bo = make_person(team=team, display_name="Bo Private", created_at=long_ago())
    lead = make_person(Role.LEAD, team=team, display_name="Lead Lis", created_at=long_ago())
    admin = make_person(Role.ADMIN, workplace=workplace)
    w2, w1, w0 = weeks_back(team, 3)
    # Anna: 3 days two weeks ago (two sets on one day count once), 5 days last week.
    train(anna, [w2, w2 + timedelta(days=1), w2 + timedelta(days=2)])
    train(anna, [w2], sets_per_day=1)
    train(anna, [w1 + timedelta(days=i) for i in range(5)])
    # Bo: 6 days last week (counted up to the target of 5 for adherence).
    train(bo, [w1 + timedelta(days=i) for i in range(6)])
    # Someone who has erased themselves trained 4 days two weeks ago.
    db.session.add(TeamWeekTotal(team_id=team.id, week_start=w2, sessions=4, active_members=1))
    db.session.commit()
    return workplace, team, anna, bo, lead, admin, (w2, w1, w0)


def test_team_participation_exact_numbers(app: Flask) -> None:
    _workplace, team, anna, _bo, lead, _admin, (w2, w1, w0) = _fixture()
    api = signed_in_client(app, lead)

    body = api.get(f"/api/teams/{team.id}/participation?weeks=3").json

    assert body["weekly_target"] == 5
    assert body["weeks"] == [
        {
            "week_start": w2.isoformat(),
            "planned": True,
            "partial": False,
            "enrolled": 4,
            "active": 2,
            "sessions": 7,
            "target_sessions": 20,
            "target_so_far": 20,
            "adherence_percent": 35.0,
            "live_sessions": 0,
            "people_per_session": None,
        },
        {
            "week_start": w1.isoformat(),
            "planned": True,
            "partial": False,
            "enrolled": 3,
            "active": 2,
            "sessions": 11,
            "target_sessions": 15,
            "target_so_far": 15,
            "adherence_percent": 66.7,
            "live_sessions": 0,
            "people_per_session": None,
        },
        {
            # Wednesday of a five-a-week team on five days: 3 each are due so far.
            "week_start": w0.isoformat(),
            "planned": True,
            "partial": True,
            "enrolled": 3,
            "active": 0,
            "sessions": 0,
            "target_sessions": 15,
            "target_so_far": 9,
            "adherence_percent": 0.0,
            "live_sessions": 0,
            "people_per_session": None,
        },
    ]
    assert body["longest_streaks"] == [1, 1]  # Anna and Bo met last week's target
    assert body["members_sharing"] == [
        {
            "id": anna.id,
            "display_name": "Anna Shares",
            "sessions": [3, 5, 0],
            "last_session": (w1 + timedelta(days=4)).isoformat(),
            "streak_weeks": 1,
        }
    ]
    assert body["members_not_sharing"] == 2
    assert "Bo Private" not in str(body) and "Lead Lis" not in str(body)


def test_members_count_only_from_the_week_they_joined(app: Flask) -> None:
    _workplace, team, *_rest, lead, _admin, (_w2, _w1, _w0) = _fixture()
    make_person(team=team, display_name="Newcomer", created_at=long_ago() + timedelta(days=400))
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=3").json
    assert [w["enrolled"] for w in body["weeks"]] == [4, 3, 4]


def test_weeks_default_to_twelve_and_are_bounded(app: Flask) -> None:
    *_rest, lead, _admin, _weeks = _fixture()
    api = signed_in_client(app, lead)
    team_id = lead.team_id
    assert len(api.get(f"/api/teams/{team_id}/participation").json["weeks"]) == 12
    assert api.get(f"/api/teams/{team_id}/participation?weeks=0").status_code == 422
    assert api.get(f"/api/teams/{team_id}/participation?weeks=54").status_code == 422


def test_workplace_participation_adds_up_the_teams(app: Flask) -> None:
    workplace, _team, *_rest, admin, (_w2, w1, w0) = _fixture()
    other = make_team(workplace, name="Office", program="office-daily-5")
    carl = make_person(team=other, display_name="Carl", created_at=long_ago())
    train(carl, [w1, w0])

    body = signed_in_client(app, admin).get("/api/workplace/participation?weeks=3").json

    assert [t["name"] for t in body["teams"]] == ["Office", "Packing"]
    office = body["teams"][0]
    assert [w["sessions"] for w in office["weeks"]] == [0, 1, 1]
    assert [w["enrolled"] for w in body["weeks"]] == [5, 4, 4]
    assert [w["active"] for w in body["weeks"]] == [2, 3, 1]
    assert [w["sessions"] for w in body["weeks"]] == [7, 12, 1]
    assert [w["target_sessions"] for w in body["weeks"]] == [25, 20, 20]
    # This week Carl's 1 of the 3 due so far, and nothing of Packing's 9.
    assert [w["target_so_far"] for w in body["weeks"]] == [25, 20, 12]
    assert [w["adherence_percent"] for w in body["weeks"]] == [28.0, 55.0, 8.3]
    assert [w["partial"] for w in body["weeks"]] == [False, False, True]
    for name in ("Anna Shares", "Bo Private", "Carl"):
        assert name not in str(body)


def test_the_week_under_way_is_held_to_the_target_so_far(app: Flask) -> None:
    """Wednesday, five a week on Monday to Friday: 3 each are due. Anna has 2 of them,
    Bo 4 (counted up to the 3 due), the lead none: (2 + 3) / 9. Nobody has met the
    week's 5 yet, and the week under way does not end Anna's and Bo's streaks."""
    _workplace, team, anna, bo, lead, _admin, (_w2, _w1, w0) = _fixture()
    train(anna, [w0, w0 + timedelta(days=1)])
    train(bo, [w0 + timedelta(days=n) for n in range(3)])
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=3").json
    now = body["weeks"][-1]
    due = target_so_far(5, team.workdays, WEDNESDAY)
    assert due == 3
    assert (now["partial"], now["sessions"]) == (True, 5)
    assert (now["target_so_far"], now["target_sessions"]) == (3 * due, 15)
    assert now["adherence_percent"] == round(100 * 5 / 9, 1)
    assert body["longest_streaks"] == [1, 1]
    assert body["members_sharing"][0]["streak_weeks"] == 1


def test_weeks_without_a_plan_have_no_target(app: Flask) -> None:
    """Weeks before anybody joined, and every week of a program the catalogue no longer
    has, are no plan: no target and no adherence, rather than "0 of 0"."""
    workplace = make_workplace()
    team = make_team(workplace, name="New", program="office-daily-5")
    lead = make_person(Role.LEAD, team=team, created_at=datetime.combine(WEDNESDAY, time(8), UTC))
    admin = make_person(Role.ADMIN, workplace=workplace)
    train(lead, [WEDNESDAY])
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=3").json
    before = {"planned": False, "enrolled": 0, "sessions": 0, "target_sessions": None}
    for week in body["weeks"][:2]:
        assert {k: week[k] for k in before} == before
        assert (week["target_so_far"], week["adherence_percent"]) == (None, None)
    assert body["weeks"][-1]["planned"] is True
    assert body["weeks"][-1]["target_so_far"] == target_so_far(5, team.workdays, WEDNESDAY)
    whole = signed_in_client(app, admin).get("/api/workplace/participation?weeks=3").json
    assert [w["planned"] for w in whole["weeks"]] == [False, False, True]
    assert [w["target_sessions"] for w in whole["weeks"]] == [None, None, 5]

    team.program = "a-retired-program"
    db.session.commit()
    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=3").json
    assert body["weekly_target"] is None
    assert [w["planned"] for w in body["weeks"]] == [False] * 3
    assert body["weeks"][-1]["sessions"] == 1
    assert {w["target_so_far"] for w in body["weeks"]} == {None}
    assert {w["adherence_percent"] for w in body["weeks"]} == {None}


def test_nothing_is_due_before_the_first_training_day(app: Flask) -> None:
    """A team training on Thursdays and Fridays owes nothing on Wednesday: a plan, but
    no adherence to judge yet."""
    _workplace, team, *_rest, lead, _admin, _weeks = _fixture()
    team.workdays = ["thu", "fri"]
    db.session.commit()
    now = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=1").json
    [week] = now["weeks"]
    assert (week["planned"], week["partial"], week["target_so_far"]) == (True, True, 0)
    assert week["target_sessions"] == 2 * 3 and week["adherence_percent"] is None


def test_other_workplaces_and_teams_stay_out(app: Flask) -> None:
    _workplace, team, *_rest, lead, admin, _weeks = _fixture()
    elsewhere = make_workplace(name="Elsewhere")
    their_team = make_team(elsewhere, name="Theirs")
    their_admin = make_person(Role.ADMIN, workplace=elsewhere)
    sibling = make_team(team.workplace, name="Sibling")

    assert (
        signed_in_client(app, lead).get(f"/api/teams/{sibling.id}/participation").status_code == 404
    )
    assert (
        signed_in_client(app, admin).get(f"/api/teams/{their_team.id}/participation").status_code
        == 404
    )
    body = signed_in_client(app, their_admin).get("/api/workplace/participation").json
    assert [t["name"] for t in body["teams"]] == ["Theirs"]
    assert "Packing" not in str(body)


def test_a_sharing_members_last_session_comes_from_before_the_weeks_if_need_be(
    app: Flask,
) -> None:
    team = make_team(make_workplace(), name="Yard", program="office-daily-5")
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    away = make_person(
        team=team, display_name="Away Ann", share_participation=True, created_at=long_ago()
    )
    never = make_person(
        team=team, display_name="Never Nils", share_participation=True, created_at=long_ago()
    )
    w9, *_rest, w1, _w0 = weeks_back(team, 10)
    train(away, [w9, w9 + timedelta(days=2)])
    train(lead, [w1])

    body = signed_in_client(app, lead).get(f"/api/teams/{team.id}/participation?weeks=2").json

    assert body["members_sharing"] == [
        {
            "id": away.id,
            "display_name": "Away Ann",
            "sessions": [0, 0],
            "last_session": (w9 + timedelta(days=2)).isoformat(),
            "streak_weeks": 0,
        },
        {
            "id": never.id,
            "display_name": "Never Nils",
            "sessions": [0, 0],
            "last_session": None,
            "streak_weeks": 0,
        },
    ]
    assert [w["active"] for w in body["weeks"]] == [1, 0]


def test_the_team_view_costs_the_same_few_queries_whatever_the_team(app: Flask) -> None:
    """Members, their weeks (with erased members' totals) and pain: one statement each,
    besides signing in and finding the team, however many members and weeks."""
    _workplace, team, *_people, lead, _admin, (w2, w1, w0) = _fixture()
    for n in range(6):
        member = make_person(team=team, share_participation=n % 2 == 0, created_at=long_ago())
        train(member, [w2, w1, w0])
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    api, path = signed_in_client(app, lead), f"/api/teams/{team.id}/participation"
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        for weeks in (1, 12, 53):
            seen.clear()
            assert api.get(f"{path}?weeks={weeks}").status_code == 200
            # who is asking, the caller (with their team), members, weeks, live
            # sessions, pain
            assert len(seen) == 6, [s[:60] for s in seen]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
