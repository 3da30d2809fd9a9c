"""teams' program start date

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Each team gets the day its program started; existing teams start on the day their
earliest member joined (in the workplace's time zone), or the team's own creation day
when it has no members yet.

"""

from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _as_utc(value):
    # SQLite hands back naive datetimes, which the app stores as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def upgrade():
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("program_started_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    teams = sa.table(
        "teams",
        sa.column("id", sa.Integer()),
        sa.column("workplace_id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("program_started_on", sa.Date()),
    )
    people = sa.table(
        "people",
        sa.column("team_id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    workplaces = sa.table(
        "workplaces", sa.column("id", sa.Integer()), sa.column("time_zone", sa.String())
    )
    earliest = (
        sa.select(sa.func.min(people.c.created_at))
        .where(people.c.team_id == teams.c.id)
        .scalar_subquery()
    )
    rows = bind.execute(
        sa.select(teams.c.id, teams.c.created_at, earliest, workplaces.c.time_zone).join(
            workplaces, workplaces.c.id == teams.c.workplace_id
        )
    ).all()
    for team_id, created_at, first_joined, zone in rows:
        moment = _as_utc(first_joined or created_at)
        day = moment.astimezone(ZoneInfo(zone)).date()
        bind.execute(teams.update().where(teams.c.id == team_id).values(program_started_on=day))
    with op.batch_alter_table("teams") as batch_op:
        batch_op.alter_column("program_started_on", existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("program_started_on")
