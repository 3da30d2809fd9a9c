"""The "join" push: one, within 5 s of the start, to subscribed members who have not
trained today, through the reminders' delivery path."""

from __future__ import annotations

import time
import uuid

from flask import Flask

from coach.coaching.models import WorkoutSet
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.participation import workplace_today
from tests.factories import make_person, make_team, signed_in_client
from tests.reminders.conftest import push  # noqa: F401
from tests.reminders.push_service import PushService


def test_the_start_pushes_join_to_members_who_have_not_trained(
    app: Flask,
    push: PushService,  # noqa: F811
) -> None:
    team = make_team(name="Packing", program="office-daily-5")
    team.program_started_on = today = workplace_today(team.workplace)
    db.session.commit()
    host = make_person(Role.LEAD, team=team, display_name="Hanne")
    waiting = make_person(Role.MEMBER, team=team, language="en")
    trained = make_person(Role.MEMBER, team=team)
    for person, device in ((host, "host"), (waiting, "waiting"), (trained, "trained")):
        api = signed_in_client(app, person)
        added = api.post("/api/push/subscriptions", json=push.new_browser(device).subscription())
        assert added.status_code == 201, added.json
    db.session.add(
        WorkoutSet(
            id=uuid.uuid4(),
            person_id=trained.id,
            exercise="lateral-raise",
            performed_at=utcnow(),
            local_date=today,
            reps=12,
            band_level="red",
        )
    )
    db.session.commit()

    started_at = time.monotonic()
    doc = signed_in_client(app, host).post(f"/api/teams/{team.id}/sessions").json
    while not push.received and time.monotonic() - started_at < 5:
        time.sleep(0.02)
    assert time.monotonic() - started_at < 5
    time.sleep(0.3)  # nothing else may follow

    [message] = push.received
    assert message.device == "waiting"
    assert message.payload["url"] == f"/session/{doc['id']}"
    assert message.payload["body"] == "Hanne is leading training — join"
    assert message.payload["actions"] == [{"action": "join", "title": "Join"}]
