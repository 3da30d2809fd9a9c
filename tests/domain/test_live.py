"""The live session's steps: what each control does, and the clock while paused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coach.domain.live import (
    Action,
    LiveState,
    NotAllowed,
    Phase,
    SessionExercise,
    Status,
    apply,
    paused_remaining,
    remaining_seconds,
)

T0 = datetime(2026, 12, 3, 11, 25, tzinfo=UTC)
EXERCISES = (SessionExercise("lateral-raise", None), SessionExercise("neck-side-hold", 20))


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_hold_works_for_its_seconds_and_a_rep_set_has_no_clock() -> None:
    state = apply(LiveState(Status.LOBBY, None), Action.START, EXERCISES, T0)
    state = apply(state, Action.NEXT, EXERCISES, _at(10))
    assert state.step is not None and (state.step.phase, state.step.duration_s) == (
        Phase.WORK,
        None,
    )
    for _ in range(3):  # rest, then the hold's get-ready, then its work
        state = apply(state, Action.NEXT, EXERCISES, _at(20))
    assert state.step is not None
    assert (state.step.index, state.step.phase, state.step.duration_s) == (1, Phase.WORK, 20)
    assert apply(state, Action.NEXT, EXERCISES, _at(40)).status is Status.ENDED


def test_a_pause_freezes_the_countdown_and_resume_carries_on_from_there() -> None:
    state = apply(LiveState(Status.LOBBY, None), Action.START, EXERCISES, T0)  # 10 s get-ready
    paused = apply(state, Action.PAUSE, EXERCISES, _at(3.5))
    assert paused_remaining(paused) == 7
    resumed = apply(paused, Action.RESUME, EXERCISES, _at(63.5))  # a minute later
    assert resumed.step is not None and remaining_seconds(resumed.step, _at(64.5)) == 6


def test_previous_on_the_first_step_starts_it_again() -> None:
    state = apply(LiveState(Status.LOBBY, None), Action.START, EXERCISES, T0)
    again = apply(state, Action.PREVIOUS, EXERCISES, _at(8))
    assert again.step is not None and again.step.started_at == _at(8)
    assert (again.step.index, again.step.phase) == (0, Phase.GET_READY)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.LOBBY, Action.NEXT),
        (Status.LOBBY, Action.PAUSE),
        (Status.ENDED, Action.NEXT),
        (Status.ENDED, Action.END),
        (Status.ENDED, Action.HAND_OVER),
    ],
)
def test_actions_the_status_does_not_allow(status: Status, action: Action) -> None:
    with pytest.raises(NotAllowed):
        apply(LiveState(status, None), action, EXERCISES, T0)
