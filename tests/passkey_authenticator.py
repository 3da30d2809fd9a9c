"""A software authenticator for tests: makes the assertions a passkey would.

A P-256 key (COSE ES256), authenticator data with user presence and verification and
a counter, and the signature over authenticator data and the hash of the client data,
as WebAuthn Level 2 (sections 6.1 and 7.2) lays them out. Used where the API is tested
without a browser; the browser tests use Chromium's own virtual authenticator.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

_UP_UV = 0x01 | 0x04  # user present, user verified
_ATTESTED = 0x40  # attested credential data follows


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass
class SoftAuthenticator:
    rp_id: str = "coach.test"
    origin: str = "https://coach.test"
    counter: int = 0
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )

    @property
    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def registration(self, challenge: str) -> dict[str, Any]:
        """The JSON a browser sends for navigator.credentials.create() ("none" attestation)."""
        client_data = json.dumps(
            {"type": "webauthn.create", "challenge": challenge, "origin": self.origin}
        ).encode()
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([_UP_UV | _ATTESTED])
            + self.counter.to_bytes(4, "big")
            + bytes(16)  # AAGUID: none
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_public_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return self._credential(
            {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            }
        )

    def _credential(self, response: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
        }

    def assertion(self, challenge: str, *, origin: str | None = None) -> dict[str, Any]:
        """The JSON a browser sends for navigator.credentials.get() with this passkey."""
        self.counter += 1
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": challenge, "origin": origin or self.origin}
        ).encode()
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([_UP_UV])
            + self.counter.to_bytes(4, "big")
        )
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return self._credential(
            {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            }
        )
