"""What one push POST costs in CPU with each HTTP client the worker could send with.

    .venv/bin/python benchmarks/push_clients.py [--n 10000] [--in-flight 200] [--runs 3]

The loopback push service of the reminder benchmarks (its own process, answering 201
after ``--delay``) takes ``--n`` POSTs shaped like the worker's (an aes128gcm body of a
reminder's size, the VAPID ``Authorization``, TTL, Urgency and Topic headers) with up
to ``--in-flight`` at once over kept-alive connections. Printed per client: the CPU
time of this process per request (user + system, the median of ``--runs``; wall time
on a shared machine says more about the neighbours), and one core's requests/s.

Clients: aiohttp as the worker used it until December 2026 (a ``ClientTimeout`` and a
header dict per request), aiohttp used leanly, and libcurl's multi interface through
pycurl on the asyncio loop (``coach.reminders.curl``), which is what the worker sends
with now; each also on uvloop when it is installed (``pip install uvloop``; not a
dependency: the worker's pass measured the same with it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from loopback_push import start_push_service  # noqa: E402

BODY = os.urandom(260)  # a reminder's payload, encrypted: about this size
AUTHORIZATION = "vapid t=" + "x" * 330 + ", k=" + "y" * 87


def headers_for(i: int) -> dict[str, str]:
    """The headers the worker sends with the i-th reminder (TTL and Topic vary)."""
    return {
        "Authorization": AUTHORIZATION,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(40000 + i % 7),
        "Urgency": "normal",
        "Topic": f"r{i}-20261123",
    }


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def lanes(n: int, in_flight: int, post: Callable[[int], Awaitable[int]]) -> None:
    counter = iter(range(n))

    async def lane() -> None:
        for i in counter:
            status = await post(i)
            assert status == 201, status

    await asyncio.gather(*(lane() for _ in range(in_flight)))


async def aiohttp_before(origin: str, n: int, in_flight: int) -> None:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=in_flight, limit_per_host=in_flight)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:

        async def post(i: int) -> int:
            headers = headers_for(i)
            async with session.post(
                f"{origin}/push/{i}",
                data=aiohttp.BytesPayload(BODY),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                await response.read()
                return response.status

        await lanes(n, in_flight, post)


async def aiohttp_lean(origin: str, n: int, in_flight: int) -> None:
    import aiohttp
    from yarl import URL

    connector = aiohttp.TCPConnector(limit=in_flight, limit_per_host=in_flight)
    timeout = aiohttp.ClientTimeout(total=10)
    base = URL(origin)
    async with aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
        timeout=timeout,
    ) as session:

        async def post(i: int) -> int:
            headers = headers_for(i)
            response = await session.post(base / f"push/{i}", data=BODY, headers=headers)
            response.release()
            return response.status

        await lanes(n, in_flight, post)


async def curl_multi(origin: str, n: int, in_flight: int) -> None:
    from coach.reminders.curl import CurlSession

    async with CurlSession(in_flight, allow_private=True) as session:

        async def post(i: int) -> int:
            headers = [f"{name}: {value}" for name, value in headers_for(i).items()]
            answer = await session.post(f"{origin}/push/{i}", BODY, headers, 10.0)
            return answer.status

        await lanes(n, in_flight, post)


CLIENTS: dict[str, Callable[[str, int, int], Awaitable[None]]] = {
    "aiohttp, as the worker used it": aiohttp_before,
    "aiohttp, lean": aiohttp_lean,
    "pycurl (libcurl multi)": curl_multi,
}


def measure(name: str, uvloop: bool, origin: str, n: int, in_flight: int) -> float:
    """CPU seconds per request of one run (after a warm-up of 500 requests)."""
    client = CLIENTS[name]

    async def both() -> float:
        await client(origin, 500, min(in_flight, 100))
        before = cpu()
        await client(origin, n, in_flight)
        return (cpu() - before) / n

    if uvloop:
        import uvloop as uv

        with asyncio.Runner(loop_factory=uv.new_event_loop) as runner:
            return runner.run(both())
    return asyncio.run(both())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--only", help="clients whose name contains this")
    args = parser.parse_args()
    server, origin, _ = start_push_service(args.delay)
    try:
        print(
            f"{args.n} POSTs, {args.in_flight} in flight, answers after {args.delay * 1000:.0f} ms"
        )
        print(f"{'client':44} {'CPU us/request':>15} {'one core, req/s':>16}")
        for name in CLIENTS:
            if args.only and args.only not in name:
                continue
            for uv in (False, True):
                try:
                    runs = [
                        measure(name, uv, origin, args.n, args.in_flight) for _ in range(args.runs)
                    ]
                except ImportError as missing:
                    print(f"{name}: {missing}")
                    break
                each = statistics.median(runs)
                label = f"{name}{' + uvloop' if uv else ''}"
                spread = f"({min(runs) * 1e6:.0f}-{max(runs) * 1e6:.0f})"
                print(f"{label:44} {each * 1e6:8.0f} {spread:>11} {1 / each:10.0f}")
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
