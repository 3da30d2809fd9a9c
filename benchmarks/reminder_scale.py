"""Reminder passes at scale on PostgreSQL: work in proportion to what is due.

    .venv/bin/python benchmarks/reminder_scale.py [--sizes 10000 100000 1000000]

Needs PostgreSQL (``COACH_TEST_DATABASE_URL``, default the local server); makes a
schema of its own and drops it. People, devices and next-reminder rows are made with
set-based SQL (generate_series), not the ORM. The push service is the loopback one of
``reminder_fanout.py`` (its own process, 201 after 20 ms). Printed side by side:

- a pass with nobody due at each size (median of 5): target <= 50 ms each and the
  largest / smallest <= 3;
- 10,000 due among the largest size, against 10,000 people in all: target >= 90 % of
  that fan-out rate;
- two worker processes on 20,000 due: each sends 40-60 %, none twice, and the wall
  time <= 0.7 x one worker's (``--pair-runs`` runs, default 3: the median run counts);
- CPU per message of a pass (user + system of the worker process, beside the wall
  figures): target <= 0.5 ms, and >= 1,500 notifications/s; and the CPU the pass's
  PostgreSQL server processes used per message (how many workers one database
  serves).

Each figure is printed beside the one measured before this work. Exits 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.reminder_fanout import start_push_service  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Monday 23 November 2026, 11:25 in Copenhagen: the default team time, a workday.
DUE_AT = datetime(2026, 11, 23, 10, 25, tzinfo=UTC)
TOMORROW = DUE_AT + timedelta(days=1)


def database_url(schema: str) -> str:
    import sqlalchemy as sa

    base = os.environ.get("COACH_TEST_DATABASE_URL") or DEFAULT_PG
    return (
        sa.engine.make_url(base)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def make_app(url: str, instance: str, **overrides: Any) -> Any:
    from coach import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "benchmark",
            "PUSH_ALLOW_HTTP": True,
            "REMINDER_BATCH_SIZE": 1000,
            **overrides,
        }
    )


def prepare(url: str, instance: str, origin: str) -> None:
    """The schema, one workplace and team, and the key pair every device shares."""
    from flask_migrate import upgrade

    from coach.extensions import db
    from coach.teams.models import Team
    from coach.teams.service import new_workplace

    app = make_app(url, instance)
    with app.app_context():
        upgrade()
        workplace = new_workplace("Benchmark A/S")
        db.session.add(Team(workplace=workplace, name="Everyone"))
        db.session.commit()


def grow(url: str, instance: str, total: int, origin: str) -> None:
    """Add people (each with a device, next reminder tomorrow) up to ``total``."""
    import sqlalchemy as sa
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from coach.extensions import db
    from coach.reminders.delivery import b64url

    key = ec.generate_private_key(ec.SECP256R1())
    p256dh = b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    app = make_app(url, instance)
    with app.app_context():
        have = db.session.scalar(sa.text("SELECT count(*) FROM people")) or 0
        if have >= total:
            return
        params = {
            "first": have + 1,
            "last": total,
            "at": DUE_AT,
            "tomorrow": TOMORROW,
            "origin": origin,
            "p256dh": p256dh,
            "auth": b64url(os.urandom(16)),
        }
        statements = [
            """INSERT INTO people (workplace_id, team_id, display_name, role, language,
                   share_participation, created_at)
               SELECT w.id, t.id, 'Person ' || g::text, 'member', 'da', false, :at
               FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) g,
                    workplaces w, teams t""",
            """INSERT INTO push_subscriptions (person_id, endpoint, p256dh, auth, created_at,
                   updated_at)
               SELECT p.id, CAST(:origin AS text) || '/push/' || p.id::text, :p256dh, :auth,
                   :at, :at
               FROM people p WHERE NOT EXISTS
                 (SELECT 1 FROM push_subscriptions s WHERE s.person_id = p.id)""",
            """INSERT INTO next_reminders (person_id, next_at)
               SELECT p.id, :tomorrow FROM people p WHERE NOT EXISTS
                 (SELECT 1 FROM next_reminders r WHERE r.person_id = p.id)""",
        ]
        for statement in statements:
            db.session.execute(sa.text(statement), params)
        db.session.commit()
        # Only this schema's tables (a bare ANALYZE would take every schema's locks).
        db.session.execute(sa.text("ANALYZE people, push_subscriptions, next_reminders"))
        db.session.commit()


def make_due(url: str, instance: str, count: int) -> None:
    """Exactly ``count`` people due at DUE_AT (spread over the table); the rest
    tomorrow; no claims or delivery log left from an earlier scenario."""
    import sqlalchemy as sa

    from coach.extensions import db

    app = make_app(url, instance)
    with app.app_context():
        for statement in (
            "DELETE FROM delivery_attempts",
            "DELETE FROM reminder_claims",
            "UPDATE next_reminders SET next_at = :tomorrow WHERE next_at <> :tomorrow",
        ):
            db.session.execute(sa.text(statement), {"tomorrow": TOMORROW})
        total = db.session.scalar(sa.text("SELECT count(*) FROM next_reminders")) or 1
        step = max(1, total // max(count, 1))
        db.session.execute(
            sa.text(
                "UPDATE next_reminders SET next_at = :due WHERE person_id IN ("
                " SELECT person_id FROM next_reminders WHERE person_id % :step = 0"
                " ORDER BY person_id LIMIT :count)"
            ),
            {"due": DUE_AT - timedelta(seconds=1), "step": step, "count": count},
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE next_reminders"))
        db.session.commit()


def idle_pass(url: str, instance: str) -> dict[str, Any]:
    """Median wall time of passes with nobody due (after one warm-up)."""
    from coach.reminders.worker import send_due

    app = make_app(url, instance)
    with app.app_context():
        send_due(DUE_AT)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            summary = send_due(DUE_AT)
            times.append(time.perf_counter() - started)
            assert summary.read == 0, summary
    return {"ms": statistics.median(times) * 1000}


def busy_pass(url: str, instance: str, at_seconds: float = 0) -> dict[str, Any]:
    """One pass over what is due; wall time, the process's CPU per message, and the
    CPU its PostgreSQL server processes used (found by an application_name of this
    process's own; the server runs on this machine)."""
    from benchmarks.harness import processes_cpu
    from coach.reminders.worker import send_due

    name = f"reminder-bench-{os.getpid()}"
    app = make_app(url + f"&application_name={name}", instance)
    with app.app_context():
        if at_seconds:  # two workers: start together
            time.sleep(max(0.0, at_seconds - time.time()))
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        summary = send_due(DUE_AT)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        # The pool's connections are still open: their server processes' whole CPU
        # (they were opened by this pass) is what the database spent on it.
        from coach.extensions import db

        with db.engine.connect() as connection:
            pids = connection.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %(name)s",
                {"name": name},
            ).scalars()
            db_cpu = sum(processes_cpu(list(pids)).values())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sent = max(summary.notifications, 1)
    return {
        "sent": summary.notifications,
        "delivered": summary.delivered,
        "seconds": elapsed,
        "rate": summary.notifications / elapsed,
        "cpu_ms_per_message": cpu * 1000 / sent,
        "db_ms_per_message": db_cpu * 1000 / sent,
    }


