"""Alembic environment: migrations run against the app's configured database."""

from __future__ import annotations

from typing import Any

from alembic import context
from flask import current_app

from coach.database import UTCDateTime

config = context.config
target_db = current_app.extensions["migrate"].db


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations must not import application code that may change later: our
    # timestamp column is stored as a plain timezone-aware DateTime.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def options() -> dict[str, Any]:
    return {
        "target_metadata": target_db.metadata,
        "render_item": render_item,
        **current_app.extensions["migrate"].configure_args,
    }


def run_migrations_offline() -> None:
    context.configure(url=str(target_db.engine.url), literal_binds=True, **options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, **options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
