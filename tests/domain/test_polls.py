"""The rules of polls, without an app: phases on the team's weeks, which exercise sets a
phase may take, the proposed variants, and the count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coach.catalogue.loader import load
from coach.domain import polls
from coach.domain.catalogue import Catalogue

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "exercises"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load(CATALOGUE_PATH).catalogue


def test_the_next_phase_counts_on_in_team_weeks(catalogue: Catalogue) -> None:
    office = catalogue.programs["office-daily-5"]  # weeks 1-4, 5-8, 9-12
    assert (polls.next_phase(office, 1).first_week, polls.next_phase(office, 1).last_week) == (5, 8)
    assert polls.next_phase(office, 8).first_week == 9
    after_the_last = polls.next_phase(office, 12)  # the program starts over
    assert (after_the_last.first_week, after_the_last.last_week) == (13, 16)
    assert after_the_last.phase is office.phases[0]
    assert polls.next_phase(office, 14).first_week == 17
    # week 5 of a team that started on a Wednesday begins on the Monday four weeks on
    assert polls.next_phase(office, 2).starts_on(date(2027, 1, 6)) == date(2027, 2, 1)


def test_a_set_keeps_each_place_and_allows_only_fitting_alternatives(
    catalogue: Catalogue,
) -> None:
    phase = catalogue.programs["office-daily-5"].phases[1]
    written = ["lateral-raise", "band-pull-apart", "external-rotation", "wrist-extension"]
    assert polls.set_problems(catalogue, phase, written) == {}
    assert polls.set_problems(catalogue, phase, ["front-raise", *written[1:]]) == {}
    assert 0 in polls.set_problems(catalogue, phase, ["squat", *written[1:]])  # not listed
    assert 0 in polls.set_problems(catalogue, phase, ["nope", *written[1:]])
    assert -1 in polls.set_problems(catalogue, phase, written[:3])  # one per exercise
    twice = ["lateral-raise", "reverse-fly", "reverse-fly", "wrist-extension"]
    assert 2 in polls.set_problems(catalogue, phase, twice)
    # grip hold (kettlebell, a hold) is listed for wrist extension but fits neither
    assert 3 in polls.set_problems(catalogue, phase, [*written[:3], "grip-hold"])
    items = polls.with_exercises(phase, ["front-raise", *written[1:]])
    assert [i.exercise for i in items] == ["front-raise", *written[1:]]
    assert [i.dose for i in items] == [i.dose for i in phase.items]  # doses as written


def test_every_suggestion_is_a_valid_set_and_the_first_is_as_written(
    catalogue: Catalogue,
) -> None:
    for program in catalogue.programs.values():
        for phase in program.phases:
            sets = polls.suggested_sets(catalogue, phase)
            assert sets[0] == [i.exercise for i in polls.exercise_items(phase)]
            assert len({tuple(s) for s in sets}) == len(sets)  # no option twice
            for proposed in sets:
                assert polls.set_problems(catalogue, phase, proposed) == {}, (
                    program.slug,
                    proposed,
                )


def test_most_votes_win_and_a_tie_waits() -> None:
    assert polls.tally([1, 3, 2]) == polls.Tally(1, (1,))
    assert polls.tally([2, 0, 2]) == polls.Tally(None, (0, 2))
    assert polls.tally([0, 0]) == polls.Tally(None, (0, 1))  # nobody voted


def test_weekdays_as_numbers_and_names() -> None:
    assert polls.weekday_names([5, 1, 1, 3]) == ["mon", "wed", "fri"]
    assert polls.weekday_numbers(["fri", "mon"]) == [1, 5]
