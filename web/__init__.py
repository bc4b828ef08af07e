"""The web app for finance officers: contract form, results, saved scenarios, JSON API.

Built by a factory (``create_app``), never at import time::

    flask --app web run --debug          # development
    ./scripts/serve                      # production: gunicorn, SQLite under instance/

Configuration comes from environment variables with safe defaults (see :mod:`web.config`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` overrides the environment (tests pass their own)."""
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    from .config import from_environment

    app.config.from_mapping(from_environment(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    from . import i18n, security, storage

    security.private_folder(app.instance_path)  # 0700: the secret key and the database

    i18n.init_app(app)
    security.init_app(app)
    storage.init_app(app)

    from .views import api, cases, errors, main, negotiate, scenarios

    app.register_blueprint(main.bp)
    app.register_blueprint(scenarios.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(negotiate.bp)
    app.register_blueprint(cases.bp)
    errors.init_app(app)
    from . import audit, auth

    audit.init_app(app)
    auth.init_app(app)  # after storage: reads the user "local" from the database
    return app
