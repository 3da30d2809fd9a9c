"""The edges of team today and high-fives: what a phone sends and gets."""

from __future__ import annotations

from marshmallow import Schema, fields

from coach.schemas import calendar_date


class ColleagueSchema(Schema):
    """A colleague who chose to share their participation (the only ones ever named)."""

    id = fields.Integer(required=True)
    display_name = fields.String(required=True)


class WeekSoFarSchema(Schema):
    week_start = fields.Date(required=True, metadata={"description": "This week's Monday"})
    planned = fields.Boolean(
        required=True,
        metadata={"description": "false: no plan this week (no program): no target"},
    )
    partial = fields.Boolean(
        required=True, metadata={"description": "Always true: the week is under way"}
    )
    enrolled = fields.Integer(required=True, metadata={"description": "Members this week"})
    active = fields.Integer(
        required=True, metadata={"description": "Members with a session this week"}
    )
    sessions = fields.Integer(
        required=True, metadata={"description": "Days trained this week, summed over members"}
    )
    workdays_so_far = fields.Integer(
        required=True,
        metadata={"description": "The team's training days from Monday up to today"},
    )
    target_so_far = fields.Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "Sessions due by the end of today: each member's weekly target "
            "spread over the team's training days (rounded up), times the members"
        },
    )
    target_sessions = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The whole week's target, as in the participation view"},
    )
    adherence_percent = fields.Float(
        required=True,
        allow_none=True,
        metadata={
            "description": "Sessions done (each member counted up to what is due) against "
            "target_so_far; null without a plan or while nothing is due yet"
        },
    )


class TeamTodaySchema(Schema):
    team = fields.Nested(
        Schema.from_dict({"id": fields.Integer(), "name": fields.String()}, name="TeamTodayTeam"),
        required=True,
    )
    date = fields.Date(required=True, metadata={"description": "The team's day (its time zone)"})
    members = fields.Integer(required=True, metadata={"description": "Members of the team"})
    trained = fields.Integer(
        required=True, metadata={"description": "Members who logged a set today, sharing or not"}
    )
    named = fields.List(
        fields.Nested(ColleagueSchema),
        required=True,
        metadata={"description": "Of those, the ones who share their participation, by name"},
    )
    week = fields.Nested(WeekSoFarSchema, required=True)


class HighFiveInSchema(Schema):
    id = fields.UUID(
        metadata={"description": "The phone's own id, so a retried upload is recognised"}
    )
    to = fields.Integer(
        required=True,
        allow_none=True,
        strict=True,
        metadata={
            "description": "A colleague named in the team's today (sharing, trained today, "
            "not yourself); null for the whole team"
        },
    )


class HighFiveSchema(Schema):
    id = fields.UUID(required=True)
    team_id = fields.Integer(required=True)
    to = fields.Integer(required=True, allow_none=True, attribute="receiver_id")
    day = fields.Date(required=True, metadata={"description": "The team's day it was given"})
    created_at = fields.DateTime(required=True)


class HighFivesQuerySchema(Schema):
    date = calendar_date(metadata={"description": "The day (default: today, the team's day)"})


class GivenSchema(Schema):
    team = fields.Boolean(required=True, metadata={"description": "A high-five to the team"})
    to = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "Colleagues (who share) given a high-five that day"},
    )


class ReceivedSchema(Schema):
    date = fields.Date(required=True)
    from_colleagues = fields.List(
        fields.Nested(ColleagueSchema),
        required=True,
        metadata={"description": "Colleagues who share their participation, by name"},
    )
    from_others = fields.Integer(
        required=True, metadata={"description": "High-fives from colleagues who do not share"}
    )
    team = fields.Integer(
        required=True, metadata={"description": "High-fives to the whole team, from others"}
    )
    total = fields.Integer(required=True)
    given = fields.Nested(GivenSchema, required=True, metadata={"description": "Your own"})
