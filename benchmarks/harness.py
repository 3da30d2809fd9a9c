"""What the benchmarks share: a database of their own, gunicorn, CPU meters, a load
generator (closed loop and open loop), tables and targets.

Each script in this folder holds only its scenario: what it seeds, what it asks and
what it promises. Everything here stays on loopback and cleans up after itself
(a PostgreSQL schema is dropped, gunicorn stopped) on exit, Ctrl-C or error.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HOST = "127.0.0.1"


def pg_base_url() -> str:
    """The PostgreSQL server the benchmarks make their schemas in."""
    return os.environ.get("COACH_TEST_DATABASE_URL") or DEFAULT_PG


# -- a database of its own ------------------------------------------------------------------


def plain_pg(url: str) -> str:
    """The psycopg form of a SQLAlchemy URL, without query options."""
    plain = sa.engine.make_url(url).set(drivername="postgresql", query={})
    return plain.render_as_string(hide_password=False)


@contextlib.contextmanager
def postgres_schema(base_url: str) -> Iterator[tuple[str, str]]:
    """A new, empty schema, dropped on exit. Yields the app's URL pointing at it, and
    the ``application_name`` its connections carry (to find their server processes)."""
    schema = f"coach_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(plain_pg(base_url), connect_timeout=5, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = sa.engine.make_url(base_url).update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": schema}
        )
        yield url.render_as_string(hide_password=False), schema
    finally:
        with psycopg.connect(plain_pg(base_url), connect_timeout=5, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        print(f"  dropped schema {schema}")


# -- gunicorn ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def venv_bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here if here.exists() else ROOT / ".venv" / "bin" / name)


@dataclass
class Server:
    port: int
    pid: int  # gunicorn's master


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path, workers: int = 2) -> Iterator[Server]:
    """Serve the app on a free loopback port; yields once /api/health answers."""
    port = free_port()
    command = [venv_bin("gunicorn"), "--workers", str(workers), "--bind", f"{HOST}:{port}"]
    command += ["--log-level", "warning", app]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
            try:
                url = f"http://{HOST}:{port}/api/health"
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # its own session: master and workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        problems = [
            line for line in log.read_text(errors="replace").splitlines() if "[ERROR]" in line
        ]
        if problems:
            print("  gunicorn logged errors:\n    " + "\n    ".join(problems[-10:]))


# -- CPU accounting (Linux /proc; figures are NaN elsewhere) ----------------------------------


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # from field 3 (state) on


def children_cpu(parent: int | None) -> dict[int, float]:
    """CPU seconds used so far by each child process of ``parent``."""
    found: dict[int, float] = {}
    if parent is None or not Path("/proc").is_dir():
        return found
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) and int(fields[1]) == parent:
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs so far."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return math.nan, math.nan
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def processes_cpu(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds used so far by each of ``pids`` that is visible in /proc."""
    found: dict[int, float] = {}
    for pid in pids:
        if fields := _stat(pid):
            found[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return found


class Meters:
    """Where the CPU goes: gunicorn's workers, the app's PostgreSQL server processes
    (found by their ``application_name``; other users of the server are not counted),
    this load generator, and the whole machine."""

    def __init__(
        self, gunicorn_pid: int | Sequence[int], pg_url: str | None, pg_app: str | None
    ) -> None:
        # One gunicorn master, or several (nodes): their workers' CPU counts together.
        self.gunicorn_pids = [gunicorn_pid] if isinstance(gunicorn_pid, int) else gunicorn_pid
        self.pg_app = pg_app
        self.pg = psycopg.connect(plain_pg(pg_url), autocommit=True) if pg_url else None

    def close(self) -> None:
        if self.pg is not None:
            self.pg.close()

    def _db_pids(self) -> list[int]:
        if self.pg is None:
            return []
        rows = self.pg.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.pg_app,)
        ).fetchall()
        return [row[0] for row in rows]

    def snapshot(self) -> dict[str, Any]:
        return {
            "app": {pid: cpu for m in self.gunicorn_pids for pid, cpu in children_cpu(m).items()},
            "db": processes_cpu(self._db_pids()),
            "client": time.process_time(),
            "machine": machine_busy(),
            "wall": time.perf_counter(),
        }

    @staticmethod
    def used(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
        def group(name: str) -> float:
            old, new = before[name], after[name]
            if not new:
                return math.nan
            return sum(cpu - old.get(pid, 0.0) for pid, cpu in new.items())

        busy = (after["machine"][0] - before["machine"][0]) / TICK
        capacity = (after["machine"][1] - before["machine"][1]) / TICK or math.nan
        used = {
            "app": group("app"),
            "db": group("db"),
            "client": after["client"] - before["client"],
            "busy": busy / capacity,
            "wall": after["wall"] - before["wall"],
        }
        ours = sum(used[g] for g in ("app", "db", "client") if not math.isnan(used[g]))
        used["others"] = max(0.0, busy - ours) / capacity  # other processes, steal
        return used


def machine_load(seconds: float = 1.0) -> float:
    """Share of the machine's CPU busy right now (other work competing with the run)."""
    before = machine_busy()
    time.sleep(seconds)
    after = machine_busy()
    return (after[0] - before[0]) / ((after[1] - before[1]) or math.nan)


@dataclass
class Cost:
    """What a piece of work done in this process cost (CPU in seconds)."""

    seconds: float  # wall
    cpu: float  # this process's, its waited-for child processes' included
    watched: float  # the watched processes' (a loopback server, say)
    others: float  # share of the machine's CPU that neither used: other work, steal


def cost_of(work: Callable[[], Any], watched: Iterable[int] = ()) -> tuple[Any, Cost]:
    """Run ``work`` here; what it returned and what it cost."""
    pids = list(watched)

    def own() -> float:
        usages = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return sum(u.ru_utime + u.ru_stime for u in usages)

    watched_before, machine_before, own_before = processes_cpu(pids), machine_busy(), own()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    cpu, machine = own() - own_before, machine_busy()
    watched_cpu = sum(
        cpu - watched_before.get(pid, 0.0) for pid, cpu in processes_cpu(pids).items()
    )
    busy = (machine[0] - machine_before[0]) / TICK
    capacity = (machine[1] - machine_before[1]) / TICK or math.nan
    return result, Cost(seconds, cpu, watched_cpu, max(0.0, busy - cpu - watched_cpu) / capacity)


# -- load generator --------------------------------------------------------------------------


RequestMaker = Callable[[], bytes]


def get_request(port: int, path: str, token: str | None) -> RequestMaker:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json"]
    if token:
        lines.append(f"Cookie: coach_session={token}")
    raw = ("\r\n".join([*lines, "Connection: keep-alive", "", ""])).encode()
    return lambda: raw


def post_request(
    port: int, path: str, token: str, csrf: str, body: Callable[[], dict[str, Any]]
) -> RequestMaker:
    """A signed-in JSON POST; ``body`` makes each request's body (fresh ids, times)."""
    head = "\r\n".join(
        [
            f"POST {path} HTTP/1.1",
            f"Host: {HOST}:{port}",
            "Accept: application/json",
            "Content-Type: application/json",
            f"Cookie: coach_session={token}",
            f"X-CSRF-Token: {csrf}",
            "Connection: keep-alive",
        ]
    )

    def make() -> bytes:
        data = json.dumps(body()).encode()
        return f"{head}\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data

    return make


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Status, whether the server closes the connection, and the body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    status_line = lines[0]
    status = int(status_line.split(b" ", 2)[1])
    close = status_line.startswith(b"HTTP/1.0")
    length: int | None = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close"
    if chunked:
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
            pass
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, close = await reader.read(), True
    return status, close, body


@dataclass
class Run:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # measured, seconds
    errors: Counter[str] = field(default_factory=Counter)  # warm-up included
    samples: dict[str, bytes] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # see Meters.used
    solo: Run | None = None  # the same requests from one client: no queueing
    late: float = 0.0  # open loop: how far behind its schedule the generator fell, s

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000

    def server_ms(self) -> float:
        """CPU milliseconds per request of the app and its database server together."""
        db_ms = self.cpu_ms("db")
        return self.cpu_ms("app") + (0.0 if math.isnan(db_ms) else db_ms)

    def cpu_ms(self, group: str) -> float:
        """CPU milliseconds per measured request spent in ``group``."""
        requests = self.rate * self.cpu.get("wall", math.nan)
        return self.cpu.get(group, math.nan) * 1000 / requests if requests else math.nan


async def _client(port: int, make: RequestMaker, start: float, end: float, run: Run) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                return
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                assert reader is not None
                writer.write(make())
                status, close, body = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                run.errors[type(exc).__name__] += 1
                run.samples.setdefault(type(exc).__name__, str(exc).encode())
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.01)
                continue
            t1 = time.perf_counter()
            if close:
                writer.close()
                reader = writer = None
            if not 200 <= status < 300:
                run.errors[str(status)] += 1
                run.samples.setdefault(str(status), body[:300])
            elif start <= t1 <= end:
                run.latencies.append(t1 - t0)
    finally:
        if writer is not None:
            writer.close()


