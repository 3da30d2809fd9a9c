"""The catalogue's rules: phases by week, which dose rule fits, which swaps are allowed."""

from __future__ import annotations

import pytest

from coach.domain.catalogue import (
    Catalogue,
    Cues,
    Dose,
    DoseRule,
    Exercise,
    Phase,
    Program,
    ProgramItem,
    Text,
    phase_problems,
    rule_mismatch,
)

T = Text("x", "x")


def exercise(slug: str, kind: str = "reps", equipment: str = "band", **kw: object) -> Exercise:
    fields: dict[str, object] = {
        "slug": slug,
        "name": Text(f"{slug} (da)", f"{slug} (en)"),
        "description": T,
        "equipment": equipment,
        "kind": kind,
        "regions": ("shoulder",),
        "muscles": ("lateral-deltoid",),
        "alternatives": (),
        "default_dose": Dose(1, 8, 20) if kind == "reps" else Dose(2, seconds=20),
        "cues": Cues(T, T, T, T, T),
        "safety": T,
        "illustration": f"{slug}.svg",
        "illustration_alt": T,
        **kw,
    }
    return Exercise(**fields)  # type: ignore[arg-type]


def program(*spans: tuple[int, int]) -> Program:
    item = ProgramItem(DoseRule.ONE_SET_TO_FAILURE, "a", Dose(1, 8, 20))
    return Program(
        slug="p",
        name=T,
        purpose=T,
        work_type="office",
        sessions_per_week=5,
        duration_weeks=spans[-1][1],
        session_minutes=5,
        phases=tuple(Phase(first, last, (item,)) for first, last in spans),
    )


def test_phase_for_week_rotates_and_starts_over_after_the_last_week() -> None:
    office = program((1, 4), (5, 8), (9, 12))
    assert [office.phase_for_week(w).first_week for w in (1, 4, 5, 8, 9, 12)] == [1, 1, 5, 5, 9, 9]
    assert office.phase_for_week(13) is office.phases[0]
    assert office.phase_for_week(29) is office.phases[1]
    with pytest.raises(ValueError, match="start at 1"):
        office.phase_for_week(0)


def test_program_lists_its_exercises_once_in_order() -> None:
    items = (
        ProgramItem(DoseRule.SETS_OF_REPS, "b", Dose(3, 8, 12)),
        ProgramItem(DoseRule.SETS_OF_REPS, "a", Dose(3, 8, 12)),
    )
    p = Program("p", T, T, "any", 3, 2, 20, (Phase(1, 1, items), Phase(2, 2, items[::-1])))
    assert p.exercises == ("b", "a")


@pytest.mark.parametrize(
    ("spans", "duration", "expected"),
    [
        ([(1, 4), (5, 8)], 8, []),
        ([(1, 4), (6, 8)], 8, [(1, "leaves a gap: week 5 is in no phase")]),
        ([(1, 2), (6, 8)], 8, [(1, "leaves a gap: weeks 3-5 are in no phase")]),
        (
            [(1, 4), (4, 8)],
            8,
            [(1, "overlaps the phase before it: starts in week 4, expected week 5")],
        ),
        ([(1, 4)], 8, [(0, "the phases end in week 4 but the program lasts 8 weeks")]),
        ([(1, 9)], 8, [(0, "ends in week 9, after the program's last week (8)")]),
        (
            [(1, 4), (8, 5)],
            8,
            [
                (1, "ends (week 5) before it starts (week 8)"),
                (1, "the phases end in week 4 but the program lasts 8 weeks"),
            ],
        ),
    ],
)
def test_phase_problems(
    spans: list[tuple[int, int]], duration: int, expected: list[tuple[int, str]]
) -> None:
    assert phase_problems(spans, duration) == expected


def test_rule_mismatch() -> None:
    assert rule_mismatch(DoseRule.ONE_SET_TO_FAILURE, kind="reps", equipment="band") is None
    assert rule_mismatch(DoseRule.SETS_OF_REPS, kind="reps", equipment="kettlebell") is None
    assert rule_mismatch(DoseRule.HOLD, kind="hold", equipment="bodyweight") is None
    assert "band" in str(
        rule_mismatch(DoseRule.ONE_SET_TO_FAILURE, kind="reps", equipment="dumbbell")
    )
    assert "kind hold" in str(rule_mismatch(DoseRule.HOLD, kind="reps", equipment="band"))
    assert "hold rule" in str(rule_mismatch(DoseRule.SETS_OF_REPS, kind="hold", equipment="band"))
    assert rule_mismatch(DoseRule.CARDIO, kind="reps", equipment="band") is not None


def test_default_rule_follows_kind_equipment_and_sets() -> None:
    assert exercise("a").default_rule is DoseRule.ONE_SET_TO_FAILURE
    assert exercise("a", equipment="dumbbell", default_dose=Dose(3, 8, 12)).default_rule is (
        DoseRule.SETS_OF_REPS
    )
    assert exercise("a", kind="hold", equipment="bodyweight").default_rule is DoseRule.HOLD


def test_swaps_only_to_a_listed_alternative_of_the_same_kind() -> None:
    catalogue = Catalogue(
        exercises={
            "raise": exercise("raise", alternatives=("row", "hold")),
            "row": exercise("row"),
            "hold": exercise("hold", kind="hold"),
            "curl": exercise("curl"),
        },
        programs={},
    )
    assert catalogue.swap_problem("raise", "row") is None
    assert "not an alternative" in str(catalogue.swap_problem("raise", "curl"))
    assert "keep the kind" in str(catalogue.swap_problem("raise", "hold"))
    assert [e.slug for e in catalogue.alternatives_of("raise")] == ["row", "hold"]


def test_catalogue_is_read_only_and_finds_by_region_and_equipment() -> None:
    catalogue = Catalogue(
        exercises={
            "b": exercise("b", regions=("neck",), equipment="bodyweight", kind="hold"),
            "a": exercise("a"),
        },
        programs={},
    )
    assert list(catalogue.exercises) == ["a", "b"]
    assert [e.slug for e in catalogue.find_exercises(region="neck")] == ["b"]
    assert [e.slug for e in catalogue.find_exercises(equipment="band")] == ["a"]
    assert catalogue.find_exercises(region="neck", equipment="band") == []
    with pytest.raises(TypeError):
        catalogue.exercises["c"] = exercise("c")  # type: ignore[index]


def test_text_in_a_language() -> None:
    text = Text("Sideløft", "Lateral raise")
    assert (text.in_language("da"), text.in_language("en")) == ("Sideløft", "Lateral raise")
    with pytest.raises(ValueError, match="unknown language"):
        text.in_language("de")
