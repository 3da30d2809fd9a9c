"""Endpoints that cannot be turned against us: only browsers' push services are
accepted, nothing is ever sent to an internal address, a person has at most ten
devices, and a test reminder never holds a web worker."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.endpoints import is_public
from coach.reminders.models import DeliveryAttempt, PushSubscription
from coach.reminders.service import MAX_DEVICES
from coach.reminders.worker import send_due
from tests.factories import AUTH, P256DH, make_person, signed_in_client
from tests.reminders.helpers import MONDAY_1125, due_at_once, team_at
from tests.reminders.push_service import Answer, PushService


def subscription(endpoint: str) -> dict[str, Any]:
    return {"endpoint": endpoint, "keys": {"p256dh": P256DH, "auth": AUTH}}


ACCEPTED = [
    "https://fcm.googleapis.com/fcm/send/dXNlcjE:APA91b",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
    "https://web.push.apple.com/QGx2aW5lYnJvd3Nlcg",
    "https://wns2-db5p.notify.windows.com/w/?token=BQYAAA",
    "https://fcm.googleapis.com:443/fcm/send/x",
]

REFUSED = [
    ("http://fcm.googleapis.com/fcm/send/x", "https://"),
    ("https://user:secret@fcm.googleapis.com/fcm/send/x", "user name or password"),
    ("https://fcm.googleapis.com:8443/fcm/send/x", "port, 443"),
    ("https://127.0.0.1:5432/", "port, 443"),
    ("https://localhost:6379/", "port, 443"),
    ("https://localhost/push", "localhost is not a browser's push service"),
    ("https://10.0.0.1/", "IP address"),
    ("https://169.254.169.254/latest/meta-data", "IP address"),
    ("https://[::1]:22/", "port, 443"),
    ("https://[::1]/", "IP address"),
    ("https://[fd00:ec2::254]/", "IP address"),
    ("https://push.apple.com.attacker.net/x", "not a browser's push service"),
    ("https://evilpush.apple.com/x", "not a browser's push service"),
    ("https://fcm.googleapis.com/fcm/send/x#frag", "fragment"),
]


@pytest.fixture
def me(app: Flask, monkeypatch: Any) -> Any:
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", False)  # as in production
    # English: the reasons below are read as the code writes them.
    return signed_in_client(app, make_person(Role.MEMBER, language="en"))


def test_only_the_browsers_push_services_are_accepted(app: Flask, me: Any) -> None:
    for endpoint in ACCEPTED:
        answer = me.post("/api/push/subscriptions", json=subscription(endpoint))
        assert answer.status_code == 201, (endpoint, answer.json)
    for endpoint, why in REFUSED:
        answer = me.post("/api/push/subscriptions", json=subscription(endpoint))
        assert answer.status_code == 422, endpoint
        [message] = answer.json["errors"]["json"]["endpoint"]
        assert why in message, (endpoint, message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == len(
        ACCEPTED
    )


def test_push_hosts_setting_adds_a_push_service(app: Flask, me: Any, monkeypatch: Any) -> None:
    endpoint = "https://push.example.net/device/1"
    assert me.post("/api/push/subscriptions", json=subscription(endpoint)).status_code == 422
    monkeypatch.setitem(app.config, "PUSH_HOSTS", "push.example.net, *.push.example.org")
    assert me.post("/api/push/subscriptions", json=subscription(endpoint)).status_code == 201
    other = "https://eu.push.example.org/device/2"
    assert me.post("/api/push/subscriptions", json=subscription(other)).status_code == 201
    apex = "https://push.example.org/device/3"  # "*." means a subdomain
    assert me.post("/api/push/subscriptions", json=subscription(apex)).status_code == 422


def test_at_most_ten_devices_the_oldest_makes_room(app: Flask, me: Any) -> None:
    endpoints = [f"https://fcm.googleapis.com/fcm/send/device-{n}" for n in range(MAX_DEVICES + 2)]
    for endpoint in endpoints:
        assert me.post("/api/push/subscriptions", json=subscription(endpoint)).status_code == 201
    kept = db.session.scalars(sa.select(PushSubscription.endpoint)).all()
    assert sorted(kept) == sorted(endpoints[2:])
    # Refreshing a device (pushsubscriptionchange) does not push another one out.
    assert me.post("/api/push/subscriptions", json=subscription(endpoints[5])).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 10


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "not-an-address",
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", ["142.250.74.74", "2a00:1450:400f:80d::200a", "17.57.144.1"])
def test_public_addresses_are(address: str) -> None:
    assert is_public(address)


def test_the_worker_never_connects_to_an_internal_address(
    app: Flask, push: PushService, monkeypatch: Any
) -> None:
    """Rows stored before the checks existed, or a name whose DNS answer changed after
    subscribing (rebinding): the loopback push service would take each of these, so
    no request reaching it proves the worker refused them."""
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP", False)
    port = push.origin.rsplit(":", 1)[1]
    team = team_at()
    names = {
        "by-name": f"http://localhost:{port}/push/by-name",  # resolves to 127.0.0.1
        "literal": f"http://127.0.0.1:{port}/push/literal",
        "mapped": f"http://[::ffff:127.0.0.1]:{port}/push/mapped",
    }
    people = {}
    for name, endpoint in names.items():
        browser = push.new_browser(name)
        person = make_person(Role.MEMBER, team=team)
        people[person.id] = name
        db.session.add(
            PushSubscription(
                person_id=person.id, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth
            )
        )
    db.session.commit()
    due_at_once(*people)
    summary = send_due(MONDAY_1125)
    assert summary.delivered == 0
    assert dict(push.requests) == {}
    details = {
        people[a.person_id]: a.detail for a in db.session.scalars(sa.select(DeliveryAttempt))
    }
    assert set(details) == set(names)
    assert all(d is not None and d.startswith("refused:") for d in details.values()), details
    assert "localhost resolves to no public address" in (details["by-name"] or "")


def test_a_test_reminder_to_a_hanging_device_answers_within_5_s(
    app: Flask, push: PushService, monkeypatch: Any
) -> None:
    # Production's patience per request: a device that never answers would hold a
    # request for retries times the timeout without the overall limit.
    monkeypatch.setitem(app.config, "PUSH_TIMEOUT_SECONDS", 10)
    monkeypatch.setitem(app.config, "PUSH_RETRIES", 3)
    from tests.reminders.helpers import person_with_device

    person, phone = person_with_device(push)
    push.answer(phone.endpoint.rsplit("/", 1)[-1], Answer(201, delay=8))
    api = signed_in_client(app, person)
    started = time.monotonic()
    answer = api.post("/api/me/reminders/test")
    took = time.monotonic() - started
    assert took < 5, took
    assert answer.status_code == 200 and answer.is_json
    assert answer.json == {"devices": 1, "delivered": 0, "failed": 1, "emailed": False}
    [attempt] = db.session.scalars(sa.select(DeliveryAttempt)).all()
    assert attempt.outcome == "timeout" and attempt.detail == "no answer within 4 s"
