"""Use cases for people: signing in, invites, sign-in links, own settings."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno
import sqlalchemy as sa
from flask import current_app, request
from werkzeug.exceptions import Conflict, Forbidden, NotFound, Unauthorized
from werkzeug.security import check_password_hash, generate_password_hash

from coach.accounts.auth import (
    current_session_id,
    end_sessions,
    hash_token,
    new_token,
    sessions_ended,
    sign_in,
    sign_out,
)
from coach.accounts.models import DeviceSession, Invite, Person, SignInLink
from coach.database import utcnow, valid_id
from coach.domain.roles import Role, may_invite
from coach.extensions import db
from coach.reminders import schedule
from coach.teams.models import Team
from coach.teams.service import team_for

# Checked against when the email is unknown, so both paths cost the same time.
_UNUSABLE_HASH = generate_password_hash("not a password of anyone")


def public_url(path: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def normalise_email(email: str) -> str:
    return email.strip().lower()


# -- passwords -----------------------------------------------------------------------


def authenticate(email: str, password: str) -> Person:
    person = db.session.scalar(sa.select(Person).where(Person.email == normalise_email(email)))
    stored = person.password_hash if person and person.password_hash else _UNUSABLE_HASH
    if not check_password_hash(stored, password) or person is None or not person.password_hash:
        raise Unauthorized("Wrong email or password.")
    return person


def set_credentials(person: Person, email: str, password: str, current: str | None) -> Person:
    if person.password_hash and not check_password_hash(person.password_hash, current or ""):
        raise Forbidden("The current password is wrong.")
    email = normalise_email(email)
    taken = db.session.scalar(
        sa.select(Person.id).where(Person.email == email, Person.id != person.id)
    )
    if taken is not None:
        raise Conflict("That email is already in use.")
    changing = person.password_hash is not None
    person.email = email
    person.password_hash = generate_password_hash(password)
    if changing:
        # Whoever knew the old password may be signed in elsewhere: only this device
        # stays. (Setting a first password keeps the phones signed in by links.)
        end_sessions(person.id, keep=current_session_id())
    db.session.flush()
    schedule.refresh_people([person.id])  # an email makes the email fallback possible
    db.session.commit()
    return person


def create_admin(workplace_id: int, email: str, password: str, display_name: str) -> Person:
    email = normalise_email(email)
    if db.session.scalar(sa.select(Person.id).where(Person.email == email)) is not None:
        raise Conflict(f"{email} is already in use.")
    person = Person(
        workplace_id=workplace_id,
        display_name=display_name,
        role=Role.ADMIN.value,
        email=email,
        password_hash=generate_password_hash(password),
    )
    db.session.add(person)
    return person


def update_me(person: Person, changes: dict[str, Any]) -> Person:
    for field in ("display_name", "language", "time_zone", "share_participation"):
        if field in changes:
            value = changes[field]
            setattr(person, field, value.strip() if field == "display_name" else value)
    if "time_zone" in changes:
        db.session.flush()
        schedule.refresh_people([person.id])  # the reminder follows the zone
    db.session.commit()
    return person


# -- invites -------------------------------------------------------------------------


@dataclass
class CreatedInvite:
    invite: Invite
    url: str
    qr_svg: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.invite, name)


def invite_url(token: str) -> str:
    return public_url(f"/join/{token}")


def qr_svg(url: str) -> str:
    """The link as a standalone SVG document (namespace and viewBox, no fixed size), so
    it works inlined and as an image file alike, and scales to any size."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        nl=False,
        scale=4,
        dark="#1b2733",
        light="#ffffff",
    )
    return out.getvalue().decode()


def create_invite(inviter: Person, team: Team, data: dict[str, Any]) -> CreatedInvite:
    role = Role(data["role"])
    if not may_invite(inviter.role_enum, role):
        raise Forbidden(f"A {inviter.role} cannot invite a {role.value}.")
    token, token_hash = new_token()
    invite = Invite(
        workplace_id=team.workplace_id,
        team=team,
        role=role.value,
        token_hash=token_hash,
        created_by_id=inviter.id,
        expires_at=utcnow() + timedelta(days=data["expires_in_days"]),
        max_uses=data["max_uses"],
    )
    db.session.add(invite)
    db.session.commit()
    url = invite_url(token)
    return CreatedInvite(invite, url, qr_svg(url))


def invites_of(team: Team) -> list[Invite]:
    return list(
        db.session.scalars(
            sa.select(Invite).where(Invite.team_id == team.id).order_by(Invite.created_at.desc())
        )
    )


