"""``flask exercises check``: validate the catalogue without starting the app.

The group is a Flask plugin command (entry point ``flask.commands`` in
pyproject.toml): Flask finds plugin commands without loading the app, so the check
runs even when the catalogue is so broken that ``create_app`` refuses to start.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from coach.catalogue.loader import check as check_catalogue
from coach.config import DEFAULTS


def default_path() -> Path:
    """``$COACH_CATALOGUE_PATH``, else the ``exercises/`` folder of the repository."""
    return Path(os.environ.get("COACH_CATALOGUE_PATH") or DEFAULTS["CATALOGUE_PATH"])


@click.group("exercises", help="The exercise catalogue.")
def exercises_cli() -> None:
    """The exercise catalogue."""


@exercises_cli.command("check")
@click.option(
    "--path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Catalogue folder [default: $COACH_CATALOGUE_PATH, else exercises/].",
)
def check(path: Path | None) -> None:
    """Check every exercise, program, muscle and drawing; exit 1 on any problem."""
    folder = path or default_path()
    loaded, problems = check_catalogue(folder)
    for problem in problems:
        click.echo(str(problem))
    if problems or loaded is None:
        count = len(problems)
        click.echo(f"{count} problem{'s' * (count != 1)} in {folder}")
        raise SystemExit(1)
    catalogue = loaded.catalogue
    click.echo(f"{len(catalogue.exercises)} exercises, {len(catalogue.programs)} programs: OK")
