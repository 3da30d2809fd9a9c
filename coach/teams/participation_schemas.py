from __future__ import annotations

from marshmallow import Schema, fields, validate

from coach.domain.privacy import MIN_PAIN_REPORTERS, TOO_FEW_ANSWERS
from coach.teams.participation import DEFAULT_WEEKS, MAX_WEEKS, REGIONS


class WeeksQuerySchema(Schema):
    weeks = fields.Integer(
        load_default=DEFAULT_WEEKS,
        validate=validate.Range(min=1, max=MAX_WEEKS),
        metadata={"description": "How many weeks up to and including this one"},
    )


class ParticipationWeekSchema(Schema):
    week_start = fields.Date(metadata={"description": "The Monday of the ISO week"})
    planned = fields.Boolean(
        metadata={
            "description": "false: no plan that week (no program, or no members yet): "
            "no target, and the week is neither met nor missed"
        }
    )
    partial = fields.Boolean(
        metadata={"description": "true for the week under way: counted up to today"}
    )
    enrolled = fields.Integer(metadata={"description": "Members in the team that week"})
    active = fields.Integer(metadata={"description": "Members with at least one session"})
    sessions = fields.Integer(metadata={"description": "Days trained, summed over members"})
    target_sessions = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The program's weekly target times enrolled, for the whole "
            "week; null without a plan"
        },
    )
    target_so_far = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Sessions due by the end of the week, or, for the week under "
            "way, by the end of today: each member's target spread over the team's "
            "training days (rounded up), times enrolled. A past week's is its "
            "target_sessions; null without a plan"
        },
    )
    adherence_percent = fields.Float(
        allow_none=True,
        metadata={
            "description": "Sessions done (each member counted up to what was due) "
            "against target_so_far; null without a plan or while nothing is due yet"
        },
    )
    live_sessions = fields.Integer(
        metadata={"description": "Live sessions the team held that week (teams' weeks only)"}
    )
    people_per_session = fields.Float(
        allow_none=True,
        metadata={"description": "People per live session on average; null without one"},
    )


class SharingMemberSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()
    sessions = fields.List(fields.Integer(), metadata={"description": "Per week, oldest first"})
    last_session = fields.Date(allow_none=True)
    streak_weeks = fields.Integer(
        metadata={"description": "Weeks in a row at target, counted within the weeks shown"}
    )


class TeamPainFigureSchema(Schema):
    median = fields.Float()
    mean = fields.Float()
    change_in_median = fields.Float(
        allow_none=True,
        metadata={"description": "Against the median of the team's first four weeks"},
    )


class TeamPainWeekSchema(Schema):
    week_start = fields.Date()
    status = fields.String(
        validate=validate.OneOf(["shown", TOO_FEW_ANSWERS]),
        metadata={"description": f"Figures need at least {MIN_PAIN_REPORTERS} people"},
    )
    reporting = fields.Integer(allow_none=True)
    regions = fields.Dict(
        keys=fields.String(validate=validate.OneOf(REGIONS)),
        values=fields.Nested(TeamPainFigureSchema, allow_none=True),
        allow_none=True,
    )


class TeamRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    program = fields.String()


class TeamParticipationSchema(Schema):
    team = fields.Nested(TeamRefSchema)
    today = fields.Date()
    weekly_target = fields.Integer(allow_none=True)
    weeks = fields.List(fields.Nested(ParticipationWeekSchema))
    longest_streaks = fields.List(
        fields.Integer(), metadata={"description": "The longest current streaks, unnamed"}
    )
    members_sharing = fields.List(fields.Nested(SharingMemberSchema))
    members_not_sharing = fields.Integer(
        metadata={"description": "Counted in the totals, never named"}
    )
    pain = fields.List(fields.Nested(TeamPainWeekSchema))


class WorkplaceTeamSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    program = fields.String()
    weekly_target = fields.Integer(allow_none=True)
    members = fields.Integer()
    weeks = fields.List(fields.Nested(ParticipationWeekSchema))
    longest_streaks = fields.List(fields.Integer())


class WorkplaceRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class WorkplaceParticipationSchema(Schema):
    workplace = fields.Nested(WorkplaceRefSchema)
    today = fields.Date()
    teams = fields.List(fields.Nested(WorkplaceTeamSchema))
    weeks = fields.List(fields.Nested(ParticipationWeekSchema))
