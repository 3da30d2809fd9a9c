from __future__ import annotations

from datetime import date, timedelta

from coach.domain.instruction import latest_end, phase_starts, plan_problems

START = date(2027, 1, 4)


def _mondays(n: int) -> list[date]:
    return [START + timedelta(weeks=i) for i in range(n)]


def test_fifteen_weeks_pass_and_sixteen_do_not() -> None:
    assert plan_problems(START, date(2027, 12, 31), _mondays(15)) == {}
    problems = plan_problems(START, date(2027, 12, 31), _mondays(16))
    assert list(problems) == ["instructor_weeks"]


def test_twelve_months_inclusive() -> None:
    assert latest_end(START) == date(2028, 1, 3)
    assert latest_end(date(2027, 3, 1)) == date(2028, 2, 29)  # a leap year's February
    assert latest_end(date(2027, 8, 31)) == date(2028, 8, 30)
    assert plan_problems(START, date(2028, 1, 3), []) == {}
    assert list(plan_problems(START, date(2028, 1, 4), [])) == ["ends_on"]


def test_a_week_overlapping_the_start_counts_as_inside() -> None:
    wednesday_start = date(2027, 1, 6)
    assert plan_problems(wednesday_start, date(2027, 6, 30), [START]) == {}


def test_phase_starts_repeat_with_the_program() -> None:
    starts = phase_starts(START, START + timedelta(weeks=13), [1, 5, 9], 12, [START])
    assert [(s.program_week, s.phase_first_week, s.at_visit) for s in starts] == [
        (1, 1, True),
        (5, 5, False),
        (9, 9, False),
        (13, 1, False),
    ]
