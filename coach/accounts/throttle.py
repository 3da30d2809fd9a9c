"""Rate limits on sign-in and its neighbours, counted in a store every worker shares.

What is limited, per client address and per account (the settings name the amounts):

- failed sign-ins with a password, per address and per e-mail (``LOGIN_RATE_LIMIT``);
  only failures count, so a person who types it right is never slowed;
- failed uses of sign-in links, per address (``LOGIN_RATE_LIMIT``: it is a sign-in);
- sign-in links made, per person (``SIGN_IN_LINK_RATE_LIMIT``);
- invite acceptances, per address (``INVITE_RATE_LIMIT``): generous, since a whole
  workplace may join from one office address;
- test reminders, per person (``TEST_REMINDER_RATE_LIMIT``) and per address
  (``TEST_REMINDER_ADDRESS_RATE_LIMIT``).

Counters are moving windows of the ``limits`` library. They live in Redis when
``COACH_REDIS_URL`` is set (or ``COACH_RATELIMIT_STORAGE_URI`` names a store), and
otherwise in the app's database (:class:`DatabaseStorage`), so every gunicorn worker —
and with PostgreSQL every host — counts the same attempts. A per-process memory store
would let each worker grant the limit again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MovingWindowSupport, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from coach.accounts.auth import signed_in_caller
from coach.accounts.models import RateLimitHit
from coach.extensions import db

_EXTENSION = "coach.rate_limits"
F = TypeVar("F", bound=Callable[..., Any])


class DatabaseStorage(Storage, MovingWindowSupport):
    """Moving-window counters in the ``rate_limit_hits`` table: one row per attempt.

    Each change runs in a transaction of its own (not the request's, which may be
    rolled back) that first takes a lock for the key: an advisory lock on PostgreSQL,
    the database's write lock on SQLite (the DELETE of expired rows takes it). So two
    workers never both take the last attempt of a window.
    """

    STORAGE_SCHEME = None  # made by init_app, never from a URI

    def __init__(self, engine: Callable[[], sa.Engine]) -> None:
        super().__init__()
        self._engine = engine  # Flask-SQLAlchemy's engine, looked up in the app context

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def _locked(self, conn: sa.Connection, key: str, now: float) -> None:
        """Lock ``key`` for this transaction and drop its expired entries."""
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))
        conn.execute(
            sa.delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.expires_at <= now)
        )

    def _add(self, conn: sa.Connection, key: str, expiry: int, amount: int, now: float) -> None:
        row = {"key": key, "at": now, "expires_at": now + expiry}
        conn.execute(sa.insert(RateLimitHit), [row] * amount)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._engine().begin() as conn:
            self._locked(conn, key, now)
            taken = conn.scalar(
                sa.select(sa.func.count())
                .select_from(RateLimitHit)
                .where(RateLimitHit.key == key, RateLimitHit.at > now - expiry)
            )
            if (taken or 0) + amount > limit:
                return False
            self._add(conn, key, expiry, amount, now)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self._engine().connect() as conn:
            oldest, count = conn.execute(
                sa.select(sa.func.min(RateLimitHit.at), sa.func.count()).where(
                    RateLimitHit.key == key, RateLimitHit.at > now - expiry
                )
            ).one()
        return (oldest if oldest is not None else now), count

    # The rest of the Storage interface (fixed windows), on the same rows.

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._engine().begin() as conn:
            self._locked(conn, key, now)
            self._add(conn, key, expiry, amount, now)
            return self._count(conn, key, now)

    def _count(self, conn: sa.Connection, key: str, now: float) -> int:
        return (
            conn.scalar(
                sa.select(sa.func.count())
                .select_from(RateLimitHit)
                .where(RateLimitHit.key == key, RateLimitHit.expires_at > now)
            )
            or 0
        )

    def get(self, key: str) -> int:
        with self._engine().connect() as conn:
            return self._count(conn, key, time.time())

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._engine().connect() as conn:
            latest = conn.scalar(
                sa.select(sa.func.max(RateLimitHit.expires_at)).where(
                    RateLimitHit.key == key, RateLimitHit.expires_at > now
                )
            )
        return latest if latest is not None else now

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(sa.select(sa.func.count()).select_from(RateLimitHit))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(sa.delete(RateLimitHit)).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(sa.delete(RateLimitHit).where(RateLimitHit.key == key))


@dataclass(frozen=True)
class Limit:
    """One limit: its name (part of every key) and the amount per window."""

    name: str
    item: RateLimitItem


class RateLimits:
    """The app's limits on one shared store."""

    def __init__(self, storage: Storage, amounts: dict[str, str]) -> None:
        self.storage = storage
        self.window = MovingWindowRateLimiter(storage)
        self.limits = {name: Limit(name, parse(amount)) for name, amount in amounts.items()}

    def _refuse(self, limit: Limit, key: str, message: str) -> TooManyRequests:
        reset_at = self.window.get_window_stats(limit.item, limit.name, key).reset_time
        return TooManyRequests(message, retry_after=max(1, math.ceil(reset_at - time.time())))

    def check(self, name: str, keys: list[str], message: str) -> None:
        """429 with ``Retry-After`` if any key has used up limit ``name``; counts nothing."""
        limit = self.limits[name]
        for key in keys:
            if not self.window.test(limit.item, limit.name, key):
                raise self._refuse(limit, key, message)

    def count(self, name: str, keys: list[str]) -> None:
        """Count one attempt against limit ``name`` for every key (after :meth:`check`)."""
        limit = self.limits[name]
        for key in keys:
            self.window.hit(limit.item, limit.name, key)

    def take(self, name: str, keys: list[str], message: str) -> None:
        """Count one attempt for every key, or 429 if a key has none left.

        Taking is one step per key (test and count in one locked transaction), so
        workers racing for the last attempt cannot both get it.
        """
        limit = self.limits[name]
        for key in keys:
            if not self.window.hit(limit.item, limit.name, key):
                raise self._refuse(limit, key, message)

    def reset(self) -> None:
        self.storage.reset()


