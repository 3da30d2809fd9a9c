"""A loopback push service, as Chrome's or Firefox's would behave, for the tests.

A real HTTP server on 127.0.0.1 (a thread) that checks each message as a push service
does — the VAPID ``Authorization`` header (an ES256 JWT signed with the app's key,
``aud`` the endpoint's origin, ``exp`` within 24 hours, ``sub`` a mailto: or https:
URL) — and then decrypts the ``aes128gcm`` body with the private key and auth secret
that the "browser" made when it subscribed, as the browser would on receipt.
Answers can be scripted per device: a status, headers, a delay.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A subscription as a browser makes it: its own key pair and auth secret."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }


@dataclass
class Received:
    device: str
    headers: dict[str, str]
    claims: dict[str, Any]
    payload: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    status: int = 201
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


class QuietServer(ThreadingHTTPServer):
    # Senders open up to 2 x 50 connections at once, far past the default backlog of 5:
    # on a loaded machine connects then wait on SYN retries or fail.
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A sender that was killed or gave up mid-request is part of the tests."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class PushService:
    app_public_key: str  # base64url, as GET /api/push/public-key gives it
    verify: bool = True
    received: list[Received] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: list[str] = field(default_factory=list)
    browsers: dict[str, Browser] = field(default_factory=dict)
    script: dict[str, list[Answer]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def new_browser(self, name: str | None = None) -> Browser:
        name = name or b64url(os.urandom(12))
        browser = Browser(
            f"{self.origin}/push/{name}",
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
        )
        self.browsers[name] = browser
        return browser

    def answer(self, device: str, *answers: Answer) -> None:
        self.script[device].extend(answers)

    def start(self) -> PushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the sender expects

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                device = self.path.rsplit("/", 1)[-1]
                with service.lock:
                    service.requests[device] += 1
                    scripted = service.script.get(device)
                    answer = scripted.pop(0) if scripted else Answer()
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.status in (200, 201, 202) and service.verify:
                    try:
                        service.accept(device, dict(self.headers.items()), body)
                    except AssertionError as exc:
                        with service.lock:
                            service.problems.append(f"{device}: {exc}")
                        answer = Answer(400)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a timeout test)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # -- what a push service and the browser check ------------------------------------

    def accept(self, device: str, headers: dict[str, str], body: bytes) -> None:
        lower = {k.lower(): v for k, v in headers.items()}
        claims = self.check_vapid(lower.get("authorization", ""))
        assert lower.get("content-encoding") == "aes128gcm", lower.get("content-encoding")
        assert int(lower.get("ttl", "-1")) > 0, "no TTL"
        browser = self.browsers.get(device)
        assert browser is not None, f"unknown device {device}"
        plain = http_ece.decrypt(
            body,
            private_key=browser.private_key,
            auth_secret=browser.auth_secret,
            version="aes128gcm",
        )
        with self.lock:
            self.received.append(Received(device, lower, claims, json.loads(plain)))

    def check_vapid(self, authorization: str) -> dict[str, Any]:
        match = re.fullmatch(r"vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)", authorization)
        assert match, f"not a VAPID header: {authorization[:40]!r}"
        token, key = match.groups()
        assert key == self.app_public_key, "signed with another key than the app's"
        header_b64, claims_b64, signature_b64 = token.split(".")
        header = json.loads(unb64url(header_b64))
        assert header == {"typ": "JWT", "alg": "ES256"}, header
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        signature = unb64url(signature_b64)
        assert len(signature) == 64
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        try:
            public.verify(
                encode_dss_signature(r, s),
                f"{header_b64}.{claims_b64}".encode(),
                ec.ECDSA(hashes.SHA256()),
            )
        except InvalidSignature:
            raise AssertionError("bad ES256 signature") from None
        claims: dict[str, Any] = json.loads(unb64url(claims_b64))
        assert claims["aud"] == self.origin, f"aud {claims['aud']} is not {self.origin}"
        now = time.time()
        assert now < claims["exp"] <= now + 24 * 3600, f"exp {claims['exp']} not within 24 h"
        assert re.match(r"^(mailto:.+@.+|https://.+)$", claims["sub"]), claims["sub"]
        return claims
