"""The stored next reminder instant follows every change it depends on, through the
API as people and leads make them; the old from-scratch rule (``next_reminder``) is
the oracle. And a pass reads only the people whose instant has come."""

from __future__ import annotations

import time as time_module
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Person
from coach.database import utcnow
from coach.domain.reminders import local_day, next_reminder
from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.models import NextReminder
from coach.reminders.service import schedule_of
from coach.reminders.worker import send_due
from tests.coaching.test_logging import a_set
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.reminders.push_service import PushService

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ZONE = ZoneInfo("Europe/Copenhagen")


def stored(person: Person) -> datetime | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(NextReminder.next_at).where(NextReminder.person_id == person.id)
    )


def expected(person: Person, trained_today: bool = False) -> datetime | None:
    """The old rule: the first reminder after now."""
    db.session.expire_all()
    person = db.session.get(Person, person.id)  # type: ignore[assignment]
    schedule = schedule_of(person)
    now = utcnow()
    trained = {local_day(now, schedule.time_zone)} if trained_today else set()
    return next_reminder(schedule, now, trained)


def in_hours(hours: float) -> time:
    """A wall-clock time this many hours from now in Copenhagen (whole minutes)."""
    return (datetime.now(ZONE) + timedelta(hours=hours)).time().replace(second=0, microsecond=0)


def later_today(hours: float) -> time:
    """A wall-clock time later today in Copenhagen: ``hours`` from now, or halfway to
    midnight when that is sooner. In the day's last two minutes, where no whole minute
    is left, it waits for the new day (never a skip: CI runs at any hour)."""
    now = datetime.now(ZONE)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0), ZONE)
    if midnight - now < timedelta(minutes=2):
        time_module.sleep((midnight - now).total_seconds() + 1)
        now = datetime.now(ZONE)
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0), ZONE)
    moment = now + min(timedelta(hours=hours), (midnight - now) / 2)
    return moment.time().replace(second=0, microsecond=0)


@pytest.fixture
def team(app: Flask) -> Any:
    return make_team(make_workplace(), reminder_time=in_hours(3), workdays=EVERY_DAY)


@pytest.fixture
def member(team: Any) -> Person:
    return make_person(Role.MEMBER, team=team)


@pytest.fixture
def phone(app: Flask, member: Person, push: PushService) -> Any:
    api = signed_in_client(app, member)
    api.device = push.new_browser()  # type: ignore[attr-defined]
    return api


def subscribe(phone: Any) -> None:
    answer = phone.post("/api/push/subscriptions", json=phone.device.subscription())
    assert answer.status_code in (200, 201), answer.json


def test_the_first_device_starts_reminders_and_the_last_one_ends_them(
    phone: Any, member: Person
) -> None:
    assert stored(member) is None  # nobody to push to: no row to read
    subscribe(phone)
    assert stored(member) == expected(member) is not None
    endpoint = phone.device.endpoint
    assert phone.delete(f"/api/push/subscriptions?endpoint={endpoint}").status_code == 204
    assert stored(member) is None


def test_own_schedule_zone_and_switch_move_it(phone: Any, member: Person) -> None:
    subscribe(phone)
    own = {"enabled": True, "time": in_hours(5).strftime("%H:%M"), "days": ["tue", "sat"]}
    assert phone.put("/api/me/reminders", json=own).status_code == 200
    assert stored(member) == expected(member)
    far = {**own, "time_zone": "Pacific/Auckland"}
    assert phone.put("/api/me/reminders", json=far).status_code == 200
    assert stored(member) == expected(member)
    assert phone.patch("/api/me", json={"time_zone": "America/New_York"}).status_code == 200
    assert stored(member) == expected(member)
    assert phone.put("/api/me/reminders", json={"enabled": False}).status_code == 200
    assert stored(member) is None
    assert phone.put("/api/me/reminders", json={"enabled": True}).status_code == 200
    assert stored(member) == expected(member) is not None


def test_a_team_time_or_workdays_change_moves_every_member(
    app: Flask, phone: Any, member: Person, team: Any, push: PushService
) -> None:
    subscribe(phone)
    colleague = make_person(Role.MEMBER, team=team)
    other = signed_in_client(app, colleague)
    assert other.post("/api/push/subscriptions", json=push.new_browser().subscription())
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    before = stored(member)
    change = {"reminder_time": in_hours(7).strftime("%H:%M"), "workdays": ["wed"]}
    assert lead.patch(f"/api/teams/{team.id}", json=change).status_code == 200
    assert stored(member) == expected(member) != before
    assert stored(colleague) == expected(colleague)


