"""Copies of the real exercise catalogue for tests to use, or to break one way each."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from coach.catalogue.loader import Problem, check
from coach.config import DEFAULTS

REAL_CATALOGUE = Path(DEFAULTS["CATALOGUE_PATH"])


def copy_catalogue(target: Path) -> Path:
    """The real catalogue copied to ``target``, for a test to break one way."""
    shutil.copytree(REAL_CATALOGUE, target)
    return target


def edit_yaml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Load a catalogue file, let ``change`` edit it in place, and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_in(path: Path) -> list[Problem]:
    return check(path)[1]
