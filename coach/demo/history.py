"""Ten weeks of believable training logs for the demo workplace.

Each demo member follows their team's program from ten ISO weeks ago up to today:
sets that progress by the program's rules (a band up after two sessions of 20+ reps,
2-for-2 on weights, five more seconds on a hold done twice), cardio for a few, and a
weekly check-in whose pain eases over the weeks. A few people tell a story worth
seeing in the app: Mette moves from the red to the green band, Jonas reports pain 7
and steps down a band, Aisha takes a five-week break and comes back a band lighter,
Kasper trains now and then.

Everything comes from seeded random generators, one per person, so every load makes
the same logs relative to the day it runs.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coach.accounts.models import Person
from coach.catalogue.service import current_catalogue
from coach.coaching.models import CardioSession, CheckIn, WorkoutSet
from coach.database import utcnow
from coach.domain.adherence import week_start
from coach.domain.calendar import WEEKDAYS
from coach.domain.catalogue import Dose, DoseRule, Exercise, Program
from coach.extensions import db
from coach.teams.models import Team, Workplace

WEEKS = 10
SEED = 20250310
KG_STEPS = {"dumbbell": 2.0, "kettlebell": 4.0}
FIRST_KG = {"dumbbell": 8.0, "kettlebell": 12.0}


@dataclass(frozen=True)
class Profile:
    """How one demo person trains."""

    attendance: float = 0.85  # chance of training on a scheduled day
    first_band: str = "green"
    strength: float = 1.0  # scales reps and kg
    pain: tuple[int, int, int, int] = (3, 2, 1, 0)  # neck, shoulder, arm, lower back
    break_weeks: tuple[int, int] | None = None  # program weeks without training
    pain_spike: tuple[int, str] | None = None  # (program week, exercise): pain 7 once
    cardio: tuple[str, tuple[str, ...], int] | None = None  # activity, weekdays, minutes


PROFILES: dict[str, Profile] = {
    "Mette": Profile(attendance=0.95, first_band="red", strength=1.15, pain=(5, 4, 1, 2)),
    "Jonas": Profile(pain=(4, 3, 2, 1), pain_spike=(4, "shrug")),
    "Aisha": Profile(first_band="red", pain=(6, 5, 3, 2), break_weeks=(3, 7)),
    "Birgitte": Profile(
        attendance=0.8, first_band="red", pain=(4, 4, 2, 3), cardio=("running", ("mon", "wed"), 25)
    ),
    "Kasper": Profile(attendance=0.45, pain=(2, 3, 1, 4)),
    "Sofie": Profile(attendance=0.9, first_band="red", strength=1.05, pain=(3, 3, 0, 1)),
    "Henrik": Profile(attendance=0.95, strength=1.2, pain=(2, 3, 3, 4)),
    "Mads": Profile(attendance=0.9, pain=(3, 2, 4, 3)),
    "Lars": Profile(attendance=0.75, pain=(2, 2, 2, 5), cardio=("cycling", ("sat",), 45)),
    "Peter": Profile(attendance=0.85, strength=1.1, pain=(4, 4, 3, 2)),
    "Ole": Profile(attendance=0.6, strength=0.9, pain=(3, 5, 2, 3)),
}


@dataclass
class Track:
    """One person's standing on one exercise."""

    band: int = 0  # position in the band set
    kg: float = 0.0
    capacity: float = 0.0  # reps (or seconds) they could do now at this load
    recent: list[int] = field(default_factory=list)  # best reps of the last sessions
    hold: int = 0
    holds_done: int = 0
    step_down: str | None = None  # "pain" or "break": one level down next session
    short: bool = False  # back from a break: stop two reps short once
    spiked: bool = False