def _why_unusable(invite: Invite | None, now: datetime) -> str | None:
    if invite is None:
        return "This invite link is not known."
    if invite.revoked_at is not None:
        return "This invite has been withdrawn."
    if invite.expires_at <= now:
        return "This invite has expired."
    if invite.uses >= invite.max_uses:
        return "This invite has been used up."
    return None


def usable_invite(token: str) -> Invite:
    invite = db.session.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))
    reason = _why_unusable(invite, utcnow())
    if reason:
        raise NotFound(reason)
    assert invite is not None
    return invite


def accept_invite(token: str, data: dict[str, Any]) -> Person:
    invite = usable_invite(token)
    now = utcnow()
    # One atomic UPDATE claims a use: two phones accepting the last use at the same
    # moment cannot both get in, on SQLite or PostgreSQL.
    claimed = db.session.execute(
        sa.update(Invite)
        .where(
            Invite.id == invite.id,
            Invite.uses < Invite.max_uses,
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
        .values(uses=Invite.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise NotFound("This invite has been used up.")
    team = invite.team
    person = Person(
        workplace_id=invite.workplace_id,
        team_id=team.id,
        role=invite.role,
        display_name=data["display_name"].strip(),
        language=data.get("language") or team.workplace.language,
        share_participation=data["share_participation"],
    )
    db.session.add(person)
    sign_in(person)
    db.session.commit()
    return person


def revoke_invite(caller: Person, invite_id: int) -> None:
    invite = db.session.get(Invite, invite_id) if valid_id(invite_id) else None
    if invite is None or invite.workplace_id != caller.workplace_id:
        raise NotFound("No such invite.")
    team_for(caller, invite.team_id)  # a lead revokes only their own team's invites
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.commit()


# -- sign-in links for a new phone ---------------------------------------------------


def create_sign_in_link(person: Person) -> tuple[str, datetime]:
    token, token_hash = new_token()
    minutes = int(current_app.config["SIGN_IN_LINK_MINUTES"])
    expires_at = utcnow() + timedelta(minutes=minutes)
    db.session.add(SignInLink(person_id=person.id, token_hash=token_hash, expires_at=expires_at))
    db.session.commit()
    return public_url(f"/sign-in/{token}"), expires_at


def use_sign_in_link(token: str) -> Person:
    now = utcnow()
    link = db.session.scalar(
        sa.select(SignInLink).where(SignInLink.token_hash == hash_token(token))
    )
    used = db.session.execute(
        sa.update(SignInLink)
        .where(
            SignInLink.token_hash == hash_token(token),
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if link is None or used.rowcount != 1:
        db.session.rollback()
        raise NotFound("This sign-in link is unknown, used or expired. Make a new one.")
    person = db.session.get(Person, link.person_id)
    assert person is not None
    sign_in(person)
    db.session.commit()
    return person


# -- signed-in devices ---------------------------------------------------------------


def devices_of(person: Person) -> list[dict[str, Any]]:
    """The person's signed-in devices, the most recently used first; this one marked."""
    current = current_session_id()
    rows = db.session.scalars(
        sa.select(DeviceSession)
        .where(DeviceSession.person_id == person.id, DeviceSession.expires_at > utcnow())
        .order_by(DeviceSession.last_seen_at.desc(), DeviceSession.id.desc())
    )
    return [
        {
            "id": row.id,
            "current": row.id == current,
            "kind": row.kind,
            "signed_in_at": row.created_at,
            "signed_in_from": row.signed_in_from,
            "last_seen_at": row.last_seen_at,
        }
        for row in rows
    ]


def end_device(person: Person, device_id: int) -> None:
    """Sign one of the person's devices out at once (404 if it is not theirs)."""
    if device_id == current_session_id():
        sign_out()
    elif not valid_id(device_id) or not _end_one(person, device_id):
        raise NotFound("No such device of yours is signed in.")
    db.session.commit()


def _end_one(person: Person, device_id: int) -> bool:
    ended = db.session.execute(
        sa.delete(DeviceSession).where(
            DeviceSession.id == device_id, DeviceSession.person_id == person.id
        )
    )
    if ended.rowcount:
        sessions_ended(person.id)
    return bool(ended.rowcount)


def end_other_devices(person: Person) -> int:
    """Sign out every device of the person but this one; how many were."""
    ended = end_sessions(person.id, keep=current_session_id())
    db.session.commit()
    return ended
