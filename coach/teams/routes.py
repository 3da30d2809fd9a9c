from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from coach.accounts.auth import caller, signed_in
from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.schemas import csv_download
from coach.teams import participation, people, report, service
from coach.teams.models import Team, Workplace
from coach.teams.participation_schemas import (
    TeamParticipationSchema,
    WeeksQuerySchema,
    WorkplaceParticipationSchema,
)
from coach.teams.schemas import PersonRowSchema, TeamSchema, WorkplaceSchema

Headers = dict[str, str]
# Who trained is personal: no shared cache may keep these answers.
PRIVATE: Headers = {"Cache-Control": "private, no-store"}

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
        """Rename the workplace or change its time zone or default language.
        A ``time_zone`` must be an IANA zone name the server knows (422)."""
        return service.update_workplace(caller().workplace, changes)


@blp.route("/teams")
class TeamsView(MethodView):
    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.response(200, TeamSchema(many=True))
    def get(self) -> list[Team]:
        """Teams the caller runs: all of the workplace's for an admin, their own for a lead.

        Each lists its leads, the people who may be its key persons in the plan."""
        return service.teams_visible_to(caller())

    @signed_in(Role.ADMIN)
    @blp.arguments(TeamSchema())
    @blp.response(201, TeamSchema)
    def post(self, data: dict[str, Any]) -> Team:
        """Create a team (default: office program, 11:25 on workdays).
        ``program_started_on`` must lie within the last 12 months or
        the next 30 days (422); a name taken in the workplace is 409."""
        return service.create_team(caller().workplace_id, data)


@blp.route("/teams/<int:team_id>")
class TeamView(MethodView):
    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.response(200, TeamSchema)
    def get(self, team_id: int) -> Team:
        """One team, with its leads; a lead sees only their own."""
        return service.with_roster([service.team_for(caller(), team_id)])[0]

    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.arguments(TeamSchema(partial=True))
    @blp.response(200, TeamSchema)
    def patch(self, changes: dict[str, Any], team_id: int) -> Team:
        """Change a team's name, program, cardio days, reminder time or workdays.
        ``program_started_on`` must lie within the last 12 months or
        the next 30 days (422); a name taken in the workplace is 409."""
        team = service.team_for(caller(), team_id)
        return service.update_team(team, changes)


@blp.route("/teams/<int:team_id>/participation")
@signed_in(Role.ADMIN, Role.LEAD)
@blp.arguments(WeeksQuerySchema(), location="query")
@blp.response(200, TeamParticipationSchema)
def team_participation(query: dict[str, Any], team_id: int) -> tuple[dict[str, Any], Headers]:
    """The team's weeks: members enrolled and active, sessions against the program's
    target, adherence, the longest streaks; rows by name only for members who share
    their participation (the others are counted, never named); pain as aggregates over
    at least five people, else "too few answers"."""
    team = service.team_for(caller(), team_id)
    return participation.team_participation(team, query["weeks"]), PRIVATE


@blp.route("/workplace/participation")
@signed_in(Role.ADMIN)
@blp.arguments(WeeksQuerySchema(), location="query")
@blp.response(200, WorkplaceParticipationSchema)
def workplace_participation(query: dict[str, Any]) -> tuple[dict[str, Any], Headers]:
    """Every team's weekly participation and the workplace's totals; names nobody."""
    return participation.workplace_participation(caller().workplace, query["weeks"]), PRIVATE


@blp.route("/workplace/report.csv")
@signed_in(Role.ADMIN)
@csv_download(blp, "coach-report-YYYY-MM-DD.csv")
def report_csv() -> Response:
    """The project report as CSV (UTF-8 with a byte-order mark): `# participation`
    per team and week, then `# pain` per team, week and region, over the project's
    weeks so far (the last 12 without a plan). Aggregates only; names nobody."""
    workplace = caller().workplace
    response = Response(report.report_csv(workplace), mimetype="text/csv")
    filename = f"coach-report-{participation.workplace_today(workplace).isoformat()}.csv"
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers.update(PRIVATE)
    return response


@blp.route("/people")
@signed_in(Role.ADMIN)
@blp.response(200, PersonRowSchema(many=True))
def list_people() -> list[Person]:
    """Everyone with an account in my workplace, by name: to remove someone who leaves.
    Names, roles and teams only; nothing of anyone's training."""
    return people.people_of(caller())


@blp.route("/people/<int:person_id>", methods=["DELETE"])
@signed_in(Role.ADMIN, unsafe=True)
@blp.response(204)
@blp.alt_response(409, description="That is me, or the workplace's only admin")
def remove_person(person_id: int) -> None:
    """Remove a person of my workplace, e.g. one who has left: every device they are
    signed in on is signed out at once (its next request gets 401), and their account
    and personal data are erased as if they had erased themselves: sets, cardio,
    check-ins and pain, overrides, swaps, reminders, push subscriptions, sign-in links
    and passkeys. Their sessions stay only in their team's weekly totals, which name
    nobody. The invites they made are withdrawn. Myself: 409 (erase my own account
    instead); another workplace's person: 404."""
    people.remove_person(caller(), person_id)
