"""each person's next reminder instant, so a pass reads only who is due

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

Everyone who can get a reminder (a device, or the email fallback with an email) gets a
row due at once: the worker's first pass computes each true instant from the schedule
(sending what is due within the late window, as the full scan did before).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "next_reminders",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_next_reminders_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_next_reminders")),
    )
    with op.batch_alter_table("next_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_next_reminders_next_at"), ["next_at"], unique=False)
    bind = op.get_bind()
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    if bind.dialect.name == "sqlite":
        long_ago = long_ago.replace(tzinfo=None)  # stored as UTC without an offset there
    bind.execute(
        sa.text(
            "INSERT INTO next_reminders (person_id, next_at) "
            "SELECT id, :long_ago FROM people WHERE id IN ("
            " SELECT person_id FROM push_subscriptions"
            " UNION SELECT s.person_id FROM reminder_settings s JOIN people p"
            " ON p.id = s.person_id WHERE s.email_fallback AND p.email IS NOT NULL)"
        ),
        {"long_ago": long_ago},
    )


def downgrade():
    with op.batch_alter_table("next_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_next_reminders_next_at"))
    op.drop_table("next_reminders")
