"""each push subscription belongs to the device session that made it

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

Signing a device out, ending it from the devices list, or its session running out then
stops that phone's reminders: the subscription goes with its session (ON DELETE
CASCADE) and one whose session has expired is not pushed to. Subscriptions made before
have no session (NULL) and keep working until the phone subscribes again, which binds
it to the session it does that in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_session_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_push_subscriptions_device_session_id", ["device_session_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_push_subscriptions_device_session_id_device_sessions",
            "device_sessions",
            ["device_session_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_push_subscriptions_device_session_id_device_sessions", type_="foreignkey"
        )
        batch_op.drop_index("ix_push_subscriptions_device_session_id")
        batch_op.drop_column("device_session_id")
