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

    from fieldapp import database, languages, views, web
    from fieldapp.extensions import csrf, db, limiter, login_manager, migrate
    from fieldapp.forms import html as form_html
    from fieldapp.web import compression

    form_html.install()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    languages.init_app(app)
    compression.init_app(app)  # after_request hooks run last-registered first: ours see the plain body
    with app.app_context():
        database.configure_engine(db.engine)
    web.init_app(app)
    mimetypes.add_type("application/manifest+json", ".webmanifest")
    views.register(app)

    from fieldapp import cli
    from fieldapp.services import notify

    notify.install()  # what changes on a case's timeline tells the customer

    cli.init_app(app)
    return app


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"
