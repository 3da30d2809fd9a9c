"""Team today and high-fives. Everyone in the team is counted; only members who chose
to share their participation (``Person.share_participation``) are ever named, as a
colleague who trained, as a giver or as a receiver. Each function owns its
transaction."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Conflict, Forbidden

from coach.accounts.models import Person
from coach.coaching.journal import invalid, local_today
from coach.coaching.models import WorkoutSet
from coach.database import valid_id
from coach.extensions import db
from coach.team_today.models import HighFive
from coach.teams.models import Team
from coach.teams.participation import week_so_far, workplace_today
from coach.teams.service import team_for

NOT_NAMED = (
    "Give a high-five to a colleague named in the team's today (one who shares their "
    "participation and trained today), or to the whole team with null."
)


def _trained_today(team_id: int, today: date) -> list[tuple[int, str, bool]]:
    """(id, name, shares) of the team's members with a set on ``today``, by name."""
    trained = (
        sa.select(WorkoutSet.person_id)
        .where(WorkoutSet.person_id == Person.id, WorkoutSet.local_date == today)
        .exists()
    )
    rows = db.session.execute(
        sa.select(Person.id, Person.display_name, Person.share_participation)
        .where(Person.team_id == team_id, trained)
        .order_by(Person.display_name, Person.id)
    )
    return [(i, n, bool(s)) for i, n, s in rows]


def team_today(asker: Person, team_id: int) -> dict[str, Any]:
    """How the team is doing on its day: members who trained (a count), the sharing
    ones by name, and the week so far. For its members, its leads and admins."""
    team = team_for(asker, team_id)
    today = workplace_today(team.workplace)
    trained = _trained_today(team.id, today)
    members = db.session.scalar(
        sa.select(sa.func.count()).select_from(Person).where(Person.team_id == team.id)
    )
    week = week_so_far(team, today)
    return {
        "team": {"id": team.id, "name": team.name},
        "date": today,
        "members": members or 0,
        "trained": len(trained),
        "named": [{"id": i, "display_name": n} for i, n, shares in trained if shares],
        "week": week,
    }


def _named_today(team: Team, person_id: int, today: date) -> bool:
    """Whether the team's today names ``person_id``: a member who shares their
    participation and has a set on ``today`` (one EXISTS, not the whole list)."""
    named = sa.exists().where(
        Person.id == person_id,
        Person.team_id == team.id,
        Person.share_participation.is_(True),
        sa.exists().where(WorkoutSet.person_id == Person.id, WorkoutSet.local_date == today),
    )
    return bool(db.session.scalar(sa.select(named)))


def _existing(giver_id: int, team_id: int, receiver: int | None, day: date) -> HighFive | None:
    return db.session.scalar(
        sa.select(HighFive).where(
            HighFive.giver_id == giver_id,
            HighFive.team_id == team_id,
            HighFive.receiver_key == (receiver or 0),
            HighFive.day == day,
        )
    )


def give(asker: Person, team_id: int, values: dict[str, Any]) -> tuple[HighFive, bool]:
    """Give a high-five on the team's day: ``(high_five, created)``. Once per giver,
    receiver and day; a repeat (or a replay of the phone's id) gets the first one."""
    team = team_for(asker, team_id)  # other teams: 404
    if asker.team_id != team.id:
        raise Forbidden("Only members of the team give its high-fives.")
    client_id: uuid.UUID | None = values.get("id")
    if client_id is not None and (replayed := db.session.get(HighFive, client_id)) is not None:
        if replayed.giver_id != asker.id or replayed.receiver_id != values["to"]:
            raise Conflict("This id is already used for a different high-five. Make a new id.")
        return replayed, False
    today = workplace_today(team.workplace)
    to: int | None = values["to"]
    if to is not None and to == asker.id:
        invalid(to="A high-five goes to a colleague or to the team, not to yourself.")
    if to is not None and not valid_id(to):
        invalid(to=NOT_NAMED)
    if (existing := _existing(asker.id, team.id, to, today)) is not None:
        return existing, False
    if to is not None and not _named_today(team, to, today):
        invalid(to=NOT_NAMED)
    high_five = HighFive(
        id=client_id or uuid.uuid4(),
        team_id=team.id,
        giver_id=asker.id,
        receiver_id=to,
        receiver_key=to or 0,
        day=today,
    )
    db.session.add(high_five)
    try:
        db.session.commit()
    except IntegrityError:  # the same high-five, sent twice at once
        db.session.rollback()
        existing = _existing(asker.id, team.id, to, today)
        if existing is None:
            raise
        return existing, False
    return high_five, True


def received(asker: Person, day: date | None = None) -> dict[str, Any]:
    """What the asker received on ``day`` (default: the team's today): sharing givers
    by name, the others as a count, and the team's high-fives from others; and what
    the asker gave that day, so a phone can show it given."""
    team = asker.team
    if day is None:
        day = workplace_today(team.workplace) if team is not None else local_today(asker)
    givers = db.session.execute(
        sa.select(Person.id, Person.display_name, Person.share_participation)
        .join(HighFive, HighFive.giver_id == Person.id)
        .where(HighFive.receiver_id == asker.id, HighFive.day == day)
        .order_by(Person.display_name, Person.id)
    ).all()
    named = [{"id": i, "display_name": n} for i, n, shares in givers if shares]
    team_count = 0
    given_team = False
    given_to: list[int] = []
    if team is not None:
        team_count = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(HighFive)
                .where(
                    HighFive.team_id == team.id,
                    HighFive.receiver_id.is_(None),
                    HighFive.day == day,
                    HighFive.giver_id != asker.id,
                )
            )
            or 0
        )
        receiver = sa.orm.aliased(Person)
        for receiver_id, shares in db.session.execute(
            sa.select(HighFive.receiver_id, receiver.share_participation)
            .outerjoin(receiver, receiver.id == HighFive.receiver_id)
            .where(HighFive.giver_id == asker.id, HighFive.team_id == team.id, HighFive.day == day)
        ):
            if receiver_id is None:
                given_team = True
            elif shares:  # one who stopped sharing is no longer named, not even by id
                given_to.append(receiver_id)
    return {
        "date": day,
        "from_colleagues": named,
        "from_others": len(givers) - len(named),
        "team": team_count,
        "total": len(givers) + team_count,
        "given": {"team": given_team, "to": sorted(given_to)},
    }
