"""The one mechanism that scopes every read to the current network.

While a network is active on the session, every ORM SELECT gets a
`network_id = :current` criterion for every NetworkScoped entity it touches,
including relationship loads, joins and aliases. Scoped rows added, changed or deleted
must belong to the active network. Views therefore never filter by network by hand.
"""

from flask import abort, g
from sqlalchemy import event, select
from sqlalchemy.orm import Session, with_loader_criteria

from governance.core.db import MAX_RECORD_ID, NetworkScoped
from governance.extensions import db

SESSION_KEY = "accord_network_id"


def current_network():
    return g.get("network")


def activate(network_id: int | None) -> None:
    """Scope the current database session to one network (None lifts the scope)."""
    if network_id is None:
        db.session.info.pop(SESSION_KEY, None)
    else:
        db.session.info[SESSION_KEY] = network_id


def active_network_id() -> int | None:
    return db.session.info.get(SESSION_KEY)


def get_or_404(model, record_id):
    """Load one record of the current network by primary key, or answer 404."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < record_id <= MAX_RECORD_ID:  # the database would refuse the number: a 500, not a 404
        abort(404)
    record = db.session.execute(select(model).where(model.id == record_id)).scalar_one_or_none()
    if record is None:
        abort(404)
    if isinstance(record, NetworkScoped) and record.network_id != active_network_id():
        abort(404)
    return record


@event.listens_for(Session, "do_orm_execute")
def _scope_reads(state):
    network_id = state.session.info.get(SESSION_KEY)
    if network_id is None or not state.is_select:
        return
    if state.execution_options.get("all_networks", False):
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            NetworkScoped,
            lambda cls: cls.network_id == network_id,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _guard_writes(session, flush_context, instances):
    network_id = session.info.get(SESSION_KEY)
    if network_id is None:
        return
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, NetworkScoped) and obj.network_id not in (None, network_id):
            raise PermissionError(
                f"{type(obj).__name__} belongs to network {obj.network_id}, "
                f"not to the active network {network_id}"
            )
