"""live sessions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

A team's live sessions, who joined them, and the session a logged set was done in.

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("control_version", sa.Integer(), nullable=False),
        sa.Column("exercises", sa.JSON(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=True),
        sa.Column("step_phase", sa.String(length=9), nullable=True),
        sa.Column("step_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step_duration_s", sa.Integer(), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('lobby', 'running', 'paused', 'ended')",
            name=op.f("ck_live_sessions_status_known"),
        ),
        sa.CheckConstraint(
            "step_phase IS NULL OR step_phase IN ('get_ready', 'work', 'rest')",
            name=op.f("ck_live_sessions_phase_known"),
        ),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["people.id"],
            name=op.f("fk_live_sessions_host_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_live_sessions_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_live_sessions_open_team",
            ["team_id"],
            unique=True,
            sqlite_where=sa.text("status <> 'ended'"),
            postgresql_where=sa.text("status <> 'ended'"),
        )
        batch_op.create_index(
            "ix_live_sessions_team_started", ["team_id", "started_at"], unique=False
        )

    op.create_table(
        "live_participants",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_live_participants_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_sessions.id"],
            name=op.f("fk_live_participants_session_id_live_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_live_participants")),
    )
    with op.batch_alter_table("live_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_live_participants_person_id"), ["person_id"], unique=False
        )

    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_workout_sets_session_id"), ["session_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_workout_sets_session_id_live_sessions"),
            "live_sessions",
            ["session_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_workout_sets_session_id_live_sessions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_workout_sets_session_id"))
        batch_op.drop_column("session_id")

    with op.batch_alter_table("live_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_participants_person_id"))

    op.drop_table("live_participants")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_live_sessions_team_started")
        batch_op.drop_index(
            "ix_live_sessions_open_team",
            sqlite_where=sa.text("status <> 'ended'"),
            postgresql_where=sa.text("status <> 'ended'"),
        )

    op.drop_table("live_sessions")
