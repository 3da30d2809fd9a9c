"""A member who does not share their participation is counted, never named, in team
today and high-fives — as one who trained, as a giver or as a receiver — and nowhere
else in the API either.

The hidden member trains today, gives a high-five to a sharing colleague and one to
the team, and gets the team's high-fives. Then every GET route of the app (so a new
endpoint is walked too) is read as a sharing member, another non-sharing member, the
team's lead and the workplace's admin: the hidden member's name and id (a distinctive
one) appear in no answer, while the counts show they are there. The one exception is
the admin's directory of people, which names everyone and says nothing of training.
"""

from __future__ import annotations

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.teams.participation import workplace_today
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import long_ago, train
from tests.teams.test_privacy import _get_paths

HIDDEN_NAME = "Zelda Quietly-Cheers"
HIDDEN_ID = 987_654  # an id no other number in the answers comes near


def _world() -> dict[str, Person]:
    workplace = make_workplace(name="Harbour Office")
    team = make_team(workplace, name="Packing")
    people = {
        "lead": make_person(Role.LEAD, team=team, display_name="Lis Lead", created_at=long_ago()),
        "sharing": make_person(
            team=team, display_name="Sam Shares", share_participation=True, created_at=long_ago()
        ),
        "quiet": make_person(team=team, display_name="Quentin Quiet", created_at=long_ago()),
        "admin": make_person(Role.ADMIN, workplace=workplace, display_name="Admin Ada"),
        "hidden": make_person(
            team=team, id=HIDDEN_ID, display_name=HIDDEN_NAME, created_at=long_ago()
        ),
    }
    today = workplace_today(workplace)
    for who in ("hidden", "sharing", "quiet"):
        train(people[who], [today])
    return people


def _give(app: Flask, giver: Person, to: int | None) -> None:
    response = signed_in_client(app, giver).post(
        f"/api/teams/{giver.team_id}/high-fives", json={"to": to}
    )
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("role", ["sharing", "quiet", "lead", "admin"])
def test_a_non_sharing_member_is_counted_and_never_named(app: Flask, role: str) -> None:
    people = _world()
    hidden, sharing = people["hidden"], people["sharing"]
    team_id = hidden.team_id
    _give(app, hidden, sharing.id)
    _give(app, hidden, None)
    _give(app, sharing, None)
    _give(app, people["quiet"], None)
    # Nobody can pick the hidden member out to cheer: the answer says nothing about them.
    refused = signed_in_client(app, sharing).post(
        f"/api/teams/{team_id}/high-fives", json={"to": hidden.id}
    )
    assert refused.status_code == 422 and HIDDEN_NAME not in refused.get_data(as_text=True)

    api = signed_in_client(app, people[role])
    paths = _get_paths(app, {"team_id": str(team_id)})
    assert {f"/api/teams/{team_id}/today", "/api/me/high-fives"} <= set(paths)
    for path in paths:
        response = api.get(path)
        text = response.get_data(as_text=True)
        if path == "/api/people" and role == "admin":
            # The admin's directory (to remove someone who left) names everyone, with
            # nothing of their training: checked in tests/teams/test_privacy.py.
            continue
        assert HIDDEN_NAME not in text and "Zelda" not in text, path
        assert str(HIDDEN_ID) not in text, path

    today = api.get(f"/api/teams/{team_id}/today").json
    assert today["trained"] == 3 and today["members"] == 4  # the hidden member counts
    assert [n["display_name"] for n in today["named"]] == ["Sam Shares"]
    if role == "sharing":
        received = api.get("/api/me/high-fives").json
        # Hidden's high-five to Sam is a count; the team's from hidden and Quentin too.
        assert received["from_colleagues"] == [] and received["from_others"] == 1
        assert received["team"] == 2 and received["total"] == 3


def test_the_hidden_member_gets_the_teams_high_fives(app: Flask) -> None:
    people = _world()
    _give(app, people["sharing"], None)
    _give(app, people["lead"], None)
    received = signed_in_client(app, people["hidden"]).get("/api/me/high-fives").json
    assert received["team"] == 2 and received["total"] == 2
    assert received["from_colleagues"] == [] and received["from_others"] == 0
