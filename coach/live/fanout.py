"""Changes of live sessions, fanned out to every open event stream on every host.

After a change commits, :func:`publish` announces ``<session id>:<version>``:
- through Redis pub/sub when ``COACH_REDIS_URL`` is set (any number of hosts);
- else through PostgreSQL ``NOTIFY`` when the database is PostgreSQL;
- else (SQLite: one host) nobody is told, and the process's listener instead reads
  the watched sessions' versions every ``LIVE_POLL_SECONDS`` (one small query).

Each worker process has one :class:`Hub`: one listener thread with one broker
connection, whatever the number of streams. On an announcement it reads the session's
document once and hands it to the local queue of every stream watching that session.
Pub/sub is fire-and-forget: a stream that reconnects (or a listener that lost its
broker) gets the current state read afresh, so nothing depends on a message arriving.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from flask import Flask, current_app

from coach.extensions import db

log = logging.getLogger(__name__)

CHANNEL = "coach_live"
_HUB = "coach.live.hub"
_REDIS = "coach.live.redis"


@dataclass(frozen=True)
class Change:
    """One state of a session, ready to send: its version, the document as JSON, and
    whether it is the last (the session has ended)."""

    version: int
    data: bytes
    ended: bool


def broker(app: Flask) -> str:
    """Which way changes travel: ``redis``, ``postgresql`` or ``poll``."""
    if app.config.get("REDIS_URL"):
        return "redis"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return "postgresql"
    return "poll"


def _redis_client(app: Flask) -> Any:
    import redis  # only needed when Redis is configured

    client = app.extensions.get(_REDIS)
    if client is None or client[0] != os.getpid():  # a forked worker makes its own
        client = (os.getpid(), redis.Redis.from_url(app.config["REDIS_URL"]))
        app.extensions[_REDIS] = client
    return client[1]


def publish(session_id: uuid.UUID, version: int) -> None:
    """Announce a committed change. Failing to announce never fails the change: the
    streams' listeners catch up when they reconnect."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    message = f"{session_id}:{version}"
    way = broker(app)
    try:
        if way == "redis":
            _redis_client(app).publish(CHANNEL, message)
        elif way == "postgresql":
            db.session.execute(sa.select(sa.func.pg_notify(CHANNEL, message)))
            db.session.commit()  # NOTIFY is delivered when its transaction commits
    except Exception:  # the broker is down: the change is stored, streams re-read
        log.warning("could not announce %s through %s", message, way, exc_info=True)
        db.session.rollback()
    # The hub of this very process hears it at once (no round trip through a broker).
    hub = app.extensions.get(_HUB)
    if hub is not None and hub.pid == os.getpid():
        hub.announce(session_id, version)


@dataclass
class _Watch:
    queues: set[queue.Queue[Change]] = field(default_factory=set)
    version: int = 0  # the newest version handed to the queues


class Hub:
    """The process's streams by session, and the one listener that feeds them."""

    def __init__(self, app: Flask, render: Callable[[uuid.UUID], tuple[int, Any, bool] | None]):
        self.app = app
        self.pid = os.getpid()
        self.render = render  # session id -> (version, document, ended), read afresh
        self.lock = threading.Lock()
        self.watches: dict[uuid.UUID, _Watch] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._listen, name="live-listener", daemon=True)
        self.thread.start()

    # -- streams ----------------------------------------------------------------------

    def watch(self, session_id: uuid.UUID) -> queue.Queue[Change]:
        changes: queue.Queue[Change] = queue.Queue()
        with self.lock:
            self.watches.setdefault(session_id, _Watch()).queues.add(changes)
        return changes

    def unwatch(self, session_id: uuid.UUID, changes: queue.Queue[Change]) -> None:
        with self.lock:
            watch = self.watches.get(session_id)
            if watch is not None:
                watch.queues.discard(changes)
                if not watch.queues:
                    del self.watches[session_id]

    @property
    def streams(self) -> int:
        with self.lock:
            return sum(len(w.queues) for w in self.watches.values())

    # -- changes ----------------------------------------------------------------------

    def announce(self, session_id: uuid.UUID, version: int) -> None:
        """A change was announced: read the document once, hand it to every stream."""
        with self.lock:
            watch = self.watches.get(session_id)
            if watch is None or version <= watch.version:
                return
        try:
            with self.app.app_context():
                rendered = self.render(session_id)
        except Exception:
            log.exception("reading live session %s failed", session_id)
            return
        if rendered is None:
            return
        newest, document, ended = rendered
        change = Change(newest, orjson.dumps(document), ended)
        with self.lock:
            watch = self.watches.get(session_id)
            if watch is None or newest <= watch.version:
                return
            watch.version = newest
            for changes in watch.queues:
                changes.put(change)

    def _catch_up(self) -> None:
        """After (re)connecting to the broker: announcements may have been missed."""
        with self.lock:
            watched = list(self.watches)
        for session_id in watched:
            self.announce(session_id, 2**62)

    def _listen(self) -> None:
        way = broker(self.app)
        listen = {"redis": self._listen_redis, "postgresql": self._listen_postgresql}.get(
            way, self._poll
        )
        while not self.stopping.is_set():
            try:
                listen()
            except Exception:
                log.warning("live listener (%s) lost its connection; reconnecting", way)
                self.stopping.wait(1.0)

    def _handle(self, message: bytes | str) -> None:
        text = message.decode() if isinstance(message, bytes) else message
        session_part, _, version_part = text.partition(":")
        try:
            self.announce(uuid.UUID(session_part), int(version_part))
        except ValueError:
            log.warning("ignored a malformed live announcement %r", text)

    def _listen_redis(self) -> None:
        pubsub = _redis_client(self.app).pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(CHANNEL)
            self._catch_up()
            while not self.stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is not None and message["type"] == "message":
                    self._handle(message["data"])
        finally:
            pubsub.close()

    def _listen_postgresql(self) -> None:
        import psycopg

        url = sa.engine.make_url(self.app.config["SQLALCHEMY_DATABASE_URI"])
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._catch_up()
            while not self.stopping.is_set():
                for notify in connection.notifies(timeout=1.0):
                    self._handle(notify.payload)

    def _poll(self) -> None:
        interval = float(self.app.config["LIVE_POLL_SECONDS"])
        from coach.live.models import LiveSession

        while not self.stopping.wait(interval):
            with self.lock:
                known = {sid: w.version for sid, w in self.watches.items()}
            if not known:
                continue
            with self.app.app_context():
                rows = db.session.execute(
                    sa.select(LiveSession.id, LiveSession.version).where(
                        LiveSession.id.in_(list(known))
                    )
                ).all()
                db.session.remove()
            for session_id, version in rows:
                if version > known[session_id]:
                    self.announce(session_id, version)

    def stop(self) -> None:
        self.stopping.set()


_START = threading.Lock()


def hub(render: Callable[[uuid.UUID], tuple[int, Any, bool] | None]) -> Hub:
    """This process's hub, started on first use (after gunicorn forked the worker)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _START:
        found: Hub | None = app.extensions.get(_HUB)
        if found is None or found.pid != os.getpid():
            found = Hub(app, render)
            app.extensions[_HUB] = found
    return found
