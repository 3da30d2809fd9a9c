"""Sending encrypted Web Push messages fast: pywebpush's encryption, one VAPID token
per push-service origin, libcurl's kept-alive connections, many requests in flight.

No Flask or database here: the worker hands in notifications and gets back, for each,
every attempt made and how it ended.

Why not ``pywebpush.webpush()`` in a loop: it signs a new VAPID JWT (an ECDSA signature)
and opens a new connection for every message, and waits for each answer before the
next. Here a token is signed once per origin and reused until shortly before it
expires — with a claims dict of its own per origin, since ``webpush()`` writes ``aud``
and ``exp`` into the dict it is given — and libcurl (``coach.reminders.curl``) keeps
connections to each origin open while up to ``concurrency`` requests are in flight.
Bodies are encrypted as pywebpush's ``WebPusher.encode`` does it — ``http_ece`` (RFC
8291 aes128gcm) with a fresh ephemeral key per message — but called directly:
``WebPusher`` deep-copies the subscription and re-checks it for every message, a third
of the cost of encrypting. Optionally in a process pool (see ``PushSender``).
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02, VapidException

from coach.reminders.curl import CurlSession, TransferFailed
from coach.reminders.endpoints import literal_refused

TOKEN_LIFETIME_SECONDS = 12 * 3600  # push services accept at most 24 h
RENEW_BEFORE_SECONDS = 3600  # sign a new token when the old one has under an hour left


def origin_of(endpoint: str) -> str:
    """``scheme://host[:port]`` of a URL. String slicing rather than ``urlsplit``: it runs
    for every message."""
    start = endpoint.find("//")
    if start < 0:
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    end = len(endpoint)
    for mark in "/?#":
        found = endpoint.find(mark, start + 2)
        if 0 <= found < end:
            end = found
    return endpoint[:end]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_key_of(vapid: Vapid02) -> str:
    """The application server key a browser subscribes with (base64url, 65 bytes)."""
    from cryptography.hazmat.primitives import serialization

    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


class VapidSigner:
    """The ``Authorization`` header for each push-service origin, signed once and reused
    until ``renew_before`` seconds before it expires."""

    def __init__(
        self,
        vapid: Vapid02,
        contact: str,
        lifetime: int = TOKEN_LIFETIME_SECONDS,
        renew_before: int = RENEW_BEFORE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.vapid, self.contact = vapid, contact
        self.lifetime, self.renew_before, self.clock = lifetime, renew_before, clock
        self._tokens: dict[str, tuple[dict[str, str], int]] = {}
        self.signatures = 0

    def headers_for(self, endpoint: str) -> dict[str, str]:
        origin = origin_of(endpoint)
        now = int(self.clock())
        cached = self._tokens.get(origin)
        if cached is None or cached[1] - now < self.renew_before:
            # A fresh dict per origin: sharing one would carry one origin's aud to another.
            claims = {"sub": self.contact, "aud": origin, "exp": now + self.lifetime}
            cached = (self.vapid.sign(claims), claims["exp"])  # type: ignore[assignment]
            self._tokens[origin] = cached
            self.signatures += 1
        return cached[0]


@dataclass(frozen=True)
class Device:
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Notification:
    device: Device
    payload: bytes
    ttl: int  # seconds the push service may hold it for an offline device
    topic: str  # a newer message with the same topic replaces an undelivered one


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status: int | None
    outcome: str  # delivered, gone, rate_limited, error, timeout
    detail: str | None = None
    retryable: bool = False  # 429, 5xx, timeouts, a lost connection: later may work


@dataclass
class DeviceResult:
    notification: Notification
    attempts: list[Attempt] = field(default_factory=list)
    # Seconds the push service asked us to wait (Retry-After) beyond what one pass
    # waits for; the worker schedules the next try instead.
    retry_after: float | None = None

    @property
    def outcome(self) -> str:
        """delivered, gone (subscription expired: delete it) or failed."""
        last = self.attempts[-1].outcome if self.attempts else "error"
        return last if last in ("delivered", "gone") else "failed"

    @property
    def retryable(self) -> bool:
        """Failed, but in a way a later try may mend (not a refused or broken device)."""
        return self.outcome == "failed" and bool(self.attempts) and self.attempts[-1].retryable


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3  # after the first attempt, for 429, 5xx and timeouts
    backoff_seconds: float = 1.0  # doubled at each retry
    retry_after_max_seconds: float = 120.0  # a longer Retry-After is not waited for
    timeout_seconds: float = 10.0


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encrypt(device: Device, payload: bytes) -> bytes | None:
    """The aes128gcm body for one device (RFC 8291, as pywebpush encrypts it: an
    ephemeral key pair for this message alone); None for keys that cannot be used."""
    try:
        receiver, auth = unb64url(device.p256dh), unb64url(device.auth)
        if not receiver or not auth or not payload:
            return None
        return bytes(
            http_ece.encrypt(
                payload,
                private_key=ec.generate_private_key(ec.SECP256R1()),
                dh=receiver,
                auth_secret=auth,
                version="aes128gcm",
            )
        )
    except (ValueError, http_ece.ECEException):
        return None


def encrypt_batch(items: list[tuple[Device, bytes]]) -> list[bytes | None]:
    """Encrypt many at once: one call per batch keeps a process pool's overhead small."""
    return [encrypt(device, payload) for device, payload in items]


