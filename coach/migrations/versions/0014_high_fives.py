"""high-fives

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

High-fives between members of a team, or to the whole team: one per giver, team,
receiver and day.

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "high_fives",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=True),
        sa.Column("receiver_key", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "receiver_id IS NULL OR receiver_id <> giver_id",
            name=op.f("ck_high_fives_not_oneself"),
        ),
        sa.CheckConstraint(
            "receiver_key = COALESCE(receiver_id, 0)",
            name=op.f("ck_high_fives_receiver_key_known"),
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["people.id"],
            name=op.f("fk_high_fives_giver_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["people.id"],
            name=op.f("fk_high_fives_receiver_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_high_fives_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_high_fives")),
        sa.UniqueConstraint(
            "giver_id",
            "team_id",
            "receiver_key",
            "day",
            name=op.f("uq_high_fives_giver_id_team_id_receiver_key_day"),
        ),
    )
    with op.batch_alter_table("high_fives", schema=None) as batch_op:
        batch_op.create_index("ix_high_fives_receiver_day", ["receiver_id", "day"], unique=False)
        batch_op.create_index("ix_high_fives_team_day", ["team_id", "day"], unique=False)


def downgrade():
    with op.batch_alter_table("high_fives", schema=None) as batch_op:
        batch_op.drop_index("ix_high_fives_team_day")
        batch_op.drop_index("ix_high_fives_receiver_day")
    op.drop_table("high_fives")
