"""``flask --app coach reminders run`` (the Procfile's worker) and ``send-due`` (cron)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from coach.extensions import db
from coach.reminders import schedule
from coach.reminders.worker import send_due, worker_name

reminders_cli = AppGroup("reminders", help="Daily push reminders.")
log = logging.getLogger(__name__)


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("not an ISO 8601 timestamp", param_hint="--at") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. 2027-03-29T09:25:00Z", param_hint="--at")
    return moment.astimezone(UTC)


@reminders_cli.command("send-due")
@click.option("--at", "at", help="Act as if it were this moment (ISO 8601 with offset).")
def send_due_command(at: str | None) -> None:
    """One pass: send what is due now (for cron, every minute)."""
    summary = send_due(_moment(at))
    click.echo(summary.line())


@reminders_cli.command("refresh")
def refresh_command() -> None:
    """Recompute everyone's next reminder (after the holiday calendar was upgraded)."""
    click.echo(f"{schedule.refresh_everyone()} people's next reminders recomputed")


@reminders_cli.command("run")
@click.option("--passes", type=int, default=0, help="Stop after this many passes (0: never).")
def run_command(passes: int) -> None:
    """Wake every REMINDER_INTERVAL_SECONDS and send what is due, until stopped."""
    interval = float(current_app.config["REMINDER_INTERVAL_SECONDS"])
    name = worker_name()
    done = 0
    while True:
        started = time.monotonic()
        try:
            summary = send_due(worker=name)
            if summary.claimed:
                click.echo(summary.line())
        except Exception:  # a database blip must not end the worker
            log.exception("reminder pass failed")
            db.session.rollback()
        done += 1
        if passes and done >= passes:
            return
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def init_app(app: Flask) -> None:
    app.cli.add_command(reminders_cli)
