"""Fields and validators shared by every capability's schemas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_instance
from marshmallow import Schema, ValidationError, fields, validate

from coach.domain.calendar import (
    LANGUAGES,
    WEEKDAYS,
    format_wall_clock,
    is_time_zone,
    parse_wall_clock,
)
from coach.domain.catalogue import CARDIO_ACTIVITIES, EFFORT_MAX, EFFORT_MIN

EFFORT_TEXT = "How hard it feels, 1 (barely any effort) to 10 (all you have)"


class WallClockTime(fields.Field):
    """A time of day as ``"HH:MM"`` (24-hour)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {})
        kwargs["metadata"].setdefault("pattern", r"^([01]\d|2[0-3]):[0-5]\d$")
        kwargs["metadata"].setdefault("example", "11:25")
        super().__init__(**kwargs)

    def _serialize(self, value: time | None, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_wall_clock(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> time:
        if not isinstance(value, str):
            raise ValidationError("Not a string.")
        try:
            return parse_wall_clock(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class StrictBoolean(fields.Boolean):
    """JSON ``true`` or ``false`` only; marshmallow's Boolean also takes "yes", "on", 1..."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


# Dates people send: a plan, a check-in's day, a history range. Far outside any
# training (year 1, year 9999) a date is a mistake, and month arithmetic near the
# ends of the calendar overflows.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)


def calendar_date(**kwargs: Any) -> fields.Date:
    """A ``YYYY-MM-DD`` date between :data:`FIRST_DATE` and :data:`LAST_DATE`."""
    metadata = kwargs.setdefault("metadata", {})
    # The pattern says the window in the document (JSON Schema has no date ranges).
    metadata.setdefault("pattern", r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")
    window = validate.Range(
        min=FIRST_DATE, max=LAST_DATE, error="Use a date between 2000-01-01 and 2100-12-31."
    )
    return fields.Date(validate=window, **kwargs)


def _time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError("Not an IANA time zone name, such as Europe/Copenhagen.")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def time_zone_field(**kwargs: Any) -> fields.String:
    kwargs.setdefault("metadata", {"example": "Europe/Copenhagen"})
    return fields.String(validate=[validate.Length(max=64), _time_zone], **kwargs)


def language_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(LANGUAGES), **kwargs)


def name_field(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=max_length), _not_blank], **kwargs)


def weekdays_field(**kwargs: Any) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(WEEKDAYS)),
        validate=validate.Length(min=1, max=7),
        **kwargs,
    )


def cardio_activity_field(**kwargs: Any) -> fields.String:
    """A kind of cardio: walking, cycling, running, rowing, swimming or other."""
    return fields.String(validate=validate.OneOf(CARDIO_ACTIVITIES), **kwargs)


def effort_field(**kwargs: Any) -> fields.Integer:
    """Perceived effort of a cardio session, 1-10 (the project's own scale)."""
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=EFFORT_MIN, max=EFFORT_MAX),
        metadata={"description": EFFORT_TEXT},
        **kwargs,
    )


class Ref(Schema):
    """A named thing another object points to."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


def schema_name(schema: type[Schema] | Schema) -> str:
    """OpenAPI component name: ``TeamSchema(partial=True)`` becomes ``TeamChanges``."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Changes"
    return name


class _Plugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, adding what a schema says of itself as a whole
    (``OPENAPI_RULES``, such as ``anyOf`` of required fields) to its JSON Schema."""

    def schema_helper(self, name: str, _: Any, schema: Any = None, **kwargs: Any) -> Any:
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        instance = resolve_schema_instance(schema) if schema is not None else None
        rules = getattr(instance, "OPENAPI_RULES", None)
        if json_schema is not None and rules and not getattr(instance, "partial", False):
            json_schema.update(rules)
        return json_schema


def openapi_plugin() -> MarshmallowPlugin:
    return _Plugin(schema_name_resolver=schema_name)


def no_nul(self: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """An apispec attribute function: a string the server reads says it has no NUL
    (refused before any view, :mod:`coach.request_body`), unless a pattern, format or
    enum already rules it out."""
    if not isinstance(field, fields.String) or field.dump_only:
        return {}
    if ret.keys() & {"pattern", "format", "enum"}:
        return {}
    return {"pattern": "^[^\\u0000]*$"}


_ANY_OBJECT_OR_NULL = {"type": "object", "nullable": True}


def only_null(self: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """An apispec attribute function: a nullable nested object is its schema or null.
    apispec writes it (for OpenAPI 3.0) as ``anyOf: [{type: object, nullable: true},
    {$ref}]``, whose first branch takes any object at all; here that branch takes only
    null, so the document says what the server takes."""
    branches = ret.get("anyOf")
    if not isinstance(field, fields.Nested) or not branches or _ANY_OBJECT_OR_NULL not in branches:
        return {}
    return {
        "anyOf": [
            {**_ANY_OBJECT_OR_NULL, "enum": [None]} if b == _ANY_OBJECT_OR_NULL else b
            for b in branches
        ]
    }


# Fields whose values are the keys of something the app loads at start-up (the
# catalogue's exercises and programs) say so in their metadata; the document then lists
# the values as an enum (see :func:`loaded_enums`).
LOADED_ENUM = "x-one-of"


def loaded_enums(choices: dict[str, list[str]]) -> Callable[..., dict[str, Any]]:
    """An apispec attribute function: the values of ``choices[kind]`` as the ``enum`` of
    every field marked ``metadata={LOADED_ENUM: kind}``."""

    def loaded_enum(self: Any, field: fields.Field, **_: Any) -> dict[str, Any]:
        kind = field.metadata.get(LOADED_ENUM)
        return {"enum": list(choices[kind])} if kind in choices else {}

    return loaded_enum


def csv_download(blp: Any, filename: str) -> Any:
    """``@blp.response`` for a CSV attachment, documented as such."""
    return blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        description="The CSV file, as an attachment",
        headers={
            "Content-Disposition": {
                "description": f"attachment; filename={filename}",
                "schema": {"type": "string"},
            }
        },
    )
