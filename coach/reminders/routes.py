from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from coach.accounts.auth import caller, current_session_id, signed_in
from coach.accounts.throttle import limited
from coach.reminders import keys, service
from coach.reminders.models import PushSubscription
from coach.reminders.schemas import (
    EndpointQuerySchema,
    PublicKeySchema,
    ReminderSettingsSchema,
    ReminderViewSchema,
    SnoozedSchema,
    SubscriptionSchema,
    SubscriptionStoredSchema,
    TestReminderSchema,
)

blp = Blueprint("reminders", __name__, url_prefix="/api", description="Reminders and push")


@blp.route("/push/public-key")
@blp.response(200, PublicKeySchema)
def public_key() -> dict[str, str]:
    """The server's VAPID public key, to subscribe a device with."""
    return {"public_key": keys.public_key()}


@blp.route("/push/subscriptions")
class SubscriptionsView(MethodView):
    @signed_in()
    @blp.arguments(SubscriptionSchema())
    @blp.response(201, SubscriptionStoredSchema, description="A new device")
    @blp.alt_response(200, schema=SubscriptionStoredSchema, description="Refreshed")
    def post(self, data: dict[str, Any]) -> tuple[PushSubscription, int]:
        """Store this device's push subscription, or refresh it (pushsubscriptionchange).
        422 when the endpoint is not on a known push service (https) or ``p256dh`` is not
        a point of the P-256 curve."""
        p256dh, auth = data["keys"]["p256dh"], data["keys"]["auth"]
        row, created = service.subscribe(
            caller(), data["endpoint"], p256dh, auth, current_session_id()
        )
        return row, 201 if created else 200

    @signed_in()
    @blp.arguments(EndpointQuerySchema(), location="query")
    @blp.response(200, SubscriptionStoredSchema)
    def get(self, data: dict[str, Any]) -> PushSubscription:
        """Whether the server still sends to this phone: the subscription with this
        endpoint if it is mine and bound to the device session asking (404 otherwise,
        e.g. after that phone's session ended elsewhere: the app then posts it again)."""
        return service.this_device(caller(), data["endpoint"], current_session_id())

    @signed_in()
    @blp.arguments(EndpointQuerySchema(), location="query")
    @blp.response(204)
    def delete(self, data: dict[str, Any]) -> None:
        """Stop push reminders on one device of mine (by its endpoint)."""
        service.unsubscribe(caller(), data["endpoint"])


@blp.route("/me/reminders")
class RemindersView(MethodView):
    @signed_in()
    @blp.response(200, ReminderViewSchema)
    def get(self) -> dict[str, Any]:
        """My reminder: time, days and zone (the team's unless I chose my own), when the
        next one comes, and whether my devices have stopped taking them."""
        return service.reminder_view(caller())

    @signed_in()
    @blp.arguments(ReminderSettingsSchema())
    @blp.response(200, ReminderViewSchema)
    def put(self, data: dict[str, Any]) -> dict[str, Any]:
        """Turn my reminder on or off, or choose my own time, days and zone. A
        ``time_zone`` must be an IANA zone name the server knows (422)."""
        return service.update_reminders(caller(), data)


@blp.route("/me/reminders/snooze", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(200, SnoozedSchema)
def snooze() -> dict[str, Any]:
    """Remind me again in 15 minutes ("Later")."""
    return service.snooze(caller())


@blp.route("/me/reminders/test", methods=["POST"])
@signed_in(unsafe=True)
@blp.response(200, TestReminderSchema)
@limited("test-reminder", "test-reminder-person", message="You sent several test reminders. Wait.")
def send_test() -> dict[str, Any]:
    """Send a reminder to my devices now, to see that they get it. At most 5 in 10
    minutes (429 with Retry-After)."""
    return service.send_test(caller())
