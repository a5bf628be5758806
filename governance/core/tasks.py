"""The background worker's task queue: huey, with SQLite storage by default and Redis in production.

Tasks are declared with `@task()`; each runs in a fresh application context (its own database
session, no network scope), in the worker process, or at once when `TASKS_IMMEDIATE` is set (tests).
Start the worker with `flask worker` (what `make run` does beside the web server).
"""

import functools
import os

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from config import INSTANCE_DIR
from governance.core import uow

_app: Flask | None = None
_AFTER_COMMIT = "accord_tasks_after_commit"


def _make_huey():
    redis_url = os.environ.get("REDIS_URL")
    immediate = os.environ.get("ACCORD_ENV") == "testing"
    if redis_url:
        return RedisHuey("accord", url=redis_url, immediate=immediate)
    filename = os.environ.get("TASK_QUEUE_FILE") or str(INSTANCE_DIR / "tasks.sqlite3")
    return SqliteHuey("accord", filename=filename, immediate=immediate)


huey = _make_huey()


def init_app(app: Flask) -> None:
    """Remember the app tasks run in, and run tasks at once when the config says so (tests)."""
    global _app
    _app = app
    huey.immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    if not huey.immediate and isinstance(huey, SqliteHuey):
        os.makedirs(os.path.dirname(huey.storage.filename), exist_ok=True)


def _app_for_task() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        raise RuntimeError("governance.core.tasks.init_app(app) has not been called")
    return _app


def _in_fresh_context(function):
    @functools.wraps(function)
    def run(*args, **kwargs):
        with _app_for_task().app_context():
            uow.enter_task()
            return function(*args, **kwargs)

    return run


def task(**options):
    """Declare a background task; calling it enqueues it (or runs it at once in immediate mode)."""

    def decorate(function):
        return huey.task(**options)(_in_fresh_context(function))

    return decorate


def periodic_task(schedule: crontab, **options):
    """Declare a task the worker runs on a schedule (e.g. `crontab(minute="*")`)."""

    def decorate(function):
        return huey.periodic_task(schedule, **options)(_in_fresh_context(function))

    return decorate


def enqueue_after_commit(session: Session, queued_task, *args) -> None:
    """Run `queued_task(*args)` once this session's transaction commits; never if it rolls back.

    The worker must not start on a record the request may still roll back (or has not yet
    made visible), so jobs about new rows are handed over only after the commit.
    """
    pending = session.info.setdefault(_AFTER_COMMIT, [])
    if (queued_task, args) not in pending:
        pending.append((queued_task, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session):
    for queued_task, args in session.info.pop(_AFTER_COMMIT, []):
        queued_task(*args)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(_AFTER_COMMIT, None)


@periodic_task(crontab(minute="41", hour="2"))
def refresh_statistics() -> None:
    """Nightly: refresh the query planner's statistics as the data grows (SQLite keeps none itself)."""
    from governance.extensions import db

    with db.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA optimize" if connection.dialect.name == "sqlite" else "ANALYZE")
