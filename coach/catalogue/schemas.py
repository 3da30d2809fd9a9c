"""Schemas of the catalogue: the data files (loading) and the API (output).

File schemas check the shape of one file and build the domain objects; checks that
need other files (alternatives, muscles, programs' exercises, illustrations) are the
loader's. API schemas describe the localized answers of ``/api/exercises`` and
``/api/programs`` and a person's swaps.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_dump, post_load, validate
from marshmallow import validates_schema as schema_validator

from coach.domain.calendar import LANGUAGES
from coach.domain.catalogue import (
    CARDIO_ACTIVITIES,
    DOSE_RULES,
    EFFORT_MAX,
    EFFORT_MIN,
    EQUIPMENT,
    KINDS,
    REGIONS,
    WORK_TYPES,
    CardioSession,
    Cues,
    Dose,
    DoseRule,
    Exercise,
    Phase,
    Program,
    ProgramItem,
    Text,
)
from coach.schemas import EFFORT_TEXT, LOADED_ENUM

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG = validate.Regexp(SLUG_PATTERN, error="Not a slug (lower-case words joined by -).")
ILLUSTRATION = validate.Regexp(
    r"^[a-z0-9]+(-[a-z0-9]+)*\.svg$", error="Not an SVG file name such as lateral-raise.svg."
)
MISSING_TRANSLATION = "missing translation"


# -- the data files -------------------------------------------------------------------


def _translated(value: str) -> None:
    if not value.strip():
        raise ValidationError(MISSING_TRANSLATION)


def _translation() -> fields.String:
    return fields.String(
        required=True,
        validate=_translated,
        error_messages={"required": MISSING_TRANSLATION, "null": MISSING_TRANSLATION},
    )


def _count(low: int, high: int, **kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=low, max=high), **kwargs)


class TextFile(Schema):
    """A text in Danish and English; both must be written."""

    da = _translation()
    en = _translation()

    @post_load
    def _build(self, data: dict[str, str], **_: Any) -> Text:
        return Text(**data)


class CuesFile(Schema):
    start = fields.Nested(TextFile, required=True)
    movement = fields.Nested(TextFile, required=True)
    tempo = fields.Nested(TextFile, required=True)
    mistakes = fields.Nested(TextFile, required=True)
    feel = fields.Nested(TextFile, required=True)

    @post_load
    def _build(self, data: dict[str, Text], **_: Any) -> Cues:
        return Cues(**data)


class DoseFile(Schema):
    """An exercise's default dose: sets of a repetition range, or timed holds."""

    sets = _count(1, 10, required=True)
    reps_min = _count(1, 100)
    reps_max = _count(1, 100)
    seconds = _count(1, 600)
    step_seconds = _count(1, 60)
    max_seconds = _count(1, 600)
    intensity_pct = _count(10, 100)

    @schema_validator
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if ("reps_min" in data) != ("reps_max" in data):
            missing = "reps_max" if "reps_min" in data else "reps_min"
            raise ValidationError("Give reps_min and reps_max together.", missing)
        if "reps_min" in data and data["reps_min"] > data["reps_max"]:
            raise ValidationError("Must not exceed reps_max.", "reps_min")
        if "max_seconds" in data and data["max_seconds"] < data.get("seconds", 0):
            raise ValidationError("Must not be less than seconds.", "max_seconds")
        if "reps_min" not in data and "seconds" not in data:
            raise ValidationError("Give a repetition range (reps_min, reps_max) or seconds.")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Dose:
        return Dose(**data)


class ItemDoseFile(DoseFile):
    """A program item's dose: a default dose plus the rule that progresses it."""

    rule = fields.String(
        required=True, validate=validate.OneOf([r for r in DOSE_RULES if r != "cardio"])
    )

    @schema_validator
    def _fits_rule(self, data: dict[str, Any], **_: Any) -> None:
        rule = data["rule"]
        if rule == DoseRule.HOLD and "seconds" not in data:
            raise ValidationError("The hold rule needs seconds.", "seconds")
        if rule != DoseRule.HOLD and "reps_min" not in data:
            raise ValidationError(f"The {rule} rule needs reps_min and reps_max.", "reps_min")
        if rule == DoseRule.ONE_SET_TO_FAILURE and data["sets"] != 1:
            raise ValidationError("One set to failure means sets: 1.", "sets")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> tuple[DoseRule, Dose]:  # type: ignore[override]
        rule = DoseRule(data.pop("rule"))
        return rule, Dose(**data)


