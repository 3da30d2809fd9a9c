"""Settings: defaults here, overridden by ``COACH_*`` environment variables.

``Flask.config.from_prefixed_env("COACH")`` maps ``COACH_DATABASE_URL`` to
``DATABASE_URL`` and so on; values that parse as JSON (numbers, booleans) arrive typed.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

DEFAULTS: dict[str, Any] = {
    # Storage: a SQLite file in the instance folder unless COACH_DATABASE_URL is set.
    "DATABASE_URL": None,
    # Redis, when there is one: rate-limit counters live there.
    "REDIS_URL": None,
    # Where rate-limit counters live, if not in REDIS_URL: a URI of the limits
    # library ("redis://...", "memory://" for one process only). Unset and without
    # REDIS_URL: in the database, shared by every worker.
    "RATELIMIT_STORAGE_URI": None,
    # Options for that store, as the limits library names them (e.g. key_prefix).
    "RATELIMIT_STORAGE_OPTIONS": {},
    # Failed sign-ins per client address and per e-mail (and failed sign-in links).
    "LOGIN_RATE_LIMIT": "10 per 10 minutes",
    "SIGN_IN_LINK_RATE_LIMIT": "10 per hour",  # links made, per person
    # Invite acceptances per client address: a whole workplace may share one.
    "INVITE_RATE_LIMIT": "300 per hour",
    "TEST_REMINDER_RATE_LIMIT": "5 per 10 minutes",  # per person
    "TEST_REMINDER_ADDRESS_RATE_LIMIT": "100 per 10 minutes",
    # The address people open; used for invite and sign-in links. Set it in
    # production. Without it, links use the address the request came in on, which
    # must then be one of TRUSTED_HOSTS.
    "PUBLIC_URL": None,
    # Host names the app answers for (any other Host header: 400), as a JSON list or
    # comma-separated; default: localhost, 127.0.0.1 and the host of PUBLIC_URL.
    "TRUSTED_HOSTS": None,
    # Signed-in phones stay signed in: each use renews the session for this long.
    "SESSION_DAYS": 180,
    "SIGN_IN_LINK_MINUTES": 15,
    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    "TRUSTED_PROXIES": 0,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # How far a phone's clock may run ahead before a logged time counts as future.
    "CLOCK_SKEW_SECONDS": 300,
    # Reminders. The VAPID private key (PEM, or raw base64url) is generated into the
    # instance folder on first start unless given; the contact is sent to push services.
    "VAPID_PRIVATE_KEY": None,
    "VAPID_CONTACT": None,  # mailto: or https: URL; default: PUBLIC_URL or a mailto:
    # Only for local push-service emulators and tests: browsers' endpoints are https on
    # a browser's push service; this also lets the worker send to internal addresses.
    "PUSH_ALLOW_HTTP": False,
    # More push-service hosts to accept subscriptions for, beside Google's, Mozilla's,
    # Apple's and Microsoft's: comma-separated, "*.example.net" for any subdomain.
    "PUSH_HOSTS": "",
    # A push sent while someone waits (a test reminder) is over within this long.
    "PUSH_NOW_SECONDS": 4,
    "PUSH_CONCURRENCY": 200,
    # Processes that encrypt messages beside the sending loop; 0 encrypts in the loop.
    "PUSH_ENCRYPT_PROCESSES": 0,
    "PUSH_TIMEOUT_SECONDS": 10,
    "PUSH_RETRIES": 3,
    "PUSH_BACKOFF_SECONDS": 1.0,
    "PUSH_RETRY_AFTER_MAX_SECONDS": 120,
    "REMINDER_INTERVAL_SECONDS": 30,
    # A reminder is still sent this long after its time (a worker that was down).
    "REMINDER_LATE_MINUTES": 120,
    # A worker's lease on the reminders it is sending: renewed every third of it while
    # the worker lives, taken over by another worker once it has run out.
    "REMINDER_CLAIM_TIMEOUT_SECONDS": 300,
    # A reminder that failed in a way that may pass (5xx, time-outs, 429) is tried again
    # after this, doubling each time, until REMINDER_LATE_MINUTES after its time.
    "REMINDER_RETRY_SECONDS": 60,
    "REMINDER_BATCH_SIZE": 1000,
    "REMINDER_SNOOZE_MINUTES": 15,
    "DEFAULT_REMINDER_TIME": "11:25",
    # Email fallback: smtp://user:pass@host:587 (STARTTLS) or smtps://...:465; unset: off.
    "SMTP_URL": None,
    "MAIL_FROM": None,
    # Live sessions. With REDIS_URL, changes reach streams on every host through
    # pub/sub; without it, PostgreSQL's LISTEN/NOTIFY does; SQLite alone polls.
    "LIVE_POLL_SECONDS": 0.5,
    # An event stream sends a comment at least this often, so proxies keep it open
    # and a phone that went away is noticed.
    "LIVE_HEARTBEAT_SECONDS": 10,
    # Event streams one web process serves at most; keep it below its threads, so
    # streams never take the threads the API needs (docs/live-sessions.md).
    "LIVE_MAX_STREAMS": 280,
    # The exercise catalogue: exercise, program and muscle files and their drawings.
    "CATALOGUE_PATH": str(Path(__file__).resolve().parent.parent / "exercises"),
}


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, the environment, then explicit overrides."""
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("COACH")
    if overrides:
        app.config.update(overrides)

    cfg = app.config
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"] or f"sqlite:///{instance / 'coach.db'}"
    # A server can drop connections (restarts, idle timeouts): test each one on checkout.
    # A SQLite file cannot, and the test would cost every request a statement.
    is_sqlite = cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": not is_sqlite})
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _instance_secret(instance / "secret_key")

    cfg["TRUSTED_HOSTS"] = trusted_hosts(cfg["TRUSTED_HOSTS"], cfg["PUBLIC_URL"])
    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(days=int(cfg["SESSION_DAYS"]))

    # OpenAPI document served at /api/openapi.json.
    cfg.update(
        API_TITLE="Coach",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )


def trusted_hosts(setting: str | list[str] | None, public_url: str | None) -> list[str]:
    """Flask's TRUSTED_HOSTS from COACH_TRUSTED_HOSTS, never empty (empty means any)."""
    if isinstance(setting, str):
        setting = [part.strip() for part in setting.split(",")]
    hosts = [host for host in setting or () if host]
    if not hosts:
        hosts = ["localhost", "127.0.0.1"]
        if public_url and (host := urlsplit(public_url).hostname):
            hosts.append(host)
    return hosts


def _instance_secret(path: Path) -> str:
    """Read the secret key generated on first start, or generate it now."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: if two processes start at once, one writes and the other reads.
    try:
        with path.open("x") as f:
            f.write(key)
        path.chmod(0o600)
        return key
    except FileExistsError:
        return path.read_text().strip()
