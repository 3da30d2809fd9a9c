"""Reminder fan-out: the worker's real pass against a loopback push service.

    .venv/bin/python benchmarks/reminder_fanout.py [--n 20000] [--naive 300] [--memory-n 100000]

A push service on 127.0.0.1 (its own process, asyncio) answers every message 201 after
20 ms, as a real one does in tens of milliseconds. The database (SQLite, in a temporary
folder) gets N people, each with a device and a reminder due now. Then, side by side:

- fast: ``flask reminders send-due``'s pass (``coach.reminders.worker.send_due``):
  due reminders streamed from the database in batches, claimed, encrypted, sent with one
  VAPID token per origin over pooled connections with many requests in flight, and
  every attempt written to the delivery log;
- naive: ``pywebpush.webpush()`` called once per subscription, on a sample.

Each measurement runs in a process of its own, so the peak memory (ru_maxrss) is the
pass's alone. Prints, for both and side by side, notifications per second and the CPU
per message: the pass's own process (user + system, its helper processes included) and
the loopback push service's, with the share of the machine that other work took
meanwhile. The wall ratio compares one request at a time with many in flight; the CPU
per message is the like-for-like figure. Then the peak memory of a pass over
``--memory-n`` subscriptions. Targets: >= 1,500/s, >= 20x the naive loop's rate,
< 250 MB. Exit status: 0 when every target is met, 1 when one is missed, 2 when a
reminder was lost or sent twice.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import Cost, Targets, cost_of, stop_on_sigterm, table  # noqa: E402
from loopback_push import start_push_service  # noqa: E402

MIN_RATE = 1500  # notifications/s of the fast pass
MIN_SPEED_UP = 20  # its rate against the naive loop's
MAX_PEAK_MB = 250  # a pass over --memory-n subscriptions
# Monday 23 November 2026, 11:25 in Copenhagen: the default team time, a workday.
DUE_AT = datetime(2026, 11, 23, 10, 25, tzinfo=UTC)
# -- phases, each in a process of its own -------------------------------------------------


def make_app(db_path: str, instance: str) -> Any:
    from coach import create_app

    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "benchmark",
            "PUSH_ALLOW_HTTP": True,
            "PUSH_ENCRYPT_PROCESSES": int(os.environ.get("COACH_PUSH_ENCRYPT_PROCESSES", "0")),
        }
    )


def setup(db_path: str, instance: str, n: int, origin: str) -> None:
    """N people of one team, each with a device, their reminder due at DUE_AT."""
    import sqlalchemy as sa
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from flask_migrate import upgrade

    from coach.accounts.models import Person
    from coach.extensions import db
    from coach.reminders.delivery import b64url
    from coach.reminders.models import NextReminder, PushSubscription
    from coach.teams.models import Team
    from coach.teams.service import new_workplace

    app = make_app(db_path, instance)
    key = ec.generate_private_key(ec.SECP256R1())
    p256dh = b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    auth = b64url(os.urandom(16))
    with app.app_context():
        upgrade()
        workplace = new_workplace("Benchmark A/S")
        team = Team(workplace=workplace, name="Everyone")
        db.session.add(team)
        db.session.commit()
        chunk = 10_000
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            db.session.execute(
                sa.insert(Person),
                [
                    {
                        "workplace_id": workplace.id,
                        "team_id": team.id,
                        "display_name": f"Person {start + i}",
                        "role": "member",
                        "language": "da" if i % 2 else "en",
                        "share_participation": False,
                        "created_at": DUE_AT,
                    }
                    for i in range(size)
                ],
            )
            ids = db.session.scalars(
                sa.select(Person.id).order_by(Person.id.desc()).limit(size)
            ).all()
            db.session.execute(
                sa.insert(PushSubscription),
                [
                    {
                        "person_id": person_id,
                        "endpoint": f"{origin}/push/{person_id}",
                        "p256dh": p256dh,
                        "auth": auth,
                        "created_at": DUE_AT,
                        "updated_at": DUE_AT,
                    }
                    for person_id in ids
                ],
            )
            db.session.execute(  # due at once: the pass reads every one of them
                sa.insert(NextReminder),
                [{"person_id": person_id, "next_at": DUE_AT} for person_id in ids],
            )
            db.session.commit()


def figures(sent: int, cost: Cost) -> dict[str, Any]:
    """A phase's figures, per notification where that is the like-for-like measure."""
    return {
        "sent": sent,
        "seconds": cost.seconds,
        "rate": sent / cost.seconds,
        "cpu_ms": cost.cpu * 1000 / sent,
        "push_ms": cost.watched * 1000 / sent,
        "others": cost.others,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def fast_pass(db_path: str, instance: str, push_pid: int) -> dict[str, Any]:
    from coach.reminders.worker import send_due

    app = make_app(db_path, instance)
    with app.app_context():
        summary, cost = cost_of(lambda: send_due(DUE_AT), [push_pid])
    in_flight = int(app.config["PUSH_CONCURRENCY"])
    return {
        **figures(summary.notifications, cost),
        "delivered": summary.delivered,
        "in_flight": in_flight,
    }


def naive_loop(db_path: str, instance: str, push_pid: int, sample: int) -> dict[str, Any]:
    import sqlalchemy as sa
    from pywebpush import webpush

    from coach.extensions import db
    from coach.reminders import keys
    from coach.reminders.models import PushSubscription
    from coach.reminders.service import reminder_message

    app = make_app(db_path, instance)
    with app.app_context():
        rows = db.session.scalars(sa.select(PushSubscription).limit(sample)).all()
        subscriptions = [
            {"endpoint": r.endpoint, "keys": {"p256dh": r.p256dh, "auth": r.auth}} for r in rows
        ]
        vapid, contact = keys.vapid(), keys.contact(app)
        data = reminder_message("da", date.today()).encode().decode()

        def work() -> int:
            for subscription in subscriptions:
                webpush(
                    subscription,
                    data,
                    vapid_private_key=vapid,
                    vapid_claims={"sub": contact},  # a new dict each time, as it must be
                    ttl=3600,
                    headers={"Urgency": "normal", "Topic": "coach-daily-reminder"},
                    timeout=10,
                )
            return len(subscriptions)

        sent, cost = cost_of(work, [push_pid])
    return figures(sent, cost)


def run_phase(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def phase(name: str, db_path: str, instance: str, *rest: str) -> dict[str, Any]:
    """One phase in this (child) process; its result as the parent reads it."""
    if name == "setup":
        setup(db_path, instance, int(rest[0]), rest[1])
        return {}
    if name == "fast":
        return fast_pass(db_path, instance, int(rest[0]))
    return naive_loop(db_path, instance, int(rest[0]), int(rest[1]))


def report(args: argparse.Namespace, runs: dict[str, dict[str, Any]], targets: Targets) -> None:
    naive, fast, memory = runs["naive"], runs["fast"], runs["memory"]
    print(f"push service answers after {args.delay * 1000:.0f} ms; {os.cpu_count()} cores")
    rows: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("notifications", lambda r: r["sent"]),
        ("seconds", lambda r: f"{r['seconds']:.1f}"),
        ("notifications/s", lambda r: f"{r['rate']:.0f}"),
        ("pass CPU ms/notification", lambda r: f"{r['cpu_ms']:.2f}"),
        ("push service CPU ms/notification", lambda r: f"{r['push_ms']:.2f}"),
        ("others (rest of the machine)", lambda r: f"{r['others']:.0%}"),
        ("peak memory MB", lambda r: f"{r['peak_mb']:.0f}"),
    ]
    table(
        ["", "naive webpush() loop", "fast pass", f"fast, {args.memory_n}"],
        [[label, *(cell(r) for r in (naive, fast, memory))] for label, cell in rows],
    )
    speed_up, cpu_ratio = fast["rate"] / naive["rate"], naive["cpu_ms"] / fast["cpu_ms"]
    print(
        f"speed-up {speed_up:.1f}x in notifications/s: one request at a time against "
        f"up to {fast['in_flight']} in flight"
    )
    print(f"CPU per notification, naive / fast: {cpu_ratio:.1f}x (the like-for-like figure)")
    print("targets:")
    targets.check(
        f"fast pass >= {MIN_RATE} notifications/s", fast["rate"] >= MIN_RATE, f"{fast['rate']:.0f}"
    )
    targets.check(
        f"fast pass >= {MIN_SPEED_UP}x the naive loop's rate",
        speed_up >= MIN_SPEED_UP,
        f"{speed_up:.1f}x",
    )
    targets.check(
        f"peak memory < {MAX_PEAK_MB} MB over {args.memory_n} subscriptions",
        memory["peak_mb"] < MAX_PEAK_MB,
        f"{memory['peak_mb']:.0f} MB",
    )


def measure(args: argparse.Namespace, origin: str, push_pid: int, count: Any) -> dict[str, Any]:
    """Set up both databases and run the three passes; the number of lost or repeated
    reminders is under ``"wrong"``."""
    runs: dict[str, Any] = {"wrong": 0}
    with tempfile.TemporaryDirectory() as tmp:
        instance = str(Path(tmp) / "instance")
        main_db = str(Path(tmp) / "fanout.db")
        print(f"setting up {args.n} subscriptions ...", flush=True)
        run_phase("setup", main_db, instance, str(args.n), origin)
        runs["naive"] = run_phase("naive", main_db, instance, str(push_pid), str(args.naive))
        before = count.value
        runs["fast"] = run_phase("fast", main_db, instance, str(push_pid))
        runs["wrong"] += abs(runs["fast"]["delivered"] - args.n)
        runs["wrong"] += abs(count.value - before - args.n)

        memory_db = str(Path(tmp) / "memory.db")
        print(f"setting up {args.memory_n} subscriptions ...", flush=True)
        run_phase("setup", memory_db, instance, str(args.memory_n), origin)
        runs["memory"] = run_phase("fast", memory_db, instance, str(push_pid))
        runs["wrong"] += abs(runs["memory"]["delivered"] - args.memory_n)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=300, help="sample for the naive loop")
    parser.add_argument("--memory-n", type=int, default=100_000)
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        print(json.dumps(phase(*args.phase)))
        return 0

    stop_on_sigterm()
    targets = Targets()
    server, origin, count = start_push_service(args.delay)
    try:
        runs = measure(args, origin, server.pid, count)
    except KeyboardInterrupt:
        print("interrupted; cleaned up", file=sys.stderr)
        return 130
    finally:
        server.terminate()
    report(args, runs, targets)
    if runs["wrong"]:
        print(f"ERROR: {runs['wrong']} reminders were lost or sent more than once")
        targets.errors += runs["wrong"]
    return targets.summary()


if __name__ == "__main__":
    sys.exit(main())