async def _drive(
    makers: list[RequestMaker], warmup: float, seconds: float, server: Server, meters: Meters
) -> Run:
    run = Run(seconds)
    start = time.perf_counter() + warmup
    end = start + seconds

    async def measure_cpu() -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        before = meters.snapshot()
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        run.cpu = meters.used(before, meters.snapshot())

    await asyncio.gather(
        measure_cpu(), *(_client(server.port, make, start, end, run) for make in makers)
    )
    return run


def drive(
    makers: list[RequestMaker], warmup: float, seconds: float, server: Server, meters: Meters
) -> Run:
    """A closed loop: each maker is a client that sends its next request when the last
    is answered. Latency then includes the queue the clients themselves make."""
    return asyncio.run(_drive(makers, warmup, seconds, server, meters))


async def _one(port: int, make: RequestMaker, due: float, timeout: float, run: Run) -> None:
    """One request on its own connection, timed from when it was due to be sent."""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(make())
            status, _, body = await read_response(reader)
    except TimeoutError:
        run.errors["timeout"] += 1
        run.latencies.append(timeout)  # at least this long: it counts as slow, not lost
        return
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        run.errors[type(exc).__name__] += 1
        run.samples.setdefault(type(exc).__name__, str(exc).encode())
        return
    finally:
        if writer is not None:
            writer.close()
    if 200 <= status < 300:
        run.latencies.append(time.perf_counter() - due)
    else:
        run.errors[str(status)] += 1
        run.samples.setdefault(str(status), body[:300])


