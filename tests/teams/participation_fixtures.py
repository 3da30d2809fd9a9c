"""Building blocks for participation tests: sets and check-ins on given days."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from coach.accounts.models import Person
from coach.coaching.models import CheckIn, WorkoutSet
from coach.extensions import db
from coach.teams.models import Team
from coach.teams.participation import week_window, workplace_today


def weeks_back(team: Team, weeks: int) -> list[date]:
    """The Mondays of the team's last ``weeks`` weeks, oldest first, as the API sees them."""
    return week_window(workplace_today(team.workplace), weeks)


def train(person: Person, days: list[date], sets_per_day: int = 1) -> None:
    for day in days:
        for n in range(sets_per_day):
            db.session.add(
                WorkoutSet(
                    id=uuid.uuid4(),
                    person_id=person.id,
                    exercise="lateral-raise",
                    performed_at=datetime.combine(day, time(10, n), tzinfo=UTC),
                    local_date=day,
                    reps=12,
                    band_level="green",
                )
            )
    db.session.commit()


def check_in(person: Person, day: date, **pain: int) -> None:
    db.session.add(
        CheckIn(person_id=person.id, day=day, **{f"pain_{k}": v for k, v in pain.items()})
    )
    db.session.commit()


def long_ago() -> datetime:
    return datetime.now(UTC) - timedelta(days=400)