def run_phase(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args], capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(f"phase {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def start_phase(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--phase", *args], stdout=subprocess.PIPE, text=True
    )


def phase(args: list[str]) -> None:
    name, url, instance, *rest = args
    result: dict[str, Any] = {}
    if name == "prepare":
        prepare(url, instance, rest[0])
    elif name == "grow":
        grow(url, instance, int(rest[0]), rest[1])
    elif name == "due":
        make_due(url, instance, int(rest[0]))
    elif name == "idle":
        result = idle_pass(url, instance)
    elif name == "busy":
        result = busy_pass(url, instance, float(rest[0]) if rest else 0)
    print(json.dumps(result))


def pair_run(big: str, instance: str, pair: int, count: Any) -> dict[str, Any]:
    """One worker on ``pair`` due, then two worker processes started together."""
    run_phase("due", big, instance, str(pair))
    one = run_phase("busy", big, instance)
    run_phase("due", big, instance, str(pair))
    before = count.value
    go = time.time() + 3  # both processes started and connected by then
    workers = [start_phase("busy", big, instance, str(go)) for _ in range(2)]
    two = [json.loads((w.communicate()[0] or "{}").strip().splitlines()[-1]) for w in workers]
    wall = max(p["seconds"] for p in two)
    return {
        "one": one,
        "two": two,
        "requests": count.value - before,
        "wall": wall,
        "ratio": wall / one["seconds"],
        "shares": [p["delivered"] / pair for p in two],
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every scenario, in two schemas of their own (dropped after)."""
    import psycopg
    import sqlalchemy as sa

    schemas = {
        "small": f"bench_small_{secrets.token_hex(3)}",
        "big": f"bench_big_{secrets.token_hex(3)}",
    }
    plain = sa.engine.make_url(os.environ.get("COACH_TEST_DATABASE_URL") or DEFAULT_PG)
    dsn = plain.set(drivername="postgresql").render_as_string(hide_password=False)
    server, origin, count = start_push_service(args.delay)
    found: dict[str, Any] = {"idle": {}}
    try:
        with psycopg.connect(dsn, autocommit=True) as c, tempfile.TemporaryDirectory() as tmp:
            instance = str(Path(tmp) / "instance")
            for schema in schemas.values():
                c.execute(f'CREATE SCHEMA "{schema}"')
            small, big = (database_url(s) for s in schemas.values())
            # 10,000 people in all, every one due: the fan-out rate to match.
            run_phase("prepare", small, instance, origin)
            run_phase("grow", small, instance, str(args.due), origin)
            run_phase("due", small, instance, str(args.due))
            found["alone"] = run_phase("busy", small, instance)
            assert found["alone"]["delivered"] == args.due, found["alone"]

            run_phase("prepare", big, instance, origin)
            for size in sorted(args.sizes):
                print(f"growing to {size:,} people ...", flush=True)
                run_phase("grow", big, instance, str(size), origin)
                run_phase("due", big, instance, "0")
                found["idle"][size] = run_phase("idle", big, instance)["ms"]
            run_phase("due", big, instance, str(args.due))
            found["among"] = run_phase("busy", big, instance)
            assert found["among"]["delivered"] == args.due, found["among"]
            found["pairs"] = []
            for i in range(args.pair_runs):
                print(f"two workers, run {i + 1} of {args.pair_runs} ...", flush=True)
                found["pairs"].append(pair_run(big, instance, args.pair, count))
    finally:
        server.terminate()
        with psycopg.connect(dsn, autocommit=True) as c:
            for schema in schemas.values():
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--pair", type=int, default=20_000, help="due for the two workers")
    parser.add_argument("--pair-runs", type=int, default=3, help="runs of the two workers")
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase)
        return 0
    from benchmarks.reminder_scale_report import report

    return report(args, measure(args))


if __name__ == "__main__":
    sys.exit(main())
