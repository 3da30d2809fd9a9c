"""Where a reminder pass's CPU goes, stage by stage, without a profiler's inflation.

    .venv/bin/python benchmarks/reminder_stages.py [--due 10000] [--runs 3]

The pass of ``reminder_scale.py``'s "10,000 alone" (PostgreSQL, a schema of its own,
the loopback push service answering after 20 ms), each run in a fresh process as
there. The pass's own functions are wrapped with ``time.process_time()``
accumulators: each stage's figure is its *exclusive* CPU (what a wrapped stage called
inside it is counted under that stage, not twice), per message; what no wrapper
covers is the event loop, the coroutines and the request set-up between them.
A profiler that traces every call (cProfile) inflated the Python-heavy parts so much
that it put a third of the pass in encryption; a few hundred wrappers per pass cost
next to nothing (their calls are counted beside each stage). Prints the median of
``--runs`` per stage.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import reminder_scale as scale  # noqa: E402
from benchmarks.reminder_fanout import start_push_service  # noqa: E402

# (module, attribute, method or None, stage): each wrapped where the pass looks it up.
STAGES = [
    ("coach.reminders.worker", "_claim_due", None, "claim: the rest of the batch's claim"),
    ("coach.reminders.worker", "_due_in", None, "claim: what is due (schedule rules)"),
    ("coach.reminders.worker", "instants", None, "claim: next instants (schedule rules)"),
    ("coach.reminders.worker", "_trained", None, "claim: who trained today"),
    ("coach.reminders.worker", "_claim", None, "claim: claim rows"),
    ("coach.reminders.worker", "store", None, "claim: store next instants"),
    ("coach.reminders.worker", "_take_over", None, "claim: take-over of expired claims"),
    ("coach.reminders.worker", "devices_of", None, "build: devices"),
    ("coach.reminders.worker", "notifications_for", None, "build: notifications"),
    ("coach.reminders.delivery", "encrypt_batch", None, "encryption (http_ece)"),
    ("coach.reminders.delivery", "PushSender", "_header_lines", "send: header lines"),
    ("coach.reminders.curl", "CurlSession", "_on_ready", "send: libcurl, answers"),
    ("coach.reminders.curl", "CurlSession", "_act", "send: libcurl, timer (requests)"),
    ("coach.reminders.curl", "CurlSession", "_on_socket_change", "send: libcurl, sockets"),
    ("coach.reminders.curl", "CurlSession", "_on_timer_change", "send: libcurl, timer set"),
    ("coach.reminders.worker", "Pass", "settle", "record: confirm claims"),
    ("coach.reminders.worker", "record_results", None, "record: delivery log, devices"),
    ("sqlalchemy.orm", "Session", "execute", "SQL: statements (all stages)"),
    ("sqlalchemy.orm", "Session", "scalars", "SQL: statements (all stages)"),
    ("sqlalchemy.orm", "Session", "commit", "SQL: commits and rollbacks"),
    ("sqlalchemy.orm", "Session", "rollback", "SQL: commits and rollbacks"),
]
REST = "event loop, coroutines, request set-up"


def measure_one(url: str, instance: str) -> dict[str, Any]:
    """One pass in this process with every stage wrapped; CPU per message by stage."""
    import importlib

    spent: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()
    stack: list[float] = []
    clock = time.process_time

    def wrap(function: Any, stage: str) -> Any:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            stack.append(0.0)
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = clock() - started
                inner = stack.pop()
                spent[stage] += elapsed - inner
                calls[stage] += 1
                if stack:
                    stack[-1] += elapsed

        return timed

    for module_name, name, method, stage in STAGES:
        owner = importlib.import_module(module_name)
        target = getattr(owner, name)
        if method is None:
            setattr(owner, name, wrap(target, stage))
        elif hasattr(target, method):
            setattr(target, method, wrap(getattr(target, method), stage))

    from coach.reminders.worker import send_due

    app = scale.make_app(url, instance)
    with app.app_context():
        started = clock()
        summary = send_due(scale.DUE_AT)
        total = clock() - started
    sent = max(summary.notifications, 1)
    per_message = {stage: seconds * 1e6 / sent for stage, seconds in spent.items()}
    per_message[REST] = (total - sum(spent.values())) * 1e6 / sent
    return {
        "sent": summary.notifications,
        "total_us": total * 1e6 / sent,
        "stages": per_message,
        "calls": dict(calls),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(measure_one(*args.phase)))
        return 0

    import psycopg
    import sqlalchemy as sa

    schema = f"bench_stages_{secrets.token_hex(3)}"
    plain = sa.engine.make_url(os.environ.get("COACH_TEST_DATABASE_URL") or scale.DEFAULT_PG)
    dsn = plain.set(drivername="postgresql").render_as_string(hide_password=False)
    server, origin, _count = start_push_service(args.delay)
    runs = []
    try:
        with psycopg.connect(dsn, autocommit=True) as c, tempfile.TemporaryDirectory() as tmp:
            instance = str(Path(tmp) / "instance")
            c.execute(f'CREATE SCHEMA "{schema}"')
            url = scale.database_url(schema)
            scale.run_phase("prepare", url, instance, origin)
            scale.run_phase("grow", url, instance, str(args.due), origin)
            for _ in range(args.runs):
                scale.run_phase("due", url, instance, str(args.due))
                out = subprocess.run(
                    [sys.executable, __file__, "--phase", url, instance],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        server.terminate()
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    total = statistics.median(run["total_us"] for run in runs)
    print(f"CPU per message, median of {len(runs)} passes of {args.due:,}: {total:.0f} us")
    stages = {stage for run in runs for stage in run["stages"]}
    medians = {s: statistics.median(run["stages"].get(s, 0.0) for run in runs) for s in stages}
    for stage, us in sorted(medians.items(), key=lambda item: -item[1]):
        called = runs[-1]["calls"].get(stage)
        print(
            f"  {us:6.1f} us  {us / total * 100:4.1f} %  {stage}"
            + (f" ({called} calls)" if called else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
