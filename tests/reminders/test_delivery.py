"""The VAPID signer and Retry-After reading, without a network."""

from __future__ import annotations

import base64
import json

from py_vapid import Vapid02

from coach.reminders.delivery import VapidSigner, retry_after_seconds


def claims_of(headers: dict[str, str]) -> dict[str, object]:
    token = headers["Authorization"].split("t=", 1)[1].split(",", 1)[0]
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def test_one_token_per_origin_with_its_own_audience_renewed_before_expiry() -> None:
    vapid = Vapid02()
    vapid.generate_keys()
    now = [1_800_000_000.0]
    signer = VapidSigner(vapid, "mailto:ops@example.dk", clock=lambda: now[0])
    fcm = signer.headers_for("https://fcm.googleapis.com/fcm/send/abc")
    mozilla = signer.headers_for("https://updates.push.services.mozilla.com/wpush/v2/x")
    assert claims_of(fcm)["aud"] == "https://fcm.googleapis.com"
    assert claims_of(mozilla)["aud"] == "https://updates.push.services.mozilla.com"
    assert claims_of(fcm)["exp"] == 1_800_000_000 + 12 * 3600
    assert claims_of(fcm)["sub"] == "mailto:ops@example.dk"
    # reused for other devices of the same origin, for hours
    now[0] += 10 * 3600
    assert signer.headers_for("https://fcm.googleapis.com/fcm/send/other") is fcm
    assert signer.signatures == 2
    # and signed anew once under an hour of it is left
    now[0] += 1.5 * 3600
    renewed = signer.headers_for("https://fcm.googleapis.com/fcm/send/abc")
    assert renewed != fcm and claims_of(renewed)["exp"] == int(now[0]) + 12 * 3600
    assert claims_of(renewed)["aud"] == "https://fcm.googleapis.com"


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("30", 0) == 30
    assert retry_after_seconds("Wed, 21 Oct 2026 07:28:00 GMT", 1792567650.0) == 30
    assert retry_after_seconds(None, 0) is None
    assert retry_after_seconds("soon", 0) is None
