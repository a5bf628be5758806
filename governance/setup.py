"""The steps create_app runs: extensions, templates, blueprints, hooks, error pages, CLI."""

import importlib
import os

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, select_autoescape
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter

from governance.core import formatting, permissions
from governance.core.db import MAX_RECORD_ID
from governance.core.templating import LEAVE_OUT, MacroFriendlyUndefined
from governance.extensions import csrf, db, login_manager, migrate

BLUEPRINTS = [
    "governance.system.views",
    "governance.auth.views",
    "governance.networks.views",
    "governance.audit.views",
    "governance.documents.views",
    "governance.partners.views",
    "governance.mous.views",
    "governance.accountability.views",
    "governance.meetings.views",
    "governance.decisions.views",
    "governance.minutes.views",
    "governance.engagement.views",
    "governance.declarations.views",
    "governance.dashboard.views",
]

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    for prefix in ("postgresql://", "postgres://"):
        if uri.startswith(prefix):  # psycopg 3 is the driver; hosting platforms often say postgres://
            app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len(prefix):]
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    # "basic": a changed address or browser only marks the session not fresh. "strong" would sign
    # out a phone whenever it changes network, and dropped remember-me after one page.
    login_manager.session_protection = "basic"
    from governance.auth import sessions

    login_manager.user_loader(sessions.load_user)
    login_manager.request_loader(sessions.load_user_from_remember_cookie)
    app.after_request(sessions.update_remember_cookie)
    import governance.models  # noqa: F401  every model registered before first use
    from governance.core import tasks

    tasks.init_app(app)


def register_templates(app: Flask) -> None:
    # The NHS.UK Jinja macros read nested params that may be absent: they need chainable undefined.
    # With STRICT_TEMPLATES (tests) our own undefined names and attributes raise instead.
    undefined = MacroFriendlyUndefined if app.config.get("STRICT_TEMPLATES") else ChainableUndefined
    app.jinja_options = {**app.jinja_options, "undefined": undefined}
    app.jinja_env.undefined = undefined
    app.jinja_env.globals["undefined"] = LEAVE_OUT
    # The NHS.UK macros are .jinja files: escape them too, or every `text` param would print raw HTML.
    app.jinja_env.autoescape = select_autoescape(["html", "htm", "xml", "jinja"])
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(app.template_folder),
        PackageLoader("nhsuk_frontend_jinja"),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        css_string=formatting.css_string,
        date=formatting.format_date,
        datetime=formatting.format_datetime,
        money=formatting.format_money,
        number=formatting.format_number,
    )
    app.jinja_env.globals.update(can=permissions.can, Permission=permissions.Permission)
    from governance.core.navigation import navigation_items

    @app.context_processor
    def layout_context():
        return {"network": g.get("network"), "membership": g.get("membership"),
                "navigation": navigation_items()}


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in every route: numbers beyond any primary key are 404 at routing, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = RecordIdConverter
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)


def register_request_hooks(app: Flask) -> None:
    from governance.networks.services import load_request_network, release_request_network

    app.before_request(load_request_network)
    app.before_request(permissions.enforce)
    app.teardown_request(release_request_network)

    @app.url_defaults
    def add_network_slug(endpoint, values):
        network = g.get("network")
        if (network is not None and "network_slug" not in values
                and app.url_map.is_endpoint_expecting(endpoint, "network_slug")):
            values["network_slug"] = network.slug

    @app.url_value_preprocessor
    def pop_network_slug(endpoint, values):
        if values and "network_slug" in values:
            g.network_slug = values.pop("network_slug")

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint and not request.endpoint.endswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("STRICT_TRANSPORT_SECURITY"):
            response.headers["Strict-Transport-Security"] = app.config["STRICT_TRANSPORT_SECURITY"]
        return response


def _error_page(template: str, status: int):
    def handler(error):
        if status == 500:
            db.session.rollback()
        return render_template(template, error=error), status

    return handler


def _edit_conflict(error):
    """Two saves raced past the checks: the second is refused and rolled back, nothing is overwritten."""
    db.session.rollback()
    return render_template("errors/409.html", error=error), 409


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a duplicate (rather than a broken link or a missing value)."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    return str(original).startswith("UNIQUE constraint failed")  # SQLite's words


def _integrity_error(error: IntegrityError):
    """A unique constraint that a concurrent save won is a conflict; any other refusal is a bug."""
    if is_unique_violation(error):
        return _edit_conflict(error)
    db.session.rollback()
    current_app.logger.error("The database refused a write: %s", error, exc_info=error)
    return render_template("errors/500.html", error=error), 500


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(StaleDataError, _edit_conflict)
    # A unique constraint that a concurrent save won (two people adding the same ODS code at once).
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(400, _error_page("errors/400.html", 400))
    app.register_error_handler(CSRFError, _error_page("errors/400.html", 400))
    app.register_error_handler(403, _error_page("errors/403.html", 403))
    app.register_error_handler(404, _error_page("errors/404.html", 404))
    app.register_error_handler(405, _error_page("errors/404.html", 405))
    app.register_error_handler(413, _error_page("errors/413.html", 413))
    app.register_error_handler(500, _error_page("errors/500.html", 500))


def register_cli(app: Flask) -> None:
    from governance import cli

    cli.init_app(app)
