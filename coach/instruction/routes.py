"""The instruction plan: an admin edits the workplace's; a lead reads their team's part."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from coach.accounts.auth import caller, signed_in
from coach.domain.roles import Role
from coach.instruction import service
from coach.instruction.schemas import PlanSchema, PlanViewSchema
from coach.teams.service import team_for, teams_visible_to

blp = Blueprint(
    "instruction", __name__, url_prefix="/api", description="Instruction plan of the project"
)


@blp.route("/workplace/plan", methods=["GET"])
@signed_in(Role.ADMIN)
@blp.response(200, PlanViewSchema)
@blp.alt_response(404, description="No plan yet")
def get_plan() -> dict[str, Any]:
    """The workplace's project: dates, instructor weeks, and per team its key persons
    and the weeks its program starts a new phase, each marked with whether the
    instructor is there (a warning for each one without)."""
    me = caller()
    return service.plan_view(service.plan_of(me.workplace_id), teams_visible_to(me), me.language)


@blp.route("/workplace/plan", methods=["PUT"])
@signed_in(Role.ADMIN, unsafe=True)
@blp.arguments(PlanSchema())
@blp.response(200, PlanViewSchema)
def put_plan(data: dict[str, Any]) -> dict[str, Any]:
    """Set the workplace's project plan, replacing any earlier one.

    Refused (422, naming the field) when the project runs over 12 months, has more than
    15 instructor weeks, a week outside the project, or a key person who is not a lead
    of the team given."""
    me = caller()
    plan = service.save_plan(me.workplace_id, data)
    return service.plan_view(plan, teams_visible_to(me), me.language)


@blp.route("/teams/<int:team_id>/plan")
@signed_in(Role.ADMIN, Role.LEAD)
@blp.response(200, PlanViewSchema)
@blp.alt_response(404, description="No such team, or no plan yet")
def team_plan(team_id: int) -> dict[str, Any]:
    """The plan as it concerns one team: the instructor weeks, the team's key persons
    and its program's phase starts against the instructor's visits."""
    me = caller()
    team = team_for(me, team_id)
    return service.plan_view(service.plan_of(me.workplace_id), [team], me.language)
