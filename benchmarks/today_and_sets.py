"""Today's screen and logging a set under gunicorn: throughput against the trivial
endpoint (closed loop) and latency at fixed request rates (open loop).

    .venv/bin/python benchmarks/today_and_sets.py [--db sqlite|postgresql|both]
        [--mode closed|open|both] [--seconds N] [--rounds N] [--open-seconds N]

For each backend this builds a fresh database (a SQLite file in a temporary folder, or
a new schema in the PostgreSQL of ``--pg-url``), applies the migrations, seeds one
workplace and one team that trains every day, and three groups of 32 people, each with
its own device session:

- ``today10``: 10 sessions of history (one per past day),
- ``today1000``: 1,000 sessions of history,
- ``writers``: 10 sessions of history; they post the sets, so the readers' "logged
  today" lists stay empty and the two today scenarios differ only in history length.

Both reader groups sit in the same week of the same program phase, so today's screen
asks the same questions for both. It then starts ``gunicorn --workers 2`` (sync
workers, as in production) on a free loopback port.

**Closed loop** (``--mode closed``): 32 concurrent clients, each sending its next
request when the last is answered. Scenarios run interleaved — health, today10,
today1000, sets, health, ... — ``--rounds`` times, each for ``--warmup`` then
``--seconds`` seconds; ratios are taken per round (same minute, same noise) and their
median is shown. Target: each endpoint at ≥ 50 % of the trivial endpoint's req/s, and
today's cost flat in the length of history. Latency under a closed loop is queueing
(mean = 32 ÷ req/s), so it is printed, not promised.

**Open loop** (``--mode open``): the trivial endpoint's capacity is its closed-loop
req/s; then the trivial endpoint, today (1,000 sessions) and logging a set are each
sent on a fixed schedule at 25 %, 50 % and 75 % of that capacity for ``--open-seconds``
(30) seconds, whether or not earlier requests were answered, latency counted from when
each request was due. Targets: at 50 %, today's and a set's p95 ≤ 2 x the trivial
endpoint's p95 at the same rate, and their p99 ≤ 100 ms; at 75 %, no request over 1 s.
An endpoint that costs k times the trivial endpoint's CPU per request is past its own
capacity at any share above 1/k: today costs about 2x, so at 75 % its queue grows for
the whole run. The script then says so beside the target (still checked, and missed):
as written, that target cannot be met. With ``--db both`` the open-loop figures of
SQLite and PostgreSQL print side by side.

Besides the client-side figures it reports, per request, the CPU time of gunicorn's
workers, of the app's PostgreSQL server processes (found by ``application_name``) and
of this load generator, read from /proc over the measured window. CPU per request is
the steadiest figure on a shared machine: other work there lowers req/s but hardly
changes it. The load generator shares the machine's cores with gunicorn (and
PostgreSQL), so absolute req/s are lower than a separate client machine would see.
``--app`` serves another app factory (e.g. a variant on PYTHONPATH) to compare a change.

Exit status: 0 when every target is met, 1 when one is missed, 2 on error responses.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Meters,
    RequestMaker,
    Run,
    Server,
    Targets,
    drive,
    drive_open,
    get_request,
    gunicorn,
    machine_load,
    median,
    pg_base_url,
    post_request,
    postgres_schema,
    stop_on_sigterm,
    table,
    wait_until_idle,
)

CLIENTS = 32
WORKERS = 2
PROGRAM = "office-daily-5"
# Days between joining and today. 45 days is program week 7 and 1053 days week 151,
# which is week 7 of the 12-week cycle too: both groups are mid-phase (weeks 5-8), so
# their last 10 days are all in that phase and today's screen has the same exercises.
JOINED_DAYS_AGO = {10: 45, 1000: 1053}
GROUPS = {"today10": 10, "today1000": 1000, "writers": 10}

# Closed-loop targets.
MIN_RATIO = 0.5
MAX_HISTORY_COST = 1.3
# Open-loop targets: shares of the trivial endpoint's capacity, and the promises.
FRACTIONS = (0.25, 0.50, 0.75)
MAX_P95_VS_TRIVIAL = 2.0  # at 50 %
MAX_P99_MS = 100.0  # at 50 %
MAX_LATENCY_S = 1.0  # at 75 %: no request slower


# -- database set-up ---------------------------------------------------------------------


@dataclass
class Credentials:
    token: str
    csrf: str


@dataclass
class Seeded:
    people: dict[str, list[Credentials]]
    set_bodies: list[dict[str, Any]]  # templates for POST /api/me/sets (no id, no time)
    rows: Counter[str]


def _set_values(exercise: Any, dose: Any, bands: list[str], rng: random.Random) -> dict[str, Any]:
    """Valid set fields for an exercise: reps or a hold, and a load in its unit."""
    values: dict[str, Any] = {"reps": None, "hold_seconds": None, "band_level": None}
    values["load_kg"] = None
    if exercise.kind == "hold":
        values["hold_seconds"] = (dose.seconds if dose else None) or 20
    else:
        values["reps"] = rng.randint(10, 19)
    if exercise.equipment == "band":
        values["band_level"] = bands[min(3, len(bands) - 1)]
    elif exercise.equipment == "dumbbell":
        values["load_kg"] = 8.0
    elif exercise.equipment == "kettlebell":
        values["load_kg"] = 12.0
    return values


def seed(database_url: str, instance: Path, secret_key: str) -> Seeded:
    """Migrate the empty database and fill it; returns what the clients need."""
    from flask_migrate import upgrade

    from coach import create_app
    from coach.accounts.auth import hash_token
    from coach.accounts.models import DeviceSession, Person
    from coach.catalogue.service import current_catalogue
    from coach.coaching.models import CheckIn, WorkoutSet
    from coach.coaching.today import program_week
    from coach.domain.calendar import WEEKDAYS
    from coach.extensions import db
    from coach.teams.models import Team
    from coach.teams.service import new_workplace

    app = create_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret_key}
    )
    rng = random.Random(20250101)
    rows: Counter[str] = Counter()
    with app.app_context():
        upgrade()
        workplace = new_workplace("Benchmark workplace")
        team = Team(workplace=workplace, name="Every day", program=PROGRAM, workdays=[*WEEKDAYS])
        db.session.add(team)
        db.session.commit()
        zone = ZoneInfo(workplace.time_zone)
        bands = [level.key for level in workplace.band_set.levels]
        catalogue = current_catalogue()
        program = catalogue.programs[PROGRAM]
        now = datetime.now(UTC)
        today = now.astimezone(zone).date()

        def at(day: date, hour: int, minute: int = 0) -> datetime:
            return datetime.combine(day, clock(hour, minute), tzinfo=zone).astimezone(UTC)

        phases = set()
        people: dict[str, list[Credentials]] = {}
        person_rows: list[tuple[str, Person, int]] = []
        for group, sessions in GROUPS.items():
            joined = today - timedelta(days=JOINED_DAYS_AGO[sessions])
            phases.add(program.phase_for_week(program_week(joined, today)))
            for i in range(CLIENTS):
                person = Person(
                    workplace=workplace,
                    team=team,
                    role="member",
                    language="en",
                    display_name=f"{group} {i}",
                    created_at=at(joined, 9),
                )
                db.session.add(person)
                person_rows.append((group, person, sessions))
        db.session.commit()
        if len(phases) != 1:
            raise SystemExit("the groups are not in the same program phase; fix JOINED_DAYS_AGO")
        (phase,) = phases

        sets: list[dict[str, Any]] = []
        check_ins: list[dict[str, Any]] = []
        sessions_rows: list[dict[str, Any]] = []

        def flush(table: sa.Table, batch: list[dict[str, Any]], force: bool = False) -> None:
            if batch and (force or len(batch) >= 20_000):
                with db.engine.begin() as conn:
                    conn.execute(sa.insert(table), batch)
                rows[table.name] += len(batch)
                batch.clear()

        for group, person, sessions in person_rows:
            joined = person.created_at.astimezone(zone).date()
            for back in range(1, sessions + 1):
                day = today - timedelta(days=back)
                day_phase = program.phase_for_week(program_week(joined, day))
                minute = 0
                for item in day_phase.items:
                    if item.exercise is None or item.dose is None:
                        continue
                    exercise = catalogue.exercises[item.exercise]
                    for _ in range(item.dose.sets):
                        minute += 1
                        moment = at(day, 11, 30) + timedelta(minutes=minute)
                        sets.append(
                            {
                                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                                "person_id": person.id,
                                "exercise": exercise.slug,
                                "performed_at": moment,
                                "local_date": day,
                                "reps_in_reserve": None,
                                "pain": rng.choice((None, 0, 1, 2)),
                                "created_at": moment,
                                "updated_at": moment,
                                **_set_values(exercise, item.dose, bands, rng),
                            }
                        )
                if back % 7 == 1:  # a weekly check-in
                    check_ins.append(
                        {
                            "person_id": person.id,
                            "day": day,
                            "pain_neck": rng.randint(0, 4),
                            "pain_shoulder": rng.randint(0, 4),
                            "pain_arm": rng.randint(0, 2),
                            "pain_lower_back": None,
                            "soreness": False,
                            "numbness_or_tingling": False,
                            "weakness": False,
                            "trauma": False,
                            "fever_or_weight_loss": False,
                            "worsening_for_weeks": False,
                            "created_at": at(day, 11, 20),
                            "updated_at": at(day, 11, 20),
                        }
                    )
                flush(WorkoutSet.__table__, sets)
            assert joined <= today - timedelta(days=sessions)
            token = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            sessions_rows.append(
                {
                    "person_id": person.id,
                    "token_hash": hash_token(token),
                    "csrf_token": csrf,
                    "created_at": now,
                    "renewed_at": now,
                    "expires_at": now + timedelta(days=30),
                }
            )
            people.setdefault(group, []).append(Credentials(token, csrf))
        flush(WorkoutSet.__table__, sets, force=True)
        flush(CheckIn.__table__, check_ins, force=True)
        flush(DeviceSession.__table__, sessions_rows, force=True)

        set_bodies = []
        for item in phase.items:
            if item.exercise is None:
                continue
            exercise = catalogue.exercises[item.exercise]
            body = {"exercise": exercise.slug, **_set_values(exercise, item.dose, bands, rng)}
            set_bodies.append({k: v for k, v in body.items() if v is not None})

        with db.engine.begin() as conn:  # planner statistics, as autovacuum would make
            if conn.dialect.name == "postgresql":  # only this schema's tables (search_path)
                conn.execute(sa.text("ANALYZE people, workout_sets, check_ins, device_sessions"))
        db.session.remove()
        db.engine.dispose()
    return Seeded(people, set_bodies, rows)


# -- the scenarios ----------------------------------------------------------------------------


SCENARIOS = ("trivial", "today10", "today1000", "sets")
OPEN_SCENARIOS = ("trivial", "today1000", "sets")
LABELS = {
    "trivial": "GET /api/health (trivial)",
    "today10": "GET /api/me/today, 10 sessions",
    "today1000": "GET /api/me/today, 1000 sessions",
    "sets": "POST /api/me/sets",
}
CPU_GROUPS = ("app", "db", "client")


def set_body(bodies: list[dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Each call a new set (a fresh client id and time), cycling through the bodies."""
    turn = itertools.count()

    def make() -> dict[str, Any]:
        template = bodies[next(turn) % len(bodies)]
        now = datetime.now(UTC).isoformat()
        return {"id": str(uuid.uuid4()), "performed_at": now, "pain": 0, **template}

    return make


