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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
import ua_parser
from flask import Flask, Response, current_app, g, request
from flask_smorest import Blueprint
from werkzeug.exceptions import Forbidden, Unauthorized

from coach import errors, messages
from coach.accounts.models import DeviceSession, Person
from coach.database import utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders import schedule
from coach.teams.models import Team, Workplace

COOKIE = "coach_session"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_RENEW_AFTER = timedelta(days=1)
# "Last seen" in the list of devices is this precise; a write per request would cost
# every request.
_SEEN_EVERY = timedelta(minutes=5)
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


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking, as every signed-in request reads it: one plain statement, no ORM.

    The screens a phone opens most (today, logging a set) need only these facts.
    Views that read or change more of the person use :func:`caller`, which loads the
    :class:`Person` on first use.
    """

    id: int
    role: str
    language: str
    created_at: datetime
    effective_time_zone: str
    band_set_id: int
    program: str | None  # the team's; None without a team
    workdays: tuple[str, ...]
    program_started_on: date | None  # the team's; None without a team
    team_cardio: dict[str, Any] | None  # the team's cardio days (Team.cardio_plan)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


# Built once: every signed-in request runs it, and building it costs more than running it.
_CALLER_OF_TOKEN = (
    sa.select(
        DeviceSession.id,
        DeviceSession.csrf_token,
        DeviceSession.renewed_at,
        DeviceSession.last_seen_at,
        Person.id,
        Person.role,
        Person.language,
        Person.created_at,
        sa.func.coalesce(Person.time_zone, Workplace.time_zone),
        Workplace.band_set_id,
        Team.program,
        Team.workdays,
        Team.program_started_on,
        Team.cardio_plan,
    )
    .join(Person, DeviceSession.person_id == Person.id)
    .join(Workplace, Person.workplace_id == Workplace.id)
    .outerjoin(Team, Person.team_id == Team.id)
    .where(
        DeviceSession.token_hash == sa.bindparam("token_hash"),
        DeviceSession.expires_at > sa.bindparam("now"),
    )
)
_CALLER_LOADS = (sa.orm.joinedload(Person.workplace), sa.orm.joinedload(Person.team))


def current_caller() -> Caller | None:
    return g.get("signed_in")


def signed_in_caller() -> Caller:
    """The signed-in caller's facts; views behind :func:`signed_in` always have them."""
    found = current_caller()
    if found is None:
        raise Unauthorized("Sign in first.")
    return found


def current_person() -> Person | None:
    """The signed-in person, loaded with their workplace and team on first use."""
    person: Person | None = g.get("caller")
    if person is None and (facts := current_caller()) is not None:
        # populate_existing: a session kept across requests (a CLI command, a test)
        # may hold the person already; load the workplace and team with them anyway.
        person = db.session.get(Person, facts.id, options=_CALLER_LOADS, populate_existing=True)
        g.caller = person
    return person


def caller() -> Person:
    """The signed-in person; views behind :func:`signed_in` always have one."""
    person = current_person()
    if person is None:
        raise Unauthorized("Sign in first.")
    return person


def csrf_token() -> str:
    """The CSRF token of this request's session."""
    return str(g.csrf_token)


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
        last_seen_at=now,
        expires_at=now + _lifetime(),
        kind=device_kind(request.user_agent.string),
        signed_in_from=request.remote_addr,
    )
    db.session.add(session)
    g.caller, g.device_session, g.set_cookie_token = person, session, token
    g.csrf_token = session.csrf_token
    # The facts of the session this request came with no longer apply; the new
    # session's are read by the phone's next request.
    g.pop("signed_in", None)
    return session


def sign_out() -> None:
    """End this request's session (the one it was signed in with, or just started)."""
    started: DeviceSession | None = g.get("device_session")
    if started is not None:
        db.session.delete(started)
        sessions_ended(started.person.id)
    elif (session_id := g.get("session_id")) is not None:
        db.session.execute(sa.delete(DeviceSession).where(DeviceSession.id == session_id))
        sessions_ended(signed_in_caller().id)
    g.clear_cookie = True


def sessions_ended(person_id: int) -> None:
    """Sessions of the person were deleted, and the push subscriptions made in them
    with them (ON DELETE CASCADE): those phones get no more reminders, and the
    person's next reminder is recomputed (none once the last device is gone). Not
    committed."""
    db.session.flush()
    schedule.refresh_people([person_id])


_PER_REQUEST = (
    "signed_in",
    "caller",
    "session_id",
    "device_session",
    "csrf_token",
    "set_cookie_token",
    "clear_cookie",
)