def rate_limits() -> RateLimits:
    return current_app.extensions[_EXTENSION]  # type: ignore[no-any-return]


def address_key() -> str:
    """This request's client address (behind trusted proxies: the one they report)."""
    return f"address:{request.remote_addr}"


def person_key(person_id: int) -> str:
    return f"person:{person_id}"


LIMITED_FAILED_SIGN_IN = "Too many failed sign-ins. Wait a little and try again."


def check_sign_in(email: str | None = None) -> None:
    """Before a sign-in: 429 if this address (or e-mail) failed too often."""
    keys = [address_key()] + ([f"email:{email}"] if email else [])
    rate_limits().check("login", keys, LIMITED_FAILED_SIGN_IN)


def sign_in_failed(email: str | None = None) -> None:
    """Count a failed sign-in (wrong password, unknown or used sign-in link)."""
    keys = [address_key()] + ([f"email:{email}"] if email else [])
    rate_limits().count("login", keys)


def limited(*names: str, message: str) -> Callable[[F], F]:
    """Count every call of the view against each limit named; 429 beyond one.

    A name ending in ``-person`` counts per signed-in person (put the decorator
    below :func:`~coach.accounts.auth.signed_in`); any other, per client address.
    """

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            limits = rate_limits()
            for name in names:
                if name.endswith("-person"):
                    key = person_key(signed_in_caller().id)
                else:
                    key = address_key()
                limits.take(name, [key], message)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def storage_for(app: Flask) -> Storage:
    """Redis (or the store ``RATELIMIT_STORAGE_URI`` names), else the database."""
    uri = app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"]
    if uri:
        return storage_from_string(uri, **app.config["RATELIMIT_STORAGE_OPTIONS"])
    return DatabaseStorage(lambda: db.engine)


def init_app(app: Flask) -> None:
    cfg = app.config
    app.extensions[_EXTENSION] = RateLimits(
        storage_for(app),
        {
            "login": cfg["LOGIN_RATE_LIMIT"],
            "sign-in-link-person": cfg["SIGN_IN_LINK_RATE_LIMIT"],
            "invite": cfg["INVITE_RATE_LIMIT"],
            "test-reminder": cfg["TEST_REMINDER_ADDRESS_RATE_LIMIT"],
            "test-reminder-person": cfg["TEST_REMINDER_RATE_LIMIT"],
        },
    )
