"""The polls' contract: who may open, see, vote, close and decide; validation with the
field that is wrong; one open poll per kind; votes refused from the closing instant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coach.database import utcnow
from coach.extensions import db
from coach.polls.models import Poll, PollVote
from tests.factories import assert_error
from tests.polls.conftest import AS_WRITTEN, VARIANT, World, exercises_poll, past, soon, time_poll


def test_a_lead_opens_a_poll_from_the_suggestions_and_members_see_turnout_only(
    world: World,
) -> None:
    lead = world.api(world.lead)
    suggested = lead.get(f"/api/teams/{world.team.id}/polls/suggestions?kind=exercises")
    assert suggested.status_code == 200
    body = suggested.json
    assert body["phase"]["first_week"] == 5 and body["phase"]["last_week"] == 8
    sets = [option["exercises"] for option in body["options"]]
    assert sets[0] == AS_WRITTEN  # the phase as written comes first
    assert VARIANT in sets
    assert body["options"][0]["names"][0] == "Lateral raise"  # the lead's language

    poll = world.open_poll(options=[{"exercises": sets[0]}, {"exercises": sets[1]}])
    assert poll["status"] == "open" and poll["kind"] == "exercises"
    assert poll["phase"]["first_week"] == 5
    assert [o["index"] for o in poll["options"]] == [0, 1]
    assert poll["options"][0]["exercises"] == AS_WRITTEN

    member = world.api(world.members[0])
    [seen] = member.get(f"/api/teams/{world.team.id}/polls").json
    assert seen["id"] == poll["id"]
    assert seen["turnout"] == {"voted": 0, "eligible": 4}  # the lead and three members
    assert all(option["votes"] is None for option in seen["options"])
    assert seen["my_vote"] is None and seen["winner"] is None
    assert seen["may_vote"] is True and seen["may_manage"] is False
    assert seen["options"][0]["names"][0] == "Sideløft"  # the member's language


def test_who_may_open_a_poll(world: World) -> None:
    path = f"/api/teams/{world.team.id}/polls"
    assert_error(world.api(world.members[0]).post(path, json=exercises_poll()), 403)
    assert_error(world.api(world.outsider).post(path, json=exercises_poll()), 404)
    assert_error(world.app.test_client().post(path, json=exercises_poll()), 401)
    assert world.api(world.admin).post(path, json=time_poll()).status_code == 201
    assert_error(world.api(world.outsider).get(path), 404)
    assert_error(world.api(world.members[0]).get(f"{path}/suggestions?kind=exercises"), 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"options": [{"exercises": ["no-such-move", *AS_WRITTEN[1:]]}, {"exercises": VARIANT}]},
            ["options", "0", "exercises", "0"],
        ),
        # squat is no alternative of lateral raise; a hold cannot stand in for reps
        (
            {"options": [{"exercises": ["squat", *AS_WRITTEN[1:]]}, {"exercises": VARIANT}]},
            ["options", "0", "exercises", "0"],
        ),
        (
            {"options": [{"exercises": AS_WRITTEN}, {"exercises": AS_WRITTEN[:3]}]},
            ["options", "1", "exercises"],
        ),
        ({"options": [{"exercises": AS_WRITTEN}, {"exercises": AS_WRITTEN}]}, ["options", "1"]),
        ({"options": [{"exercises": AS_WRITTEN}]}, ["options"]),
        (
            {"options": [{"exercises": AS_WRITTEN}, {"time": "11:00", "days": [1]}]},
            ["options", "1"],
        ),
        ({"closes_at": (utcnow() - timedelta(minutes=1)).isoformat()}, ["closes_at"]),
        ({"closes_at": (utcnow() + timedelta(days=15)).isoformat()}, ["closes_at"]),
        # after the next phase has begun (it starts within 7 days)
        ({"closes_at": (utcnow() + timedelta(days=8)).isoformat()}, ["closes_at"]),
        ({"closes_at": "2030-01-01T10:00:00"}, ["closes_at"]),  # no offset
        ({"kind": "music"}, ["kind"]),
        ({"question": "x" * 201}, ["question"]),
    ],
)
def test_an_invalid_poll_is_refused_with_the_field_that_is_wrong(
    world: World, change: dict, field: list[str]
) -> None:
    response = world.api(world.lead).post(
        f"/api/teams/{world.team.id}/polls", json=exercises_poll(**change)
    )
    errors = assert_error(response, 422)["errors"]["json"]
    for key in field:
        assert key in errors, (field, errors)
        errors = errors[key]
    assert db.session.query(Poll).count() == 0


def test_time_options_are_checked_too(world: World) -> None:
    path = f"/api/teams/{world.team.id}/polls"
    lead = world.api(world.lead)
    bad_day = time_poll(options=[{"time": "11:25", "days": [0]}, {"time": "12:00", "days": [1]}])
    assert "options" in assert_error(lead.post(path, json=bad_day), 422)["errors"]["json"]
    bad_time = time_poll(options=[{"time": "25:00", "days": [1]}, {"time": "12:00", "days": [1]}])
    assert "options" in assert_error(lead.post(path, json=bad_time), 422)["errors"]["json"]
    same = time_poll(options=[{"time": "12:00", "days": [2, 1]}, {"time": "12:00", "days": [1, 2]}])
    assert "1" in assert_error(lead.post(path, json=same), 422)["errors"]["json"]["options"]


def test_one_open_poll_of_each_kind(world: World) -> None:
    world.open_poll()
    lead = world.api(world.lead)
    path = f"/api/teams/{world.team.id}/polls"
    assert_error(lead.post(path, json=exercises_poll()), 409)
    assert lead.post(path, json=time_poll()).status_code == 201
    assert_error(world.api(world.admin).post(path, json=time_poll()), 409)


def test_voting_changing_and_withdrawing(world: World) -> None:
    poll = world.open_poll()
    anna = world.api(world.members[0])
    path = f"/api/polls/{poll['id']}/vote"
    first = anna.put(path, json={"option": 1})
    assert first.status_code == 200
    assert first.json["my_vote"] == 1 and first.json["turnout"]["voted"] == 1
    assert first.json["options"][1]["votes"] is None  # no counts while open
    again = anna.put(path, json={"option": 1})  # idempotent
    assert again.json["my_vote"] == 1 and again.json["turnout"]["voted"] == 1
    assert anna.put(path, json={"option": 0}).json["my_vote"] == 0
    assert db.session.query(PollVote).count() == 1
    bo = world.api(world.members[1]).put(path, json={"option": 1}).json
    assert bo["my_vote"] == 1 and bo["turnout"]["voted"] == 2
    # the lead votes like anyone; a vote names only the asker's own choice
    assert world.api(world.lead).get(f"/api/teams/{world.team.id}/polls").json[0]["my_vote"] is None
    withdrawn = anna.delete(path)
    assert withdrawn.status_code == 200
    assert withdrawn.json["my_vote"] is None and withdrawn.json["turnout"]["voted"] == 1
    assert anna.delete(path).status_code == 200  # nothing to withdraw: still fine


def test_who_may_vote(world: World) -> None:
    poll = world.open_poll()
    path = f"/api/polls/{poll['id']}/vote"
    assert_error(world.api(world.admin).put(path, json={"option": 0}), 403)  # not a member
    assert_error(world.api(world.outsider).put(path, json={"option": 0}), 404)
    assert_error(world.app.test_client().put(path, json={"option": 0}), 401)
    assert_error(world.api(world.members[0]).put(path, json={"option": 2}), 422)
    assert_error(world.api(world.members[0]).put(path, json={"option": "0"}), 422)
    assert_error(world.api(world.members[0]).put("/api/polls/999999/vote", json={"option": 0}), 404)
    assert world.api(world.lead).put(path, json={"option": 0}).status_code == 200


def test_a_vote_after_the_closing_instant_is_refused_before_anyone_closed_the_poll(
    world: World,
) -> None:
    poll = world.open_poll()
    past(poll["id"])
    assert db.session.get_one(Poll, poll["id"]).status == "open"
    refused = world.api(world.members[0]).put(f"/api/polls/{poll['id']}/vote", json={"option": 0})
    assert_error(refused, 409)
    assert db.session.query(PollVote).count() == 0
    assert_error(world.api(world.members[0]).delete(f"/api/polls/{poll['id']}/vote"), 409)


def test_closing_counts_and_the_winner_applies(world: World) -> None:
    poll = world.open_poll()
    for person, option in zip(world.members, (1, 1, 0), strict=True):
        world.api(person).put(f"/api/polls/{poll['id']}/vote", json={"option": option})
    assert_error(world.api(world.members[0]).post(f"/api/polls/{poll['id']}/close"), 403)
    closed = world.api(world.lead).post(f"/api/polls/{poll['id']}/close")
    assert closed.status_code == 200
    body = closed.json
    assert body["status"] == "decided" and body["winner"] == 1
    assert [o["votes"] for o in body["options"]] == [1, 2]
    assert body["turnout"] == {"voted": 3, "eligible": 4}
    # closing again changes nothing; voting now is refused
    assert world.api(world.lead).post(f"/api/polls/{poll['id']}/close").json == {
        **body,
        "may_manage": True,
    } | {"my_vote": None}
    assert_error(
        world.api(world.members[0]).put(f"/api/polls/{poll['id']}/vote", json={"option": 0}), 409
    )
    program = world.api(world.members[0]).get(f"/api/teams/{world.team.id}/program").json
    chosen = [phase for phase in program["phases"] if phase["first_week"] == 5]
    assert [e["slug"] for e in chosen[0]["exercises"]] == VARIANT
    assert chosen[0]["chosen"] == {"votes": 2, "voted": 3, "eligible": 4}
    assert_error(
        world.api(world.lead).post(f"/api/polls/{poll['id']}/decide", json={"option": 0}), 422
    )


def test_a_tie_waits_for_the_lead_who_chooses_among_the_tied(world: World) -> None:
    poll = world.open_poll(
        options=[
            {"exercises": AS_WRITTEN},
            {"exercises": VARIANT},
            {"exercises": ["upright-row", *AS_WRITTEN[1:]]},
        ]
    )
    world.api(world.members[0]).put(f"/api/polls/{poll['id']}/vote", json={"option": 0})
    world.api(world.members[1]).put(f"/api/polls/{poll['id']}/vote", json={"option": 2})
    closed = world.api(world.admin).post(f"/api/polls/{poll['id']}/close").json
    assert closed["status"] == "closed" and closed["winner"] is None
    assert closed["tied"] == [0, 2]
    decide = f"/api/polls/{poll['id']}/decide"
    assert_error(world.api(world.members[0]).post(decide, json={"option": 0}), 403)
    wrong = assert_error(world.api(world.lead).post(decide, json={"option": 1}), 422)
    assert "option" in wrong["errors"]["json"]
    decided = world.api(world.lead).post(decide, json={"option": 2}).json
    assert decided["status"] == "decided" and decided["winner"] == 2
    program = world.api(world.lead).get(f"/api/teams/{world.team.id}/program").json
    [phase] = [p for p in program["phases"] if p["first_week"] == 5]
    assert phase["exercises"][0]["slug"] == "upright-row"
    assert phase["chosen"] == {"votes": 1, "voted": 2, "eligible": 4}


def test_a_poll_past_its_instant_closes_on_read(world: World) -> None:
    poll = world.open_poll()
    world.api(world.members[0]).put(f"/api/polls/{poll['id']}/vote", json={"option": 1})
    past(poll["id"])
    [read] = world.api(world.members[1]).get(f"/api/teams/{world.team.id}/polls").json
    assert read["status"] == "decided" and read["winner"] == 1
    assert [o["votes"] for o in read["options"]] == [0, 1]
    # and a new poll of the kind may open again
    assert (
        world.api(world.lead)
        .post(f"/api/teams/{world.team.id}/polls", json=exercises_poll(closes_at=soon(3)))
        .status_code
        == 201
    )


def test_my_export_holds_my_own_vote_and_nobody_elses(world: World) -> None:
    poll = world.open_poll()
    world.api(world.members[0]).put(f"/api/polls/{poll['id']}/vote", json={"option": 1})
    world.api(world.members[1]).put(f"/api/polls/{poll['id']}/vote", json={"option": 0})
    text = world.api(world.members[0]).get("/api/me/export.csv").get_data(as_text=True)
    # the section ends where the next one (high-fives) begins
    section = text.split("# poll votes")[1].split("\n# ")[0].strip().splitlines()
    assert section[0] == "poll,kind,question,option,voted_at"
    assert [row.split(",")[:4] for row in section[1:]] == [
        [str(poll["id"]), "exercises", "Which exercises next?", "1"]
    ]
