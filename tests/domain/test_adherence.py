from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.domain.adherence import (
    WeekAdherence,
    current_streak,
    sessions_by_week,
    sessions_vs_target,
    target_so_far,
    week_due,
    week_start,
    weekly_target,
)

WEDNESDAY = date(2025, 3, 12)
THIS_WEEK = date(2025, 3, 10)


def mondays_back(n: int) -> date:
    return THIS_WEEK - timedelta(weeks=n)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2025, 3, 10), date(2025, 3, 10)),  # a Monday is its own week's start
        (date(2025, 3, 16), date(2025, 3, 10)),  # Sunday ends the ISO week
        (date(2025, 1, 1), date(2024, 12, 30)),  # ISO week 1 of 2025 starts in 2024
        (date(2021, 1, 3), date(2020, 12, 28)),  # ISO week 53 of 2020
        (date(2024, 2, 29), date(2024, 2, 26)),
    ],
)
def test_week_start_is_the_iso_monday(day: date, monday: date) -> None:
    assert week_start(day) == monday


@given(st.dates())
def test_week_start_is_a_monday_within_six_days_before(day: date) -> None:
    monday = week_start(day)
    assert monday.isoweekday() == 1
    assert 0 <= (day - monday).days <= 6
    assert monday.isocalendar()[:2] == day.isocalendar()[:2]


def test_sessions_by_week_counts_each_day_once() -> None:
    days = [date(2025, 3, 10), date(2025, 3, 10), date(2025, 3, 16), date(2025, 3, 17)]
    assert sessions_by_week(days) == {date(2025, 3, 10): 2, date(2025, 3, 17): 1}


def test_weekly_target_is_capped_by_the_team_workdays() -> None:
    assert weekly_target(5) == 5
    assert weekly_target(5, ["mon", "tue", "wed", "thu", "fri"]) == 5
    assert weekly_target(5, ["mon", "wed", "fri"]) == 3
    assert weekly_target(2, ["mon", "wed", "fri"]) == 2
    assert weekly_target(3, []) == 3  # no workdays stated: every day counts


def test_sessions_vs_target_lays_out_twelve_weeks_oldest_first() -> None:
    sessions = {mondays_back(0): 2, mondays_back(3): 5, mondays_back(20): 5}
    weeks = sessions_vs_target(sessions, today=WEDNESDAY, target=5)
    assert [w.week_start for w in weeks] == [mondays_back(n) for n in range(11, -1, -1)]
    assert [w.sessions for w in weeks] == [0] * 8 + [5, 0, 0, 2]
    # the week under way (2 of 5 on a Wednesday) is not missed yet
    assert [w.met for w in weeks] == [False] * 8 + [True, False, False, None]
    assert [w.partial for w in weeks] == [False] * 11 + [True]
    assert all(w.planned and w.target == 5 for w in weeks)


def test_weeks_before_joining_are_left_out() -> None:
    weeks = sessions_vs_target({}, today=WEDNESDAY, target=3, since=date(2025, 2, 26))
    assert [w.week_start for w in weeks] == [date(2025, 2, 24), date(2025, 3, 3), THIS_WEEK]
    # Wednesday, every day a training day: 3 of 7 days gone, so 2 of 3 are due
    assert sessions_vs_target({}, today=WEDNESDAY, target=3, since=WEDNESDAY) == [
        WeekAdherence(THIS_WEEK, 0, 3, 2, True)
    ]


def test_without_a_target_nothing_is_met_or_missed() -> None:
    weeks = sessions_vs_target({THIS_WEEK: 4}, today=WEDNESDAY, target=None, weeks=2)
    assert [(w.sessions, w.met) for w in weeks] == [(0, None), (4, None)]
    assert [(w.planned, w.target, w.target_so_far) for w in weeks] == [(False, None, None)] * 2
    assert current_streak({THIS_WEEK: 4}, today=WEDNESDAY, target=None) == 0


def test_sessions_vs_target_needs_a_week() -> None:
    with pytest.raises(ValueError):
        sessions_vs_target({}, today=WEDNESDAY, target=1, weeks=0)


