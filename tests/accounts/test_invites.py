"""Invites: creating them, what the link shows, accepting them, and their limits."""

from __future__ import annotations

import hashlib
import threading
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coach.accounts.auth import COOKIE
from coach.accounts.models import DeviceSession, Invite, Person
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace
from tests.factories import (
    ApiClient,
    assert_error,
    cookie_attributes,
    cookie_value,
    make_invite,
    make_person,
    make_team,
    make_workplace,
    session_cookie,
    signed_in_client,
)

# -- helpers -------------------------------------------------------------------------


def count(model: type[Any], *where: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def fresh(obj: Any) -> Any:
    """The row as the database has it now (other sessions may have changed it)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def when(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


def token_of(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def accept(client: FlaskClient, token: str, **body: Any) -> TestResponse:
    body.setdefault("display_name", "Ada")
    return client.post(f"/api/invites/{token}/accept", json=body)


# -- fixtures ------------------------------------------------------------------------


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    return make_workplace(name="Harbour Office", language="en")


@pytest.fixture
def team(workplace: Workplace) -> Team:
    return make_team(workplace, name="Packing")


@pytest.fixture
def admin(workplace: Workplace) -> Person:
    return make_person(Role.ADMIN, workplace=workplace)


@pytest.fixture
def admin_api(app: Flask, admin: Person) -> ApiClient:
    return signed_in_client(app, admin)


# -- creating invites ----------------------------------------------------------------


def test_admin_invites_to_any_team_of_the_workplace(
    app: Flask, workplace: Workplace, team: Team, admin: Person, admin_api: ApiClient
) -> None:
    other_team = make_team(workplace, name="Dispatch")
    for target, role in ((team, "lead"), (other_team, "admin")):
        before = utcnow()
        response = admin_api.post(
            f"/api/teams/{target.id}/invites",
            json={"role": role, "expires_in_days": 30, "max_uses": 3},
        )
        assert response.status_code == 201, response.json
        body = response.json
        assert {"id", "url", "expires_at", "qr_svg", "created_at"} <= body.keys()
        assert body["team"] == {"id": target.id, "name": target.name}
        assert body["role"] == role
        assert body["max_uses"] == 3
        assert body["uses"] == 0
        assert body["revoked"] is False
        expires_at = when(body["expires_at"])
        assert before + timedelta(days=30) <= expires_at <= utcnow() + timedelta(days=30)

        invite = db.session.get(Invite, body["id"])
        assert invite is not None
        assert invite.team_id == target.id
        assert invite.workplace_id == workplace.id
        assert invite.role == role
        assert invite.max_uses == 3
        assert invite.uses == 0
        assert invite.created_by_id == admin.id
        assert invite.revoked_at is None
        assert invite.expires_at == expires_at
    assert count(Invite) == 2


def test_invite_defaults_to_one_member_for_fourteen_days(team: Team, admin_api: ApiClient) -> None:
    before = utcnow()
    response = admin_api.post(f"/api/teams/{team.id}/invites", json={})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["role"] == "member"
    assert body["max_uses"] == 1
    assert before + timedelta(days=14) <= when(body["expires_at"]) <= utcnow() + timedelta(days=14)


def test_invite_url_carries_the_token_and_only_its_hash_is_stored(
    app: Flask, workplace: Workplace, team: Team, admin_api: ApiClient
) -> None:
    response = admin_api.post(f"/api/teams/{team.id}/invites", json={"role": "lead"})
    assert response.status_code == 201
    url = response.json["url"]
    assert url.startswith("https://coach.test/")  # PUBLIC_URL, not the request's host
    token = token_of(url)
    assert len(token) >= 32

    # The preview needs no sign-in.
    preview = app.test_client().get(f"/api/invites/{token}")
    assert preview.status_code == 200, preview.json
    assert preview.json == {
        "workplace": {"id": workplace.id, "name": "Harbour Office"},
        "team": {"id": team.id, "name": "Packing"},
        "role": "lead",
        "language": "en",
    }

    invite = db.session.get(Invite, response.json["id"])
    assert invite is not None
    assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM invites")).all()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])


def test_invite_qr_code_is_well_formed_svg(team: Team, admin_api: ApiClient) -> None:
    response = admin_api.post(f"/api/teams/{team.id}/invites", json={})
    assert response.status_code == 201
    svg = response.json["qr_svg"]
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    # A document of its own (it is shown as an image), square and free to scale.
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    x, y, width, height = map(float, root.attrib["viewBox"].split())
    assert x == y == 0 and width == height > 0
    assert "width" not in root.attrib and "height" not in root.attrib
    paths = [el for el in root.iter() if el.tag.rpartition("}")[2] == "path"]
    assert paths and all(p.attrib.get("d") for p in paths)
    # Two invites have different tokens, so different codes.
    other = admin_api.post(f"/api/teams/{team.id}/invites", json={})
    assert other.json["url"] != response.json["url"]
    assert other.json["qr_svg"] != svg


def test_lead_invites_members_and_leads_to_own_team_but_not_admins(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    lead = make_person(Role.LEAD, team=team)
    api = signed_in_client(app, lead)
    for role in ("member", "lead"):
        response = api.post(f"/api/teams/{team.id}/invites", json={"role": role})
        assert response.status_code == 201, response.json
        assert response.json["role"] == role
    assert count(Invite) == 2

    assert_error(api.post(f"/api/teams/{team.id}/invites", json={"role": "admin"}), 403)
    assert count(Invite) == 2
    assert count(Invite, Invite.role == "admin") == 0


def test_lead_cannot_invite_to_another_team(app: Flask, workplace: Workplace, team: Team) -> None:
    lead = make_person(Role.LEAD, team=team)
    other_team = make_team(workplace)
    api = signed_in_client(app, lead)
    assert_error(api.post(f"/api/teams/{other_team.id}/invites", json={}), 404)
    assert_error(api.get(f"/api/teams/{other_team.id}/invites"), 404)
    assert count(Invite) == 0


def test_member_cannot_invite(app: Flask, team: Team) -> None:
    member = make_person(Role.MEMBER, team=team)
    api = signed_in_client(app, member)
    assert_error(api.post(f"/api/teams/{team.id}/invites", json={}), 403)
    assert count(Invite) == 0


def test_creating_an_invite_needs_sign_in(app: Flask, team: Team) -> None:
    assert_error(app.test_client().post(f"/api/teams/{team.id}/invites", json={}), 401)
    assert count(Invite) == 0


def test_another_workplaces_team_is_not_found(app: Flask, admin_api: ApiClient) -> None:
    foreign_team = make_team(make_workplace())
    assert_error(admin_api.post(f"/api/teams/{foreign_team.id}/invites", json={}), 404)
    assert_error(admin_api.get(f"/api/teams/{foreign_team.id}/invites"), 404)
    assert_error(admin_api.post("/api/teams/999999/invites", json={}), 404)
    assert count(Invite) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 91}, "expires_in_days"),
        ({"max_uses": 0}, "max_uses"),
        ({"max_uses": 501}, "max_uses"),
        ({"max_uses": "many"}, "max_uses"),
        ({"team_id": 1}, "team_id"),
    ],
)
def test_invalid_invite_is_refused(
    team: Team, admin_api: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = admin_api.post(f"/api/teams/{team.id}/invites", json=body)
    error = assert_error(response, 422)
    assert field in error["errors"]["json"]
    assert count(Invite) == 0


def test_invite_limits_are_inclusive(team: Team, admin_api: ApiClient) -> None:
    for body in ({"expires_in_days": 1, "max_uses": 1}, {"expires_in_days": 90, "max_uses": 500}):
        assert admin_api.post(f"/api/teams/{team.id}/invites", json=body).status_code == 201
    assert count(Invite) == 2


def test_team_invites_are_listed_newest_first(team: Team, admin_api: ApiClient) -> None:
    first = admin_api.post(f"/api/teams/{team.id}/invites", json={}).json
    second = admin_api.post(f"/api/teams/{team.id}/invites", json={"role": "lead"}).json
    listed = admin_api.get(f"/api/teams/{team.id}/invites")
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json] == [second["id"], first["id"]]
    # The list never repeats the link: it cannot, only the hash is kept.
    assert all("url" not in i and "qr_svg" not in i for i in listed.json)


# -- unusable invites ----------------------------------------------------------------


def _expired(team: Team, admin_api: ApiClient) -> tuple[Invite, str]:
    return make_invite(team, expires_at=utcnow() - timedelta(seconds=1))


def _revoked(team: Team, admin_api: ApiClient) -> tuple[Invite, str]:
    invite, token = make_invite(team)
    response = admin_api.delete(f"/api/invites/{invite.id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    return invite, token


def _used_up(team: Team, admin_api: ApiClient) -> tuple[Invite, str]:
    return make_invite(team, max_uses=2, uses=2)


@pytest.mark.parametrize("state", [_expired, _revoked, _used_up], ids=lambda f: f.__name__[1:])
def test_unusable_invite_is_not_found(
    app: Flask, team: Team, admin_api: ApiClient, state: Any
) -> None:
    invite, token = state(team, admin_api)
    uses = fresh(invite).uses
    people = count(Person)
    client = app.test_client()

    assert_error(client.get(f"/api/invites/{token}"), 404)
    response = accept(client, token)
    assert_error(response, 404)
    assert session_cookie(response) is None

    assert count(Person) == people
    assert count(DeviceSession) == 1  # only the admin's
    assert fresh(invite).uses == uses


def test_unknown_invite_is_not_found(app: Flask, team: Team) -> None:
    make_invite(team)
    client = app.test_client()
    assert_error(client.get("/api/invites/not-a-real-token"), 404)
    assert_error(accept(client, "not-a-real-token"), 404)
    assert count(Person) == 0
    assert count(DeviceSession) == 0


def test_revoking_marks_the_invite_and_is_idempotent(team: Team, admin_api: ApiClient) -> None:
    invite, _token = make_invite(team)
    assert admin_api.delete(f"/api/invites/{invite.id}").status_code == 204
    revoked_at = fresh(invite).revoked_at
    assert revoked_at is not None
    assert admin_api.delete(f"/api/invites/{invite.id}").status_code == 204
    assert fresh(invite).revoked_at == revoked_at
    listed = admin_api.get(f"/api/teams/{team.id}/invites").json
    assert [(i["id"], i["revoked"]) for i in listed] == [(invite.id, True)]


def test_revoking_is_limited_to_own_team_and_workplace(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    invite, token = make_invite(team)
    other_lead = make_person(Role.LEAD, team=make_team(workplace))
    foreign_admin = make_person(Role.ADMIN, workplace=make_workplace())
    member = make_person(Role.MEMBER, team=team)

    assert_error(signed_in_client(app, other_lead).delete(f"/api/invites/{invite.id}"), 404)
    assert_error(signed_in_client(app, foreign_admin).delete(f"/api/invites/{invite.id}"), 404)
    assert_error(signed_in_client(app, member).delete(f"/api/invites/{invite.id}"), 403)
    assert_error(app.test_client().delete(f"/api/invites/{invite.id}"), 401)
    assert fresh(invite).revoked_at is None
    assert app.test_client().get(f"/api/invites/{token}").status_code == 200

    own_lead = make_person(Role.LEAD, team=team)
    assert signed_in_client(app, own_lead).delete(f"/api/invites/{invite.id}").status_code == 204
    assert fresh(invite).revoked_at is not None


@pytest.mark.parametrize(
    "ref", ["abc", "999999", "%C2%B2", "9" * 30, "9" * 5000, "-1", "0"], ids=lambda r: r[:12]
)
def test_revoking_an_unknown_invite_is_not_found(
    team: Team, admin_api: ApiClient, ref: str
) -> None:
    invite, _token = make_invite(team)
    assert_error(admin_api.delete(f"/api/invites/{ref}"), 404)
    assert fresh(invite).revoked_at is None


# -- accepting -----------------------------------------------------------------------


def test_accepting_joins_the_team_and_signs_in(
    app: Flask, workplace: Workplace, team: Team
) -> None:
    invite, token = make_invite(team, role="lead", max_uses=5)
    client = app.test_client()
    response = accept(client, token, display_name="  Ada Lovelace  ")
    assert response.status_code == 201, response.json

    body = response.json
    person = body["person"]
    assert person["display_name"] == "Ada Lovelace"
    assert person["role"] == "lead"
    assert person["team"] == {"id": team.id, "name": "Packing"}
    assert person["workplace"] == {"id": workplace.id, "name": "Harbour Office"}
    assert person["language"] == "en"  # the workplace's, as none was given
    assert person["share_participation"] is False
    assert person["email"] is None
    assert person["has_password"] is False

    row = db.session.get(Person, person["id"])
    assert row is not None
    assert (row.team_id, row.workplace_id, row.role, row.language) == (
        team.id,
        workplace.id,
        "lead",
        "en",
    )
    assert row.display_name == "Ada Lovelace"
    assert fresh(invite).uses == 1

    cookie = session_cookie(response)
    assert cookie is not None
    attributes = cookie_attributes(cookie)
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert attributes["path"] == "/"
    device = db.session.scalar(sa.select(DeviceSession).where(DeviceSession.person_id == row.id))
    assert device is not None
    assert device.csrf_token == body["csrf_token"]
    assert device.token_hash == hashlib.sha256(cookie_value(cookie).encode()).hexdigest()

    # The cookie the response set is what signs this phone in from now on.
    phone = app.test_client()
    phone.set_cookie(COOKIE, cookie_value(cookie), domain="localhost")
    me = phone.get("/api/me")
    assert me.status_code == 200
    assert me.json["person"]["id"] == row.id
    assert me.json["csrf_token"] == body["csrf_token"]
    # ...and so is the client that accepted, which stored it.
    assert client.get("/api/me").json["person"]["id"] == row.id


def test_accepting_with_own_language_and_sharing(app: Flask, team: Team) -> None:
    _invite, token = make_invite(team)
    response = accept(app.test_client(), token, language="da", share_participation=True)
    assert response.status_code == 201, response.json
    assert response.json["person"]["language"] == "da"
    assert response.json["person"]["share_participation"] is True
    row = db.session.get(Person, response.json["person"]["id"])
    assert row is not None
    assert (row.language, row.share_participation, row.role) == ("da", True, "member")


def test_accepting_past_max_uses_is_not_found(app: Flask, team: Team) -> None:
    invite, token = make_invite(team, max_uses=2)
    assert accept(app.test_client(), token, display_name="One").status_code == 201
    assert accept(app.test_client(), token, display_name="Two").status_code == 201
    third = accept(app.test_client(), token, display_name="Three")
    assert_error(third, 404)
    assert session_cookie(third) is None
    assert fresh(invite).uses == 2
    assert sorted(db.session.scalars(sa.select(Person.display_name))) == ["One", "Two"]
    assert count(DeviceSession) == 2
    assert_error(app.test_client().get(f"/api/invites/{token}"), 404)


@pytest.mark.parametrize(("max_uses", "threads"), [(1, 6), (3, 8)])
def test_concurrent_accepts_never_exceed_max_uses(
    app: Flask, team: Team, max_uses: int, threads: int
) -> None:
    invite, token = make_invite(team, max_uses=max_uses)
    barrier = threading.Barrier(threads, timeout=30)
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def join(n: int) -> None:
        client = app.test_client()
        try:
            barrier.wait()
            response = accept(client, token, display_name=f"Racer {n}")
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # reported below, not lost in the thread
            with lock:
                failures.append(exc)

    workers = [threading.Thread(target=join, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)
    assert failures == []

    assert sorted(statuses) == [201] * max_uses + [404] * (threads - max_uses)
    assert fresh(invite).uses == max_uses
    assert count(Person, Person.team_id == team.id) == max_uses
    assert count(Person) == max_uses
    assert count(DeviceSession) == max_uses


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"display_name": "x" * 61}, "display_name"),
        ({"display_name": "x" * 200}, "display_name"),
        ({"display_name": 5}, "display_name"),
        ({"display_name": "Ada", "language": "fr"}, "language"),
        ({"display_name": "Ada", "share_participation": "yes"}, "share_participation"),
        ({"display_name": "Ada", "share_participation": None}, "share_participation"),
        ({"display_name": "Ada", "role": "admin"}, "role"),
        ({"display_name": "Ada", "team_id": 1}, "team_id"),
    ],
)
def test_bad_acceptance_is_refused_and_creates_nothing(
    app: Flask, team: Team, body: dict[str, Any], field: str
) -> None:
    invite, token = make_invite(team)
    response = app.test_client().post(f"/api/invites/{token}/accept", json=body)
    error = assert_error(response, 422)
    assert field in error["errors"]["json"]
    assert session_cookie(response) is None
    assert count(Person) == 0
    assert count(DeviceSession) == 0
    assert fresh(invite).uses == 0


def test_display_name_of_sixty_characters_is_accepted(app: Flask, team: Team) -> None:
    _invite, token = make_invite(team)
    response = accept(app.test_client(), token, display_name="x" * 60)
    assert response.status_code == 201, response.json
    assert count(Person, Person.display_name == "x" * 60) == 1
