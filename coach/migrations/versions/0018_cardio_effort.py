"""cardio effort 1-10, more kinds of cardio, team cardio days

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04

A cardio session said how hard it was in three words; it now has an effort from 1 to
10, and the words of the rows already stored become efforts where they sit on that
scale: easy 3, moderate 5, hard 7 (the API still takes the words from phones that
queued a session before, coach/coaching/schemas.py). Walking, swimming and other cardio
join running, cycling and rowing. A team may add cardio days beside its strength
routine (``teams.cardio_plan``; none for the teams there are).

Going back, efforts become words again (1-4 easy, 5-6 moderate, 7-10 hard); sessions
of a kind the old schema has no word for (walking, swimming, other) are deleted rather
than stored as something they were not.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD_ACTIVITIES = "activity IN ('running', 'cycling', 'rowing')"
NEW_ACTIVITIES = "activity IN ('walking', 'cycling', 'running', 'rowing', 'swimming', 'other')"
INTENSITIES = "intensity IN ('easy', 'moderate', 'hard')"


def upgrade() -> None:
    with op.batch_alter_table("cardio_sessions") as batch:
        batch.add_column(sa.Column("effort", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE cardio_sessions SET effort = CASE intensity"
        " WHEN 'easy' THEN 3 WHEN 'moderate' THEN 5 ELSE 7 END"
    )
    with op.batch_alter_table("cardio_sessions") as batch:
        batch.drop_constraint(op.f("ck_cardio_sessions_intensity_known"), type_="check")
        batch.drop_constraint(op.f("ck_cardio_sessions_activity_known"), type_="check")
        batch.drop_column("intensity")
        batch.alter_column("effort", existing_type=sa.Integer(), nullable=False)
        batch.create_check_constraint(
            op.f("ck_cardio_sessions_effort_range"), "effort >= 1 AND effort <= 10"
        )
        batch.create_check_constraint(op.f("ck_cardio_sessions_activity_known"), NEW_ACTIVITIES)
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("cardio_plan", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("cardio_plan")
    with op.batch_alter_table("cardio_sessions") as batch:
        batch.add_column(sa.Column("intensity", sa.String(length=10), nullable=True))
        batch.drop_constraint(op.f("ck_cardio_sessions_activity_known"), type_="check")
    op.execute("DELETE FROM cardio_sessions WHERE activity IN ('walking', 'swimming', 'other')")
    op.execute(
        "UPDATE cardio_sessions SET intensity = CASE WHEN effort <= 4 THEN 'easy'"
        " WHEN effort <= 6 THEN 'moderate' ELSE 'hard' END"
    )
    with op.batch_alter_table("cardio_sessions") as batch:
        batch.drop_constraint(op.f("ck_cardio_sessions_effort_range"), type_="check")
        batch.drop_column("effort")
        batch.alter_column("intensity", existing_type=sa.String(length=10), nullable=False)
        batch.create_check_constraint(op.f("ck_cardio_sessions_intensity_known"), INTENSITIES)
        batch.create_check_constraint(op.f("ck_cardio_sessions_activity_known"), OLD_ACTIVITIES)
