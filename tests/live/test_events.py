"""The event stream of a session: state at once, one event per change, heartbeats,
reconnects with Last-Event-ID, and the end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Flask

from coach.domain.roles import Role
from coach.teams.models import Team
from tests.factories import ApiClient, make_person, make_team, signed_in_client


def _events(chunks: Iterator[bytes]) -> Iterator[tuple[str | None, dict[str, Any] | None]]:
    """(id, document) per event; (None, None) per comment line."""
    for chunk in chunks:
        text = chunk.decode()
        if text.startswith("retry:"):
            continue
        if text.startswith(":"):
            yield None, None
            continue
        fields = dict(line.split(": ", 1) for line in text.strip().splitlines())
        assert fields["event"] == "state"
        yield fields["id"], json.loads(fields["data"])


def _open(api: ApiClient, session_id: str, **headers: str) -> Any:
    response = api.get(f"/api/sessions/{session_id}/events", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert "no-cache" in response.headers["Cache-Control"]
    return response


def test_state_at_once_then_one_event_per_change_and_the_end(app: Flask, team: Team) -> None:
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    member = signed_in_client(app, make_person(Role.MEMBER, team=team))
    doc = lead.post(f"/api/teams/{team.id}/sessions").json
    response = _open(member, doc["id"])
    events = _events(iter(response.response))

    first_id, first = next(events)
    assert first_id == str(doc["version"]) and first == {**doc, "server_time": first["server_time"]}

    member.post(f"/api/sessions/{doc['id']}/join")
    joined_id, joined = next(events)
    assert int(joined_id) == doc["version"] + 1 and joined["participants"]["count"] == 2

    started = lead.post(
        f"/api/sessions/{doc['id']}/control", json={"action": "start", "version": doc["version"]}
    ).json
    _, running = next(events)
    assert running["version"] == started["version"] and running["step"]["phase"] == "get_ready"

    lead.post(
        f"/api/sessions/{doc['id']}/control", json={"action": "end", "version": started["version"]}
    )
    _, ended = next(events)
    assert ended["status"] == "ended"
    assert list(events) == []  # the stream ends after the end
    response.close()


def test_heartbeats_keep_a_quiet_stream_open(app: Flask, team: Team) -> None:
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    doc = lead.post(f"/api/teams/{team.id}/sessions").json
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.05
    try:
        response = _open(lead, doc["id"])
    finally:
        app.config["LIVE_HEARTBEAT_SECONDS"] = 10
    events = _events(iter(response.response))
    next(events)
    assert next(events) == (None, None)
    assert next(events) == (None, None)
    response.close()


def test_a_reconnect_with_an_old_last_event_id_gets_the_current_state_at_once(
    app: Flask, team: Team
) -> None:
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    doc = lead.post(f"/api/teams/{team.id}/sessions").json
    now = lead.post(
        f"/api/sessions/{doc['id']}/control", json={"action": "start", "version": doc["version"]}
    ).json
    now = lead.post(
        f"/api/sessions/{doc['id']}/control", json={"action": "next", "version": now["version"]}
    ).json
    response = _open(lead, doc["id"], **{"Last-Event-ID": str(doc["version"])})
    event_id, state = next(_events(iter(response.response)))
    assert event_id == str(now["version"])
    assert (state["step"]["phase"], state["step"]["started_at"]) == (
        "work",
        now["step"]["started_at"],
    )
    response.close()


def test_the_stream_is_only_for_those_who_may_see_the_session(app: Flask, team: Team) -> None:
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    doc = lead.post(f"/api/teams/{team.id}/sessions").json
    outsider = signed_in_client(app, make_person(Role.MEMBER, team=make_team(team.workplace)))
    assert outsider.get(f"/api/sessions/{doc['id']}/events").status_code == 404
