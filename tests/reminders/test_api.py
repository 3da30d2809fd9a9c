"""The reminder endpoints as the app uses them: keys, devices, settings, snooze, test."""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.models import DeliveryAttempt, PushSubscription
from tests.factories import P256DH, make_person, signed_in_client
from tests.reminders.helpers import person_with_device, team_at
from tests.reminders.push_service import Answer, PushService


def test_public_key_is_stable_and_65_bytes(app: Flask) -> None:
    first = app.test_client().get("/api/push/public-key").json["public_key"]
    raw = base64.urlsafe_b64decode(first + "=")
    assert len(raw) == 65 and raw[0] == 4
    assert app.test_client().get("/api/push/public-key").json["public_key"] == first


def test_vapid_key_is_generated_once_or_taken_from_config(tmp_path: Path) -> None:
    from coach import create_app

    one = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    two = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert one.extensions["coach.vapid_public_key"] == two.extensions["coach.vapid_public_key"]
    pem = (tmp_path / "vapid_private_key.pem").read_text()
    assert oct((tmp_path / "vapid_private_key.pem").stat().st_mode & 0o777) == "0o600"
    other = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "elsewhere"),
            "DATABASE_URL": "sqlite://",
            "VAPID_PRIVATE_KEY": pem,
        }
    )
    assert other.extensions["coach.vapid_public_key"] == one.extensions["coach.vapid_public_key"]


def test_subscribing_twice_from_one_device_refreshes_it(app: Flask, push: PushService) -> None:
    person = make_person(Role.MEMBER)
    api = signed_in_client(app, person)
    browser = push.new_browser()
    first = api.post("/api/push/subscriptions", json=browser.subscription())
    assert first.status_code == 201, first.json
    renewed = push.new_browser()  # pushsubscriptionchange: same endpoint, new keys
    body = {**renewed.subscription(), "endpoint": browser.endpoint}
    again = api.post("/api/push/subscriptions", json=body)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    row = db.session.get(PushSubscription, first.json["id"])
    db.session.refresh(row)
    assert row is not None and row.p256dh == renewed.p256dh

    second_phone = api.post("/api/push/subscriptions", json=push.new_browser().subscription())
    assert second_phone.status_code == 201
    assert api.get("/api/me/reminders").json["devices"] == 2

    gone = api.delete(f"/api/push/subscriptions?endpoint={browser.endpoint}")
    assert gone.status_code == 204
    assert api.delete(f"/api/push/subscriptions?endpoint={browser.endpoint}").status_code == 404
    assert api.get("/api/me/reminders").json["devices"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"endpoint": "ftp://fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"endpoint": "https://user:pw@fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        ({"keys": {"p256dh": "AAAA", "auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys"),
        ({"keys": {"p256dh": "B" * 87, "auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys"),  # no point
        ({"keys": {"p256dh": None, "auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys"),
        ({"keys": {"auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys"),
    ],
)
def test_subscriptions_are_validated(app: Flask, change: dict[str, object], field: str) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER))
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/x",
        "keys": {
            "p256dh": P256DH,
            "auth": "tBHItJI5svbpez7KI4CCXg",
        },
    }
    assert api.post("/api/push/subscriptions", json=body).status_code == 201
    db.session.execute(sa.delete(PushSubscription))
    db.session.commit()
    response = api.post("/api/push/subscriptions", json={**body, **change})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    auth_short = {**body, "keys": {**body["keys"], "auth": "dG9vc2hvcnQ"}}  # type: ignore[dict-item]
    assert api.post("/api/push/subscriptions", json=auth_short).status_code == 422


def test_a_device_that_changes_hands_moves_to_the_new_person(app: Flask, push: PushService) -> None:
    browser = push.new_browser()
    first, second = make_person(Role.MEMBER), make_person(Role.MEMBER)
    signed_in_client(app, first).post("/api/push/subscriptions", json=browser.subscription())
    signed_in_client(app, second).post("/api/push/subscriptions", json=browser.subscription())
    rows = db.session.scalars(sa.select(PushSubscription)).all()
    assert [row.person_id for row in rows] == [second.id]
    # and the first person cannot remove the second person's device
    api = signed_in_client(app, first)
    assert api.delete(f"/api/push/subscriptions?endpoint={browser.endpoint}").status_code == 404


def test_settings_default_to_the_team_and_workplace(app: Flask) -> None:
    team = team_at(time(10, 55), workdays=["mon", "wed"])
    team.workplace.time_zone = "Europe/Oslo"
    db.session.commit()
    api = signed_in_client(app, make_person(Role.MEMBER, team=team))
    view = api.get("/api/me/reminders").json
    assert (view["time"], view["days"], view["time_zone"]) == (
        "10:55",
        ["mon", "wed"],
        "Europe/Oslo",
    )
    assert view["follows_team"] is True and view["enabled"] is True
    assert view["defaults"] == {"time": "10:55", "days": ["mon", "wed"], "time_zone": "Europe/Oslo"}
    assert view["next_reminder_at"] is not None


def test_own_settings_and_back_to_the_team(app: Flask) -> None:
    team = team_at(time(11, 25))
    person = make_person(Role.MEMBER, team=team)
    api = signed_in_client(app, person)
    mine = api.put(
        "/api/me/reminders",
        json={
            "enabled": True,
            "time": "08:05",
            "days": ["fri", "mon"],
            "time_zone": "Pacific/Auckland",
        },
    )
    assert mine.status_code == 200, mine.json
    assert (mine.json["time"], mine.json["days"], mine.json["time_zone"]) == (
        "08:05",
        ["mon", "fri"],
        "Pacific/Auckland",
    )
    assert mine.json["follows_team"] is False
    back = api.put(
        "/api/me/reminders", json={"enabled": True, "time": None, "days": None, "time_zone": None}
    )
    assert (back.json["time"], back.json["time_zone"]) == ("11:25", "Europe/Copenhagen")
    assert back.json["follows_team"] is True
    off = api.put("/api/me/reminders", json={"enabled": False})
    assert off.json["enabled"] is False and off.json["next_reminder_at"] is None
    bad = api.put(
        "/api/me/reminders", json={"enabled": True, "time": "25:00", "time_zone": "Mars/Base"}
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"time", "time_zone"}


def test_snooze_is_a_quarter_of_an_hour(app: Flask) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER))
    before = utcnow()
    response = api.post("/api/me/reminders/snooze")
    after = utcnow()
    assert response.status_code == 200
    assert api.get("/api/me/reminders").json["snoozed_until"] == response.json["snoozed_until"]
    # Fifteen minutes from when the request was handled, to the second (however slow
    # the machine is).
    until = datetime.fromisoformat(response.json["snoozed_until"])
    quarter = timedelta(minutes=15)
    assert before + quarter - timedelta(seconds=1) <= until <= after + quarter


