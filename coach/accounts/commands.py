"""``flask --app coach admin create``: a workplace and its first admin."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from coach.accounts import service
from coach.accounts.schemas import PASSWORD, LoginSchema
from coach.domain.calendar import LANGUAGES, is_time_zone
from coach.extensions import db
from coach.teams.service import new_workplace

admin_cli = AppGroup("admin", help="Workplaces and their administrators.")


def read_password() -> str:
    """From standard input when it is not a terminal (scripts), else prompted twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@admin_cli.command("create")
@click.option("--workplace", "workplace_name", required=True, help="The workplace's name.")
@click.option("--email", required=True, help="The admin's email, used to sign in.")
@click.option("--name", "display_name", default="Admin", show_default=True)
@click.option("--time-zone", default="Europe/Copenhagen", show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="da", show_default=True)
def create(
    workplace_name: str, email: str, display_name: str, time_zone: str, language: str
) -> None:
    """Create a workplace and its admin. The password is never an argument."""
    if not is_time_zone(time_zone):
        raise click.BadParameter(
            f"{time_zone!r} is not an IANA time zone", param_hint="--time-zone"
        )
    if not workplace_name.strip():
        raise click.BadParameter("must not be blank", param_hint="--workplace")
    password = read_password()
    try:
        LoginSchema().load({"email": email, "password": password})
        PASSWORD(password)
    except ValidationError as exc:
        raise click.ClickException(f"Not accepted: {exc.messages}") from None
    workplace = new_workplace(workplace_name, time_zone, language)
    db.session.flush()
    try:
        service.create_admin(workplace.id, email, password, display_name)
    except HTTPException as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.description)) from None
    db.session.commit()
    click.echo(f"Created workplace {workplace.name!r} (id {workplace.id}) and admin {email}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(admin_cli)
