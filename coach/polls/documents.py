"""A poll as the API shows it to one asker: the turnout while it is open, the counts
once it closed, and the asker's own vote; never who voted for what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.domain import polls
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls import phases
from coach.polls.models import Poll, PollOption, PollVote
from coach.teams.models import Team


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def manages(person: Person, team: Team) -> bool:
    """Leads of the team and admins of its workplace open, close and decide polls."""
    if person.workplace_id != team.workplace_id:
        return False
    return person.role_enum is Role.ADMIN or (
        person.role_enum is Role.LEAD and person.team_id == team.id
    )


def document(poll: Poll, person: Person, language: str | None = None) -> dict[str, Any]:
    language = language or person.language
    team = db.session.get_one(Team, poll.team_id)
    options = db.session.scalars(
        sa.select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.index)
    ).all()
    is_open = poll.status == "open"
    if is_open:
        voted = db.session.scalar(
            sa.select(sa.func.count()).select_from(PollVote).where(PollVote.poll_id == poll.id)
        )
        eligible = len(phases.member_ids(poll.team_id))
    else:
        voted, eligible = poll.voted, poll.eligible
    mine = db.session.scalar(
        sa.select(PollVote.option).where(
            PollVote.poll_id == poll.id, PollVote.person_id == person.id
        )
    )
    counts = [option.votes or 0 for option in options]
    tied = (
        list(polls.tally(counts).tied) if poll.status == "closed" and not is_open and counts else []
    )
    return {
        "id": poll.id,
        "team_id": poll.team_id,
        "kind": poll.kind,
        "question": poll.question,
        "status": poll.status,
        "closes_at": iso(poll.closes_at),
        "created_at": iso(poll.created_at),
        "closed_at": iso(poll.closed_at),
        "phase": _phase(poll, team),
        "options": [_option(poll, option, language, is_open) for option in options],
        "turnout": {"voted": voted or 0, "eligible": eligible or 0},
        "my_vote": mine,
        "winner": poll.winner,
        "tied": tied,
        "may_manage": manages(person, team),
        "may_vote": person.team_id == poll.team_id,
    }


def _phase(poll: Poll, team: Team) -> dict[str, Any] | None:
    if poll.kind != "exercises" or poll.first_week is None or poll.last_week is None:
        return None
    return {
        "program": poll.program,
        "first_week": poll.first_week,
        "last_week": poll.last_week,
        "starts_on": polls.week_starts_on(team.program_started_on, poll.first_week),
    }


def _option(poll: Poll, option: PollOption, language: str, is_open: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"index": option.index, "votes": None if is_open else option.votes}
    if poll.kind == "exercises":
        slugs = option.value["exercises"]
        known = current_catalogue().exercises
        body["exercises"] = slugs
        body["names"] = [known[s].name.in_language(language) if s in known else s for s in slugs]
    else:
        body["time"], body["days"] = option.value["time"], option.value["days"]
    return body
