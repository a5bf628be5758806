"""Serialising check-then-write on a governance record, on SQLite and PostgreSQL alike.

A service that checks a record's state and then writes (sign, decline, issue a version, take
the next decision number) calls `serialise_on(record)` first. On PostgreSQL that locks the row
(SELECT ... FOR UPDATE); on SQLite, where FOR UPDATE does nothing, it takes the database's write
lock at once (BEGIN IMMEDIATE) so that the checks read after any concurrent writer committed.
Either way everything loaded before is expired, so the checks re-read what they use.
"""

from sqlalchemy import select

from governance.extensions import db


def serialise_on(record) -> None:
    """Hold `record` (its row, or on SQLite the database) until commit and re-read from there."""
    if db.session.new or db.session.dirty or db.session.deleted:
        db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:  # a transaction that has written already holds the lock
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        model = type(record)
        db.session.execute(select(model.id).where(model.id == record.id).with_for_update())
    db.session.expire_all()
