"""A push subscription belongs to the device session it was made in: signing out,
ending a device from the devices list, a password change that ends the other
sessions, and a session running out all stop that phone's reminders — and the
person's next reminder instant stays true (none once the last device is gone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import DeviceSession, Person
from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.models import NextReminder, PushSubscription, ReminderClaim
from coach.reminders.worker import send_due
from tests.factories import PASSWORD, assert_error, make_person, signed_in_client
from tests.reminders.helpers import MONDAY_1125, due_at_once, team_at
from tests.reminders.push_service import PushService


@pytest.fixture
def member(app: Flask) -> Person:
    return make_person(Role.MEMBER, team=team_at(), with_password=True)


def phone(app: Flask, person: Person, push: PushService) -> Any:
    """A signed-in client that subscribed its own browser; knows its session id."""
    api = signed_in_client(app, person)
    api.device = push.new_browser()  # type: ignore[attr-defined]
    answer = api.post("/api/push/subscriptions", json=api.device.subscription())
    assert answer.status_code == 201, answer.json
    devices = api.get("/api/me/devices").json
    api.session_id = next(d["id"] for d in devices if d["current"])  # type: ignore[attr-defined]
    return api


def endpoints(person: Person) -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            sa.select(PushSubscription.endpoint).where(PushSubscription.person_id == person.id)
        )
    )


def next_at(person: Person) -> datetime | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(NextReminder.next_at).where(NextReminder.person_id == person.id)
    )


def reminded(push: PushService, person: Person, *phones: Any) -> list[int]:
    """How many pushes each phone gets from a pass at the team's time."""
    before = [push.requests[p.device.endpoint.rsplit("/", 1)[-1]] for p in phones]
    for table in (NextReminder, ReminderClaim):  # as on a new day
        db.session.execute(sa.delete(table).where(table.person_id == person.id))
    db.session.commit()
    due_at_once(person.id)  # whatever was stored: the pass decides from scratch
    send_due(MONDAY_1125)
    after = [push.requests[p.device.endpoint.rsplit("/", 1)[-1]] for p in phones]
    return [b - a for a, b in zip(before, after, strict=True)]


def test_a_subscription_is_bound_to_the_session_that_made_it(
    app: Flask, member: Person, push: PushService
) -> None:
    first = phone(app, member, push)
    row = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == first.device.endpoint)
    )
    assert row is not None and row.device_session_id == first.session_id
    # The same browser subscribing again after a new sign-in moves to the new session.
    again = signed_in_client(app, member)
    assert (
        again.post("/api/push/subscriptions", json=first.device.subscription()).status_code == 200
    )
    db.session.expire_all()
    assert db.session.get(PushSubscription, row.id).device_session_id != first.session_id  # type: ignore[union-attr]


def test_signing_out_stops_that_phones_reminders(
    app: Flask, member: Person, push: PushService
) -> None:
    one, two = phone(app, member, push), phone(app, member, push)
    assert reminded(push, member, one, two) == [1, 1]
    assert one.post("/api/auth/logout").status_code == 204
    assert endpoints(member) == {two.device.endpoint}
    assert next_at(member) is not None  # the other phone still gets them
    assert reminded(push, member, one, two) == [0, 1]
    assert two.post("/api/auth/logout").status_code == 204
    assert endpoints(member) == set()
    assert next_at(member) is None  # the last device gone: nothing to read


def test_ending_devices_from_the_list_removes_their_subscriptions(
    app: Flask, member: Person, push: PushService
) -> None:
    here, lost, old = (phone(app, member, push) for _ in range(3))
    assert here.delete(f"/api/me/devices/{lost.session_id}").status_code == 204
    assert endpoints(member) == {here.device.endpoint, old.device.endpoint}
    assert reminded(push, member, here, lost, old) == [1, 0, 1]
    assert here.delete("/api/me/devices").json == {"ended": 1}
    assert endpoints(member) == {here.device.endpoint}
    assert reminded(push, member, here, lost, old) == [1, 0, 0]
    # Ending this very device from its own list is signing out.
    assert here.delete(f"/api/me/devices/{here.session_id}").status_code == 204
    assert endpoints(member) == set() and next_at(member) is None


def test_ending_the_only_device_elsewhere_ends_reminders(
    app: Flask, member: Person, push: PushService
) -> None:
    phone(app, member, push)
    laptop = signed_in_client(app, member)  # signed in, never subscribed
    assert next_at(member) is not None
    assert laptop.delete("/api/me/devices").json == {"ended": 1}
    assert endpoints(member) == set() and next_at(member) is None


