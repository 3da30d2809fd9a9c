"""Passkeys (WebAuthn): adding one in settings, signing in with one without typing.

The ceremonies are py_webauthn's; this module keeps their state. Each ceremony starts
with options holding a fresh challenge, stored for :data:`CHALLENGE_SECONDS`; the
browser's answer names its challenge (in ``clientDataJSON``), which is deleted as it
is checked, so an answer counts once and a late or replayed one is refused. The
relying party is the host of ``COACH_PUBLIC_URL`` (else the request's trusted host),
the expected origin that URL's scheme, host and port. The authenticator's counter is
checked on every sign-in (py_webauthn refuses one that did not go up) and stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import webauthn
from flask import current_app, request
from webauthn.helpers import bytes_to_base64url, options_to_json_dict
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidCBORData,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from werkzeug.exceptions import NotFound, Unauthorized, UnprocessableEntity

from coach.accounts.auth import sign_in
from coach.accounts.models import Passkey, PasskeyChallenge, Person
from coach.database import utcnow, valid_id
from coach.extensions import db

CHALLENGE_SECONDS = 300
_REFUSED = (
    InvalidRegistrationResponse,
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidCBORData,
    ValueError,
    KeyError,
    TypeError,
)


def relying_party() -> tuple[str, str]:
    """The relying party's id (a host name) and the origin answers must come from."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    parts = urlsplit(base)
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


def _user_handle(person: Person) -> bytes:
    """A stable, opaque id of the person for authenticators (no name, no number)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"passkey-user:{person.id}".encode(), hashlib.sha256).digest()[:32]


def _new_challenge(options: Any, purpose: str, person: Person | None) -> dict[str, Any]:
    db.session.execute(sa.delete(PasskeyChallenge).where(PasskeyChallenge.expires_at <= utcnow()))
    db.session.add(
        PasskeyChallenge(
            challenge=bytes_to_base64url(options.challenge),
            purpose=purpose,
            person_id=person.id if person else None,
            expires_at=utcnow() + timedelta(seconds=CHALLENGE_SECONDS),
        )
    )
    db.session.commit()
    return options_to_json_dict(options)  # type: ignore[no-any-return]


def _take_challenge(credential: dict[str, Any], purpose: str) -> PasskeyChallenge:
    """The stored challenge this answer is for, deleted now: it counts once."""
    try:
        encoded = credential["response"]["clientDataJSON"]
        client_data = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        challenge = str(client_data["challenge"])
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise UnprocessableEntity("The passkey's answer is not one a browser makes.") from None
    found = db.session.scalar(
        sa.select(PasskeyChallenge).where(
            PasskeyChallenge.challenge == challenge, PasskeyChallenge.purpose == purpose
        )
    )
    # Deleting decides: of two requests with one answer, only one deletes the row.
    taken = db.session.execute(
        sa.delete(PasskeyChallenge).where(
            PasskeyChallenge.challenge == challenge, PasskeyChallenge.purpose == purpose
        )
    )
    db.session.commit()  # used up, whatever the answer turns out to be
    if found is None or taken.rowcount != 1 or found.expires_at <= utcnow():
        raise Unauthorized("This passkey request has expired or was used already. Try again.")
    return found


def _expected(challenge: PasskeyChallenge) -> dict[str, Any]:
    """What an answer must match: its challenge, this relying party, this origin."""
    rp_id, origin = relying_party()
    return {
        "expected_challenge": webauthn.base64url_to_bytes(challenge.challenge),
        "expected_rp_id": rp_id,
        "expected_origin": origin,
    }


# -- adding a passkey -----------------------------------------------------------------


def registration_options(person: Person) -> dict[str, Any]:
    """Options for ``navigator.credentials.create()``: a discoverable credential, with
    user verification preferred, never one of the person's passkeys again."""
    rp_id, _ = relying_party()
    existing = db.session.scalars(
        sa.select(Passkey.credential_id).where(Passkey.person_id == person.id)
    )
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name="Coach",
        user_id=_user_handle(person),
        user_name=person.email or person.display_name,
        user_display_name=person.display_name,
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c)) for c in existing
        ],
    )
    return _new_challenge(options, "register", person)


def add_passkey(person: Person, name: str, credential: dict[str, Any]) -> Passkey:
    """Check the browser's answer to :func:`registration_options` and keep the passkey."""
    challenge = _take_challenge(credential, "register")
    if challenge.person_id != person.id:
        raise Unauthorized("This passkey request was made for someone else.")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, **_expected(challenge)
        )
    except _REFUSED as exc:
        raise UnprocessableEntity(f"The passkey could not be checked: {exc}") from None
    passkey = Passkey(
        person_id=person.id,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name.strip(),
    )
    db.session.add(passkey)
    db.session.commit()  # a credential id twice is a 409 (unique constraint)
    return passkey


def passkeys_of(person: Person) -> list[Passkey]:
    return list(
        db.session.scalars(
            sa.select(Passkey).where(Passkey.person_id == person.id).order_by(Passkey.id)
        )
    )


def own_passkey(person: Person, passkey_id: int) -> Passkey:
    passkey = db.session.get(Passkey, passkey_id) if valid_id(passkey_id) else None
    if passkey is None or passkey.person_id != person.id:
        raise NotFound("No such passkey of yours.")
    return passkey


def rename_passkey(person: Person, passkey_id: int, name: str) -> Passkey:
    passkey = own_passkey(person, passkey_id)
    passkey.name = name.strip()
    db.session.commit()
    return passkey


def remove_passkey(person: Person, passkey_id: int) -> None:
    db.session.delete(own_passkey(person, passkey_id))
    db.session.commit()


# -- signing in -----------------------------------------------------------------------


def sign_in_options() -> dict[str, Any]:
    """Options for ``navigator.credentials.get()`` naming no credential: the browser
    offers the passkeys it has for this site, so nothing needs to be typed."""
    rp_id, _ = relying_party()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        timeout=CHALLENGE_SECONDS * 1000,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return _new_challenge(options, "sign-in", None)


def sign_in_with_passkey(credential: dict[str, Any]) -> Person:
    """Check the browser's answer to :func:`sign_in_options`; sign this device in."""
    challenge = _take_challenge(credential, "sign-in")
    passkey = db.session.scalar(
        sa.select(Passkey).where(Passkey.credential_id == str(credential.get("id", "")))
    )
    if passkey is None:
        raise Unauthorized("This passkey is not known here. Sign in another way.")
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            **_expected(challenge),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except _REFUSED:
        raise Unauthorized("The passkey could not be checked. Sign in another way.") from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    person = db.session.get(Person, passkey.person_id)
    assert person is not None
    sign_in(person)
    db.session.commit()
    return person