class ExerciseFile(Schema):
    """One ``exercises/<slug>.yaml``."""

    slug = fields.String(required=True, validate=SLUG)
    equipment = fields.String(required=True, validate=validate.OneOf(EQUIPMENT))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    default_dose = fields.Nested(DoseFile, required=True)
    regions = fields.List(
        fields.String(validate=validate.OneOf(REGIONS)),
        required=True,
        validate=validate.Length(min=1),
    )
    # Known muscles and alternatives are checked by the loader against the other files.
    muscles = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    alternatives = fields.List(fields.String(), load_default=list)
    illustration = fields.String(required=True, validate=ILLUSTRATION)
    name = fields.Nested(TextFile, required=True)
    description = fields.Nested(TextFile, required=True)
    illustration_alt = fields.Nested(TextFile, required=True)
    cues = fields.Nested(CuesFile, required=True)
    safety = fields.Nested(TextFile, required=True)

    @schema_validator
    def _dose_fits_kind(self, data: dict[str, Any], **_: Any) -> None:
        dose: Dose = data["default_dose"]
        if data["kind"] == "hold" and dose.seconds is None:
            raise ValidationError({"default_dose": {"seconds": ["A hold needs seconds."]}})
        if data["kind"] == "reps" and dose.reps_min is None:
            raise ValidationError(
                {"default_dose": {"reps_min": ["Counted reps need reps_min and reps_max."]}}
            )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Exercise:
        for many in ("regions", "muscles", "alternatives"):
            data[many] = tuple(data[many])
        return Exercise(**data)


class CardioFile(Schema):
    activity = fields.String(required=True, validate=validate.OneOf(CARDIO_ACTIVITIES))
    minutes = _count(1, 180, required=True)
    effort = _count(EFFORT_MIN, EFFORT_MAX, required=True)

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> CardioSession:
        return CardioSession(**data)


class ProgramItemFile(Schema):
    """``{exercise: slug, dose: {...}}`` or ``{cardio: {...}}``."""

    exercise = fields.String(validate=SLUG)
    dose = fields.Nested(ItemDoseFile)
    cardio = fields.Nested(CardioFile)

    @schema_validator
    def _one_kind(self, data: dict[str, Any], **_: Any) -> None:
        if "cardio" in data:
            extra = [key for key in ("exercise", "dose") if key in data]
            if extra:
                raise ValidationError("A cardio item has no exercise or dose.", extra[0])
            return
        if "exercise" not in data:
            raise ValidationError("Give an exercise with its dose, or a cardio session.")
        if "dose" not in data:
            raise ValidationError("Missing data for required field.", "dose")

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> ProgramItem:
        if "cardio" in data:
            return ProgramItem(rule=DoseRule.CARDIO, cardio=data["cardio"])
        rule, dose = data["dose"]
        return ProgramItem(rule=rule, exercise=data["exercise"], dose=dose)


class PhaseFile(Schema):
    weeks = fields.Tuple(
        (fields.Integer(strict=True), fields.Integer(strict=True)),
        required=True,
        metadata={"description": "first and last week, inclusive"},
    )
    items = fields.List(
        fields.Nested(ProgramItemFile), required=True, validate=validate.Length(min=1)
    )

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Phase:
        first, last = data["weeks"]
        return Phase(first_week=first, last_week=last, items=tuple(data["items"]))


class ProgramFile(Schema):
    """One ``exercises/programs/<slug>.yaml``. Phase coverage is the loader's check."""

    slug = fields.String(required=True, validate=SLUG)
    name = fields.Nested(TextFile, required=True)
    purpose = fields.Nested(TextFile, required=True)
    work_type = fields.String(required=True, validate=validate.OneOf(WORK_TYPES))
    sessions_per_week = _count(1, 7, required=True)
    duration_weeks = _count(1, 52, required=True)
    session_minutes = _count(1, 120, required=True)
    phases = fields.List(fields.Nested(PhaseFile), required=True, validate=validate.Length(min=1))

    @post_load
    def _build(self, data: dict[str, Any], **_: Any) -> Program:
        data["phases"] = tuple(data["phases"])
        return Program(**data)


