"""``flask --app coach demo load``: a demo workplace, loaded once and kept.

The admin's password and an invite token are generated on first load and kept in
``instance/demo.json`` (never in the repository), so every ``make run`` can print how to
sign in. Running it again changes nothing but replacing an invite that expired.

The first load also logs ten weeks of training for the members, ending today
(:mod:`coach.demo.history`), so history, progress and team totals have something to show.
"""

from __future__ import annotations

import json
import secrets
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from coach.accounts import service as accounts
from coach.accounts.auth import hash_token, new_token
from coach.accounts.models import Invite, Person
from coach.database import utcnow
from coach.demo.history import add_demo_history
from coach.domain.roles import Role
from coach.extensions import db
from coach.teams.models import Team, Workplace
from coach.teams.service import new_workplace

demo_cli = AppGroup("demo", help="Demo data.")

WORKPLACE = "Solbakken Kommune (demo)"
ADMIN_EMAIL = "admin@solbakken.example"
# A demo lead and a demo member who can sign in too, so each role's screens can be
# tried: (name, e-mail, key of their password in instance/demo.json).
SIGN_INS = (
    ("Mette", "mette@solbakken.example", "lead_password"),
    ("Jonas", "jonas@solbakken.example", "member_password"),
)
DEFAULT_URL = "http://127.0.0.1:8000"

# (team, program, reminder, members: (name, role, shares participation))
TEAMS: list[tuple[str, str, time, list[tuple[str, Role, bool]]]] = [
    (
        "Lønkontoret",
        "office-daily-5",
        time(11, 25),
        [
            ("Mette", Role.LEAD, True),
            ("Jonas", Role.MEMBER, True),
            ("Aisha", Role.MEMBER, False),
            ("Birgitte", Role.MEMBER, True),
            ("Kasper", Role.MEMBER, False),
            ("Sofie", Role.MEMBER, True),
        ],
    ),
    (
        "Værkstedet",
        "physical-work-2x30",
        time(13, 0),
        [
            ("Henrik", Role.LEAD, True),
            ("Mads", Role.MEMBER, True),
            ("Lars", Role.MEMBER, False),
            ("Peter", Role.MEMBER, True),
            ("Ole", Role.MEMBER, True),
        ],
    ),
]


# Cardio days beside a team's strength routine: the workshop walks together on Fridays.
TEAM_CARDIO = {
    "Værkstedet": {"weekdays": ["fri"], "activity": "walking", "minutes": 20, "effort": 4},
}


def _state_path() -> Path:
    return Path(current_app.instance_path) / "demo.json"


def load_demo() -> dict[str, Any]:
    """Create the demo workplace if missing; return what to print."""
    path = _state_path()
    state: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    workplace = db.session.scalar(sa.select(Workplace).where(Workplace.name == WORKPLACE))
    if workplace is None:
        state = {"admin_password": secrets.token_urlsafe(12)}
        workplace = new_workplace(WORKPLACE)
        db.session.flush()
        accounts.create_admin(workplace.id, ADMIN_EMAIL, state["admin_password"], "Camilla (admin)")
        teams = []
        for name, program, reminder, members in TEAMS:
            team = Team(
                workplace=workplace,
                name=name,
                program=program,
                reminder_time=reminder,
                cardio_plan=TEAM_CARDIO.get(name),
            )
            teams.append(team)
            for display_name, role, shares in members:
                db.session.add(
                    Person(
                        workplace=workplace,
                        team=team,
                        display_name=display_name,
                        role=role.value,
                        share_participation=shares,
                    )
                )
        db.session.flush()
        today = utcnow().astimezone(ZoneInfo(workplace.time_zone)).date()
        add_demo_history(workplace, teams, today)
    _give_demo_sign_ins(workplace, state)
    team = db.session.scalar(
        sa.select(Team).where(Team.workplace_id == workplace.id).order_by(Team.id)
    )
    invite = None
    if state.get("invite_token"):
        invite = db.session.scalar(
            sa.select(Invite).where(Invite.token_hash == hash_token(state["invite_token"]))
        )
    if invite is None or invite.expires_at <= utcnow() or invite.uses >= invite.max_uses:
        token, token_hash = new_token()
        db.session.add(
            Invite(
                workplace_id=workplace.id,
                team=team,
                role=Role.MEMBER.value,
                token_hash=token_hash,
                expires_at=utcnow() + timedelta(days=30),
                max_uses=100,
            )
        )
        state["invite_token"] = token
    db.session.commit()
    path.write_text(json.dumps(state))
    path.chmod(0o600)
    base = current_app.config.get("PUBLIC_URL") or DEFAULT_URL
    lost = "(set before instance/demo.json was lost)"
    return {
        "url": base,
        "email": ADMIN_EMAIL,
        "password": state.get("admin_password", lost),
        "lead": (SIGN_INS[0][1], state.get(SIGN_INS[0][2], lost)),
        "member": (SIGN_INS[1][1], state.get(SIGN_INS[1][2], lost)),
        "invite": f"{base.rstrip('/')}/join/{state['invite_token']}",
    }


def _give_demo_sign_ins(workplace: Workplace, state: dict[str, Any]) -> None:
    """E-mail and password for the demo lead and member, once (also for a demo
    workplace loaded before they had any); the passwords are kept in ``state``."""
    for name, email, key in SIGN_INS:
        person = db.session.scalar(
            sa.select(Person).where(
                Person.workplace_id == workplace.id, Person.display_name == name
            )
        )
        if person is None or person.password_hash:
            continue
        state[key] = secrets.token_urlsafe(12)
        accounts.set_credentials(person, email, state[key], None)


@demo_cli.command("load")
def load() -> None:
    """Load the demo workplace (once) and print how to sign in."""
    shown = load_demo()
    click.echo(
        f"""
Coach demo workplace: {WORKPLACE}
  App:             {shown["url"]}
  Admin sign-in:   {shown["email"]}  password: {shown["password"]}
                   curl -c jar -H 'Content-Type: application/json' \\
                     -d '{{"email": "{shown["email"]}", "password": "{shown["password"]}"}}' \\
                     {shown["url"]}/api/auth/login
  Demo lead:       {shown["lead"][0]}  password: {shown["lead"][1]}
  Demo member:     {shown["member"][0]}  password: {shown["member"][1]}
  Employee invite: {shown["invite"]}
  (Sign in with an e-mail and password on the app's first screen.)
"""
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
