"""Who is asking: device sessions in a cookie, CSRF tokens, and role checks.

A phone stays signed in for months. The cookie carries a random token; the database
keeps only its SHA-256, so a stolen database row cannot be replayed and signing out
ends the session everywhere it could be used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import Forbidden, Unauthorized

from coach.accounts.models import DeviceSession, Person
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db

COOKIE = "coach_session"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_RENEW_AFTER = timedelta(days=1)
# Server-rendered pages that need to know who is asking (the API always does).
SIGNED_IN_PAGES = ("/report",)

F = TypeVar("F", bound=Callable[..., Any])


def new_token() -> tuple[str, str]:
    """A URL-safe random token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["SESSION_DAYS"]))


def current_person() -> Person | None:
    return g.get("caller")


def caller() -> Person:
    """The signed-in person; views behind :func:`signed_in` always have one."""
    person = current_person()
    if person is None:
        raise Unauthorized("Sign in first.")
    return person


def sign_in(person: Person) -> DeviceSession:
    """Start a session for this device; the cookie is set on the way out."""
    token, token_hash = new_token()
    now = utcnow()
    session = DeviceSession(
        person=person,
        token_hash=token_hash,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        renewed_at=now,
        expires_at=now + _lifetime(),
    )
    db.session.add(session)
    g.caller, g.device_session, g.set_cookie_token = person, session, token
    return session


def sign_out() -> None:
    session: DeviceSession | None = g.get("device_session")
    if session is not None:
        db.session.delete(session)
    g.clear_cookie = True


# Built once: every signed-in request runs it, and building it costs more than running it.
_SESSION_OF_TOKEN = (
    sa.select(DeviceSession)
    .where(
        DeviceSession.token_hash == sa.bindparam("token_hash"),
        DeviceSession.expires_at > sa.bindparam("now"),
    )
    # Nearly every view needs the caller's workplace and team: one query, not three.
    .options(
        sa.orm.joinedload(DeviceSession.person).options(
            sa.orm.joinedload(Person.workplace), sa.orm.joinedload(Person.team)
        )
    )
)


def _load_caller() -> None:
    # A request reuses an app context already pushed (a CLI command or a test that
    # makes requests), and with it ``g``: never let one request's caller leak into
    # the next.
    for key in ("caller", "device_session", "set_cookie_token", "clear_cookie"):
        g.pop(key, None)
    token = request.cookies.get(COOKIE)
    if not token or not (request.path.startswith("/api") or request.path in SIGNED_IN_PAGES):
        return
    now = utcnow()
    session = db.session.scalar(_SESSION_OF_TOKEN, {"token_hash": hash_token(token), "now": now})
    if session is None:
        g.clear_cookie = True
        return
    g.caller, g.device_session = session.person, session
    if now - session.renewed_at > _RENEW_AFTER:
        # Renew at most daily: a write per request would cost every request.
        session.renewed_at, session.expires_at = now, now + _lifetime()
        db.session.commit()
        g.set_cookie_token = token


def _write_cookie(response: Response) -> Response:
    token = g.get("set_cookie_token")
    if token:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(_lifetime().total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
    elif g.get("clear_cookie"):
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response


def signed_in(*roles: Role, unsafe: bool | None = None) -> Callable[[F], F]:
    """Require a signed-in caller (401) with one of ``roles`` (403; any role if none).

    State-changing requests must also carry the session's CSRF token (403). The
    decorator documents the security requirement in the OpenAPI document.
    """

    def decorator(func: F) -> F:
        checks_csrf = (
            unsafe if unsafe is not None else func.__name__ in {m.lower() for m in _UNSAFE}
        )

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = current_person()
            if caller is None:
                raise Unauthorized("Sign in first.")
            if roles and caller.role_enum not in roles:
                raise Forbidden("Your role does not allow this.")
            if request.method in _UNSAFE:
                sent = request.headers.get(CSRF_HEADER, "")
                if not hmac.compare_digest(sent.encode(), g.device_session.csrf_token.encode()):
                    raise Forbidden(f"Missing or wrong {CSRF_HEADER} header.")
            return func(*args, **kwargs)

        security: dict[str, list[str]] = {"session": []}
        if checks_csrf:
            security["csrf"] = []
        allowed = [r.value for r in roles] if roles else [r.value for r in Role]
        documented = Blueprint.doc(security=[security], **{"x-roles": allowed})
        return documented(wrapper)  # type: ignore[no-any-return]

    return decorator


def init_app(app: Flask) -> None:
    app.before_request(_load_caller)
    app.after_request(_write_cookie)