def request_makers(port: int, seeded: Seeded) -> dict[str, list[RequestMaker]]:
    who = seeded.people
    return {
        "trivial": [get_request(port, "/api/health", None) for _ in range(CLIENTS)],
        "today10": [get_request(port, "/api/me/today", p.token) for p in who["today10"]],
        "today1000": [get_request(port, "/api/me/today", p.token) for p in who["today1000"]],
        "sets": [
            post_request(port, "/api/me/sets", p.token, p.csrf, set_body(seeded.set_bodies))
            for p in who["writers"]
        ],
    }


def cpu_row(run_list: list[Run]) -> list[Any]:
    """Median CPU ms per request of the app, its database and the load generator, and
    the share of the machine other work took."""
    return [
        *(f"{median(r.cpu_ms(g) for r in run_list):.2f}" for g in CPU_GROUPS),
        f"{median(r.cpu.get('others', math.nan) for r in run_list):.0%}",
    ]


def errors_of(run_list: list[Run]) -> Counter[str]:
    errors: Counter[str] = Counter()
    for run in run_list:
        errors.update(run.errors)
    return errors


def print_errors(run_list: list[Run]) -> None:
    for kind, n in sorted(errors_of(run_list).items()):
        sample = next((r.samples[kind] for r in run_list if kind in r.samples), b"")
        print(f"    {n} x {kind}: {sample.decode(errors='replace')[:200]}")


