"""Use cases for reminders: devices, a person's schedule, snooze and test reminders,
and recording what delivery did. Each public function owns its transaction."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from werkzeug.exceptions import NotFound

from coach.accounts.models import Person
from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.domain.calendar import WORKDAYS, ordered_weekdays
from coach.domain.reminders import ReminderSchedule, end_of_local_day, local_day, next_reminder
from coach.extensions import db
from coach.reminders import keys, mail
from coach.reminders.bulk import among, batches, insert_rows
from coach.reminders.delivery import (
    Device,
    DeviceResult,
    Notification,
    PushSender,
    RetryPolicy,
)
from coach.reminders.models import DeliveryAttempt, PushSubscription, ReminderSettings
from coach.reminders.schedule import default_time, live_device, refresh_people
from coach.reminders.texts import TEXTS

PROBLEM_AFTER = timedelta(days=3)
MAX_DEVICES = 10  # per person; subscribing an eleventh replaces the oldest


# -- devices ---------------------------------------------------------------------------


def subscribe(
    person: Person, endpoint: str, p256dh: str, auth: str, session_id: int | None
) -> tuple[PushSubscription, bool]:
    """Store this device's subscription, or refresh it (new keys, or a device that
    changed hands); ``(row, created)``. It belongs to the device session it is made
    in (``session_id``): it ends with that session. A person keeps at most
    ``MAX_DEVICES``: the one refreshed longest ago makes room (a phone long since
    replaced, most likely)."""
    row = db.session.scalar(
        sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    created = row is None
    now = utcnow()
    if row is None:
        row = PushSubscription(endpoint=endpoint, created_at=now)
        db.session.add(row)
    row.person_id, row.p256dh, row.auth, row.updated_at = person.id, p256dh, auth, now
    row.device_session_id = session_id
    row.failing_since = None
    db.session.flush()
    surplus = db.session.scalars(
        sa.select(PushSubscription.id)
        .where(PushSubscription.person_id == person.id, PushSubscription.id != row.id)
        .order_by(PushSubscription.updated_at.desc(), PushSubscription.id.desc())
        .offset(MAX_DEVICES - 1)
    ).all()
    if surplus:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(surplus)))
    refresh_people([person.id])  # a first device: reminders start
    db.session.commit()
    return row, created


def unsubscribe(person: Person, endpoint: str) -> None:
    row = db.session.scalar(
        sa.select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.person_id == person.id
        )
    )
    if row is None:
        raise NotFound("No such subscription of yours.")
    db.session.delete(row)
    db.session.flush()
    refresh_people([person.id])  # the last device gone: no more reminders
    db.session.commit()


def this_device(person: Person, endpoint: str, session_id: int | None) -> PushSubscription:
    """The subscription with this endpoint, if it brings my reminders to the device I
    am asking from: mine, and bound to this device session (or made before
    subscriptions were bound to sessions). Otherwise 404, and the phone posts it again:
    the server let it go with a session that ended (signed out elsewhere, ended from
    another device, expired) while the browser kept it."""
    row = db.session.scalar(
        sa.select(PushSubscription).where(
            PushSubscription.endpoint == endpoint,
            PushSubscription.person_id == person.id,
            sa.or_(
                PushSubscription.device_session_id.is_(None),
                PushSubscription.device_session_id == session_id,
            ),
        )
    )
    if row is None:
        raise NotFound("This phone's subscription is not stored for this device.")
    return row


def devices_of(person_ids: Iterable[int], now: datetime) -> dict[int, list[Device]]:
    """The devices to push to: each person's subscriptions whose device is still signed
    in at ``now``."""
    found: dict[int, list[Device]] = {}
    ids = list(person_ids)
    if not ids:
        return found
    rows = db.session.execute(
        sa.select(
            PushSubscription.person_id,
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        )
        .where(among(PushSubscription.person_id, ids), live_device(now))
        .order_by(PushSubscription.id)
    )
    for person_id, sub_id, endpoint, p256dh, auth in rows:
        found.setdefault(person_id, []).append(Device(sub_id, endpoint, p256dh, auth))
    return found


# -- the schedule ----------------------------------------------------------------------


def schedule_from(
    settings: ReminderSettings | None,
    team_time: time | None,
    team_days: Sequence[str] | None,
    time_zone: str,
) -> ReminderSchedule:
    """The person's own choices over the team's time and workdays."""
    at = (settings.at if settings else None) or team_time or default_time()
    days = (settings.days if settings else None) or team_days or list(WORKDAYS)
    enabled = settings.enabled if settings is not None else True
    return ReminderSchedule(enabled, at, tuple(days), time_zone)


def settings_row(person: Person) -> ReminderSettings | None:
    return db.session.get(ReminderSettings, person.id)


def schedule_of(person: Person) -> ReminderSchedule:
    team = person.team
    return schedule_from(
        settings_row(person),
        team.reminder_time if team else None,
        team.workdays if team else None,
        person.effective_time_zone,
    )


def trained_on(person_id: int, day: date) -> bool:
    found = db.session.scalar(
        sa.select(WorkoutSet.id)
        .where(WorkoutSet.person_id == person_id, WorkoutSet.local_date == day)
        .limit(1)
    )
    return found is not None


def delivery_problem(person_id: int, now: datetime) -> bool:
    """Every device of the person has failed for at least three days."""
    rows = (
        db.session.execute(
            sa.select(PushSubscription.failing_since).where(
                PushSubscription.person_id == person_id, live_device(now)
            )
        )
        .scalars()
        .all()
    )
    return bool(rows) and all(f is not None and now - f >= PROBLEM_AFTER for f in rows)


def reminder_view(person: Person) -> dict[str, Any]:
    now = utcnow()
    settings = settings_row(person)
    schedule = schedule_of(person)
    today = local_day(now, schedule.time_zone)
    trained = {today} if trained_on(person.id, today) else set()
    devices = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PushSubscription)
        .where(PushSubscription.person_id == person.id, live_device(now))
    )
    snoozed = settings.snoozed_until if settings else None
    team = person.team
    return {
        "enabled": schedule.enabled,
        "time": schedule.at,
        "days": list(schedule.days),
        "time_zone": schedule.time_zone,
        "follows_team": settings is None or (settings.at is None and settings.days is None),
        "email_fallback": bool(settings and settings.email_fallback),
        "next_reminder_at": next_reminder(schedule, now, trained),
        "snoozed_until": snoozed if snoozed and snoozed > now else None,
        "devices": devices or 0,
        "delivery_problem": delivery_problem(person.id, now),
        "defaults": {
            "time": (team.reminder_time if team else None) or default_time(),
            "days": (team.workdays if team else None) or list(WORKDAYS),
            "time_zone": person.workplace.time_zone,
        },
    }


def update_reminders(person: Person, values: dict[str, Any]) -> dict[str, Any]:
    settings = settings_row(person)
    if settings is None:
        settings = ReminderSettings(person_id=person.id)
        db.session.add(settings)
    settings.enabled = values["enabled"]
    settings.at = values.get("time")
    days = values.get("days")
    settings.days = ordered_weekdays(days) if days else None
    settings.email_fallback = values.get("email_fallback", False)
    if "time_zone" in values:  # one zone per person: the reminder's is the person's
        person.time_zone = values["time_zone"]
    db.session.flush()
    refresh_people([person.id])
    db.session.commit()
    return reminder_view(person)


def snooze(person: Person) -> dict[str, Any]:
    """Remind me again in a quarter of an hour ("Later" on the notification)."""
    settings = settings_row(person)
    if settings is None:
        settings = ReminderSettings(person_id=person.id)
        db.session.add(settings)
    minutes = int(current_app.config["REMINDER_SNOOZE_MINUTES"])
    settings.snoozed_until = (utcnow() + timedelta(minutes=minutes)).replace(microsecond=0)
    db.session.flush()
    refresh_people([person.id])
    db.session.commit()
    return {"snoozed_until": settings.snoozed_until}


# -- delivery --------------------------------------------------------------------------


@dataclass(frozen=True)
class PushMessage:
    """A notification as the person sees it, in their language."""

    title: str
    body: str
    path: str  # where a tap leads, a path of this app
    tag: str  # a later notification with the same tag replaces this one on the screen
    lang: str
    actions: tuple[tuple[str, str], ...] = ()  # (action, button label)

    def encode(self) -> bytes:
        """The payload: read by the service worker, and at once a declarative push
        message (Safari 18.4+, "web_push": 8030), so an iPhone shows the notification
        even when the service worker is not woken. Declarative ``navigate`` must be an
        absolute URL: it is made from PUBLIC_URL (a path alone without it)."""
        base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
        return json.dumps(
            {
                "web_push": 8030,
                # Safari wakes the service worker when it can (it adds the buttons) and
                # shows this notification as it stands when it cannot.
                "mutable": True,
                "notification": {
                    "title": self.title,
                    "body": self.body,
                    "navigate": f"{base}{self.path}",
                    "lang": self.lang,
                    "tag": self.tag,
                },
                # What the service worker reads (other browsers, and Safari when woken)
                "title": self.title,
                "body": self.body,
                "url": self.path,
                "tag": self.tag,
                "lang": self.lang,
                "actions": [{"action": a, "title": label} for a, label in self.actions],
            },
            ensure_ascii=False,
        ).encode()


def reminder_message(language: str, day: date) -> PushMessage:
    """Today's reminder. The tag names the day: the snoozed one replaces the morning's
    on the screen, and a duplicate shows as one."""
    text = TEXTS.get(language, TEXTS["da"])
    return PushMessage(
        text["title"],
        text["body"],
        "/today",
        f"coach-reminder-{day.isoformat()}",
        language if language in TEXTS else "da",
        (("start", text["start"]), ("later", text["later"])),
    )


def reminder_topic(person_id: int, day: date) -> str:
    """The Topic header of a person's reminder on a local day: a push service replaces
    a message still queued for an offline phone by a newer one with the same topic, so
    a reminder sent twice (a worker that died before confirming) arrives once.
    RFC 8030: at most 32 characters of the base64url alphabet."""
    return f"r{person_id}-{day:%Y%m%d}"


def ttl_until_end_of_day(day: date, time_zone: str, now: datetime) -> int:
    """Seconds left of the local day: a reminder is useless tomorrow."""
    return max(60, int((end_of_local_day(day, time_zone) - now).total_seconds()))


def notifications_for(
    devices: Sequence[Device],
    person_id: int,
    language: str,
    day: date,
    time_zone: str,
    now: datetime,
    texts: dict[tuple[str, date, str], tuple[bytes, int]] | None = None,
) -> list[Notification]:
    """The reminder for each of a person's devices. ``texts`` keeps each payload and
    TTL once made (the same for everyone of a language, day and zone in a pass)."""
    key = (language, day, time_zone)
    made = texts.get(key) if texts is not None else None
    if made is None:
        made = (reminder_message(language, day).encode(), ttl_until_end_of_day(day, time_zone, now))
        if texts is not None:
            texts[key] = made
    topic = reminder_topic(person_id, day)
    return [Notification(device, made[0], made[1], topic) for device in devices]


def new_sender() -> PushSender:
    cfg = current_app.config
    policy = RetryPolicy(
        retries=int(cfg["PUSH_RETRIES"]),
        backoff_seconds=float(cfg["PUSH_BACKOFF_SECONDS"]),
        retry_after_max_seconds=float(cfg["PUSH_RETRY_AFTER_MAX_SECONDS"]),
        timeout_seconds=float(cfg["PUSH_TIMEOUT_SECONDS"]),
    )
    return PushSender(
        keys.signer(),
        concurrency=int(cfg["PUSH_CONCURRENCY"]),
        encrypt_processes=int(cfg["PUSH_ENCRYPT_PROCESSES"]),
        policy=policy,
        allow_private=bool(cfg["PUSH_ALLOW_HTTP"]),
    )


@dataclass
class PersonOutcome:
    person_id: int
    outcome: str  # delivered, emailed, failed, no_device


def record_results(
    results: Sequence[DeviceResult], claims: dict[int, int | None], now: datetime
) -> dict[int, str]:
    """Write every attempt to the delivery log, drop expired subscriptions and track
    failing devices. ``claims`` maps each person to their claim; returns each person's
    push outcome (delivered if any device took it)."""
    rows: list[dict[str, Any]] = []
    delivered: list[int] = []
    failing: list[int] = []
    gone: list[int] = []
    per_person: dict[int, str] = {}
    owners = _owners([r.notification.device.subscription_id for r in results])
    db.session.rollback()  # writes start a transaction of their own (see worker._claim)
    for result in results:
        sub_id = result.notification.device.subscription_id
        person_id = owners.get(sub_id)
        if person_id is None:  # unsubscribed while we were sending
            continue
        for attempt in result.attempts:
            rows.append(
                {
                    "person_id": person_id,
                    "claim_id": claims.get(person_id),
                    "subscription_id": sub_id,
                    "channel": "push",
                    "attempted_at": attempt.at,
                    "status": attempt.status,
                    "outcome": attempt.outcome,
                    "detail": attempt.detail,
                }
            )
        outcome = result.outcome
        {"delivered": delivered, "gone": gone, "failed": failing}[outcome].append(sub_id)
        if outcome == "delivered" or per_person.get(person_id) != "delivered":
            per_person[person_id] = "delivered" if outcome == "delivered" else "failed"
    if rows:
        db.session.execute(*insert_rows(DeliveryAttempt.__table__, rows))
    # The updates are not matched against objects in the session: the pass loads none
    # of these rows as objects and commits (expiring everything) before reading them
    # again; by default SQLAlchemy fetched every matched id back to look each one up.
    for chunk in batches(delivered):
        db.session.execute(
            sa.update(PushSubscription)
            .where(among(PushSubscription.id, chunk))
            .values(last_delivered_at=now, failing_since=None)
            .execution_options(synchronize_session=False),
        )
    for chunk in batches(failing):
        db.session.execute(
            sa.update(PushSubscription)
            .where(among(PushSubscription.id, chunk), PushSubscription.failing_since.is_(None))
            .values(failing_since=now)
            .execution_options(synchronize_session=False),
        )
    for chunk in batches(gone):
        db.session.execute(sa.delete(PushSubscription).where(among(PushSubscription.id, chunk)))
    return per_person


def _owners(subscription_ids: list[int]) -> dict[int, int]:
    owners: dict[int, int] = {}
    for chunk in batches(subscription_ids):
        rows = db.session.execute(
            sa.select(PushSubscription.id, PushSubscription.person_id).where(
                among(PushSubscription.id, chunk)
            )
        )
        owners.update((sub_id, person_id) for sub_id, person_id in rows)
    return owners


@dataclass
class PushReport:
    """What an immediate push did: devices tried, and per person whether any took it."""

    devices: int = 0
    delivered: int = 0  # devices that took it
    failed: int = 0
    people_reached: set[int] = field(default_factory=set)


def push_to_people(
    person_ids: Iterable[int],
    message: Callable[[str], PushMessage],
    *,
    topic: str,
    ttl_seconds: int = 600,
    within_seconds: float | None = None,
) -> PushReport:
    """Push one message now to every device of these people, through the reminders'
    delivery: VAPID, encryption, a ``Topic`` (a newer push with the same topic replaces
    one still queued), ``TTL``, retries of 5xx and timeouts, removal of expired (404/410)
    subscriptions, and the endpoint checks against internal addresses. Every attempt is
    logged in the delivery log.

    ``message(language)`` gives the text in each person's language. The whole send is
    over within ``within_seconds`` (default ``PUSH_NOW_SECONDS``, 4 s), whatever the
    push services do, so a web request may call this: a device that has not answered by
    then counts as failed. Commits. For live sessions' "join now", test reminders and
    the like; daily reminders go through the worker, which claims them first.
    """
    ids = list(dict.fromkeys(person_ids))
    report = PushReport()
    if not ids:
        return report
    languages = dict(
        db.session.execute(sa.select(Person.id, Person.language).where(Person.id.in_(ids))).all()
    )
    devices = devices_of(ids, utcnow())
    db.session.rollback()  # no transaction held open while waiting on push services
    bodies: dict[str, bytes] = {}
    notifications = []
    for person_id, own in devices.items():
        language = languages.get(person_id, "da")
        if language not in bodies:
            bodies[language] = message(language).encode()
        notifications += [Notification(d, bodies[language], ttl_seconds, topic) for d in own]
    limit = float(
        within_seconds if within_seconds is not None else current_app.config["PUSH_NOW_SECONDS"]
    )

    async def send() -> list[DeviceResult]:
        async with new_sender() as sender:
            return await sender.send_within(notifications, limit)

    results = asyncio.run(send()) if notifications else []
    outcomes = record_results(results, {}, utcnow())
    gone = {r.notification.device for r in results if r.outcome == "gone"}
    lost = {p for p, own in devices.items() if gone.intersection(own)}
    if lost:  # a last device gone: no reminders until one is added
        refresh_people(lost)
    db.session.commit()
    report.devices = len(results)
    report.delivered = sum(r.outcome == "delivered" for r in results)
    report.failed = report.devices - report.delivered
    report.people_reached = {p for p, outcome in outcomes.items() if outcome == "delivered"}
    return report


def send_test(person: Person) -> dict[str, Any]:
    """Send a reminder to every device of mine now ("send me a test reminder"); over
    within ``PUSH_NOW_SECONDS`` whatever my devices' push services do."""
    now = utcnow()
    day = local_day(now, person.effective_time_zone)
    report = push_to_people(
        [person.id],
        lambda language: reminder_message(language, day),
        topic=reminder_topic(person.id, day),
        ttl_seconds=ttl_until_end_of_day(day, person.effective_time_zone, now),
    )
    emailed = False
    if not report.delivered and person.email and mail.configured():
        emailed = mail.send_reminder(person, now, claim_id=None)
        db.session.commit()
    return {
        "devices": report.devices,
        "delivered": report.delivered,
        "failed": report.failed,
        "emailed": emailed,
    }
