"""Team totals that outlive the people in them.

A person who erases themselves takes every row that names them along. Their training
still happened, though, and a team's weekly participation (how many sessions, how many
people trained) would silently shrink in retrospect. So before the person's rows go,
their sessions are *folded* into ``team_week_totals``: per team and ISO week, the
number of sessions and of people, added to whatever is already there. Nothing in the
table says whose they were, and pain is never folded: it is health data, and erasing
means it is gone.

A team's total for a week is therefore the live part (people still here) plus the
folded part; :mod:`coach.teams.participation` adds the two. The sessions count toward
the team the person was in when they erased themselves; membership history is not kept.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from coach.accounts.models import Person
from coach.coaching.models import WorkoutSet
from coach.coaching.weeks import iso_week_start
from coach.extensions import db


class TeamWeekTotal(db.Model):
    """Sessions of a team's erased members in one ISO week, with no one's name on them."""

    __tablename__ = "team_week_totals"
    __table_args__ = (
        sa.CheckConstraint("sessions >= 0", name="sessions_not_negative"),
        sa.CheckConstraint("active_members >= 0", name="active_members_not_negative"),
    )

    team_id: Mapped[int] = mapped_column(
        sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(sa.Date, primary_key=True)  # a Monday
    sessions: Mapped[int]  # days trained, summed over the people folded in
    active_members: Mapped[int]  # people folded in who trained that week


def _person_weeks(person_id: int) -> list[tuple[date, int]]:
    """(week, sessions) for every week the person trained: one aggregate query."""
    week = iso_week_start(WorkoutSet.local_date)
    rows = db.session.execute(
        sa.select(week, sa.func.count(sa.distinct(WorkoutSet.local_date)))
        .where(WorkoutSet.person_id == person_id)
        .group_by(week)
    )
    return [(monday, sessions) for monday, sessions in rows]


def fold_into_team_totals(person: Person) -> int:
    """Add the person's sessions to their team's anonymous weekly totals (in the
    caller's transaction); returns the number of weeks touched. No team: nothing."""
    if person.team_id is None:
        return 0
    weeks = _person_weeks(person.id)
    if not weeks:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = TeamWeekTotal.__table__
    statement = insert(table).values(
        [
            {"team_id": person.team_id, "week_start": monday, "sessions": n, "active_members": 1}
            for monday, n in weeks
        ]
    )
    # Two erasures in one team and week may run at once: add, never overwrite.
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.team_id, table.c.week_start],
        set_={
            "sessions": table.c.sessions + statement.excluded.sessions,
            "active_members": table.c.active_members + statement.excluded.active_members,
        },
    )
    db.session.execute(statement)
    return len(weeks)