# -- closed loop --------------------------------------------------------------------------------


def closed_loop(
    makers: dict[str, list[RequestMaker]], server: Server, meters: Meters, args: Any
) -> dict[str, list[Run]]:
    """Every scenario, interleaved, ``args.rounds`` times; one client's latency after each."""
    runs: dict[str, list[Run]] = {name: [] for name in SCENARIOS}
    for round_ in range(1, args.rounds + 1):
        for name in SCENARIOS:
            run = drive(makers[name], args.warmup, args.seconds, server, meters)
            if args.solo_seconds > 0:  # one client, to see the time without queueing
                run.solo = drive(makers[name][:1], 0.2, args.solo_seconds, server, meters)
                run.errors.update(run.solo.errors)
            runs[name].append(run)
            print(
                f"  round {round_} {name:<10} {run.rate:7.1f} req/s  "
                f"p50 {run.percentile(0.50):6.1f}  p95 {run.percentile(0.95):6.1f} ms  "
                f"errors {sum(run.errors.values())}  | app CPU {run.cpu_ms('app'):5.2f} ms/req, "
                f"other work {run.cpu.get('others', math.nan):4.0%}",
                flush=True,
            )
    return runs


def closed_report(backend: str, runs: dict[str, list[Run]], targets: Targets) -> None:
    def ratio(name: str) -> float:
        pairs = zip(runs[name], runs["trivial"], strict=True)
        return median(r.rate / t.rate if t.rate else math.nan for r, t in pairs)

    def solo(name: str, q: float) -> float:
        return median(r.solo.percentile(q) for r in runs[name] if r.solo)

    print()
    print(
        f"== {backend}, closed loop: gunicorn {WORKERS} sync workers, {CLIENTS} clients, "
        f"median of {len(runs['trivial'])} rounds =="
    )
    rows = []
    for name in SCENARIOS:
        rs = runs[name]
        rows.append(
            [
                LABELS[name],
                median(r.rate for r in rs),
                f"{ratio(name):.2f}",
                median(r.percentile(0.50) for r in rs),
                median(r.percentile(0.95) for r in rs),
                *cpu_row(rs),
                solo(name, 0.5),
                sum(errors_of(rs).values()),
            ]
        )
    table(
        ["scenario", "req/s", "÷ trivial", "p50 ms", "p95 ms", "app CPU", "db CPU", "client",
         "others", "1 client p50", "errors"],
        rows,
    )  # fmt: skip
    print("(CPU in ms per request; p95 under a closed loop is queueing: 32 ÷ req/s)")
    for name in SCENARIOS:
        print_errors(runs[name])
    pairs = list(zip(runs["today1000"], runs["today10"], strict=True))
    history_cpu = median(big.server_ms() / small.server_ms() for big, small in pairs)
    history_p50 = median(big.percentile(0.5) / small.percentile(0.5) for big, small in pairs)
    print("targets:")
    for name in ("today10", "today1000", "sets"):
        r = ratio(name)
        targets.check(
            f"{backend}: {name} ≥ {MIN_RATIO:.0%} of trivial req/s", r >= MIN_RATIO, f"{r:.2f}"
        )
    # CPU per request is the cost itself and barely moved by other work on the machine.
    flat = (
        history_cpu <= MAX_HISTORY_COST
        if not math.isnan(history_cpu)
        else history_p50 <= MAX_HISTORY_COST
    )
    targets.check(
        f"{backend}: today's cost flat in history (≤ x {MAX_HISTORY_COST})",
        flat,
        f"server CPU x {history_cpu:.2f}, p50 x {history_p50:.2f}",
    )
    targets.errors += sum(sum(errors_of(runs[n]).values()) for n in SCENARIOS)


