"""The facts of one exercise's history that the rules ask about.

The level a person is on is the level they last logged, so an override or an ignored
suggestion needs no bookkeeping: the next prescription starts from what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property

from coach.domain.catalogue import DoseRule
from coach.domain.progression.history import CheckInDay, Session, fell_short, reached_top
from coach.domain.progression.inputs import Override
from coach.domain.progression.ladder import EPS, Axis
from coach.domain.progression.plan import Plan
from coach.domain.weights import epley_1rm, nearest_weight


class Facts:
    """One exercise's sessions and the person's check-ins, as of ``today``."""

    def __init__(
        self,
        plan: Plan,
        sessions: tuple[Session, ...],
        days: tuple[CheckInDay, ...],
        today: date,
        override: Override | None,
    ) -> None:
        self.plan = plan
        self.rules = plan.rules
        self.ladder = plan.progress
        self.sessions = sessions
        self.today = today
        self.override = override
        known = [s for s in sessions if s.level is not None]
        self.level_session = known[-1] if known else None
        self.level = known[-1].level if known else None
        self.last = sessions[-1] if sessions else None
        self.days_since = (today - self.last.day).days if self.last else None
        self.latest_checkin = days[-1] if days else None
        self.days = days

    @property
    def red_flag_days_ago(self) -> int | None:
        """Days since the red flag that pauses progression (None: not paused)."""
        latest = self.latest_checkin
        if latest is None or not latest.red_flag:
            return None
        ago = (self.today - latest.day).days
        return ago if ago <= self.rules.red_flag_days else None

    def run(self, ok: Callable[[Session], bool]) -> int:
        """How many of the latest sessions in a row pass ``ok``, with no break between."""
        count = 0
        later: date | None = None
        for session in reversed(self.sessions):
            if later is not None and (later - session.day).days >= self.rules.break_carry_on_days:
                break
            if not ok(session):
                break
            count += 1
            later = session.day
        return count

    def at_level(self, ok: Callable[[Session], bool]) -> Callable[[Session], bool]:
        """``ok`` for sessions at the current level only."""
        level = self.level
        return lambda s: (
            s.level is not None and level is not None and abs(s.level - level) <= EPS and ok(s)
        )

    @cached_property
    def streak(self) -> tuple[Session, ...] | None:
        """The last sessions in a row that earn a step up, if there are enough."""
        n = self.plan.in_a_row
        if self.plan.rule is DoseRule.HOLD:
            level = self.level

            def held(s: Session) -> bool:
                return s.level is not None and level is not None and s.level >= level - EPS

            return self.sessions[-n:] if self.run(held) >= n else None
        plan = self.plan
        top = self.at_level(lambda s: reached_top(plan, s))
        return self.sessions[-n:] if self.run(top) >= n else None

    def short_streak(self) -> tuple[Session, ...] | None:
        """The last sessions in a row whose reps fell short of the range, if enough."""
        if self.plan.rule is DoseRule.HOLD:
            return None
        n, plan = self.plan.in_a_row, self.plan
        short = self.at_level(lambda s: fell_short(plan, s))
        return self.sessions[-n:] if self.run(short) >= n else None

    def override_in_force(self) -> bool:
        """The override applies to this session: made by today and not used yet."""
        override = self.override
        return (
            override is not None
            and override.day <= self.today
            and not any(s.day >= override.day for s in self.sessions)
        )

    def override_was_last(self) -> bool:
        """The last session was the one an override set the load of."""
        override = self.override
        if override is None or self.last is None:
            return False
        used = next((s for s in self.sessions if s.day >= override.day), None)
        return used is self.last

    def estimate(self) -> float | None:
        """Epley 1RM from the best set at the last logged weight."""
        session = self.level_session
        if self.ladder.axis is not Axis.WEIGHT or session is None or not session.reps:
            return None
        assert session.level is not None
        return epley_1rm(session.level, session.reps[0])

    def keep(self, allow_up: bool) -> tuple[float, float | None]:
        """The last level; if it is not on the scale (a weight the workplace does not
        have), the neighbour closest to ≈ 70 % of the Epley estimate. Returns the level
        and the estimate it used."""
        level = self.level
        assert level is not None
        if self.ladder.has(level):
            return level, None
        options = [
            x
            for x in (self.ladder.below(level), self.ladder.above(level) if allow_up else None)
            if x is not None
        ]
        if not options:
            return level, None
        one_rm = self.estimate()
        aim = self.plan.target_kg(one_rm) if one_rm is not None else level
        return min(options, key=lambda x: (abs(x - aim), x)), one_rm

    def down(self) -> float:
        """One rung below the last level, or the last level kept when there is none."""
        assert self.level is not None
        below = self.ladder.below(self.level)
        return below if below is not None else self.keep(allow_up=False)[0]

    def carried_held(self) -> float | None:
        """Holds with equipment: the load of the last session that logged one."""
        return next((s.carried for s in reversed(self.sessions) if s.carried is not None), None)

    def carried_value(self) -> float | None:
        """Holds with equipment: the load last held (on the scale), else the start load."""
        ladder = self.plan.carried
        if ladder is None:
            return None
        logged = self.carried_held()
        if logged is None:
            return self.plan.start(ladder)
        if ladder.axis is Axis.WEIGHT:
            return nearest_weight(ladder.rungs, logged)
        return logged
