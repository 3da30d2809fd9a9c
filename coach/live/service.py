"""Use cases of live sessions. Each function that changes a session owns its transaction
and, once committed, announces the new version (see :mod:`coach.live.fanout`).

Concurrency: every change is one conditional UPDATE on the session's row
(``WHERE version = <the version read>``), so two hosts' taps or a tap racing a join
never both apply; the loser reads again. Joins and leaves raise ``version`` but not
``control_version``, so they never make the host's next tap stale.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Conflict, Forbidden, NotFound

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.database import utcnow
from coach.domain import live
from coach.domain.calendar import team_program_week
from coach.domain.roles import Role
from coach.extensions import db
from coach.live import fanout, invitation
from coach.live.models import LiveParticipant, LiveSession
from coach.polls.phases import items_for_team
from coach.teams.models import Team
from coach.teams.participation import workplace_today

CHANGE_ATTEMPTS = 5


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _session_exercises(team: Team, today: date) -> list[dict[str, Any]]:
    """The strength exercises of the team's current phase, on any day (a team may
    train on a day its program leaves free). Swaps are personal: the session shows the
    program's exercise and each phone its own prescription."""
    catalogue = current_catalogue()
    week = team_program_week(team.program_started_on, today)
    exercises = []
    for item in items_for_team(team, week):  # with the exercises the team chose
        if item.exercise is None or item.dose is None:
            continue
        exercise = catalogue.exercises[item.exercise]
        seconds = item.dose.seconds if exercise.kind == "hold" else None
        exercises.append({"slug": exercise.slug, "work_seconds": seconds})
    return exercises


# -- who may see what --------------------------------------------------------------------


def _may_see(person: Person, session: LiveSession, team: Team) -> bool:
    if person.workplace_id != team.workplace_id:
        return False
    return person.role_enum is Role.ADMIN or person.team_id == session.team_id


def visible_session(person: Person, session_id: uuid.UUID) -> LiveSession:
    """The session if the person is of its team or an admin of its workplace; else 404."""
    session = db.session.get(LiveSession, session_id, populate_existing=True)
    if session is None:
        raise NotFound("No such session.")
    team = db.session.get_one(Team, session.team_id)
    if not _may_see(person, session, team):
        raise NotFound("No such session.")
    return session


def _member_of(person: Person, session: LiveSession) -> None:
    if person.team_id != session.team_id:
        raise Forbidden("Only members of the team take part in its session.")


# -- the document ---------------------------------------------------------------------


def state_of(session: LiveSession) -> live.LiveState:
    step = None
    if session.step_index is not None and session.step_phase is not None:
        assert session.step_started_at is not None
        step = live.Step(
            session.step_index,
            live.Phase(session.step_phase),
            session.step_started_at,
            session.step_duration_s,
        )
    return live.LiveState(live.Status(session.status), step, session.paused_at)


def _participants(session: LiveSession) -> dict[str, Any]:
    """Who is in: a count, and names only of members who share their participation.
    While the session is open, those present; once ended, everyone who took part."""
    query = (
        sa.select(Person.display_name, Person.share_participation)
        .join(LiveParticipant, LiveParticipant.person_id == Person.id)
        .where(LiveParticipant.session_id == session.id)
        .order_by(Person.display_name, Person.id)
    )
    if session.status != live.Status.ENDED:
        query = query.where(LiveParticipant.left_at.is_(None))
    rows = db.session.execute(query).all()
    return {"count": len(rows), "named": [name for name, shares in rows if shares]}


