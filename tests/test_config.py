from __future__ import annotations

from pathlib import Path

import pytest

from coach import create_app


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path: Path) -> None:
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.secret_key == second.secret_key == key_file.read_text()
    assert len(first.secret_key) >= 64


def test_settings_come_from_coach_environment_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("COACH_SESSION_DAYS", "30")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.secret_key == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["SESSION_DAYS"] == 30
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_a_sqlite_file_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'coach.db'}"
