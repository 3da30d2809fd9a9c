"""One program item made concrete: its rule, its numbers and the ladders it moves on."""

# The sentences people read use typographic dashes (ranges such as 8 to 20 reps).

from __future__ import annotations

from dataclasses import dataclass

from coach.domain.catalogue import Dose, DoseRule, Exercise, ProgramItem, Text, rule_mismatch
from coach.domain.progression.inputs import BandLevelView, LoadScale, band_levels
from coach.domain.progression.ladder import EPS, Axis, Ladder, hold_rungs
from coach.domain.progression.parameters import ProgressionRules
from coach.domain.progression.words import kg
from coach.domain.weights import available, load_for_reps, standard_weights


@dataclass(frozen=True)
class Plan:
    """One program item made concrete: its rule, its numbers and its load axes."""

    rule: DoseRule
    exercise: Exercise
    rules: ProgressionRules
    sets: int
    reps_min: int | None
    reps_max: int | None
    intensity_pct: int | None
    hold_start: int | None
    progress: Ladder  # the axis progression moves along
    carried: Ladder | None  # holds with equipment: the load held, which stays put
    bands: tuple[BandLevelView, ...]

    @property
    def in_a_row(self) -> int:
        return self.rules.sessions_in_a_row

    def start(self, ladder: Ladder) -> float:
        """The first-session level on ``ladder``."""
        if ladder.axis is Axis.BAND:
            keys = [band.key for band in self.bands]
            key = self.rules.start_band_key
            return float(keys.index(key)) if key in keys else ladder.bottom
        if ladder.axis is Axis.WEIGHT:
            default = (
                self.rules.start_kg_kettlebell
                if self.exercise.equipment == "kettlebell"
                else self.rules.start_kg_dumbbell
            )
            start_kg = self.rules.start_kg_by_exercise.get(self.exercise.slug, default)
            return next((w for w in ladder.rungs if w >= start_kg - EPS), ladder.top)
        if ladder.axis is Axis.SECONDS:
            return ladder.floor(float(self.hold_start or ladder.bottom))
        return ladder.bottom

    def name(self, value: float, ladder: Ladder | None = None) -> Text:
        """A load in words: "rød elastik" / "the red band", "12 kg", "25 seconds"."""
        axis = (ladder or self.progress).axis
        if axis is Axis.BAND:
            position = round(value)
            if 0 <= position < len(self.bands):
                band = self.bands[position].name
                return Text(f"{band.da} elastik", f"the {band.en} band")
            return Text(f"elastik nr. {position + 1}", f"band number {position + 1}")
        if axis is Axis.WEIGHT:
            return Text(kg(value, "da"), kg(value, "en"))
        if axis is Axis.SECONDS:
            return Text(f"{round(value)} sekunder", f"{round(value)} seconds")
        return Text("din egen kropsvægt", "your own body weight")

    def stay(self, value: float) -> Text:
        """ "bliv på rød elastik" / "stay on the red band" (lower case: mid-sentence)."""
        if self.progress.axis is Axis.NONE:
            return Text("bliv ved med øvelsen, som den er", "keep the exercise as it is")
        name = self.name(value)
        preposition = "on" if self.progress.axis is Axis.BAND else "at"
        return Text(f"bliv på {name.da}", f"stay {preposition} {name.en}")

    def with_(self, value: float) -> Text:
        """ " med rød elastik" / " with the red band" (empty for body weight)."""
        if self.progress.axis is Axis.NONE:
            return Text("", "")
        name = self.name(value)
        return Text(f" med {name.da}", f" with {name.en}")

    def bottom_advice(self) -> Text:
        """What to do when one step down is asked for but there is none."""
        return {
            Axis.BAND: Text(
                "Det er allerede den letteste elastik i jeres sæt, så bliv på den, og hold "
                "elastikken med lidt mindre stræk.",
                "It is already the lightest band in your set, so stay on it and hold the band "
                "with a little less stretch.",
            ),
            Axis.WEIGHT: Text(
                "Det er allerede den letteste vægt, I har, så bliv på den, og tag de "
                "gentagelser, du kan med god teknik.",
                "It is already the lightest weight available, so stay at it and do the reps "
                "you can with good form.",
            ),
            Axis.SECONDS: Text(
                "Det er allerede den korteste tid, så bliv på den, og pres lettere.",
                "It is already the shortest hold, so stay at it and press more lightly.",
            ),
            Axis.NONE: Text(
                "Der er ingen vægt at tage af, så tag færre gentagelser, og hold bevægelsen "
                "lille og smertefri.",
                "There is no weight to take off, so do fewer reps and keep the movement small "
                "and pain-free.",
            ),
        }[self.progress.axis]

    def target_kg(self, one_rm: float) -> float:
        """The working weight for sets of reps: the dose's share of 1RM, or else the
        ``reps_max``-repetition maximum (12 reps ≈ 70 % of 1RM)."""
        if self.intensity_pct:
            return one_rm * self.intensity_pct / 100
        return load_for_reps(one_rm, self.reps_max or self.rules.sets_reps_max)

    @property
    def aimed_pct(self) -> int:
        """The share of 1RM the working weight aims at, in whole percent."""
        if self.intensity_pct:
            return self.intensity_pct
        return round(100 * load_for_reps(1.0, self.reps_max or self.rules.sets_reps_max))


def make_plan(
    item: ProgramItem, exercise: Exercise, scale: LoadScale, rules: ProgressionRules
) -> Plan:
    """The plan for ``item``; refuses cardio and a rule that does not fit the exercise."""
    if item.rule is DoseRule.CARDIO:
        raise ValueError("cardio items have no progression; prescribe exercises only")
    mismatch = rule_mismatch(item.rule, kind=exercise.kind, equipment=exercise.equipment)
    if mismatch:
        raise ValueError(f"{exercise.slug}: {mismatch}")
    dose: Dose = item.dose or exercise.default_dose
    bands = scale.band_levels or band_levels()
    load: Ladder | None = None
    if exercise.equipment == "band":
        load = Ladder(Axis.BAND, tuple(float(p) for p in range(len(bands))))
    elif exercise.equipment in ("dumbbell", "kettlebell"):
        weights = available(scale.weights_kg) or standard_weights(exercise.equipment)
        load = Ladder(Axis.WEIGHT, weights)
    reps_min = reps_max = hold_start = None
    carried: Ladder | None = None
    if item.rule is DoseRule.HOLD:
        hold_start = dose.seconds or rules.hold_min_seconds
        cap = dose.max_seconds or max(rules.hold_max_seconds, hold_start)
        step = dose.step_seconds or rules.hold_step_seconds
        progress = Ladder(Axis.SECONDS, hold_rungs(hold_start, step, cap, rules.hold_min_seconds))
        carried = load
    else:
        failure = item.rule is DoseRule.ONE_SET_TO_FAILURE
        reps_min = dose.reps_min or (rules.failure_reps_min if failure else rules.sets_reps_min)
        reps_max = dose.reps_max or (rules.failure_reps_max if failure else rules.sets_reps_max)
        progress = load or Ladder(Axis.NONE, (0.0,))
    return Plan(
        rule=item.rule,
        exercise=exercise,
        rules=rules,
        sets=dose.sets,
        reps_min=reps_min,
        reps_max=reps_max,
        intensity_pct=dose.intensity_pct,
        hold_start=hold_start,
        progress=progress,
        carried=carried,
        bands=bands,
    )


# -------------------------------------------------------------- reading the history
