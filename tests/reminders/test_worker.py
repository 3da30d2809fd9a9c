"""The worker against a loopback push service: what a person's phone receives, once,
at the right time, and what happens when the push service says no."""

from __future__ import annotations

import time as clock
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.extensions import db
from coach.reminders.models import (
    DeliveryAttempt,
    PushSubscription,
    ReminderClaim,
    ReminderSettings,
)
from coach.reminders.worker import send_due
from tests.reminders.helpers import MONDAY_1125, due_at_once, person_with_device, team_at
from tests.reminders.push_service import Answer, PushService


def attempts(person_id: int) -> list[tuple[int | None, str]]:
    rows = db.session.scalars(
        sa.select(DeliveryAttempt)
        .where(DeliveryAttempt.person_id == person_id)
        .order_by(DeliveryAttempt.id)
    )
    return [(row.status, row.outcome) for row in rows]


def device_of(browser: Any) -> str:
    return browser.endpoint.rsplit("/", 1)[-1]


def test_due_reminder_arrives_decryptable_with_the_localized_payload(
    app: Flask, push: PushService, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://coach.example.org/")
    dane, dane_phone = person_with_device(push, language="da")
    english, english_phone = person_with_device(push, language="en")

    summary = send_due(MONDAY_1125 + timedelta(seconds=20))

    assert push.problems == []
    assert (summary.claimed, summary.delivered) == (2, 2)
    by_device = {r.device: r for r in push.received}
    danish = by_device[device_of(dane_phone)]
    assert danish.payload["title"] == "Tid til dagens træning"
    assert danish.payload["url"] == "/today"
    # One tag a day: the snoozed reminder, or one sent twice, shows as one notification.
    assert danish.payload["tag"] == "coach-reminder-2026-11-23"
    # At once a declarative push message (Safari 18.4+), shown without the worker.
    assert danish.payload["web_push"] == 8030 and danish.payload["mutable"] is True
    assert danish.payload["notification"] == {
        "title": "Tid til dagens træning",
        "body": "Et par minutter med elastikken nu, så er frokosten din pause.",
        "navigate": "https://coach.example.org/today",
        "lang": "da",
        "tag": "coach-reminder-2026-11-23",
    }
    # The service worker shows these buttons as they come: labelled in the person's language.
    assert danish.payload["actions"] == [
        {"action": "start", "title": "Start nu"},
        {"action": "later", "title": "Senere"},
    ]
    english_payload = by_device[device_of(english_phone)].payload
    assert english_payload["title"] == "Time for today's training"
    assert english_payload["lang"] == "en"
    assert [a["title"] for a in english_payload["actions"]] == ["Start now", "Later"]
    headers = danish.headers
    assert headers["urgency"] == "normal"
    # One topic per person and local day: a push service collapses a duplicate still queued.
    assert headers["topic"] == f"r{dane.id}-20261123"
    assert by_device[device_of(english_phone)].headers["topic"] == f"r{english.id}-20261123"
    # the TTL runs to local midnight: 12 h 35 min minus the 20 s (and the pass's own)
    assert 0 <= 12 * 3600 + 35 * 60 - 20 - int(headers["ttl"]) <= 2
    assert danish.claims["aud"] == push.origin
    assert attempts(dane.id) == [(201, "delivered")]
    assert attempts(english.id) == [(201, "delivered")]

    # the same minute again, or later that day: nothing more
    assert send_due(MONDAY_1125 + timedelta(minutes=1)).claimed == 0
    assert len(push.received) == 2


def test_nothing_is_sent_before_its_time_or_long_after(app: Flask, push: PushService) -> None:
    person_with_device(push)
    assert send_due(MONDAY_1125 - timedelta(minutes=1)).due == 0
    assert send_due(MONDAY_1125 + timedelta(hours=3)).due == 0
    assert push.received == []


def test_one_token_is_signed_per_origin_and_reused(app: Flask, push: PushService) -> None:
    for _ in range(5):
        person_with_device(push)
    send_due(MONDAY_1125)
    tokens = {r.headers["authorization"] for r in push.received}
    assert len(push.received) == 5 and len(tokens) == 1


def test_danish_holiday_and_days_off_are_skipped(app: Flask, push: PushService) -> None:
    person_with_device(push)
    christmas = datetime(2026, 12, 25, 10, 25, tzinfo=UTC)  # a Friday
    saturday = datetime(2026, 11, 28, 10, 25, tzinfo=UTC)
    assert send_due(christmas).due == 0
    assert send_due(saturday).due == 0
    assert push.received == []


def test_already_trained_today_is_skipped(app: Flask, push: PushService) -> None:
    trained, _ = person_with_device(push)
    _other, other_phone = person_with_device(push)
    db.session.add(
        WorkoutSet(
            id=uuid.uuid4(),
            person_id=trained.id,
            exercise="lateral-raise",
            performed_at=MONDAY_1125 - timedelta(hours=2),
            local_date=date(2026, 11, 23),
            reps=12,
            band_level="green",
        )
    )
    db.session.commit()
    summary = send_due(MONDAY_1125)
    assert summary.claimed == 1
    assert [r.device for r in push.received] == [device_of(other_phone)]


def test_own_time_and_zone_override_the_team(app: Flask, push: PushService) -> None:
    person, _ = person_with_device(push, time_zone="Pacific/Auckland")
    db.session.add(ReminderSettings(person_id=person.id, at=time(9, 0), days=["tue"]))
    db.session.commit()
    due_at_once(person.id)
    # Tuesday 24 November 2026, 09:00 in Auckland (NZDT, +13) = Monday 20:00 UTC
    assert send_due(datetime(2026, 11, 23, 19, 59, tzinfo=UTC)).due == 0
    assert send_due(datetime(2026, 11, 23, 20, 0, tzinfo=UTC)).delivered == 1


def test_gone_subscriptions_are_deleted(app: Flask, push: PushService) -> None:
    gone, gone_phone = person_with_device(push)
    missing, missing_phone = person_with_device(push)
    push.answer(device_of(gone_phone), Answer(410))
    push.answer(device_of(missing_phone), Answer(404))
    summary = send_due(MONDAY_1125)
    assert summary.failed == 2
    assert attempts(gone.id) == [(410, "gone")]
    assert attempts(missing.id) == [(404, "gone")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def claim_of(person_id: int) -> ReminderClaim:
    db.session.expire_all()
    claim = db.session.scalar(sa.select(ReminderClaim).where(ReminderClaim.person_id == person_id))
    assert claim is not None
    return claim


def test_server_errors_are_retried_with_backoff(app: Flask, push: PushService) -> None:
    flaky, flaky_phone = person_with_device(push)
    broken, broken_phone = person_with_device(push)
    push.answer(device_of(flaky_phone), Answer(500), Answer(503))
    push.answer(device_of(broken_phone), *[Answer(500)] * 3)
    summary = send_due(MONDAY_1125)
    assert (summary.delivered, summary.retrying) == (1, 1)
    assert attempts(flaky.id) == [(500, "error"), (503, "error"), (201, "delivered")]
    assert attempts(broken.id) == [(500, "error")] * 3  # PUSH_RETRIES = 2 in the tests
    sub = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.person_id == broken.id)
    )
    assert sub is not None and sub.failing_since is not None
    # Not given up: the claim waits, unconfirmed, for its next try a minute on.
    claim = claim_of(broken.id)
    assert claim.confirmed_at is None and claim.tries == 1
    assert claim.lease_until - MONDAY_1125 >= timedelta(seconds=60)
    assert send_due(MONDAY_1125 + timedelta(seconds=30)).claimed == 0
    push.answer(device_of(broken_phone), *[Answer(502)] * 3)
    assert send_due(MONDAY_1125 + timedelta(seconds=61)).retrying == 1
    claim = claim_of(broken.id)
    assert claim.tries == 2 and claim.lease_until - MONDAY_1125 >= timedelta(seconds=180)
    # The next answer is a success: delivered, 3 minutes late rather than never.
    summary = send_due(MONDAY_1125 + timedelta(minutes=3, seconds=2))
    assert (summary.claimed, summary.delivered) == (1, 1)
    assert attempts(broken.id)[-1] == (201, "delivered")
    assert claim_of(broken.id).outcome == "delivered"


