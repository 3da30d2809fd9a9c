from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound, Unauthorized

from coach.accounts import passkeys, service
from coach.accounts.auth import caller, csrf_token, sign_in, sign_out, signed_in
from coach.accounts.models import Invite, Passkey, Person
from coach.accounts.schemas import (
    AcceptInviteSchema,
    AddPasskeySchema,
    CredentialsSchema,
    DeviceSchema,
    DevicesEndedSchema,
    InviteCreatedSchema,
    InviteCreateSchema,
    InvitePreviewSchema,
    InviteSchema,
    LoginSchema,
    PasskeyNameSchema,
    PasskeyOptionsSchema,
    PasskeySchema,
    PasskeySignInSchema,
    PersonSchema,
    SignedInSchema,
    SignInLinkSchema,
)
from coach.accounts.throttle import check_sign_in, limited, sign_in_failed
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.service import team_for

blp = Blueprint("accounts", __name__, url_prefix="/api", description="Accounts and sign-in")


def signed_in_body(person: Person) -> dict[str, Any]:
    return {"person": person, "csrf_token": csrf_token()}


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginSchema())
@blp.response(200, SignedInSchema)
def login(data: dict[str, str]) -> dict[str, Any]:
    """Sign in with email and password. Repeated failures (per address, per email)
    answer 429 with Retry-After."""
    email = service.normalise_email(data["email"])
    check_sign_in(email)
    try:
        person = service.authenticate(email, data["password"])
    except Unauthorized:
        sign_in_failed(email)
        raise
    sign_in(person)
    db.session.commit()
    return signed_in_body(person)


