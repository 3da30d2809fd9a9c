"""Failed-login throttling: only failures count, per client address and per email.

Counters live in the storage ``COACH_RATELIMIT_STORAGE_URI`` names (in-process memory by
default; Redis when several hosts serve the app), through the ``limits`` library.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

_EXTENSION = "coach.login_throttle"


class LoginThrottle:
    def __init__(self, storage_uri: str, limit: str) -> None:
        self.storage = storage_from_string(storage_uri)
        self.item = parse(limit)
        self.window = MovingWindowRateLimiter(self.storage)

    def _keys(self, email: str) -> tuple[str, str]:
        # Per address stops one client guessing; per email stops many clients
        # guessing one account.
        return f"address:{request.remote_addr}", f"email:{email}"

    def check(self, email: str) -> None:
        """Raise 429 with ``Retry-After`` when this address or email failed too often."""
        for key in self._keys(email):
            if not self.window.test(self.item, "login", key):
                reset_at = self.window.get_window_stats(self.item, "login", key).reset_time
                raise TooManyRequests(
                    "Too many failed sign-ins. Wait a little and try again.",
                    retry_after=max(1, math.ceil(reset_at - time.time())),
                )

    def failed(self, email: str) -> None:
        for key in self._keys(email):
            self.window.hit(self.item, "login", key)

    def reset(self) -> None:
        self.storage.reset()


def login_throttle() -> LoginThrottle:
    return current_app.extensions[_EXTENSION]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = LoginThrottle(
        app.config["RATELIMIT_STORAGE_URI"], app.config["LOGIN_RATE_LIMIT"]
    )
