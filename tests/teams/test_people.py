"""An admin removes a person who leaves: every device of theirs is signed out at once,
nothing lets them back in, and their personal data is erased as if they had erased
themselves, while their team's anonymous weekly totals keep their sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import Conflict

from coach.accounts.models import DeviceSession, Invite, Passkey, Person, SignInLink
from coach.coaching.models import CheckIn, WorkoutSet
from coach.coaching.own_data import keep_an_admin
from coach.coaching.team_totals import TeamWeekTotal
from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.models import NextReminder, PushSubscription
from coach.reminders.schedule import refresh_people
from coach.teams.models import Team
from tests.factories import (
    AUTH,
    P256DH,
    PASSWORD,
    ApiClient,
    assert_error,
    make_invite,
    make_person,
    make_team,
    make_workplace,
    signed_in_client,
)
from tests.teams.participation_fixtures import check_in, long_ago, train, weeks_back


def count(model: type, *where: object) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def sign_in_with_password(app: Flask, email: str) -> ApiClient:
    """A device signed in as a person would: the sign-in form, its cookie, its token."""
    client = app.test_client()
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    return ApiClient(client, response.json["csrf_token"])


def send(app: Flask, api: ApiClient, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
    """One request in a fresh app context, as in production."""
    db.session.rollback()
    with app.app_context():
        response = api.request(method, path, **kwargs)
    db.session.rollback()
    return response


@pytest.fixture
def leaver_world(app: Flask):  # type: ignore[no-untyped-def]
    workplace = make_workplace(name="Harbour Office")
    team = make_team(workplace, name="Packing")
    admin = make_person(Role.ADMIN, workplace=workplace, display_name="Admin Ada")
    leaver = make_person(
        Role.LEAD, team=team, display_name="Leo Leaves", with_password=True, created_at=long_ago()
    )
    stays = make_person(team=team, display_name="Stina Stays", created_at=long_ago())
    w1, w0 = weeks_back(team, 2)
    train(leaver, [w1, w1 + timedelta(days=1), w0])
    train(stays, [w0])
    check_in(leaver, w0, neck=6, shoulder=4)
    db.session.add_all(
        [
            Passkey(
                person_id=leaver.id, credential_id="leo-cred", public_key=b"\x01", name="Phone"
            ),
            *(
                PushSubscription(
                    person_id=someone.id,
                    endpoint=f"https://127.0.0.1:1/{someone.id}",
                    p256dh=P256DH,
                    auth=AUTH,
                )
                for someone in (leaver, stays)
            ),
        ]
    )
    _invite, invite_token = make_invite(team, created_by_id=leaver.id)
    db.session.commit()
    refresh_people([leaver.id, stays.id])
    db.session.commit()
    return admin, leaver, stays, team, invite_token


def test_removing_a_person_signs_out_both_their_devices_and_erases_them(
    app: Flask, leaver_world
) -> None:  # type: ignore[no-untyped-def]
    admin, leaver, stays, team, invite_token = leaver_world
    leaver_id, stays_id, team_id, email = leaver.id, stays.id, team.id, leaver.email
    phone = sign_in_with_password(app, email)
    laptop = sign_in_with_password(app, email)
    for device in (phone, laptop):
        assert send(app, device, "GET", "/api/me").status_code == 200
    link = send(app, phone, "POST", "/api/me/sign-in-links")
    assert link.status_code == 201
    link_token = link.json["url"].rsplit("/", 1)[1]
    assert count(NextReminder, NextReminder.person_id == leaver_id) == 1
    assert count(NextReminder, NextReminder.person_id == stays_id) == 1
    sessions_before = db.session.scalar(
        sa.select(sa.func.sum(TeamWeekTotal.sessions)).where(TeamWeekTotal.team_id == team_id)
    )
    assert sessions_before is None  # nothing folded yet: the leaver's sessions are live
    before = send(app, signed_in_client(app, admin), "GET", f"/api/teams/{team_id}/participation")
    sessions_per_week = [week["sessions"] for week in before.json["weeks"]]

    admin_api = signed_in_client(app, admin)
    listed = send(app, admin_api, "GET", "/api/people")
    assert listed.status_code == 200
    row = next(p for p in listed.json if p["id"] == leaver_id)
    assert row["display_name"] == "Leo Leaves"
    assert row["role"] == "lead" and row["team"] == {"id": team_id, "name": "Packing"}
    assert set(row) == {"id", "display_name", "role", "team", "joined_at"}  # no figure

    removed = send(app, admin_api, "DELETE", f"/api/people/{leaver_id}")
    assert removed.status_code == 204, removed.get_data(as_text=True)

    # both devices are signed out at once, and nothing signs them in again
    for device in (phone, laptop):
        assert_error(send(app, device, "GET", "/api/me"), 401)
        assert_error(send(app, device, "POST", "/api/me/sets", json={}), 401)
    again = app.test_client().post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert_error(again, 401)
    assert_error(app.test_client().post(f"/api/auth/sign-in-links/{link_token}"), 404)
    # the invites they made are withdrawn
    assert_error(app.test_client().get(f"/api/invites/{invite_token}"), 404)
    assert db.session.scalar(sa.select(Invite.revoked_at)) is not None
    # everything that named them is gone: account, sessions, links, passkeys, pushes,
    # the next reminder, training and pain
    assert db.session.get(Person, leaver_id) is None
    for model in (DeviceSession, SignInLink, Passkey, PushSubscription, NextReminder):
        assert count(model, model.person_id == leaver_id) == 0, model.__name__
    assert count(WorkoutSet, WorkoutSet.person_id == leaver_id) == 0
    assert count(CheckIn, CheckIn.person_id == leaver_id) == 0
    assert count(CheckIn) == 0  # pain is never kept, not even without a name
    # the colleague keeps everything, and the team's weeks keep the leaver's sessions
    assert count(WorkoutSet, WorkoutSet.person_id == stays_id) == 1
    assert count(NextReminder, NextReminder.person_id == stays_id) == 1
    assert db.session.get(Team, team_id) is not None
    after = send(app, admin_api, "GET", f"/api/teams/{team_id}/participation")
    assert [week["sessions"] for week in after.json["weeks"]] == sessions_per_week
    assert "Leo Leaves" not in after.get_data(as_text=True)
    names = [p["display_name"] for p in send(app, admin_api, "GET", "/api/people").json]
    assert names == ["Admin Ada", "Stina Stays"]
    # the admin's own session goes on
    assert send(app, admin_api, "GET", "/api/me").status_code == 200


def test_an_admin_cannot_remove_themselves_and_another_admin_is_removed(app: Flask) -> None:
    workplace = make_workplace()
    admin = make_person(Role.ADMIN, workplace=workplace)
    co_admin = make_person(Role.ADMIN, workplace=workplace)
    admin_id, co_admin_id = admin.id, co_admin.id
    admin_api = signed_in_client(app, admin)
    co_admin_api = signed_in_client(app, co_admin)

    body = assert_error(send(app, admin_api, "DELETE", f"/api/people/{admin_id}"), 409)
    assert "dig selv" in body["message"]  # in the admin's Danish
    assert db.session.get(Person, admin_id) is not None

    assert send(app, admin_api, "DELETE", f"/api/people/{co_admin_id}").status_code == 204
    assert_error(send(app, co_admin_api, "GET", "/api/me"), 401)
    assert send(app, admin_api, "GET", "/api/me").status_code == 200


def test_the_last_admin_is_never_taken_away(app: Flask) -> None:
    """Through the API a remover is always another admin; two admins removing each other
    at once are what this guards: the second one finds the target the last admin."""
    workplace = make_workplace()
    admin = make_person(Role.ADMIN, workplace=workplace)
    with pytest.raises(Conflict):
        keep_an_admin(admin, "That is the workplace's only admin.")
    assert db.session.get(Person, admin.id) is not None


def test_people_of_another_workplace_are_not_found(app: Flask) -> None:
    admin = make_person(Role.ADMIN, workplace=make_workplace())
    stranger = make_person(team=make_team(make_workplace()))
    stranger_id = stranger.id
    admin_api = signed_in_client(app, admin)
    assert_error(send(app, admin_api, "DELETE", f"/api/people/{stranger_id}"), 404)
    assert_error(send(app, admin_api, "DELETE", "/api/people/999999"), 404)
    assert db.session.get(Person, stranger_id) is not None
    assert [p["id"] for p in send(app, admin_api, "GET", "/api/people").json] == [admin.id]
