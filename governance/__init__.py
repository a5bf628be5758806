"""Accord: the governance and partnership workspace for care networks."""

from flask import Flask

from config import BASE_DIR, Config, config_from_environment
from governance.core.uow import UnitOfWorkFlask


def create_app(config: Config | type | None = None, overrides: dict | None = None) -> Flask:
    """Build the app from a config class (default: from ACCORD_ENV) and optional overrides."""
    app = UnitOfWorkFlask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    if config is None:
        config = config_from_environment()
    app.config.from_object(config)
    app.config.from_mapping(overrides or {})

    from governance import setup

    setup.register_extensions(app)
    setup.register_templates(app)
    setup.register_blueprints(app)
    setup.register_request_hooks(app)
    setup.register_error_handlers(app)
    setup.register_cli(app)
    if app.config.get("PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
