from __future__ import annotations

import pytest

from tests.coaching.clock import Clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Now, as the journal sees it, moved by the test."""
    clock = Clock()
    monkeypatch.setattr("coach.coaching.journal.utcnow", lambda: clock.now)
    return clock
