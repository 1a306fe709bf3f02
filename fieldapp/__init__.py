"""FieldApp: after-sale field service. `create_app()` builds the Flask application."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Flask

from fieldapp import config


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app. `test_config` replaces instance/config.py and the environment."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    config.load(app, test_config)

    from fieldapp import auth, clients, database, errors, htmx, params, security, templating
    from fieldapp.extensions import csrf, db, limiter, login_manager, migrate
    from fieldapp import compression, conditional
    from fieldapp.forms import html as form_html

    form_html.install()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    compression.init_app(app)  # after_request hooks run last-registered first: ours see the plain body
    with app.app_context():
        database.configure_engine(db.engine)

    clients.init_app(app)
    params.init_app(app)  # the bounded <int:...> converter, before any route is added
    auth.init_app(app)
    security.init_app(app)
    htmx.init_app(app)
    conditional.init_app(app)  # unchanged pages answered 304 (runs before compression, after the views)
    templating.init_app(app)
    errors.init_app(app)
    mimetypes.add_type("application/manifest+json", ".webmanifest")

    from importlib import import_module

    # One feature blueprint per module in fieldapp.views, registered in this order.
    for name in (
        "main",
        "auth",
        "account",
        "technician",
        "visits",
        "visit_parts",
        "visit_photos",
        "handover",
        "offline",
        "dispatch",
        "intake",
        "cases",
        "scheduling",
        "customers",
        "assets",
        "public",
        "scan",
        "admin",
        "web",
        "settings",
        "reports",
        "catalog",
        "returns",
        "followups",
        "complaints",
        "mail",
        "questions",
        "maintenance",
        "coverage",
        "exports",
        "faults",
        "dashboard",
    ):
        app.register_blueprint(import_module(f"fieldapp.views.{name}").bp)

    from fieldapp import cli

    cli.init_app(app)
    return app


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"
