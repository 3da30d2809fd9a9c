"""Coach: short strength routines at work, coached from a phone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing coach.domain must not pull in Flask
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides defaults and ``COACH_*`` variables."""
    from flask import Flask
    from flask_smorest import Api
    from werkzeug.middleware.proxy_fix import ProxyFix

    from coach import config as settings
    from coach import database, errors, health, security
    from coach.accounts import auth, throttle
    from coach.accounts import commands as account_commands
    from coach.accounts import routes as account_routes
    from coach.catalogue import routes as catalogue_routes
    from coach.catalogue import service as catalogue
    from coach.coaching import history_routes
    from coach.coaching import routes as coaching_routes
    from coach.demo import commands as demo_commands
    from coach.extensions import db, migrate
    from coach.instruction import routes as instruction_routes
    from coach.json import OrjsonProvider
    from coach.live import routes as live_routes
    from coach.polls import routes as poll_routes
    from coach.reminders import commands as reminder_commands
    from coach.reminders import keys as reminder_keys
    from coach.reminders import routes as reminder_routes
    from coach.request_body import ApiRequest
    from coach.schemas import WallClockTime, loaded_enums, no_nul, only_null, openapi_plugin
    from coach.team_today import routes as team_today_routes
    from coach.teams import pages as team_pages
    from coach.teams import routes as team_routes
    from coach.web import routes as web_routes

    overrides = dict(config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("COACH_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, static_folder=None)
    app.request_class = ApiRequest
    app.json = OrjsonProvider(app)
    settings.load(app, overrides)
    catalogue.init_app(app)  # raises CatalogueError, listing every problem, if invalid

    database.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    plugin = openapi_plugin()
    api = Api(app, spec_kwargs={"marshmallow_plugin": plugin})
    plugin.converter.add_attribute_function(loaded_enums(catalogue.openapi_enums(app)))
    plugin.converter.add_attribute_function(no_nul)
    plugin.converter.add_attribute_function(only_null)
    api.register_field(WallClockTime, "string", None)
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": auth.COOKIE}
    )
    api.spec.components.security_scheme(
        "csrf", {"type": "apiKey", "in": "header", "name": auth.CSRF_HEADER}
    )
    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    throttle.init_app(app)
    reminder_keys.init_app(app)

    for blueprint in (
        health.blp,
        account_routes.blp,
        team_routes.blp,
        catalogue_routes.blp,
        coaching_routes.blp,
        history_routes.blp,
        instruction_routes.blp,
        reminder_routes.blp,
        live_routes.blp,
        team_today_routes.blp,
        poll_routes.blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(catalogue_routes.pages)
    app.register_blueprint(team_pages.pages)
    web_routes.init_app(app)
    account_commands.init_app(app)
    demo_commands.init_app(app)
    reminder_commands.init_app(app)

    if proxies := int(app.config["TRUSTED_PROXIES"]):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    return app
