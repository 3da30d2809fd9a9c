from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from coach.catalogue.service import known_program
from coach.schemas import (
    LOADED_ENUM,
    Ref,
    WallClockTime,
    cardio_activity_field,
    effort_field,
    language_field,
    name_field,
    time_zone_field,
    weekdays_field,
)

PROGRAM_SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Not a program slug.")


class BandLevelSchema(Schema):
    key = fields.String()
    position = fields.Integer(metadata={"description": "0 is the lightest band"})
    colour_name_da = fields.String()
    colour_name_en = fields.String()
    display_colour = fields.String(metadata={"example": "#d0312d"})
    force_newtons = fields.Float(metadata={"description": "Approximate force at 100 % stretch"})


class BandSetSchema(Schema):
    brand = fields.String()
    levels = fields.List(fields.Nested(BandLevelSchema))


class WorkplaceSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = name_field(120, required=True)
    time_zone = time_zone_field()
    language = language_field()
    band_set = fields.Nested(BandSetSchema, dump_only=True)


class TeamCardioSchema(Schema):
    """Cardio the team's program adds on some weekdays, beside its strength routine: on
    a workday both are planned, on any other of these days only the cardio."""

    weekdays = weekdays_field(
        required=True, metadata={"description": 'The days with cardio, e.g. ["tue", "thu"]'}
    )
    activity = cardio_activity_field(required=True)
    minutes = fields.Integer(strict=True, required=True, validate=validate.Range(min=5, max=180))
    effort = effort_field(required=True)


class WholeNested(fields.Nested):
    """A nested object that is given whole, also in a change (``partial=True``): its
    required fields stay required, because it replaces what was there."""

    def _deserialize(self, value: Any, attr: Any, data: Any, partial: Any = None, **kw: Any) -> Any:
        return super()._deserialize(value, attr, data, partial=False, **kw)


class TeamLeadSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()


class TeamSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = name_field(80, required=True)
    program = fields.String(
        validate=[validate.Length(max=64), PROGRAM_SLUG, known_program],
        metadata={LOADED_ENUM: "program", "description": "A program of GET /api/programs"},
    )
    reminder_time = WallClockTime()
    workdays = weekdays_field()
    program_started_on = fields.Date(
        metadata={
            "description": "Week 1 of the team's program is the calendar week of this day. "
            "Set to today when the program changes; any day in the last 12 months or up "
            "to 30 days ahead."
        }
    )
    program_week = fields.Integer(
        dump_only=True, metadata={"description": "The team's current program week, from 1"}
    )
    cardio = WholeNested(
        TeamCardioSchema,
        allow_none=True,
        attribute="cardio_plan",
        metadata={"description": "Cardio days beside the strength routine; null: none"},
    )
    member_count = fields.Integer(dump_only=True)
    leads = fields.List(
        fields.Nested(TeamLeadSchema),
        dump_only=True,
        metadata={"description": "The team's leads by name: the people who may be its key persons"},
    )


class PersonRowSchema(Schema):
    """A person in the admin's list: who they are, no figure of their training."""

    id = fields.Integer(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ["member", "lead", "admin"]})
    team = fields.Nested(Ref, required=True, allow_none=True)
    joined_at = fields.DateTime(required=True, attribute="created_at")
