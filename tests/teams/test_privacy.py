"""A member who does not share their participation is named by no answer of the API
that says anything of training: only the admin's list of people (to remove one who
leaves) names everyone, and it ties no figure to a name.

The walk takes every GET route the app has (so a new endpoint is walked too), fills in
the real ids of a world where the hidden member trains, checks in pain and has been
invited, and reads each one as the team's lead and as the workplace's admin.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from coach.catalogue.service import current_catalogue
from coach.domain.roles import Role
from coach.extensions import db
from coach.instruction.models import InstructionPlan, InstructorWeek, KeyPerson
from tests.factories import make_invite, make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import check_in, long_ago, train, weeks_back

HIDDEN = "Zelda Quietly-Trains"


def _world():  # type: ignore[no-untyped-def]
    workplace = make_workplace(name="Harbour Office")
    team = make_team(workplace, name="Packing")
    lead = make_person(Role.LEAD, team=team, display_name="Lead Lis", created_at=long_ago())
    admin = make_person(Role.ADMIN, workplace=workplace, display_name="Admin Ada")
    hidden = make_person(team=team, display_name=HIDDEN, created_at=long_ago())
    sharing = make_person(
        team=team, display_name="Sam Shares", share_participation=True, created_at=long_ago()
    )
    others = [make_person(team=team, created_at=long_ago()) for _ in range(4)]
    w1, w0 = weeks_back(team, 2)
    for person in (hidden, sharing, *others):
        train(person, [w1, w1 + timedelta(days=1), w0])
        check_in(person, w0, neck=4, shoulder=3)
    db.session.add(
        InstructionPlan(
            workplace_id=workplace.id,
            starts_on=w1,
            ends_on=w1 + timedelta(days=200),
            weeks=[InstructorWeek(week_start=w1)],
            key_persons=[KeyPerson(person_id=lead.id)],
        )
    )
    _invite, token = make_invite(team, created_by_id=hidden.id)
    db.session.commit()
    values = {
        "team_id": str(team.id),
        "ref": token,
        "slug": next(iter(current_catalogue().exercises)),
        "exercise": next(iter(current_catalogue().exercises)),
        "token": "no-such-token",
    }
    return lead, admin, values


def _get_paths(app: Flask, values: dict[str, str]) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint.endswith("static"):
            continue
        if not (rule.rule.startswith("/api") or rule.rule == "/report"):
            continue
        path = rule.rule
        for name in re.findall(r"<(?:[^:>]+:)?([^>]+)>", path):
            if name not in values:
                break
            path = re.sub(rf"<(?:[^:>]+:)?{name}>", values[name], path)
        else:
            paths.append(path)
    return sorted(paths)


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_a_non_sharing_members_name_appears_in_no_answer(app: Flask, role: str) -> None:
    lead, admin, values = _world()
    api = signed_in_client(app, lead if role == "lead" else admin)
    paths = _get_paths(app, values)
    assert "/api/teams/{team_id}/participation".format(**values) in paths
    assert "/report" in paths and "/api/workplace/report.csv" in paths

    seen_ok = []
    for path in paths:
        response = api.get(path)
        text = response.get_data(as_text=True)
        if path == "/api/people" and role == "admin":
            # the directory: names, roles and teams, nothing of anyone's training
            hidden = next(p for p in response.json if p["display_name"] == HIDDEN)
            assert set(hidden) == {"id", "display_name", "role", "team", "joined_at"}
            continue
        assert HIDDEN not in text, path
        assert "Zelda" not in text, path
        if response.status_code == 200:
            seen_ok.append(path)
    # the walk really read the team's views, where the sharing member is named
    participation = api.get(f"/api/teams/{values['team_id']}/participation")
    assert "Sam Shares" in participation.get_data(as_text=True)
    assert participation.json["members_not_sharing"] == 6  # the lead, Zelda and four more
    assert f"/api/teams/{values['team_id']}/participation" in seen_ok


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_a_non_sharing_lead_is_named_only_as_a_lead(app: Flask, role: str) -> None:
    """Teams list their leads (to choose key persons) and the plan names its key persons;
    neither ties a name to a figure. Every other answer, the participation, pain and
    report among them, must not name a lead who does not share."""
    lead, admin, values = _world()
    assert not lead.share_participation
    api = signed_in_client(app, lead if role == "lead" else admin)
    team_id = values["team_id"]
    as_a_lead = {"/api/teams", f"/api/teams/{team_id}", f"/api/teams/{team_id}/plan"}
    if role == "admin":
        as_a_lead.update({"/api/workplace/plan", "/api/people"})
    else:
        as_a_lead.update({"/api/me", "/api/me/export.csv"})  # the lead's own record

    naming = {
        path
        for path in _get_paths(app, values)
        if "Lead Lis" in api.get(path).get_data(as_text=True)
    }
    assert naming == as_a_lead
    team = api.get(f"/api/teams/{team_id}").json
    assert team["leads"] == [{"id": lead.id, "display_name": "Lead Lis"}]
