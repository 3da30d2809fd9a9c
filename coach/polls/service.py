"""Use cases of polls. Each function that changes something owns its transaction.

Who may do what: members of the team (leads and admins who are members included) vote;
its leads and the workplace's admins open, close and decide; anyone else gets 404, as
if the poll did not exist. Nobody ever reads who voted for what: a poll's document
has the turnout, the counts once it closed, and the asker's own vote only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

import sqlalchemy as sa
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden, NotFound

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.database import utcnow, valid_id
from coach.domain import polls
from coach.domain.calendar import format_wall_clock
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls import closing, phases
from coach.polls.documents import document, iso, manages
from coach.polls.models import Poll, PollOption, PollVote
from coach.teams.models import Team
from coach.teams.service import team_for

LISTED = 20  # the newest polls a team's list shows


def _refuse(field: str, message: str | dict[str, Any]) -> NoReturn:
    abort(422, errors={"json": {field: message if isinstance(message, dict) else [message]}})


def team_polls(person: Person, team_id: int) -> list[dict[str, Any]]:
    """The team's open and closed polls, open first, then the newest."""
    team = team_for(person, team_id)
    closing.close_due_for_team(team.id)
    rows = db.session.scalars(
        sa.select(Poll)
        .where(Poll.team_id == team.id)
        .order_by((Poll.status == "open").desc(), Poll.created_at.desc(), Poll.id.desc())
        .limit(LISTED)
    ).all()
    return [document(poll, person) for poll in rows]


def visible_poll(person: Person, poll_id: int) -> Poll:
    """The poll if the person is of its team or an admin of its workplace; else 404.
    A poll past its closing instant is closed first."""
    poll = db.session.get(Poll, poll_id) if valid_id(poll_id) else None
    team = db.session.get(Team, poll.team_id) if poll is not None else None
    if (
        poll is None
        or team is None
        or team.workplace_id != person.workplace_id
        or (person.role_enum is not Role.ADMIN and person.team_id != team.id)
    ):
        raise NotFound("No such poll.")
    if poll.status == "open" and poll.closes_at <= utcnow():
        closing.close_due_for_team(team.id)
        db.session.refresh(poll)
    return poll


# -- opening ------------------------------------------------------------------------


def _check_closes_at(closes_at: datetime, now: datetime, latest: datetime | None) -> None:
    if closes_at < now + polls.MIN_OPEN:
        _refuse("closes_at", "Close the poll at least a minute from now.")
    if closes_at > now + polls.MAX_OPEN:
        _refuse("closes_at", "Close the poll at most 14 days from now.")
    if latest is not None and closes_at >= latest:
        _refuse(
            "closes_at",
            f"Close the poll before the next phase starts ({iso(latest)}), so the choice "
            "is known on its first day.",
        )


def _exercise_values(team: Team, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    span = phases.upcoming_phase(team)
    catalogue = current_catalogue()
    errors: dict[int, dict[str, Any]] = {}
    for index, option in enumerate(options):
        problems = polls.set_problems(catalogue, span.phase, option["exercises"])
        if problems:
            whole = problems.pop(-1, None)
            errors[index] = {
                "exercises": [whole] if whole else {p: [m] for p, m in problems.items()}
            }
    if errors:
        _refuse("options", errors)
    return [{"exercises": list(option["exercises"])} for option in options]


def _time_values(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"time": format_wall_clock(option["time"]), "days": sorted(set(option["days"]))}
        for option in options
    ]


def _no_duplicates(values: list[dict[str, Any]]) -> None:
    seen: list[dict[str, Any]] = []
    for index, value in enumerate(values):
        if value in seen:
            _refuse("options", {index: [f"The same as option {seen.index(value)}."]})
        seen.append(value)


def open_poll(person: Person, team_id: int, data: dict[str, Any]) -> Poll:
    """Open a poll for the team (lead of the team or admin); 409 if one of its kind is
    open. The members get a push, once."""
    team = team_for(person, team_id)
    if not manages(person, team):
        raise Forbidden("Only the team's leads and the workplace's admins open polls.")
    closing.close_due_for_team(team.id)  # a poll past its instant no longer blocks
    now = utcnow()
    kind = data["kind"]
    span = phases.upcoming_phase(team) if kind == "exercises" else None
    latest = None
    if span is not None:
        latest = phases.phase_start_instant(team, span)
    _check_closes_at(data["closes_at"], now, latest)
    values = (
        _exercise_values(team, data["options"])
        if kind == "exercises"
        else _time_values(data["options"])
    )
    _no_duplicates(values)
    if _open_of_kind(team.id, kind) is not None:
        _conflict(kind)
    question = (data.get("question") or "").strip() or None
    poll = Poll(
        team_id=team.id,
        created_by_id=person.id,
        kind=kind,
        question=question,
        status="open",
        closes_at=data["closes_at"],
        program=team.program if span else None,
        first_week=span.first_week if span else None,
        last_week=span.last_week if span else None,
        created_at=now,
    )
    try:
        db.session.add(poll)
        db.session.flush()
        db.session.add_all(
            PollOption(poll_id=poll.id, index=i, value=v) for i, v in enumerate(values)
        )
        db.session.commit()
    except IntegrityError:  # another lead opened one at the same instant
        db.session.rollback()
        _conflict(kind)
    closing.open_later(poll.id)
    return poll


