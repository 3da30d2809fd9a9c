"""Use cases of instruction plans. Functions that change a plan own their transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_smorest import abort
from werkzeug.exceptions import NotFound

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.domain import instruction
from coach.domain.roles import Role
from coach.extensions import db
from coach.instruction.models import InstructionPlan, InstructorWeek, KeyPerson
from coach.messages import translate
from coach.teams.models import Team


def plan_of(workplace_id: int) -> InstructionPlan:
    plan = db.session.scalar(
        sa.select(InstructionPlan).where(InstructionPlan.workplace_id == workplace_id)
    )
    if plan is None:
        raise NotFound("The workplace has no instruction plan yet.")
    return plan


def _key_person_ids(workplace_id: int, data: list[dict[str, Any]]) -> list[int]:
    """The key persons' ids, each checked to be a lead of the team named (422 if not)."""
    wanted = {(entry["team_id"], pid) for entry in data for pid in entry["person_ids"]}
    leads = {
        (team_id, person_id)
        for person_id, team_id in db.session.execute(
            sa.select(Person.id, Person.team_id).where(
                Person.workplace_id == workplace_id,
                Person.role == Role.LEAD.value,
                Person.id.in_([pid for _, pid in wanted]),
            )
        )
    }
    wrong = sorted(wanted - leads)
    if wrong:
        abort(
            422,
            errors={
                "json": {
                    "key_persons": [
                        f"Person {pid} is not a lead of team {tid}: key persons are the "
                        "team's leads."
                        for tid, pid in wrong
                    ]
                }
            },
        )
    return sorted({pid for _, pid in wanted})


def save_plan(workplace_id: int, data: dict[str, Any]) -> InstructionPlan:
    """Replace the workplace's plan (the schema has checked the limits)."""
    person_ids = _key_person_ids(workplace_id, data["key_persons"])
    plan = db.session.scalar(
        sa.select(InstructionPlan).where(InstructionPlan.workplace_id == workplace_id)
    )
    if plan is None:
        plan = InstructionPlan(workplace_id=workplace_id)
        db.session.add(plan)
    plan.starts_on, plan.ends_on = data["starts_on"], data["ends_on"]
    plan.weeks = [InstructorWeek(week_start=w) for w in sorted(set(data["instructor_weeks"]))]
    plan.key_persons = [KeyPerson(person_id=pid) for pid in person_ids]
    db.session.commit()
    return plan


def plan_view(plan: InstructionPlan, teams: list[Team], language: str = "en") -> dict[str, Any]:
    """The plan with, for each of ``teams``, its key persons and its program's phase
    starts against the instructor weeks; the warnings in ``language``."""
    weeks = [w.week_start for w in plan.weeks]
    key_ids = [k.person_id for k in plan.key_persons]
    people = db.session.execute(
        sa.select(Person.id, Person.team_id, Person.display_name)
        .where(Person.id.in_(key_ids), Person.team_id.in_([t.id for t in teams]))
        .order_by(Person.display_name)
    ).all()
    team_views = []
    for team in teams:
        program = current_catalogue().programs.get(team.program)
        starts = (
            instruction.phase_starts(
                plan.starts_on,
                plan.ends_on,
                [p.first_week for p in program.phases],
                program.duration_weeks,
                weeks,
                program_started_on=team.program_started_on,
            )
            if program is not None
            else []
        )
        team_views.append(
            {
                "team_id": team.id,
                "team_name": team.name,
                "program": team.program,
                "key_persons": [
                    {"id": pid, "display_name": name} for pid, tid, name in people if tid == team.id
                ],
                "phase_starts": starts,
                "warnings": [
                    translate(
                        f"Program week {s.program_week} (week of {s.week_start}) begins new "
                        "exercises without an instructor week.",
                        language,
                    )
                    for s in starts
                    if not s.at_visit
                ],
            }
        )
    return {
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "instructor_weeks": weeks,
        "instructor_weeks_left": instruction.MAX_INSTRUCTOR_WEEKS - len(weeks),
        "teams": team_views,
    }
