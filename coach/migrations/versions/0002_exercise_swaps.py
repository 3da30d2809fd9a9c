"""exercise swaps

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exercise_swaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("replacement", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_exercise_swaps_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_swaps")),
        sa.UniqueConstraint(
            "person_id", "exercise", name=op.f("uq_exercise_swaps_person_id_exercise")
        ),
    )


def downgrade():
    op.drop_table("exercise_swaps")
