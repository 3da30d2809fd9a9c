"""swaps kept for the phase

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03

A swap is kept for the phase of the program it was chosen in: ``kept_until`` is the
phase's last day. Swaps chosen before (NULL) keep their old meaning, until switched back.

"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_swaps") as batch:
        batch.add_column(sa.Column("kept_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exercise_swaps") as batch:
        batch.drop_column("kept_until")
