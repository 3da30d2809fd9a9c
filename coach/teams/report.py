"""The project's report: weekly participation per team and the teams' pain trend, as a
CSV file and as a printable page. Aggregates only, like everything an admin sees."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import sqlalchemy as sa

from coach.coaching.own_data import _text as spreadsheet_text
from coach.domain.adherence import WEEK, week_start
from coach.extensions import db
from coach.instruction.models import InstructionPlan
from coach.teams import participation
from coach.teams.models import Team, Workplace


def report_weeks(workplace: Workplace) -> list[date]:
    """The project's weeks so far if there is a plan, else the last 12 weeks."""
    today = participation.workplace_today(workplace)
    plan = db.session.scalar(
        sa.select(InstructionPlan).where(InstructionPlan.workplace_id == workplace.id)
    )
    if plan is None or plan.starts_on > today:
        return participation.week_window(today, participation.DEFAULT_WEEKS)
    first, last = week_start(plan.starts_on), week_start(min(plan.ends_on, today))
    count = min((last - first) // WEEK + 1, participation.MAX_WEEKS)
    return [last - (count - 1 - i) * WEEK for i in range(count)]


def report(workplace: Workplace) -> dict[str, Any]:
    mondays = report_weeks(workplace)
    overview = participation.workplace_participation(workplace, mondays=mondays)
    teams = {
        t.id: t
        for t in db.session.scalars(sa.select(Team).where(Team.workplace_id == workplace.id))
    }
    for row in overview["teams"]:
        row["pain"] = participation.team_pain(teams[row["id"]], mondays)
    overview["regions"] = participation.REGIONS
    return overview


def _blank(value: Any) -> Any:
    return "" if value is None else value


def report_csv(workplace: Workplace) -> str:
    """Two sections, each a line ``# name``, a header row and its rows: participation
    per team and week, then pain per team, week and region. The week under way
    (``partial``) has its adherence against ``target_so_far``, what was due by today."""
    data = report(workplace)
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark, so spreadsheet programs read UTF-8
    writer = csv.writer(out)
    writer.writerow(["# participation"])
    writer.writerow(
        [
            "team",
            "week_start",
            "enrolled",
            "active",
            "sessions",
            "target_sessions",
            "adherence_percent",
            "live_sessions",
            "people_per_session",
            "target_so_far",
            "partial",
        ]
    )
    for team in data["teams"]:
        for week in team["weeks"]:
            writer.writerow(
                [
                    spreadsheet_text(team["name"]),
                    week["week_start"].isoformat(),
                    week["enrolled"],
                    week["active"],
                    week["sessions"],
                    _blank(week["target_sessions"]),
                    _blank(week["adherence_percent"]),
                    week["live_sessions"],
                    _blank(week["people_per_session"]),
                    _blank(week["target_so_far"]),
                    "true" if week["partial"] else "false",
                ]
            )
    writer.writerow([])
    writer.writerow(["# pain"])
    writer.writerow(
        [
            "team",
            "week_start",
            "status",
            "reporting",
            "region",
            "median",
            "mean",
            "change_in_median",
        ]
    )
    for team in data["teams"]:
        for week in team["pain"]:
            monday = week["week_start"].isoformat()
            if week["regions"] is None:
                writer.writerow(
                    [spreadsheet_text(team["name"]), monday, week["status"], "", "", "", "", ""]
                )
                continue
            for region, figure in week["regions"].items():
                figure = figure or {}
                writer.writerow(
                    [
                        spreadsheet_text(team["name"]),
                        monday,
                        week["status"],
                        week["reporting"],
                        region,
                        _blank(figure.get("median")),
                        _blank(figure.get("mean")),
                        _blank(figure.get("change_in_median")),
                    ]
                )
    return out.getvalue()
