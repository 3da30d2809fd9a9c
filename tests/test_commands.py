from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Invite, Person
from coach.extensions import db
from coach.teams.models import Team, Workplace


def _count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)))


def test_admin_create_reads_the_password_from_stdin_and_it_signs_in(
    app: Flask, runner: Any
) -> None:
    result = runner.invoke(
        args=["admin", "create", "--workplace", "Aarhus Tech", "--email", "Boss@Aarhus.example"],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output
    workplace = db.session.scalar(sa.select(Workplace).where(Workplace.name == "Aarhus Tech"))
    assert workplace is not None and workplace.time_zone == "Europe/Copenhagen"
    assert [lvl.key for lvl in workplace.band_set.levels][:3] == ["tan", "yellow", "red"]

    response = app.test_client().post(
        "/api/auth/login", json={"email": "boss@aarhus.example", "password": "a long enough secret"}
    )
    assert response.status_code == 200
    assert response.json["person"]["role"] == "admin"


def test_admin_create_refuses_bad_input_and_stores_nothing(app: Flask, runner: Any) -> None:
    base = ["admin", "create", "--workplace", "W", "--email"]
    cases = [
        ([*base, "x@w.example"], "short\n"),  # password under 10 characters
        ([*base, "not-an-email"], "a long enough secret\n"),
        ([*base, "x@w.example", "--time-zone", "Mars/Base"], "a long enough secret\n"),
    ]
    for args, password in cases:
        result = runner.invoke(args=args, input=password)
        assert result.exit_code != 0, args
    assert _count(Workplace) == 0 and _count(Person) == 0

    ok = runner.invoke(args=[*base, "x@w.example"], input="a long enough secret\n")
    assert ok.exit_code == 0
    again = runner.invoke(
        args=["admin", "create", "--workplace", "W2", "--email", "X@w.example"],
        input="a long enough secret\n",
    )
    assert again.exit_code != 0 and "already in use" in again.output
    assert _count(Workplace) == 1 and _count(Person) == 1


def test_demo_load_is_idempotent_and_prints_working_credentials(app: Flask, runner: Any) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = (_count(Workplace), _count(Team), _count(Person), _count(Invite))
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert (_count(Workplace), _count(Team), _count(Person), _count(Invite)) == counts
    assert counts[1] >= 2 and counts[2] >= 10

    password = re.search(r"password: (\S+)", second.output).group(1)  # type: ignore[union-attr]
    assert password == re.search(r"password: (\S+)", first.output).group(1)  # type: ignore[union-attr]
    token = re.search(r"/join/(\S+)", second.output).group(1)  # type: ignore[union-attr]
    client = app.test_client()
    assert client.get(f"/api/invites/{token}").status_code == 200
    login = client.post(
        "/api/auth/login", json={"email": "admin@solbakken.example", "password": password}
    )
    assert login.status_code == 200