def _open_of_kind(team_id: int, kind: str) -> int | None:
    return db.session.scalar(
        sa.select(Poll.id).where(Poll.team_id == team_id, Poll.kind == kind, Poll.status == "open")
    )


def _conflict(kind: str) -> NoReturn:
    abort(409, message=f"The team has an open {kind} poll already: close it first.")


def suggestions(person: Person, team_id: int, kind: str) -> dict[str, Any]:
    team = team_for(person, team_id)
    if not manages(person, team):
        raise Forbidden("Only the team's leads and the workplace's admins open polls.")
    return phases.suggestions(team, kind, person.language)


# -- voting -------------------------------------------------------------------------


def _locked_open_poll(person: Person, poll_id: int) -> Poll:
    """The poll, its row locked until commit, if the person may vote in it now."""
    poll = visible_poll(person, poll_id)
    if person.team_id != poll.team_id:
        raise Forbidden("Only members of the team vote.")
    # Setting the status to itself takes the poll's write lock (a row lock on
    # PostgreSQL, the database's on SQLite) until commit, if it is still open: a close
    # racing this vote counts it, or this vote finds the poll closed.
    still_open = db.session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id, Poll.status == "open", Poll.closes_at > utcnow())
        .values(status="open")
    ).rowcount
    if still_open != 1:
        db.session.rollback()
        abort(409, message="The poll has closed: votes are no longer taken.")
    return poll


def vote(person: Person, poll_id: int, option: int) -> dict[str, Any]:
    """Vote for ``option``, or change the vote; the same vote again changes nothing."""
    poll = _locked_open_poll(person, poll_id)
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(PollOption).where(PollOption.poll_id == poll.id)
    )
    if option >= int(count or 0):
        db.session.rollback()
        _refuse("option", f"Choose an option from 0 to {int(count or 0) - 1}.")
    ballot = db.session.get(PollVote, (poll.id, person.id))
    if ballot is None:
        db.session.add(PollVote(poll_id=poll.id, person_id=person.id, option=option))
    elif ballot.option != option:
        ballot.option, ballot.updated_at = option, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # the same phone's vote twice at once: one is kept
        db.session.rollback()
        return vote(person, poll_id, option)
    return document(poll, person)


def withdraw(person: Person, poll_id: int) -> dict[str, Any]:
    """Take the vote back; nothing to do without one."""
    poll = _locked_open_poll(person, poll_id)
    db.session.execute(
        sa.delete(PollVote).where(PollVote.poll_id == poll.id, PollVote.person_id == person.id)
    )
    db.session.commit()
    return document(poll, person)


# -- closing and deciding ---------------------------------------------------------


def _managed_poll(person: Person, poll_id: int) -> Poll:
    poll = visible_poll(person, poll_id)
    if not manages(person, db.session.get_one(Team, poll.team_id)):
        raise Forbidden("Only the team's leads and the workplace's admins close polls.")
    return poll


def close_early(person: Person, poll_id: int) -> dict[str, Any]:
    """Close the poll now (a closed poll stays as it is)."""
    poll = _managed_poll(person, poll_id)
    if poll.status == "open" and closing.close_poll(poll.id, utcnow(), early=True):
        closing.announce_later(poll.id)
    db.session.refresh(poll)
    return document(poll, person)


def decide_tie(person: Person, poll_id: int, option: int) -> dict[str, Any]:
    """The lead chooses among the options tied at the top of a closed poll."""
    poll = _managed_poll(person, poll_id)
    if poll.status != "closed":
        _refuse("option", "Only a poll that closed on a tie waits for a decision.")
    options = db.session.scalars(
        sa.select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.index)
    ).all()
    tied = polls.tally([o.votes or 0 for o in options]).tied
    if option not in tied:
        _refuse("option", f"Choose one of the tied options: {', '.join(map(str, tied))}.")
    taken = db.session.execute(
        sa.update(Poll)
        .where(Poll.id == poll.id, Poll.status == "closed", Poll.winner.is_(None))
        .values(status="decided", winner=option)
    ).rowcount
    if taken != 1:  # another lead decided at the same moment
        db.session.rollback()
        db.session.refresh(poll)
        return document(poll, person)
    db.session.refresh(poll)
    closing.decide(poll, option, options[option].votes or 0, utcnow())
    db.session.commit()
    closing.announce_later(poll.id)
    return document(poll, person)