# -- open loop ----------------------------------------------------------------------------------


def capacity(makers: dict[str, list[RequestMaker]], server: Server, meters: Meters) -> float:
    """The trivial endpoint's req/s under the closed loop: the median of three short runs."""
    return median(drive(makers["trivial"], 1.0, 4.0, server, meters).rate for _ in range(3))


def open_loop(
    makers: dict[str, list[RequestMaker]],
    server: Server,
    meters: Meters,
    capacity_rps: float,
    seconds: float,
) -> dict[float, dict[str, Run]]:
    """Each scenario at each share of the capacity, on a fixed schedule."""
    runs: dict[float, dict[str, Run]] = {}
    for fraction in FRACTIONS:
        rate = fraction * capacity_rps
        runs[fraction] = {}
        for name in OPEN_SCENARIOS:
            drive_open(makers[name], rate, min(2.0, seconds), server, meters)  # warm-up
            run = drive_open(makers[name], rate, seconds, server, meters)
            runs[fraction][name] = run
            drained = wait_until_idle(server)
            print(
                f"  {fraction:.0%} = {rate:6.0f} req/s {name:<10} p50 {run.percentile(0.5):6.1f}"
                f"  p95 {run.percentile(0.95):6.1f}  p99 {run.percentile(0.99):6.1f}  max "
                f"{run.percentile(1.0):7.1f} ms  late {run.late * 1000:5.1f} ms  errors "
                f"{sum(run.errors.values())}  | app CPU {run.cpu_ms('app'):5.2f} ms/req"
                + (f"  (then {drained:.0f} s to drain)" if drained > 1 else ""),
                flush=True,
            )
    return runs


