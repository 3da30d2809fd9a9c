"""The table of ``reminder_scale.py``: each figure beside the one before this work and
its target, then every busy pass's own figures, then the targets met or missed."""

from __future__ import annotations

import argparse
import os
import statistics
from datetime import UTC, datetime
from typing import Any

from benchmarks.harness import Targets

# The figures before this work (issue 13 and the round before), printed beside each.
BASELINE = {
    "idle": "0.24 s / 11.8 s / 37 s",
    "ratio": "x150",
    "among": "238/s vs 155/s",
    "pair": "0.79x, 50 % / 50 %",
    "cpu": "1.45-1.70 ms",
    "rate": "155-289/s",
}


def report(args: argparse.Namespace, found: dict[str, Any]) -> int:
    idle, alone, among, pairs = found["idle"], found["alone"], found["among"], found["pairs"]
    smallest, largest = min(idle), max(idle)
    ratio = idle[largest] / idle[smallest]
    middle = sorted(pairs, key=lambda p: p["ratio"])[len(pairs) // 2]  # the median run
    ones = [p["one"] for p in pairs]
    busy = [alone, among, *ones, *(w for p in pairs for w in p["two"])]
    cpu = statistics.median(r["cpu_ms_per_message"] for r in busy)
    db_cpu = statistics.median(r["db_ms_per_message"] for r in busy)
    print(
        f"\nPostgreSQL; push service answers after {args.delay * 1000:.0f} ms; "
        f"{os.cpu_count()} cores; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    idle_text = " / ".join(f"{idle[n]:.1f}" for n in sorted(idle)) + " ms"
    pair_text = f"{middle['ratio']:.2f}x, " + " / ".join(f"{s:.0%}" for s in middle["shares"])
    rows = [
        ("scenario", "now", "before", "target"),
        (
            "idle pass, " + " / ".join(f"{n:,}" for n in sorted(idle)),
            idle_text,
            BASELINE["idle"],
            "<= 50 ms",
        ),
        (f"idle {largest:,} / {smallest:,}", f"{ratio:.2f}x", BASELINE["ratio"], "<= 3"),
        (
            f"{args.due:,} due among {largest:,} vs alone",
            f"{among['rate']:.0f}/s vs {alone['rate']:.0f}/s",
            BASELINE["among"],
            ">= 90 %",
        ),
        (
            f"two workers on {args.pair:,} (median of {len(pairs)})",
            pair_text,
            BASELINE["pair"],
            "<= 0.7x, 40-60 %",
        ),
        ("worker CPU per message (median)", f"{cpu:.3f} ms", BASELINE["cpu"], "<= 0.5 ms"),
        (
            "notifications/s (10,000 alone)",
            f"{alone['rate']:.0f}/s",
            BASELINE["rate"],
            ">= 1,500/s",
        ),
        ("  one core would send", f"{1000 / cpu:.0f}/s", "", ""),
        ("PostgreSQL CPU per message (median)", f"{db_cpu:.3f} ms", "", ""),
        ("  one PostgreSQL core would serve", f"{1000 / db_cpu:.0f}/s", "", ""),
    ]
    for row in rows:
        print(f"{row[0]:<44}{row[1]:>26}{row[2]:>26}{row[3]:>20}")
    print("each busy pass: rate, wall, worker CPU, PostgreSQL CPU per message")
    labelled = [("10,000 alone", alone), (f"{args.due:,} among {largest:,}", among)]
    for i, p in enumerate(pairs, 1):
        labelled += [(f"run {i}: one worker", p["one"])]
        labelled += [(f"run {i}: worker {k}", w) for k, w in enumerate(p["two"], 1)]
    for label, r in labelled:
        print(
            f"  {label:<26} {r['rate']:7.0f}/s {r['seconds']:7.2f} s "
            f"{r['cpu_ms_per_message']:.3f} / {r['db_ms_per_message']:.3f} ms"
        )
    for i, p in enumerate(pairs, 1):
        print(
            f"  run {i}: two workers {p['wall']:.2f} s = {p['ratio']:.2f}x one, "
            f"{p['requests']:,} requests"
        )
    targets = Targets()
    targets.check("idle <= 50 ms at every size", all(ms <= 50 for ms in idle.values()), idle_text)
    targets.check(f"idle {largest:,} / {smallest:,} <= 3", ratio <= 3, f"{ratio:.2f}x")
    targets.check(
        f"{args.due:,} due among {largest:,} >= 90 % of alone",
        among["rate"] >= 0.9 * alone["rate"],
        f"{among['rate'] / alone['rate']:.0%}",
    )
    targets.check(
        "two workers: each 40-60 %",
        all(0.4 <= s <= 0.6 for p in pairs for s in p["shares"]),
        pair_text,
    )
    targets.check(
        "two workers: none twice",
        all(
            p["requests"] == args.pair and sum(w["delivered"] for w in p["two"]) == args.pair
            for p in pairs
        ),
        ", ".join(f"{p['requests']:,}" for p in pairs) + " requests",
    )
    targets.check(
        "two workers: wall <= 0.7 x one (median)",
        middle["ratio"] <= 0.7,
        ", ".join(f"{p['ratio']:.2f}x" for p in pairs),
    )
    targets.check("CPU per message <= 0.5 ms", cpu <= 0.5, f"{cpu:.3f} ms")
    targets.check(">= 1,500 notifications/s", alone["rate"] >= 1500, f"{alone['rate']:.0f}/s")
    return targets.summary()
