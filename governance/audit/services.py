"""Reading the current network's audit trail."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from governance.auth.models import User
from governance.core.audit import AuditEntry
from governance.core.clock import LONDON
from governance.extensions import db
from governance.networks.models import Membership


def audit_query(network_id: int, entity_type=None, user_id=None, date_from=None, date_to=None):
    """Entries of one network, newest first, filtered (the user comes in the same query)."""
    query = (select(AuditEntry)
             .where(AuditEntry.network_id == network_id)
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if user_id:
        query = query.where(AuditEntry.user_id == user_id)
    # Dates are UK dates, as the page shows them (midnight in London is 23:00 UTC in summer).
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(date_from, time(), LONDON))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time(), LONDON)
        query = query.where(AuditEntry.created_at < end)
    return query


def filter_choices(network_id: int) -> tuple[list, list]:
    """The record types and the people that appear in this network's audit trail, for the filters."""
    types = db.session.execute(
        select(AuditEntry.entity_type).where(AuditEntry.network_id == network_id)
        .distinct().order_by(AuditEntry.entity_type)).scalars()
    # Only people who changed something here: a large network's members would make a huge list.
    authors = select(AuditEntry.user_id).where(AuditEntry.network_id == network_id).distinct()
    users = db.session.execute(
        select(User.id, User.full_name).join(Membership, Membership.user_id == User.id)
        .where(User.id.in_(authors)).order_by(User.full_name))
    return ([("", "Any")] + [(t, t) for t in types],
            [(None, "Anyone")] + [(u.id, u.full_name) for u in users])
