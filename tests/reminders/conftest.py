from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from coach.reminders import keys
from tests.reminders.push_service import PushService

FAST_DELIVERY = {
    "PUSH_ALLOW_HTTP": True,  # the loopback service speaks plain HTTP
    "PUSH_BACKOFF_SECONDS": 0.01,
    "PUSH_TIMEOUT_SECONDS": 0.5,
    "PUSH_RETRIES": 2,
}


@pytest.fixture
def push(app: Flask) -> Iterator[PushService]:
    """A loopback push service, and the app set up to deliver to it quickly."""
    saved = {key: app.config[key] for key in FAST_DELIVERY}
    app.config.update(FAST_DELIVERY)
    service = PushService(keys.public_key()).start()
    try:
        yield service
    finally:
        service.stop()
        app.config.update(saved)
