"""Nobody learns who voted for what: not a member, not the lead, not the admin, not a
stranger. The walk reads every GET route of the app (a new endpoint is walked too) and
the vote's own answer, as each role, in worlds that differ only in how the *other*
people voted; every answer must be the same in all of them. While the poll is open
the worlds may even differ in the counts (only the turnout shows); after it closed,
in who cast which of the counted votes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from flask import Flask

from coach.accounts.models import Person
from coach.database import utcnow
from coach.extensions import db
from coach.polls import closing
from coach.polls.models import PollVote
from tests.factories import ApiClient
from tests.polls.conftest import World
from tests.teams.test_privacy import _get_paths

Walk = dict[str, str]
# Answers that change from one read to the next whatever the votes: the clock.
VOLATILE = re.compile(r'"(server_time|last_seen_at|renewed_at|expires_at)":\s*"[^"]*"')


def set_votes(poll_id: int, votes: dict[int, int]) -> None:
    """The ballots behind the services' backs; one that stays the same is not touched
    (the asker's own export shows when they voted)."""
    for person, option in votes.items():
        ballot = db.session.get(PollVote, (poll_id, person))
        if ballot is None:
            db.session.add(PollVote(poll_id=poll_id, person_id=person, option=option))
        elif ballot.option != option:
            ballot.option = option
    db.session.commit()


def walk(app: Flask, api: ApiClient, paths: list[str], vote_path: str, my_vote: int | None) -> Walk:
    answers = {}
    for path in paths:
        response = api.get(path)
        answers[path] = (
            f"{response.status_code} {VOLATILE.sub('', response.get_data(as_text=True))}"
        )
    if my_vote is not None:  # the asker's own vote again: its answer is the poll too
        response = api.put(vote_path, json={"option": my_vote})
        answers[f"PUT {vote_path}"] = f"{response.status_code} {response.get_data(as_text=True)}"
    return answers


def worlds(votes: dict[int, int], asker: int | None) -> list[dict[int, int]]:
    """Every way the others could have cast the same votes (the asker's stays)."""
    others = [p for p in votes if p != asker]
    found = []
    for order in sorted(set(itertools.permutations([votes[p] for p in others]))):
        found.append({**votes, **dict(zip(others, order, strict=True))})
    return found


def askers(world: World) -> dict[str, Callable[[], ApiClient]]:
    return {
        "member": lambda: world.api(world.members[0]),
        "lead": lambda: world.api(world.lead),
        "admin": lambda: world.api(world.admin),
        "anonymous": lambda: ApiClient(world.app.test_client()),
    }


def person_of(world: World, role: str) -> Person | None:
    return {"member": world.members[0], "lead": world.lead}.get(role)


@pytest.mark.parametrize("role", ["member", "lead", "admin", "anonymous"])
def test_no_answer_to_anyone_reveals_who_voted_for_what(
    app: Flask, world: World, role: str
) -> None:
    poll = world.open_poll()
    lead, (anna, bo, cai) = world.lead, world.members
    known = {lead.id: 0, anna.id: 1, bo.id: 1, cai.id: 0}
    asker = person_of(world, role)
    asker_id = asker.id if asker else None
    api = askers(world)[role]()
    values = {
        "team_id": str(world.team.id),
        "ref": "no-such",
        "slug": "lateral-raise",
        "exercise": "lateral-raise",
        "token": "no-such-token",
    }
    paths = _get_paths(app, values)
    polls_path = f"/api/teams/{world.team.id}/polls"
    assert polls_path in paths and f"/api/teams/{world.team.id}/program" in paths
    vote_path = f"/api/polls/{poll['id']}/vote"
    mine = known.get(asker_id) if asker_id else None

    # Open: any votes of the others with the same turnout look the same.
    other_counts = {**known, **{p: 1 for p in known if p != asker_id}}
    open_worlds = [*worlds(known, asker_id), other_counts]
    seen = []
    for votes in open_worlds:
        set_votes(poll["id"], votes)
        seen.append(walk(app, api, paths, vote_path, mine))
    assert all(answers == seen[0] for answers in seen), role
    if role != "anonymous":
        [shown] = [p for p in api.get(polls_path).json if p["id"] == poll["id"]]
        assert shown["turnout"] == {"voted": 4, "eligible": 4}
        assert all(o["votes"] is None for o in shown["options"])
        assert shown["my_vote"] == mine

    # Closed: the counts show, and no answer says whose they are.
    set_votes(poll["id"], known)
    assert closing.close_poll(poll["id"], utcnow(), early=True)
    seen = []
    for votes in worlds(known, asker_id):
        set_votes(poll["id"], votes)  # the ballots kept after the count, swapped around
        seen.append(walk(app, api, paths, vote_path, None))
    assert all(answers == seen[0] for answers in seen), role
    if role != "anonymous":
        [shown] = [p for p in api.get(polls_path).json if p["id"] == poll["id"]]
        assert [o["votes"] for o in shown["options"]] == [2, 2]
        assert shown["my_vote"] == mine
        for name in ("Member Bo", "Member Cai"):
            assert all(name not in text for text in seen[0].values() if "polls" in text)
