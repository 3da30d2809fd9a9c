"""``flask exercises check`` and the app refusing an invalid catalogue."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach import create_app
from coach.catalogue.commands import exercises_cli
from coach.catalogue.loader import CatalogueError
from tests.catalogue.copies import copy_catalogue, edit_yaml

FLASK = Path(sys.executable).parent / "flask"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy with two problems in two files."""
    catalogue = copy_catalogue(tmp_path / "broken")
    edit_yaml(catalogue / "shrug.yaml", lambda d: d.pop("kind"))
    edit_yaml(catalogue / "lateral-raise.yaml", lambda d: d["cues"]["start"].update(en=""))
    return catalogue


def test_check_passes_a_valid_catalogue(tmp_path: Path) -> None:
    catalogue = copy_catalogue(tmp_path / "exercises")
    result = CliRunner().invoke(exercises_cli, ["check", "--path", str(catalogue)])
    assert result.exit_code == 0, result.output
    assert result.output == "22 exercises, 4 programs: OK\n"


def test_check_passes_the_real_catalogue_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fails while drawings in exercises/illustrations/ are missing or unsafe.
    monkeypatch.delenv("COACH_CATALOGUE_PATH", raising=False)
    result = CliRunner().invoke(exercises_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("programs: OK\n")


def test_check_prints_every_problem_and_fails(broken: Path) -> None:
    result = CliRunner().invoke(exercises_cli, ["check", "--path", str(broken)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "lateral-raise.yaml: cues.start.en: missing translation",
        "shrug.yaml: kind: Missing data for required field.",
        f"2 problems in {broken}",
    ]


def test_check_reads_the_catalogue_path_from_the_environment(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CATALOGUE_PATH", str(broken))
    result = CliRunner().invoke(exercises_cli, ["check"])
    assert result.exit_code == 1
    assert "shrug.yaml: kind:" in result.output


def test_flask_runs_the_check_without_starting_the_app(broken: Path, tmp_path: Path) -> None:
    # The app would refuse to start with this catalogue: COACH_CATALOGUE_PATH points
    # at the broken copy too, so loading the app would fail with a traceback.
    env = {
        **os.environ,
        "COACH_CATALOGUE_PATH": str(broken),
        "COACH_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [str(FLASK), "--app", "coach", "exercises", "check", "--path", str(broken)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "shrug.yaml: kind: Missing data for required field." in result.stdout
    assert "Traceback" not in result.stderr and "CatalogueError" not in result.stderr
    assert not (tmp_path / "instance").exists()  # create_app never ran


def test_the_app_refuses_to_start_with_an_invalid_catalogue(broken: Path, tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as raised:
        create_app(
            {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://", "CATALOGUE_PATH": broken}
        )
    message = str(raised.value)
    assert "has 2 problems" in message
    assert "shrug.yaml: kind: Missing data for required field." in message
    assert "lateral-raise.yaml: cues.start.en: missing translation" in message