def test_retries_stop_two_hours_after_the_reminder(app: Flask, push: PushService) -> None:
    person, phone = person_with_device(push)
    push.answer(device_of(phone), *[Answer(503)] * 3)
    assert send_due(MONDAY_1125).retrying == 1
    # The worker was away; when it is back the reminder's time is long past.
    summary = send_due(MONDAY_1125 + timedelta(hours=2, minutes=1))
    assert (summary.claimed, summary.failed) == (0, 1)
    claim = claim_of(person.id)
    assert claim.outcome == "failed" and claim.confirmed_at is not None
    assert len(push.received) == 0


def test_timeouts_are_retried(app: Flask, push: PushService) -> None:
    person, phone = person_with_device(push)
    push.answer(device_of(phone), Answer(201, delay=1.0))  # PUSH_TIMEOUT_SECONDS is 0.5
    send_due(MONDAY_1125)
    assert attempts(person.id) == [(None, "timeout"), (201, "delivered")]


def test_retry_after_is_honoured(app: Flask, push: PushService) -> None:
    person, phone = person_with_device(push)
    push.answer(device_of(phone), Answer(429, headers=(("Retry-After", "1"),)))
    started = clock.monotonic()
    send_due(MONDAY_1125)
    assert clock.monotonic() - started >= 1.0
    assert attempts(person.id) == [(429, "rate_limited"), (201, "delivered")]