@dataclass
class OpenResult:
    backend: str
    capacity: float
    runs: dict[float, dict[str, Run]]


def open_report(results: list[OpenResult], targets: Targets) -> None:
    print()
    print(
        "== open loop: requests on a fixed schedule at shares of the trivial endpoint's "
        "capacity; latency in ms from when each was due =="
    )
    for r in results:
        print(f"   {r.backend}: capacity {r.capacity:.0f} req/s (trivial, closed loop)")
    headers = ["share, scenario"]
    for r in results:
        headers += [f"{r.backend} p50", "p95", "p99", "max", "CPU ms"]
    rows = []
    for fraction in FRACTIONS:
        for name in OPEN_SCENARIOS:
            row: list[Any] = [f"{fraction:.0%} {LABELS[name]}"]
            for r in results:
                run = r.runs[fraction][name]
                row += [run.percentile(q) for q in (0.5, 0.95, 0.99, 1.0)]
                row.append(f"{run.server_ms():.2f}")
            rows.append(row)
    table(headers, rows, first=40)
    print("(CPU ms: the app's and its database's CPU per request)")
    print("targets:")
    for r in results:
        half, most = r.runs[0.50], r.runs[0.75]
        trivial = half["trivial"].percentile(0.95)
        for name in ("today1000", "sets"):
            p95, p99 = half[name].percentile(0.95), half[name].percentile(0.99)
            targets.check(
                f"{r.backend}: {name} p95 ≤ {MAX_P95_VS_TRIVIAL:.0f} x trivial's at 50 %",
                p95 <= MAX_P95_VS_TRIVIAL * trivial,
                f"{p95:.1f} vs {trivial:.1f} ms (x {p95 / trivial:.2f})",
            )
            targets.check(
                f"{r.backend}: {name} p99 ≤ {MAX_P99_MS:.0f} ms at 50 %",
                p99 <= MAX_P99_MS,
                f"{p99:.1f} ms",
            )
        worst = max(run.percentile(1.0) for run in most.values())
        targets.check(
            f"{r.backend}: no request over {MAX_LATENCY_S:.0f} s at 75 %",
            worst <= MAX_LATENCY_S * 1000,
            f"slowest {worst:.0f} ms",
        )
        past_capacity(r)
        for by_name in r.runs.values():
            for run in by_name.values():
                targets.errors += sum(n for k, n in run.errors.items() if k != "timeout")
        print_errors([run for by_name in r.runs.values() for run in by_name.values()])


