"""The catalogue validator: the real catalogue passes, and each way of breaking a copy
is reported with the file and the field. No app needed."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from coach.catalogue.loader import CatalogueError, Problem, check, load
from coach.domain.catalogue import Catalogue, DoseRule, Text
from tests.catalogue.copies import REAL_CATALOGUE, copy_catalogue, edit_yaml, problems_in


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path / "exercises")


def only(problems: list[Problem], file: str, field: str) -> Problem:
    """The one problem reported, which must be in ``file`` at ``field``."""
    assert [(p.file, p.field) for p in problems] == [(file, field)], problems
    return problems[0]


# -- the real catalogue ---------------------------------------------------------------


def test_the_real_catalogue_has_no_problems() -> None:
    # Fails while drawings in exercises/illustrations/ are missing or unsafe.
    loaded, problems = check(REAL_CATALOGUE)
    assert [str(p) for p in problems] == []
    assert loaded is not None
    assert set(loaded.illustrations) == {
        e.illustration for e in loaded.catalogue.exercises.values()
    }


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The real catalogue's content (drawings not yet made get a placeholder)."""
    return load(copy_catalogue(tmp_path_factory.mktemp("real") / "exercises")).catalogue


def _texts(value: Any, path: str) -> list[tuple[str, Text]]:
    if isinstance(value, Text):
        return [(path, value)]
    if dataclasses.is_dataclass(value):
        return [
            found
            for f in dataclasses.fields(value)
            for found in _texts(getattr(value, f.name), f"{path}.{f.name}")
        ]
    if isinstance(value, tuple):
        return [found for i, v in enumerate(value) for found in _texts(v, f"{path}[{i}]")]
    return []


def test_every_exercise_program_and_muscle_is_written_in_danish_and_english(
    real: Catalogue,
) -> None:
    texts = [
        *(t for e in real.exercises.values() for t in _texts(e, e.slug)),
        *(t for p in real.programs.values() for t in _texts(p, p.slug)),
        *((f"muscle {slug}", text) for slug, text in real.muscles.items()),
    ]
    assert len(texts) > 16 * 10
    untranslated = [path for path, text in texts if not (text.da.strip() and text.en.strip())]
    assert untranslated == []
    # Written twice, not copied: the Danish differs from the English in every long text.
    copied = [path for path, text in texts if len(text.en) > 40 and text.da == text.en]
    assert copied == []


def test_the_catalogue_has_enough_exercises_for_every_region_and_the_four_programs(
    real: Catalogue,
) -> None:
    assert len(real.exercises) >= 16
    for region in ("neck", "shoulder", "arm", "forearm-wrist", "upper-back", "lower-back"):
        assert real.find_exercises(region=region), region
    assert {"office-daily-5", "physical-work-2x30", "weekly-3x20", "cardio-addon"} <= set(
        real.programs
    )


def test_office_program_is_five_minutes_daily_with_three_or_four_band_exercises(
    real: Catalogue,
) -> None:
    office = real.programs["office-daily-5"]
    assert (office.sessions_per_week, office.session_minutes) == (5, 5)
    assert office.work_type == "office"
    for phase in office.phases:
        # The exercises rotate every four weeks.
        assert phase.last_week - phase.first_week + 1 == 4
        assert 3 <= len(phase.items) <= 4
    assert len({tuple(i.exercise for i in p.items) for p in office.phases}) == len(office.phases)
    for item in (i for p in office.phases for i in p.items):
        exercise = real.exercises[item.exercise or ""]
        assert exercise.equipment in ("band", "bodyweight")
        assert item.rule in (DoseRule.ONE_SET_TO_FAILURE, DoseRule.HOLD)


def test_physical_work_program_is_two_half_hours_for_15_weeks_of_3_by_8_to_12(
    real: Catalogue,
) -> None:
    physical = real.programs["physical-work-2x30"]
    assert (physical.sessions_per_week, physical.session_minutes) == (2, 30)
    assert physical.duration_weeks == 15
    reps = [i for p in physical.phases for i in p.items if i.rule is not DoseRule.HOLD]
    assert reps and all(i.rule is DoseRule.SETS_OF_REPS for i in reps)
    assert {(i.dose.sets, i.dose.reps_min, i.dose.reps_max) for i in reps if i.dose} == {(3, 8, 12)}
    # Grip, forearm and back work besides neck and shoulders.
    used = {real.exercises[slug] for slug in physical.exercises}
    assert {"neck", "shoulder", "forearm-wrist", "lower-back"} <= {
        r for e in used for r in e.regions
    }