def test_a_retry_after_too_long_is_not_waited_for(app: Flask, push: PushService) -> None:
    person, phone = person_with_device(push)
    push.answer(device_of(phone), Answer(429, headers=(("Retry-After", "86400"),)))
    started = clock.monotonic()
    assert send_due(MONDAY_1125).failed == 1  # a day away: past the reminder's use
    assert clock.monotonic() - started < 5
    assert attempts(person.id) == [(429, "rate_limited")]


def test_a_long_retry_after_is_kept_for_the_next_try(app: Flask, push: PushService) -> None:
    person, phone = person_with_device(push)
    push.answer(device_of(phone), Answer(429, headers=(("Retry-After", "600"),)))
    assert send_due(MONDAY_1125).retrying == 1
    assert claim_of(person.id).lease_until - MONDAY_1125 >= timedelta(seconds=600)
    assert send_due(MONDAY_1125 + timedelta(minutes=9)).claimed == 0
    assert send_due(MONDAY_1125 + timedelta(minutes=10, seconds=1)).delivered == 1
    assert attempts(person.id) == [(429, "rate_limited"), (201, "delivered")]


def test_a_claim_left_unconfirmed_is_taken_over_after_the_timeout(
    app: Flask, push: PushService
) -> None:
    person, _ = person_with_device(push)
    # a worker claimed it at 11:25 and died before sending
    db.session.add(
        ReminderClaim(
            person_id=person.id,
            local_date=date(2026, 11, 23),
            slot="daily",
            due_at=MONDAY_1125,
            claimed_at=MONDAY_1125,
            claimed_by="dead-worker",
            lease_until=MONDAY_1125 + timedelta(minutes=5),
        )
    )
    db.session.commit()
    assert send_due(MONDAY_1125 + timedelta(minutes=2)).claimed == 0  # still its own
    assert push.received == []
    summary = send_due(MONDAY_1125 + timedelta(minutes=6))  # past the 5-minute timeout
    assert (summary.claimed, summary.delivered) == (1, 1)
    claim = db.session.scalar(sa.select(ReminderClaim))
    assert claim is not None and claim.claimed_by != "dead-worker" and claim.outcome == "delivered"


