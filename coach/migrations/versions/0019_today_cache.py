"""today's prescriptions kept per person and day

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04

``today_cache`` keeps, per person, the prescriptions of one local day and the stamp of
the inputs they were computed from (coach/coaching/today_cache.py). Every person has a
row: the existing ones are made here, new ones by a trigger on ``people``.

Triggers add 1 to the person's stamp in the transaction of every write that changes
what the rules read, whichever code (or person at a SQL prompt) makes it:

- a set inserted, changed or deleted for a day before the row's ``day`` (a set of the
  day itself or later changes nothing the rules read; the row is still updated, so a
  today request that is about to compute waits for the set's transaction);
- a check-in, a load override or a swap of the person (any change);
- the chosen exercises of the person's team, the person's team, any band level.

The program, its week, the band set, the catalogue and the code are part of the key
the prescriptions were computed for instead. SQLite drops a table's triggers when a
batch migration rebuilds the table: tests/test_migrations.py fails when one is missing
at the head.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

BUMP = "UPDATE today_cache SET stamp = stamp + 1"
# Tables whose rows belong to one person and feed the rules whatever their day.
PERSON_TABLES = ("check_ins", "load_overrides", "exercise_swaps")
OPERATIONS = ("insert", "update", "delete")

# The set's day(s) against the row's day: SQLite's two-argument MIN, PostgreSQL's LEAST.
SQLITE_SET_DAY = {"insert": "NEW.local_date", "delete": "OLD.local_date"}
SQLITE_SET_DAY["update"] = "MIN(OLD.local_date, NEW.local_date)"


def _rows(operation: str) -> tuple[str, ...]:
    return {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}[operation]


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for op_name in OPERATIONS:
        people = ", ".join(f"{row}.person_id" for row in _rows(op_name))
        triggers[f"today_stale_set_{op_name}"] = (
            f"AFTER {op_name.upper()} ON workout_sets BEGIN {BUMP}"
            f" WHERE person_id IN ({people})"
            f" AND (day IS NULL OR day > {SQLITE_SET_DAY[op_name]}); END"
        )
        for table in PERSON_TABLES:
            triggers[f"today_stale_{table}_{op_name}"] = (
                f"AFTER {op_name.upper()} ON {table} BEGIN {BUMP}"
                f" WHERE person_id IN ({people}); END"
            )
        teams = ", ".join(f"{row}.team_id" for row in _rows(op_name))
        triggers[f"today_stale_chosen_phases_{op_name}"] = (
            f"AFTER {op_name.upper()} ON chosen_phases BEGIN {BUMP}"
            f" WHERE person_id IN (SELECT id FROM people WHERE team_id IN ({teams})); END"
        )
        triggers[f"today_stale_band_levels_{op_name}"] = (
            f"AFTER {op_name.upper()} ON band_levels BEGIN {BUMP}; END"
        )
    triggers["today_cache_new_person"] = (
        "AFTER INSERT ON people BEGIN"
        " INSERT INTO today_cache (person_id, stamp) VALUES (NEW.id, 0); END"
    )
    triggers["today_stale_person_team"] = (
        f"AFTER UPDATE OF team_id ON people BEGIN {BUMP} WHERE person_id = NEW.id; END"
    )
    return triggers


# PostgreSQL: one function per kind of row, each trigger FOR EACH ROW but band levels'.
PG_FUNCTIONS = {
    "today_stale_by_set": f"""
DECLARE
    person integer;
    earliest date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        person := NEW.person_id; earliest := NEW.local_date;
    ELSIF TG_OP = 'DELETE' THEN
        person := OLD.person_id; earliest := OLD.local_date;
    ELSE
        person := NEW.person_id; earliest := LEAST(OLD.local_date, NEW.local_date);
        IF OLD.person_id <> NEW.person_id THEN
            {BUMP} WHERE person_id = OLD.person_id;
        END IF;
    END IF;
    -- Always an UPDATE, so the row stays locked until this transaction ends.
    UPDATE today_cache
       SET stamp = stamp + CASE WHEN day IS NULL OR day > earliest THEN 1 ELSE 0 END
     WHERE person_id = person;
    RETURN NULL;
END""",
    "today_stale_by_person": f"""
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {BUMP} WHERE person_id = OLD.person_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR OLD.person_id <> NEW.person_id) THEN
        {BUMP} WHERE person_id = NEW.person_id;
    END IF;
    RETURN NULL;
END""",
    "today_stale_by_team": f"""
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {BUMP} WHERE person_id IN (SELECT id FROM people WHERE team_id = OLD.team_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR OLD.team_id <> NEW.team_id) THEN
        {BUMP} WHERE person_id IN (SELECT id FROM people WHERE team_id = NEW.team_id);
    END IF;
    RETURN NULL;
END""",
    "today_stale_for_all": f"""
BEGIN
    {BUMP};
    RETURN NULL;
END""",
    "today_cache_new_person": """
BEGIN
    INSERT INTO today_cache (person_id, stamp) VALUES (NEW.id, 0);
    RETURN NULL;
END""",
    "today_stale_person_team": f"""
BEGIN
    {BUMP} WHERE person_id = NEW.id;
    RETURN NULL;
END""",
}
_EVERY_CHANGE = "AFTER INSERT OR UPDATE OR DELETE"
PG_TRIGGERS = {
    "today_stale_set": f"{_EVERY_CHANGE} ON workout_sets FOR EACH ROW"
    " EXECUTE FUNCTION today_stale_by_set()",
    **{
        f"today_stale_{table}": f"{_EVERY_CHANGE} ON {table} FOR EACH ROW"
        " EXECUTE FUNCTION today_stale_by_person()"
        for table in PERSON_TABLES
    },
    "today_stale_chosen_phases": f"{_EVERY_CHANGE} ON chosen_phases FOR EACH ROW"
    " EXECUTE FUNCTION today_stale_by_team()",
    "today_stale_band_levels": f"{_EVERY_CHANGE} ON band_levels FOR EACH STATEMENT"
    " EXECUTE FUNCTION today_stale_for_all()",
    "today_cache_new_person": "AFTER INSERT ON people FOR EACH ROW"
    " EXECUTE FUNCTION today_cache_new_person()",
    "today_stale_person_team": "AFTER UPDATE OF team_id ON people FOR EACH ROW"
    " WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id)"
    " EXECUTE FUNCTION today_stale_person_team()",
}


def upgrade() -> None:
    op.create_table(
        "today_cache",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.Integer(), server_default="0", nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("computed_stamp", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_today_cache_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_today_cache")),
    )
    op.execute("INSERT INTO today_cache (person_id, stamp) SELECT id, 0 FROM people")
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}\n$$")
        for name, definition in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, definition in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, definition in PG_TRIGGERS.items():
            table = definition.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in _sqlite_triggers():
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("today_cache")


def trigger_names(dialect: str) -> set[str]:
    """The triggers this migration makes on ``dialect`` (for tests/test_migrations.py)."""
    return set(PG_TRIGGERS if dialect == "postgresql" else _sqlite_triggers())
