from __future__ import annotations

from datetime import date

from coach.domain.privacy import MIN_PAIN_REPORTERS, baseline, enough_reporters, pain_weeks

MONDAY = date(2027, 3, 1)


def test_figures_need_five_people() -> None:
    assert not enough_reporters(MIN_PAIN_REPORTERS - 1)
    assert enough_reporters(MIN_PAIN_REPORTERS)


def test_a_week_with_four_answers_has_no_figures_at_all() -> None:
    answers = {MONDAY: {i: {"neck": float(i)} for i in range(4)}}
    [week] = pain_weeks([MONDAY], answers, ["neck"])
    assert (week.shown, week.regions, week.reporting, week.status) == (
        False,
        {},
        None,
        "too few answers",
    )


def test_median_mean_and_change() -> None:
    answers = {MONDAY: {i: {"neck": float(v), "arm": None} for i, v in enumerate([1, 2, 2, 5, 9])}}
    [week] = pain_weeks([MONDAY], answers, ["neck", "arm"], {"neck": 4.0, "arm": None})
    assert week.reporting == 5
    figure = week.regions["neck"]
    assert figure is not None
    assert (figure.median, figure.mean, figure.change_in_median) == (2.0, 3.8, -2.0)
    assert week.regions["arm"] is None


def test_baseline_needs_five_people_too() -> None:
    four = {i: {"neck": 3.0} for i in range(4)}
    five = {i: {"neck": float(i)} for i in range(5)}
    assert baseline(four, ["neck"]) == {"neck": None}
    assert baseline(five, ["neck"]) == {"neck": 2.0}
