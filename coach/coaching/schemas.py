from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from coach.catalogue.schemas import ExerciseSchema, NamedSchema
from coach.catalogue.service import known_exercise
from coach.domain.catalogue import CARDIO_ACTIVITIES, EFFORT_OF_INTENSITY
from coach.live.schemas import LiveSessionTodaySchema
from coach.schemas import (
    EFFORT_TEXT,
    LOADED_ENUM,
    StrictBoolean,
    calendar_date,
    cardio_activity_field,
    effort_field,
)

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Not an exercise slug.")
PAIN = validate.Range(min=0, max=10)


def _exercise_field() -> fields.String:
    return fields.String(
        required=True,
        validate=[validate.Length(max=64), SLUG, known_exercise],
        metadata={LOADED_ENUM: "exercise", "description": "An exercise of GET /api/exercises"},
    )


class JsonNumber(fields.Float):
    """A JSON number only: marshmallow's Float also takes numeric strings such as "16"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _load_kg_field() -> fields.Float:
    return JsonNumber(
        validate=validate.Range(min=0, min_inclusive=False, max=500),
        allow_none=True,
        allow_nan=False,
        # apispec does not render min_inclusive=False; OpenAPI 3.0 says it this way
        metadata={"exclusiveMinimum": True},
    )


class SetSchema(Schema):
    """A logged set; ``id`` is a UUID the phone makes, so retries are recognised."""

    id = fields.UUID(required=True)
    exercise = _exercise_field()
    performed_at = fields.AwareDateTime(required=True)
    reps = fields.Integer(strict=True, validate=validate.Range(min=0, max=200), allow_none=True)
    hold_seconds = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=600), allow_none=True
    )
    band_level = fields.String(
        validate=validate.Length(max=30),
        allow_none=True,
        metadata={"description": "Band key of the workplace's band set, e.g. green"},
    )
    load_kg = _load_kg_field()
    reps_in_reserve = fields.Integer(
        strict=True, validate=validate.Range(min=0, max=10), allow_none=True
    )
    pain = fields.Integer(
        strict=True,
        validate=PAIN,
        allow_none=True,
        metadata={"description": "Pain during the set, 0-10"},
    )
    session_id = fields.UUID(
        allow_none=True,
        metadata={"description": "The live session the set was done in (one you joined)"},
    )
    local_date = fields.Date(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class SetCorrectionSchema(SetSchema):
    """What a correction may change: everything but the id, the exercise and the
    session it was done in."""

    performed_at = fields.AwareDateTime()

    class Meta:
        exclude = ("id", "exercise", "session_id")


class LoggedCardioSchema(Schema):
    """A logged cardio session; ``id`` is a UUID the phone makes, so retries are recognised."""

    id = fields.UUID(required=True)
    performed_at = fields.AwareDateTime(required=True)
    activity = cardio_activity_field(required=True)
    minutes = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=600))
    effort = effort_field(required=True)
    local_date = fields.Date(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class NewCardioSchema(LoggedCardioSchema):
    """Cardio to log: ``effort`` 1-10. A phone that queued a session before efforts
    existed sends ``intensity`` instead, which is stored as its effort."""

    effort = effort_field()
    intensity = fields.String(
        load_only=True,
        validate=validate.OneOf(tuple(EFFORT_OF_INTENSITY)),
        metadata={
            "deprecated": True,
            "description": "Replaced by effort: easy is stored as effort 3, moderate as 5, "
            "hard as 7; with both, effort counts",
        },
    )

    OPENAPI_RULES = {"anyOf": [{"required": ["effort"]}, {"required": ["intensity"]}]}

    @validates_schema
    def _effort_given(self, data: dict[str, Any], **_: Any) -> None:
        if "effort" not in data and "intensity" not in data:
            raise ValidationError("Missing data for required field.", "effort")

    @post_load
    def _effort(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        intensity = data.pop("intensity", None)
        data.setdefault("effort", EFFORT_OF_INTENSITY.get(intensity or ""))
        return data


class RegionPainSchema(Schema):
    neck = fields.Integer(strict=True, validate=PAIN, allow_none=True)
    shoulder = fields.Integer(strict=True, validate=PAIN, allow_none=True)
    arm = fields.Integer(strict=True, validate=PAIN, allow_none=True)
    lower_back = fields.Integer(
        strict=True, validate=PAIN, allow_none=True, data_key="lower-back", attribute="lower-back"
    )


class RedFlagsSchema(Schema):
    """The red-flag questions; a question left out keeps the day's answer (none: no)."""

    numbness_or_tingling = StrictBoolean(
        metadata={"description": "New numbness or tingling in the arms"}
    )
    weakness = StrictBoolean(metadata={"description": "New weakness"})
    trauma = StrictBoolean(metadata={"description": "A recent fall or blow"})
    fever_or_weight_loss = StrictBoolean()
    worsening_for_weeks = StrictBoolean(metadata={"description": "Pain getting worse over weeks"})