def document(session: LiveSession, language: str | None = None) -> dict[str, Any]:
    """The session as every phone and the shared screen see it: no personal data but
    the host's name and the names of members who chose to share."""
    team = db.session.get_one(Team, session.team_id)
    language = language or team.workplace.language
    host = db.session.get(Person, session.host_id) if session.host_id is not None else None
    catalogue = current_catalogue()
    now = utcnow()
    state = state_of(session)
    step = None
    if state.step is not None:
        step = {
            "index": state.step.index,
            "slug": session.exercises[state.step.index]["slug"],
            "phase": state.step.phase.value,
            "started_at": iso(state.step.started_at),
            "duration_s": state.step.duration_s,
        }
        if state.status is live.Status.PAUSED:
            step["remaining_s"] = live.paused_remaining(state)
    return {
        "id": str(session.id),
        "team_id": session.team_id,
        "status": session.status,
        "version": session.version,
        "server_time": iso(now),
        "host": {"id": host.id, "name": host.display_name} if host is not None else None,
        "exercises": [
            {
                "slug": item["slug"],
                "name": catalogue.exercises[item["slug"]].name.in_language(language),
            }
            for item in session.exercises
        ],
        "step": step,
        "participants": _participants(session),
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
    }


# -- starting -------------------------------------------------------------------------


def _open_session_id(team_id: int) -> uuid.UUID | None:
    return db.session.scalar(
        sa.select(LiveSession.id).where(
            LiveSession.team_id == team_id, LiveSession.status != live.Status.ENDED.value
        )
    )


def _end_forgotten(team: Team, today: date) -> None:
    """A session left open on an earlier day is over: it must not block today's."""
    db.session.execute(
        sa.update(LiveSession)
        .where(
            LiveSession.team_id == team.id,
            LiveSession.status != live.Status.ENDED.value,
            LiveSession.local_date < today,
        )
        .values(
            status=live.Status.ENDED.value,
            ended_at=utcnow(),
            step_index=None,
            step_phase=None,
            step_started_at=None,
            step_duration_s=None,
            paused_at=None,
            version=LiveSession.version + 1,
        )
    )


def _conflict_with_open(session_id: uuid.UUID) -> None:
    abort(
        409,
        message="The team has a session open already: join it or end it first.",
        extra={"id": str(session_id)},
    )


def start_session(host: Person, team: Team) -> LiveSession:
    """Open the team's session in the lobby, led by ``host``, who joins it if they are
    of the team. 409 (with the open session's id) if the team has one open."""
    today = workplace_today(team.workplace)
    _end_forgotten(team, today)
    if (open_id := _open_session_id(team.id)) is not None:
        db.session.commit()
        _conflict_with_open(open_id)
    exercises = _session_exercises(team, today)
    if not exercises:
        abort(
            422,
            message="The team's program has no strength exercises in its current phase.",
        )
    session = LiveSession(
        id=uuid.uuid4(),
        team_id=team.id,
        host_id=host.id,
        status=live.Status.LOBBY.value,
        version=1,
        control_version=1,
        exercises=exercises,
        local_date=today,
        created_at=utcnow(),
    )
    try:
        db.session.add(session)
        db.session.flush()  # the session's row before its first participant's
        if host.team_id == team.id:
            db.session.add(LiveParticipant(session_id=session.id, person_id=host.id))
        db.session.commit()
    except IntegrityError:  # another lead started one at the same instant
        db.session.rollback()
        if (open_id := _open_session_id(team.id)) is not None:
            _conflict_with_open(open_id)
        raise
    fanout.publish(session.id, session.version)
    invitation.invite_team(session.id, team.id, host.id, host.display_name, today)
    return session


# -- taking part ------------------------------------------------------------------------


def _bump(session_id: uuid.UUID) -> int:
    version: int = db.session.execute(
        sa.update(LiveSession)
        .where(LiveSession.id == session_id)
        .values(version=LiveSession.version + 1)
        .returning(LiveSession.version)
    ).scalar_one()
    return version


def join(person: Person, session_id: uuid.UUID) -> LiveSession:
    """Join (or come back to) the session; joining twice changes nothing."""
    session = visible_session(person, session_id)
    _member_of(person, session)
    if session.status == live.Status.ENDED:
        abort(422, message="The session has ended.")
    row = db.session.get(LiveParticipant, (session.id, person.id))
    if row is not None and row.left_at is None:
        return session
    if row is None:
        db.session.add(LiveParticipant(session_id=session.id, person_id=person.id))
    else:
        row.left_at = None
    try:
        db.session.flush()
    except IntegrityError:  # the same phone's join twice at once: already in
        db.session.rollback()
        return visible_session(person, session_id)
    version = _bump(session.id)
    db.session.commit()
    fanout.publish(session.id, version)
    return visible_session(person, session_id)


