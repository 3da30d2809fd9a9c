from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate

from coach.reminders.endpoints import RefusedEndpoint, allowed_hosts, check_endpoint
from coach.schemas import StrictBoolean, WallClockTime, time_zone_field, weekdays_field


def _decoded_length(value: str, length: int, what: str) -> None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValidationError(f"Not base64url: {what}.") from None
    if len(raw) != length:
        raise ValidationError(f"{what} must be {length} bytes, not {len(raw)}.")
    if length == 65:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise ValidationError(f"{what} must be a P-256 public key.") from None


def _p256dh(value: str) -> None:
    _decoded_length(value, 65, "The p256dh key")


def _auth(value: str) -> None:
    _decoded_length(value, 16, "The auth secret")


def _endpoint(value: str) -> None:
    cfg = current_app.config
    try:
        check_endpoint(value, allowed_hosts(cfg["PUSH_HOSTS"]), bool(cfg["PUSH_ALLOW_HTTP"]))
    except RefusedEndpoint as refused:
        raise ValidationError(str(refused)) from None


class SubscriptionKeysSchema(Schema):
    # base64url of 65 and of 16 bytes, padded or not
    p256dh = fields.String(
        required=True,
        validate=[validate.Regexp(r"^[A-Za-z0-9_-]{87}=?$"), _p256dh],
        metadata={"description": "The browser's P-256 public key (a point on the curve)"},
    )
    auth = fields.String(
        required=True, validate=[validate.Regexp(r"^[A-Za-z0-9_-]{22}(==)?$"), _auth]
    )


class SubscriptionSchema(Schema):
    """What ``PushSubscription.toJSON()`` gives in the browser."""

    endpoint = fields.String(required=True, validate=[validate.Length(max=1024), _endpoint])
    keys = fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = fields.Raw(load_only=True, allow_none=True)


class SubscriptionStoredSchema(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class EndpointQuerySchema(Schema):
    """One of my devices, named by its push endpoint (``?endpoint=…``)."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class PublicKeySchema(Schema):
    public_key = fields.String(
        required=True,
        metadata={"description": "The applicationServerKey for pushManager.subscribe()"},
    )


class ReminderDefaultsSchema(Schema):
    time = WallClockTime()
    days = fields.List(fields.String())
    time_zone = fields.String()


class ReminderSettingsSchema(Schema):
    enabled = StrictBoolean(required=True)
    time = WallClockTime(
        allow_none=True, metadata={"description": "HH:MM local time; null follows the team"}
    )
    days = weekdays_field(
        allow_none=True, metadata={"description": "Weekdays; null follows the team's workdays"}
    )
    time_zone = time_zone_field(
        allow_none=True, metadata={"description": "Your IANA zone; null follows the workplace"}
    )
    email_fallback = StrictBoolean(
        metadata={"description": "Email me when no device of mine takes push reminders"}
    )


class ReminderViewSchema(ReminderSettingsSchema):
    follows_team = fields.Boolean(dump_only=True)
    next_reminder_at = fields.DateTime(dump_only=True, allow_none=True)
    snoozed_until = fields.DateTime(dump_only=True, allow_none=True)
    devices = fields.Integer(dump_only=True)
    delivery_problem = fields.Boolean(
        dump_only=True,
        metadata={"description": "Every device of yours has failed for three days or more"},
    )
    defaults = fields.Nested(ReminderDefaultsSchema, dump_only=True)


class SnoozedSchema(Schema):
    snoozed_until = fields.DateTime(required=True)


class TestReminderSchema(Schema):
    devices = fields.Integer()
    delivered = fields.Integer()
    failed = fields.Integer()
    emailed = fields.Boolean()
