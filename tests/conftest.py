"""Fixtures: app, db, client, login_as(role), a query counter, a real SMTP server, PostgreSQL."""

import inspect
import os
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask import g, request_started
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import event
from werkzeug.routing import Rule

from config import TestingConfig
from governance import create_app
from governance.extensions import db as _db
from tests import factories
from tests.postgres import PostgresServer


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the whole run: each test's new app skips recompiling."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _SharedBytecodeCache()


def _share_compiled_url_builders() -> None:
    """Each test makes a new app, and Werkzeug compiles two URL builders (Python source, via `ast`)
    for each of its ~220 routes: most of an app's start-up time, paid ~2,000 times a run. A builder
    depends only on the rule's text, parts, defaults and converters, and takes the rule as its first
    argument, so identical rules share one compiled function across the run's apps."""
    compiled: dict[tuple, object] = {}
    compile_builder = Rule._compile_builder

    def shared(self, append_unknown=True):
        key = (self.rule, self.host, self.subdomain, self.merge_slashes, tuple(self._trace), append_unknown,
               tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items())),
               tuple(sorted((name, type(converter).__name__, converter.regex)
                            for name, converter in self._converters.items())))
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared


_share_compiled_url_builders()

# Every test runs on Monday 23 November 2026 at 09:30 UK time, with the clock ticking from there,
# so that dates the tests make ("an MOU ending 31 March 2028") mean the same thing every year.
FROZEN_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


_TRAVEL = time_machine.travel(FROZEN_AT, tick=True)
_CLOCK = _TRAVEL.start()  # for the whole run, so that module-wide fixtures see the same date


@pytest.fixture(autouse=True)
def frozen_clock():
    """Each test starts at FROZEN_AT; move the clock with `frozen_clock.shift(timedelta(...))`."""
    _CLOCK.move_to(FROZEN_AT)
    return _CLOCK


def build_app(database_uri: str, **overrides):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_uri, **overrides})
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    return app


def migrate_to_head(app) -> None:
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(build_app(f"sqlite:///{path}"))
    return path


def _fresh_request_globals(sender, **extra):
    """Each request starts as in production: an empty `g` and nothing loaded from the database.

    Tests hold an app context, and Flask reuses it (and so `g` and the session) for the test
    client's requests. Without this, `g` (the user cached by Flask-Login, the current network)
    would leak from one request into the next, even across clients; and what a request queries
    would depend on what the test happened to have loaded (or garbage-collected) before it.
    The test's own pending changes are committed first: a request starts from committed data,
    and what it writes in its own transaction (sign-in attempts) must not wait on the test's.
    """
    g.__dict__.clear()
    _db.session.commit()
    _db.session.expire_all()


@contextmanager
def running_app(uri: str, **overrides):
    app = build_app(uri, **overrides)
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            _db.engine.dispose()


def _posting_helpers(module) -> frozenset[str]:
    """Names of the test module's own functions that make POST requests."""
    names = getattr(module, "_accord_posting_helpers", None)
    if names is None:
        names = frozenset(name for name, value in vars(module).items()
                          if inspect.isfunction(value) and value.__module__ == module.__name__
                          and not name.startswith("test") and ".post(" in _source(value))
        module._accord_posting_helpers = names
    return names


def _source(function) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def _writes(metafunc) -> bool:
    """Whether a request test makes a writing request (a POST), itself or through its module's helpers."""
    source = _source(metafunc.function)
    return ".post(" in source or any(f"{name}(" in source for name in _posting_helpers(metafunc.module))


def pytest_generate_tests(metafunc):
    """Every module's service tests and writing request tests run on SQLite and on PostgreSQL; request
    tests that only read run on SQLite, unless marked `postgres` (a page whose SQL differs by database)."""
    if "app" not in metafunc.fixturenames:
        return
    name = metafunc.definition.path.name
    both = metafunc.definition.get_closest_marker("postgres") is not None  # reads SQL written per database
    if name == "test_services.py" or (name == "test_views.py" and (both or _writes(metafunc))):
        metafunc.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def database(request):
    """Which database `app` runs on: SQLite unless the test is parametrized for both."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory):
    """The demo (Riverside and Northgate, every module's records), seeded once per test worker.

    Seeding takes most of a minute; tests marked `demo` start from a copy of this database instead
    (read the records back with `factories.demo_records()`). One test still seeds through the CLI.
    """
    from governance import demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    _CLOCK.move_to(FROZEN_AT)
    with running_app(f"sqlite:///{path}", MAIL_SUPPRESS=True):
        demo.seed_demo(factories.PASSWORD)
        _db.session.commit()
    return path


def sqlite_start(request) -> Path:
    """The database a SQLite test starts from: the migrated schema, or the demo for tests marked `demo`."""
    demo = request.node.get_closest_marker("demo") is not None
    return request.getfixturevalue("demo_template" if demo else "sqlite_template")


@pytest.fixture
def app(database, request, tmp_path):
    if database == "postgresql":
        yield request.getfixturevalue("pg_app")
        return
    path = tmp_path / "accord.sqlite3"
    shutil.copy(sqlite_start(request), path)
    with running_app(f"sqlite:///{path}") as app:
        yield app


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer().start()
    try:
        template = server.create_database()
        migrate_to_head(build_app(server.url(template)))
        server.template = template
        yield server
    finally:
        server.finish_background_work()
        server.stop()


@pytest.fixture
def pg_app(postgres_server):
    name = postgres_server.checkout(postgres_server.template)
    try:
        with running_app(postgres_server.url(name)) as app:
            yield app
    finally:
        postgres_server.checkin(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request):
    """The same test on the embedded SQLite and on a real PostgreSQL server."""
    fixture = "app" if request.param == "sqlite" else "pg_app"
    return request.getfixturevalue(fixture)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def network(app):
    network = factories.make_network(name="Riverside Test Network", slug="riverside-test")
    _db.session.commit()
    return network


@pytest.fixture
def login_as(app, client, network):
    """login_as(role, network=None, **membership fields) -> Membership, signed in on `client`."""

    def login(role, in_network=None, user=None, **kw):
        membership = factories.make_member(in_network or network, role, user=user, **kw)
        _db.session.commit()
        response = client.post("/sign-in", data={"email": membership.user.email,
                                                 "password": factories.PASSWORD})
        assert response.status_code == 302, "sign-in failed"
        return membership

    return login


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def smtp_server(app):
    """A real local SMTP server (aiosmtpd); app mail goes to it. Yields the list of messages."""
    from aiosmtpd.controller import Controller

    from tests.postgres import free_port

    class Collector:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            self.messages.append(envelope)
            return "250 Message accepted"

    handler = Collector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield handler.messages
    finally:
        controller.stop()


os.environ.setdefault("ACCORD_ENV", "testing")