async def _drive_open(
    makers: Sequence[RequestMaker],
    rate: float,
    seconds: float,
    server: Server,
    meters: Meters,
    timeout: float,
) -> Run:
    run = Run(seconds)
    start = time.perf_counter() + 0.05
    count = max(1, round(rate * seconds))
    turn = itertools.cycle(makers)
    tasks: list[asyncio.Task[None]] = []
    before = meters.snapshot()
    for i in range(count):
        due = start + i / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        run.late = max(run.late, time.perf_counter() - due)
        tasks.append(asyncio.create_task(_one(server.port, next(turn), due, timeout, run)))
    await asyncio.gather(*tasks)
    run.cpu = meters.used(before, meters.snapshot())
    # The schedule, not the answers, set the pace: the rate is the one asked for.
    run.seconds = count / rate
    return run


def wait_until_idle(server: Server, quick_ms: float = 100.0, timeout: float = 120.0) -> float:
    """Wait until the server has worked through what earlier runs left queued: an open
    loop's unanswered requests stay in gunicorn's accept queue after their clients gave
    up, and would delay the next run. Idle is three health checks in a row answered
    within ``quick_ms``; returns the seconds waited."""
    started = time.perf_counter()
    quick = 0
    while quick < 3 and time.perf_counter() - started < timeout:
        t0 = time.perf_counter()
        try:
            url = f"http://{HOST}:{server.port}/api/health"
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                answer.read()
        except OSError:
            quick = 0
            time.sleep(0.2)
            continue
        quick = quick + 1 if (time.perf_counter() - t0) * 1000 <= quick_ms else 0
    return time.perf_counter() - started


def drive_open(
    makers: Sequence[RequestMaker],
    rate: float,
    seconds: float,
    server: Server,
    meters: Meters,
    timeout: float = 5.0,
) -> Run:
    """An open loop: requests leave on a fixed schedule, ``rate`` per second, whether or
    not the earlier ones were answered, each on a connection of its own. Latency is
    counted from when a request was due, so a load generator that falls behind shows
    up in the figures instead of hiding the delay (no coordinated omission); a request
    unanswered after ``timeout`` counts at that latency."""
    return asyncio.run(_drive_open(makers, rate, seconds, server, meters, timeout))


def median(values: Iterable[float]) -> float:
    """The median of the values that are not NaN (NaN when none are)."""
    kept = [v for v in values if not math.isnan(v)]
    return statistics.median(kept) if kept else math.nan


# -- tables and targets ----------------------------------------------------------------------


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], first: int = 34) -> None:
    """Print rows under headers: the first column left-aligned ``first`` wide, the rest
    right-aligned to their header's width; floats with one decimal unless given as text."""
    widths = [first, *(max(8, len(h) + 2) for h in headers[1:])]

    def cell(value: Any, width: int, left: bool) -> str:
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        return text.ljust(width) if left else text.rjust(width)

    print("".join(cell(h, w, i == 0) for i, (h, w) in enumerate(zip(headers, widths, strict=True))))
    for row in rows:
        print("".join(cell(v, w, i == 0) for i, (v, w) in enumerate(zip(row, widths, strict=True))))


class Targets:
    """The promises a benchmark checks: each printed as ok or MISSED; :meth:`exit_code`
    is 0 when all were met, 1 when one was missed, 2 when answers were errors."""

    def __init__(self) -> None:
        self.missed: list[str] = []
        self.errors = 0

    def check(self, label: str, ok: bool, detail: str) -> bool:
        print(f"  {'ok    ' if ok else 'MISSED'}  {label:<58} {detail}")
        if not ok:
            self.missed.append(label)
        return ok

    def summary(self) -> int:
        print(
            "summary: "
            + ("every target met" if not self.missed else "missed: " + "; ".join(self.missed))
        )
        return self.exit_code()

    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.missed else 0


def stop_on_sigterm() -> None:
    """SIGTERM and SIGINT end a run through KeyboardInterrupt, so clean-ups run."""

    def _stop(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)
