"""The phone app's first load and its Lighthouse scores on today's screen.

    .venv/bin/python benchmarks/pwa_shell.py

Prints the gzipped bytes of the app shell (index.html, the style sheet and every ES
module and language file — an upper bound of a first load; icons and drawings
excluded; target <= 60 KB) and Lighthouse 12's mobile scores for performance,
accessibility and best practices (targets >= 95) on today's screen of a demo member.

Lighthouse comes from the npm registry into a cache folder outside the repository
(``COACH_NPM_CACHE``, default ~/.cache/coach-tests/npm) and drives the system
Chromium (``CHROME_PATH``, default /usr/bin/chromium). The app runs in this process on
a loopback port, on a throw-away SQLite database with the demo loaded.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach import create_app  # noqa: E402
from coach.accounts.auth import COOKIE  # noqa: E402
from coach.accounts.models import Person  # noqa: E402
from coach.extensions import db  # noqa: E402
from coach.web import assets  # noqa: E402
from tests.factories import make_device_session  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Targets  # noqa: E402

NPM_CACHE = Path(os.environ.get("COACH_NPM_CACHE", Path.home() / ".cache" / "coach-tests" / "npm"))
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"'
)
BUDGET_BYTES = 60 * 1024
TARGET_SCORE = 95


def shell_bytes() -> tuple[int, int]:
    """(gzipped, raw) bytes of the HTML, CSS and JavaScript of the shell."""
    bundle = assets.load()
    parts = [bundle.shell] + [
        asset for name, asset in bundle.files.items() if name.endswith((".js", ".css"))
    ]
    zipped = sum(len(a.gzipped or gzip.compress(a.body)) for a in parts)
    return zipped, sum(len(a.body) for a in parts)


def lighthouse() -> Path:
    cli = NPM_CACHE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm") or sys.exit("npm is needed to install lighthouse")
        subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "--prefix",
                str(NPM_CACHE),
                "lighthouse@12",
            ],
            check=True,
        )
    return cli


def demo_member_cookie(app: object) -> str:
    """A device session for a demo member with ten weeks of history."""
    with app.app_context():  # type: ignore[attr-defined]
        person = db.session.scalar(sa.select(Person).where(Person.display_name == "Jonas"))
        token, _csrf = make_device_session(person)
    return f"{COOKIE}={token}"


class Counted:
    """The WSGI app, counting the requests it serves (for CPU per request)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.requests += 1
        return self.app(environ, start_response)


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    targets = Targets()
    zipped, raw = shell_bytes()
    print(f"app shell first load: {zipped / 1024:.1f} KB gzipped ({raw / 1024:.1f} KB raw)")
    targets.check(
        f"shell ≤ {BUDGET_BYTES / 1024:.0f} KB gzipped",
        zipped <= BUDGET_BYTES,
        f"{zipped / 1024:.1f} KB",
    )

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.db"})
        with app.app_context():
            upgrade()
        runner = app.test_cli_runner()
        loaded = runner.invoke(args=["demo", "load"])
        if loaded.exit_code != 0:
            sys.exit(loaded.output)
        cookie = demo_member_cookie(app)
        counted = Counted(app)
        server = make_server("127.0.0.1", 0, counted, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/today"
        report = Path(tmp) / "report.json"
        env = {**os.environ, "CHROME_PATH": CHROME}
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        subprocess.run(
            [
                "node",
                str(lighthouse()),
                url,
                "--quiet",
                "--only-categories=performance,accessibility,best-practices",
                f"--chrome-flags={CHROME_FLAGS}",
                f"--extra-headers={json.dumps({'Cookie': cookie})}",
                "--output=json",
                f"--output-path={report}",
            ],
            check=True,
            env=env,
            timeout=300,
        )
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
        server.shutdown()
        result = json.loads(report.read_text())
    served = max(1, counted.requests)
    print(
        f"while Lighthouse ran ({wall:.0f} s): {counted.requests} requests served, "
        f"{cpu * 1000 / served:.1f} ms of the server's CPU per request (this process)"
    )
    print(f"Lighthouse {result['lighthouseVersion']} (mobile) on /today:")
    for key, category in result["categories"].items():
        score = round(category["score"] * 100)
        targets.check(f"Lighthouse {key} ≥ {TARGET_SCORE}", score >= TARGET_SCORE, str(score))
        if score < 100:
            for ref in category["auditRefs"]:
                audit = result["audits"][ref["id"]]
                if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                    print(
                        f"      - {audit['id']}: {audit['score']}  {audit.get('displayValue', '')}"
                    )
    return targets.summary()


if __name__ == "__main__":
    sys.exit(main())
