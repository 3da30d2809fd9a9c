"""Closing polls and applying their results, each exactly once.

A poll closes by one conditional UPDATE (``status = 'open'``, and for a poll closing
by itself ``closes_at <= now``): of two workers and a reader racing at the closing
instant, one changes the row and the others change nothing, so only the one that did
counts the votes, writes the result and applies it, in the same transaction. A vote
locks the poll's row while it checks that the poll is open, so no vote lands after the
count (see :func:`coach.polls.service.vote`).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from coach.accounts.models import Person
from coach.database import utcnow
from coach.domain import polls
from coach.domain.calendar import parse_wall_clock
from coach.extensions import db
from coach.polls import pushes
from coach.polls.models import ChosenPhase, Poll, PollOption, PollVote, TeamTimeChange
from coach.polls.phases import member_ids
from coach.reminders import schedule
from coach.reminders.models import PushSubscription
from coach.teams.models import Team
from coach.teams.participation import workplace_today

log = logging.getLogger(__name__)


def _counts(poll_id: int) -> list[int]:
    options = db.session.scalar(
        sa.select(sa.func.count()).select_from(PollOption).where(PollOption.poll_id == poll_id)
    )
    counts = [0] * int(options or 0)
    for option, count in db.session.execute(
        sa.select(PollVote.option, sa.func.count())
        .where(PollVote.poll_id == poll_id)
        .group_by(PollVote.option)
    ):
        if 0 <= option < len(counts):
            counts[option] = count
    return counts


def close_poll(poll_id: int, now: datetime, *, early: bool = False) -> bool:
    """Close the poll if it is open (and, unless ``early``, its closing instant has
    come), count it and apply a clear winner. Commits; False if someone else closed it."""
    conditions = [Poll.id == poll_id, Poll.status == "open"]
    if not early:
        conditions.append(Poll.closes_at <= now)
    values: dict[str, object] = {"status": "closed", "closed_at": now}
    if early:
        values["closes_at"] = now
    if db.session.execute(sa.update(Poll).where(*conditions).values(**values)).rowcount != 1:
        db.session.rollback()
        return False
    poll = db.session.get_one(Poll, poll_id, populate_existing=True)
    counts = _counts(poll_id)
    for index, count in enumerate(counts):
        db.session.execute(
            sa.update(PollOption)
            .where(PollOption.poll_id == poll_id, PollOption.index == index)
            .values(votes=count)
        )
    poll.voted = sum(counts)
    poll.eligible = len(member_ids(poll.team_id))
    result = polls.tally(counts)
    if result.winner is not None:
        decide(poll, result.winner, counts[result.winner], now)
    db.session.commit()
    return True


def decide(poll: Poll, option: int, votes: int, now: datetime) -> None:
    """Make ``option`` the poll's result and apply it (not committed)."""
    poll.status, poll.winner = "decided", option
    value = db.session.get_one(PollOption, (poll.id, option)).value
    team = db.session.get_one(Team, poll.team_id)
    if poll.kind == "exercises":
        _choose_phase(poll, team, value["exercises"], votes)
    else:
        _choose_time(poll, team, value, now)


def _choose_phase(poll: Poll, team: Team, slugs: list[str], votes: int) -> None:
    assert poll.program is not None and poll.first_week is not None
    assert poll.last_week is not None
    row = db.session.scalar(
        sa.select(ChosenPhase).where(
            ChosenPhase.team_id == team.id,
            ChosenPhase.program == poll.program,
            ChosenPhase.first_week == poll.first_week,
        )
    )
    if row is None:
        row = ChosenPhase(team_id=team.id, program=poll.program, first_week=poll.first_week)
        db.session.add(row)
    row.last_week, row.exercises, row.poll_id = poll.last_week, list(slugs), poll.id
    row.votes, row.voted, row.eligible = votes, poll.voted or 0, poll.eligible or 0
    row.chosen_at = utcnow()


def _choose_time(poll: Poll, team: Team, value: dict[str, object], now: datetime) -> None:
    """From the team's next day on: today's training and reminder stay as they were."""
    change = db.session.get(TeamTimeChange, team.id)
    if change is None:
        change = TeamTimeChange(team_id=team.id)
        db.session.add(change)
    change.reminder_time = parse_wall_clock(str(value["time"]))
    change.workdays = polls.weekday_names(list(value["days"]))  # type: ignore[call-overload]
    change.starts_on = workplace_today(team.workplace, now) + timedelta(days=1)
    change.poll_id = poll.id


