"""Push requests through libcurl's multi interface (pycurl), driven by the asyncio loop.

libcurl does the HTTP in C: kept-alive connections per push service (HTTP/2
multiplexing where a push service offers it over TLS), the request, the answer's
parsing and each request's total timeout. This module only hands libcurl's sockets and
timer to the event loop (the ``multi_socket`` interface: libcurl says which socket to
watch and when to wake it, the loop tells libcurl when a socket is ready; the sockets
sit in a poller of their own, see ``_Sockets``) and turns a
finished transfer into its status and ``Retry-After``. Measured against aiohttp for the
same POSTs (``benchmarks/push_clients.py``), it costs a fraction of the CPU per request,
which is what a reminder pass mostly spent.

Every connection libcurl opens goes through ``_open_socket``: unless private addresses
are allowed (the loopback push service of the tests), an address that is not public is
refused there, after DNS and before any byte is sent — so a push host whose name comes
to point inward (DNS rebinding) gets no connection, whatever the name said when the
device subscribed.
"""

from __future__ import annotations

import asyncio
import select
import selectors
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pycurl

from coach.reminders.endpoints import is_public, literal_address

try:  # the CA certificates libcurl checks push services' TLS against
    import certifi

    CA_FILE: str | None = certifi.where()
except ImportError:  # pragma: no cover - certifi comes with requests (pywebpush)
    CA_FILE = None


class TransferFailed(Exception):
    """No HTTP answer: the connection failed, or the push service was not reached."""

    def __init__(self, detail: str, *, timed_out: bool = False, refused: bool = False) -> None:
        super().__init__(detail)
        self.detail, self.timed_out, self.refused = detail, timed_out, refused


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None  # the header's value, as sent


