from __future__ import annotations

from datetime import time

import pytest

from coach.domain.calendar import format_wall_clock, ordered_weekdays, parse_wall_clock


@pytest.mark.parametrize("text", ["00:00", "11:25", "23:59"])
def test_wall_clock_round_trips(text: str) -> None:
    assert format_wall_clock(parse_wall_clock(text)) == text


@pytest.mark.parametrize(
    "text", ["24:00", "25:00", "11:60", "1125", "1:25", "11:25\n", " 11:25", ""]
)
def test_wall_clock_refuses_anything_but_hh_mm(text: str) -> None:
    with pytest.raises(ValueError):
        parse_wall_clock(text)


def test_weekdays_are_deduplicated_monday_first() -> None:
    assert ordered_weekdays(["fri", "mon", "fri", "wed"]) == ["mon", "wed", "fri"]
    with pytest.raises(ValueError):
        ordered_weekdays(["mon", "funday"])
    assert parse_wall_clock("07:05") == time(7, 5)
