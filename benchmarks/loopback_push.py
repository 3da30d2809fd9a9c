"""A loopback push service for the reminder benchmarks: its own process, asyncio,
answering every message 201 after a delay, as a real push service does in tens of
milliseconds. It counts what it received, and verifies nothing (the tests'
``tests/reminders/push_service.py`` decrypts and checks every message)."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import time
from typing import Any

ANSWER = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


def serve(port_out: Any, count: Any, delay: float) -> None:
    """An HTTP/1.1 keep-alive server that answers every POST 201 after ``delay``."""
    # Forked from a script that may turn SIGTERM into KeyboardInterrupt: end quietly.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the script, which stops us

    class Push(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport, self.buffer = transport, b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while True:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                length = 0
                for line in self.buffer[:end].split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(self.buffer) < end + 4 + length:
                    return
                self.buffer = self.buffer[end + 4 + length :]
                count.value += 1
                loop.call_later(delay, self._answer)

        def _answer(self) -> None:
            if not self.transport.is_closing():
                self.transport.write(ANSWER)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(Push, "127.0.0.1", 0, backlog=2048))
    port_out.value = server.sockets[0].getsockname()[1]
    loop.run_forever()


def start_push_service(delay: float) -> tuple[Any, str, Any]:
    """The loopback push service in a process of its own: (process, origin, counter)."""
    port, count = multiprocessing.Value("i", 0), multiprocessing.Value("l", 0, lock=False)
    server = multiprocessing.Process(target=serve, args=(port, count, delay), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{port.value}", count
