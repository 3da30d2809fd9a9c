"""Participation and pain for leads and admins: counts for everyone, names only for
people who chose to share, and pain only as aggregates over enough people.

Each view is a handful of aggregate queries whatever the size of the workplace: the
database counts training days per person and week (over the index on
``workout_sets(person_id, local_date)``) and averages check-ins per person and week
(over ``check_ins(person_id, day)``); the rules that judge the weeks live in
:mod:`coach.domain.adherence` and :mod:`coach.domain.privacy`. The team view, asked
for most often and over the least data, runs three statements built once: its
members, their weeks with erased members' totals, and pain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.coaching.journal import PAIN_COLUMNS
from coach.coaching.models import CheckIn, WorkoutSet
from coach.coaching.team_totals import TeamWeekTotal
from coach.coaching.weeks import days_after, iso_week_start
from coach.database import utcnow
from coach.domain import privacy
from coach.domain.adherence import (
    WEEK,
    current_streak,
    week_due,
    week_start,
    weekly_target,
    workdays_so_far,
)
from coach.extensions import db
from coach.live.models import LiveParticipant, LiveSession
from coach.teams.models import Team, Workplace

DEFAULT_WEEKS = 12
MAX_WEEKS = 53
TOP_STREAKS = 3
REGIONS = tuple(PAIN_COLUMNS)


def workplace_today(workplace: Workplace, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(workplace.time_zone)).date()


def week_window(today: date, weeks: int) -> list[date]:
    """The Mondays of the last ``weeks`` weeks up to and including today's, oldest first."""
    current = week_start(today)
    return [current - (weeks - 1 - i) * WEEK for i in range(weeks)]


@dataclass
class _Member:
    id: int
    team_id: int
    display_name: str
    shares: bool
    joined: date


def _members(team_ids: Sequence[int]) -> list[_Member]:
    rows = db.session.execute(
        sa.select(
            Person.id,
            Person.team_id,
            Person.display_name,
            Person.share_participation,
            Person.created_at,
        )
        .where(Person.team_id.in_(team_ids))
        .order_by(Person.display_name, Person.id)
    )
    return [_Member(i, t, n, bool(s), c.date()) for i, t, n, s, c in rows]


def _sessions(
    team_ids: Sequence[int], first: date, last: date
) -> tuple[dict[int, dict[date, int]], dict[int, date]]:
    """Training days per person per week for the teams' current members, and each
    one's last day trained within the weeks (one query)."""
    days = (
        sa.select(WorkoutSet.person_id, WorkoutSet.local_date)
        .join(Person, Person.id == WorkoutSet.person_id)
        .where(
            Person.team_id.in_(team_ids),
            WorkoutSet.local_date >= first,
            WorkoutSet.local_date < last + WEEK,
        )
        .distinct()
        .subquery()
    )
    week = iso_week_start(days.c.local_date)
    rows = db.session.execute(
        sa.select(days.c.person_id, week, sa.func.count(), sa.func.max(days.c.local_date)).group_by(
            days.c.person_id, week
        )
    )
    sessions: dict[int, dict[date, int]] = defaultdict(dict)
    latest: dict[int, date] = {}
    for person_id, monday, count, newest in rows:
        sessions[person_id][monday] = count
        newest = date.fromisoformat(newest) if isinstance(newest, str) else newest
        if person_id not in latest or newest > latest[person_id]:
            latest[person_id] = newest
    return sessions, latest


def _folded(
    team_ids: Sequence[int], first: date, last: date
) -> dict[int, dict[date, tuple[int, int]]]:
    """What erased members left behind, per team and week: (sessions, people), naming
    nobody."""
    rows = db.session.execute(
        sa.select(
            TeamWeekTotal.team_id,
            TeamWeekTotal.week_start,
            TeamWeekTotal.sessions,
            TeamWeekTotal.active_members,
        ).where(
            TeamWeekTotal.team_id.in_(team_ids),
            TeamWeekTotal.week_start >= first,
            TeamWeekTotal.week_start <= last,
        )
    )
    result: dict[int, dict[date, tuple[int, int]]] = defaultdict(dict)
    for team_id, monday, sessions, people in rows:
        result[team_id][monday] = (sessions, people)
    return result


