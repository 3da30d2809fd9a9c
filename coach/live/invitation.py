"""The "join" push when a session starts: once, through the reminders' delivery path,
to the team's members who are subscribed and have not trained today.

Sent from a thread of its own, so the host's start answers at once; the delivery path
ends every send within ``PUSH_NOW_SECONDS`` (4 s), so the push is out within 5 s.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import date

import sqlalchemy as sa
from flask import Flask, current_app

from coach.accounts.models import Person
from coach.coaching.models import WorkoutSet
from coach.extensions import db
from coach.reminders.service import PushMessage, push_to_people

log = logging.getLogger(__name__)

TEXTS = {
    "da": {
        "title": "Fælles træning nu",
        "body": "{host} leder træningen — vær med",
        "join": "Vær med",
    },
    "en": {
        "title": "Training together now",
        "body": "{host} is leading training — join",
        "join": "Join",
    },
}


def join_message(language: str, session_id: uuid.UUID, host_name: str) -> PushMessage:
    text = TEXTS.get(language, TEXTS["da"])
    return PushMessage(
        text["title"],
        text["body"].format(host=host_name),
        f"/session/{session_id}",
        f"coach-live-{session_id}",
        language if language in TEXTS else "da",
        (("join", text["join"]),),
    )


def invitees(team_id: int, host_id: int, day: date) -> list[int]:
    """The team's people but the host who have logged nothing on ``day`` (the team's
    day); whether they have a device is for the delivery path to find out."""
    trained = sa.select(WorkoutSet.person_id).where(
        WorkoutSet.person_id == Person.id, WorkoutSet.local_date == day
    )
    return list(
        db.session.scalars(
            sa.select(Person.id).where(
                Person.team_id == team_id, Person.id != host_id, ~sa.exists(trained)
            )
        )
    )


def _send(
    app: Flask, session_id: uuid.UUID, team_id: int, host_id: int, host: str, day: date
) -> None:
    with app.app_context():
        try:
            people = invitees(team_id, host_id, day)
            push_to_people(
                people,
                lambda language: join_message(language, session_id, host),
                # A later session's invitation replaces one still queued for the team.
                topic=f"live{team_id}",
                ttl_seconds=15 * 60,
            )
        except Exception:
            log.exception("the join push of session %s failed", session_id)
        finally:
            db.session.remove()
            RUNNING.discard(threading.current_thread())


# The invitation threads still running (tests wait for them before the tables empty).
RUNNING: set[threading.Thread] = set()


def invite_team(
    session_id: uuid.UUID, team_id: int, host_id: int, host: str, day: date
) -> threading.Thread:
    """Start sending the join push; returns the thread (tests wait for it)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=_send, args=(app, session_id, team_id, host_id, host, day), daemon=True
    )
    RUNNING.add(thread)
    thread.start()
    return thread
