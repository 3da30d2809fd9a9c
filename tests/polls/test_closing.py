"""A poll closes and its result applies exactly once, even when two workers' passes
and a member's read meet at the closing instant, each on its own connection; and the
pushes: "a poll opened" once, "the result" once, in each person's language."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from coach.database import utcnow
from coach.extensions import db
from coach.polls import closing
from coach.polls.models import ChosenPhase, Poll, PollVote
from tests.polls.conftest import VARIANT, World, past
from tests.reminders.conftest import push  # noqa: F401
from tests.reminders.push_service import PushService


def subscribe(world: World, service: PushService) -> dict[int, str]:
    """A phone for the lead and every member; device name by person."""
    devices = {}
    for person in (world.lead, *world.members):
        name = f"phone-{person.id}"
        added = world.api(person).post(
            "/api/push/subscriptions", json=service.new_browser(name).subscription()
        )
        assert added.status_code == 201
        devices[person.id] = name
    return devices


def wait_for(service: PushService, count: int, seconds: float = 6) -> None:
    deadline = time.monotonic() + seconds
    while len(service.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # and nothing more comes after


def test_opening_pushes_the_members_once_in_their_language(
    world: World,
    push: PushService,  # noqa: F811
) -> None:
    devices = subscribe(world, push)
    world.open_poll()
    wait_for(push, 3)
    got = {m.device: m.payload for m in push.received}
    assert set(got) == {devices[m.id] for m in world.members}  # not the lead who opened it
    anna, bo = world.members[0], world.members[1]
    assert got[devices[anna.id]]["title"] == "Holdet stemmer"
    assert got[devices[bo.id]]["title"] == "Your team is voting"
    assert "week 5" in got[devices[bo.id]]["body"]
    assert got[devices[bo.id]]["url"] == "/team/polls"


def test_two_workers_and_a_read_at_the_closing_instant_apply_the_result_once(
    app: Flask,
    world: World,
    push: PushService,  # noqa: F811
) -> None:
    poll = world.open_poll()
    for person, option in zip(world.members, (1, 1, 0), strict=True):
        world.api(person).put(f"/api/polls/{poll['id']}/vote", json={"option": option})
    devices = subscribe(world, push)  # after the opening push, which went to nobody
    instant = utcnow()
    past(poll["id"], instant)
    reader = world.api(world.members[2])
    polls_path = f"/api/teams/{world.team.id}/polls"
    start = threading.Barrier(3)
    closed_by: list[int] = []
    reads: list[dict] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                start.wait()
                closed_by.append(closing.pass_step(instant + timedelta(milliseconds=1)))
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    def read() -> None:
        try:
            start.wait()
            reads.append(reader.get(polls_path).json[0])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=t) for t in (worker, worker, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sum(closed_by) <= 1  # at most one pass closed it; else the read did
    assert reads[0]["status"] == "decided" and reads[0]["winner"] == 1
    assert [o["votes"] for o in reads[0]["options"]] == [1, 2]

    db.session.expire_all()
    assert db.session.get_one(Poll, poll["id"]).status == "decided"
    [chosen] = db.session.scalars(sa.select(ChosenPhase)).all()
    assert chosen.exercises == VARIANT and chosen.votes == 2 and chosen.voted == 3
    wait_for(push, len(devices))
    assert sorted(m.device for m in push.received) == sorted(devices.values())  # once each
    bo = world.members[1]
    [to_bo] = [m.payload for m in push.received if m.device == devices[bo.id]]
    assert to_bo["title"] == "Your team has chosen"
    assert "Front raise" in to_bo["body"] and "2 of 3 votes" in to_bo["body"]


def test_a_vote_racing_the_close_is_counted_or_refused_never_lost(app: Flask, world: World) -> None:
    poll = world.open_poll()
    anna = world.api(world.members[0])
    vote_path = f"/api/polls/{poll['id']}/vote"
    start = threading.Barrier(2)
    answers: list[int] = []
    errors: list[BaseException] = []

    def close() -> None:
        try:
            with app.app_context():
                start.wait()
                closing.close_poll(poll["id"], utcnow(), early=True)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    def vote() -> None:
        try:
            start.wait()
            answers.append(anna.put(vote_path, json={"option": 0}).status_code)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=close), threading.Thread(target=vote)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    db.session.expire_all()
    stored = db.session.query(PollVote).count()
    counted = db.session.get_one(Poll, poll["id"]).voted
    assert (answers, stored, counted) in (([200], 1, 1), ([409], 0, 0))