class CheckInSchema(Schema):
    """A check-in: what it sends replaces the day's answer, what it leaves out is kept.

    A region left out keeps its pain (null: not answered); a red flag stays until an
    answer of false clears it, also from one day to the next."""

    day = calendar_date(metadata={"description": "Defaults to today in the person's time zone"})
    pain = fields.Nested(
        RegionPainSchema,
        metadata={"description": "Pain per region, 0-10; null takes an answer back"},
    )
    soreness = StrictBoolean(metadata={"description": "Warm, sore, tired muscles after training"})
    red_flags = fields.Nested(RedFlagsSchema)

    # At least one answer: a day alone says nothing.
    OPENAPI_RULES = {"anyOf": [{"required": [name]} for name in ("pain", "soreness", "red_flags")]}


class CheckInQuerySchema(Schema):
    date = calendar_date(
        metadata={"description": "The day, YYYY-MM-DD; defaults to today in my time zone"}
    )


class AdviceSchema(Schema):
    code = fields.String(metadata={"enum": ["red_flag", "soreness", "pain_high", "none"]})
    text = fields.String()


class CheckInResultSchema(CheckInSchema):
    OPENAPI_RULES: dict[str, Any] = {}
    red_flag = fields.Boolean(dump_only=True)
    advice = fields.List(fields.Nested(AdviceSchema), dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OverrideSchema(Schema):
    exercise = _exercise_field()
    band_level = fields.String(validate=validate.Length(max=30), allow_none=True)
    load_kg = _load_kg_field()
    day = fields.Date(dump_only=True)


class BandViewSchema(Schema):
    key = fields.String()
    name = fields.String()
    colour = fields.String(metadata={"example": "#2e8b3e"})


class ChangeSchema(Schema):
    code = fields.String(metadata={"description": "Why the load is what it is, e.g. step_up"})
    direction = fields.Integer(metadata={"description": "-1 lighter, 0 same, +1 heavier"})
    reason = fields.String(metadata={"description": "The reason in plain words"})


class PrescriptionSchema(Schema):
    rule = fields.String()
    sets = fields.Integer()
    reps_min = fields.Integer(allow_none=True)
    reps_max = fields.Integer(allow_none=True)
    target_reps = fields.Integer(allow_none=True)
    hold_seconds = fields.Integer(allow_none=True)
    rest_seconds = fields.Integer()
    band = fields.Nested(BandViewSchema, allow_none=True)
    load_kg = fields.Float(allow_none=True)
    paused = fields.Boolean(
        metadata={"description": "Progression paused after a red flag: see the reason"}
    )
    change = fields.Nested(ChangeSchema)
    preview = fields.String(
        allow_none=True, metadata={"description": "What it takes to change next time"}
    )


class TodayExerciseSchema(Schema):
    exercise = fields.Nested(ExerciseSchema)
    swapped_from = fields.String(allow_none=True)
    swap_kept_until = fields.Date(
        allow_none=True,
        metadata={"description": "The swap's last day: the end of the program's phase"},
    )
    prescription = fields.Nested(PrescriptionSchema)
    logged = fields.List(fields.Nested(SetSchema))
    done = fields.Boolean()


class TodayCardioSchema(Schema):
    """Cardio planned today: by the program's phase, or by the team beside strength."""

    activity = fields.String(metadata={"enum": list(CARDIO_ACTIVITIES)})
    name = fields.String()
    minutes = fields.Integer()
    effort = fields.Integer(metadata={"description": EFFORT_TEXT})
    planned_by = fields.String(
        metadata={
            "enum": ["program", "team"],
            "description": "program: an item of the program's phase; team: the team's "
            "cardio days, beside the strength routine",
        }
    )
    logged = fields.List(
        fields.Nested(LoggedCardioSchema),
        metadata={"description": "Cardio of this kind logged today"},
    )


class TodaySchema(Schema):
    date = fields.Date(metadata={"description": "Today in the person's time zone"})
    time_zone = fields.String()
    language = fields.String()
    training_day = fields.Boolean(metadata={"description": "One of the team's workdays"})
    program = fields.Nested(NamedSchema, allow_none=True)
    week = fields.Integer(allow_none=True, metadata={"description": "Program week, from 1"})
    exercises = fields.List(fields.Nested(TodayExerciseSchema))
    cardio = fields.List(fields.Nested(TodayCardioSchema))
    cardio_logged = fields.List(
        fields.Nested(LoggedCardioSchema),
        metadata={"description": "Every cardio session logged today, planned or not"},
    )
    nothing_planned = fields.Boolean(
        metadata={"description": "Neither exercises nor cardio are planned today"}
    )
    paused = fields.Boolean()
    done = fields.Boolean(
        metadata={
            "description": "Something is planned, every exercise's sets are logged and "
            "every planned cardio session too"
        }
    )
    live_session = fields.Nested(
        LiveSessionTodaySchema,
        allow_none=True,
        metadata={"description": "The team's open live session: join it from the banner"},
    )