def test_weekly_and_cardio_programs(real: Catalogue) -> None:
    weekly = real.programs["weekly-3x20"]
    assert (weekly.sessions_per_week, weekly.session_minutes) == (3, 20)
    cardio = real.programs["cardio-addon"]
    items = [i for p in cardio.phases for i in p.items]
    assert items and all(i.rule is DoseRule.CARDIO and i.cardio for i in items)


# -- each breakage is reported with file and field ------------------------------------


def test_a_missing_field(catalogue: Path) -> None:
    edit_yaml(catalogue / "shrug.yaml", lambda d: d.pop("kind"))
    problem = only(problems_in(catalogue), "shrug.yaml", "kind")
    assert "Missing data" in problem.message


def test_a_missing_translation(catalogue: Path) -> None:
    def untranslate(data: dict[str, Any]) -> None:
        data["cues"]["start"]["da"] = "  "
        del data["name"]["en"]

    edit_yaml(catalogue / "lateral-raise.yaml", untranslate)
    problems = problems_in(catalogue)
    assert {(p.file, p.field, p.message) for p in problems} == {
        ("lateral-raise.yaml", "cues.start.da", "missing translation"),
        ("lateral-raise.yaml", "name.en", "missing translation"),
    }


def test_a_duplicate_slug_is_reported_where_it_does_not_belong(catalogue: Path) -> None:
    (catalogue / "shrug-2.yaml").write_bytes((catalogue / "shrug.yaml").read_bytes())
    problems = problems_in(catalogue)
    assert {p.file for p in problems} == {"shrug-2.yaml"}
    assert {p.field for p in problems} == {"slug"}
    assert any(p.message == "duplicate slug 'shrug': shrug.yaml has it" for p in problems)
    assert any("must match" in p.message for p in problems)


def test_a_slug_that_is_not_the_file_name(catalogue: Path) -> None:
    edit_yaml(catalogue / "programs" / "weekly-3x20.yaml", lambda d: d.update(slug="weekly"))
    problem = only(problems_in(catalogue), "programs/weekly-3x20.yaml", "slug")
    assert "must match" in problem.message


def test_an_unknown_alternative(catalogue: Path) -> None:
    edit_yaml(
        catalogue / "lateral-raise.yaml",
        lambda d: d.update(alternatives=["upright-row", "flying-kick"]),
    )
    problem = only(problems_in(catalogue), "lateral-raise.yaml", "alternatives[1]")
    assert problem.message == "unknown exercise 'flying-kick'"


def test_an_unknown_muscle(catalogue: Path) -> None:
    edit_yaml(catalogue / "shrug.yaml", lambda d: d.update(muscles=["upper-trapezius", "wings"]))
    problem = only(problems_in(catalogue), "shrug.yaml", "muscles[1]")
    assert problem.message == "unknown muscle 'wings': not in muscles.yaml"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("regions", ["shoulder", "knee"], "regions[1]"),
        ("equipment", "barbell", "equipment"),
        ("kind", "stretch", "kind"),
    ],
)
def test_unknown_vocabulary(catalogue: Path, field: str, value: Any, where: str) -> None:
    edit_yaml(catalogue / "shrug.yaml", lambda d: d.update({field: value}))
    problems = problems_in(catalogue)
    assert ("shrug.yaml", where) in {(p.file, p.field) for p in problems}
    assert any(p.message.startswith("Must be one of") for p in problems)


def test_a_program_naming_a_missing_exercise(catalogue: Path) -> None:
    def rename(data: dict[str, Any]) -> None:
        data["phases"][1]["items"][0]["exercise"] = "handstand"

    edit_yaml(catalogue / "programs" / "office-daily-5.yaml", rename)
    problem = only(
        problems_in(catalogue), "programs/office-daily-5.yaml", "phases[1].items[0].exercise"
    )
    assert "'handstand'" in problem.message


