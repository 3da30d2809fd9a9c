"""reminder claims hold a lease and count their tries

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

A claim is now taken over only when its lease has run out (its worker stopped renewing
it), and a reminder that failed for a reason that may pass waits in its claim for the
next try. Existing claims get a lease that ended when they were claimed: an unconfirmed
one is taken over (or recorded failed, if its time is past) by the next pass, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("tries", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    op.execute("UPDATE reminder_claims SET lease_until = claimed_at")
    with op.batch_alter_table("reminder_claims", schema=None) as batch_op:
        batch_op.alter_column(
            "lease_until", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.drop_index("ix_reminder_claims_unconfirmed")
        batch_op.create_index(
            "ix_reminder_claims_open",
            ["lease_until"],
            unique=False,
            postgresql_where=sa.text("confirmed_at IS NULL"),
            sqlite_where=sa.text("confirmed_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("reminder_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_claims_open")
        batch_op.create_index(
            "ix_reminder_claims_unconfirmed", ["confirmed_at", "claimed_at"], unique=False
        )
        batch_op.drop_column("tries")
        batch_op.drop_column("lease_until")
