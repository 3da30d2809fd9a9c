"""Use cases for workplaces and teams. Each function owns its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_smorest import abort
from werkzeug.exceptions import Conflict, NotFound

from coach.accounts.models import Person
from coach.database import valid_id
from coach.domain.bands import THERABAND, BandSetSpec
from coach.domain.calendar import ordered_weekdays, team_program_week
from coach.domain.instruction import add_months
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls.models import TeamTimeChange
from coach.reminders import schedule
from coach.teams.models import BandLevel, BandSet, Team, Workplace
from coach.teams.participation import workplace_today

# How far a team's program start may lie from today: a team that began on paper
# before the app, or one that starts soon.
START_MONTHS_BACK = 12
START_DAYS_AHEAD = 30


def new_band_set(spec: BandSetSpec = THERABAND) -> BandSet:
    return BandSet(
        brand=spec.brand,
        levels=[
            BandLevel(
                position=i,
                key=level.key,
                colour_name_da=level.colour_name_da,
                colour_name_en=level.colour_name_en,
                display_colour=level.display_colour,
                force_newtons=level.force_newtons,
            )
            for i, level in enumerate(spec.levels)
        ],
    )


def new_workplace(
    name: str, time_zone: str = "Europe/Copenhagen", language: str = "da"
) -> Workplace:
    """A workplace with its own copy of the default band set (not committed)."""
    workplace = Workplace(
        name=name.strip(), time_zone=time_zone, language=language, band_set=new_band_set()
    )
    db.session.add(workplace)
    return workplace


def update_workplace(workplace: Workplace, changes: dict[str, Any]) -> Workplace:
    for field in ("name", "time_zone", "language"):
        if field in changes:
            value = changes[field]
            setattr(workplace, field, value.strip() if field == "name" else value)
    if "time_zone" in changes:
        db.session.flush()
        schedule.refresh_workplace(workplace.id)  # its people's reminders move
    db.session.commit()
    return workplace


def teams_visible_to(caller: Person) -> list[Team]:
    """Admins see every team of their workplace; leads see their own."""
    query = sa.select(Team).where(Team.workplace_id == caller.workplace_id).order_by(Team.name)
    if caller.role_enum is not Role.ADMIN:
        query = query.where(Team.id == caller.team_id)
    return with_roster(db.session.scalars(query).all())


def team_for(caller: Person, team_id: int) -> Team:
    """The team if the caller may manage it; 404 otherwise, so ids of other
    workplaces and other teams reveal nothing."""
    team = db.session.get(Team, team_id) if valid_id(team_id) else None
    if (
        team is None
        or team.workplace_id != caller.workplace_id
        or (caller.role_enum is not Role.ADMIN and team.id != caller.team_id)
    ):
        raise NotFound("No such team.")
    return team


def with_roster(teams: Iterable[Team]) -> list[Team]:
    """The teams with their member counts and their leads (id and display name, by name),
    so an admin can choose key persons. A lead is listed as a lead, whether or not they
    share their participation: the role is staff information, not a figure about them."""
    teams = list(teams)
    team_ids = [t.id for t in teams]
    counts = dict(
        db.session.execute(
            sa.select(Person.team_id, sa.func.count())
            .where(Person.team_id.in_(team_ids))
            .group_by(Person.team_id)
        ).all()
    )
    leads: dict[int, list[dict[str, Any]]] = {}
    for person_id, team_id, name in db.session.execute(
        sa.select(Person.id, Person.team_id, Person.display_name)
        .where(Person.team_id.in_(team_ids), Person.role == Role.LEAD.value)
        .order_by(Person.display_name, Person.id)
    ):
        leads.setdefault(team_id, []).append({"id": person_id, "display_name": name})
    for team in teams:
        team.program_week = team_program_week(  # type: ignore[attr-defined]
            team.program_started_on, workplace_today(team.workplace)
        )
        team.member_count = counts.get(team.id, 0)  # type: ignore[attr-defined]
        team.leads = leads.get(team.id, [])  # type: ignore[attr-defined]
    return teams


def _ensure_unique_name(workplace_id: int, name: str, team_id: int | None = None) -> None:
    clash = db.session.scalar(
        sa.select(Team.id).where(
            Team.workplace_id == workplace_id,
            sa.func.lower(Team.name) == name.lower(),
            Team.id != (team_id or 0),
        )
    )
    if clash is not None:
        raise Conflict(f"The workplace already has a team named {name!r}.")


def create_team(workplace_id: int, data: dict[str, Any]) -> Team:
    name = data["name"].strip()
    _ensure_unique_name(workplace_id, name)
    workplace = db.session.get_one(Workplace, workplace_id)
    team = Team(workplace=workplace, name=name, program_started_on=workplace_today(workplace))
    _apply(team, data)
    db.session.add(team)
    db.session.commit()
    return with_roster([team])[0]


def update_team(team: Team, changes: dict[str, Any]) -> Team:
    if "name" in changes:
        _ensure_unique_name(team.workplace_id, changes["name"].strip(), team.id)
    _apply(team, changes)
    if "reminder_time" in changes or "workdays" in changes:
        # The lead's own setting is the newest word: a time the team chose and that
        # has not begun yet no longer takes over.
        db.session.execute(sa.delete(TeamTimeChange).where(TeamTimeChange.team_id == team.id))
        db.session.flush()
        schedule.refresh_team(team.id)  # the members' next reminders move
    db.session.commit()
    return with_roster([team])[0]


def _check_start(workplace: Workplace, day: date) -> None:
    today = workplace_today(workplace)
    earliest, latest = add_months(today, -START_MONTHS_BACK), today + timedelta(START_DAYS_AHEAD)
    if not earliest <= day <= latest:
        abort(
            422,
            errors={
                "json": {
                    "program_started_on": [
                        f"Give a day from {earliest} to {latest}: at most "
                        f"{START_MONTHS_BACK} months back or {START_DAYS_AHEAD} days ahead."
                    ]
                }
            },
        )


def _apply(team: Team, data: dict[str, Any]) -> None:
    if "name" in data:
        team.name = data["name"].strip()
    if "program" in data and data["program"] != team.program:
        # A new program starts from its first week, for the whole team at once.
        team.program = data["program"]
        team.program_started_on = workplace_today(team.workplace)
    if "program_started_on" in data:
        _check_start(team.workplace, data["program_started_on"])
        team.program_started_on = data["program_started_on"]
    if "reminder_time" in data:
        team.reminder_time = data["reminder_time"]
    if "workdays" in data:
        team.workdays = ordered_weekdays(data["workdays"])
    if "cardio_plan" in data:
        plan = data["cardio_plan"]
        team.cardio_plan = (
            None if plan is None else {**plan, "weekdays": ordered_weekdays(plan["weekdays"])}
        )