def test_snoozed_reminder_comes_again(app: Flask, push: PushService) -> None:
    person, _ = person_with_device(push)
    send_due(MONDAY_1125)
    db.session.add(
        ReminderSettings(person_id=person.id, snoozed_until=MONDAY_1125 + timedelta(minutes=15))
    )
    db.session.commit()
    due_at_once(person.id)
    assert send_due(MONDAY_1125 + timedelta(minutes=14)).claimed == 0
    assert send_due(MONDAY_1125 + timedelta(minutes=15)).delivered == 1
    assert send_due(MONDAY_1125 + timedelta(minutes=16)).claimed == 0
    assert len(push.received) == 2
    slots = db.session.scalars(sa.select(ReminderClaim.slot).order_by(ReminderClaim.id)).all()
    assert slots == ["daily", "snooze-1140"]


def test_disabled_reminders_are_not_sent(app: Flask, push: PushService) -> None:
    person, _ = person_with_device(push)
    db.session.add(ReminderSettings(person_id=person.id, enabled=False))
    db.session.commit()
    due_at_once(person.id)
    assert send_due(MONDAY_1125).due == 0


def test_send_due_command_takes_a_moment(app: Flask, push: PushService, runner: Any) -> None:
    person_with_device(push, team=team_at(time(7, 5)))
    result = runner.invoke(args=["reminders", "send-due", "--at", "2026-11-23T07:05:30+01:00"])
    assert result.exit_code == 0, result.output
    assert "delivered 1" in result.output
    bad = runner.invoke(args=["reminders", "send-due", "--at", "2026-11-23T07:05"])
    assert bad.exit_code != 0


def test_run_command_makes_passes(app: Flask, push: PushService, runner: Any) -> None:
    app.config["REMINDER_INTERVAL_SECONDS"] = 0
    try:
        result = runner.invoke(args=["reminders", "run", "--passes", "2"])
    finally:
        app.config["REMINDER_INTERVAL_SECONDS"] = 30
    assert result.exit_code == 0, result.output


def test_delivery_problem_after_three_days_of_failures(app: Flask, push: PushService) -> None:
    person, _ = person_with_device(push)
    sub = db.session.scalar(sa.select(PushSubscription))
    assert sub is not None
    sub.failing_since = utcnow() - timedelta(days=2)
    db.session.commit()
    from tests.factories import signed_in_client

    api = signed_in_client(app, person)
    assert api.get("/api/me/reminders").json["delivery_problem"] is False
    sub = db.session.scalar(sa.select(PushSubscription))
    assert sub is not None
    sub.failing_since = utcnow() - timedelta(days=3, minutes=1)
    db.session.commit()
    assert api.get("/api/me/reminders").json["delivery_problem"] is True


def test_the_worker_follows_daylight_saving_in_both_hemispheres(
    app: Flask, push: PushService
) -> None:
    copenhagen, _ = person_with_device(push)
    auckland, _ = person_with_device(push, time_zone="Pacific/Auckland")
    # Monday 30 March 2026, the day after Copenhagen moved to summer time: 11:25 CEST is
    # 09:25 UTC, no longer 10:25. Auckland is on NZDT (+13) until 5 April: 11:25 on
    # Monday 30 March there is 22:25 UTC on the Sunday.
    assert send_due(datetime(2026, 3, 29, 22, 24, tzinfo=UTC)).claimed == 0
    assert send_due(datetime(2026, 3, 29, 22, 25, tzinfo=UTC)).delivered == 1
    assert send_due(datetime(2026, 3, 30, 9, 24, tzinfo=UTC)).claimed == 0
    assert send_due(datetime(2026, 3, 30, 9, 25, tzinfo=UTC)).delivered == 1
    # Monday 13 April 2026, Auckland on NZST (+12): 11:25 is 23:25 UTC on the Sunday
    assert send_due(datetime(2026, 4, 12, 22, 25, tzinfo=UTC)).claimed == 0
    assert send_due(datetime(2026, 4, 12, 23, 25, tzinfo=UTC)).delivered == 1
    days = db.session.execute(
        sa.select(ReminderClaim.person_id, ReminderClaim.local_date).order_by(ReminderClaim.id)
    ).all()
    assert [tuple(d) for d in days] == [
        (auckland.id, date(2026, 3, 30)),
        (copenhagen.id, date(2026, 3, 30)),
        (auckland.id, date(2026, 4, 13)),
    ]
