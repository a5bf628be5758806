"""The audit trail: every create, update and delete of an audited record, in the same transaction.

Field changes are captured automatically after each flush; services add named events
(signed, issued, deactivated, ...) with `record_event`. Entries are append-only: the ORM
refuses to change them and database triggers (see the migrations) refuse UPDATE and DELETE.
"""

import enum
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, String, Text, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, UTCDateTime
from governance.core.errors import ImmutableRecordError
from governance.extensions import db

ACTOR_KEY = "accord_actor_id"
UNNAMED_KEY = "accord_actor_unnamed"
NETWORK_KEY = "accord_network_id"


class AuditEntry(AppendOnly, db.Model):
    __tablename__ = "audit_entries"
    # The audit page reads one network's entries newest first.
    __table_args__ = (Index("ix_audit_entries_network_newest", "network_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(80), index=True)
    entity_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    user = relationship("User", lazy="joined")


def set_actor(session: Session, user_id: int | None) -> None:
    """Name who is acting outside a request (CLI commands, scripts)."""
    session.info[ACTOR_KEY] = user_id


@contextmanager
def unnamed_actor(session: Session):
    """Writes flushed inside are audited with no actor: someone who asked not to be named to staff."""
    session.info[UNNAMED_KEY] = True
    try:
        yield
    finally:
        session.info.pop(UNNAMED_KEY, None)


def _actor_id(session: Session) -> int | None:
    if session.info.get(UNNAMED_KEY):
        return None
    if session.info.get(ACTOR_KEY) is not None:
        return session.info[ACTOR_KEY]
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _network_of(obj, session) -> int | None:
    if isinstance(obj, NetworkScoped):
        return obj.network_id
    if type(obj).__tablename__ == "networks":
        return obj.id
    return getattr(obj, "network_id", None) or session.info.get(NETWORK_KEY)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.audit_exclude:
            continue
        hist = state.attrs[key].history
        if action == "create":
            changes[key] = [None, _plain(getattr(obj, key))]
        elif action == "delete":
            changes[key] = [_plain((hist.unchanged or hist.deleted or [None])[0]), None]
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            changes[key] = [_plain(before), _plain(after)]
    return changes


def _row(session, obj, action, changes, summary=""):
    return {
        "network_id": _network_of(obj, session),
        "user_id": _actor_id(session),
        "created_at": clock.now(),
        "action": action,
        "entity_type": type(obj).__name__,
        "entity_id": getattr(obj, "id", None),
        "summary": summary or str(obj)[:500],
        "changes": changes,
    }


def record_event(obj, action: str, summary: str, details: dict | None = None) -> None:
    """Add a named event (e.g. 'signed') about a record to the audit trail."""
    db.session.flush()
    row = _row(db.session, obj, action, {k: _plain(v) for k, v in (details or {}).items()}, summary)
    db.session.execute(insert(AuditEntry), [row])


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only(session, flush_context, instances):
    for obj in session.dirty:
        if isinstance(obj, AppendOnly) and session.is_modified(obj, include_collections=False):
            raise ImmutableRecordError(f"{type(obj).__name__} records are never changed")
    for obj in session.deleted:
        if isinstance(obj, AppendOnly):
            raise ImmutableRecordError(f"{type(obj).__name__} records are never deleted")


@event.listens_for(Session, "after_flush")
def _write_audit_entries(session, flush_context):
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_row(session, obj, "create", _changes(obj, "create")))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _changes(obj, "update")
            if changes:
                rows.append(_row(session, obj, "update", changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_row(session, obj, "delete", _changes(obj, "delete")))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)
