"""Labor & Skills Competition Manager.

``create_app`` builds the Flask application: it loads configuration, binds the
extensions, registers one blueprint per stage of the competition cycle and the
CLI commands. It starts no thread and no scheduler, creates no table and touches
no network (the scheduler runs in its own process: ``flask --app wsgi jobs run``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from config import CONFIGS

BLUEPRINT_MODULES = (
    "competitions.main",
    "competitions.auth",
    "competitions.orgs",
    "competitions.people",
    "competitions.organize",
    "competitions.registration",
    "competitions.judging",
    "competitions.results",
    "competitions.rounds",
    "competitions.stats",
    "competitions.promotion",
    "competitions.api",
    "competitions.certificates",
    "competitions.innovation",
    "competitions.labour",
    "competitions.labour_results",
)


def create_app(config_name: str | None = None, test_config: dict | None = None) -> Flask:
    """Create and configure an application instance."""
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        instance_relative_config=True,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    config_name = config_name or os.environ.get("APP_CONFIG") or ("testing" if test_config else "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.update(test_config)
    _ensure_secret_key(app)
    _engine_options(app)
    _behind_proxies(app)
    from competitions import cli, errors, i18n, pdf_fonts, web
    from competitions.extensions import csrf, db, login_manager, migrate

    web.bound_inputs(app)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    errors.init_app(app)
    _register_models()
    for module_name in BLUEPRINT_MODULES:
        module = __import__(module_name, fromlist=["bp"])
        app.register_blueprint(module.bp)
    cli.init_app(app)
    pdf_fonts.configure(app.config.get("PDF_FONT_PATH"))
    with app.app_context():
        _configure_engine(db.engine)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Use the configured key; in development generate one into instance/ once; refuse in production."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("PRODUCTION"):
        raise RuntimeError(
            "SECRET_KEY is not set. Production needs a fixed key shared by every worker: "
            "set the SECRET_KEY environment variable or put it in instance/config.py."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _behind_proxies(app: Flask) -> None:
    """Behind ``PROXY_FIX_X_FOR`` proxies (nginx: 1), take the client's address and scheme from their headers.

    Login throttling counts tries per client address; without this every client would be the proxy.
    """
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _register_models() -> None:
    """Import every models module so the metadata knows all tables (for migrations and create_all)."""
    from competitions import models  # noqa: F401


def _engine_options(app: Flask) -> None:
    """No pre-ping on SQLite: a file on this machine does not drop connections, and the ping costs a statement.

    On PostgreSQL every checkout is pinged, so a pooled connection that a
    database restart killed is replaced instead of failing a judge's mark.
    """
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _configure_engine(engine) -> None:
    """Apply per-dialect settings to the engine."""
    if engine.dialect.name == "sqlite":
        from competitions.db import configure_sqlite

        configure_sqlite(engine)
