"""Prescriptions recorded from the engine before it became one module per rule.

``progression_cases.jsonl`` holds random situations (a program item of
``test_progression.CASES``, the rules' numbers, a band set, sets, check-ins, an
override, today) and the prescription the single-module engine gave for each; the
cases were drawn by hypothesis to reach every rule, and the same draws compared the
old and the new engine directly before the old one was deleted. Any change in what
the engine answers shows up here, word for word.

When a rule is changed on purpose, record again and review the diff of the file:
``COACH_RECORD_PRESCRIPTIONS=1 pytest tests/domain/test_progression_recorded.py``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coach.domain.progression import (
    ChangeCode,
    CheckIn,
    LoadScale,
    LoggedSet,
    Override,
    Prescription,
    ProgressionRules,
    prescribe,
)
from tests.domain.test_progression import CASES

RECORDED = Path(__file__).with_name("progression_cases.jsonl")
RECORD = os.environ.get("COACH_RECORD_PRESCRIPTIONS") == "1"


def _on(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def situation(case: dict[str, Any]) -> Prescription:
    """The prescription for one recorded situation."""
    item, exercise, scale = CASES[case["case"]]
    levels = tuple(b for b in scale.band_levels if b.key not in case["bands_without"])
    today = date.fromisoformat(case["today"])
    # Days are stored as offsets from today, and a set or override only with its fields.
    history = [LoggedSet(**{**s, "day": _on(today, s["day"])}) for s in case["history"]]
    checkins = [
        CheckIn(_on(today, d), pain, sore, flag) for d, pain, sore, flag in case["checkins"]
    ]
    override = None
    if case["override"] is not None:
        override = Override(**{**case["override"], "day": _on(today, case["override"]["day"])})
    return prescribe(
        item,
        exercise,
        history,
        checkins,
        today,
        LoadScale(band_levels=levels, weights_kg=scale.weights_kg),
        rules=ProgressionRules(**case["rules"]),
        override=override,
    )


def as_recorded(p: Prescription) -> dict[str, Any]:
    """The prescription as plain JSON values (the band by its key)."""
    plain = asdict(p)
    plain["change"]["code"] = str(p.change.code)
    plain["change"]["reason"] = [p.change.reason.da, p.change.reason.en]
    plain["preview"] = [p.preview.da, p.preview.en] if p.preview else None
    plain["band"] = p.band.key if p.band else None
    return plain


@pytest.fixture(scope="module")
def recorded() -> list[dict[str, Any]]:
    return [json.loads(line) for line in RECORDED.read_text().splitlines() if line]


def test_the_recorded_cases_reach_every_rule(recorded: list[dict[str, Any]]) -> None:
    codes = {case["expect"]["change"]["code"] for case in recorded}
    assert codes == {str(code) for code in ChangeCode}
    assert len(recorded) >= 300


def test_the_engine_answers_as_recorded(recorded: list[dict[str, Any]]) -> None:
    answers = [as_recorded(situation(case)) for case in recorded]
    if RECORD:
        lines = [
            json.dumps({**case, "expect": answer}, ensure_ascii=False)
            for case, answer in zip(recorded, answers, strict=True)
        ]
        RECORDED.write_text("\n".join(lines) + "\n")
        pytest.skip(f"recorded {len(lines)} prescriptions again; review the diff")
    differ = [
        (n, case["expect"], answer)
        for n, (case, answer) in enumerate(zip(recorded, answers, strict=True))
        if answer != case["expect"]
    ]
    assert not differ, f"{len(differ)} of {len(answers)} differ; the first: {differ[0]}"
