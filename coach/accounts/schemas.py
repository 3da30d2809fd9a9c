from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from coach.domain.roles import Role
from coach.schemas import Ref, StrictBoolean, language_field, name_field, time_zone_field

ROLES = [r.value for r in Role]
DISPLAY_NAME = 60
PASSWORD = validate.Length(min=10, max=200, error="Use 10 to 200 characters.")


class PersonSchema(Schema):
    id = fields.Integer(dump_only=True)
    display_name = name_field(DISPLAY_NAME)
    role = fields.String(dump_only=True, metadata={"enum": ROLES})
    language = language_field()
    time_zone = time_zone_field(
        allow_none=True,
        metadata={"description": "Overrides the workplace's zone; null to follow it"},
    )
    effective_time_zone = fields.String(dump_only=True)
    email = fields.String(dump_only=True, allow_none=True)
    has_password = fields.Method("_has_password", dump_only=True)
    share_participation = StrictBoolean(
        metadata={"description": "Let the team's lead and colleagues see when I trained"}
    )
    team = fields.Nested(Ref, dump_only=True, allow_none=True)
    workplace = fields.Nested(Ref, dump_only=True)
    created_at = fields.DateTime(dump_only=True)

    def _has_password(self, person: object) -> bool:
        return getattr(person, "password_hash", None) is not None


class SignedInSchema(Schema):
    person = fields.Nested(PersonSchema, required=True)
    csrf_token = fields.String(
        required=True,
        metadata={"description": "Send as X-CSRF-Token on every state-changing request"},
    )


class LoginSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CredentialsSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=PASSWORD, load_only=True)
    current_password = fields.String(
        validate=validate.Length(max=200),
        load_only=True,
        metadata={"description": "Required when the person already has a password"},
    )


class DeviceSchema(Schema):
    id = fields.Integer(required=True)
    current = fields.Boolean(required=True, metadata={"description": "The device asking"})
    kind = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Browser and device, e.g. 'Mobile Safari on iPhone'"},
    )
    signed_in_at = fields.DateTime(required=True)
    signed_in_from = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The network address it signed in from"},
    )
    last_seen_at = fields.DateTime(
        required=True, metadata={"description": "Its last use, to within a few minutes"}
    )


class DevicesEndedSchema(Schema):
    ended = fields.Integer(required=True, metadata={"description": "How many were signed out"})


class SignInLinkSchema(Schema):
    url = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class InviteCreateSchema(Schema):
    role = fields.String(load_default=Role.MEMBER.value, validate=validate.OneOf(ROLES))
    expires_in_days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=90))
    max_uses = fields.Integer(load_default=1, validate=validate.Range(min=1, max=500))


class InviteSchema(Schema):
    id = fields.Integer()
    team = fields.Nested(Ref)
    role = fields.String(metadata={"enum": ROLES})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    max_uses = fields.Integer()
    uses = fields.Integer()
    revoked = fields.Function(lambda invite: invite.revoked_at is not None)


class InviteCreatedSchema(InviteSchema):
    url = fields.String(
        metadata={"description": "The link to share; its last path segment is the token"}
    )
    qr_svg = fields.String(
        metadata={"description": "The link as a QR code: an SVG document with a viewBox"}
    )


class InvitePreviewSchema(Schema):
    workplace = fields.Nested(Ref)
    team = fields.Nested(Ref)
    role = fields.String(metadata={"enum": ROLES})
    language = fields.String(metadata={"description": "The workplace's default language"})


class AcceptInviteSchema(Schema):
    display_name = name_field(DISPLAY_NAME, required=True)
    language = language_field(metadata={"description": "Defaults to the workplace's language"})
    share_participation = StrictBoolean(load_default=False)


class PasskeySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(required=True, allow_none=True)


class PasskeyNameSchema(Schema):
    name = name_field(DISPLAY_NAME, required=True, metadata={"example": "My phone"})


BASE64URL = validate.Regexp(r"^[A-Za-z0-9_-]*$", error="Not base64url.")


def _base64url(description: str, **kwargs: Any) -> fields.String:
    length = validate.Length(max=16384)
    return fields.String(
        validate=[length, BASE64URL],
        metadata={"description": f"{description} (base64url)", "pattern": "^[A-Za-z0-9_-]*$"},
        **kwargs,
    )


class CredentialResponseSchema(Schema):
    clientDataJSON = _base64url("The client data", required=True)
    attestationObject = _base64url("Registering: the attestation")
    transports = fields.List(
        fields.String(validate=validate.Length(max=20)), validate=validate.Length(max=10)
    )
    authenticatorData = _base64url("Signing in: the authenticator data")
    signature = _base64url("Signing in: the signature")
    userHandle = _base64url("Signing in: the user handle", allow_none=True)


class CredPropsSchema(Schema):
    rk = fields.Boolean()


class ExtensionResultsSchema(Schema):
    credProps = fields.Nested(CredPropsSchema)


class CredentialSchema(Schema):
    """A PublicKeyCredential as JSON, as PublicKeyCredential.toJSON() gives it."""

    id = _base64url("The credential's id", required=True)
    rawId = _base64url("The same id", required=True)
    type = fields.String(required=True, validate=validate.OneOf(["public-key"]))
    response = fields.Nested(CredentialResponseSchema, required=True)
    clientExtensionResults = fields.Nested(ExtensionResultsSchema, load_default=dict)
    authenticatorAttachment = fields.String(
        validate=validate.OneOf(["platform", "cross-platform"]), allow_none=True
    )


class AddPasskeySchema(PasskeyNameSchema):
    credential = fields.Nested(
        CredentialSchema,
        required=True,
        metadata={"description": "From navigator.credentials.create()"},
    )


class PasskeySignInSchema(Schema):
    credential = fields.Nested(
        CredentialSchema,
        required=True,
        metadata={"description": "From navigator.credentials.get()"},
    )


class PasskeyOptionsSchema(Schema):
    publicKey = fields.Dict(
        required=True,
        metadata={
            "description": "Options for navigator.credentials.create() or .get(), as "
            "PublicKeyCredential.parse*OptionsFromJSON() takes them; valid 5 minutes, once"
        },
    )
