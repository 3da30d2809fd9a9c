"""Exactly once under faults, with real worker processes: a worker killed mid-pass,
and a device that makes a worker wait past its lease (two workers racing without
faults: test_race.py).

Each worker is ``flask reminders send-due`` in its own process on the test database,
sending to the loopback push service, with a lease of seconds instead of minutes.
Times are virtual (``--at``) but advance with the real clock inside each worker, so
a worker started later is given the moment it is started at.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Person
from coach.extensions import db
from coach.reminders.models import ReminderClaim
from tests.reminders.helpers import MONDAY_1125
from tests.reminders.push_service import Answer, PushService
from tests.reminders.test_race import bulk_people_with_devices

WORKER = [sys.executable, "-m", "flask", "--app", "coach", "reminders", "send-due"]
LEASE_SECONDS = 2
CONCURRENCY = 20


def worker_env(app: Flask, **settings: Any) -> dict[str, str]:
    env = {
        **os.environ,
        "COACH_DATABASE_URL": str(app.config["DATABASE_URL"]),
        "COACH_INSTANCE_PATH": app.instance_path,
        "COACH_SECRET_KEY": "test-secret",
        "COACH_PUSH_ALLOW_HTTP": "true",
        "COACH_PUSH_BACKOFF_SECONDS": "0",
        "COACH_PUSH_TIMEOUT_SECONDS": "10",
        "COACH_PUSH_CONCURRENCY": str(CONCURRENCY),
        "COACH_REMINDER_CLAIM_TIMEOUT_SECONDS": str(LEASE_SECONDS),
    }
    env.update({f"COACH_{key}": str(value) for key, value in settings.items()})
    return env


def start_worker(env: dict[str, str], at: datetime) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*WORKER, "--at", at.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(worker: subprocess.Popen[str]) -> str:
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err[-2000:]
    return out


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def devices() -> list[str]:
    """The loopback service's names of the people's phones, in id order."""
    ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
    return [f"device-{person_id}" for person_id in ids]


def claim_outcomes() -> Counter[str | None]:
    db.session.expire_all()
    return Counter(db.session.scalars(sa.select(ReminderClaim.outcome)))


@pytest.fixture
def quiet_push(push: PushService) -> PushService:
    push.verify = False  # counting is the point; test_worker checks what arrives
    return push


def test_a_worker_killed_mid_pass_loses_nothing_and_repeats_only_what_was_in_flight(
    app: Flask, quiet_push: PushService
) -> None:
    people = 2000
    bulk_people_with_devices(quiet_push, people)
    # Each answer takes a little while, so the kill lands in the middle of the pass.
    for device in devices():
        quiet_push.answer(device, Answer(201, delay=0.02))
    env = worker_env(app)
    first_at = MONDAY_1125 + timedelta(seconds=5)
    spawned = time.monotonic()
    first = start_worker(env, first_at)
    try:
        wait_for(lambda: sum(quiet_push.requests.values()) >= people // 3)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    sent_before = sum(quiet_push.requests.values())
    assert sent_before < people, "the pass ended before the kill"
    # A second worker once the dead one's leases have run out.
    since = time.monotonic() - spawned
    second = start_worker(env, first_at + timedelta(seconds=since + LEASE_SECONDS + 1))
    out = finished(second)
    per_device = Counter(quiet_push.requests)
    assert len(per_device) == people, "a reminder was lost"
    duplicates = sum(count - 1 for count in per_device.values())
    assert duplicates <= CONCURRENCY, (duplicates, out)
    assert claim_outcomes() == {"delivered": people}


def test_a_long_retry_after_resends_to_nobody_else(app: Flask, quiet_push: PushService) -> None:
    people = 300
    bulk_people_with_devices(quiet_push, people)
    slow = devices()[0]
    # Longer than the lease: the worker waits for it, renewing its lease meanwhile.
    quiet_push.answer(slow, Answer(429, headers=(("Retry-After", str(LEASE_SECONDS * 2 + 1)),)))
    env = worker_env(app, PUSH_RETRY_AFTER_MAX_SECONDS=30)
    first_at = MONDAY_1125 + timedelta(seconds=5)
    spawned = time.monotonic()
    first = start_worker(env, first_at)
    try:
        wait_for(lambda: sum(quiet_push.requests.values()) >= people)
        time.sleep(LEASE_SECONDS + 0.2)  # the first lease would have run out by now
        second_at = first_at + timedelta(seconds=time.monotonic() - spawned)
        second_out = finished(start_worker(env, second_at))
        first_out = finished(first)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    assert "claimed 0" in second_out, second_out
    assert "delivered 300" in first_out, first_out
    per_device = Counter(quiet_push.requests)
    assert per_device.pop(slow) == 2  # the 429, then the delivery
    assert set(per_device.values()) == {1}, per_device.most_common(3)
    assert claim_outcomes() == {"delivered": people}
