"""A live session's steps and what the host's controls do to them.

A key person leads the team through the strength exercises of its current phase. Each
exercise is three steps: get ready (a short countdown to pick up the band), work (a
countdown for a timed hold, open-ended for a set of repetitions: everyone goes to
their own failure point), and rest before the next exercise (none after the last).
The host moves the session on; phones render countdowns from the step's start instant,
so the state is a start instant and a duration, never a ticking counter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

GET_READY_SECONDS = 10
REST_SECONDS = 30


class Status(StrEnum):
    LOBBY = "lobby"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Phase(StrEnum):
    GET_READY = "get_ready"
    WORK = "work"
    REST = "rest"


class Action(StrEnum):
    START = "start"
    NEXT = "next"
    PREVIOUS = "previous"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    HAND_OVER = "hand_over"


@dataclass(frozen=True)
class SessionExercise:
    slug: str
    work_seconds: int | None  # a timed hold's seconds; None: repetitions, no clock


@dataclass(frozen=True)
class Step:
    index: int  # the exercise's position in the session
    phase: Phase
    started_at: datetime
    duration_s: int | None


@dataclass(frozen=True)
class LiveState:
    status: Status
    step: Step | None  # None in the lobby
    paused_at: datetime | None = None


class NotAllowed(Exception):
    """The action does not fit the session's status (the API answers 422)."""


# Which actions each status allows; hand_over is checked by the caller's service.
ALLOWED: dict[Status, frozenset[Action]] = {
    Status.LOBBY: frozenset({Action.START, Action.END, Action.HAND_OVER}),
    Status.RUNNING: frozenset(
        {Action.NEXT, Action.PREVIOUS, Action.PAUSE, Action.END, Action.HAND_OVER}
    ),
    Status.PAUSED: frozenset(
        {Action.NEXT, Action.PREVIOUS, Action.RESUME, Action.END, Action.HAND_OVER}
    ),
    Status.ENDED: frozenset(),
}


def _duration(exercise: SessionExercise, phase: Phase) -> int | None:
    if phase is Phase.GET_READY:
        return GET_READY_SECONDS
    if phase is Phase.REST:
        return REST_SECONDS
    return exercise.work_seconds


def _step(exercises: tuple[SessionExercise, ...], index: int, phase: Phase, now: datetime) -> Step:
    return Step(index, phase, now, _duration(exercises[index], phase))


def _phases(index: int, count: int) -> tuple[Phase, ...]:
    last = index == count - 1
    return (Phase.GET_READY, Phase.WORK) if last else (Phase.GET_READY, Phase.WORK, Phase.REST)


def remaining_seconds(step: Step, at: datetime) -> int | None:
    """Whole seconds left of a timed step at ``at`` (rounded up, never below 0)."""
    if step.duration_s is None:
        return None
    left = step.duration_s - (at - step.started_at).total_seconds()
    return max(0, math.ceil(left - 1e-9))


def apply(
    state: LiveState, action: Action, exercises: tuple[SessionExercise, ...], now: datetime
) -> LiveState:
    """The state after ``action`` at ``now``; raises :class:`NotAllowed` if the status
    does not allow it. ``next`` past the last exercise ends the session; ``previous``
    on the very first step starts that step again."""
    if action not in ALLOWED[state.status]:
        raise NotAllowed(f"A {state.status.value} session cannot {action.value.replace('_', ' ')}.")
    if action is Action.HAND_OVER:
        return state
    if action is Action.END:
        return LiveState(Status.ENDED, None)
    if action is Action.START:
        if not exercises:
            raise NotAllowed("The session has no exercises to start.")
        return LiveState(Status.RUNNING, _step(exercises, 0, Phase.GET_READY, now))
    step = state.step
    assert step is not None  # running and paused sessions always have a step
    if action is Action.PAUSE:
        return LiveState(Status.PAUSED, step, paused_at=now)
    if action is Action.RESUME:
        # The clock stood still while paused: the step starts that much later.
        assert state.paused_at is not None
        moved = replace(step, started_at=step.started_at + (now - state.paused_at))
        return LiveState(Status.RUNNING, moved)
    phases = _phases(step.index, len(exercises))
    position = phases.index(step.phase)
    if action is Action.NEXT:
        if position + 1 < len(phases):
            return LiveState(
                Status.RUNNING, _step(exercises, step.index, phases[position + 1], now)
            )
        if step.index + 1 < len(exercises):
            return LiveState(Status.RUNNING, _step(exercises, step.index + 1, Phase.GET_READY, now))
        return LiveState(Status.ENDED, None)
    # previous
    if position > 0:
        return LiveState(Status.RUNNING, _step(exercises, step.index, phases[position - 1], now))
    if step.index > 0:
        before = _phases(step.index - 1, len(exercises))[-1]
        return LiveState(Status.RUNNING, _step(exercises, step.index - 1, before, now))
    return LiveState(Status.RUNNING, _step(exercises, 0, Phase.GET_READY, now))


def paused_remaining(state: LiveState) -> int | None:
    """Seconds left of a paused step, frozen at the moment of the pause."""
    if state.status is not Status.PAUSED or state.step is None or state.paused_at is None:
        return None
    return remaining_seconds(state.step, state.paused_at)