class PushSender:
    """``async with PushSender(signer) as sender: await sender.send_all(notifications)``.

    Encryption (an ECDH exchange and a fresh key pair per message) is most of the CPU
    a message costs; with ``encrypt_processes`` it runs in that many processes beside
    the event loop, in batches, while the loop keeps requests in flight.
    """

    ENCRYPT_BATCH = 250

    def __init__(
        self,
        signer: VapidSigner,
        *,
        concurrency: int = 200,
        policy: RetryPolicy | None = None,
        encrypt_processes: int = 0,
        sleep: Callable[[float], Any] = asyncio.sleep,
        allow_private: bool = False,
    ) -> None:
        self.signer = signer
        # Only for loopback emulators and tests: otherwise no internal address is used.
        self.allow_private = allow_private
        self.concurrency = concurrency
        self.policy = policy or RetryPolicy()
        self.encrypt_processes = encrypt_processes
        self.sleep = sleep
        self._session: CurlSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._pool: ProcessPoolExecutor | None = None
        # The header lines of an origin's requests but TTL and Topic: the VAPID token
        # and the fixed ones, made once per token (see VapidSigner).
        self._headers: dict[str, tuple[dict[str, str], list[str]]] = {}
        # Per origin: why an IP address there is not sent to (None: it may be).
        self._refusals: dict[str, str | None] = {}

    async def __aenter__(self) -> PushSender:
        # Connections are kept open per origin, as many as requests in flight.
        self._session = await CurlSession(
            self.concurrency, allow_private=self.allow_private
        ).__aenter__()
        self._slots = asyncio.Semaphore(self.concurrency)
        if self.encrypt_processes > 0:
            self._pool = ProcessPoolExecutor(
                self.encrypt_processes, mp_context=multiprocessing.get_context("spawn")
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.__aexit__(*exc)
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def _header_lines(self, endpoint: str, origin: str, notification: Notification) -> list[str]:
        authorization = self.signer.headers_for(endpoint)
        made = self._headers.get(origin)
        if made is None or made[0] is not authorization:  # a new token: new lines
            lines = [f"{name}: {value}" for name, value in authorization.items()]
            lines += [
                "Content-Encoding: aes128gcm",
                "Content-Type: application/octet-stream",
                "Urgency: normal",
                "Expect:",  # no 100-continue round trip
                "Accept:",  # nothing to negotiate: the answer's body is not read
            ]
            made = (authorization, lines)
            self._headers[origin] = made
        return [*made[1], f"TTL: {notification.ttl}", f"Topic: {notification.topic}"]

    async def _bodies(self, notifications: list[Notification]) -> list[bytes | None]:
        items = [(n.device, n.payload) for n in notifications]
        if self._pool is None:
            return encrypt_batch(items)
        loop = asyncio.get_running_loop()
        size = self.ENCRYPT_BATCH
        chunks = await asyncio.gather(
            *(
                loop.run_in_executor(self._pool, encrypt_batch, items[i : i + size])
                for i in range(0, len(items), size)
            )
        )
        return [body for chunk in chunks for body in chunk]

    async def send_all(self, notifications: Iterable[Notification]) -> list[DeviceResult]:
        batch = list(notifications)
        bodies = await self.encrypt_all(batch)
        return list(
            await asyncio.gather(*(self.send(n, b) for n, b in zip(batch, bodies, strict=True)))
        )

    async def encrypt_all(self, notifications: list[Notification]) -> list[bytes | None]:
        """Every body, in the process pool if there is one (in order)."""
        return await self._bodies(notifications)

    async def send_within(
        self, notifications: Iterable[Notification], seconds: float
    ) -> list[DeviceResult]:
        """``send_all`` with a hard limit on the whole: a device still unanswered when
        time is up is given up on and reported as a timeout."""
        batch = list(notifications)
        tasks = [asyncio.ensure_future(self.send(n)) for n in batch]
        if tasks:
            await asyncio.wait(tasks, timeout=seconds)
        results = []
        for notification, task in zip(batch, tasks, strict=True):
            if task.done() and not task.cancelled() and task.exception() is None:
                results.append(task.result())
                continue
            task.cancel()
            late = DeviceResult(notification)
            late.attempts.append(
                Attempt(datetime.now(UTC), None, "timeout", f"no answer within {seconds:g} s", True)
            )
            results.append(late)
        return results

    async def send(self, notification: Notification, body: bytes | None = None) -> DeviceResult:
        result = DeviceResult(notification)
        if body is None:
            body = encrypt(notification.device, notification.payload)
        if body is None:
            result.attempts.append(Attempt(datetime.now(UTC), None, "error", "unusable keys"))
            return result
        policy = self.policy
        for attempt in range(policy.retries + 1):
            assert self._slots is not None
            async with self._slots:
                retry, wait = await self._attempt(notification, body, result)
            if not retry or attempt == policy.retries:
                break
            if wait is None:
                wait = policy.backoff_seconds * 2**attempt
            elif wait > policy.retry_after_max_seconds:
                # Longer than a pass should wait: the worker tries again at that time.
                result.retry_after = wait
                break
            await self.sleep(wait)
        return result

    async def _attempt(
        self, notification: Notification, body: bytes, result: DeviceResult
    ) -> tuple[bool, float | None]:
        """One POST; whether it is worth retrying, and after how long (None: backoff)."""
        device = notification.device
        at = datetime.now(UTC)
        origin = origin_of(device.endpoint)
        refused = None if self.allow_private else self._refusals.get(origin, "")
        if refused == "":  # not judged yet: once per origin
            refused = self._refusals[origin] = literal_refused(origin)
        if refused:
            result.attempts.append(Attempt(at, None, "error", refused))
            return False, None
        try:
            headers = self._header_lines(device.endpoint, origin, notification)
        except VapidException:  # an origin no push service has (a malformed endpoint)
            result.attempts.append(Attempt(at, None, "error", "no VAPID audience for endpoint"))
            return False, None
        assert self._session is not None
        try:
            answer = await self._session.post(
                device.endpoint, body, headers, self.policy.timeout_seconds
            )
        except TransferFailed as failed:
            if failed.refused:  # an internal address: never retried
                result.attempts.append(Attempt(at, None, "error", failed.detail[:200]))
                return False, None
            outcome = "timeout" if failed.timed_out else "error"
            result.attempts.append(Attempt(at, None, outcome, failed.detail[:200], True))
            return True, None
        status = answer.status
        if status in (200, 201, 202):
            result.attempts.append(Attempt(at, status, "delivered"))
            return False, None
        if status in (404, 410):
            result.attempts.append(Attempt(at, status, "gone", "subscription expired"))
            return False, None
        if status == 429:
            retry_after = answer.retry_after
            wait = retry_after_seconds(retry_after, time.time())
            result.attempts.append(
                Attempt(at, status, "rate_limited", f"Retry-After: {retry_after}"[:200], True)
            )
            return True, wait
        # 5xx may pass; any other 4xx (400, 403 a key mismatch, 413) will not.
        passing = 500 <= status < 600
        result.attempts.append(Attempt(at, status, "error", f"HTTP {status}", passing))
        return passing, None
