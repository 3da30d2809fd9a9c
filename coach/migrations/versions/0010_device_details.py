"""what a person sees of their signed-in devices

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("kind", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("signed_in_from", sa.String(length=45), nullable=True))
    # Sessions signed in before: last seen when last renewed (at most a day off).
    op.execute("UPDATE device_sessions SET last_seen_at = renewed_at")
    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.alter_column(
            "last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade():
    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.drop_column("signed_in_from")
        batch_op.drop_column("kind")
        batch_op.drop_column("last_seen_at")