@dataclass
class Simulation:
    rng: random.Random
    zone: ZoneInfo
    bands: list[str]
    now: datetime
    sets: list[dict[str, Any]] = field(default_factory=list)
    cardio: list[dict[str, Any]] = field(default_factory=list)
    check_ins: list[CheckIn] = field(default_factory=list)

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def moment(self, day: date, at: time, minutes: float) -> datetime:
        local = datetime.combine(day, at, tzinfo=self.zone) + timedelta(minutes=minutes)
        return local.astimezone(UTC)


def _start(
    track: Track, exercise: Exercise, dose: Dose, profile: Profile, bands: list[str]
) -> None:
    if dose.seconds is not None:
        track.hold = dose.seconds
    if exercise.equipment == "band":
        first = bands.index(profile.first_band) if profile.first_band in bands else 2
        # Shrugs and rows are stronger movements than raises: a band heavier.
        heavier = exercise.slug in {"shrug", "one-arm-row", "upright-row", "band-pull-apart"}
        track.band = min(first + heavier, len(bands) - 1)
    elif exercise.equipment in KG_STEPS:
        step, first_kg = KG_STEPS[exercise.equipment], FIRST_KG[exercise.equipment]
        track.kg = round(first_kg * profile.strength / step) * step
    if dose.reps_max is not None and dose.reps_max <= 12:  # sets of 8-12
        track.capacity = (dose.reps_max - 2) * profile.strength
    else:  # one set to failure
        track.capacity = 13 * profile.strength


def _load(track: Track, exercise: Exercise, bands: list[str]) -> dict[str, Any]:
    if exercise.equipment == "band":
        return {"band_level": bands[track.band], "load_kg": None}
    if exercise.equipment in KG_STEPS:
        return {"band_level": None, "load_kg": track.kg}
    return {"band_level": None, "load_kg": None}


def _progress(
    track: Track, exercise: Exercise, dose: Dose, rule: DoseRule, bands: list[str]
) -> None:
    """Apply the program's rules after a session (the last entry of ``recent``)."""
    last_two = track.recent[-2:]
    if rule is DoseRule.ONE_SET_TO_FAILURE:
        top, bottom = dose.reps_max or 20, dose.reps_min or 8
        if len(last_two) == 2 and min(last_two) >= top and track.band < len(bands) - 1:
            track.band += 1
            track.capacity *= 0.75  # a band up costs about a quarter of the reps
            track.recent.clear()
        elif len(last_two) == 2 and max(last_two) < bottom and track.band > 0:
            track.band -= 1
            track.capacity /= 0.75
            track.recent.clear()
    elif rule is DoseRule.SETS_OF_REPS:
        top = dose.reps_max or 12
        if len(last_two) == 2 and min(last_two) >= top:  # 2-for-2: every set at the top
            if exercise.equipment == "band" and track.band < len(bands) - 1:
                track.band += 1
                track.capacity *= 0.8
            elif exercise.equipment in KG_STEPS:
                track.kg += KG_STEPS[exercise.equipment]
                track.capacity *= 0.82
            track.recent.clear()


def _step_down(track: Track, exercise: Exercise) -> None:
    # After a long break the strength lost is about the level given up: the reps stay.
    gain = 1.0 if track.step_down == "break" else 1 / 0.8
    if exercise.equipment == "band" and track.band > 0:
        track.band -= 1
        track.capacity *= gain
    elif exercise.equipment in KG_STEPS and track.kg > KG_STEPS[exercise.equipment]:
        track.kg -= KG_STEPS[exercise.equipment]
        track.capacity *= gain
    track.recent.clear()


