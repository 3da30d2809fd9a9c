"""Schemas of a person's own record: history, progress (answers only) and its query."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from coach.coaching.schemas import CheckInSchema
from coach.domain.catalogue import CARDIO_ACTIVITIES, KINDS
from coach.schemas import EFFORT_TEXT, calendar_date


class HistoryQuerySchema(Schema):
    from_ = calendar_date(
        data_key="from", metadata={"description": "First day (inclusive), YYYY-MM-DD"}
    )
    to = calendar_date(metadata={"description": "Last day (inclusive), YYYY-MM-DD"})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "from_" in data and "to" in data and data["from_"] > data["to"]:
            raise ValidationError("Must not be after 'to'.", field_name="from")


class HistorySetSchema(Schema):
    id = fields.UUID()
    exercise = fields.String(metadata={"description": "Exercise slug"})
    name = fields.String(metadata={"description": "The exercise's name in my language"})
    performed_at = fields.DateTime()
    reps = fields.Integer(allow_none=True)
    hold_seconds = fields.Integer(allow_none=True)
    band_level = fields.String(allow_none=True, metadata={"description": "Band key"})
    load_kg = fields.Float(allow_none=True)
    reps_in_reserve = fields.Integer(allow_none=True)
    pain = fields.Integer(allow_none=True, metadata={"description": "Pain during the set, 0-10"})


class HistoryCardioSchema(Schema):
    id = fields.UUID()
    performed_at = fields.DateTime()
    activity = fields.String(metadata={"enum": list(CARDIO_ACTIVITIES)})
    name = fields.String(metadata={"description": "The activity's name in my language"})
    minutes = fields.Integer()
    effort = fields.Integer(metadata={"description": EFFORT_TEXT})


class DayCheckInSchema(CheckInSchema):
    red_flag = fields.Boolean(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class HistoryDaySchema(Schema):
    date = fields.Date(metadata={"description": "The day, in my time zone"})
    sets = fields.List(fields.Nested(HistorySetSchema), metadata={"description": "In order"})
    cardio = fields.List(fields.Nested(HistoryCardioSchema))
    check_in = fields.Nested(DayCheckInSchema, allow_none=True)


class BandPointSchema(Schema):
    key = fields.String()
    position = fields.Integer(
        allow_none=True,
        metadata={"description": "0 is the lightest band; null if the band left the set"},
    )
    name = fields.String(metadata={"description": "The colour in my language"})


class ProgressPointSchema(Schema):
    date = fields.Date()
    band_level = fields.Nested(BandPointSchema, allow_none=True)
    load_kg = fields.Float(allow_none=True)
    reps = fields.Integer(allow_none=True, metadata={"description": "Best reps at that load"})
    hold_seconds = fields.Integer(
        allow_none=True, metadata={"description": "Longest hold at that load"}
    )
    sets = fields.Integer(metadata={"description": "Sets of the exercise that day"})


class ExerciseProgressSchema(Schema):
    exercise = fields.String(metadata={"description": "Exercise slug"})
    name = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    sessions = fields.List(
        fields.Nested(ProgressPointSchema),
        metadata={
            "description": "One point per day trained, oldest first: the day's top set "
            "(the heaviest load, and the most reps or longest hold at it)"
        },
    )


class PainMeansSchema(Schema):
    neck = fields.Float(allow_none=True)
    shoulder = fields.Float(allow_none=True)
    arm = fields.Float(allow_none=True)
    lower_back = fields.Float(allow_none=True, data_key="lower-back", attribute="lower-back")


class PainWeekSchema(Schema):
    week_start = fields.Date(metadata={"description": "The Monday of the ISO week"})
    check_ins = fields.Integer()
    mean = fields.Nested(
        PainMeansSchema,
        metadata={"description": "Mean pain (0-10, two decimals); null: never answered"},
    )


class WeekSessionsSchema(Schema):
    week_start = fields.Date(metadata={"description": "The Monday of the ISO week"})
    sessions = fields.Integer(metadata={"description": "Days with at least one logged set"})
    planned = fields.Boolean(
        metadata={"description": "false: no plan that week (no program), so no target"}
    )
    partial = fields.Boolean(
        metadata={"description": "true for the week under way: counted up to today"}
    )
    target = fields.Integer(
        allow_none=True, metadata={"description": "The whole week's target; null without a plan"}
    )
    target_so_far = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Sessions due by the end of the week, or, for the week under "
            "way, by the end of today: the target spread over the team's training days "
            "(rounded up). null without a plan"
        },
    )
    met = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "true once the week's target is reached; false only for a week "
            "that is over (the week under way is not missed yet); null without a plan"
        },
    )


class SessionsPerWeekSchema(Schema):
    program = fields.String(allow_none=True, metadata={"description": "My team's program"})
    target = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The program's sessions per week, at most the team's workdays; "
            "null for someone in no team"
        },
    )
    weeks = fields.List(
        fields.Nested(WeekSessionsSchema),
        metadata={"description": "The last 12 ISO weeks (from the week I joined), oldest first"},
    )


class ProgressSchema(Schema):
    today = fields.Date(metadata={"description": "Today in my time zone"})
    exercises = fields.List(fields.Nested(ExerciseProgressSchema))
    pain_weeks = fields.List(
        fields.Nested(PainWeekSchema),
        metadata={"description": "Weeks with a check-in, oldest first; my own data only"},
    )
    sessions_per_week = fields.Nested(SessionsPerWeekSchema)
    streak_weeks = fields.Integer(
        metadata={
            "description": "Consecutive ISO weeks in which the target was met, counted "
            "back from the current week if it is already met, else from last week (a "
            "week still under way does not break a streak). 0 without a target."
        }
    )
