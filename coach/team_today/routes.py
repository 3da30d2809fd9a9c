"""Team today and high-fives."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from coach.accounts.auth import caller, signed_in
from coach.team_today import service
from coach.team_today.models import HighFive
from coach.team_today.schemas import (
    HighFiveInSchema,
    HighFiveSchema,
    HighFivesQuerySchema,
    ReceivedSchema,
    TeamTodaySchema,
)

blp = Blueprint("team_today", __name__, url_prefix="/api", description="Team today and high-fives")
# Who trained and who cheered whom is personal: no shared cache may keep these answers.
PRIVATE = {"Cache-Control": "private, no-store"}


@blp.route("/teams/<int:team_id>/today")
@signed_in()
@blp.response(200, TeamTodaySchema)
def team_today(team_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """How the team is doing on its day (its workplace's time zone): how many of its
    members trained, the names of those among them who share their participation (the
    others are counted, never named) and the week so far. For the team's members, its
    leads and the workplace's admins; any other team answers 404."""
    return service.team_today(caller(), team_id), PRIVATE


@blp.route("/teams/<int:team_id>/high-fives", methods=["POST"])
@signed_in(unsafe=True)
@blp.arguments(HighFiveInSchema())
@blp.response(201, HighFiveSchema, description="Given")
@blp.alt_response(200, schema=HighFiveSchema, description="Given already today (nothing changed)")
def give_high_five(values: dict[str, Any], team_id: int) -> tuple[HighFive, int, dict[str, str]]:
    """Give a high-five to a colleague named in the team's today, or (`to`: null) to the
    whole team: members of the team, once per colleague (and once to the team) a day.
    Anyone else in `to` (not named in today, oneself, no colleague) is 422 on `to`."""
    high_five, created = service.give(caller(), team_id, values)
    return high_five, 201 if created else 200, PRIVATE


@blp.route("/me/high-fives")
@signed_in()
@blp.arguments(HighFivesQuerySchema(), location="query")
@blp.response(200, ReceivedSchema)
def my_high_fives(query: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The high-fives I received on a day: from colleagues who share, by name; from the
    others, a count; to my team, a count. And the ones I gave that day."""
    return service.received(caller(), query.get("date")), PRIVATE