def test_the_workplace_zone_moves_people_without_their_own(
    app: Flask, phone: Any, member: Person
) -> None:
    subscribe(phone)
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=member.workplace))
    before = stored(member)
    assert admin.patch("/api/workplace", json={"time_zone": "Asia/Tokyo"}).status_code == 200
    assert stored(member) == expected(member) != before


def test_snooze_brings_it_forward(phone: Any, member: Person) -> None:
    subscribe(phone)
    answer = phone.post("/api/me/reminders/snooze")
    snoozed = datetime.fromisoformat(answer.json["snoozed_until"])
    assert stored(member) == snoozed < (expected(member) or snoozed + timedelta(days=1))


def test_a_set_logged_today_skips_todays_reminder(phone: Any, member: Person, team: Any) -> None:
    team.reminder_time = later_today(2)
    db.session.commit()
    subscribe(phone)
    today = expected(member)
    assert today is not None and local_day(today, "Europe/Copenhagen") == datetime.now(ZONE).date()
    sent = a_set()
    assert phone.post("/api/me/sets", json=sent).status_code == 201
    assert stored(member) == expected(member, trained_today=True) != today
    # A second set that day changes nothing (one primary-key read).
    assert phone.post("/api/me/sets", json=a_set()).status_code == 201
    assert stored(member) == expected(member, trained_today=True)
    assert phone.delete(f"/api/me/sets/{sent['id']}").status_code == 204
    assert stored(member) == expected(member, trained_today=True)  # one set is left


def test_refresh_command_recomputes_everyone(
    app: Flask, phone: Any, member: Person, runner: Any
) -> None:
    subscribe(phone)
    # As after an upgrade of the holiday calendar: what is stored may be wrong.
    db.session.execute(sa.update(NextReminder).values(next_at=utcnow() + timedelta(days=99)))
    db.session.commit()
    result = runner.invoke(args=["reminders", "refresh"])
    assert result.exit_code == 0, result.output
    assert stored(member) == expected(member)


def test_a_pass_reads_only_who_is_due(app: Flask, push: PushService) -> None:
    team = make_team(make_workplace(), reminder_time=time(11, 25), workdays=EVERY_DAY)
    people = [make_person(Role.MEMBER, team=team) for _ in range(5)]
    for person in people:
        signed_in_client(app, person).post(
            "/api/push/subscriptions", json=push.new_browser().subscription()
        )
    instants = {stored(p) for p in people}
    assert len(instants) == 1 and None not in instants
    [first] = instants
    assert first is not None
    nobody = send_due(first - timedelta(minutes=1))
    assert (nobody.read, nobody.claimed) == (0, 0)
    everyone = send_due(first + timedelta(seconds=10))
    assert (everyone.read, everyone.delivered) == (5, 5)
    # Each moved on to a later reminder; the same moment again reads nobody.
    assert all((stored(p) or first) > first for p in people)
    assert send_due(first + timedelta(seconds=20)).read == 0


def test_a_set_moved_across_midnight_moves_both_days(phone: Any, member: Person, team: Any) -> None:
    team.reminder_time = later_today(2)
    member.created_at = utcnow() - timedelta(days=3)  # so a set may lie yesterday
    db.session.commit()
    subscribe(phone)
    today = expected(member)
    assert today is not None and local_day(today, "Europe/Copenhagen") == datetime.now(ZONE).date()
    yesterday = (datetime.now(ZONE) - timedelta(days=1)).replace(hour=12, minute=0)
    sent = a_set(performed_at=yesterday.isoformat())
    assert phone.post("/api/me/sets", json=sent).status_code == 201
    assert stored(member) == today  # trained yesterday: today's reminder stands
    # Corrected to a moment today: today's reminder goes.
    now = datetime.now(ZONE).isoformat()
    answer = phone.patch(f"/api/me/sets/{sent['id']}", json={"performed_at": now})
    assert answer.status_code == 200, answer.json
    assert stored(member) == expected(member, trained_today=True) != today
    # And back to yesterday: it comes back.
    back = {"performed_at": yesterday.isoformat()}
    assert phone.patch(f"/api/me/sets/{sent['id']}", json=back).status_code == 200
    assert stored(member) == today
    # Today again, then deleted: the only set of the day gone, the reminder is back.
    assert phone.patch(f"/api/me/sets/{sent['id']}", json={"performed_at": now}).status_code == 200
    assert stored(member) != today
    assert phone.delete(f"/api/me/sets/{sent['id']}").status_code == 204
    assert stored(member) == today