def test_a_password_change_ends_the_other_phones_reminders(
    app: Flask, member: Person, push: PushService
) -> None:
    here, other = phone(app, member, push), phone(app, member, push)
    change = {"email": member.email, "password": "a new password", "current_password": PASSWORD}
    assert here.put("/api/me/credentials", json=change).status_code == 200
    assert endpoints(member) == {here.device.endpoint}
    assert reminded(push, member, here, other) == [1, 0]


def expire(*sessions: Any) -> None:
    """These sessions ran out a minute before the reminder's time."""
    db.session.execute(
        sa.update(DeviceSession)
        .where(DeviceSession.id.in_(sessions))
        .values(expires_at=MONDAY_1125 - timedelta(minutes=1))
    )
    db.session.commit()


def test_an_expired_session_gets_no_reminders(
    app: Flask, member: Person, push: PushService
) -> None:
    fresh, stale = phone(app, member, push), phone(app, member, push)
    expire(stale.session_id)
    assert reminded(push, member, fresh, stale) == [1, 0]
    # With every session run out the pass finds nobody to push to and drops the row.
    expire(fresh.session_id)
    assert reminded(push, member, fresh, stale) == [0, 0]
    assert next_at(member) is None


def known_here(api: Any, browser: Any) -> Any:
    """What the app asks at sign-in and in settings: does the server still push to
    this browser's subscription for the session asking?"""
    return api.get("/api/push/subscriptions", query_string={"endpoint": browser.endpoint})


def test_a_phone_whose_session_ended_elsewhere_posts_its_subscription_again(
    app: Flask, member: Person, push: PushService
) -> None:
    here = phone(app, member, push)
    assert known_here(here, here.device).status_code == 200
    laptop = signed_in_client(app, member)
    assert laptop.delete(f"/api/me/devices/{here.session_id}").status_code == 204
    assert endpoints(member) == set()
    assert known_here(here, here.device).status_code == 401  # that session is over

    # Signed in again on the phone, whose browser kept its subscription: the server
    # says it does not know it for this session, in the person's language, as JSON.
    again = signed_in_client(app, member)
    missing = assert_error(known_here(again, here.device), 404)
    assert missing["message"] == "Telefonens abonnement er ikke gemt for denne enhed."
    for status in (201, 200):  # posted again, twice (sign-in and settings at once)
        assert (
            again.post("/api/push/subscriptions", json=here.device.subscription()).status_code
            == status
        )
    rows = db.session.scalars(
        sa.select(PushSubscription).where(PushSubscription.endpoint == here.device.endpoint)
    ).all()
    new_session = next(d["id"] for d in again.get("/api/me/devices").json if d["current"])
    assert [(r.person_id, r.device_session_id) for r in rows] == [(member.id, new_session)]
    assert known_here(again, here.device).status_code == 200
    again.device = here.device  # type: ignore[attr-defined]
    assert reminded(push, member, again) == [1]


def test_a_subscription_left_on_an_expired_session_moves_to_the_new_one(
    app: Flask, member: Person, push: PushService
) -> None:
    here = phone(app, member, push)
    [row_id] = db.session.scalars(sa.select(PushSubscription.id)).all()
    expire(here.session_id)  # still stored, but no longer pushed to
    again = signed_in_client(app, member)
    assert known_here(again, here.device).status_code == 404
    assert again.post("/api/push/subscriptions", json=here.device.subscription()).status_code == 200
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(PushSubscription)).all()
    assert row.id == row_id and row.device_session_id != here.session_id
    assert known_here(again, here.device).status_code == 200


def test_posting_again_keeps_to_ten_devices_and_tells_nothing_of_others(
    app: Flask, member: Person, push: PushService
) -> None:
    here = phone(app, member, push)
    laptop = signed_in_client(app, member)
    assert laptop.delete(f"/api/me/devices/{here.session_id}").status_code == 204
    others = [phone(app, member, push) for _ in range(10)]  # the cap, meanwhile
    again = signed_in_client(app, member)
    assert known_here(again, here.device).status_code == 404
    assert again.post("/api/push/subscriptions", json=here.device.subscription()).status_code == 201
    kept = endpoints(member)
    assert len(kept) == 10 and here.device.endpoint in kept
    assert others[0].device.endpoint not in kept  # the one refreshed longest ago made room
    # Someone else's endpoint, or one made before the binding: 404 and 200, nothing more.
    stranger = make_person(Role.MEMBER, team=member.team)
    assert known_here(signed_in_client(app, stranger), here.device).status_code == 404
    db.session.execute(
        sa.update(PushSubscription)
        .where(PushSubscription.endpoint == others[1].device.endpoint)
        .values(device_session_id=None)
    )
    db.session.commit()
    assert known_here(again, others[1].device).status_code == 200
