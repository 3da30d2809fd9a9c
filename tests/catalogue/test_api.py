"""The catalogue over HTTP: exercises, programs, drawings, the contact sheet, a team's
program and a person's swaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from coach.accounts.models import Person
from coach.catalogue import service
from coach.catalogue.models import ExerciseSwap
from coach.domain.roles import Role
from coach.extensions import db
from tests.catalogue.copies import REAL_CATALOGUE
from tests.factories import make_person, make_team, signed_in_client


def ok(response: TestResponse, code: int = 200) -> Any:
    assert response.status_code == code, response.get_data(as_text=True)
    return response.json


def error(response: TestResponse, code: int) -> dict[str, Any]:
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.json["code"] == code
    return response.json


def slugs(body: dict[str, Any]) -> set[str]:
    return {e["slug"] for e in body["exercises"]}


# -- exercises ------------------------------------------------------------------------


def test_list_exercises_in_danish_by_default(client: FlaskClient) -> None:
    body = ok(client.get("/api/exercises"))
    assert body["lang"] == "da"
    assert len(body["exercises"]) == len(service.current_catalogue().exercises) >= 16
    raise_ = next(e for e in body["exercises"] if e["slug"] == "lateral-raise")
    assert raise_["name"] == "Sideløft"
    assert raise_["illustration_url"].startswith("/exercises/illustrations/lateral-raise.svg?v=")


def test_filter_by_region_and_equipment(client: FlaskClient) -> None:
    neck = ok(client.get("/api/exercises?region=neck"))
    assert neck["exercises"] and all("neck" in e["regions"] for e in neck["exercises"])
    assert "lateral-raise" not in slugs(neck)

    kettlebell = ok(client.get("/api/exercises?equipment=kettlebell"))
    assert slugs(kettlebell) == {"kettlebell-deadlift", "grip-hold"}

    both = ok(client.get("/api/exercises?region=neck&equipment=bodyweight"))
    assert slugs(both) == {"neck-extension-hold", "neck-flexion-hold", "neck-side-hold"}


@pytest.mark.parametrize(
    ("query", "field"),
    [("region=knee", "region"), ("equipment=barbell", "equipment"), ("lang=fr", "lang")],
)
def test_unknown_filter_values_are_422(client: FlaskClient, query: str, field: str) -> None:
    body = error(client.get(f"/api/exercises?{query}"), 422)
    assert field in body["errors"]["query"]


@pytest.mark.parametrize(
    ("query", "accept_language", "lang", "name"),
    [
        ("?lang=en", None, "en", "Lateral raise"),
        ("?lang=da", "en", "da", "Sideløft"),
        ("", "en-GB,en;q=0.9", "en", "Lateral raise"),
        ("", "da-DK,en;q=0.5", "da", "Sideløft"),
        ("", "de-DE,en;q=0.8,da;q=0.7", "en", "Lateral raise"),
        ("", "de, fr", "da", "Sideløft"),
        ("", None, "da", "Sideløft"),
    ],
)
def test_language_from_query_then_accept_language_then_danish(
    client: FlaskClient, query: str, accept_language: str | None, lang: str, name: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    body = ok(client.get(f"/api/exercises/lateral-raise{query}", headers=headers))
    assert (body["lang"], body["name"]) == (lang, name)


def test_one_exercise_in_full(client: FlaskClient) -> None:
    body = ok(client.get("/api/exercises/lateral-raise?lang=en"))
    assert body["kind"] == "reps" and body["equipment"] == "band"
    assert body["default_rule"] == "one-set-to-failure"
    assert body["default_dose"] == {"sets": 1, "reps_min": 8, "reps_max": 20}
    assert {"slug": "lateral-deltoid", "name": "Lateral deltoid"} in body["muscles"]
    assert {"slug": "upright-row", "name": "Upright row"} in body["alternatives"]
    assert set(body["cues"]) == {"start", "movement", "tempo", "mistakes", "feel"}
    assert body["cues"]["tempo"].startswith("About 2 seconds up")
    assert body["illustration_alt"].startswith("A person stands")
    assert body["safety"] and body["description"]

    hold = ok(client.get("/api/exercises/neck-side-hold"))
    assert hold["default_rule"] == "hold" and "seconds" in hold["default_dose"]


def test_unknown_exercise_is_404_json(client: FlaskClient) -> None:
    body = error(client.get("/api/exercises/handstand"), 404)
    assert "handstand" in body["message"]


@pytest.mark.parametrize(
    "path",
    ["/api/exercises", "/api/exercises/shrug", "/api/programs", "/api/programs/weekly-3x20"],
)
def test_answers_are_cacheable_and_revalidate_by_etag(client: FlaskClient, path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag, _ = first.get_etag()
    assert etag
    assert first.cache_control.public and first.cache_control.max_age == 3600
    assert "Accept-Language" in first.vary

    again = client.get(path, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.get_etag()[0] == etag
    assert again.cache_control.max_age == 3600 and "Accept-Language" in again.vary

    english = client.get(path, headers={"If-None-Match": f'"{etag}"', "Accept-Language": "en"})
    assert english.status_code == 200 and english.get_etag()[0] != etag


def test_the_catalogue_is_loaded_once(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(_path: Path) -> None:
        raise AssertionError("the catalogue was read during a request")

    monkeypatch.setattr(service, "load", no_reading)
    ok(client.get("/api/exercises"))
    ok(client.get("/api/programs/office-daily-5"))
    assert client.get("/catalogue").status_code == 200


# -- programs -------------------------------------------------------------------------


def test_list_programs(client: FlaskClient) -> None:
    body = ok(client.get("/api/programs?lang=en"))
    assert body["lang"] == "en"
    programs = {p["slug"]: p for p in body["programs"]}
    assert {"office-daily-5", "physical-work-2x30", "weekly-3x20", "cardio-addon"} <= set(programs)
    office = programs["office-daily-5"]
    assert office["name"] == "Office: 5 minutes a day"
    assert (office["sessions_per_week"], office["session_minutes"]) == (5, 5)
    assert "phases" not in office


def test_one_program_with_phases(client: FlaskClient) -> None:
    body = ok(client.get("/api/programs/physical-work-2x30"))
    assert body["lang"] == "da" and body["duration_weeks"] == 15
    assert [(p["first_week"], p["last_week"]) for p in body["phases"]] == [
        (1, 5),
        (6, 10),
        (11, 15),
    ]
    first = body["phases"][0]["items"][0]
    assert first["exercise"] == {"slug": "kettlebell-deadlift", "name": "Dødløft med kettlebell"}
    assert first["rule"] == "sets-of-reps"
    assert first["dose"] == {"sets": 3, "reps_min": 8, "reps_max": 12, "intensity_pct": 70}
    assert first["cardio"] is None

    cardio = ok(client.get("/api/programs/cardio-addon?lang=en"))
    item = cardio["phases"][0]["items"][0]
    assert item["rule"] == "cardio" and item["exercise"] is None and item["dose"] is None
    assert item["cardio"] == {
        "activity": "running",
        "name": "Running",
        "minutes": 20,
        "effort": 3,
    }


def test_unknown_program_is_404_json(client: FlaskClient) -> None:
    error(client.get("/api/programs/yoga"), 404)


def test_the_openapi_document_describes_the_catalogue(client: FlaskClient) -> None:
    paths = ok(client.get("/api/openapi.json"))["paths"]
    assert {
        "/api/exercises",
        "/api/exercises/{slug}",
        "/api/programs",
        "/api/programs/{slug}",
        "/api/me/swaps",
    } <= set(paths)
    for path in ("/api/exercises", "/api/programs/{slug}"):
        assert "304" in paths[path]["get"]["responses"]
        assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"]
    parameters = {p["name"] for p in paths["/api/exercises"]["get"]["parameters"]}
    assert {"region", "equipment", "lang"} <= parameters
    assert set(paths["/api/me/swaps/{exercise}"]) >= {"put", "delete"}


# -- a team's program -----------------------------------------------------------------


def test_a_team_program_must_be_in_the_catalogue(app: Flask) -> None:
    admin = make_person(Role.ADMIN)
    team = make_team(admin.workplace)
    api = signed_in_client(app, admin)

    body = error(api.patch(f"/api/teams/{team.id}", json={"program": "yoga-daily"}), 422)
    assert list(body["errors"]["json"]) == ["program"]
    body = error(api.post("/api/teams", json={"name": "Lager", "program": "yoga-daily"}), 422)
    assert list(body["errors"]["json"]) == ["program"]

    chosen = ok(api.patch(f"/api/teams/{team.id}", json={"program": "weekly-3x20"}))
    assert chosen["program"] == "weekly-3x20"


# -- swaps ----------------------------------------------------------------------------


def swap_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseSwap)) or 0


def test_swap_an_exercise_for_an_alternative_then_change_and_undo_it(app: Flask) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER))
    assert ok(api.get("/api/me/swaps")) == []

    made = ok(api.put("/api/me/swaps/lateral-raise", json={"replacement": "upright-row"}))
    assert (made["exercise"], made["replacement"]) == ("lateral-raise", "upright-row")
    assert made["created_at"]

    ok(api.put("/api/me/swaps/lateral-raise", json={"replacement": "front-raise"}))
    ok(api.put("/api/me/swaps/shrug", json={"replacement": "upright-row"}))
    listed = ok(api.get("/api/me/swaps"))
    assert [(s["exercise"], s["replacement"]) for s in listed] == [
        ("lateral-raise", "front-raise"),
        ("shrug", "upright-row"),
    ]
    assert swap_count() == 2

    assert api.delete("/api/me/swaps/lateral-raise").status_code == 204
    assert api.delete("/api/me/swaps/lateral-raise").status_code == 204  # already undone
    assert [s["exercise"] for s in ok(api.get("/api/me/swaps"))] == ["shrug"]


@pytest.mark.parametrize(
    ("exercise", "replacement", "complaint"),
    [
        ("lateral-raise", "shrug", "not an alternative"),
        ("lateral-raise", "lateral-raise", "not an alternative"),
        ("grip-hold", "wrist-flexion", "keep the kind"),
        ("lateral-raise", "No Such", "Not a slug"),
    ],
)
def test_a_swap_must_be_an_alternative_of_the_same_kind(
    app: Flask, exercise: str, replacement: str, complaint: str
) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER, language="en"))
    body = error(api.put(f"/api/me/swaps/{exercise}", json={"replacement": replacement}), 422)
    assert complaint in body["errors"]["json"]["replacement"][0]
    assert swap_count() == 0


def test_swapping_an_unknown_exercise_is_404(app: Flask) -> None:
    api = signed_in_client(app, make_person(Role.MEMBER))
    error(api.put("/api/me/swaps/handstand", json={"replacement": "shrug"}), 404)
    error(api.delete("/api/me/swaps/handstand"), 404)


def test_swaps_are_private_and_leave_with_their_person(app: Flask) -> None:
    team = make_team()
    mine, theirs = (make_person(Role.MEMBER, team) for _ in range(2))
    lead = make_person(Role.LEAD, team)
    me = signed_in_client(app, mine)
    ok(me.put("/api/me/swaps/lateral-raise", json={"replacement": "upright-row"}))

    for other in (theirs, lead):
        client = signed_in_client(app, other)
        assert ok(client.get("/api/me/swaps")) == []
        assert client.delete("/api/me/swaps/lateral-raise").status_code == 204
    assert len(ok(me.get("/api/me/swaps"))) == 1

    db.session.execute(sa.delete(Person).where(Person.id == mine.id))
    db.session.commit()
    assert swap_count() == 0


def test_swaps_need_a_session_and_the_csrf_token(app: Flask, client: FlaskClient) -> None:
    error(client.get("/api/me/swaps"), 401)
    error(client.put("/api/me/swaps/shrug", json={"replacement": "upright-row"}), 401)
    api = signed_in_client(app, make_person(Role.MEMBER))
    api.csrf_token = None
    error(api.put("/api/me/swaps/shrug", json={"replacement": "upright-row"}), 403)
    error(api.delete("/api/me/swaps/shrug"), 403)


def test_a_swap_the_catalogue_no_longer_allows_is_not_listed(app: Flask) -> None:
    person = make_person(Role.MEMBER)
    db.session.add(ExerciseSwap(person_id=person.id, exercise="shrug", replacement="squat"))
    db.session.add(ExerciseSwap(person_id=person.id, exercise="gone", replacement="shrug"))
    db.session.commit()
    assert ok(signed_in_client(app, person).get("/api/me/swaps")) == []


# -- drawings and the contact sheet ---------------------------------------------------


def test_illustrations_are_served_as_svg_with_long_caching(client: FlaskClient) -> None:
    url = ok(client.get("/api/exercises/shrug"))["illustration_url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data() == (REAL_CATALOGUE / "illustrations" / "shrug.svg").read_bytes()
    assert response.cache_control.public and response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    unversioned = client.get("/exercises/illustrations/shrug.svg")
    assert unversioned.status_code == 200 and unversioned.cache_control.max_age == 24 * 3600
    etag, _ = unversioned.get_etag()
    revalidated = client.get(
        "/exercises/illustrations/shrug.svg", headers={"If-None-Match": f'"{etag}"'}
    )
    assert revalidated.status_code == 304 and revalidated.get_data() == b""


def test_a_drawing_draws_the_band_in_the_colour_asked_for(client: FlaskClient) -> None:
    url = ok(client.get("/api/exercises/shrug"))["illustration_url"]
    plain = client.get(url)
    red = client.get(f"{url}&band=C62828")
    assert red.status_code == 200 and red.mimetype == "image/svg+xml"
    assert b"var(--band,#c62828)" in red.get_data()
    assert b"var(--band,#2e9e5b)" not in red.get_data()
    assert red.get_data().replace(b"#c62828", b"#2e9e5b") == plain.get_data()
    assert red.get_etag()[0] != plain.get_etag()[0]  # caches keep the two apart
    assert red.cache_control.immutable
    for bad in ("red", "c6282", "c62828ff", "#c62828", "c62828;x"):
        assert client.get(f"{url}&band={quote(bad)}").status_code == 404, bad


@pytest.mark.parametrize(
    "path",
    [
        "/exercises/illustrations/handstand.svg",
        "/exercises/illustrations/shrug.yaml",
        "/exercises/illustrations/../muscles.yaml",
        "/exercises/illustrations/..%2Fmuscles.yaml",
        "/exercises/illustrations/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/exercises/illustrations/..%5C..%5Cshrug.yaml",
        "/exercises/illustrations/illustrations%2Fshrug.svg",
    ],
)
def test_other_names_and_paths_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"slug:" not in response.get_data() and b"[project]" not in response.get_data()


def test_the_contact_sheet_shows_every_drawing_with_both_names_and_alt_texts(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/catalogue")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    catalogue = service.current_catalogue()
    for exercise in catalogue.exercises.values():
        with app.test_request_context():
            url = service.illustration_url(exercise)
        assert f'src="{escape(url)}"' in page
        for text in (exercise.name.da, exercise.name.en):
            assert str(escape(text)) in page
        for alt in (exercise.illustration_alt.da, exercise.illustration_alt.en):
            assert str(escape(alt)) in page
    for program in catalogue.programs.values():
        assert str(escape(program.name.da)) in page and str(escape(program.name.en)) in page

    # No inline scripts or styles: the policy forbids them and the page needs none.
    assert "<script" not in page and "<style" not in page and "style=" not in page
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'self'" in policy
    css = client.get("/catalogue/static/catalogue.css")
    css.close()  # a file response: close it, as a server would
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "/catalogue/static/catalogue.css" in page