def _session(
    sim: Simulation,
    person: Person,
    profile: Profile,
    tracks: dict[str, Track],
    program: Program,
    week: int,
    day: date,
    at: time,
) -> None:
    catalogue = current_catalogue()
    minute = sim.rng.uniform(0, 6)
    for item in program.phase_for_week(week).items:
        if item.exercise is None or item.dose is None:
            continue
        exercise, dose = catalogue.exercises[item.exercise], item.dose
        track = tracks.get(exercise.slug)
        if track is None:
            track = tracks[exercise.slug] = Track()
            _start(track, exercise, dose, profile, sim.bands)
        if track.step_down:
            _step_down(track, exercise)
            track.step_down = None
        spike = (
            profile.pain_spike is not None
            and profile.pain_spike[1] == exercise.slug
            and week >= profile.pain_spike[0]
            and not track.spiked
        )
        track.spiked = track.spiked or spike
        scores = []
        for n in range(dose.sets):
            values: dict[str, Any] = {"reps": None, "hold_seconds": None, "reps_in_reserve": None}
            if item.rule is DoseRule.HOLD:
                values["hold_seconds"] = track.hold
            elif item.rule is DoseRule.ONE_SET_TO_FAILURE:
                reps = round(track.capacity + sim.rng.uniform(-1.5, 1.5))
                values["reps"] = max(3, reps - (2 if track.short else 0) - (4 if spike else 0))
                values["reps_in_reserve"] = 2 if track.short else 0
            else:
                top = dose.reps_max or 12
                reps = round(track.capacity + sim.rng.uniform(-1, 1)) - n  # tiring set by set
                values["reps"] = max(5, min(top, reps - (2 if track.short else 0)))
                values["reps_in_reserve"] = 3 if track.short else (1 if reps >= top else 0)
            scores.append(values["reps"] or values["hold_seconds"] or 0)
            pain = 7 if spike and n == 0 else None
            if pain is None and sim.rng.random() < 0.35:
                pain = sim.rng.choice((0, 0, 1, 1, 2, 3))
            moment = sim.moment(day, at, minute)
            minute += sim.rng.uniform(0.6, 1.4)
            sim.sets.append(
                {
                    "id": sim.new_id(),
                    "person_id": person.id,
                    "exercise": exercise.slug,
                    "performed_at": moment,
                    "local_date": day,
                    "pain": pain,
                    "created_at": moment,
                    "updated_at": moment,
                    **values,
                    **_load(track, exercise, sim.bands),
                }
            )
        track.short = False
        if item.rule is DoseRule.HOLD:
            track.holds_done += 1
            if track.holds_done >= 2 and dose.step_seconds and dose.max_seconds:
                track.hold = min(track.hold + dose.step_seconds, dose.max_seconds)
                track.holds_done = 0
        else:
            # to failure: the set's reps; sets of reps: the weakest set (all must reach the top)
            track.recent.append(
                max(scores) if item.rule is DoseRule.ONE_SET_TO_FAILURE else min(scores)
            )
            track.capacity += sim.rng.uniform(0.3, 0.5) * profile.strength
            if spike:  # pain above 5: one step down next time (and the app says why)
                track.step_down = "pain"
            else:
                _progress(track, exercise, dose, item.rule, sim.bands)


def _check_in(sim: Simulation, person: Person, profile: Profile, day: date, weeks_in: int) -> None:
    def eased(start: int) -> int | None:
        if start == 0:
            return None if sim.rng.random() < 0.5 else 0
        value = start - 0.45 * weeks_in + sim.rng.uniform(-0.8, 0.8)
        return max(0, min(10, round(value)))

    neck, shoulder, arm, lower_back = (eased(p) for p in profile.pain)
    moment = sim.moment(day, time(8, 30), sim.rng.uniform(0, 60))
    sim.check_ins.append(
        CheckIn(
            person_id=person.id,
            day=day,
            pain_neck=neck,
            pain_shoulder=shoulder,
            pain_arm=arm,
            pain_lower_back=lower_back,
            soreness=weeks_in < 2 and sim.rng.random() < 0.6,
            created_at=moment,
            updated_at=moment,
        )
    )