@blp.route("/auth/logout", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(204)
def logout() -> None:
    """Sign this device out."""
    sign_out()
    db.session.commit()


@blp.route("/auth/sign-in-links/<token>", methods=["POST"])
@blp.response(200, SignedInSchema)
def use_sign_in_link(token: str) -> dict[str, Any]:
    """Sign a new phone in with a one-time link made on a signed-in phone. Repeated
    unknown or used links from one address answer 429 with Retry-After."""
    check_sign_in()
    try:
        person = service.use_sign_in_link(token)
    except NotFound:
        sign_in_failed()
        raise
    return signed_in_body(person)


@blp.route("/auth/passkeys/options", methods=["POST"])
@blp.response(200, PasskeyOptionsSchema)
def passkey_sign_in_options() -> dict[str, Any]:
    """Start signing in with a passkey: options for navigator.credentials.get(), naming
    no credential, so the browser offers the passkeys it holds for this site."""
    check_sign_in()
    return {"publicKey": passkeys.sign_in_options()}


@blp.route("/auth/passkeys/sign-in", methods=["POST"])
@blp.arguments(PasskeySignInSchema())
@blp.response(200, SignedInSchema)
def passkey_sign_in(data: dict[str, Any]) -> dict[str, Any]:
    """Sign this device in with the browser's answer to those options. An expired,
    replayed or unknown answer is 401; one that is not a browser's WebAuthn answer at
    all (its encoding, its client data) is 422; repeated failures answer 429."""
    check_sign_in()
    try:
        person = passkeys.sign_in_with_passkey(data["credential"])
    except Unauthorized:
        sign_in_failed()
        raise
    return signed_in_body(person)


@blp.route("/me/passkeys/options", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(200, PasskeyOptionsSchema)
def passkey_registration_options() -> dict[str, Any]:
    """Start adding a passkey: options for navigator.credentials.create()."""
    return {"publicKey": passkeys.registration_options(caller())}


@blp.route("/me/passkeys")
class PasskeysView(MethodView):
    @signed_in()
    @blp.response(200, PasskeySchema(many=True))
    def get(self) -> list[Passkey]:
        """My passkeys, oldest first."""
        return passkeys.passkeys_of(caller())

    @signed_in()
    @blp.arguments(AddPasskeySchema())
    @blp.response(201, PasskeySchema)
    def post(self, data: dict[str, Any]) -> Passkey:
        """Add the passkey the browser made from the options, under a name of my choice.
        An answer to expired or used options is 401; one that does not check out, 422."""
        return passkeys.add_passkey(caller(), data["name"], data["credential"])


@blp.route("/me/passkeys/<int:passkey_id>")
class PasskeyView(MethodView):
    @signed_in()
    @blp.arguments(PasskeyNameSchema())
    @blp.response(200, PasskeySchema)
    def patch(self, data: dict[str, Any], passkey_id: int) -> Passkey:
        """Rename one of my passkeys."""
        return passkeys.rename_passkey(caller(), passkey_id, data["name"])

    @signed_in()
    @blp.response(204)
    def delete(self, passkey_id: int) -> None:
        """Remove one of my passkeys: it signs nobody in any more."""
        passkeys.remove_passkey(caller(), passkey_id)


@blp.route("/me")
class MeView(MethodView):
    @signed_in()
    @blp.response(200, SignedInSchema)
    def get(self) -> dict[str, Any]:
        """Who is signed in on this device, with the CSRF token to send back."""
        return signed_in_body(caller())

    @signed_in()
    @blp.arguments(PersonSchema(partial=True))
    @blp.response(200, PersonSchema)
    def patch(self, changes: dict[str, Any]) -> Person:
        """Change my display name, language, time zone or sharing choice.
        A ``time_zone`` must be an IANA zone name the server knows (422)."""
        return service.update_me(caller(), changes)


@blp.route("/me/credentials", methods=["PUT"])
@signed_in(unsafe=True)
@blp.arguments(CredentialsSchema())
@blp.response(200, PersonSchema)
def put_credentials(data: dict[str, str]) -> Person:
    """Set an email and password, to sign in on any device."""
    return service.set_credentials(
        caller(), data["email"], data["password"], data.get("current_password")
    )


@blp.route("/me/devices")
class DevicesView(MethodView):
    @signed_in()
    @blp.response(200, DeviceSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """The devices I am signed in on, the most recently used first."""
        return service.devices_of(caller())

    @signed_in()
    @blp.response(200, DevicesEndedSchema)
    def delete(self) -> dict[str, int]:
        """Sign out every other device: each one's next request gets 401."""
        return {"ended": service.end_other_devices(caller())}


@blp.route("/me/devices/<int:device_id>", methods=["DELETE"])
@signed_in(unsafe=True)
@blp.response(204)
def end_device(device_id: int) -> None:
    """Sign that device out at once (this one too, if it is this one)."""
    service.end_device(caller(), device_id)


@blp.route("/me/sign-in-links", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(201, SignInLinkSchema)
@limited("sign-in-link-person", message="You made many sign-in links. Wait a little.")
def create_sign_in_link() -> dict[str, Any]:
    """A link that signs a new phone in as me: valid 15 minutes, once. At most 10 an
    hour (429 with Retry-After)."""
    url, expires_at = service.create_sign_in_link(caller())
    return {"url": url, "expires_at": expires_at}


@blp.route("/teams/<int:team_id>/invites")
class TeamInvitesView(MethodView):
    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.response(200, InviteSchema(many=True))
    def get(self, team_id: int) -> list[Invite]:
        """The team's invites, newest first."""
        return service.invites_of(team_for(caller(), team_id))

    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.arguments(InviteCreateSchema())
    @blp.response(201, InviteCreatedSchema)
    def post(self, data: dict[str, Any], team_id: int) -> service.CreatedInvite:
        """Invite people to the team: a link and its QR code. Leads invite members and
        leads; only admins invite admins."""
        return service.create_invite(caller(), team_for(caller(), team_id), data)


@blp.route("/invites/<ref>")
class InviteView(MethodView):
    @blp.response(200, InvitePreviewSchema)
    def get(self, ref: str) -> dict[str, Any]:
        """What an invite token leads to (no sign-in needed). `ref` is the token."""
        invite = service.usable_invite(ref)
        workplace = invite.team.workplace
        return {
            "workplace": workplace,
            "team": invite.team,
            "role": invite.role,
            "language": workplace.language,
        }

    @signed_in(Role.ADMIN, Role.LEAD)
    @blp.response(204)
    def delete(self, ref: str) -> None:
        """Withdraw an invite. `ref` is the invite's id."""
        # "²".isdigit() is True; and int() refuses more than 4300 digits (the service
        # turns any number too large to be an id into 404 itself).
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 20:
            raise NotFound("No such invite.")
        service.revoke_invite(caller(), int(ref))


@blp.route("/invites/<ref>/accept", methods=["POST"])
@blp.arguments(AcceptInviteSchema())
@blp.response(201, SignedInSchema)
@limited("invite", message="Many people joined from this address. Wait a little.")
def accept_invite(data: dict[str, Any], ref: str) -> dict[str, Any]:
    """Join the team with an invite token; signs this device in. At most 300 an hour
    from one address (429 with Retry-After)."""
    return signed_in_body(service.accept_invite(ref, data))