def test_streak_counts_the_current_week_only_once_met() -> None:
    history = {mondays_back(1): 3, mondays_back(2): 4, mondays_back(3): 1, mondays_back(4): 5}
    # this week is under way with 1 of 3: it neither counts nor breaks the streak
    assert current_streak({**history, THIS_WEEK: 1}, today=WEDNESDAY, target=3) == 2
    assert current_streak(history, today=WEDNESDAY, target=3) == 2
    # met already: it counts
    assert current_streak({**history, THIS_WEEK: 3}, today=WEDNESDAY, target=3) == 3
    # last week missed: no streak, whatever came before
    assert current_streak({mondays_back(2): 5}, today=WEDNESDAY, target=3) == 0


def test_streak_reaches_back_beyond_the_shown_weeks() -> None:
    history = {mondays_back(n): 2 for n in range(1, 41)}
    assert current_streak(history, today=WEDNESDAY, target=2) == 40
    assert current_streak(history, today=THIS_WEEK + timedelta(days=6), target=2) == 40


@given(
    st.dictionaries(st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=7)),
    st.integers(min_value=1, max_value=7),
)
def test_streak_is_a_run_of_met_weeks(counts: dict[int, int], target: int) -> None:
    sessions = {mondays_back(n): c for n, c in counts.items()}
    streak = current_streak(sessions, today=WEDNESDAY, target=target)
    start = 0 if counts.get(0, 0) >= target else 1
    assert all(counts.get(n, 0) >= target for n in range(start, start + streak))
    assert counts.get(start + streak, 0) < target


WORKWEEK = ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize(
    ("target", "workdays", "day", "due"),
    [
        (5, WORKWEEK, date(2026, 11, 30), 1),  # Monday of a daily program
        (5, WORKWEEK, date(2026, 12, 3), 4),  # Thursday
        (5, WORKWEEK, date(2026, 12, 6), 5),  # Sunday: the whole week
        (3, WORKWEEK, date(2026, 11, 30), 1),  # 3 over 5 days, rounded up
        (3, WORKWEEK, date(2026, 12, 1), 2),
        (3, WORKWEEK, date(2026, 12, 2), 2),
        (3, WORKWEEK, date(2026, 12, 4), 3),
        (2, ["tue", "thu"], date(2026, 11, 30), 0),  # nothing due before the first day
        (2, ["tue", "thu"], date(2026, 12, 1), 1),
        (3, [], date(2026, 12, 1), 3),  # no training days: the target as it is
    ],
)
def test_the_target_so_far_spreads_the_week_over_the_training_days(
    target: int, workdays: list[str], day: date, due: int
) -> None:
    assert target_so_far(target, workdays, day) == due


def test_the_week_under_way_is_held_to_the_target_so_far() -> None:
    """Wednesday of a Monday-to-Friday team with 2 sessions a week: ceil(2 * 3 / 5) = 2
    are due by today; the weeks before owe the whole target."""
    sessions = {mondays_back(1): 1, THIS_WEEK: 1}
    last, now = sessions_vs_target(sessions, today=WEDNESDAY, target=2, workdays=WORKWEEK, weeks=2)
    assert (last.target, last.target_so_far, last.partial, last.met) == (2, 2, False, False)
    assert (now.target, now.target_so_far, now.partial, now.met) == (2, 2, True, None)
    assert target_so_far(2, WORKWEEK, WEDNESDAY) == now.target_so_far
    # On Monday one is due; met is still undecided until the whole target is reached
    [monday] = sessions_vs_target(sessions, today=THIS_WEEK, target=2, workdays=WORKWEEK, weeks=1)
    assert (monday.target_so_far, monday.met) == (1, None)
    [done] = sessions_vs_target(
        {THIS_WEEK: 2}, today=WEDNESDAY, target=2, workdays=WORKWEEK, weeks=1
    )
    assert done.met is True


@pytest.mark.parametrize(
    ("monday", "today", "due"),
    [
        (mondays_back(1), WEDNESDAY, 5),  # last week: the whole target
        (THIS_WEEK, WEDNESDAY, 3),  # this week, Wednesday of five training days
        (THIS_WEEK, THIS_WEEK + timedelta(days=6), 5),  # Sunday: all of it
    ],
)
def test_week_due_is_the_whole_target_once_the_week_is_over(
    monday: date, today: date, due: int
) -> None:
    assert week_due(5, WORKWEEK, monday, today) == due


def test_week_due_without_training_days_counts_every_day() -> None:
    assert week_due(7, None, THIS_WEEK, WEDNESDAY) == 3
