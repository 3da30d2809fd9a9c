from __future__ import annotations

from marshmallow import Schema, fields, validate

from coach.domain.live import Action, Phase, Status

_INSTANT = {"format": "date-time", "description": "ISO-8601, UTC"}


class HostSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class SessionExerciseSchema(Schema):
    slug = fields.String()
    name = fields.String(metadata={"description": "In the workplace's language"})


class StepSchema(Schema):
    index = fields.Integer(metadata={"description": "The exercise's position in exercises"})
    slug = fields.String()
    phase = fields.String(validate=validate.OneOf([p.value for p in Phase]))
    started_at = fields.String(metadata=_INSTANT)
    duration_s = fields.Integer(
        allow_none=True, metadata={"description": "Seconds; null for a set of repetitions"}
    )
    remaining_s = fields.Integer(
        allow_none=True, metadata={"description": "Only while paused: seconds left"}
    )


class ParticipantsSchema(Schema):
    count = fields.Integer()
    named = fields.List(
        fields.String(),
        metadata={"description": "Names of those present who share their participation"},
    )


class LiveSessionSchema(Schema):
    """What every phone and the shared screen see of a session."""

    id = fields.String(metadata={"format": "uuid"})
    team_id = fields.Integer()
    status = fields.String(validate=validate.OneOf([s.value for s in Status]))
    version = fields.Integer(metadata={"description": "Grows by one with every change"})
    server_time = fields.String(metadata=_INSTANT)
    host = fields.Nested(HostSchema, allow_none=True)
    exercises = fields.List(fields.Nested(SessionExerciseSchema))
    step = fields.Nested(StepSchema, allow_none=True)
    participants = fields.Nested(ParticipantsSchema)
    started_at = fields.String(allow_none=True, metadata=_INSTANT)
    ended_at = fields.String(allow_none=True, metadata=_INSTANT)


class ControlSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf([a.value for a in Action]))
    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "The version the host's screen shows"},
    )
    to = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "For hand_over: the lead who takes control"},
    )


class HeldSessionSchema(Schema):
    id = fields.String(metadata={"format": "uuid"})
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    participants = fields.Integer(metadata={"description": "People who took part"})


class LiveSessionTodaySchema(Schema):
    id = fields.String(metadata={"format": "uuid"})
    host_name = fields.String(allow_none=True)
    status = fields.String()


class ServerTimeSchema(Schema):
    server_time = fields.String(metadata=_INSTANT)