def test_removing_an_exercise_reports_everything_that_uses_it(catalogue: Path) -> None:
    (catalogue / "front-raise.yaml").unlink()
    where = {(p.file, p.field) for p in problems_in(catalogue)}
    assert ("lateral-raise.yaml", "alternatives[1]") in where
    assert ("programs/weekly-3x20.yaml", "phases[2].items[0].exercise") in where


@pytest.mark.parametrize(
    ("program", "phase", "item", "rule", "complaint"),
    [
        # kettlebell deadlift
        ("physical-work-2x30", 0, 0, "one-set-to-failure", "for band exercises"),
        # lateral raise
        ("office-daily-5", 0, 0, "hold", "only for exercises of kind hold"),
        # neck side hold
        ("office-daily-5", 2, 2, "sets-of-reps", "timed hold"),
    ],
)
def test_a_dose_rule_that_does_not_fit_the_exercise(
    catalogue: Path, program: str, phase: int, item: int, rule: str, complaint: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        dose = data["phases"][phase]["items"][item]["dose"]
        dose.update(rule=rule, sets=1, reps_min=8, reps_max=20, seconds=20)

    edit_yaml(catalogue / "programs" / f"{program}.yaml", change)
    problem = only(
        problems_in(catalogue),
        f"programs/{program}.yaml",
        f"phases[{phase}].items[{item}].dose.rule",
    )
    assert complaint in problem.message


@pytest.mark.parametrize(
    ("weeks", "complaint"),
    [
        ([[1, 5], [7, 10], [11, 15], [16, 20]], "gap: week 6 is"),
        ([[1, 5], [5, 10], [11, 15], [16, 20]], "overlaps"),
        ([[1, 5], [6, 10], [11, 15], [16, 19]], "program lasts 20 weeks"),
        ([[1, 5], [6, 10], [11, 15], [16, 22]], "after the program's last week"),
        ([[2, 5], [6, 10], [11, 15], [16, 20]], "gap: week 1 is"),
    ],
)
def test_phases_must_cover_the_weeks_once(
    catalogue: Path, weeks: list[list[int]], complaint: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        for phase, span in zip(data["phases"], weeks, strict=True):
            phase["weeks"] = span

    edit_yaml(catalogue / "programs" / "weekly-3x20.yaml", change)
    problems = problems_in(catalogue)
    assert len(problems) == 1, problems
    assert problems[0].file == "programs/weekly-3x20.yaml"
    assert problems[0].field.startswith("phases[") and problems[0].field.endswith("].weeks")
    assert complaint in problems[0].message


def test_a_missing_illustration(catalogue: Path) -> None:
    (catalogue / "illustrations" / "shrug.svg").unlink()
    problem = only(problems_in(catalogue), "shrug.yaml", "illustration")
    assert problem.message == "illustrations/shrug.svg is missing"


@pytest.mark.parametrize(
    ("svg", "field", "complaint"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
            "line 1, column 46",
            "mismatched tag",
        ),
        (b"", "line 1, column 1", "no element found"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "html", "root element"),
        (b"<svg><rect/></svg>", "svg", "root element"),  # no SVG namespace
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><g><script>alert(1)</script></g></svg>",
            "svg/g/script",
            "<script>",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect onclick='x()'/></svg>",
            "svg/rect/@onclick",
            "event-handler",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>"
            b"<image x:href='https://example.org/a.png'/></svg>",
            "svg/image/@href",
            "inside the drawing",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><use href='other.svg#a'/></svg>",
            "svg/use/@href",
            "inside the drawing",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><style>@import 'x.css';</style></svg>",
            "svg/style",
            "@import",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><rect style='fill:url(http://e.org/p)'/>"
            b"</svg>",
            "svg/rect/@style",
            "url()",
        ),
        (
            b"<?xml-stylesheet href='x.css'?><svg xmlns='http://www.w3.org/2000/svg'/>",
            "document",
            "processing instructions",
        ),
        (
            b"<!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>",
            "document",
            "DOCTYPE",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><foreignObject/></svg>",
            "svg/foreignObject",
            "not allowed",
        ),
    ],
)
def test_a_broken_or_unsafe_illustration(
    catalogue: Path, svg: bytes, field: str, complaint: str
) -> None:
    (catalogue / "illustrations" / "shrug.svg").write_bytes(svg)
    problem = only(problems_in(catalogue), "illustrations/shrug.svg", field)
    assert complaint in problem.message


