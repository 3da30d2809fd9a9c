"""instruction plans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "instruction_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workplace_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_instruction_plans_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["workplace_id"],
            ["workplaces.id"],
            name=op.f("fk_instruction_plans_workplace_id_workplaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruction_plans")),
        sa.UniqueConstraint("workplace_id", name=op.f("uq_instruction_plans_workplace_id")),
    )
    op.create_table(
        "instructor_weeks",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["instruction_plans.id"],
            name=op.f("fk_instructor_weeks_plan_id_instruction_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "week_start", name=op.f("pk_instructor_weeks")),
    )
    op.create_table(
        "key_persons",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_key_persons_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["instruction_plans.id"],
            name=op.f("fk_key_persons_plan_id_instruction_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "person_id", name=op.f("pk_key_persons")),
    )
    with op.batch_alter_table("key_persons") as batch_op:
        batch_op.create_index(batch_op.f("ix_key_persons_person_id"), ["person_id"])


def downgrade():
    op.drop_table("key_persons")
    op.drop_table("instructor_weeks")
    op.drop_table("instruction_plans")