# -- the team view: statements built once ---------------------------------------------
#
# For one team the database answers faster than SQLAlchemy builds and compiles a
# statement with subqueries, so the team view's statements are built once, with bound
# parameters (``team_id``; ``first``, the first Monday shown; ``end``, the Monday
# after the last week shown), and run on the session's connection: plain rows, no
# ORM entities to load.

_TEAM_ID = sa.bindparam("team_id", type_=sa.Integer)
_FIRST = sa.bindparam("first", type_=sa.Date)
_END = sa.bindparam("end", type_=sa.Date)


def _connection() -> sa.Connection:
    return db.session.connection()


def _team_members_statement() -> sa.Select[Any]:
    """The team's members by name; for those who share, their last day trained ever
    (an index lookup each; the last within the weeks comes with the weeks)."""
    ever = (
        sa.select(sa.func.max(WorkoutSet.local_date))
        .where(WorkoutSet.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    return (
        sa.select(
            Person.id,
            Person.display_name,
            Person.share_participation,
            Person.created_at,
            sa.case((Person.share_participation, ever)),
        )
        .where(Person.team_id == _TEAM_ID)
        .order_by(Person.display_name, Person.id)
    )


def _team_weeks_statement() -> sa.CompoundSelect:
    """Rows of (person, week, days trained, last of them, None) for the members, and
    of (None, week, sessions, None, people) for what erased members left behind: one
    round trip."""
    days = (
        sa.select(WorkoutSet.person_id, WorkoutSet.local_date)
        .join(Person, Person.id == WorkoutSet.person_id)
        .where(Person.team_id == _TEAM_ID, WorkoutSet.local_date >= _FIRST)
        .where(WorkoutSet.local_date < _END)
        .distinct()
        .subquery()
    )
    week = iso_week_start(days.c.local_date)
    members = sa.select(
        days.c.person_id,
        week.label("week_start"),
        sa.func.count(),
        sa.func.max(days.c.local_date),
        sa.null(),
    ).group_by(days.c.person_id, week)
    erased = sa.select(
        sa.null(),
        TeamWeekTotal.week_start,
        TeamWeekTotal.sessions,
        sa.null(),
        TeamWeekTotal.active_members,
    ).where(
        TeamWeekTotal.team_id == _TEAM_ID,
        TeamWeekTotal.week_start >= _FIRST,
        TeamWeekTotal.week_start < _END,
    )
    return sa.union_all(members, erased)


def _pain_statement() -> sa.CompoundSelect:
    """Rows of (week, person, mean pain per region) for the weeks shown, each person
    once a week and only with some pain answered; and rows of (None, person, mean per
    region) over the team's first four weeks of check-ins (from the week of its first
    check-in before the last week shown ends), each week's mean weighing once. Both
    read ranges of the ``check_ins(person_id, day)`` index; the weeks in between are
    never read, however long the history."""
    pains = [getattr(CheckIn, column) for column in PAIN_COLUMNS.values()]
    in_team = (Person.team_id == _TEAM_ID, sa.or_(*(pain.is_not(None) for pain in pains)))
    first = (
        sa.select(sa.func.min(CheckIn.day).label("day"))
        .join(Person, Person.id == CheckIn.person_id)
        .where(Person.team_id == _TEAM_ID, CheckIn.day < _END)
        .cte("first_check_in")
    )
    four_weeks = days_after(iso_week_start(first.c.day), privacy.BASELINE_WEEKS * WEEK.days)
    # One upper bound, computed once, so the index is read up to it and no further.
    baseline_end = sa.select(sa.case((four_weeks < _END, four_weeks), else_=_END)).scalar_subquery()
    week = iso_week_start(CheckIn.day)
    shown = (
        sa.select(week, CheckIn.person_id, *(sa.func.avg(pain) for pain in pains))
        .join(Person, Person.id == CheckIn.person_id)
        .where(*in_team, CheckIn.day >= _FIRST, CheckIn.day < _END)
        .group_by(week, CheckIn.person_id)
    )
    early = (
        sa.select(CheckIn.person_id, *(sa.func.avg(pain).label(pain.key) for pain in pains))
        .join(Person, Person.id == CheckIn.person_id)
        .where(*in_team, CheckIn.day < baseline_end)
        .group_by(CheckIn.person_id, week)
        .subquery()
    )
    baseline = sa.select(
        sa.null(), early.c.person_id, *(sa.func.avg(early.c[pain.key]) for pain in pains)
    ).group_by(early.c.person_id)
    return sa.union_all(shown, baseline)


_TEAM_MEMBERS = _team_members_statement()
_TEAM_WEEKS = _team_weeks_statement()
_TEAM_PAIN = _pain_statement()


def _team_members(team_id: int) -> tuple[list[_Member], dict[int, date]]:
    """The team's members, and the last day trained ever of those who share."""
    members: list[_Member] = []
    ever: dict[int, date] = {}
    for person_id, name, shares, created, newest in _connection().execute(
        _TEAM_MEMBERS, {"team_id": team_id}
    ):
        members.append(_Member(person_id, team_id, name, bool(shares), created.date()))
        if newest is not None:
            ever[person_id] = newest
    return members, ever


def _team_sessions(
    team_id: int, first: date, last: date
) -> tuple[dict[int, dict[date, int]], dict[int, date], dict[date, tuple[int, int]]]:
    """Training days per member and week, each member's last day trained within the
    weeks, and erased members' (sessions, people) per week."""
    sessions: dict[int, dict[date, int]] = defaultdict(dict)
    latest: dict[int, date] = {}
    folded: dict[date, tuple[int, int]] = {}
    for person_id, monday, count, newest, people in _connection().execute(
        _TEAM_WEEKS, {"team_id": team_id, "first": first, "end": last + WEEK}
    ):
        if person_id is None:
            folded[monday] = (count, people)
            continue
        sessions[person_id][monday] = count
        if person_id not in latest or newest > latest[person_id]:
            latest[person_id] = newest
    return sessions, latest, folded


def team_target(team: Team) -> int | None:
    program = current_catalogue().programs.get(team.program)
    return None if program is None else weekly_target(program.sessions_per_week, team.workdays)


def _team_weeks(
    weeks: Sequence[date],
    members: Sequence[_Member],
    sessions: dict[int, dict[date, int]],
    folded: dict[date, tuple[int, int]],
    target: int | None,
    workdays: Sequence[str],
    today: date,
) -> list[dict[str, Any]]:
    """The team's weeks, each against what was due: a past week's whole target, the
    week under way the part due by the end of ``today`` (``partial``). A week without
    a program or without members has no plan: no target, and nothing met or missed."""
    result = []
    for monday in weeks:
        sunday = monday + timedelta(days=6)
        enrolled = [m for m in members if m.joined <= sunday]
        done = [sessions.get(m.id, {}).get(monday, 0) for m in enrolled]
        gone_sessions, gone_people = folded.get(monday, (0, 0))
        people = len(enrolled) + gone_people
        total = sum(done) + gone_sessions
        planned = target is not None and people > 0
        due = None if target is None else week_due(target, workdays, monday, today)
        adherence = None
        if planned and due:
            met = sum(min(s, due) for s in done) + min(gone_sessions, due * gone_people)
            adherence = round(100 * met / (due * people), 1)
        result.append(
            {
                "week_start": monday,
                "planned": planned,
                "partial": monday == week_start(today),
                "enrolled": people,
                "active": sum(1 for s in done if s) + gone_people,
                "sessions": total,
                "target_sessions": target * people if planned and target is not None else None,
                "target_so_far": due * people if planned and due is not None else None,
                "adherence_percent": adherence,
            }
        )
    return result


def _streaks(
    members: Sequence[_Member],
    sessions: dict[int, dict[date, int]],
    today: date,
    target: int | None,
) -> dict[int, int]:
    return {
        m.id: current_streak(sessions.get(m.id, {}), today=today, target=target) for m in members
    }


def _with_live_sessions(weeks_by_team: dict[int, list[dict[str, Any]]]) -> None:
    """Add to each team week the live sessions held (started) and the people per
    session on average (None without a session): counts, naming nobody."""
    mondays = [w["week_start"] for weeks in weeks_by_team.values() for w in weeks]
    if not mondays:
        return
    people = (
        sa.select(sa.func.count())
        .where(LiveParticipant.session_id == LiveSession.id)
        .scalar_subquery()
    )
    week = iso_week_start(LiveSession.local_date)
    held: dict[tuple[int, date], tuple[int, int]] = {
        (team_id, monday): (count, total or 0)
        for team_id, monday, count, total in db.session.execute(
            sa.select(LiveSession.team_id, week, sa.func.count(), sa.func.sum(people))
            .where(
                LiveSession.team_id.in_(list(weeks_by_team)),
                LiveSession.started_at.is_not(None),
                LiveSession.local_date >= min(mondays),
                LiveSession.local_date <= max(mondays) + timedelta(days=6),
            )
            .group_by(LiveSession.team_id, week)
        )
    }
    for team_id, weeks in weeks_by_team.items():
        for row in weeks:
            count, total = held.get((team_id, row["week_start"]), (0, 0))
            row["live_sessions"] = count
            row["people_per_session"] = round(total / count, 1) if count else None


def team_participation(team: Team, weeks: int = DEFAULT_WEEKS) -> dict[str, Any]:
    """The team's last ``weeks`` weeks: totals for everyone, rows for those who share."""
    today = workplace_today(team.workplace)
    mondays = week_window(today, weeks)
    members, ever = _team_members(team.id)
    sessions, latest, folded = _team_sessions(team.id, mondays[0], mondays[-1])
    target = team_target(team)
    streaks = _streaks(members, sessions, today, target)
    sharing = [m for m in members if m.shares]
    team_weeks = _team_weeks(mondays, members, sessions, folded, target, team.workdays, today)
    _with_live_sessions({team.id: team_weeks})
    return {
        "team": {"id": team.id, "name": team.name, "program": team.program},
        "today": today,
        "weekly_target": target,
        "weeks": team_weeks,
        "longest_streaks": sorted((s for s in streaks.values() if s), reverse=True)[:TOP_STREAKS],
        "members_sharing": [
            {
                "id": m.id,
                "display_name": m.display_name,
                "sessions": [sessions.get(m.id, {}).get(monday, 0) for monday in mondays],
                # Within the weeks if they trained in them, else over their history.
                "last_session": latest.get(m.id, ever.get(m.id)),
                "streak_weeks": streaks[m.id],
            }
            for m in sharing
        ],
        "members_not_sharing": len(members) - len(sharing),
        "pain": team_pain(team, mondays),
    }


def week_so_far(team: Team, today: date) -> dict[str, Any]:
    """The team's current week up to ``today``, counted as :func:`team_participation`
    counts its weeks: against the part of the target due by the end of today."""
    monday = week_start(today)
    members, _ever = _team_members(team.id)
    sessions, _latest, folded = _team_sessions(team.id, monday, monday)
    week = _team_weeks([monday], members, sessions, folded, team_target(team), team.workdays, today)
    week[0]["workdays_so_far"] = workdays_so_far(team.workdays, today)
    return week[0]


def workplace_participation(
    workplace: Workplace, weeks: int = DEFAULT_WEEKS, mondays: Sequence[date] | None = None
) -> dict[str, Any]:
    """Every team's weekly totals and the workplace's, naming nobody: the last
    ``weeks`` weeks, or the weeks of ``mondays`` (consecutive, oldest first)."""
    today = workplace_today(workplace)
    mondays = list(mondays) if mondays else week_window(today, weeks)
    teams = list(
        db.session.scalars(
            sa.select(Team).where(Team.workplace_id == workplace.id).order_by(Team.name)
        )
    )
    team_ids = [t.id for t in teams]
    members = _members(team_ids)
    sessions, _last = _sessions(team_ids, mondays[0], mondays[-1])
    folded = _folded(team_ids, mondays[0], mondays[-1])
    by_team: dict[int, list[_Member]] = defaultdict(list)
    for member in members:
        by_team[member.team_id].append(member)
    rows = []
    for team in teams:
        target = team_target(team)
        team_members = by_team.get(team.id, [])
        streaks = _streaks(team_members, sessions, today, target)
        rows.append(
            {
                "id": team.id,
                "name": team.name,
                "program": team.program,
                "weekly_target": target,
                "members": len(team_members),
                "weeks": _team_weeks(
                    mondays,
                    team_members,
                    sessions,
                    folded.get(team.id, {}),
                    target,
                    team.workdays,
                    today,
                ),
                "longest_streaks": sorted((s for s in streaks.values() if s), reverse=True)[
                    :TOP_STREAKS
                ],
            }
        )
    _with_live_sessions({row["id"]: row["weeks"] for row in rows})
    totals = []
    for i, monday in enumerate(mondays):
        week_rows = [row["weeks"][i] for row in rows]
        planned = [w for w in week_rows if w["planned"]]
        due = sum(w["target_so_far"] for w in planned)
        met = sum(
            w["adherence_percent"] * w["target_so_far"] / 100
            for w in planned
            if w["adherence_percent"] is not None
        )
        totals.append(
            {
                "week_start": monday,
                "planned": bool(planned),
                "partial": monday == week_start(today),
                "enrolled": sum(w["enrolled"] for w in week_rows),
                "active": sum(w["active"] for w in week_rows),
                "sessions": sum(w["sessions"] for w in week_rows),
                "target_sessions": sum(w["target_sessions"] for w in planned) if planned else None,
                "target_so_far": due if planned else None,
                "adherence_percent": round(100 * met / due, 1) if due else None,
            }
        )
    return {
        "workplace": {"id": workplace.id, "name": workplace.name},
        "today": today,
        "teams": rows,
        "weeks": totals,
    }


# -- pain -----------------------------------------------------------------------------


def team_pain(team: Team, mondays: Sequence[date]) -> list[dict[str, Any]]:
    """Median and mean pain per region per week, only over enough people; change
    against the team's first four weeks of check-ins.

    One query (:data:`_TEAM_PAIN`): each person's mean per region per week, for the
    weeks shown and for the team's first four weeks (from the week of its first
    check-in before the last week shown ends); the weeks in between are never read,
    however long the history. The baseline is each person's mean over those first
    weeks.
    """
    rows = _connection().execute(
        _TEAM_PAIN, {"team_id": team.id, "first": mondays[0], "end": mondays[-1] + WEEK}
    )
    answers: dict[date, dict[int, dict[str, float | None]]] = defaultdict(dict)
    early: dict[int, dict[str, float]] = {}
    for monday, person, *values in rows:
        if monday is None:
            early[person] = {
                r: float(v) for r, v in zip(REGIONS, values, strict=True) if v is not None
            }
        else:
            answers[monday][person] = {
                r: None if v is None else float(v) for r, v in zip(REGIONS, values, strict=True)
            }
    reference = privacy.baseline(early, REGIONS)
    return [pain_week_view(w) for w in privacy.pain_weeks(mondays, answers, REGIONS, reference)]


def pain_week_view(week: privacy.PainWeek) -> dict[str, Any]:
    return {
        "week_start": week.week_start,
        "status": week.status,
        "reporting": week.reporting,
        "regions": {
            region: None
            if figure is None
            else {
                "median": figure.median,
                "mean": figure.mean,
                "change_in_median": figure.change_in_median,
            }
            for region, figure in week.regions.items()
        }
        if week.shown
        else None,
    }
