from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from coach.accounts.auth import caller, signed_in, signed_in_caller
from coach.catalogue.schemas import LanguageQuerySchema
from coach.coaching import check_ins, journal
from coach.coaching.models import CardioSession, LoadOverride, WorkoutSet
from coach.coaching.schemas import (
    CheckInQuerySchema,
    CheckInResultSchema,
    CheckInSchema,
    LoggedCardioSchema,
    NewCardioSchema,
    OverrideSchema,
    SetCorrectionSchema,
    SetSchema,
    TodaySchema,
)
from coach.coaching.today import today_for
from coach.domain.advice import advice_for_check_in

blp = Blueprint("coaching", __name__, url_prefix="/api", description="Training and logging")


def _created_or_replayed(row: Any, created: bool) -> tuple[Any, int]:
    return row, 201 if created else 200


@blp.route("/me/today")
@signed_in()
@blp.arguments(LanguageQuerySchema(), location="query")
@blp.response(200, TodaySchema)
def get_today(query: dict[str, Any]) -> Response:
    """Today's routine in my time zone: each exercise with its load, the reason for any
    change, what is logged already, and whether today is a training day."""
    # Built in the schema's shape by today_for (tests hold it to the OpenAPI document):
    # dumping it through marshmallow again would cost more than computing it.
    return current_app.json.response(today_for(signed_in_caller(), query.get("lang")))


@blp.route("/me/sets", methods=["POST"])
@signed_in(unsafe=True)
@blp.arguments(SetSchema())
@blp.response(201, SetSchema, description="Stored")
@blp.alt_response(200, schema=SetSchema, description="Already stored under this id (a replay)")
def post_set(values: dict[str, Any]) -> tuple[WorkoutSet, int]:
    """Log a set under the phone's own UUID. Sending it again is safe.

    422 names the field when a rule beyond the schema is broken: a band exercise
    takes ``band_level`` (a key of my workplace's band set, GET /api/workplace) and no
    ``load_kg``, a dumbbell or kettlebell exercise ``load_kg``, a body-weight one neither;
    a timed hold takes ``hold_seconds`` and no ``reps``, any other exercise ``reps``;
    ``performed_at`` must lie between my joining and now; ``session_id`` must be a live
    session I joined."""
    return _created_or_replayed(*journal.log_set(signed_in_caller(), values))


@blp.route("/me/sets/<uuid:set_id>")
class SetView(MethodView):
    @signed_in()
    @blp.arguments(SetCorrectionSchema())
    @blp.response(200, SetSchema)
    def patch(self, changes: dict[str, Any], set_id: uuid.UUID) -> WorkoutSet:
        """Correct a logged set. The corrected set follows the rules of logging one
        (422 naming the field): the exercise's load unit and kind decide which of
        ``band_level``, ``load_kg``, ``reps`` and ``hold_seconds`` it takes, the band is
        one of my workplace's, and ``performed_at`` lies between my joining and now."""
        return journal.correct_set(caller(), set_id, changes)

    @signed_in()
    @blp.response(204)
    def delete(self, set_id: uuid.UUID) -> None:
        """Undo a logged set."""
        journal.delete_set(caller(), set_id)


@blp.route("/me/cardio", methods=["POST"])
@signed_in(unsafe=True)
@blp.arguments(NewCardioSchema())
@blp.response(201, LoggedCardioSchema, description="Stored")
@blp.alt_response(200, schema=LoggedCardioSchema, description="Already stored under this id")
def post_cardio(values: dict[str, Any]) -> tuple[CardioSession, int]:
    """Log cardio of any kind, planned or not, under the phone's own UUID: minutes and
    how hard it felt (effort 1-10). Sending it again is safe. ``performed_at`` must lie
    between my joining and now (422). Logged cardio is my own: it is not a session in
    my team's participation, which counts strength training."""
    return _created_or_replayed(*journal.log_cardio(caller(), values))


@blp.route("/me/cardio/<uuid:cardio_id>", methods=["DELETE"])
@signed_in(unsafe=True)
@blp.response(204)
def delete_cardio(cardio_id: uuid.UUID) -> None:
    """Undo a logged cardio session."""
    journal.delete_cardio(caller(), cardio_id)


@blp.route("/me/checkins")
class CheckInView(MethodView):
    @signed_in()
    @blp.arguments(CheckInQuerySchema(), location="query")
    @blp.response(200, CheckInResultSchema)
    @blp.alt_response(404, description="No check-in that day")
    def get(self, query: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """My check-in of a day, with its advice: a region not answered is null."""
        person = caller()
        view = check_ins.check_in_view(check_ins.check_in_on(person, query.get("date")))
        view["advice"] = check_in_advice(view, person.language)
        return view, {"Cache-Control": "private, no-store"}

    @signed_in()
    @blp.arguments(CheckInSchema())
    @blp.response(201, CheckInResultSchema, description="The day's first check-in")
    @blp.alt_response(200, schema=CheckInResultSchema, description="Merged into the day's")
    def post(self, values: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """How I feel today: pain per region, soreness and the red-flag questions. Sent
        again the same day, it replaces the answers it sends and keeps the others. A
        red flag pauses progression until answered false; the answer says what to do.
        At least one of ``pain``, ``soreness`` and ``red_flags``; ``day`` must lie
        between my joining and today in my time zone (422)."""
        person = caller()
        row, created = check_ins.record_check_in(person, values)
        view = check_ins.check_in_view(row)
        view["advice"] = check_in_advice(view, person.language)
        return view, 201 if created else 200


@blp.route("/me/overrides", methods=["POST"])
@signed_in(unsafe=True)
@blp.arguments(OverrideSchema())
@blp.response(201, OverrideSchema)
def post_override(values: dict[str, Any]) -> LoadOverride:
    """Choose my own band or weight for the next session of an exercise (once): in the
    exercise's unit, a band of my workplace's set or kg; a body-weight exercise has no
    load to choose (422 naming the field)."""
    return journal.set_override(caller(), values)


def check_in_advice(view: dict[str, Any], language: str) -> list[dict[str, str]]:
    return [
        {"code": a.code, "text": a.text.in_language(language)}
        for a in advice_for_check_in(
            red_flag=view["red_flag"],
            soreness=view["soreness"],
            highest_pain=max((p for p in view["pain"].values() if p is not None), default=0),
        )
    ]
