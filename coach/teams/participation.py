"""Participation and pain for leads and admins: counts for everyone, names only for
people who chose to share, and pain only as aggregates over enough people.

Each view is a handful of aggregate queries whatever the size of the workplace: the
database counts training days per person and week (over the index on
``workout_sets(person_id, local_date)``) and averages check-ins per person and week;
the rules that judge the weeks live in :mod:`coach.domain.adherence` and
:mod:`coach.domain.privacy`.
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
from coach.coaching.weeks import iso_week_start
from coach.database import utcnow
from coach.domain import privacy
from coach.domain.adherence import WEEK, current_streak, week_start, weekly_target
from coach.extensions import db
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


def _last_sessions(person_ids: Sequence[int]) -> dict[int, date]:
    """Each person's last day trained, over their whole history."""
    if not person_ids:
        return {}
    rows = db.session.execute(
        sa.select(WorkoutSet.person_id, sa.func.max(WorkoutSet.local_date))
        .where(WorkoutSet.person_id.in_(person_ids))
        .group_by(WorkoutSet.person_id)
    )
    return dict(rows.all())


def team_target(team: Team) -> int | None:
    program = current_catalogue().programs.get(team.program)
    return None if program is None else weekly_target(program.sessions_per_week, team.workdays)


def _team_weeks(
    weeks: Sequence[date],
    members: Sequence[_Member],
    sessions: dict[int, dict[date, int]],
    folded: dict[date, tuple[int, int]],
    target: int | None,
) -> list[dict[str, Any]]:
    result = []
    for monday in weeks:
        sunday = monday + timedelta(days=6)
        enrolled = [m for m in members if m.joined <= sunday]
        done = [sessions.get(m.id, {}).get(monday, 0) for m in enrolled]
        gone_sessions, gone_people = folded.get(monday, (0, 0))
        people = len(enrolled) + gone_people
        total = sum(done) + gone_sessions
        adherence = None
        if target is not None and people:
            met = sum(min(s, target) for s in done) + min(gone_sessions, target * gone_people)
            adherence = round(100 * met / (target * people), 1)
        result.append(
            {
                "week_start": monday,
                "enrolled": people,
                "active": sum(1 for s in done if s) + gone_people,
                "sessions": total,
                "target_sessions": None if target is None else target * people,
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


def team_participation(team: Team, weeks: int = DEFAULT_WEEKS) -> dict[str, Any]:
    """The team's last ``weeks`` weeks: totals for everyone, rows for those who share."""
    today = workplace_today(team.workplace)
    mondays = week_window(today, weeks)
    members = _members([team.id])
    sessions, last = _sessions([team.id], mondays[0], mondays[-1])
    folded = _folded([team.id], mondays[0], mondays[-1]).get(team.id, {})
    target = team_target(team)
    streaks = _streaks(members, sessions, today, target)
    sharing = [m for m in members if m.shares]
    # Only those who did not train within the weeks shown need their whole history.
    last.update(_last_sessions([m.id for m in sharing if m.id not in last]))
    return {
        "team": {"id": team.id, "name": team.name, "program": team.program},
        "today": today,
        "weekly_target": target,
        "weeks": _team_weeks(mondays, members, sessions, folded, target),
        "longest_streaks": sorted((s for s in streaks.values() if s), reverse=True)[:TOP_STREAKS],
        "members_sharing": [
            {
                "id": m.id,
                "display_name": m.display_name,
                "sessions": [sessions.get(m.id, {}).get(monday, 0) for monday in mondays],
                "last_session": last.get(m.id),
                "streak_weeks": streaks[m.id],
            }
            for m in sharing
        ],
        "members_not_sharing": len(members) - len(sharing),
        "pain": team_pain(team, mondays),
    }


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
                    mondays, team_members, sessions, folded.get(team.id, {}), target
                ),
                "longest_streaks": sorted((s for s in streaks.values() if s), reverse=True)[
                    :TOP_STREAKS
                ],
            }
        )
    totals = []
    for i, monday in enumerate(mondays):
        week_rows = [row["weeks"][i] for row in rows]
        targets = [w["target_sessions"] for w in week_rows if w["target_sessions"] is not None]
        met = sum(
            w["adherence_percent"] * w["target_sessions"] / 100
            for w in week_rows
            if w["adherence_percent"] is not None
        )
        totals.append(
            {
                "week_start": monday,
                "enrolled": sum(w["enrolled"] for w in week_rows),
                "active": sum(w["active"] for w in week_rows),
                "sessions": sum(w["sessions"] for w in week_rows),
                "target_sessions": sum(targets) if targets else None,
                "adherence_percent": round(100 * met / sum(targets), 1) if sum(targets) else None,
            }
        )
    return {
        "workplace": {"id": workplace.id, "name": workplace.name},
        "today": today,
        "teams": rows,
        "weeks": totals,
    }


# -- pain -----------------------------------------------------------------------------


def _pain_columns() -> list[Any]:
    return [
        sa.cast(sa.func.avg(getattr(CheckIn, column)), sa.Float) for column in PAIN_COLUMNS.values()
    ]


def _as_regions(values: Sequence[float | None]) -> dict[str, float | None]:
    return dict(zip(REGIONS, values, strict=True))


def team_pain(team: Team, mondays: Sequence[date]) -> list[dict[str, Any]]:
    """Median and mean pain per region per week, only over enough people; change
    against the team's first four weeks of check-ins.

    One query: each person's mean per region per week over the team's history up to
    the last week shown (a team's check-ins are a few a week per person, so the
    history is small); the baseline is each person's mean over those first weeks.
    """
    week = iso_week_start(CheckIn.day)
    rows = db.session.execute(
        sa.select(week, CheckIn.person_id, *_pain_columns())
        .join(Person, Person.id == CheckIn.person_id)
        .where(Person.team_id == team.id, CheckIn.day < mondays[-1] + WEEK)
        .group_by(week, CheckIn.person_id)
    ).all()
    shown = set(mondays)
    answers: dict[date, dict[int, dict[str, float | None]]] = defaultdict(dict)
    early: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    first = min((row[0] for row in rows), default=None)
    for monday, person, *values in rows:
        regions = _as_regions(values)
        if first is not None and monday < first + privacy.BASELINE_WEEKS * WEEK:
            for region, value in regions.items():
                if value is not None:
                    early[person][region].append(value)
        if monday in shown and any(v is not None for v in regions.values()):
            answers[monday][person] = regions
    reference = privacy.baseline(
        {
            person: {region: sum(v) / len(v) for region, v in by_region.items()}
            for person, by_region in early.items()
        },
        REGIONS,
    )
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
