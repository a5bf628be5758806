"""Configuration: production needs a real secret; SQLite runs in WAL with foreign keys and a busy timeout."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from config import ProductionConfig, TestingConfig, config_from_environment
from governance import create_app
from governance.extensions import db
from governance.networks.models import Membership

REAL_KEY = "k3Jx9vQ2-this-is-a-long-random-production-secret"


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "development-only-secret", "short-but-random-9f8"])
def test_production_config_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("ACCORD_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config_from_environment()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_config_starts_with_a_real_secret_key_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", REAL_KEY)
    monkeypatch.setenv("ACCORD_ENV", "production")
    settings = config_from_environment()
    assert isinstance(settings, ProductionConfig)
    app = create_app(settings, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    assert app.config["SECRET_KEY"] == REAL_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert not app.debug and not app.testing


def test_an_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("ACCORD_ENV", "staging")
    with pytest.raises(RuntimeError, match="ACCORD_ENV"):
        config_from_environment()


def test_remember_me_is_off_by_default_and_cookies_are_httponly_lax():
    assert TestingConfig.SESSION_COOKIE_HTTPONLY and TestingConfig.REMEMBER_COOKIE_HTTPONLY
    assert TestingConfig.SESSION_COOKIE_SAMESITE == "Lax" == TestingConfig.REMEMBER_COOKIE_SAMESITE


def test_a_postgresql_url_uses_the_psycopg_3_driver(tmp_path):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1:1/x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def _pragma(name: str):
    with db.engine.connect() as connection:
        return connection.execute(text(f"PRAGMA {name}")).scalar()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(app):
    assert _pragma("journal_mode") == "wal"
    assert _pragma("foreign_keys") == 1
    assert _pragma("busy_timeout") == 5000
    # every pooled connection, not only the first one
    connections = [db.engine.raw_connection() for _ in range(3)]
    try:
        for connection in connections:
            cursor = connection.cursor()
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
            cursor.close()
    finally:
        for connection in connections:
            connection.close()


def test_sqlite_enforces_foreign_keys(app):
    db.session.add(Membership(network_id=987654, user_id=987654, role="observer"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("given", ["postgres://u:p@db.internal/accord", "postgresql://u:p@db.internal/accord"])
def test_postgresql_urls_use_psycopg_3(given):
    from config import TestingConfig
    from governance import create_app

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": given})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/accord"
