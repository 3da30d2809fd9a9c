"""A decided poll applies itself: the chosen exercises are what every member trains
from the first day of the phase (progression carrying on), and a chosen time is the
team's from its next day, moving the members' next reminders."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask

from coach.coaching.models import WorkoutSet
from coach.coaching.today import today_for
from coach.database import utcnow
from coach.domain.progression.outcome import ChangeCode
from coach.extensions import db
from coach.live.service import _session_exercises
from coach.polls import closing
from coach.polls.models import TeamTimeChange
from coach.reminders.models import NextReminder
from coach.teams.models import Team
from coach.teams.participation import workplace_today
from tests.factories import make_person
from tests.polls.conftest import AS_WRITTEN, VARIANT, World, in_week, time_poll
from tests.reminders.conftest import push  # noqa: F401
from tests.reminders.push_service import PushService

ZONE = ZoneInfo("Europe/Copenhagen")
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def decide_variant(world: World) -> dict[str, Any]:
    poll = world.open_poll()
    for person in world.members[:2]:
        world.api(person).put(f"/api/polls/{poll['id']}/vote", json={"option": 1})
    closed = world.api(world.lead).post(f"/api/polls/{poll['id']}/close").json
    assert closed["winner"] == 1
    return closed


def test_the_chosen_exercises_start_on_the_phases_first_day(world: World) -> None:
    closed = decide_variant(world)
    starts_on = datetime.fromisoformat(closed["phase"]["starts_on"]).date()
    anna = world.members[0]
    db.session.refresh(anna)

    def slugs(day: date) -> list[str]:
        with world.app.test_request_context():  # the exercises' drawings have addresses
            return [e["exercise"]["slug"] for e in today_for(anna, "en", day)["exercises"]]

    assert starts_on.weekday() == 0  # phases change on a Monday, for everyone at once
    assert slugs(starts_on - timedelta(days=1)) == ["lateral-raise", "shrug", "reverse-fly"]
    assert slugs(starts_on) == VARIANT
    assert slugs(starts_on + timedelta(weeks=3, days=6)) == VARIANT  # the phase's last day
    assert slugs(starts_on + timedelta(weeks=4)) != VARIANT  # weeks 9-12 as written


def test_todays_screen_on_the_new_phase_carries_progression_on(world: World) -> None:
    decide_variant(world)
    anna = world.members[0]
    yesterday = workplace_today(world.team.workplace) - timedelta(days=1)
    for day in (yesterday - timedelta(days=2), yesterday):  # two sessions at 21 reps
        db.session.add(
            WorkoutSet(
                id=uuid.uuid4(),
                person_id=anna.id,
                exercise="band-pull-apart",
                performed_at=datetime.combine(day, time(10), UTC),
                local_date=day,
                reps=21,
                band_level="red",
            )
        )
    in_week(world.team, 5)  # a week on: the team is in the phase it chose
    today = world.api(anna).get("/api/me/today").json
    assert today["week"] == 5
    by_slug = {e["exercise"]["slug"]: e for e in today["exercises"]}
    assert list(by_slug) == VARIANT
    new = by_slug["front-raise"]["prescription"]
    assert new["change"]["code"] == ChangeCode.FIRST_SESSION.value  # the engine's pick
    assert new["change"]["reason"]  # and it says why
    carried = by_slug["band-pull-apart"]["prescription"]
    assert carried["change"]["code"] == ChangeCode.STEP_UP.value  # 21 and 21 reps
    assert carried["band"]["key"] == "green"
    # a live session of the team runs the chosen phase too
    team = db.session.get_one(Team, world.team.id)
    assert [e["slug"] for e in _session_exercises(team, workplace_today(team.workplace))] == VARIANT


def test_a_catalogue_that_no_longer_allows_the_choice_falls_back_to_the_phase(
    world: World,
) -> None:
    decide_variant(world)
    in_week(world.team, 5)
    db.session.execute(
        sa.text("UPDATE chosen_phases SET exercises = :e"),
        {"e": '["squat", "band-pull-apart", "external-rotation", "wrist-extension"]'},
    )
    db.session.commit()
    today = world.api(world.members[0]).get("/api/me/today").json
    assert [e["exercise"]["slug"] for e in today["exercises"]] == AS_WRITTEN


def next_at(person_id: int) -> datetime | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(NextReminder.next_at).where(NextReminder.person_id == person_id)
    )


def local(day: Any, at: time) -> datetime:
    return datetime.combine(day, at, ZONE).astimezone(UTC)


def test_a_chosen_time_applies_from_the_next_day_and_moves_the_reminders(
    app: Flask,
    world: World,
    push: PushService,  # noqa: F811
) -> None:
    team = db.session.get_one(Team, world.team.id)
    team.reminder_time, team.workdays = time(23, 59), EVERY_DAY
    db.session.commit()
    anna, bo = world.members[0], world.members[1]
    for person in (anna, bo):
        added = world.api(person).post(
            "/api/push/subscriptions", json=push.new_browser().subscription()
        )
        assert added.status_code == 201
    own = world.api(bo).put(
        "/api/me/reminders", json={"enabled": True, "time": "10:00", "days": [*EVERY_DAY]}
    )
    assert own.status_code == 200, own.json
    today = workplace_today(team.workplace)
    before = next_at(anna.id)
    assert before in (local(today, time(23, 59)), local(today + timedelta(days=1), time(23, 59)))

    body = time_poll(
        options=[
            {"time": "23:59", "days": [1, 2, 3, 4, 5, 6, 7]},
            {"time": "06:30", "days": [1, 2, 3, 4, 5, 6, 7]},
        ]
    )
    poll = world.api(world.lead).post(f"/api/teams/{team.id}/polls", json=body).json
    world.api(anna).put(f"/api/polls/{poll['id']}/vote", json={"option": 1})
    closed = world.api(world.lead).post(f"/api/polls/{poll['id']}/close").json
    assert closed["status"] == "decided" and closed["winner"] == 1

    # today stays as it was; tomorrow is the team's new time
    db.session.expire_all()
    assert db.session.get_one(Team, team.id).reminder_time == time(23, 59)
    change = db.session.get_one(TeamTimeChange, team.id)
    assert change.starts_on == today + timedelta(days=1)
    program = world.api(anna).get(f"/api/teams/{team.id}/program").json
    assert program["time_change"] == {
        "time": "06:30",
        "days": [1, 2, 3, 4, 5, 6, 7],
        "starts_on": change.starts_on.isoformat(),
    }
    assert next_at(anna.id) == before

    # the worker's first pass of the next day applies it (the command's pass included)
    just_after_midnight = local(change.starts_on, time(0, 1))
    result = app.test_cli_runner().invoke(
        args=["reminders", "send-due", "--at", just_after_midnight.isoformat()]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    team = db.session.get_one(Team, team.id)
    assert team.reminder_time == time(6, 30) and team.workdays == EVERY_DAY
    assert db.session.get(TeamTimeChange, team.id) is None
    assert next_at(anna.id) == local(change.starts_on, time(6, 30))
    assert next_at(bo.id) == local(change.starts_on, time(10, 0))  # Bo keeps his own time
    assert closing.apply_time_changes(just_after_midnight) == 0  # applied once


def test_the_leads_own_change_replaces_a_chosen_time_not_yet_begun(world: World) -> None:
    poll = world.api(world.lead).post(f"/api/teams/{world.team.id}/polls", json=time_poll()).json
    world.api(world.members[0]).put(f"/api/polls/{poll['id']}/vote", json={"option": 1})
    world.api(world.lead).post(f"/api/polls/{poll['id']}/close")
    assert db.session.get(TeamTimeChange, world.team.id) is not None
    changed = world.api(world.lead).patch(
        f"/api/teams/{world.team.id}", json={"reminder_time": "09:00"}
    )
    assert changed.status_code == 200
    db.session.expire_all()
    assert db.session.get(TeamTimeChange, world.team.id) is None


def test_a_newcomer_trains_what_the_team_chose(world: World) -> None:
    decide_variant(world)
    in_week(world.team, 6)
    newcomer = make_person(team=db.session.get_one(Team, world.team.id), created_at=utcnow())
    today = world.api(newcomer).get("/api/me/today").json
    assert [e["exercise"]["slug"] for e in today["exercises"]] == VARIANT
