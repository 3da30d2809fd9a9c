"""A team in week 1 of the office program: its live sessions run that phase."""

from __future__ import annotations

import pytest
from flask import Flask

from coach.extensions import db
from coach.teams.models import Team
from coach.teams.participation import workplace_today
from tests.factories import make_team


@pytest.fixture
def team(app: Flask) -> Team:
    team = make_team(name="Packing", program="office-daily-5")
    team.program_started_on = workplace_today(team.workplace)
    db.session.commit()
    return team
