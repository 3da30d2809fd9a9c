from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient


def test_health_reports_database_ok(client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    for url in (
        "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        f"sqlite:///{tmp_path / 'missing-dir' / 'coach.db'}",
    ):
        app = make_app(DATABASE_URL=url)
        response = app.test_client().get("/api/health")
        assert response.status_code == 503, url
        assert response.json == {"status": "unavailable", "database": "unreachable"}
