"""The worker's bulk statements carry every value through as given (coach.reminders.bulk):
on PostgreSQL arrays go as one text parameter in the array syntax."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.bulk import among, array_text, insert_rows
from coach.reminders.models import DeliveryAttempt, ReminderClaim
from tests.factories import make_person

AWKWARD = [
    'say "hi"',
    "back\\slash",
    "{braces}, commas",
    "NULL",
    "",
    " spaced ",
    "æøå ÆØÅ 🔔",
    None,
]


def test_rows_and_ids_go_in_and_come_back_unchanged(app: Flask) -> None:
    people = [make_person(Role.MEMBER) for _ in range(3)]
    at = datetime(2026, 11, 23, 10, 25, 0, 123456, tzinfo=UTC)
    copenhagen = timezone(timedelta(hours=1))
    claims = [
        {
            "person_id": person.id,
            "local_date": date(2026, 11, 23) + timedelta(days=i),
            "slot": f"snooze-{i}",
            "due_at": at.astimezone(copenhagen) if i == 1 else at,
            "claimed_at": at,
            "claimed_by": "worker",
            "lease_until": at + timedelta(minutes=i),
            "tries": i,
        }
        for i, person in enumerate(people)
    ]
    statement, parameters = insert_rows(ReminderClaim.__table__, claims)
    claim_ids = list(db.session.scalars(statement.returning(ReminderClaim.id), parameters).all())
    attempts = [
        {
            "person_id": people[i % 3].id,
            "claim_id": claim_ids[i % 3],
            "subscription_id": None,
            "channel": "push",
            "attempted_at": at + timedelta(seconds=i),
            "status": None if i % 2 else 201,
            "outcome": "error",
            "detail": detail,
        }
        for i, detail in enumerate(AWKWARD)
    ]
    db.session.execute(*insert_rows(DeliveryAttempt.__table__, attempts))
    db.session.commit()

    stored = db.session.execute(
        sa.select(ReminderClaim.local_date, ReminderClaim.due_at, ReminderClaim.lease_until)
        .where(among(ReminderClaim.id, claim_ids))
        .order_by(ReminderClaim.id)
    ).all()
    assert [tuple(row) for row in stored] == [
        (c["local_date"], c["due_at"], c["lease_until"]) for c in claims
    ]
    details = db.session.execute(
        sa.select(DeliveryAttempt.detail, DeliveryAttempt.status, DeliveryAttempt.attempted_at)
        .where(among(DeliveryAttempt.person_id, [p.id for p in people]))
        .order_by(DeliveryAttempt.id)
    ).all()
    assert [tuple(row) for row in details] == [
        (a["detail"], a["status"], a["attempted_at"]) for a in attempts
    ]


def test_array_text_quotes_strings_and_refuses_naive_times() -> None:
    assert array_text([1, None, 3]) == "{1,NULL,3}"
    assert array_text(['a"b', "c\\d"]) == '{"a\\"b","c\\\\d"}'
    assert array_text([1.5]) is None  # no text form here: dumped as a list instead
    with pytest.raises(ValueError, match="naive"):
        array_text([datetime(2026, 11, 23, 10, 25)])