def test_test_reminder_reaches_every_device(app: Flask, push: PushService) -> None:
    person, _phone = person_with_device(push, language="en")
    laptop = push.new_browser()
    db.session.add(
        PushSubscription(
            person_id=person.id, endpoint=laptop.endpoint, p256dh=laptop.p256dh, auth=laptop.auth
        )
    )
    dead = push.new_browser()
    db.session.add(
        PushSubscription(
            person_id=person.id, endpoint=dead.endpoint, p256dh=dead.p256dh, auth=dead.auth
        )
    )
    db.session.commit()
    push.answer(dead.endpoint.rsplit("/", 1)[-1], Answer(410))
    api = signed_in_client(app, person)
    response = api.post("/api/me/reminders/test")
    assert response.status_code == 200
    assert response.json == {"devices": 3, "delivered": 2, "failed": 1, "emailed": False}
    assert push.problems == []
    assert {r.payload["title"] for r in push.received} == {"Time for today's training"}
    assert api.get("/api/me/reminders").json["devices"] == 2  # the expired one is gone
    outcomes = sorted(db.session.scalars(sa.select(DeliveryAttempt.outcome)))
    assert outcomes == ["delivered", "delivered", "gone"]


def test_my_reminder_data_is_in_my_export(app: Flask, push: PushService) -> None:
    person, phone = person_with_device(push)
    api = signed_in_client(app, person)
    api.put("/api/me/reminders", json={"enabled": True, "time": "09:40", "days": ["tue"]})
    api.post("/api/me/reminders/test")
    text = api.get("/api/me/export.csv").get_data(as_text=True)
    assert "# reminders\r\nenabled,time,days,email_fallback,snoozed_until\r\ntrue,09:40,tue" in text
    header = "endpoint,subscribed_at,last_delivered_at,failing_since"
    assert f"# push devices\r\n{header}\r\n{phone.endpoint}," in text
    assert ",push,201,delivered" in text