def apply_time_changes(now: datetime, team_id: int | None = None) -> int:
    """Chosen times whose day has come become the teams' time; their members' next
    reminders move. Commits; returns how many teams changed."""
    query = sa.select(TeamTimeChange, Team).join(Team, Team.id == TeamTimeChange.team_id)
    # The earliest zone is ahead of UTC by at most 14 hours: only changes due by then.
    query = query.where(TeamTimeChange.starts_on <= (now + timedelta(hours=14)).date())
    if team_id is not None:
        query = query.where(TeamTimeChange.team_id == team_id)
    changed = 0
    for change, team in db.session.execute(query.with_for_update(of=TeamTimeChange)).all():
        if change.starts_on > workplace_today(team.workplace, now):
            continue
        taken = db.session.execute(
            sa.delete(TeamTimeChange).where(
                TeamTimeChange.team_id == team.id, TeamTimeChange.starts_on == change.starts_on
            )
        ).rowcount
        if taken != 1:  # another pass applied it first
            continue
        team.reminder_time, team.workdays = change.reminder_time, list(change.workdays)
        db.session.flush()
        schedule.refresh_people(member_ids(team.id), now)  # their next reminders move
        changed += 1
    db.session.commit()
    return changed


def due_poll_ids(now: datetime, team_id: int | None = None) -> list[int]:
    query = sa.select(Poll.id).where(Poll.status == "open", Poll.closes_at <= now)
    if team_id is not None:
        query = query.where(Poll.team_id == team_id)
    return list(db.session.scalars(query.order_by(Poll.closes_at)))


def close_due(now: datetime | None = None, *, team_id: int | None = None) -> list[int]:
    """Close every open poll whose instant has come (of one team, or all); returns the
    ones this call closed. Committed; the results are not announced yet."""
    now = now or utcnow()
    return [poll_id for poll_id in due_poll_ids(now, team_id) if close_poll(poll_id, now)]


def pass_step(now: datetime) -> int:
    """The reminder worker's pass: close due polls and announce each result, then
    apply chosen times whose day has come, before reminders are claimed."""
    closed = close_due(now)
    for poll_id in closed:
        pushes.announce_result(poll_id)
    apply_time_changes(now)
    return len(closed)


def close_due_for_team(team_id: int) -> None:
    """On read: a poll past its closing instant closes now (the result is announced
    from a thread, so the reader does not wait on push services)."""
    now = utcnow()
    for poll_id in close_due(now, team_id=team_id):
        announce_later(poll_id)
    if db.session.scalar(
        sa.select(TeamTimeChange.team_id).where(TeamTimeChange.team_id == team_id)
    ):
        apply_time_changes(now, team_id)


# The announcing threads still running (tests wait for them before the tables empty).
RUNNING: set[threading.Thread] = set()


def _later(poll_id: int, what: str) -> threading.Thread | None:
    """Send the push from a thread, so the request does not wait on push services;
    none at all when no member of the team has a device."""
    team_id = db.session.scalar(sa.select(Poll.team_id).where(Poll.id == poll_id))
    reachable = db.session.scalar(
        sa.select(sa.exists().where(PushSubscription.person_id == Person.id)).where(
            Person.team_id == team_id
        )
    )
    db.session.commit()
    if not reachable:
        return None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_announce, args=(app, poll_id, what), daemon=True)
    RUNNING.add(thread)
    thread.start()
    return thread


def announce_later(poll_id: int) -> threading.Thread | None:
    return _later(poll_id, "result")


def open_later(poll_id: int) -> threading.Thread | None:
    return _later(poll_id, "opened")


def _announce(app: Flask, poll_id: int, what: str) -> None:
    with app.app_context():
        try:
            if what == "opened":
                pushes.announce_opened(poll_id)
            else:
                pushes.announce_result(poll_id)
        except Exception:
            log.exception("the %s push of poll %s failed", what, poll_id)
        finally:
            db.session.remove()
            RUNNING.discard(threading.current_thread())