# -- the API --------------------------------------------------------------------------


def _language_field() -> fields.String:
    return fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of the texts; default: Accept-Language, else da"},
    )


class LanguageQuerySchema(Schema):
    lang = _language_field()


class ExerciseQuerySchema(LanguageQuerySchema):
    region = fields.String(validate=validate.OneOf(REGIONS))
    equipment = fields.String(validate=validate.OneOf(EQUIPMENT))


class NamedSchema(Schema):
    """A catalogue entry another one points to, named in the answer's language."""

    slug = fields.String(required=True)
    name = fields.String(required=True)


class DoseSchema(Schema):
    sets = fields.Integer()
    reps_min = fields.Integer()
    reps_max = fields.Integer()
    seconds = fields.Integer()
    step_seconds = fields.Integer(metadata={"description": "Holds: added when done twice"})
    max_seconds = fields.Integer(metadata={"description": "Holds: the cap"})
    intensity_pct = fields.Integer(metadata={"description": "Weights: share of 1RM"})

    @post_dump
    def _drop_unset(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class CuesSchema(Schema):
    start = fields.String()
    movement = fields.String()
    tempo = fields.String()
    mistakes = fields.String()
    feel = fields.String()


class ExerciseSchema(Schema):
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    equipment = fields.String(metadata={"enum": list(EQUIPMENT)})
    kind = fields.String(metadata={"enum": list(KINDS)})
    regions = fields.List(fields.String(metadata={"enum": list(REGIONS)}))
    muscles = fields.List(fields.Nested(NamedSchema))
    alternatives = fields.List(fields.Nested(NamedSchema))
    default_rule = fields.String(metadata={"enum": list(DOSE_RULES)})
    default_dose = fields.Nested(DoseSchema)
    cues = fields.Nested(CuesSchema)
    safety = fields.String()
    illustration_url = fields.String(metadata={"example": "/exercises/illustrations/shrug.svg"})
    illustration_alt = fields.String()


class ExerciseDetailSchema(ExerciseSchema):
    lang = fields.String(metadata={"enum": list(LANGUAGES)})


class ExerciseListSchema(Schema):
    lang = fields.String(metadata={"enum": list(LANGUAGES)})
    exercises = fields.List(fields.Nested(ExerciseSchema))


class CardioSchema(Schema):
    activity = fields.String(metadata={"enum": list(CARDIO_ACTIVITIES)})
    name = fields.String()
    minutes = fields.Integer()
    effort = fields.Integer(
        metadata={"minimum": EFFORT_MIN, "maximum": EFFORT_MAX, "description": EFFORT_TEXT}
    )


class ProgramItemSchema(Schema):
    rule = fields.String(metadata={"enum": list(DOSE_RULES)})
    exercise = fields.Nested(NamedSchema, allow_none=True)
    dose = fields.Nested(DoseSchema, allow_none=True)
    cardio = fields.Nested(CardioSchema, allow_none=True)


class PhaseSchema(Schema):
    first_week = fields.Integer()
    last_week = fields.Integer()
    items = fields.List(fields.Nested(ProgramItemSchema))


class ProgramSummarySchema(Schema):
    slug = fields.String()
    name = fields.String()
    purpose = fields.String()
    work_type = fields.String(metadata={"enum": list(WORK_TYPES)})
    sessions_per_week = fields.Integer()
    duration_weeks = fields.Integer()
    session_minutes = fields.Integer()


class ProgramSchema(ProgramSummarySchema):
    lang = fields.String(metadata={"enum": list(LANGUAGES)})
    phases = fields.List(fields.Nested(PhaseSchema))


class ProgramListSchema(Schema):
    lang = fields.String(metadata={"enum": list(LANGUAGES)})
    programs = fields.List(fields.Nested(ProgramSummarySchema))


class ExerciseSwapSchema(Schema):
    exercise = fields.String(dump_only=True)
    replacement = fields.String(
        required=True,
        validate=SLUG,
        metadata={
            LOADED_ENUM: "exercise",
            "description": "One of the exercise's alternatives (GET /api/exercises/{slug}); "
            "another exercise is 422",
        },
    )
    created_at = fields.DateTime(dump_only=True)
    kept_until = fields.Date(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The last day of the program phase it was chosen in"},
    )
