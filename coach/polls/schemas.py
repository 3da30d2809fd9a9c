from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coach.domain.polls import KINDS, MAX_OPTIONS, MIN_OPTIONS
from coach.schemas import WallClockTime

_INSTANT = {"format": "date-time", "description": "ISO-8601, UTC"}
_SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Not an exercise slug.")
_INDEX = {"description": "The option's index in options, from 0"}


class OptionInSchema(Schema):
    """One option: ``exercises`` for an exercises poll, ``time`` and ``days`` for a
    time poll."""

    exercises = fields.List(
        fields.String(validate=[validate.Length(max=64), _SLUG]),
        validate=validate.Length(min=1, max=12),
        metadata={"description": "Slugs, one for each exercise of the phase, in its order"},
    )
    time = WallClockTime()
    days = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=7)),
        validate=validate.Length(min=1, max=7),
        metadata={"description": "ISO weekdays, 1 is Monday"},
    )


class PollCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    question = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Optional; the app words the question otherwise"},
    )
    closes_at = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "At least a minute and at most 14 days ahead; for "
            "exercises, before the next phase starts"
        },
    )
    options = fields.List(
        fields.Nested(OptionInSchema),
        required=True,
        validate=validate.Length(min=MIN_OPTIONS, max=MAX_OPTIONS),
    )

    # The same rule as _options_fit_kind, for the document.
    OPENAPI_RULES = {
        "oneOf": [
            {
                "properties": {
                    "kind": {"enum": ["exercises"]},
                    "options": {"items": {"required": ["exercises"], "maxProperties": 1}},
                }
            },
            {
                "properties": {
                    "kind": {"enum": ["time"]},
                    "options": {
                        "items": {"required": ["time", "days"], "maxProperties": 2},
                    },
                }
            },
        ]
    }

    @validates_schema
    def _options_fit_kind(self, data: dict[str, Any], **_: Any) -> None:
        """Each option carries what its kind needs and nothing else."""
        kind, options = data.get("kind"), data.get("options")
        if kind not in KINDS or not isinstance(options, list):
            return
        errors: dict[int, dict[str, list[str]]] = {}
        for index, option in enumerate(options):
            wrong: dict[str, list[str]] = {}
            needed = ("exercises",) if kind == "exercises" else ("time", "days")
            for name in needed:
                if name not in option:
                    wrong[name] = [f"An option of a {kind} poll needs {name}."]
            for name in set(option) - set(needed):
                wrong[name] = [f"Not part of an option of a {kind} poll."]
            if wrong:
                errors[index] = wrong
        if errors:
            raise ValidationError({"options": errors})


class SuggestedOptionSchema(Schema):
    exercises = fields.List(fields.String(), metadata={"description": "exercises polls"})
    names = fields.List(
        fields.String(),
        metadata={"description": "exercises polls: the names, in the asker's language"},
    )
    time = fields.String(metadata={"description": "time polls: HH:MM"})
    days = fields.List(fields.Integer(), metadata={"description": "time polls: ISO weekdays"})


class OptionOutSchema(SuggestedOptionSchema):
    index = fields.Integer(metadata=_INDEX)
    votes = fields.Integer(allow_none=True, metadata={"description": "null while the poll is open"})


class TurnoutSchema(Schema):
    voted = fields.Integer()
    eligible = fields.Integer(metadata={"description": "The team's members"})


class PollPhaseSchema(Schema):
    program = fields.String()
    first_week = fields.Integer(metadata={"description": "In the team's program weeks"})
    last_week = fields.Integer()
    starts_on = fields.Date()


class PollSchema(Schema):
    """A poll as everyone allowed to see it sees it: turnout while open, counts per
    option after it closed, and the asker's own vote; never who voted for what."""

    id = fields.Integer()
    team_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(KINDS))
    question = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(["open", "closed", "decided"]))
    closes_at = fields.String(metadata=_INSTANT)
    created_at = fields.String(metadata=_INSTANT)
    closed_at = fields.String(allow_none=True, metadata=_INSTANT)
    phase = fields.Nested(
        PollPhaseSchema, allow_none=True, metadata={"description": "exercises polls"}
    )
    options = fields.List(fields.Nested(OptionOutSchema))
    turnout = fields.Nested(TurnoutSchema)
    my_vote = fields.Integer(allow_none=True, metadata={"description": "The asker's own vote"})
    winner = fields.Integer(allow_none=True, metadata=_INDEX)
    tied = fields.List(
        fields.Integer(),
        metadata={"description": "Closed on a tie: the options the lead may decide among"},
    )
    may_manage = fields.Boolean(metadata={"description": "The asker may close and decide it"})
    may_vote = fields.Boolean(metadata={"description": "The asker is a member of the team"})


class SuggestionsQuerySchema(Schema):
    kind = fields.String(load_default="exercises", validate=validate.OneOf(KINDS))


class SuggestionsSchema(Schema):
    kind = fields.String()
    phase = fields.Nested(PollPhaseSchema, allow_none=True)
    options = fields.List(fields.Nested(SuggestedOptionSchema))


class VoteSchema(Schema):
    option = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_OPTIONS - 1)
    )


class ChosenSchema(Schema):
    votes = fields.Integer(metadata={"description": "Votes for the chosen option"})
    voted = fields.Integer(metadata={"description": "Votes cast"})
    eligible = fields.Integer()


class ProgramExerciseSchema(Schema):
    slug = fields.String()
    name = fields.String()


class TeamPhaseSchema(Schema):
    first_week = fields.Integer()
    last_week = fields.Integer()
    starts_on = fields.Date()
    current = fields.Boolean()
    exercises = fields.List(fields.Nested(ProgramExerciseSchema))
    chosen = fields.Nested(
        ChosenSchema, allow_none=True, metadata={"description": "Chosen by the team's poll"}
    )


class TeamProgramSchema(Schema):
    """The team's program on its own weeks: this round's phases and the next one."""

    program = fields.Nested(ProgramExerciseSchema)
    week = fields.Integer()
    phases = fields.List(fields.Nested(TeamPhaseSchema))
    time = fields.String(metadata={"description": "The team's training time, HH:MM"})
    days = fields.List(fields.Integer())
    time_change = fields.Nested(
        "TimeChangeSchema", allow_none=True, metadata={"description": "Chosen, from starts_on"}
    )


class TimeChangeSchema(Schema):
    time = fields.String()
    days = fields.List(fields.Integer())
    starts_on = fields.Date()
