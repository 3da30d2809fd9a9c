from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.database import UTCDateTime, utcnow
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace

_ROLE_CHECK = "role IN ('member', 'lead', 'admin')"


class Person(db.Model):
    __tablename__ = "people"
    __table_args__ = (
        sa.CheckConstraint(_ROLE_CHECK, name="role_known"),
        sa.CheckConstraint("language IN ('da', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workplace_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workplaces.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    display_name: Mapped[str] = mapped_column(sa.String(60))
    role: Mapped[str] = mapped_column(sa.String(8), default=Role.MEMBER.value)
    language: Mapped[str] = mapped_column(sa.String(2), default="da")
    # None: the workplace's zone applies.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    # Stored lower-cased; unique across workplaces because it is how people sign in.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    share_participation: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workplace: Mapped[Workplace] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def effective_time_zone(self) -> str:
        return self.time_zone or self.workplace.time_zone

    @property
    def band_set_id(self) -> int:
        return self.workplace.band_set_id

    @property
    def program(self) -> str | None:
        return self.team.program if self.team is not None else None

    @property
    def workdays(self) -> tuple[str, ...]:
        return tuple(self.team.workdays) if self.team is not None else ()

    @property
    def program_started_on(self) -> date | None:
        return self.team.program_started_on if self.team is not None else None

    @property
    def team_cardio(self) -> dict[str, Any] | None:
        return self.team.cardio_plan if self.team is not None else None


class Member(Protocol):
    """What coaching needs to know of a person: a :class:`Person`, or the facts a
    signed-in request reads (:class:`coach.accounts.auth.Caller`)."""

    @property
    def id(self) -> int: ...
    @property
    def language(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def effective_time_zone(self) -> str: ...
    @property
    def band_set_id(self) -> int: ...
    @property
    def program(self) -> str | None: ...
    @property
    def workdays(self) -> tuple[str, ...]: ...
    @property
    def program_started_on(self) -> date | None: ...
    @property
    def team_cardio(self) -> dict[str, Any] | None: ...


class Invite(db.Model):
    """An invitation link to a team. Only a hash of the link's token is stored."""

    __tablename__ = "invites"
    __table_args__ = (
        sa.CheckConstraint(_ROLE_CHECK, name="role_known"),
        sa.CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses_within_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workplace_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workplaces.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(8))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team] = relationship()


class DeviceSession(db.Model):
    """One signed-in device. The cookie holds the token; the table holds its hash,
    so signing out (or deleting the person) ends the session for real."""

    __tablename__ = "device_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # For the person's own list of devices: updated every few minutes of use.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "Mobile Safari on iPhone": read from the User-Agent at sign-in.
    kind: Mapped[str | None] = mapped_column(sa.String(100))
    # The client address at sign-in (behind trusted proxies, the one they report).
    signed_in_from: Mapped[str | None] = mapped_column(sa.String(45))

    person: Mapped[Person] = relationship()


class SignInLink(db.Model):
    """A one-time link that signs a new phone in as the person who made it."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitHit(db.Model):
    """One counted attempt of a rate limit (:mod:`coach.accounts.throttle`), kept
    until it leaves every window it counts in. Times are Unix seconds, as the
    ``limits`` library counts them."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (sa.Index("ix_rate_limit_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300))
    at: Mapped[float] = mapped_column(sa.Double)
    expires_at: Mapped[float] = mapped_column(sa.Double)


class Passkey(db.Model):
    """A WebAuthn credential (a passkey) a person signs in with; several per person."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    # base64url of the authenticator's credential id (at most 1,023 bytes).
    credential_id: Mapped[str] = mapped_column(sa.String(1366), unique=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # The authenticator's signature counter: a clone shows itself by going backwards.
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    name: Mapped[str] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasskeyChallenge(db.Model):
    """A challenge handed out for one WebAuthn ceremony: used once, within minutes."""

    __tablename__ = "passkey_challenges"
    __table_args__ = (
        sa.CheckConstraint("purpose IN ('register', 'sign-in')", name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(sa.String(128), unique=True)  # base64url
    purpose: Mapped[str] = mapped_column(sa.String(8))
    # Registering: whose passkey it will be. Signing in: nobody yet.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
