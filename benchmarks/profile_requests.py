"""Where a request's CPU goes: the scenarios of ``today_and_sets.py``, in this process.

    .venv/bin/python benchmarks/profile_requests.py [--db sqlite|postgresql|both]
        [--requests N] [--top N] [--scenario NAME ...]

Seeds the same world as ``today_and_sets.py`` (its :func:`seed`), builds the app here and
sends each scenario's requests straight to its WSGI callable: no server, no sockets, no
load generator, so what is measured is the app's own work per request. For each of the
trivial endpoint, today (10 and 1,000 sessions of history) and logging a set it prints

- the statements per request, each with its count (and the transactions' ends: COMMIT,
  ROLLBACK), counted by SQLAlchemy's engine events;
- the CPU per request of this process, without a profiler: the least of ``--batches``
  batches of ``--requests`` requests (other work on a shared machine only adds to it);
- with ``--top N`` > 0, cProfile's N most expensive functions by their own time (or,
  ``--sort cumtime``, with what they call).

On PostgreSQL the database server's CPU is not in these figures (``today_and_sets.py``
measures it); the statement counts say what it is asked.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import itertools
import json
import math
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import pg_base_url, postgres_schema, table
from today_and_sets import LABELS, SCENARIOS, Seeded, seed, set_body

Environ = dict[str, Any]


def environ_maker(seeded: Seeded, scenario: str) -> Callable[[int], Environ]:
    """The i-th request of ``scenario`` as a WSGI environ (signed in as its people)."""
    from werkzeug.test import EnvironBuilder

    if scenario == "trivial":
        people = [None]
    elif scenario == "sets":
        people = seeded.people["writers"]  # type: ignore[assignment]
    else:
        people = seeded.people[scenario]  # type: ignore[assignment]
    body = set_body(seeded.set_bodies)

    def make(i: int) -> Environ:
        who = people[i % len(people)]
        headers = {"Accept": "application/json"}
        if who is not None:
            headers["Cookie"] = f"coach_session={who.token}"
        if scenario == "sets":
            assert who is not None
            headers["X-CSRF-Token"] = who.csrf
            builder = EnvironBuilder(
                "/api/me/sets", method="POST", headers=headers, data=json.dumps(body()),
                content_type="application/json",
            )  # fmt: skip
        else:
            path = "/api/health" if scenario == "trivial" else "/api/me/today"
            builder = EnvironBuilder(path, headers=headers)
        environ = builder.get_environ()
        environ["HTTP_HOST"] = environ["SERVER_NAME"] = "localhost"
        environ["REMOTE_ADDR"] = "127.0.0.1"
        return environ

    return make


def call(app: Any, environ: Environ) -> int:
    """One request through the WSGI callable; its status code."""
    status: list[str] = []

    def start_response(line: str, _headers: Any, _exc_info: Any = None) -> Any:
        status.append(line)
        return lambda _data: None

    answer = app(environ, start_response)
    try:
        for _chunk in answer:
            pass
    finally:
        if hasattr(answer, "close"):
            answer.close()
    return int(status[0].split(" ", 1)[0])


@contextlib.contextmanager
def counting(engine: sa.Engine) -> Iterator[Counter[str]]:
    """Every statement the engine sends while inside, by its first 90 characters."""
    seen: Counter[str] = Counter()

    def statement(_conn: Any, _cursor: Any, text: str, *_args: Any) -> None:
        seen[" ".join(text.split())[:90]] += 1

    def ended(name: str) -> Callable[[Any], None]:
        return lambda _conn: seen.update([name])

    hooks = [
        ("before_cursor_execute", statement),
        ("commit", ended("(COMMIT)")),
        ("rollback", ended("(ROLLBACK)")),
    ]
    for name, hook in hooks:
        sa.event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks:
            sa.event.remove(engine, name, hook)


def run(app: Any, environs: list[Environ]) -> float:
    """CPU seconds this process spent answering ``environs``."""
    started = time.process_time()
    for environ in environs:
        if (code := call(app, environ)) >= 300:
            raise SystemExit(f"status {code} for {environ['PATH_INFO']}")
    return time.process_time() - started


def print_profile(app: Any, environs: list[Environ], args: argparse.Namespace) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run(app, environs)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print("\n".join(out.getvalue().splitlines()[6:]))


def profile(app: Any, seeded: Seeded, args: argparse.Namespace) -> list[list[Any]]:
    from coach.extensions import db

    with app.app_context():
        engine = db.engine
    makers = {name: environ_maker(seeded, name) for name in args.scenario}
    turn = itertools.count()
    statements: dict[str, float] = {}
    counted = 50
    for name, make in makers.items():
        run(app, [make(next(turn)) for _ in range(200)])  # warm: caches, prepared statements
        with counting(engine) as seen:
            run(app, [make(next(turn)) for _ in range(counted)])
        statements[name] = sum(n for text, n in seen.items() if not text.startswith("(")) / counted
        print(f"\n-- {LABELS[name]}: per request")
        for text, n in seen.most_common():
            print(f"   {n / counted:5.2f} x  {text}")
    # Batches of the scenarios in turn, and the least of each: other work on a shared
    # machine only adds to it, and in turn every scenario meets the same moments.
    cpu = {name: math.inf for name in makers}
    for _ in range(args.batches):
        for name, make in makers.items():
            used = run(app, [make(next(turn)) for _ in range(args.requests)])
            cpu[name] = min(cpu[name], used * 1000 / args.requests)
    for name, make in makers.items():
        if args.top > 0:
            print(f"\n-- {LABELS[name]}: cProfile over {args.requests} requests")
            print_profile(app, [make(next(turn)) for _ in range(args.requests)], args)
    return [[LABELS[name], f"{cpu[name]:.3f}", statements[name]] for name in makers]


def benchmark(backend: str, args: argparse.Namespace, workdir: Path) -> list[list[Any]]:
    from coach import create_app

    instance = workdir / backend
    instance.mkdir()
    secret = secrets.token_hex(32)
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{instance / 'coach.db'}"
        else:
            url, _ = stack.enter_context(postgres_schema(args.pg_url))
        seeded = seed(url, instance, secret)
        app = create_app(
            {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret}
        )
        try:
            return profile(app, seeded, args)
        finally:
            from coach.extensions import db

            with app.app_context():
                db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=200, help="per batch")
    parser.add_argument("--batches", type=int, default=10, help="the CPU figure is the least")
    parser.add_argument("--top", type=int, default=0, help="cProfile's most expensive functions")
    parser.add_argument(
        "--sort", choices=("tottime", "cumtime"), default="tottime", help="--top by"
    )
    parser.add_argument("--scenario", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--pg-url", default=pg_base_url(), help="PostgreSQL server")
    args = parser.parse_args(argv)
    if min(args.requests, args.batches) < 1 or args.top < 0:
        parser.error("--requests and --batches must be ≥ 1, --top ≥ 0")
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    workdir = Path(tempfile.mkdtemp(prefix="coach-profile-"))
    results = {}
    try:
        for backend in backends:
            print(f"[{backend}]", flush=True)
            results[backend] = benchmark(backend, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n== the app's CPU per request, in this process (least of {args.batches} batches) ==")
    lines = []
    for backend, rows in results.items():
        trivial = next((float(cpu) for label, cpu, _ in rows if label == LABELS["trivial"]), 0.0)
        for label, cpu, statements in rows:
            ratio = f"{float(cpu) / trivial:.2f}" if trivial else ""
            lines.append([f"{backend} {label}", cpu, ratio, statements])
    table(["backend, scenario", "CPU ms", "÷ trivial", "statements"], lines, first=44)
    return 0


if __name__ == "__main__":
    sys.exit(main())
