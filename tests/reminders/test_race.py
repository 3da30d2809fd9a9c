"""Two workers on one database, racing over 10,000 due reminders: each is sent once."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Person
from coach.extensions import db
from coach.reminders.models import (
    DeliveryAttempt,
    NextReminder,
    PushSubscription,
    ReminderClaim,
)
from coach.reminders.worker import PassSummary, send_due
from tests.reminders.helpers import LONG_AGO, MONDAY_1125, team_at
from tests.reminders.push_service import PushService

PEOPLE = 10_000


def bulk_people_with_devices(push: PushService, count: int) -> None:
    team = team_at()
    browser = push.new_browser("shared")  # one key pair: encryption is not what is raced
    people = [
        {
            "workplace_id": team.workplace_id,
            "team_id": team.id,
            "display_name": f"Person {i}",
            "role": "member",
            "language": "da",
            "share_participation": False,
            "created_at": MONDAY_1125,
        }
        for i in range(count)
    ]
    db.session.execute(sa.insert(Person), people)
    ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
    db.session.execute(
        sa.insert(PushSubscription),
        [
            {
                "person_id": person_id,
                "endpoint": f"{push.origin}/push/device-{person_id}",
                "p256dh": browser.p256dh,
                "auth": browser.auth,
                "created_at": MONDAY_1125,
                "updated_at": MONDAY_1125,
            }
            for person_id in ids
        ],
    )
    db.session.execute(
        sa.insert(NextReminder), [{"person_id": pid, "next_at": LONG_AGO} for pid in ids]
    )
    db.session.commit()


def test_two_workers_send_each_reminder_exactly_once(app: Flask, push: PushService) -> None:
    push.verify = False  # counting is the point here; test_worker checks the content
    bulk_people_with_devices(push, PEOPLE)
    saved = {key: app.config[key] for key in ("PUSH_CONCURRENCY", "PUSH_TIMEOUT_SECONDS")}
    # A push service that is slow to answer would see a retried message twice (at the
    # HTTP level; the claim still holds): here every message must reach it once.
    app.config.update(PUSH_CONCURRENCY=50, PUSH_TIMEOUT_SECONDS=60)
    summaries: list[PassSummary] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            with app.app_context():
                start.wait()
                summaries.append(send_due(MONDAY_1125, worker=name))
                db.session.remove()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in (1, 2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        app.config.update(saved)
    assert errors == []
    assert len(summaries) == 2
    assert sum(s.claimed for s in summaries) == PEOPLE
    assert sum(s.delivered for s in summaries) == PEOPLE
    per_device: Counter[str] = Counter(push.requests)
    assert len(per_device) == PEOPLE
    assert set(per_device.values()) == {1}, per_device.most_common(3)
    claims: dict[str, Any] = dict(
        Counter(db.session.scalars(sa.select(ReminderClaim.claimed_by)))  # type: ignore[arg-type]
    )
    assert sum(claims.values()) == PEOPLE
    outcomes = Counter(db.session.scalars(sa.select(ReminderClaim.outcome)))
    assert outcomes == {"delivered": PEOPLE}
    count = db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryAttempt))
    assert count == PEOPLE
