"""Live sessions through the API: starting, taking part, the host's controls, privacy."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.live.models import LiveSession
from coach.teams.models import Team
from tests.factories import ApiClient, assert_error, make_person, make_team, signed_in_client


@pytest.fixture
def host(app: Flask, team: Team) -> ApiClient:
    return signed_in_client(app, make_person(Role.LEAD, team=team, display_name="Hanne"))


def _member(app: Flask, team: Team, name: str, shares: bool = False) -> ApiClient:
    person = make_person(Role.MEMBER, team=team, display_name=name, share_participation=shares)
    return signed_in_client(app, person)


def _start(host: ApiClient, team: Team) -> dict[str, Any]:
    response = host.post(f"/api/teams/{team.id}/sessions")
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def _control(host: ApiClient, doc: dict[str, Any], action: str, **more: Any) -> Any:
    return host.post(
        f"/api/sessions/{doc['id']}/control",
        json={"action": action, "version": doc["version"], **more},
    )


def test_a_lead_starts_a_session_of_the_teams_phase_in_the_lobby(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    uuid.UUID(doc["id"])
    assert doc["team_id"] == team.id and doc["status"] == "lobby" and doc["step"] is None
    assert doc["host"]["name"] == "Hanne"
    assert [e["slug"] for e in doc["exercises"]] == ["lateral-raise", "shrug", "reverse-fly"]
    assert doc["exercises"][0]["name"] == "Sideløft"  # the workplace's language
    assert doc["server_time"].endswith("Z")
    assert doc["participants"] == {"count": 1, "named": []}  # the host is in
    assert host.get(f"/api/sessions/{doc['id']}").json["version"] == doc["version"]


def test_one_open_session_per_team(app: Flask, team: Team, host: ApiClient) -> None:
    doc = _start(host, team)
    other_lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    body = assert_error(other_lead.post(f"/api/teams/{team.id}/sessions"), 409)
    assert body["id"] == doc["id"]
    _control(host, doc, "end")
    assert other_lead.post(f"/api/teams/{team.id}/sessions").status_code == 201


def test_a_session_left_open_yesterday_does_not_block_today(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    session = db.session.get(LiveSession, uuid.UUID(doc["id"]))
    assert session is not None
    session.local_date -= timedelta(days=1)
    db.session.commit()
    assert _start(host, team)["id"] != doc["id"]
    db.session.expire_all()
    assert db.session.get(LiveSession, uuid.UUID(doc["id"])).status == "ended"


def test_who_may_start_see_and_join(app: Flask, team: Team, host: ApiClient) -> None:
    member = _member(app, team, "Mads")
    assert_error(member.post(f"/api/teams/{team.id}/sessions"), 403)
    doc = _start(host, team)
    elsewhere = make_team(team.workplace, name="Other")
    other_lead = signed_in_client(app, make_person(Role.LEAD, team=elsewhere))
    assert_error(other_lead.post(f"/api/teams/{team.id}/sessions"), 404)
    assert_error(other_lead.get(f"/api/sessions/{doc['id']}"), 404)
    assert_error(other_lead.post(f"/api/sessions/{doc['id']}/join"), 404)
    assert_error(member.get(f"/api/sessions/{uuid.uuid4()}"), 404)
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=team.workplace))
    assert admin.get(f"/api/sessions/{doc['id']}").status_code == 200
    assert_error(admin.post(f"/api/sessions/{doc['id']}/join"), 403)  # not of the team
    assert_error(_control(member, doc, "start"), 403)  # only the host moves it on
    assert_error(_control(admin, doc, "start"), 403)


def test_joining_and_leaving_are_idempotent_and_names_follow_sharing(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    mads, lars = _member(app, team, "Mads", shares=True), _member(app, team, "Lars")
    joined = mads.post(f"/api/sessions/{doc['id']}/join").json
    assert joined["version"] == doc["version"] + 1
    again = mads.post(f"/api/sessions/{doc['id']}/join").json
    assert again["version"] == joined["version"]  # nothing changed
    after_lars = lars.post(f"/api/sessions/{doc['id']}/join").json
    # Lars does not share: counted, never named; the host does not share either.
    assert after_lars["participants"] == {"count": 3, "named": ["Mads"]}
    left = lars.post(f"/api/sessions/{doc['id']}/leave").json
    assert left["participants"]["count"] == 2
    assert lars.post(f"/api/sessions/{doc['id']}/leave").json["version"] == left["version"]


def test_the_host_moves_through_every_step_and_next_past_the_last_ends(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    doc = _control(host, doc, "start").json
    assert doc["status"] == "running"
    assert doc["step"]["index"] == 0 and doc["step"]["phase"] == "get_ready"
    assert doc["step"]["slug"] == "lateral-raise" and doc["step"]["duration_s"] == 10
    seen = []
    while doc["status"] != "ended":
        seen.append((doc["step"]["slug"], doc["step"]["phase"], doc["step"]["duration_s"]))
        doc = _control(host, doc, "next").json
    assert seen == [
        ("lateral-raise", "get_ready", 10),
        ("lateral-raise", "work", None),  # repetitions: everyone to their own limit
        ("lateral-raise", "rest", 30),
        ("shrug", "get_ready", 10),
        ("shrug", "work", None),
        ("shrug", "rest", 30),
        ("reverse-fly", "get_ready", 10),
        ("reverse-fly", "work", None),
    ]
    assert doc["step"] is None and doc["ended_at"] is not None
    assert_error(_control(host, doc, "next"), 422)


def test_previous_pause_and_resume(app: Flask, team: Team, host: ApiClient) -> None:
    doc = _control(host, _start(host, team), "start").json
    assert_error(_control(host, doc, "resume"), 422)  # not paused
    doc = _control(host, doc, "next").json
    doc = _control(host, doc, "previous").json
    assert (doc["step"]["index"], doc["step"]["phase"]) == (0, "get_ready")
    paused = _control(host, doc, "pause").json
    assert paused["status"] == "paused" and 0 <= paused["step"]["remaining_s"] <= 10
    assert_error(_control(host, paused, "pause"), 422)
    resumed = _control(host, paused, "resume").json
    assert resumed["status"] == "running" and "remaining_s" not in resumed["step"]
    assert resumed["step"]["started_at"] >= doc["step"]["started_at"]


def test_a_stale_version_gets_409_with_the_current_document_but_joins_never_stale_the_host(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    started = _control(host, doc, "start").json
    stale = assert_error(_control(host, doc, "next"), 409)  # doc is before the start
    assert stale["session"]["version"] == started["version"]
    assert stale["session"]["step"]["phase"] == "get_ready"
    _member(app, team, "Mads").post(f"/api/sessions/{doc['id']}/join")
    # The host's screen still shows the version of its own last tap: that is fine.
    moved = _control(host, started, "next").json
    assert moved["step"]["phase"] == "work" and moved["version"] == started["version"] + 2


def test_hand_over_goes_to_another_lead_of_the_team_only(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    second = make_person(Role.LEAD, team=team, display_name="Søren")
    member = make_person(Role.MEMBER, team=team)
    body = assert_error(_control(host, doc, "hand_over", to=member.id), 422)
    assert "to" in body["errors"]["json"]
    assert_error(_control(host, doc, "hand_over"), 422)
    handed = _control(host, doc, "hand_over", to=second.id).json
    assert handed["host"] == {"id": second.id, "name": "Søren"}
    assert_error(_control(host, handed, "start"), 403)  # no longer the host
    assert _control(signed_in_client(app, second), handed, "start").status_code == 200


def test_bad_control_bodies_are_422(app: Flask, team: Team, host: ApiClient) -> None:
    doc = _start(host, team)
    for body in ({"action": "jump", "version": 1}, {"action": "start"}, {"version": 1}):
        assert_error(host.post(f"/api/sessions/{doc['id']}/control", json=body), 422)


def test_sets_carry_the_session_id_and_only_of_a_session_joined(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    mads, lars = _member(app, team, "Mads"), _member(app, team, "Lars")
    mads.post(f"/api/sessions/{doc['id']}/join")
    body = {
        "id": str(uuid.uuid4()),
        "exercise": "lateral-raise",
        "performed_at": utcnow().isoformat(),
        "reps": 14,
        "band_level": "red",
        "session_id": doc["id"],
    }
    stored = mads.post("/api/me/sets", json=body)
    assert stored.status_code == 201, stored.json
    assert stored.json["session_id"] == doc["id"]
    assert mads.post("/api/me/sets", json=body).status_code == 200  # a replay
    row = db.session.get(WorkoutSet, uuid.UUID(body["id"]))
    assert row is not None and str(row.session_id) == doc["id"]
    # It is the person's training as usual: today shows it logged.
    today = mads.get("/api/me/today").json
    assert today["exercises"][0]["logged"][0]["id"] == body["id"]
    refused = assert_error(lars.post("/api/me/sets", json={**body, "id": str(uuid.uuid4())}), 422)
    assert "session_id" in refused["errors"]["json"]


def test_today_shows_the_open_session_for_the_banner(
    app: Flask, team: Team, host: ApiClient
) -> None:
    mads = _member(app, team, "Mads")
    assert mads.get("/api/me/today").json["live_session"] is None
    doc = _start(host, team)
    assert mads.get("/api/me/today").json["live_session"] == {
        "id": doc["id"],
        "host_name": "Hanne",
        "status": "lobby",
    }
    _control(host, doc, "end")
    assert mads.get("/api/me/today").json["live_session"] is None
    other = _member(app, make_team(team.workplace, name="Other"), "Ole")
    assert other.get("/api/me/today").json["live_session"] is None


def test_sessions_held_per_team_with_people_counted(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    for name in ("Mads", "Lars"):
        _member(app, team, name).post(f"/api/sessions/{doc['id']}/join")
    _control(host, _control(host, doc, "start").json, "end")
    _start(host, team)  # opened, never started: not held
    held = host.get(f"/api/teams/{team.id}/sessions?weeks=12")
    assert held.status_code == 200
    [row] = held.json
    assert row["id"] == doc["id"] and row["participants"] == 3
    assert row["started_at"] and row["ended_at"]
    assert_error(_member(app, team, "Ole").get(f"/api/teams/{team.id}/sessions"), 403)
    assert_error(host.get(f"/api/teams/{team.id}/sessions?weeks=0"), 422)


def test_the_ended_session_counts_everyone_who_took_part(
    app: Flask, team: Team, host: ApiClient
) -> None:
    doc = _start(host, team)
    lars = _member(app, team, "Lars")
    lars.post(f"/api/sessions/{doc['id']}/join")
    lars.post(f"/api/sessions/{doc['id']}/leave")
    ended = _control(host, doc, "end").json
    assert ended["status"] == "ended" and ended["participants"]["count"] == 2
    assert_error(lars.post(f"/api/sessions/{doc['id']}/join"), 422)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(LiveSession))
    assert count == 1


def test_participation_and_the_report_count_sessions_and_people_per_session(
    app: Flask, team: Team, host: ApiClient
) -> None:
    for joining in (("Mads", "Lars"), ("Mads",)):
        doc = _start(host, team)
        for name in joining:
            _member(app, team, name).post(f"/api/sessions/{doc['id']}/join")
        _control(host, _control(host, doc, "start").json, "end")
    week = host.get(f"/api/teams/{team.id}/participation").json["weeks"][-1]
    assert (week["live_sessions"], week["people_per_session"]) == (2, 2.5)
    earlier = host.get(f"/api/teams/{team.id}/participation").json["weeks"][0]
    assert (earlier["live_sessions"], earlier["people_per_session"]) == (0, None)
    admin = signed_in_client(app, make_person(Role.ADMIN, workplace=team.workplace))
    lines = admin.get("/api/workplace/report.csv").get_data(as_text=True).splitlines()
    header = lines[1].split(",")
    this_week = next(line for line in lines if line.startswith(f"Packing,{week['week_start']}"))
    row = dict(zip(header, this_week.split(","), strict=True))
    assert (row["live_sessions"], row["people_per_session"]) == ("2", "2.5")