class _Transfer:
    """One easy handle and what the request in it is waiting for; handles are reused
    (libcurl keeps the connections in the multi handle, not in them)."""

    __slots__ = ("curl", "future", "refused", "retry_after", "url")

    def __init__(self, session: CurlSession) -> None:
        self.curl = curl = pycurl.Curl()
        self.future: asyncio.Future[Answer] | None = None
        self.url = ""
        self.refused: str | None = None
        self.retry_after: str | None = None
        curl.transfer = self  # type: ignore[attr-defined]
        curl.setopt(pycurl.NOSIGNAL, 1)
        curl.setopt(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
        curl.setopt(pycurl.FOLLOWLOCATION, 0)
        curl.setopt(pycurl.PROXY, "")  # never through a proxy from the environment
        curl.setopt(pycurl.PIPEWAIT, 1)  # rather multiplex on HTTP/2 than open another
        curl.setopt(pycurl.WRITEFUNCTION, _discard)  # a push service's body says nothing
        curl.setopt(pycurl.HEADERFUNCTION, self._header)
        if CA_FILE is not None:
            curl.setopt(pycurl.CAINFO, CA_FILE)
        if not session.allow_private:
            curl.setopt(pycurl.OPENSOCKETFUNCTION, self._open_socket)

    def _header(self, line: bytes) -> None:
        # Only Retry-After is read; the status line comes from RESPONSE_CODE.
        if line[:12].lower() == b"retry-after:":
            self.retry_after = line[12:].strip().decode("latin-1")

    def _open_socket(self, purpose: int, address: Any) -> Any:
        family, socktype, protocol, peer = address
        if family not in (socket.AF_INET, socket.AF_INET6) or not is_public(peer[0]):
            host = urlsplit(self.url).hostname or ""
            said = "is not a" if literal_address(host) else "resolves to no"
            self.refused = f"refused: {host} {said} public address"
            return pycurl.SOCKET_BAD
        return socket.socket(family, socktype, protocol)


def _discard(data: bytes) -> None:
    return None


class _Sockets:
    """libcurl's sockets in a poller of their own, whose one descriptor the event loop
    watches: a kept-alive connection goes from waiting for an answer to idle and back
    for every request, and the loop's ``add_reader``/``remove_reader`` (a handle, a
    selector key and a system call each time) cost more per request than libcurl's
    own work. epoll where there is one (Linux); elsewhere the selectors module's
    default (kqueue on macOS)."""

    def __init__(self, *, epoll: bool = hasattr(select, "epoll")) -> None:
        self._watched: dict[int, int] = {}  # socket -> the poller's event mask
        if epoll:
            self._epoll: Any = select.epoll()
            self._selector: selectors.BaseSelector | None = None
            self._masks = {
                pycurl.POLL_IN: select.EPOLLIN,
                pycurl.POLL_OUT: select.EPOLLOUT,
                pycurl.POLL_INOUT: select.EPOLLIN | select.EPOLLOUT,
            }
        else:
            self._epoll = None
            self._selector = selectors.DefaultSelector()
            self._masks = {
                pycurl.POLL_IN: selectors.EVENT_READ,
                pycurl.POLL_OUT: selectors.EVENT_WRITE,
                pycurl.POLL_INOUT: selectors.EVENT_READ | selectors.EVENT_WRITE,
            }

    def fileno(self) -> int:
        poller = self._epoll if self._selector is None else self._selector
        return int(poller.fileno())

    def watch(self, fd: int, event: int) -> None:
        """What libcurl wants to know about ``fd`` now (its POLL_* event)."""
        before = self._watched.get(fd)
        if event == pycurl.POLL_REMOVE or event == pycurl.POLL_NONE:
            if before is not None:
                del self._watched[fd]
                self._forget(fd)
            return
        mask = self._masks[event]
        if mask == before:
            return
        self._watched[fd] = mask
        if self._selector is not None:
            if before is None:
                self._selector.register(fd, mask)
            else:
                self._selector.modify(fd, mask)
            return
        try:
            if before is None:
                self._epoll.register(fd, mask)
            else:
                self._epoll.modify(fd, mask)
        except FileExistsError:  # a number reused by a new socket: take it over
            self._epoll.modify(fd, mask)
        except FileNotFoundError:  # a socket closed meanwhile, its number reused
            self._epoll.register(fd, mask)

    def _forget(self, fd: int) -> None:
        try:
            if self._selector is not None:
                self._selector.unregister(fd)
            else:
                self._epoll.unregister(fd)
        except (KeyError, OSError):  # closed already: the poller dropped it itself
            pass

    def ready(self) -> list[tuple[int, int]]:
        """Each socket with something to do, and libcurl's CSELECT_* mask for it."""
        if self._selector is not None:
            return [
                (
                    key.fd,
                    (pycurl.CSELECT_IN if events & selectors.EVENT_READ else 0)
                    | (pycurl.CSELECT_OUT if events & selectors.EVENT_WRITE else 0),
                )
                for key, events in self._selector.select(0)
            ]
        return [
            (
                fd,
                (pycurl.CSELECT_IN if events & _EPOLL_READ else 0)
                | (pycurl.CSELECT_OUT if events & select.EPOLLOUT else 0)
                | (pycurl.CSELECT_ERR if events & select.EPOLLERR else 0),
            )
            for fd, events in self._epoll.poll(0)
        ]

    def close(self) -> None:
        self._watched.clear()
        (self._epoll if self._selector is None else self._selector).close()


_EPOLL_READ = (
    (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR) if hasattr(select, "epoll") else 0
)


class CurlSession:
    """``async with CurlSession(200, allow_private=False) as s: await s.post(...)``:
    up to ``connections`` connections per push service, requests on one loop."""

    def __init__(
        self, connections: int, *, allow_private: bool = False, epoll: bool | None = None
    ) -> None:
        self.connections = connections
        self.allow_private = allow_private
        self._epoll = hasattr(select, "epoll") if epoll is None else epoll
        self._free: list[_Transfer] = []
        self._timer: asyncio.TimerHandle | None = None
        self._wake_at = 0.0  # when the timer fires (loop time), if there is one

    async def __aenter__(self) -> CurlSession:
        self._loop = asyncio.get_running_loop()
        self._multi = multi = pycurl.CurlMulti()
        self._sockets = _Sockets(epoll=self._epoll)
        self._loop.add_reader(self._sockets.fileno(), self._on_ready)
        multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket_change)
        multi.setopt(pycurl.M_TIMERFUNCTION, self._on_timer_change)
        multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, self.connections)
        multi.setopt(pycurl.M_MAXCONNECTS, self.connections)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._loop.remove_reader(self._sockets.fileno())
        self._timer = None
        self._multi.close()
        self._sockets.close()
        for transfer in self._free:
            transfer.curl.close()
        self._free.clear()

    async def post(self, url: str, body: bytes, headers: list[str], timeout: float) -> Answer:
        """POST ``body`` with ``headers`` ("Name: value" lines); the answer's status and
        Retry-After, or ``TransferFailed``. Over within ``timeout`` seconds (libcurl's
        own total timeout, connecting included)."""
        transfer = self._free.pop() if self._free else _Transfer(self)
        curl = transfer.curl
        transfer.url = url
        transfer.refused = transfer.retry_after = None
        curl.setopt(pycurl.URL, url)
        curl.setopt(pycurl.POSTFIELDS, body)
        curl.setopt(pycurl.HTTPHEADER, headers)
        curl.setopt(pycurl.TIMEOUT_MS, max(1, int(timeout * 1000)))
        transfer.future = future = self._loop.create_future()
        self._multi.add_handle(curl)
        try:
            return await future
        except asyncio.CancelledError:
            if not future.done():  # given up on (a hard limit): take it out of libcurl
                self._multi.remove_handle(curl)
                self._recycle(transfer)
            raise

    # -- libcurl's callbacks, and the loop's -----------------------------------------

    def _on_socket_change(self, event: int, fd: int, multi: Any, data: Any) -> None:
        self._sockets.watch(fd, event)

    def _on_timer_change(self, timeout_ms: int) -> None:
        # libcurl moves its one timer at every request it is handed and every answer;
        # a timer already due sooner is kept (waking libcurl early is harmless: it says
        # when to come back), so the loop gets a new timer only when it must be earlier.
        if timeout_ms < 0:
            return  # nothing to wait for; an early wake-up, if one is set, costs little
        loop = self._loop
        wake_at = loop.time() + timeout_ms / 1000
        if self._timer is not None:
            if self._wake_at <= wake_at:
                return
            self._timer.cancel()
        self._wake_at = wake_at
        self._timer = loop.call_at(wake_at, self._act, pycurl.SOCKET_TIMEOUT, 0)

    def _on_ready(self) -> None:
        multi = self._multi
        for fd, mask in self._sockets.ready():
            while multi.socket_action(fd, mask)[0] == pycurl.E_CALL_MULTI_PERFORM:
                pass
        self._finish()

    def _act(self, fd: int, mask: int) -> None:
        if fd == pycurl.SOCKET_TIMEOUT:
            self._timer = None
        multi = self._multi
        while multi.socket_action(fd, mask)[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        self._finish()

    def _finish(self) -> None:
        multi = self._multi
        while True:
            queued, done, failed = multi.info_read()
            for curl in done:
                transfer = curl.transfer
                multi.remove_handle(curl)
                answer = Answer(curl.getinfo(pycurl.RESPONSE_CODE), transfer.retry_after)
                self._settle(transfer, answer)
            for curl, code, message in failed:
                transfer = curl.transfer
                multi.remove_handle(curl)
                if transfer.refused:
                    error = TransferFailed(transfer.refused, refused=True)
                elif code == pycurl.E_OPERATION_TIMEDOUT:
                    error = TransferFailed("no answer in time", timed_out=True)
                else:
                    error = TransferFailed(f"curl {code}: {message}"[:200])
                self._settle(transfer, error)
            if not queued:
                return

    def _settle(self, transfer: _Transfer, outcome: Answer | TransferFailed) -> None:
        future = transfer.future
        self._recycle(transfer)
        if future is None or future.done():
            return
        if isinstance(outcome, Answer):
            future.set_result(outcome)
        else:
            future.set_exception(outcome)

    def _recycle(self, transfer: _Transfer) -> None:
        transfer.future = None  # its body stays referenced until the handle's next use
        self._free.append(transfer)
