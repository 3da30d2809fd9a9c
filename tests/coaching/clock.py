"""The coaching tests' clock: the one outside collaborator they replace, so that each
step of a scenario happens on a chosen day after the person joined."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

JOINED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday, in week 1 of the program


class Clock:
    def __init__(self) -> None:
        self.now = JOINED

    def set(self, days: int, hour: int = 10) -> None:
        """``days`` after joining, at ``hour`` UTC (11:00 in Copenhagen in winter)."""
        self.now = (JOINED + timedelta(days=days)).replace(hour=hour)
