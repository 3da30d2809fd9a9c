"""team week totals

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "team_week_totals",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("active_members", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "active_members >= 0",
            name=op.f("ck_team_week_totals_active_members_not_negative"),
        ),
        sa.CheckConstraint("sessions >= 0", name=op.f("ck_team_week_totals_sessions_not_negative")),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_week_totals_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "week_start", name=op.f("pk_team_week_totals")),
    )


def downgrade():
    op.drop_table("team_week_totals")
