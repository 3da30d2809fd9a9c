"""coaching

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cardio_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("activity", sa.String(length=10), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("intensity", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "activity IN ('running', 'cycling', 'rowing')",
            name=op.f("ck_cardio_sessions_activity_known"),
        ),
        sa.CheckConstraint(
            "intensity IN ('easy', 'moderate', 'hard')",
            name=op.f("ck_cardio_sessions_intensity_known"),
        ),
        sa.CheckConstraint(
            "minutes > 0 AND minutes <= 600", name=op.f("ck_cardio_sessions_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_cardio_sessions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cardio_sessions")),
    )
    with op.batch_alter_table("cardio_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cardio_sessions_person_day", ["person_id", "local_date"], unique=False
        )

    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("pain_neck", sa.Integer(), nullable=True),
        sa.Column("pain_shoulder", sa.Integer(), nullable=True),
        sa.Column("pain_arm", sa.Integer(), nullable=True),
        sa.Column("pain_lower_back", sa.Integer(), nullable=True),
        sa.Column("soreness", sa.Boolean(), nullable=False),
        sa.Column("numbness_or_tingling", sa.Boolean(), nullable=False),
        sa.Column("weakness", sa.Boolean(), nullable=False),
        sa.Column("trauma", sa.Boolean(), nullable=False),
        sa.Column("fever_or_weight_loss", sa.Boolean(), nullable=False),
        sa.Column("worsening_for_weeks", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "pain_arm IS NULL OR (pain_arm >= 0 AND pain_arm <= 10)",
            name=op.f("ck_check_ins_pain_arm_range"),
        ),
        sa.CheckConstraint(
            "pain_lower_back IS NULL OR (pain_lower_back >= 0 AND pain_lower_back <= 10)",
            name=op.f("ck_check_ins_pain_lower_back_range"),
        ),
        sa.CheckConstraint(
            "pain_neck IS NULL OR (pain_neck >= 0 AND pain_neck <= 10)",
            name=op.f("ck_check_ins_pain_neck_range"),
        ),
        sa.CheckConstraint(
            "pain_shoulder IS NULL OR (pain_shoulder >= 0 AND pain_shoulder <= 10)",
            name=op.f("ck_check_ins_pain_shoulder_range"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_check_ins_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint("person_id", "day", name=op.f("uq_check_ins_person_id_day")),
    )
    op.create_table(
        "load_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("band_level", sa.String(length=30), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT (band_level IS NOT NULL AND load_kg IS NOT NULL)",
            name=op.f("ck_load_overrides_one_load"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_load_overrides_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_load_overrides")),
        sa.UniqueConstraint(
            "person_id", "exercise", name=op.f("uq_load_overrides_person_id_exercise")
        ),
    )
    op.create_table(
        "workout_sets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("hold_seconds", sa.Integer(), nullable=True),
        sa.Column("band_level", sa.String(length=30), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("reps_in_reserve", sa.Integer(), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(reps IS NULL) <> (hold_seconds IS NULL)", name=op.f("ck_workout_sets_reps_or_hold")
        ),
        sa.CheckConstraint(
            "NOT (band_level IS NOT NULL AND load_kg IS NOT NULL)",
            name=op.f("ck_workout_sets_one_load"),
        ),
        sa.CheckConstraint(
            "hold_seconds IS NULL OR (hold_seconds >= 0 AND hold_seconds <= 600)",
            name=op.f("ck_workout_sets_hold_range"),
        ),
        sa.CheckConstraint(
            "load_kg IS NULL OR (load_kg > 0 AND load_kg <= 500)",
            name=op.f("ck_workout_sets_kg_range"),
        ),
        sa.CheckConstraint(
            "pain IS NULL OR (pain >= 0 AND pain <= 10)", name=op.f("ck_workout_sets_pain_range")
        ),
        sa.CheckConstraint(
            "reps IS NULL OR (reps >= 0 AND reps <= 200)", name=op.f("ck_workout_sets_reps_range")
        ),
        sa.CheckConstraint(
            "reps_in_reserve IS NULL OR (reps_in_reserve >= 0 AND reps_in_reserve <= 10)",
            name=op.f("ck_workout_sets_rir_range"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_workout_sets_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workout_sets")),
    )
    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workout_sets_person_day", ["person_id", "local_date"], unique=False
        )
        batch_op.create_index(
            "ix_workout_sets_person_exercise_day",
            ["person_id", "exercise", "local_date"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_workout_sets_person_exercise_day")
        batch_op.drop_index("ix_workout_sets_person_day")

    op.drop_table("workout_sets")
    op.drop_table("load_overrides")
    op.drop_table("check_ins")
    with op.batch_alter_table("cardio_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_cardio_sessions_person_day")

    op.drop_table("cardio_sessions")
