from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from coach.accounts.auth import caller, signed_in
from coach.domain.roles import Role
from coach.teams import service
from coach.teams.models import Team, Workplace
from coach.teams.schemas import TeamSchema, WorkplaceSchema

blp = Blueprint("teams", __name__, url_prefix="/api", description="Workplace and teams")


@blp.route("/workplace")
class WorkplaceView(MethodView):
    @signed_in()
    @blp.response(200, WorkplaceSchema)
    def get(self) -> Workplace:
        """The caller's workplace, with its band set (lightest band first)."""
        return caller().workplace

    @signed_in(Role.ADMIN)
    @blp.arguments(WorkplaceSchema(partial=True))
    @blp.response(200, WorkplaceSchema)
    def patch(self, changes: dict[str, Any]) -> Workplace:
        """Rename the workplace or change its time zone or default language."""
        return service.update_workplace(caller().workplace, changes)


@blp.route("/teams")
class TeamsView(MethodView):
    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.response(200, TeamSchema(many=True))
    def get(self) -> list[Team]:
        """Teams the caller runs: all of the workplace's for an admin, their own for a lead."""
        return service.teams_visible_to(caller())

    @signed_in(Role.ADMIN)
    @blp.arguments(TeamSchema)
    @blp.response(201, TeamSchema)
    def post(self, data: dict[str, Any]) -> Team:
        """Create a team (default: office program, 11:25 on workdays)."""
        return service.create_team(caller().workplace_id, data)


@blp.route("/teams/<int:team_id>")
class TeamView(MethodView):
    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.response(200, TeamSchema)
    def get(self, team_id: int) -> Team:
        """One team; a lead sees only their own."""
        return service.with_member_counts([service.team_for(caller(), team_id)])[0]

    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.arguments(TeamSchema(partial=True))
    @blp.response(200, TeamSchema)
    def patch(self, changes: dict[str, Any], team_id: int) -> Team:
        """Change a team's name, program, reminder time or workdays."""
        team = service.team_for(caller(), team_id)
        return service.update_team(team, changes)
