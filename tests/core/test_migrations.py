"""The schema comes only from migrations: they match the models and run up and down, on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, String, inspect, text

from governance.extensions import db
from tests.conftest import running_app

APPEND_ONLY_TABLES = ("audit_entries", "issued_documents")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """The URL of a database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


def schema_differences() -> list:
    """What alembic autogenerate would write to make the migrated database match the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def assert_a_model_change_would_be_detected() -> None:
    """The comparison is not vacuous: a column missing from the migrations shows up as a diff."""
    column = Column("undeclared_in_migrations", String(10))
    table = db.metadata.tables["networks"]
    table.append_column(column)
    try:
        diffs = schema_differences()
    finally:
        table._columns.remove(column)
    assert [(d[0], d[3].name) for d in diffs] == [("add_column", "undeclared_in_migrations")]


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def append_only_triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with db.engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


def leftover_functions() -> set[str]:
    if db.engine.dialect.name != "postgresql":
        return set()
    sql = ("SELECT proname FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace "
           "WHERE nspname = 'public'")
    with db.engine.connect() as connection:
        return set(connection.execute(text(sql)).scalars())


def test_models_and_migrations_agree_then_migrations_go_down_and_up_again(empty_database):
    with running_app(empty_database):
        upgrade()
        assert schema_differences() == []
        assert_a_model_change_would_be_detected()
        model_tables = set(db.metadata.tables)
        assert table_names() == model_tables | {"alembic_version"}
        assert {t for t in append_only_triggers() if t.startswith(APPEND_ONLY_TABLES)}

        downgrade(revision="base")
        assert table_names() <= {"alembic_version"}
        assert append_only_triggers() == set()
        assert leftover_functions() == set()

        upgrade()
        assert schema_differences() == []
        assert table_names() == model_tables | {"alembic_version"}


def test_every_append_only_table_refuses_changes_in_every_migrated_database(any_app):
    triggers = append_only_triggers()
    for table in APPEND_ONLY_TABLES:
        assert any(name.startswith(table) for name in triggers), f"{table} has no append-only trigger"


def test_the_migration_history_is_one_line(app):
    scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(scripts.get_heads()) == 1, "migrations have branched: add a merge or re-chain them"
    assert len(scripts.get_bases()) == 1
