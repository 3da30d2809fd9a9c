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
pass's alone. Prints notifications per second for both, the ratio, and the peak memory
of a pass over ``--memory-n`` subscriptions. Targets: >= 1,500/s, >= 20x, < 250 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Monday 23 November 2026, 11:25 in Copenhagen: the default team time, a workday.
DUE_AT = datetime(2026, 11, 23, 10, 25, tzinfo=UTC)
ANSWER = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"


# -- the loopback push service ---------------------------------------------------------


def serve(port_out: Any, count: Any, delay: float) -> None:
    """An HTTP/1.1 keep-alive server that answers every POST 201 after ``delay``."""

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


def fast_pass(db_path: str, instance: str) -> dict[str, Any]:
    from coach.reminders.worker import send_due

    app = make_app(db_path, instance)
    with app.app_context():
        started = time.perf_counter()
        summary = send_due(DUE_AT)
        elapsed = time.perf_counter() - started
    return {
        "sent": summary.notifications,
        "delivered": summary.delivered,
        "seconds": elapsed,
        "rate": summary.notifications / elapsed,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def naive_loop(db_path: str, instance: str, sample: int) -> dict[str, Any]:
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
        started = time.perf_counter()
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
        elapsed = time.perf_counter() - started
    return {"sent": len(subscriptions), "seconds": elapsed, "rate": len(subscriptions) / elapsed}


def run_phase(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=300, help="sample for the naive loop")
    parser.add_argument("--memory-n", type=int, default=100_000)
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        name, db_path, instance, *rest = args.phase
        if name == "setup":
            setup(db_path, instance, int(rest[0]), rest[1])
            print(json.dumps({}))
        elif name == "fast":
            print(json.dumps(fast_pass(db_path, instance)))
        elif name == "naive":
            print(json.dumps(naive_loop(db_path, instance, int(rest[0]))))
        return

    server, origin, count = start_push_service(args.delay)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            instance = str(Path(tmp) / "instance")
            main_db = str(Path(tmp) / "fanout.db")
            print(f"setting up {args.n} subscriptions ...", flush=True)
            run_phase("setup", main_db, instance, str(args.n), origin)
            naive = run_phase("naive", main_db, instance, str(args.naive))
            before = count.value
            fast = run_phase("fast", main_db, instance)
            assert fast["delivered"] == args.n, fast
            assert count.value - before == args.n, (count.value - before, args.n)

            memory_db = str(Path(tmp) / "memory.db")
            print(f"setting up {args.memory_n} subscriptions ...", flush=True)
            run_phase("setup", memory_db, instance, str(args.memory_n), origin)
            memory = run_phase("fast", memory_db, instance)
            assert memory["delivered"] == args.memory_n, memory
    finally:
        server.terminate()

    ratio = fast["rate"] / naive["rate"]
    print(f"push service answers after {args.delay * 1000:.0f} ms; {os.cpu_count()} cores")
    print(
        f"naive webpush() loop : {naive['rate']:8.0f} notifications/s "
        f"({naive['sent']} in {naive['seconds']:.1f} s)"
    )
    print(
        f"fast fan-out         : {fast['rate']:8.0f} notifications/s "
        f"({fast['sent']} in {fast['seconds']:.1f} s, peak {fast['peak_mb']:.0f} MB)"
    )
    print(f"speed-up             : {ratio:8.1f}x")
    print(
        f"peak memory          : {memory['peak_mb']:8.0f} MB for {args.memory_n} subscriptions "
        f"({memory['rate']:.0f}/s)"
    )
    ok = fast["rate"] >= 1500 and ratio >= 20 and memory["peak_mb"] < 250
    print("targets (>= 1500/s, >= 20x, < 250 MB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
