"""Today's prescriptions, kept per person for their local day.

The rules read nothing of the day itself: ``prescribe`` ignores sets on or after
``today`` (coach/domain/progression/composer.py), so logging, correcting or undoing a
set of today leaves the day's prescriptions as they are. They change only when what the
rules read changes: a set of an earlier day (the phone's outbox sends late; a recent set
corrected or undone), a check-in, an override, a swap, the team's chosen exercises, the
person's team, a band level; or the program, its week, the band set, the local day, the
catalogue or the code. So they are computed once per person and day and kept in
``today_cache`` (one row per person), valid while both hold:

- the row's ``key`` and ``day`` are the ones asked for now: the program, the week and
  the band set come with the caller on every request, the catalogue and the code are
  a fingerprint taken once per process, the day is the person's local date;
- its ``computed_stamp`` equals its ``stamp``. Triggers (migration 0019) add 1 to the
  stamp in the transaction of every write of the first list, whichever code makes it.

Several workers and nodes share the rows, so a computation must not store what a
concurrent write made stale. Before computing, a visit updates its row (the stamp comes
back, the row's ``day`` becomes the day computed): the row stays locked until the
visit's transaction ends. A write that committed before is seen by the reads that
follow; a write after it finds the row's new ``day`` and bumps the stamp if it is a set
of an earlier day, or any other kind; a write whose trigger ran first holds the row, and
the visit waits for it. So a stored computation counts only while no write it did not
see has happened.

Every visit reads the row in one statement (:data:`NOW`) with what changes while a
person trains and is never kept: today's sets and cardio and the team's open live
session. Only a visit that finds no valid prescriptions runs the rules' reads
(:mod:`coach.coaching.today_reads`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from flask import current_app

from coach.accounts.models import Member
from coach.catalogue.service import loaded_catalogue
from coach.coaching.journal import CARDIO_FIELDS, SET_FIELDS
from coach.coaching.models import CardioSession, WorkoutSet
from coach.database import plain_select
from coach.domain.live import Status

_FINGERPRINT = "coach.coaching.today_cache.fingerprint"
_PACKAGE = Path(__file__).resolve().parent.parent  # coach/

_CLAIM = sa.text(
    "UPDATE today_cache SET day = :day, computed_stamp = NULL"
    " WHERE person_id = :person RETURNING stamp"
).bindparams(sa.bindparam("day", type_=sa.Date()))
_STORE = sa.text(
    "UPDATE today_cache SET key = :key, body = :body, computed_stamp = :stamp"
    " WHERE person_id = :person AND stamp = :stamp AND day = :day"
).bindparams(sa.bindparam("day", type_=sa.Date()))


# What changes while a person trains, read on every visit in one round trip. Each row
# says which it is in its first column; set and cardio rows have their own columns' names
# (so the schemas dump them as they are), the others borrow columns:
#   set:    today's sets (the person-and-day index)
#   cardio: today's cardio
#   cache:  reps = stamp, hold_seconds = computed_stamp, local_date = day, a = key,
#           b = body (coach/coaching/today_cache.py)
#   live:   id = the team's open live session, exercise = its host's name, a = status
#           (one at most: a unique index allows one open session per team; from
#           yesterday too, as the team's day and the person's may differ by a zone)
_SET_COLUMNS = ("id", *SET_FIELDS, "local_date", "created_at")
_CARDIO_ONLY = tuple(name for name in CARDIO_FIELDS if name not in SET_FIELDS)
_NOW_COLUMNS = (*_SET_COLUMNS, *_CARDIO_ONLY, "a", "b")


def _part(kind: str, source: str, values: dict[str, str]) -> str:
    """A part of NOW: ``values`` in the columns it has, NULL in the others."""
    columns = ", ".join(values.get(name, "NULL") for name in _NOW_COLUMNS)
    return f"SELECT '{kind}', {columns} FROM {source}"


_TODAY = " WHERE person_id = :person AND local_date = :today"
NOW = plain_select(
    " UNION ALL ".join(
        [
            # Typed NULLs in the first part: PostgreSQL settles a UNION's types from it.
            "SELECT 'set' AS kind, {}, CAST(NULL AS VARCHAR) AS activity,"
            " CAST(NULL AS INTEGER) AS minutes, CAST(NULL AS INTEGER) AS effort,"
            " CAST(NULL AS TEXT) AS a, CAST(NULL AS TEXT) AS b FROM workout_sets{}".format(
                ", ".join(_SET_COLUMNS), _TODAY
            ),
            _part(
                "cardio",
                "cardio_sessions" + _TODAY,
                {name: name for name in ("id", *CARDIO_FIELDS, "local_date", "created_at")},
            ),
            _part(
                "cache",
                "today_cache WHERE person_id = :person",
                {
                    "reps": "stamp",
                    "hold_seconds": "computed_stamp",
                    "local_date": "day",
                    "a": "key",
                    "b": "body",
                },
            ),
            _part(
                "live",
                "live_sessions l JOIN people p ON p.team_id = l.team_id"
                " LEFT JOIN people h ON h.id = l.host_id WHERE p.id = :person"
                f" AND l.status <> '{Status.ENDED.value}' AND l.local_date >= :yesterday",
                {"id": "l.id", "exercise": "h.display_name", "a": "l.status"},
            ),
        ]
    )
    + " ORDER BY performed_at, created_at",
    "kind",
    *(WorkoutSet.__table__.c[name] for name in _SET_COLUMNS),
    *(CardioSession.__table__.c[name] for name in _CARDIO_ONLY),
    "a",
    "b",
).bindparams(sa.bindparam("today", type_=sa.Date()), sa.bindparam("yesterday", type_=sa.Date()))


@dataclass
class Now:
    """What changes while a person trains, from NOW."""

    sets: dict[str, list[Any]]  # exercise -> today's sets (rows as logged), in time order
    cardio: list[Any]  # today's cardio (rows as logged), in time order
    cached: Any  # the person's today_cache row (stamp, day, key, body); None without one
    live_session: dict[str, Any] | None  # {id, host_name, status} of the team's open one


def read_now(connection: sa.Connection, person: Member, today: date) -> Now:
    now = Now(defaultdict(list), [], None, None)
    parameters = {"person": person.id, "today": today, "yesterday": today - timedelta(days=1)}
    for row in connection.execute(NOW, parameters):
        if row.kind == "set":
            now.sets[row.exercise].append(row)
        elif row.kind == "cardio":
            now.cardio.append(row)
        elif row.kind == "cache":
            now.cached = row
        else:
            now.live_session = {"id": str(row.id), "host_name": row.exercise, "status": row.a}
    return now


def fingerprint() -> str:
    """The catalogue's files and the code's, as one hash taken once per process (the
    same in every worker and node that runs them): a deploy that changes either makes
    every kept day stale."""
    found: str | None = current_app.extensions.get(_FINGERPRINT)
    if found is None:
        digest = hashlib.sha256()
        for root, pattern in ((loaded_catalogue().path, "*"), (_PACKAGE, "*.py")):
            for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
        found = current_app.extensions[_FINGERPRINT] = digest.hexdigest()
    return found


def key(person: Member, program: str, week: int) -> str:
    """What the day's prescriptions were computed for, beside the day and the stamp."""
    return f"{program}|{week}|{person.band_set_id}|{fingerprint()}"


def kept(cached: Any, day: date, wanted: str) -> dict[str, Any] | None:
    """The kept prescriptions in ``cached`` (the row NOW read), if still valid."""
    if (
        cached is None
        or cached.hold_seconds is None  # computed_stamp
        or cached.hold_seconds != cached.reps  # stamp
        or cached.local_date != day
        or cached.a != wanted
    ):
        return None
    return orjson.loads(cached.b)  # type: ignore[no-any-return]


def claim(connection: sa.Connection, person: Member, day: date) -> int | None:
    """Lock the person's row for computing ``day``; its stamp (None without a row)."""
    return connection.execute(_CLAIM, {"person": person.id, "day": day}).scalar()


def store(
    connection: sa.Connection,
    person: Member,
    day: date,
    stamp: int,
    wanted: str,
    plan: dict[str, Any],
) -> None:
    """Keep ``plan``, computed for ``day`` from the inputs at ``stamp`` (not committed)."""
    parameters = {
        "person": person.id,
        "day": day,
        "stamp": stamp,
        "key": wanted,
        "body": orjson.dumps(plan).decode(),
    }
    connection.execute(_STORE, parameters)
