"""A team in the last week of its office program's first phase (weeks 1-4), so its
next phase (weeks 5-8) starts next Monday: a lead, an admin, three members and another
team's lead."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls.models import Poll
from coach.teams.models import Team
from coach.teams.participation import workplace_today
from tests.factories import ApiClient, make_person, make_team, signed_in_client

# Weeks 5-8 of office-daily-5 as written: lateral raise, band pull-apart, external
# rotation, wrist extension (all band exercises, one set to failure).
AS_WRITTEN = ["lateral-raise", "band-pull-apart", "external-rotation", "wrist-extension"]
# front-raise is a listed alternative of lateral-raise: shoulder, band, reps.
VARIANT = ["front-raise", "band-pull-apart", "external-rotation", "wrist-extension"]


@dataclass
class World:
    app: Flask
    team: Team
    lead: Person
    admin: Person
    members: list[Person]
    outsider: Person  # a lead of another team of the same workplace

    def api(self, person: Person) -> ApiClient:
        return signed_in_client(self.app, person)

    def open_poll(self, **overrides: Any) -> dict[str, Any]:
        body = exercises_poll(**overrides)
        response = self.api(self.lead).post(f"/api/teams/{self.team.id}/polls", json=body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]


def soon(minutes: int = 5) -> str:
    return (utcnow() + timedelta(minutes=minutes)).isoformat()


def exercises_poll(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "exercises",
        "question": "Which exercises next?",
        "closes_at": soon(),
        "options": [{"exercises": AS_WRITTEN}, {"exercises": VARIANT}],
        **overrides,
    }


def time_poll(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "time",
        "closes_at": soon(),
        "options": [
            {"time": "11:25", "days": [1, 2, 3, 4, 5]},
            {"time": "13:00", "days": [1, 2, 3, 4, 5]},
        ],
        **overrides,
    }


def in_week(team: Team, week: int) -> None:
    """Move the team's calendar so that today is in program week ``week``."""
    team.program_started_on = workplace_today(team.workplace) - timedelta(weeks=week - 1)
    db.session.commit()


def past(poll_id: int, moment: datetime | None = None) -> None:
    """Let the poll's closing instant pass (nothing closes it)."""
    db.session.get_one(Poll, poll_id).closes_at = moment or utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    team = make_team(name="Packing", program="office-daily-5")
    in_week(team, 4)
    lead = make_person(Role.LEAD, team=team, display_name="Lene Lead", language="en")
    admin = make_person(Role.ADMIN, workplace=team.workplace, display_name="Ada Admin")
    members = [
        make_person(team=team, display_name=f"Member {name}", language=language)
        for name, language in (("Anna", "da"), ("Bo", "en"), ("Cai", "da"))
    ]
    other = make_team(team.workplace, name="Office")
    outsider = make_person(Role.LEAD, team=other, display_name="Other Lead")
    yield World(app, team, lead, admin, members, outsider)