def past_capacity(r: OpenResult) -> None:
    """Say plainly where a target cannot be met as written. An endpoint that costs k
    times the trivial endpoint's CPU per request reaches its own capacity at 1/k of the
    trivial endpoint's: at a share above that, its queue grows for the whole run."""
    light = r.runs[FRACTIONS[0]]  # the least loaded runs: the steadiest CPU figures

    def whole_ms(run: Run) -> float:  # the server's and the load generator's CPU
        return run.server_ms() + run.cpu_ms("client")

    trivial = whole_ms(light["trivial"])
    for name in ("today1000", "sets"):
        cost = whole_ms(light[name]) / trivial
        past = [f for f in FRACTIONS[1:] if f * cost > 1]
        if past:
            shares = ", ".join(f"{f:.0%} is {f * cost:.0%}" for f in FRACTIONS[1:])
            print(
                f"          {r.backend}: {name} costs {cost:.1f} x the trivial endpoint's CPU "
                f"per request ({whole_ms(light[name]):.2f} against {trivial:.2f} ms):\n"
                f"          of its own capacity, {shares}; past it the queue grows for the "
                f"whole run, so the target{'s' if len(past) > 1 else ''} at "
                f"{' and '.join(f'{f:.0%}' for f in past)} cannot be met as written"
            )


# -- one backend ----------------------------------------------------------------------------------


def benchmark(
    backend: str, args: argparse.Namespace, workdir: Path, targets: Targets
) -> OpenResult | None:
    instance = workdir / backend
    instance.mkdir()
    secret = secrets.token_hex(32)
    with contextlib.ExitStack() as stack:
        pg_app = None
        if backend == "sqlite":
            url = f"sqlite:///{instance / 'coach.db'}"
        else:
            url, pg_app = stack.enter_context(postgres_schema(args.pg_url))
        t = time.monotonic()
        seeded = seed(url, instance, secret)
        print(
            f"  seeded in {time.monotonic() - t:.0f} s: "
            + ", ".join(f"{n} {table}" for table, n in sorted(seeded.rows.items()))
            + f"; {CLIENTS} people per group ({', '.join(GROUPS)})"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
        env.update(
            COACH_DATABASE_URL=url, COACH_INSTANCE_PATH=str(instance), COACH_SECRET_KEY=secret
        )
        server = stack.enter_context(gunicorn(args.app, env, instance / "gunicorn.log", WORKERS))
        meters = Meters(server.pid, args.pg_url if pg_app else None, pg_app)
        stack.callback(meters.close)
        print(f"  machine busy before the first run: {machine_load():.0%} (other work)")
        makers = request_makers(server.port, seeded)
        if args.mode in ("closed", "both"):
            closed_report(backend, closed_loop(makers, server, meters, args), targets)
        if args.mode in ("open", "both"):
            rps = capacity(makers, server, meters)
            print(f"  trivial endpoint's capacity: {rps:.0f} req/s")
            return OpenResult(
                backend, rps, open_loop(makers, server, meters, rps, args.open_seconds)
            )
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--mode", choices=("closed", "open", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="closed loop, per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="closed loop, unmeasured")
    parser.add_argument("--rounds", type=int, default=3, help="closed loop")
    parser.add_argument("--open-seconds", type=float, default=30.0, help="open loop, per rate")
    parser.add_argument(
        "--solo-seconds",
        type=float,
        default=1.0,
        help="after each closed run, this long with one client (no queueing); 0: skip",
    )
    parser.add_argument(
        "--pg-url",
        default=pg_base_url(),
        help="PostgreSQL server (a schema is created in it and dropped afterwards)",
    )
    parser.add_argument(
        "--app",
        default="coach:create_app()",
        help="gunicorn's app, e.g. to compare a variant on PYTHONPATH",
    )
    args = parser.parse_args(argv)
    if min(args.seconds, args.open_seconds) <= 0 or args.warmup < 0 or args.rounds < 1:
        parser.error("--seconds and --open-seconds must be > 0, --warmup ≥ 0, --rounds ≥ 1")
    if (
        args.solo_seconds < 0
        or (args.seconds + args.warmup + args.solo_seconds) * args.rounds > 900
    ):
        parser.error("--solo-seconds ≥ 0, and a scenario may run at most 900 s in all")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    workdir = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    targets = Targets()
    opened: list[OpenResult] = []
    try:
        for backend in backends:
            print(f"[{backend}]", flush=True)
            if result := benchmark(backend, args, workdir, targets):
                opened.append(result)
            print(flush=True)
    except KeyboardInterrupt:
        print("interrupted; cleaned up", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if opened:
        open_report(opened, targets)
    return targets.summary()


if __name__ == "__main__":
    sys.exit(main())
