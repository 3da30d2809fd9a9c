"""One name per body region: the lower back is ``lower-back`` in every answer that names
regions (check-ins, history, progress, team figures, the report and its CSV), as in the
catalogue, so a region answered in a check-in shows up in the team's pain view."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from coach.domain.catalogue import REGIONS
from coach.domain.roles import Role
from tests.factories import make_person, make_team, make_workplace, signed_in_client
from tests.teams.participation_fixtures import check_in, long_ago, weeks_back

PAIN_REGIONS = ["neck", "shoulder", "arm", "lower-back"]


def _keys(node: Any) -> set[str]:
    """Every key of every object in a JSON document."""
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in _keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in _keys(value)}
    return set()


def test_the_lower_back_has_one_name_in_every_endpoint_and_the_csv(app: Flask) -> None:
    assert set(PAIN_REGIONS) <= set(REGIONS)  # the catalogue's own names
    workplace = make_workplace()
    team = make_team(workplace, name="Warehouse")
    admin = make_person(Role.ADMIN, workplace=workplace, created_at=long_ago())
    lead = make_person(Role.LEAD, team=team, created_at=long_ago())
    _w1, w0 = weeks_back(team, 2)
    members = [make_person(team=team, created_at=long_ago()) for _ in range(5)]
    for i, member in enumerate(members[1:]):
        check_in(member, w0, lower_back=4 + i)
    # The fifth answers through the API, as a phone does.
    phone = signed_in_client(app, members[0])
    posted = phone.post("/api/me/checkins", json={"day": w0.isoformat(), "pain": {"lower-back": 8}})
    assert posted.status_code == 201, posted.json
    answers = {
        "POST /api/me/checkins": posted.json,
        "GET /api/me/checkins": phone.get(f"/api/me/checkins?date={w0.isoformat()}").json,
        "GET /api/me/history": phone.get("/api/me/history").json,
        "GET /api/me/progress": phone.get("/api/me/progress").json,
        "GET /api/teams/{id}/participation": signed_in_client(app, lead)
        .get(f"/api/teams/{team.id}/participation?weeks=2")
        .json,
        "GET /api/workplace/participation": signed_in_client(app, admin)
        .get("/api/workplace/participation?weeks=2")
        .json,
    }
    for endpoint, body in answers.items():
        keys = _keys(body)
        assert "lower_back" not in keys, endpoint
    assert answers["GET /api/me/checkins"]["pain"]["lower-back"] == 8
    [history_day] = answers["GET /api/me/history"]
    assert history_day["check_in"]["pain"]["lower-back"] == 8
    [pain_week] = answers["GET /api/me/progress"]["pain_weeks"]
    assert pain_week["mean"]["lower-back"] == 8.0
    # The team's pain view shows the lower back (five people answered it).
    team_week = answers["GET /api/teams/{id}/participation"]["pain"][-1]
    assert team_week["regions"]["lower-back"]["median"] == 6.0

    admin_api = signed_in_client(app, admin)
    csv = admin_api.get("/api/workplace/report.csv").get_data(as_text=True)
    pain_rows = csv.split("# pain", 1)[1]
    assert "lower-back" in pain_rows and "lower_back" not in csv
    page = admin_api.get("/report").get_data(as_text=True)
    assert "lower_back" not in page
    assert json.dumps(answers)  # every answer was JSON