def test_safe_svg_features_pass(catalogue: Path) -> None:
    (catalogue / "illustrations" / "shrug.svg").write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        b' viewBox="0 0 10 10" role="img"><title>A</title><style>.a{fill:url(#g)}</style>'
        b'<defs><linearGradient id="g"/><path id="p" d="M0 0h1"/></defs>'
        b'<use xlink:href="#p"/><rect class="a" width="1" height="1"/></svg>'
    )
    assert problems_in(catalogue) == []


def test_a_file_that_is_not_utf8(catalogue: Path) -> None:
    path = catalogue / "shrug.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))  # saved on Windows
    problems = problems_in(catalogue)
    assert len(problems) == 1 and problems[0].file == "shrug.yaml"
    assert problems[0].field.startswith("byte ")
    assert "not UTF-8" in problems[0].message


def test_a_yaml_syntax_error(catalogue: Path) -> None:
    path = catalogue / "programs" / "cardio-addon.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "extra: [unclosed\n", encoding="utf-8")
    problems = problems_in(catalogue)
    assert len(problems) == 1 and problems[0].file == "programs/cardio-addon.yaml"
    assert problems[0].field.startswith("line ")
    assert problems[0].message.startswith("YAML syntax error")


def test_a_key_given_twice(catalogue: Path) -> None:
    path = catalogue / "shrug.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "kind: hold\n", encoding="utf-8")
    problems = problems_in(catalogue)
    assert len(problems) == 1 and problems[0].file == "shrug.yaml"
    assert "duplicate key 'kind'" in problems[0].message


def test_an_unknown_field_and_bad_numbers(catalogue: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["colour"] = "red"
        data["default_dose"]["reps_min"] = 30
        data["default_dose"]["reps_max"] = 20

    edit_yaml(catalogue / "shrug.yaml", change)
    where = {(p.file, p.field) for p in problems_in(catalogue)}
    assert where == {("shrug.yaml", "colour"), ("shrug.yaml", "default_dose.reps_min")}


def test_a_missing_muscle_vocabulary(catalogue: Path) -> None:
    (catalogue / "muscles.yaml").unlink()
    problem = only(problems_in(catalogue), "muscles.yaml", "")
    assert "missing" in problem.message


def test_every_problem_is_reported_at_once(catalogue: Path) -> None:
    edit_yaml(catalogue / "shrug.yaml", lambda d: d.pop("kind"))
    edit_yaml(catalogue / "lateral-raise.yaml", lambda d: d["name"].update(en=""))
    edit_yaml(catalogue / "reverse-fly.yaml", lambda d: d["muscles"].append("wings"))
    (catalogue / "illustrations" / "squat.svg").unlink()
    (catalogue / "good-morning.yaml").write_bytes(b"slug: [\n")

    def unknown(data: dict[str, Any]) -> None:
        data["phases"][0]["items"][0]["exercise"] = "handstand"
        data["phases"][2]["items"][0]["cardio"]["activity"] = "skiing"

    edit_yaml(catalogue / "programs" / "cardio-addon.yaml", unknown)
    edit_yaml(catalogue / "programs" / "office-daily-5.yaml", lambda d: d.update(slug="office"))

    files = {p.file for p in problems_in(catalogue)}
    assert files == {
        "shrug.yaml",
        "lateral-raise.yaml",
        "reverse-fly.yaml",
        "squat.yaml",
        "good-morning.yaml",
        "programs/cardio-addon.yaml",
        "programs/office-daily-5.yaml",
    }
    with pytest.raises(CatalogueError) as raised:
        load(catalogue)
    assert len(raised.value.problems) >= len(files)
    assert "shrug.yaml: kind: Missing data for required field." in str(raised.value)


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    problems = problems_in(tmp_path / "nowhere")
    assert [p.message for p in problems] == ["no such folder"]
