"""Today's kept prescriptions (coach/coaching/today_cache.py) answer as a fresh
computation would, after every kind of write that could change them.

Each step keeps the day's prescriptions (a visit, then a second one served from them),
makes one write the way the phone, a lead, an admin or an operator makes it, and then
compares the next visit with a fresh computation: the kept prescriptions are made
invalid in the database (every row's ``computed_stamp``), so the rules run again. Both
languages are compared. A write that changes the prescriptions must change the fresh
answer (so the step proves something); a write of today that cannot change them must
leave the kept ones valid (so the cache still pays while a person trains).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Person
from coach.coaching.models import TodayCache, WorkoutSet
from coach.domain.roles import Role
from coach.extensions import db
from coach.polls.models import PollOption
from coach.teams.models import BandLevel, Team
from tests.catalogue.copies import copy_catalogue, edit_yaml
from tests.coaching.clock import JOINED, Clock
from tests.factories import ApiClient, make_person, make_team, make_tied_poll, signed_in_client

LANGUAGES = ("en", "da")


def _chosen_by_lead(team: Team, lead: ApiClient) -> None:
    """The team chose its exercises for weeks 5-8: upright rows for lateral raises (a
    lead decided a tied poll)."""
    poll = make_tied_poll(team)
    option = db.session.execute(
        sa.select(PollOption).where(PollOption.poll_id == poll.id, PollOption.index == 1)
    ).scalar_one()
    written = db.session.execute(
        sa.select(PollOption.value).where(PollOption.poll_id == poll.id, PollOption.index == 0)
    ).scalar_one()["exercises"]
    option.value = {"exercises": ["upright-row", *written[1:]]}
    db.session.commit()
    _ok(lead.post(f"/api/polls/{poll.id}/decide", json={"option": 1}))


@dataclass
class World:
    app: Flask
    clock: Clock
    person: Person
    team: Team
    member: ApiClient
    lead: ApiClient
    admin: ApiClient

    def visit(self, client: ApiClient | None = None) -> dict[str, dict[str, Any]]:
        """Today in both languages, as the phone asks for it."""
        answers = {}
        for language in LANGUAGES:
            response = (client or self.member).get(f"/api/me/today?lang={language}")
            assert response.status_code == 200, response.json
            answers[language] = response.json
        return answers

    def fresh(self, client: ApiClient | None = None) -> dict[str, dict[str, Any]]:
        """Today computed afresh: no kept prescriptions count."""
        db.session.execute(sa.update(TodayCache).values(computed_stamp=None))
        db.session.commit()
        return self.visit(client)

    def kept_valid(self) -> bool:
        row = db.session.execute(
            sa.select(TodayCache.stamp, TodayCache.computed_stamp).where(
                TodayCache.person_id == self.person.id
            )
        ).one()
        db.session.commit()
        return row.computed_stamp == row.stamp

    def log(self, slug: str = "lateral-raise", days_ago: int = 0, **values: Any) -> str:
        body = {
            "id": str(uuid.uuid4()),
            "exercise": slug,
            "performed_at": (self.clock.now - timedelta(days=days_ago, minutes=1)).isoformat(),
            **values,
        }
        response = self.member.post("/api/me/sets", json=body)
        assert response.status_code == 201, response.json
        return body["id"]


@pytest.fixture
def world(app: Flask, clock: Clock) -> World:
    team = make_team(program_started_on=JOINED.date())
    person = make_person(Role.MEMBER, team=team)
    person.created_at = JOINED
    db.session.commit()
    lead = make_person(Role.LEAD, team=team)
    admin = make_person(Role.ADMIN, workplace=team.workplace)
    world = World(
        app,
        clock,
        person,
        team,
        signed_in_client(app, person),
        signed_in_client(app, lead),
        signed_in_client(app, admin),
    )
    # A history the rules have something to say about: two sessions at the top of the
    # range (two-for-two), the last one yesterday.
    for day in (0, 2):
        clock.set(day)
        world.log(reps=20, band_level="red")
    clock.set(3)
    return world


def _prescriptions(answers: dict[str, dict[str, Any]]) -> list[Any]:
    return [(e["exercise"]["slug"], e["prescription"]) for e in answers["en"]["exercises"]] + [
        answers["en"]["cardio"],
        answers["en"]["date"],
    ]


def _step(world: World, write: Callable[[], object], changes: bool | None) -> None:
    """Keep today's prescriptions, make ``write``, and compare the next visit with a
    fresh computation. ``changes``: whether the write changes the prescriptions (None:
    it changes the day's other facts only, and the kept ones stay valid)."""
    before = world.visit()
    assert world.kept_valid()
    assert world.visit() == before  # served from the kept prescriptions
    write()
    if changes is None:
        assert world.kept_valid(), "a write of today made the kept prescriptions stale"
    after = world.visit()
    assert after == world.fresh()
    if changes is True:
        assert _prescriptions(after) != _prescriptions(before)
    elif changes is False:
        assert _prescriptions(after) == _prescriptions(before)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json if response.data else None


def test_the_phones_writes_of_today_keep_the_prescriptions(world: World) -> None:
    set_id = ""

    def log_today() -> None:
        nonlocal set_id
        set_id = world.log(reps=12, band_level="green")

    _step(world, log_today, None)
    _step(world, lambda: _ok(world.member.patch(f"/api/me/sets/{set_id}", json={"reps": 14})), None)
    _step(world, lambda: _ok(world.member.delete(f"/api/me/sets/{set_id}"), 204), None)
    cardio = {
        "id": str(uuid.uuid4()),
        "activity": "walking",
        "minutes": 20,
        "effort": 3,
        "performed_at": (world.clock.now - timedelta(minutes=5)).isoformat(),
    }
    _step(world, lambda: _ok(world.member.post("/api/me/cardio", json=cardio), 201), None)
    _step(world, lambda: _ok(world.member.delete(f"/api/me/cardio/{cardio['id']}"), 204), None)
    _step(world, lambda: _ok(world.member.put("/api/me/reminders", json={"enabled": False})), None)


def test_sets_of_earlier_days_reach_the_kept_prescriptions(world: World) -> None:
    late = ""

    def log_late() -> None:
        # The outbox sends yesterday's set today: it hurt (pain 7), so today steps down.
        nonlocal late
        late = world.log(reps=20, band_level="red", pain=7, days_ago=1)

    _step(world, log_late, True)
    corrected = f"/api/me/sets/{late}"
    _step(world, lambda: _ok(world.member.patch(corrected, json={"pain": 0})), True)
    _step(world, lambda: _ok(world.member.patch(corrected, json={"pain": 8})), True)
    _step(world, lambda: _ok(world.member.delete(corrected), 204), True)


def test_check_ins_overrides_and_swaps_reach_the_kept_prescriptions(world: World) -> None:
    _step(
        world,
        lambda: _ok(world.member.post("/api/me/checkins", json={"soreness": True}), 201),
        True,
    )
    pain = {"pain": {"shoulder": 7}}
    # The day's second answer replaces the first (200).
    _step(world, lambda: _ok(world.member.post("/api/me/checkins", json=pain)), True)
    override = {"exercise": "lateral-raise", "band_level": "green"}
    _step(world, lambda: _ok(world.member.post("/api/me/overrides", json=override), 201), True)
    swap = {"replacement": "upright-row"}
    _step(world, lambda: _ok(world.member.put("/api/me/swaps/lateral-raise", json=swap)), True)
    _step(world, lambda: _ok(world.member.delete("/api/me/swaps/lateral-raise"), 204), True)


def test_the_person_and_the_day_reach_the_kept_prescriptions(world: World) -> None:
    _step(world, lambda: _ok(world.member.patch("/api/me", json={"language": "da"})), False)
    # 10:00 UTC is the next day on Kiritimati (UTC+14): the local day changes.
    zone = {"time_zone": "Pacific/Kiritimati"}
    _step(world, lambda: _ok(world.member.patch("/api/me", json=zone)), True)
    _step(world, lambda: _ok(world.member.patch("/api/me", json={"time_zone": None})), True)
    _step(world, lambda: _ok(world.admin.patch("/api/workplace", json=zone)), True)
    _step(world, lambda: world.clock.set(4), True)  # tomorrow, on the same kept row


def test_the_teams_changes_reach_the_kept_prescriptions(world: World) -> None:
    team = f"/api/teams/{world.team.id}"
    _step(world, lambda: _ok(world.lead.patch(team, json={"program": "weekly-3x20"})), True)
    _step(world, lambda: _ok(world.lead.patch(team, json={"program": "office-daily-5"})), True)
    started = {"program_started_on": (JOINED - timedelta(weeks=4)).date().isoformat()}
    _step(world, lambda: _ok(world.lead.patch(team, json=started)), True)
    cardio = {"cardio": {"weekdays": ["thu"], "activity": "cycling", "minutes": 20, "effort": 4}}
    world.clock.set(3)  # a Thursday
    _step(world, lambda: _ok(world.lead.patch(team, json=cardio)), None)
    joined = {"program_started_on": JOINED.date().isoformat()}
    _step(world, lambda: _ok(world.lead.patch(team, json=joined)), True)
    world.clock.set(30)  # week 5
    _step(world, lambda: _chosen_by_lead(world.team, world.lead), True)


def test_operators_changes_reach_the_kept_prescriptions(world: World) -> None:
    def rename_red() -> None:
        # Band levels change only by hand (no endpoint): a brand renames a colour.
        band_set_id = world.team.workplace.band_set_id
        db.session.execute(
            sa.update(BandLevel)
            .where(BandLevel.band_set_id == band_set_id, BandLevel.key == "red")
            .values(colour_name_en="Scarlet")
        )
        db.session.commit()

    _step(world, rename_red, True)

    def move_team() -> None:
        # No endpoint moves a person between teams either; an operator may. The other
        # team has the same program and start but chose other exercises for weeks 5-8.
        other = make_team(world.team.workplace, program_started_on=JOINED.date())
        _chosen_by_lead(other, signed_in_client(world.app, make_person(Role.LEAD, team=other)))
        db.session.get(Person, world.person.id).team_id = other.id  # type: ignore[union-attr]
        db.session.commit()

    world.clock.set(30)  # week 5
    _step(world, move_team, True)


def test_a_changed_catalogue_is_not_answered_from_the_old_ones_prescriptions(
    world: World, make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    catalogue = copy_catalogue(tmp_path / "exercises")

    def fewer_reps(data: dict[str, Any]) -> None:
        data["phases"][0]["items"][0]["dose"]["reps_max"] = 15  # lateral raises, weeks 1-4

    edit_yaml(catalogue / "programs" / "office-daily-5.yaml", fewer_reps)
    reloaded = make_app(CATALOGUE_PATH=str(catalogue))
    member = ApiClient(reloaded.test_client(), world.member.csrf_token)
    member.client.set_cookie("coach_session", world.member.client.get_cookie("coach_session").value)  # type: ignore[union-attr]
    before = world.visit()
    assert world.kept_valid()
    after = world.visit(member)
    assert after == world.fresh(member)
    assert _prescriptions(after) != _prescriptions(before)


def test_every_write_endpoint_is_walked_or_cannot_change_today(app: Flask) -> None:
    """A new write endpoint must say here how it bears on the kept prescriptions."""
    walked = {
        "coaching.post_set",
        "coaching.SetView",
        "coaching.post_cardio",
        "coaching.delete_cardio",
        "coaching.CheckInView",
        "coaching.post_override",
        "catalogue.SwapView",
        "accounts.MeView",
        "teams.TeamView",
        "teams.WorkplaceView",
        "polls.decide",
        "reminders.RemindersView",
    }
    unrelated = {
        # Sign-in and devices: who is asking, not what they do.
        "accounts.login",
        "accounts.logout",
        "accounts.passkey_sign_in_options",
        "accounts.passkey_sign_in",
        "accounts.use_sign_in_link",
        "accounts.put_credentials",
        "accounts.DevicesView",
        "accounts.end_device",
        "accounts.PasskeysView",
        "accounts.PasskeyView",
        "accounts.passkey_registration_options",
        "accounts.create_sign_in_link",
        # Invites: a new person gets a new row (a trigger on people), computed afresh.
        "accounts.InviteView",
        "accounts.accept_invite",
        "accounts.TeamInvitesView",
        # Erasing or removing a person deletes their row with them (ON DELETE CASCADE).
        "own_data.erase_me",
        "teams.remove_person",
        # A new team has no members yet; people join it by invite.
        "teams.TeamsView",
        # Reminders and push: when to remind, not what to do.
        "reminders.snooze",
        "reminders.send_test",
        "reminders.SubscriptionsView",
        # Polls' votes and closing write polls; a closed exercise poll's result is a
        # chosen phase, as polls.decide's (walked): the trigger is on chosen_phases.
        "polls.close",
        "polls.vote",
        "polls.withdraw",
        "polls.open_poll",
        # Live sessions are read on every visit, beside the kept prescriptions.
        "live.control_session",
        "live.join_session",
        "live.leave_session",
        "live.start_session",
        "team_today.give_high_five",
        # The instruction plan: who instructs which week.
        "instruction.put_plan",
    }
    writes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods and rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert writes == walked | unrelated


def test_a_late_set_in_flight_while_the_new_day_is_computed_is_not_missed(
    world: World,
) -> None:
    """Two workers at once: the outbox's set of yesterday is being written (its
    transaction open) while another visit computes today's prescriptions. The visit
    waits for the set's transaction and reads the set, or the set finds the row claimed
    for today and makes it stale: either way the kept answer is the fresh one."""
    world.clock.set(2)
    world.visit()  # kept for day 2
    world.clock.set(3)
    yesterday = (world.clock.now - timedelta(days=1)).replace(hour=9)
    writer = db.engine.connect()
    writer.execute(
        sa.insert(WorkoutSet.__table__).values(
            id=uuid.uuid4(),
            person_id=world.person.id,
            exercise="lateral-raise",
            performed_at=yesterday,
            local_date=yesterday.date(),
            reps=20,
            band_level="red",
            pain=7,
        )
    )
    visited: list[dict[str, dict[str, Any]]] = []
    visit = threading.Thread(target=lambda: visited.append(world.visit()))
    visit.start()
    visit.join(timeout=0.5)
    assert visit.is_alive(), "the visit did not wait for the set's transaction"
    writer.commit()
    writer.close()
    visit.join(timeout=20)
    assert visited, "the visit did not finish"
    fresh = world.fresh()
    assert visited[0] == fresh
    # Without yesterday's painful set, two-for-two would step up.
    assert fresh["en"]["exercises"][0]["prescription"]["change"]["code"] != "step_up"