def _cardio(sim: Simulation, person: Person, profile: Profile, day: date) -> None:
    if profile.cardio is None:
        return
    activity, weekdays, minutes = profile.cardio
    evening = sim.moment(day, time(17, 30), 0)
    if WEEKDAYS[day.weekday()] not in weekdays or evening > sim.now or sim.rng.random() > 0.85:
        return
    sim.cardio.append(
        {
            "id": sim.new_id(),
            "person_id": person.id,
            "performed_at": evening,
            "local_date": day,
            "activity": activity,
            "minutes": minutes + sim.rng.choice((-5, 0, 0, 5)),
            "effort": sim.rng.choice((4, 5, 5, 6)),
            "created_at": evening,
        }
    )


def _live(
    sim: Simulation,
    person: Person,
    team: Team,
    training_days: list[str],
    first_day: date,
    today: date,
) -> None:
    """One person's ten weeks, day by day."""
    program = current_catalogue().programs[team.program]
    profile = PROFILES.get(person.display_name, Profile())
    tracks: dict[str, Track] = {}
    checked_week, last_session = 0, first_day
    day = first_day
    while day <= today:
        week = (day - first_day).days // 7 + 1
        away_weeks = profile.break_weeks
        on_break = away_weeks is not None and away_weeks[0] <= week <= away_weeks[1]
        if not on_break:
            _cardio(sim, person, profile, day)
        trains = (
            WEEKDAYS[day.weekday()] in training_days
            and not on_break
            and sim.moment(day, team.reminder_time, 15) < sim.now
            and sim.rng.random() < profile.attendance
        )
        if trains:
            away = (day - last_session).days
            for track in tracks.values() if away > 14 else ():
                # Back after a break: two reps short at first; after more than four
                # weeks, a level down as well.
                track.short = True
                if away > 28:
                    track.step_down = "break"
            last_session = day
            if checked_week != week:  # the week's first session starts with a check-in
                _check_in(sim, person, profile, day, week - 1)
                checked_week = week
            _session(sim, person, profile, tracks, program, week, day, team.reminder_time)
        day += timedelta(days=1)


def training_days(team: Team, sessions_per_week: int) -> list[str]:
    """The team's workdays, or fewer spread over the week for a program of fewer
    sessions (two a week: Tuesday and Thursday)."""
    days = [d for d in WEEKDAYS if d in team.workdays]
    if sessions_per_week < len(days):
        days = days[1 :: max(1, len(days) // sessions_per_week)][:sessions_per_week]
    return days


def add_demo_history(workplace: Workplace, teams: list[Team], today: date) -> int:
    """Log ten weeks up to ``today`` for every member of ``teams``; returns the sets.

    People and teams are back-dated to the first of those weeks, so their program
    weeks match the logs. Call once, on the workplace's first load.
    """
    zone = ZoneInfo(workplace.time_zone)
    sim = Simulation(
        rng=random.Random(SEED),  # replaced per person below
        zone=zone,
        bands=[level.key for level in workplace.band_set.levels],
        now=utcnow(),
    )
    first_day = week_start(today) - timedelta(weeks=WEEKS - 1)
    joined = datetime.combine(first_day, time(8, 0), tzinfo=zone).astimezone(UTC)
    for team in teams:
        team.created_at = joined
        team.program_started_on = first_day
        days = training_days(team, current_catalogue().programs[team.program].sessions_per_week)
        members = db.session.scalars(
            sa.select(Person).where(Person.team_id == team.id).order_by(Person.id)
        ).all()
        for person in members:
            person.created_at = joined
            # A generator per person: their weeks come out the same whatever day the
            # demo is loaded, and however much the people before them trained.
            sim.rng = random.Random(f"{SEED}:{team.name}:{person.display_name}")
            _live(sim, person, team, days, first_day, today)
    db.session.flush()  # the back-dated people first
    if sim.sets:
        db.session.execute(sa.insert(WorkoutSet), sim.sets)
    if sim.cardio:
        db.session.execute(sa.insert(CardioSession), sim.cardio)
    db.session.add_all(sim.check_ins)
    return len(sim.sets)
