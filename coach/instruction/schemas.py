from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coach.domain.instruction import MAX_INSTRUCTOR_WEEKS, plan_problems
from coach.schemas import calendar_date


class TeamKeyPersonsSchema(Schema):
    team_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    person_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
        required=True,
        validate=validate.Length(max=50),
        metadata={"description": "Leads of the team who will run the training"},
    )


class PlanSchema(Schema):
    """What an admin sends: the whole plan, replacing any earlier one."""

    starts_on = calendar_date(required=True)
    ends_on = calendar_date(
        required=True, metadata={"description": "Inclusive; at most 12 months after the start"}
    )
    instructor_weeks = fields.List(
        calendar_date(),
        required=True,
        # Room past the limit, so the answer can say "16 weeks, at most 15".
        validate=validate.Length(max=4 * MAX_INSTRUCTOR_WEEKS),
        metadata={
            "description": f"Mondays of the instructor's weeks; at most "
            f"{MAX_INSTRUCTOR_WEEKS} in total"
        },
    )
    key_persons = fields.List(
        fields.Nested(TeamKeyPersonsSchema), load_default=list, validate=validate.Length(max=500)
    )

    @validates_schema
    def _within_limits(self, data: dict[str, Any], **_kwargs: Any) -> None:
        problems = plan_problems(data["starts_on"], data["ends_on"], data["instructor_weeks"])
        if problems:
            raise ValidationError(problems)


class KeyPersonSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()


class PhaseStartSchema(Schema):
    week_start = fields.Date()
    program_week = fields.Integer()
    phase_first_week = fields.Integer()
    at_visit = fields.Boolean(metadata={"description": "An instructor week"})


class TeamPlanSchema(Schema):
    team_id = fields.Integer()
    team_name = fields.String()
    program = fields.String()
    key_persons = fields.List(fields.Nested(KeyPersonSchema))
    phase_starts = fields.List(fields.Nested(PhaseStartSchema))
    warnings = fields.List(
        fields.String(),
        metadata={
            "description": "Phase starts with no instructor week: new exercises "
            "the key persons must introduce alone"
        },
    )


class PlanViewSchema(Schema):
    starts_on = fields.Date()
    ends_on = fields.Date()
    instructor_weeks = fields.List(fields.Date())
    instructor_weeks_left = fields.Integer(metadata={"description": "Of the 15 allowed"})
    teams = fields.List(fields.Nested(TeamPlanSchema))