def _load_caller() -> None:
    # A request reuses an app context already pushed (a CLI command or a test that
    # makes requests), and with it ``g``: never let one request's caller leak into
    # the next.
    for key in _PER_REQUEST:
        g.pop(key, None)
    token = request.cookies.get(COOKIE)
    if not token or not (request.path.startswith("/api") or request.path in SIGNED_IN_PAGES):
        return
    now = utcnow()
    # On the session's connection: plain columns need none of the ORM's result handling.
    row = (
        db.session.connection()
        .execute(_CALLER_OF_TOKEN, {"token_hash": hash_token(token), "now": now})
        .first()
    )
    if row is None:
        g.clear_cookie = True
        return
    session_id, g.csrf_token, renewed_at, last_seen_at, *facts = row
    g.session_id = session_id
    person_id, role, language, created_at, zone, band_set_id, *team = facts
    program, workdays, started, cardio = team
    g.signed_in = Caller(
        id=person_id,
        role=role,
        language=language,
        created_at=created_at,
        effective_time_zone=zone,
        band_set_id=band_set_id,
        program=program,
        workdays=tuple(workdays or ()),
        program_started_on=started,
        team_cardio=cardio,
    )
    renew = now - renewed_at > _RENEW_AFTER
    if renew or now - last_seen_at > _SEEN_EVERY:
        # Renew at most daily, note the use every few minutes: a write per request
        # would cost every request.
        changes: dict[str, Any] = {"last_seen_at": now}
        if renew:
            changes.update(renewed_at=now, expires_at=now + _lifetime())
        db.session.execute(
            sa.update(DeviceSession).where(DeviceSession.id == session_id).values(**changes)
        )
        db.session.commit()
        if renew:
            g.set_cookie_token = token


def device_kind(user_agent: str) -> str | None:
    """What the device is, in a few words ("Mobile Safari on iPhone"), or None."""
    if not user_agent:
        return None
    parsed = ua_parser.parse(user_agent[:1000])
    browser = parsed.user_agent.family if parsed.user_agent else None
    if parsed.device and parsed.device.family not in ("Other", "Generic Smartphone"):
        place = parsed.device.family
    else:
        place = parsed.os.family if parsed.os else None
    words = " on ".join(part for part in (browser, place) if part and part != "Other")
    return words[:100] or None


def current_session_id() -> int | None:
    """The id of the device session this request came with (None when signed out)."""
    return g.get("session_id")


def end_sessions(person_id: int, *, keep: int | None = None) -> int:
    """Sign the person out on every device (but ``keep``): each one's next request
    gets 401. The caller commits. Returns how many were ended."""
    ended = db.session.execute(
        sa.delete(DeviceSession).where(
            DeviceSession.person_id == person_id,
            *([DeviceSession.id != keep] if keep is not None else []),
        )
    )
    if ended.rowcount:
        sessions_ended(person_id)
    return int(ended.rowcount)


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
            asking = current_caller()
            if asking is None:
                raise Unauthorized("Sign in first.")
            if roles and asking.role_enum not in roles:
                raise Forbidden("Your role does not allow this.")
            if request.method in _UNSAFE:
                sent = request.headers.get(CSRF_HEADER, "")
                if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
                    raise Forbidden(f"Missing or wrong {CSRF_HEADER} header.")
            return func(*args, **kwargs)

        wrapper.requires_sign_in = True  # type: ignore[attr-defined]
        security: dict[str, list[str]] = {"session": []}
        if checks_csrf:
            security["csrf"] = []
        allowed = [r.value for r in roles] if roles else [r.value for r in Role]
        documented = Blueprint.doc(security=[security], **{"x-roles": allowed})
        return documented(wrapper)  # type: ignore[no-any-return]

    return decorator


def requires_sign_in() -> bool:
    """Whether the view this request is routed to is behind :func:`signed_in`."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a MethodView: the method's own function
        view = getattr(view_class, request.method.lower(), None)
    return bool(getattr(view, "requires_sign_in", False))


def _stranger_to_signed_in_view() -> bool:
    return current_caller() is None and requires_sign_in()


def _caller_language() -> str | None:
    found = current_caller()
    return found.language if found is not None else None


def init_app(app: Flask) -> None:
    app.extensions[errors.STRANGER_CHECK] = _stranger_to_signed_in_view
    app.extensions[messages.PERSON_LANGUAGE] = _caller_language
    app.before_request(_load_caller)
    app.after_request(_write_cookie)