def leave(person: Person, session_id: uuid.UUID) -> LiveSession:
    """Leave the session; leaving twice, or an ended session, changes nothing."""
    session = visible_session(person, session_id)
    _member_of(person, session)
    row = db.session.get(LiveParticipant, (session.id, person.id))
    if row is None or row.left_at is not None or session.status == live.Status.ENDED:
        return session
    row.left_at = utcnow()
    version = _bump(session.id)
    db.session.commit()
    fanout.publish(session.id, version)
    return visible_session(person, session_id)


# -- the host's controls --------------------------------------------------------------


def _stale(session: LiveSession) -> None:
    abort(
        409,
        message="The session has moved on since your version: here is where it is now.",
        extra={"session": document(session)},
    )


def _new_host(session: LiveSession, to: int | None) -> int:
    if to is None:
        abort(422, errors={"json": {"to": ["Whom to hand over to: a lead of the team."]}})
    lead = db.session.scalar(
        sa.select(Person.id).where(
            Person.id == to, Person.team_id == session.team_id, Person.role == Role.LEAD.value
        )
    )
    if lead is None:
        abort(422, errors={"json": {"to": ["Control goes only to a lead of the team."]}})
    return to  # type: ignore[return-value]


def control(person: Person, session_id: uuid.UUID, values: dict[str, Any]) -> LiveSession:
    """Apply the host's action if their ``version`` is not older than the last action."""
    action = live.Action(values["action"])
    for _ in range(CHANGE_ATTEMPTS):
        session = visible_session(person, session_id)
        if session.host_id != person.id:
            raise Forbidden("Only the session's host moves it on.")
        sent = values["version"]
        if sent < session.control_version or sent > session.version:
            _stale(session)
        now = utcnow()
        try:
            state = live.apply(state_of(session), action, _exercises(session), now)
        except live.NotAllowed as refused:
            abort(422, message=str(refused))
        changes: dict[str, Any] = {
            "status": state.status.value,
            "step_index": state.step.index if state.step else None,
            "step_phase": state.step.phase.value if state.step else None,
            "step_started_at": state.step.started_at if state.step else None,
            "step_duration_s": state.step.duration_s if state.step else None,
            "paused_at": state.paused_at,
            "version": session.version + 1,
            "control_version": session.version + 1,
        }
        if action is live.Action.HAND_OVER:
            changes["host_id"] = _new_host(session, values.get("to"))
        if action is live.Action.START:
            changes["started_at"] = now
        if state.status is live.Status.ENDED:
            changes["ended_at"] = now
        updated = db.session.execute(
            sa.update(LiveSession)
            .where(LiveSession.id == session.id, LiveSession.version == session.version)
            .values(**changes)
        ).rowcount
        if updated == 1:
            db.session.commit()
            fanout.publish(session.id, changes["version"])
            return visible_session(person, session_id)
        db.session.rollback()  # a join or another tap came first: read again
    raise Conflict("The session is changing too fast; try again.")


def _exercises(session: LiveSession) -> tuple[live.SessionExercise, ...]:
    return tuple(live.SessionExercise(e["slug"], e["work_seconds"]) for e in session.exercises)


# -- reading --------------------------------------------------------------------------


def team_sessions(team: Team, weeks: int) -> list[dict[str, Any]]:
    """Sessions the team held (started) in the last ``weeks`` weeks, newest first, each
    with how many people took part."""
    today = workplace_today(team.workplace)
    since = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    people = (
        sa.select(sa.func.count())
        .where(LiveParticipant.session_id == LiveSession.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(LiveSession.id, LiveSession.started_at, LiveSession.ended_at, people)
        .where(
            LiveSession.team_id == team.id,
            LiveSession.started_at.is_not(None),
            LiveSession.local_date >= since,
        )
        .order_by(LiveSession.started_at.desc())
    ).all()
    return [
        {"id": str(i), "started_at": started, "ended_at": ended, "participants": count}
        for i, started, ended, count in rows
    ]
