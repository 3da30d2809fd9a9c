"""GET /api/me/today: the routine, its loads and reasons, over a person's weeks.

The clock is the one outside collaborator replaced here: each step of a journey sets
"now", then the phone logs and asks for today exactly as it would that day.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.coaching.journal import RED_FLAGS
from coach.domain import advice
from coach.domain.roles import Role
from coach.extensions import db
from tests.coaching.clock import JOINED, Clock
from tests.factories import ApiClient, make_person, make_team, signed_in_client


def _member(app: Flask, **team: Any) -> tuple[Person, ApiClient]:
    team.setdefault("program_started_on", JOINED.date())
    person = make_person(Role.MEMBER, team=make_team(**team))
    person.created_at = JOINED
    db.session.commit()
    return person, signed_in_client(app, person)


def _today(client: ApiClient, lang: str = "en") -> dict[str, Any]:
    response = client.get(f"/api/me/today?lang={lang}")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def _exercise(today: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(e for e in today["exercises"] if e["exercise"]["slug"] == slug)


def _log(client: ApiClient, clock: Clock, slug: str, **values: Any) -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "exercise": slug,
        "performed_at": (clock.now - timedelta(minutes=1)).isoformat(),
        **values,
    }
    response = client.post("/api/me/sets", json=body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def test_ten_week_journey_steps_up_down_and_back_after_a_break(app: Flask, clock: Clock) -> None:
    _, client = _member(app)

    # Week 1, Monday: first session at red, the lighter of the trial's start bands.
    first = _exercise(_today(client), "lateral-raise")["prescription"]
    assert first["band"]["key"] == "red" and first["change"]["code"] == "first_session"
    assert (first["reps_min"], first["reps_max"]) == (8, 20)
    _log(client, clock, "lateral-raise", reps=15, band_level="red")
    for day, reps in ((1, 18), (2, 21), (3, 22)):
        clock.set(day)
        assert _exercise(_today(client), "lateral-raise")["prescription"]["band"]["key"] == "red"
        _log(client, clock, "lateral-raise", reps=reps, band_level="red")

    # Friday: 21 and 22 reps twice in a row at red → green, and it says so.
    clock.set(4)
    up = _exercise(_today(client), "lateral-raise")["prescription"]
    assert up["band"]["key"] == "green"
    assert up["change"]["code"] == "step_up" and up["change"]["direction"] == 1
    assert "21" in up["change"]["reason"] and "22" in up["change"]["reason"]
    danish = _exercise(_today(client, "da"), "lateral-raise")["prescription"]
    assert "grøn" in danish["change"]["reason"]

    # Week 2: a set at green hurts (7/10) → one step down next time, with the reason.
    clock.set(7)
    _log(client, clock, "lateral-raise", reps=16, band_level="green", pain=7)
    clock.set(8)
    down = _exercise(_today(client), "lateral-raise")["prescription"]
    assert down["band"]["key"] == "red"
    assert down["change"]["code"] == "step_down_pain" and down["change"]["direction"] == -1
    assert "7" in down["change"]["reason"]
    _log(client, clock, "lateral-raise", reps=17, band_level="red", pain=1)

    # Five weeks without training (week 7): one level down from red, explained.
    clock.set(8 + 35)
    back = _exercise(_today(client), "lateral-raise")["prescription"]
    assert back["band"]["key"] == "yellow"
    assert back["change"]["code"] == "break_long" and back["change"]["direction"] == -1


def test_a_three_week_break_keeps_the_band_and_stops_two_reps_short(
    app: Flask, clock: Clock
) -> None:
    _, client = _member(app)
    for day, reps in ((0, 14), (1, 15)):
        clock.set(day)
        _log(client, clock, "lateral-raise", reps=reps, band_level="red")
    clock.set(1 + 21)
    after = _exercise(_today(client), "lateral-raise")["prescription"]
    assert after["band"]["key"] == "red" and after["change"]["code"] == "break_short"
    assert after["target_reps"] is not None and after["target_reps"] <= after["reps_max"] - 2


def test_today_lists_the_phase_exercises_with_cues_and_what_is_logged(
    app: Flask, clock: Clock
) -> None:
    _, client = _member(app)
    today = _today(client, "da")
    assert today["date"] == "2026-01-05" and today["training_day"] is True
    assert today["program"]["slug"] == "office-daily-5" and today["week"] == 1
    slugs = [e["exercise"]["slug"] for e in today["exercises"]]
    assert slugs == ["lateral-raise", "shrug", "reverse-fly"]
    raise_ = today["exercises"][0]
    assert raise_["exercise"]["name"] == "Sideløft" and raise_["exercise"]["cues"]["tempo"]
    assert raise_["exercise"]["illustration_url"].startswith("/exercises/illustrations/")
    assert raise_["logged"] == [] and raise_["done"] is False and today["done"] is False

    logged = _log(client, clock, "lateral-raise", reps=12, band_level="red")
    again = _today(client)
    assert _exercise(again, "lateral-raise")["logged"] == [logged]
    assert _exercise(again, "lateral-raise")["done"] is True
    assert again["done"] is False  # shrug and reverse fly are still to do

    # Week 5 brings the next phase's exercises.
    clock.set(28)
    assert [e["exercise"]["slug"] for e in _today(client)["exercises"]][1:] == [
        "band-pull-apart",
        "external-rotation",
        "wrist-extension",
    ]


def test_weekend_is_not_a_training_day_for_a_weekday_team(app: Flask, clock: Clock) -> None:
    _, client = _member(app)
    clock.set(5)  # Saturday
    assert _today(client)["training_day"] is False
    _, weekend_team_member = _member(app, workdays=["sat", "sun"])
    assert _today(weekend_team_member)["training_day"] is True


def test_today_is_the_date_in_the_persons_time_zone(app: Flask, clock: Clock) -> None:
    person, client = _member(app)
    clock.set(1, hour=23)  # 23:00 UTC Tuesday = 00:00 Wednesday in Copenhagen
    assert _today(client)["date"] == "2026-01-07"
    person.time_zone = "America/New_York"
    db.session.commit()
    assert _today(client)["date"] == "2026-01-06"


def test_a_swap_replaces_the_exercise_in_today(app: Flask, clock: Clock) -> None:
    _, client = _member(app)
    swapped = client.put("/api/me/swaps/lateral-raise", json={"replacement": "upright-row"})
    assert swapped.status_code == 200, swapped.json
    first = _today(client)["exercises"][0]
    assert first["exercise"]["slug"] == "upright-row"
    assert first["swapped_from"] == "lateral-raise"


def test_a_swap_is_kept_for_the_phase_it_was_chosen_in(app: Flask, clock: Clock) -> None:
    # office-daily-5 has lateral-raise in phase 1 (weeks 1-4) and again in phase 2 (5-8).
    _, client = _member(app, program="office-daily-5")
    clock.set(10)  # week 2
    swapped = client.put("/api/me/swaps/lateral-raise", json={"replacement": "upright-row"})
    assert swapped.status_code == 200, swapped.json
    assert swapped.json["kept_until"] == "2026-02-01"  # the Sunday ending week 4
    clock.set(27)  # that Sunday: still phase 1
    first = _today(client)["exercises"][0]
    assert first["exercise"]["slug"] == "upright-row"
    assert first["swap_kept_until"] == "2026-02-01"
    assert [s["exercise"] for s in client.get("/api/me/swaps").json] == ["lateral-raise"]

    clock.set(28)  # Monday of week 5: phase 2 has the program's own exercise again
    slugs = [e["exercise"]["slug"] for e in _today(client)["exercises"]]
    assert "lateral-raise" in slugs and "upright-row" not in slugs
    assert all(e["swapped_from"] is None for e in _today(client)["exercises"])
    assert client.get("/api/me/swaps").json == []

    # Chosen again in phase 2, it is kept to the end of phase 2 (week 8).
    again = client.put("/api/me/swaps/lateral-raise", json={"replacement": "upright-row"})
    assert again.json["kept_until"] == "2026-03-01"


def test_an_override_applies_to_the_next_session_only(app: Flask, clock: Clock) -> None:
    _, client = _member(app)
    for day, reps in ((0, 12), (1, 13)):
        clock.set(day)
        _log(client, clock, "lateral-raise", reps=reps, band_level="red")
    clock.set(2)
    chosen = client.post(
        "/api/me/overrides", json={"exercise": "lateral-raise", "band_level": "green"}
    )
    assert chosen.status_code == 201, chosen.json
    mine = _exercise(_today(client), "lateral-raise")["prescription"]
    assert mine["band"]["key"] == "green" and mine["change"]["code"] == "override"
    _log(client, clock, "lateral-raise", reps=9, band_level="green")
    clock.set(3)
    later = _exercise(_today(client), "lateral-raise")["prescription"]
    assert later["change"]["code"] != "override"
    assert later["band"]["key"] in ("red", "green")  # progresses from what was done


def test_a_red_flag_pauses_progression_and_says_why(app: Flask, clock: Clock) -> None:
    _, client = _member(app)
    for day, reps in ((0, 21), (1, 22)):
        clock.set(day)
        _log(client, clock, "lateral-raise", reps=reps, band_level="red")
    clock.set(2)
    flagged = client.post(
        "/api/me/checkins",
        json={"pain": {"neck": 3}, "red_flags": {"numbness_or_tingling": True}},
    )
    assert flagged.status_code == 201 and flagged.json["advice"][0]["code"] == "red_flag"
    today = _today(client)
    assert today["paused"] is True
    prescription = _exercise(today, "lateral-raise")["prescription"]
    assert prescription["paused"] is True and prescription["change"]["direction"] <= 0
    assert prescription["band"]["key"] == "red"  # 21 and 22 would have meant green
    assert "doctor" in prescription["change"]["reason"].lower()


def test_pain_7_in_a_check_in_steps_today_down_and_the_advice_says_so(
    app: Flask, clock: Clock
) -> None:
    _, client = _member(app)
    clock.set(0)
    _log(client, clock, "lateral-raise", reps=15, band_level="green")
    clock.set(1)
    answer = client.post("/api/me/checkins", json={"pain": {"shoulder": 7}})
    assert [a["code"] for a in answer.json["advice"]] == ["pain_high"]
    # The person's language, whichever: the advice and the reason agree on one level.
    assert answer.json["advice"][0]["text"] in (advice.PAIN_HIGH.text.en, advice.PAIN_HIGH.text.da)
    prescription = _exercise(_today(client), "lateral-raise")["prescription"]
    assert prescription["band"]["key"] == "red"
    change = prescription["change"]
    assert (change["code"], change["direction"]) == ("step_down_pain", -1)
    assert " 7 " in change["reason"] and prescription["band"]["name"] in change["reason"]


@pytest.mark.parametrize("flag", RED_FLAGS)
def test_each_red_flag_question_pauses_todays_progression(
    app: Flask, clock: Clock, flag: str
) -> None:
    _, client = _member(app)
    for day, reps in ((0, 21), (1, 22)):
        clock.set(day)
        _log(client, clock, "lateral-raise", reps=reps, band_level="red")
    clock.set(2)
    answers = {"pain": {"neck": 2}, "red_flags": {flag: True}}
    assert client.post("/api/me/checkins", json=answers).status_code == 201
    today = _today(client)
    assert today["paused"] is True
    assert _exercise(today, "lateral-raise")["prescription"]["band"]["key"] == "red"


def test_check_in_pain_and_soreness_reach_todays_prescription(app: Flask, clock: Clock) -> None:
    """Pain above 5 in a check-in steps down instead of the step up that 21 and 22 reps
    would have earned; the soreness reassurance stays out of a reason about pain."""
    _, client = _member(app)
    for day, reps in ((0, 21), (1, 22)):
        clock.set(day)
        _log(client, clock, "lateral-raise", reps=reps, band_level="red")
    clock.set(2)
    checked = client.post("/api/me/checkins", json={"pain": {"shoulder": 7}, "soreness": True})
    assert checked.status_code == 201, checked.json
    prescription = _exercise(_today(client), "lateral-raise")["prescription"]
    assert prescription["band"]["key"] == "yellow"
    assert prescription["change"]["direction"] == -1
    assert "Sore, tired muscles" not in prescription["change"]["reason"]


def test_an_admin_without_a_team_has_no_routine(app: Flask, clock: Clock) -> None:
    admin = make_person(Role.ADMIN)
    today = _today(signed_in_client(app, admin))
    assert today["program"] is None and today["exercises"] == []
    assert today["training_day"] is False


def test_today_needs_sign_in(app: Flask) -> None:
    response = app.test_client().get("/api/me/today")
    assert response.status_code == 401 and response.json["code"] == 401


def test_an_override_chosen_after_training_is_for_the_next_session(
    app: Flask, clock: Clock
) -> None:
    _, client = _member(app)
    _log(client, clock, "lateral-raise", reps=12, band_level="red")
    chosen = client.post(
        "/api/me/overrides", json={"exercise": "lateral-raise", "band_level": "green"}
    )
    assert chosen.status_code == 201 and chosen.json["day"] == "2026-01-06"
    clock.set(1)
    mine = _exercise(_today(client), "lateral-raise")["prescription"]
    assert mine["band"]["key"] == "green" and mine["change"]["code"] == "override"


# The schemas today's code fills in by hand: each of their fields must be there. (The
# exercise itself is marshmallow's dump of the catalogue, which leaves out unset doses.)
BUILT_BY_HAND = {"Today", "TodayExercise", "Prescription", "BandView", "Change", "TodayCardio"}


def _strict(node: Any, components: dict[str, Any], name: str = "") -> Any:
    """An OpenAPI 3.0 schema as a draft 4 JSON Schema that allows no field it does not
    list, and for BUILT_BY_HAND also requires every field it lists."""
    if isinstance(node, list):
        return [_strict(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"].rsplit("/", 1)[1]
        return _strict(components[ref], components, ref)
    out = {key: _strict(value, components) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        out["type"] = [node.get("type", "object"), "null"]
    if "properties" in node:
        out["additionalProperties"] = False
        if name in BUILT_BY_HAND:
            out["required"] = sorted(node["properties"])
    return out


@pytest.mark.parametrize("program", ["office-daily-5", "physical-work-2x30", "cardio-addon"])
def test_today_matches_its_documented_schema_with_everything_filled_in(
    app: Flask, clock: Clock, program: str
) -> None:
    """Today is built in the schema's shape without passing through marshmallow: the
    OpenAPI document must still describe it exactly, logged sets and cardio included."""
    import jsonschema

    _, client = _member(app, program=program)
    before = _today(client)
    for entry in before["exercises"]:
        exercise = entry["exercise"]
        prescription = entry["prescription"]
        values: dict[str, Any] = {"reps_in_reserve": 2, "pain": 1}
        if exercise["kind"] == "hold":
            values["hold_seconds"] = prescription["hold_seconds"] or 20
        else:
            values["reps"] = prescription["target_reps"] or prescription["reps_max"] or 10
        if exercise["equipment"] == "band":
            values["band_level"] = prescription["band"]["key"]
        elif prescription["load_kg"] is not None:
            values["load_kg"] = prescription["load_kg"]
        _log(client, clock, exercise["slug"], **values)
    for cardio in before["cardio"]:
        stored = client.post(
            "/api/me/cardio",
            json={
                "id": str(uuid.uuid4()),
                "performed_at": (clock.now - timedelta(minutes=1)).isoformat(),
                "activity": cardio["activity"],
                "minutes": cardio["minutes"],
                "effort": cardio["effort"],
            },
        )
        assert stored.status_code == 201, stored.json
    today = _today(client)
    assert before["exercises"] or before["cardio"]
    assert all(entry["logged"] for entry in today["exercises"])
    assert all(entry["logged"] for entry in today["cardio"])

    document = client.get("/api/openapi.json").json
    components = document["components"]["schemas"]
    # OpenAPI 3.0 schemas are JSON Schema draft 4 (a boolean exclusiveMinimum, say).
    schema = _strict({"$ref": "#/components/schemas/Today"}, components)
    jsonschema.Draft4Validator(schema).validate(today)
