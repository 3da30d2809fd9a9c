"""Cardio beside strength: logged on any day with its effort 1-10, planned by a team's
cardio days beside the strength routine, and never "nothing planned" on a cardio day.

The clock is the one outside collaborator replaced (as in test_today.py): each step
sets "now", then the phone logs and asks for today as it would that day.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.coaching.models import CardioSession
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team
from tests.coaching.clock import JOINED, Clock
from tests.factories import ApiClient, make_person, make_team, signed_in_client

CYCLING_BESIDE = {"weekdays": ["mon", "sat"], "activity": "cycling", "minutes": 20, "effort": 5}
EFFORTS = "Skal være større end eller lig med 1 og mindre end eller lig med 10."
MINUTES = "Skal være større end eller lig med 1 og mindre end eller lig med 600."
KINDS = "Skal være en af: walking, cycling, running, rowing, swimming, other."


@pytest.fixture
def clock(clock: Clock) -> Clock:
    clock.now += timedelta(hours=2)  # 10:00 UTC on the Monday of joining
    return clock


def _member(app: Flask, language: str = "en", **team: Any) -> tuple[Person, ApiClient]:
    team.setdefault("program_started_on", JOINED.date())
    person = make_person(Role.MEMBER, team=make_team(**team), language=language)
    person.created_at = JOINED
    db.session.commit()
    return person, signed_in_client(app, person)


def _today(client: ApiClient) -> dict[str, Any]:
    response = client.get("/api/me/today?lang=en")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def _cardio(clock: Clock, **values: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "performed_at": (clock.now - timedelta(minutes=5)).isoformat(),
        "activity": "walking",
        "minutes": 30,
        "effort": 3,
        **values,
    }


def _log(client: ApiClient, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = client.post("/api/me/cardio", json=body)
    assert response.status_code == status, response.json
    return response.json  # type: ignore[no-any-return]


def _stored() -> list[tuple[str, int, int]]:
    db.session.rollback()
    return [
        (row.activity, row.minutes, row.effort)
        for row in db.session.scalars(db.select(CardioSession).order_by(CardioSession.created_at))
    ]


def _log_every_exercise(client: ApiClient, clock: Clock, today: dict[str, Any]) -> None:
    for entry in today["exercises"]:
        exercise, prescription = entry["exercise"], entry["prescription"]
        for _ in range(prescription["sets"]):
            values: dict[str, Any] = {}
            if exercise["kind"] == "hold":
                values["hold_seconds"] = prescription["hold_seconds"] or 20
            else:
                values["reps"] = prescription["target_reps"] or 10
            if exercise["equipment"] == "band":
                values["band_level"] = prescription["band"]["key"]
            elif prescription["load_kg"] is not None:
                values["load_kg"] = prescription["load_kg"]
            body = {
                "id": str(uuid.uuid4()),
                "exercise": exercise["slug"],
                "performed_at": (clock.now - timedelta(minutes=1)).isoformat(),
                **values,
            }
            assert client.post("/api/me/sets", json=body).status_code == 201


# -- logging -----------------------------------------------------------------------------


def test_cardio_is_logged_with_its_effort_on_a_rest_day_and_on_a_strength_day(
    app: Flask, clock: Clock
) -> None:
    _, client = _member(app)
    clock.set(5)  # Saturday: not one of the team's training days, nothing of cardio planned
    saturday = _today(client)
    assert saturday["training_day"] is False and saturday["cardio"] == []
    walk = _log(client, _cardio(clock, activity="walking", minutes=45, effort=3))
    assert (walk["activity"], walk["minutes"], walk["effort"]) == ("walking", 45, 3)
    assert walk["local_date"] == "2026-01-10"
    assert [c["id"] for c in _today(client)["cardio_logged"]] == [walk["id"]]

    clock.set(7)  # Monday: strength day; the walk was Saturday's, a swim is today's
    assert _today(client)["cardio_logged"] == []
    swim = _log(client, _cardio(clock, activity="swimming", minutes=25, effort=6))
    monday = _today(client)
    assert monday["training_day"] is True and monday["exercises"]
    assert [(c["id"], c["effort"]) for c in monday["cardio_logged"]] == [(swim["id"], 6)]
    assert _stored() == [("walking", 45, 3), ("swimming", 25, 6)]

    # Both in the history, with their efforts.
    history = client.get("/api/me/history").json
    cardio = {day["date"]: day["cardio"] for day in history if day["cardio"]}
    assert [(c["name"], c["effort"]) for c in cardio["2026-01-10"]] == [("Walking", 3)]
    assert [(c["name"], c["effort"]) for c in cardio["2026-01-12"]] == [("Swimming", 6)]


def test_a_replay_stores_once_and_an_old_phones_intensity_becomes_its_effort(
    app: Flask, clock: Clock
) -> None:
    _, client = _member(app)
    sent = _cardio(clock, activity="running", minutes=20)
    first = _log(client, sent)
    assert _log(client, sent, 200) == first
    assert len(_stored()) == 1

    # Queued before efforts existed: "hard" is effort 7, and its replay is the same.
    old = {key: value for key, value in _cardio(clock).items() if key != "effort"}
    old["intensity"] = "hard"
    stored = _log(client, old)
    assert stored["effort"] == 7 and "intensity" not in stored
    assert _log(client, old, 200) == stored
    assert _log(client, {**old, "intensity": "easy", "effort": 7}, 200) == stored  # effort wins
    conflict = client.post("/api/me/cardio", json={**old, "intensity": "easy"})
    assert conflict.status_code == 409
    assert sorted(_stored()) == [("running", 20, 3), ("walking", 30, 7)]


@pytest.mark.parametrize(
    ("change", "field", "danish"),
    [
        ({"effort": 0}, "effort", EFFORTS),
        ({"effort": 11}, "effort", EFFORTS),
        ({"minutes": 0}, "minutes", MINUTES),
        ({"minutes": 601}, "minutes", MINUTES),
        ({"activity": "skiing"}, "activity", KINDS),
        ({"effort": None}, "effort", "Feltet må ikke være tomt (null)."),
    ],
)
def test_bad_cardio_is_a_422_in_the_persons_danish_and_stores_nothing(
    app: Flask, clock: Clock, change: dict[str, Any], field: str, danish: str
) -> None:
    _, client = _member(app, language="da")
    response = client.post("/api/me/cardio", json=_cardio(clock, **change))
    assert response.status_code == 422, response.json
    assert response.headers["Content-Language"] == "da"
    assert response.json["errors"]["json"] == {field: [danish]}
    assert _stored() == []


def test_cardio_without_an_effort_is_refused_in_danish(app: Flask, clock: Clock) -> None:
    _, client = _member(app, language="da")
    body = {key: value for key, value in _cardio(clock).items() if key != "effort"}
    response = client.post("/api/me/cardio", json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"effort": ["Feltet skal udfyldes."]}


# -- planned cardio ------------------------------------------------------------------------


def test_a_team_cardio_day_plans_cardio_beside_the_strength_routine(
    app: Flask, clock: Clock
) -> None:
    person, client = _member(app)
    lead = signed_in_client(app, make_person(Role.LEAD, team=person.team))
    changed = lead.patch(
        f"/api/teams/{person.team_id}",
        json={"cardio": {**CYCLING_BESIDE, "weekdays": ["sat", "mon"]}},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["cardio"] == CYCLING_BESIDE  # weekdays Monday first

    monday = _today(client)  # a training day and a cardio day: both are planned
    assert monday["training_day"] is True and monday["exercises"]
    [planned] = monday["cardio"]
    assert planned == {
        "activity": "cycling",
        "name": "Cycling",
        "minutes": 20,
        "effort": 5,
        "planned_by": "team",
        "logged": [],
    }
    assert monday["nothing_planned"] is False and monday["done"] is False

    # Strength done is not the day done while its cardio is still to do.
    _log_every_exercise(client, clock, monday)
    assert all(e["done"] for e in _today(client)["exercises"])
    assert _today(client)["done"] is False
    walk = _log(client, _cardio(clock))  # another kind does not tick the planned cycling
    assert _today(client)["cardio"][0]["logged"] == [] and _today(client)["done"] is False
    ride = _log(client, _cardio(clock, activity="cycling", minutes=20, effort=5))
    after = _today(client)
    assert [c["id"] for c in after["cardio"][0]["logged"]] == [ride["id"]]
    assert {c["id"] for c in after["cardio_logged"]} == {walk["id"], ride["id"]}
    assert after["done"] is True

    clock.set(1)  # Tuesday: strength only
    tuesday = _today(client)
    assert tuesday["exercises"] and tuesday["cardio"] == [] and tuesday["nothing_planned"] is False

    clock.set(5)  # Saturday: not a training day, but a cardio day: never "nothing planned"
    saturday = _today(client)
    assert saturday["training_day"] is False
    assert [c["activity"] for c in saturday["cardio"]] == ["cycling"]
    assert saturday["nothing_planned"] is False

    # Taken away again: null.
    assert lead.patch(f"/api/teams/{person.team_id}", json={"cardio": None}).json["cardio"] is None
    assert _today(client)["cardio"] == []


def test_a_cardio_program_never_reports_nothing_planned(app: Flask, clock: Clock) -> None:
    _, client = _member(app, program="cardio-addon")
    today = _today(client)
    assert today["exercises"] == [] and today["cardio"]
    assert {c["planned_by"] for c in today["cardio"]} == {"program"}
    assert today["nothing_planned"] is False and today["done"] is False
    first = today["cardio"][0]
    _log(client, _cardio(clock, activity=first["activity"], minutes=first["minutes"]))
    assert _today(client)["done"] is True


def test_without_a_team_nothing_is_planned_and_cardio_is_still_logged(
    app: Flask, clock: Clock
) -> None:
    admin = make_person(Role.ADMIN)
    admin.created_at = JOINED
    db.session.commit()
    client = signed_in_client(app, admin)
    assert _today(client)["nothing_planned"] is True
    walk = _log(client, _cardio(clock))
    today = _today(client)
    assert today["nothing_planned"] is True and today["done"] is False
    assert [c["id"] for c in today["cardio_logged"]] == [walk["id"]]


@pytest.mark.parametrize(
    ("cardio", "where", "danish"),
    [
        ({**CYCLING_BESIDE, "weekdays": []}, "weekdays", "Længden skal være mellem 1 og 7."),
        ({**CYCLING_BESIDE, "weekdays": ["someday"]}, "weekdays", None),
        ({**CYCLING_BESIDE, "activity": "skiing"}, "activity", None),
        ({**CYCLING_BESIDE, "minutes": 4}, "minutes", None),
        ({**CYCLING_BESIDE, "minutes": 181}, "minutes", None),
        ({**CYCLING_BESIDE, "effort": 11}, "effort", None),
        ({key: v for key, v in CYCLING_BESIDE.items() if key != "effort"}, "effort", None),
    ],
)
def test_bad_team_cardio_days_are_refused_in_the_leads_danish(
    app: Flask, cardio: dict[str, Any], where: str, danish: str | None
) -> None:
    team = make_team()
    lead = signed_in_client(app, make_person(Role.LEAD, team=team, language="da"))
    response = lead.patch(f"/api/teams/{team.id}", json={"cardio": cardio})
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]["cardio"]
    assert list(errors) == [where]
    text = str(errors[where])
    assert danish is None or errors[where] == [danish]
    assert not any(word in text for word in ("Must", "Length", "Missing")), text
    db.session.rollback()
    assert db.session.get(Team, team.id).cardio_plan is None


def test_the_team_cardio_days_are_the_teams_not_a_members(app: Flask) -> None:
    person, client = _member(app)
    response = client.patch(f"/api/teams/{person.team_id}", json={"cardio": CYCLING_BESIDE})
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(Team, person.team_id).cardio_plan is None


# -- participation ----------------------------------------------------------------------


def test_logged_cardio_is_not_a_session_and_a_lead_sees_none_of_it(app: Flask) -> None:
    """Adherence counts strength (docs/decisions.md): a day with only cardio is no
    session for the team, nor in the person's own weeks; a set is."""
    team = make_team()
    person = make_person(Role.MEMBER, team=team, share_participation=True, language="en")
    person.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    phone = signed_in_client(app, person)
    lead = signed_in_client(app, make_person(Role.LEAD, team=team))
    now = utcnow()
    walk = {
        "id": str(uuid.uuid4()),
        "performed_at": (now - timedelta(minutes=5)).isoformat(),
        "activity": "walking",
        "minutes": 40,
        "effort": 4,
    }
    assert phone.post("/api/me/cardio", json=walk).status_code == 201

    def this_week() -> tuple[dict[str, Any], dict[str, Any]]:
        team_week = lead.get(f"/api/teams/{team.id}/participation?weeks=1").json
        own_week = phone.get("/api/me/progress").json["sessions_per_week"]["weeks"][-1]
        return team_week, own_week

    team_week, own_week = this_week()
    assert (team_week["weeks"][0]["sessions"], team_week["weeks"][0]["active"]) == (0, 0)
    assert own_week["sessions"] == 0
    assert "effort" not in str(team_week) and "walking" not in str(team_week)

    logged = phone.post(
        "/api/me/sets",
        json={
            "id": str(uuid.uuid4()),
            "exercise": "lateral-raise",
            "performed_at": (now - timedelta(minutes=1)).isoformat(),
            "reps": 12,
            "band_level": "red",
        },
    )
    assert logged.status_code == 201, logged.json
    team_week, own_week = this_week()
    assert (team_week["weeks"][0]["sessions"], team_week["weeks"][0]["active"]) == (1, 1)
    assert own_week["sessions"] == 1
