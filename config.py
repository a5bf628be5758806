"""Settings, read from the environment. Pick a class with ACCORD_ENV (development, production)."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
INSECURE_KEYS = {"", "dev", "change-me", "development-only-secret"}


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'accord.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 10 * 1024 * 1024))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)  # what the sign-in form promises
    REMEMBER_ME_COOKIE_NAME = "accord_remember"  # our own token (auth.sessions), not Flask-Login's
    SESSION_IDLE_HOURS = 12  # a session not remembered ends after this long unused
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Accord <no-reply@accord.invalid>")
    # Links in mail: in development they follow the port the app is served on (`make run PORT=5101`).
    EXTERNAL_URL = os.environ.get("EXTERNAL_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
    TASKS_IMMEDIATE = False  # True runs background tasks at once, in the request (tests)
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "accord-demo")
    INVITATION_DAYS = 7
    PASSWORD_RESET_HOURS = 2
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FAILURES_PER_ADDRESS = 20
    LOGIN_THROTTLE_MINUTES = 15
    # "Forgotten password" emails an hour, per email address and per client address.
    PASSWORD_RESETS_PER_EMAIL = 3
    PASSWORD_RESETS_PER_ADDRESS = 10
    PER_PAGE = 25
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", 0))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    WTF_CSRF_ENABLED = False
    TASKS_IMMEDIATE = True
    STRICT_TEMPLATES = True  # an undefined name in our own templates fails the test


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # Browsers use https only for a year (TLS is terminated by the proxy in front of the app).
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if key in INSECURE_KEYS or len(key) < 32:
            raise RuntimeError(
                "ProductionConfig needs SECRET_KEY set to a random value of at least 32 characters"
            )
        self.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_environment() -> Config:
    name = os.environ.get("ACCORD_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"ACCORD_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]()
