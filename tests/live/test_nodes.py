"""Two real web nodes (gunicorn, the Procfile's worker class) on one database: a change
posted to one reaches an event stream opened on the other within a second, through
Redis pub/sub and, without Redis, through the database: PostgreSQL's LISTEN/NOTIFY, or
on SQLite (two processes of one host sharing the file) the version check."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from coach.accounts.auth import COOKIE, CSRF_HEADER
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.participation import workplace_today
from tests.conftest import IN_CI
from tests.factories import make_device_session, make_person, make_team

REDIS_URL = os.environ.get("COACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class Node:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                "1",
                "--threads",
                "8",
                # Open streams need not be waited for when the test is over.
                "--graceful-timeout",
                "1",
                "coach:create_app()",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/health", timeout=3).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                pass
            assert self.process.poll() is None, "gunicorn exited"
            time.sleep(0.1)
        raise AssertionError("gunicorn did not answer")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(params=["redis", "database"])
def nodes(
    request: pytest.FixtureRequest, database_url: str, instance_path: Path, tmp_path: Path
) -> Iterator[tuple[Node, Node]]:
    if request.param == "redis" and not _redis_reachable():
        message = f"Redis at {REDIS_URL} is not reachable"
        if IN_CI:
            pytest.fail(f"{message}; under CI=true the Redis run must not be skipped")
        pytest.skip(message)
    env = {
        **os.environ,
        "COACH_DATABASE_URL": database_url,
        "COACH_SECRET_KEY": "test-secret",
        "COACH_INSTANCE_PATH": str(instance_path),
        "COACH_LIVE_HEARTBEAT_SECONDS": "1",
    }
    env.pop("COACH_REDIS_URL", None)
    if request.param == "redis":
        env["COACH_REDIS_URL"] = REDIS_URL
    pair = (Node(env, tmp_path / "a.log"), Node(env, tmp_path / "b.log"))
    try:
        for node in pair:
            node.wait_ready()
        yield pair
    finally:
        for node in pair:
            node.stop()


def _next_state(lines: Iterator[str]) -> dict[str, Any]:
    for line in lines:
        if line.startswith("data: "):
            return json.loads(line[len("data: ") :])  # type: ignore[no-any-return]
    raise AssertionError("the stream ended")


def test_a_change_on_one_node_reaches_a_stream_on_the_other_within_a_second(
    app: Flask, nodes: tuple[Node, Node]
) -> None:
    a, b = nodes
    team = make_team(name="Packing", program="office-daily-5")
    team.program_started_on = workplace_today(team.workplace)
    db.session.commit()
    lead = make_person(Role.LEAD, team=team)
    token, csrf = make_device_session(lead)
    member_token, _ = make_device_session(make_person(Role.MEMBER, team=team))
    host = requests.Session()
    host.cookies.set(COOKIE, token)
    host.headers[CSRF_HEADER] = csrf
    follower = requests.Session()
    follower.cookies.set(COOKIE, member_token)

    doc = host.post(f"{a.url}/api/teams/{team.id}/sessions", timeout=5).json()
    with follower.get(f"{b.url}/api/sessions/{doc['id']}/events", stream=True, timeout=5) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.iter_lines(decode_unicode=True)
        assert _next_state(lines)["version"] == doc["version"]

        version = doc["version"]
        for action in ("start", "next"):
            sent = time.monotonic()
            answer = host.post(
                f"{a.url}/api/sessions/{doc['id']}/control",
                json={"action": action, "version": version},
                timeout=5,
            ).json()
            state = _next_state(lines)
            assert time.monotonic() - sent < 1.0
            assert state["version"] == answer["version"] and state["step"] == answer["step"]
            version = answer["version"]
