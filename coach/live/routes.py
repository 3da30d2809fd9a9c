"""Live sessions: start, follow, take part, and the host's controls."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from queue import Empty
from typing import Any

import orjson
from flask import Response, current_app
from flask_smorest import Blueprint
from werkzeug.exceptions import ServiceUnavailable

from coach.accounts.auth import caller, signed_in
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.live import fanout, service
from coach.live.models import LiveSession
from coach.live.schemas import (
    ControlSchema,
    HeldSessionSchema,
    LiveSessionSchema,
    ServerTimeSchema,
)
from coach.teams import service as teams
from coach.teams.participation_schemas import WeeksQuerySchema

blp = Blueprint("live", __name__, url_prefix="/api", description="Live sessions")
PRIVATE = {"Cache-Control": "private, no-store"}


@blp.route("/time")
@blp.response(200, ServerTimeSchema)
def server_time() -> tuple[dict[str, Any], dict[str, str]]:
    """The server's clock, for phones to estimate their offset (several round trips,
    the one with the lowest round-trip time counts)."""
    return {"server_time": service.iso(utcnow())}, {"Cache-Control": "no-store"}


@blp.route("/teams/<int:team_id>/sessions", methods=["POST"])
@signed_in(Role.ADMIN, Role.LEAD, unsafe=True)
@blp.response(201, LiveSessionSchema)
@blp.alt_response(409, description="The team has a session open: the body's `id` names it")
def start_session(team_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """Start the team's live session from its program's current phase, in the lobby;
    the host joins it. One open session per team."""
    person = caller()
    session = service.start_session(person, teams.team_for(person, team_id))
    return service.document(session), PRIVATE


@blp.route("/teams/<int:team_id>/sessions", methods=["GET"])
@signed_in(Role.ADMIN, Role.LEAD)
@blp.arguments(WeeksQuerySchema(), location="query")
@blp.response(200, HeldSessionSchema(many=True))
def held_sessions(query: dict[str, Any], team_id: int) -> tuple[list[Any], dict[str, str]]:
    """Sessions the team held in the last ``weeks`` weeks, newest first, with how many
    people took part (a count: names are not part of it)."""
    team = teams.team_for(caller(), team_id)
    return service.team_sessions(team, query["weeks"]), PRIVATE


@blp.route("/sessions/<uuid:session_id>")
@signed_in()
@blp.response(200, LiveSessionSchema)
def get_session(session_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, str]]:
    """The session, for members of its team, its leads and the workplace's admins."""
    return service.document(service.visible_session(caller(), session_id)), PRIVATE


@blp.route("/sessions/<uuid:session_id>/join", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(200, LiveSessionSchema)
def join_session(session_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, str]]:
    """Join the session (members of the team); joining again changes nothing. A session
    that has ended is 422."""
    return service.document(service.join(caller(), session_id)), PRIVATE


@blp.route("/sessions/<uuid:session_id>/leave", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(200, LiveSessionSchema)
def leave_session(session_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, str]]:
    """Leave the session; leaving again changes nothing."""
    return service.document(service.leave(caller(), session_id)), PRIVATE


@blp.route("/sessions/<uuid:session_id>/control", methods=["POST"])
@signed_in(unsafe=True)
@blp.arguments(ControlSchema())
@blp.response(200, LiveSessionSchema)
@blp.alt_response(409, description="`version` is older than the last action: `session` is now")
def control_session(
    values: dict[str, Any], session_id: uuid.UUID
) -> tuple[dict[str, Any], dict[str, str]]:
    """The host moves the session on: start, next, previous, pause, resume, end, or
    hand_over to another lead of the team (``to``). ``next`` past the last exercise
    ends the session; an action the status does not allow is a 422."""
    return service.document(service.control(caller(), session_id, values)), PRIVATE


def _rendered(session_id: uuid.UUID) -> tuple[int, Any, bool] | None:
    session = db.session.get(LiveSession, session_id, populate_existing=True)
    if session is None:
        return None
    document = service.document(session)
    db.session.remove()
    return session.version, document, session.status == "ended"


def _event(version: int, data: bytes) -> bytes:
    return b"event: state\nid: %d\ndata: %s\n\n" % (version, data)


@blp.route("/sessions/<uuid:session_id>/events")
@signed_in()
@blp.response(200, description="`text/event-stream`: `event: state` per change")
def session_events(session_id: uuid.UUID) -> Response:
    """The session as server-sent events: the current state at once (also after a
    reconnect with ``Last-Event-ID``), then one ``state`` event per change with the
    version as its id, a comment line as heartbeat, and the end after ``ended``."""
    session = service.visible_session(caller(), session_id)
    config = current_app.config
    hub = fanout.hub(_rendered)
    if hub.streams >= int(config["LIVE_MAX_STREAMS"]):
        raise ServiceUnavailable("Too many live streams on this server; retrying shortly.")
    # Watch before reading, so no change between the read and the watch is lost.
    changes = hub.watch(session.id)
    try:
        first = _rendered(session.id)
    except BaseException:
        hub.unwatch(session.id, changes)
        raise
    assert first is not None
    heartbeat = float(config["LIVE_HEARTBEAT_SECONDS"])

    def stream() -> Iterator[bytes]:
        version, document, ended = first
        try:
            yield b"retry: 2000\n\n"
            yield _event(version, orjson.dumps(document))
            while not ended:
                try:
                    change = changes.get(timeout=heartbeat)
                except Empty:
                    yield b": still here\n\n"
                    continue
                if change.version <= version:
                    continue
                version, ended = change.version, change.ended
                yield _event(version, change.data)
        finally:
            hub.unwatch(session.id, changes)

    return Response(
        stream(),
        mimetype="text/event-stream",
        headers={**PRIVATE, "X-Accel-Buffering": "no", "Cache-Control": "no-cache, no-store"},
    )
