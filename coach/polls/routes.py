"""Team polls: the team chooses its next phase's exercises and its training time."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from coach.accounts.auth import caller, signed_in
from coach.domain.roles import Role
from coach.polls import documents, phases, service
from coach.polls.schemas import (
    PollCreateSchema,
    PollSchema,
    SuggestionsQuerySchema,
    SuggestionsSchema,
    TeamProgramSchema,
    VoteSchema,
)
from coach.teams.service import team_for

blp = Blueprint("polls", __name__, url_prefix="/api", description="Team polls")
Headers = dict[str, str]
# A poll's document carries the asker's own vote: no shared cache may keep it.
PRIVATE: Headers = {"Cache-Control": "private, no-store"}


@blp.route("/teams/<int:team_id>/polls", methods=["POST"])
@signed_in(Role.ADMIN, Role.LEAD, unsafe=True)
@blp.arguments(PollCreateSchema())
@blp.response(201, PollSchema)
@blp.alt_response(409, description="The team has an open poll of this kind")
def open_poll(data: dict[str, Any], team_id: int) -> tuple[dict[str, Any], Headers]:
    """Open a poll (the team's leads, the workplace's admins) with 2-4 options: for
    ``exercises``, sets for the team's next phase (see suggestions); for ``time``, a
    time of day and days. The team's members get a push."""
    person = caller()
    poll = service.open_poll(person, team_id, data)
    return documents.document(poll, person), PRIVATE


@blp.route("/teams/<int:team_id>/polls", methods=["GET"])
@signed_in()
@blp.response(200, PollSchema(many=True))
def team_polls(team_id: int) -> tuple[list[dict[str, Any]], Headers]:
    """The team's polls, open ones first (members of the team, its leads, admins):
    while open only the turnout, once closed the counts per option; never who voted
    for what. A poll past its closing instant closes on this read."""
    return service.team_polls(caller(), team_id), PRIVATE


@blp.route("/teams/<int:team_id>/polls/suggestions")
@signed_in(Role.ADMIN, Role.LEAD)
@blp.arguments(SuggestionsQuerySchema(), location="query")
@blp.response(200, SuggestionsSchema)
def poll_suggestions(query: dict[str, Any], team_id: int) -> tuple[dict[str, Any], Headers]:
    """Options the app proposes: for ``exercises``, the team's next phase as written
    and variants with exercises swapped for catalogue alternatives (same muscles,
    equipment and kind); for ``time``, the team's time and times around it."""
    return service.suggestions(caller(), team_id, query["kind"]), PRIVATE


@blp.route("/teams/<int:team_id>/program")
@signed_in()
@blp.response(200, TeamProgramSchema)
def team_program(team_id: int) -> tuple[dict[str, Any], Headers]:
    """The team's program on its weeks, each phase with the exercises its members
    train (those the team chose, with the votes), and its training time."""
    person = caller()
    team = team_for(person, team_id)
    return phases.team_program(team, person.language), PRIVATE


@blp.route("/polls/<int:poll_id>/vote", methods=["PUT"])
@signed_in(unsafe=True)
@blp.arguments(VoteSchema())
@blp.response(200, PollSchema)
@blp.alt_response(409, description="The poll has closed")
def vote(data: dict[str, Any], poll_id: int) -> tuple[dict[str, Any], Headers]:
    """Vote, or change the vote (members of the team); the same vote again changes
    nothing. Refused with 409 from the closing instant on."""
    return service.vote(caller(), poll_id, data["option"]), PRIVATE


@blp.route("/polls/<int:poll_id>/vote", methods=["DELETE"])
@signed_in(unsafe=True)
@blp.response(200, PollSchema)
@blp.alt_response(409, description="The poll has closed")
def withdraw(poll_id: int) -> tuple[dict[str, Any], Headers]:
    """Take the vote back while the poll is open."""
    return service.withdraw(caller(), poll_id), PRIVATE


@blp.route("/polls/<int:poll_id>/close", methods=["POST"])
@signed_in(Role.ADMIN, Role.LEAD, unsafe=True)
@blp.response(200, PollSchema)
def close(poll_id: int) -> tuple[dict[str, Any], Headers]:
    """Close the poll now; the option with most votes wins and applies itself (a tie
    waits for the lead's decision)."""
    return service.close_early(caller(), poll_id), PRIVATE


@blp.route("/polls/<int:poll_id>/decide", methods=["POST"])
@signed_in(Role.ADMIN, Role.LEAD, unsafe=True)
@blp.arguments(VoteSchema())
@blp.response(200, PollSchema)
def decide(data: dict[str, Any], poll_id: int) -> tuple[dict[str, Any], Headers]:
    """Choose among the options tied at the top of a closed poll (422 otherwise)."""
    return service.decide_tie(caller(), poll_id, data["option"]), PRIVATE
