from __future__ import annotations

import itertools
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask

from coach.accounts.models import Invite, Person
from coach.coaching.models import CardioSession, CheckIn, WorkoutSet
from coach.database import utcnow
from coach.domain.adherence import week_start
from coach.extensions import db
from coach.teams.models import Team, Workplace
from tests.factories import signed_in_client


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
    models = (Workplace, Team, Person, Invite, WorkoutSet, CardioSession, CheckIn)
    counts = tuple(_count(model) for model in models)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert tuple(_count(model) for model in models) == counts
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
    # A demo lead and a demo member sign in as printed, the same on every load.
    for label, role in (("Demo lead", "lead"), ("Demo member", "member")):
        found = re.search(rf"{label}:\s+(\S+)\s+password: (\S+)", second.output)
        assert found is not None, second.output
        assert found.group(0) in first.output
        email, secret = found.groups()
        answer = app.test_client().post(
            "/api/auth/login", json={"email": email, "password": secret}
        )
        assert answer.status_code == 200, answer.json
        assert answer.json["person"]["role"] == role


# -- the demo's ten weeks of history ---------------------------------------------------


def _logs_by_name() -> dict[str, list[WorkoutSet]]:
    rows = db.session.execute(
        sa.select(Person.display_name, WorkoutSet)
        .join(WorkoutSet, WorkoutSet.person_id == Person.id)
        .order_by(WorkoutSet.performed_at, WorkoutSet.id)
    ).all()
    logs: dict[str, list[WorkoutSet]] = {}
    for name, row in rows:
        logs.setdefault(name, []).append(row)
    return logs


def _fingerprint() -> list[tuple[Any, ...]]:
    rows = [
        (name, s.exercise, s.local_date, s.reps, s.hold_seconds, s.band_level, s.load_kg, s.pain)
        for name, logs in _logs_by_name().items()
        for s in logs
    ]
    return sorted(rows, key=repr)


def test_demo_has_ten_weeks_of_history_ending_today(app: Flask, runner: Any) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    today = utcnow().astimezone(ZoneInfo("Europe/Copenhagen")).date()
    logs = _logs_by_name()
    members = set(
        db.session.scalars(sa.select(Person.display_name).where(Person.team_id.is_not(None)))
    )
    assert set(logs) == members  # every member trained; the admin (no team) did not
    days = {s.local_date for rows in logs.values() for s in rows}
    assert min(days) == week_start(today) - timedelta(weeks=9)
    assert today - timedelta(days=3) <= max(days) <= today
    # people joined when their history began, so the API takes every log as theirs
    joined = set(
        db.session.scalars(sa.select(Person.created_at).where(Person.team_id.is_not(None)))
    )
    assert len(joined) == 1 and joined.pop() <= min(
        s.performed_at for r in logs.values() for s in r
    )
    assert all(s.performed_at <= utcnow() for rows in logs.values() for s in rows)
    cardio = db.session.scalars(sa.select(CardioSession.person_id).distinct()).all()
    assert len(cardio) >= 2

    # Mette goes from the red band to the green after two sessions of 20+ reps
    raises = [
        (s.local_date, s.band_level, s.reps) for s in logs["Mette"] if s.exercise == "lateral-raise"
    ]
    first_green = next(i for i, (_, band, _) in enumerate(raises) if band == "green")
    assert raises[0][1] == "red"
    assert [band for _, band, _ in raises[first_green - 2 : first_green]] == ["red", "red"]
    assert all(reps >= 20 for _, _, reps in raises[first_green - 2 : first_green])

    # Jonas reports pain 7 in a set, and his next session of it is a band lighter
    bands = [level.key for level in db.session.scalar(sa.select(Workplace)).band_set.levels]  # type: ignore[union-attr]
    [spike] = [s for s in logs["Jonas"] if s.pain is not None and s.pain > 5]
    assert spike.pain == 7
    after = next(
        s for s in logs["Jonas"] if s.exercise == spike.exercise and s.local_date > spike.local_date
    )
    assert bands.index(after.band_level) == bands.index(spike.band_level) - 1  # type: ignore[arg-type]

    # Aisha stays away five weeks and comes back a band lighter
    aisha = sorted({s.local_date for s in logs["Aisha"]})
    gaps = [(b - a).days for a, b in itertools.pairwise(aisha)]
    assert max(gaps) >= 35
    assert sum(gap > 14 for gap in gaps) == 1

    # weekly check-ins, pain easing over the weeks
    check_ins = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.day)).all()
    assert len(check_ins) >= 60

    def total(c: CheckIn) -> int:
        return sum(p or 0 for p in (c.pain_neck, c.pain_shoulder, c.pain_arm, c.pain_lower_back))

    first_week = [total(c) for c in check_ins if c.day < min(days) + timedelta(weeks=1)]
    last_weeks = [total(c) for c in check_ins if c.day >= week_start(today) - timedelta(weeks=1)]
    assert sum(first_week) / len(first_week) > sum(last_weeks) / len(last_weeks) + 3

    # progress for a demo member, through the API
    mette = db.session.scalar(sa.select(Person).where(Person.display_name == "Mette"))
    assert mette is not None
    progress = signed_in_client(app, mette).get("/api/me/progress")
    assert progress.status_code == 200
    assert progress.json["streak_weeks"] >= 1
    assert sum(w["sessions"] for w in progress.json["sessions_per_week"]["weeks"]) == len(
        {s.local_date for s in logs["Mette"]}
    )


def test_demo_history_is_the_same_on_every_first_load(
    app: Flask, runner: Any, instance_path: Path
) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = _fingerprint()
    db.session.delete(db.session.scalar(sa.select(Workplace)))
    db.session.commit()
    assert _count(WorkoutSet) == 0
    (instance_path / "demo.json").unlink()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _fingerprint() == first
