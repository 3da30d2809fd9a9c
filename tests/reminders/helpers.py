"""Setting people up with devices for reminder tests."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.models import NextReminder, PushSubscription
from coach.teams.models import Team
from tests.factories import make_person, make_team, make_workplace
from tests.reminders.push_service import Browser, PushService

# Monday 23 November 2026, 11:25 in Copenhagen (CET, +1)
MONDAY_1125 = datetime(2026, 11, 23, 10, 25, tzinfo=UTC)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def due_at_once(*person_ids: int) -> None:
    """Rows set up behind the services' backs: their next instant is "now", so the
    worker's next pass (at whatever moment a test gives it) decides from scratch, as
    it does after the migration."""
    for person_id in person_ids:
        db.session.merge(NextReminder(person_id=person_id, next_at=LONG_AGO))
    db.session.commit()


def team_at(at: time = time(11, 25), **overrides: Any) -> Team:
    return make_team(make_workplace(), reminder_time=at, **overrides)


def person_with_device(
    push: PushService, team: Team | None = None, **overrides: Any
) -> tuple[Person, Browser]:
    person = make_person(Role.MEMBER, team=team or team_at(), **overrides)
    browser = push.new_browser()
    db.session.add(
        PushSubscription(
            person_id=person.id,
            endpoint=browser.endpoint,
            p256dh=browser.p256dh,
            auth=browser.auth,
        )
    )
    db.session.commit()
    due_at_once(person.id)
    return person, browser
