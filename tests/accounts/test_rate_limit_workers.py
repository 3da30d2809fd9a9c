"""Rate limits hold across the workers of a real gunicorn: counters in the database
(the default) or in Redis, never in one worker's memory.

Each store gets one gunicorn with two sync workers for the module. Wrong passwords
are sent in concurrent pairs, so that both workers answer (each is busy hashing while
the other takes the next request); the access log names the worker of every answer.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask
from werkzeug.security import generate_password_hash

from coach.accounts.models import Person
from coach.domain.roles import Role
from coach.extensions import db
from tests.accounts.test_throttle import REDIS_URL, redis_reachable
from tests.factories import make_invite, make_person, make_team

WRONG = "not the password at all"
PASSWORD = "the right one, finally"


@dataclass
class Gunicorn:
    url: str
    log: Path

    def workers_seen(self) -> set[str]:
        """The pids of the workers that have answered so far (from the access log)."""
        return {line.split()[0] for line in self.log.read_text().splitlines() if line.strip()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=["database", "redis"])
def gunicorn(
    request: pytest.FixtureRequest,
    migrated_app: Flask,
    database_url: str,
    instance_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gunicorn]:
    env = {
        **os.environ,
        "COACH_DATABASE_URL": database_url,
        "COACH_INSTANCE_PATH": str(instance_path),
        "COACH_SECRET_KEY": "test-secret",
        "COACH_PUBLIC_URL": "https://coach.test",
    }
    if request.param == "redis":
        redis_reachable()
        env["COACH_REDIS_URL"] = REDIS_URL
        # Runs of this suite in parallel share the Redis server: keep to our own keys.
        env["COACH_RATELIMIT_STORAGE_OPTIONS"] = f'{{"key_prefix": "t{secrets.token_hex(4)}"}}'
    folder = tmp_path_factory.mktemp("gunicorn")
    log, errors = folder / "access.log", folder / "errors.log"
    log.touch()
    port = free_port()
    err_file = errors.open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync"),
            *("--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s"),
            "coach:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=err_file,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or workers booting
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {errors.read_text()}")
            time.sleep(0.2)
        yield Gunicorn(url, log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        err_file.close()


def login(url: str, email: str, password: str) -> int:
    body = {"email": email, "password": password}
    return requests.post(f"{url}/api/auth/login", json=body, timeout=30).status_code


def test_the_11th_wrong_password_is_429_whichever_worker_answers(
    app: Flask, gunicorn: Gunicorn
) -> None:
    person = make_person(Role.MEMBER, with_password=True, email=f"{secrets.token_hex(4)}@ex.org")
    person.password_hash = generate_password_hash(PASSWORD)  # full strength: takes time
    db.session.commit()
    email = person.email or ""
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(5):  # ten wrong passwords, two at a time
            pair = list(pool.map(lambda _: login(gunicorn.url, email, WRONG), range(2)))
            assert pair == [401, 401]
        assert len(gunicorn.workers_seen()) == 2, "both workers should have answered"
        assert login(gunicorn.url, email, WRONG) == 429
        # Both workers refuse, even the right password, until the window has passed.
        # A 429 is quick, so one worker can take a whole round: ask in rounds of six
        # until both have answered (the window is far longer than these rounds).
        before = gunicorn.log.read_text()
        refused: list[int] = []
        answered: set[str] = set()
        while len(answered) < 2 and len(refused) < 60:
            refused += pool.map(lambda _: login(gunicorn.url, email, PASSWORD), range(6))
            lines = gunicorn.log.read_text()[len(before) :].splitlines()
            answered = {line.split()[0] for line in lines if line.strip()}
    assert refused == [429] * len(refused)
    assert len(answered) == 2, "both workers should have refused"


def test_a_whole_office_joins_from_one_address(app: Flask, gunicorn: Gunicorn) -> None:
    invite, token = make_invite(make_team(), max_uses=250)
    accept = f"{gunicorn.url}/api/invites/{token}/accept"
    with requests.Session() as session, ThreadPoolExecutor(max_workers=4) as pool:

        def join(i: int) -> int:
            body = {"display_name": f"Colleague {i}"}
            return session.post(accept, json=body, timeout=30).status_code

        statuses = list(pool.map(join, range(200)))
    assert statuses == [201] * 200
    db.session.expire_all()
    assert db.session.query(Person).filter_by(team_id=invite.team_id).count() == 200
    assert len(gunicorn.workers_seen()) == 2
