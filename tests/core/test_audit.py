"""The audit trail: written in the same transaction as the change, never updated or deleted."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from governance.auth.models import User
from governance.core import audit, tenancy
from governance.core.audit import AuditEntry
from governance.core.errors import ImmutableRecordError
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.networks.models import Network
from governance.partners.models import Partner
from tests import factories


def entries(entity_type=None, entity_id=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(db.session.execute(query).scalars())


def entry_count() -> int:
    return db.session.execute(select(func.count(AuditEntry.id))).scalar_one()


@pytest.fixture
def actor(any_app):
    user = factories.make_user(full_name="Sam Whitfield")
    db.session.commit()
    audit.set_actor(db.session, user.id)
    yield user
    audit.set_actor(db.session, None)


def test_create_update_delete_each_write_an_entry(actor):
    network = factories.make_network(name="Riverside")
    before = datetime.now(UTC)
    partner = Partner(network_id=network.id, name="Quay Street Surgery", kind="gp_practice", ods_code="A81001")
    db.session.add(partner)
    db.session.commit()

    created = entries("Partner", partner.id)
    assert [e.action for e in created] == ["create"]
    entry = created[0]
    assert entry.user_id == actor.id and entry.user.full_name == "Sam Whitfield"
    assert entry.network_id == network.id
    assert entry.created_at.tzinfo is not None and entry.created_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= entry.created_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert entry.changes["name"] == [None, "Quay Street Surgery"]
    assert entry.changes["ods_code"] == [None, "A81001"]
    assert "version" not in entry.changes and "updated_at" not in entry.changes

    partner.name = "Quay Street Medical Centre"
    partner.address = "1 Quay Street"
    db.session.commit()
    updated = entries("Partner", partner.id)[-1]
    assert updated.action == "update"
    assert updated.changes == {"name": ["Quay Street Surgery", "Quay Street Medical Centre"],
                               "address": ["", "1 Quay Street"]}

    partner_id = partner.id
    db.session.delete(partner)
    db.session.commit()
    deleted = entries("Partner", partner_id)[-1]
    assert deleted.action == "delete"
    assert deleted.changes["name"] == ["Quay Street Medical Centre", None]
    assert deleted.network_id == network.id


def test_an_update_that_changes_nothing_writes_nothing(actor):
    partner = factories.make_partner(factories.make_network())
    db.session.commit()
    count = entry_count()
    partner.name = partner.name
    db.session.commit()
    assert entry_count() == count


def test_secrets_are_never_copied_into_the_trail(actor):
    user = factories.make_user()
    invitation, _ = factories.make_invitation(factories.make_network())
    document = factories.make_document(factories.make_network())
    db.session.commit()
    user.password_hash = "scrypt:changed"
    db.session.commit()
    assert "password_hash" not in entries("User", user.id)[0].changes
    assert all("password_hash" not in e.changes for e in entries("User", user.id))
    assert "token_hash" not in entries("Invitation", invitation.id)[0].changes
    doc_entry = entries("IssuedDocument", document.id)[0]
    assert "pdf" not in doc_entry.changes
    assert doc_entry.changes["sha256"] == [None, document.sha256]


def test_a_rolled_back_change_leaves_no_entry(actor):
    count = entry_count()
    network = factories.make_network()
    factories.make_partner(network)
    db.session.flush()
    assert entry_count() > count  # written in the same transaction...
    db.session.rollback()
    assert entry_count() == count  # ...and gone with it
    assert db.session.execute(select(func.count(Network.id))).scalar_one() == 0


def test_a_named_event_is_recorded_with_details(actor):
    network = factories.make_network()
    db.session.commit()
    audit.record_event(network, "published", "Register of interests published", {"on": datetime(2026, 11, 22)})
    db.session.commit()
    event = entries("Network", network.id)[-1]
    assert (event.action, event.summary, event.user_id) == ("published", "Register of interests published", actor.id)
    assert event.changes == {"on": "2026-11-22T00:00:00"}
    assert event.network_id == network.id


def test_without_an_actor_entries_say_system(any_app):
    audit.set_actor(db.session, None)
    network = factories.make_network()
    db.session.commit()
    assert entries("Network", network.id)[0].user_id is None


def test_user_changes_are_filed_under_the_active_network(actor):
    network = factories.make_network()
    db.session.commit()
    tenancy.activate(network.id)
    try:
        user = factories.make_user()
        db.session.commit()
    finally:
        tenancy.activate(None)
    assert entries("User", user.id)[0].network_id == network.id


def test_the_orm_refuses_to_change_or_delete_an_entry(actor):
    factories.make_network()
    db.session.commit()
    entry = entries()[0]
    entry.summary = "rewritten history"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entries()[0])
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    assert entries()[0].summary != "rewritten history"


def test_the_orm_refuses_to_change_or_delete_an_issued_document(actor):
    document = factories.make_document(factories.make_network(), title="Annual governance statement")
    db.session.commit()
    document.title = "Altered"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(document)
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(IssuedDocument, document.id).title == "Annual governance statement"


@pytest.mark.parametrize("table", ["audit_entries", "issued_documents"])
def test_the_database_refuses_raw_update_and_delete(actor, table):
    network = factories.make_network()
    factories.make_document(network)
    db.session.commit()
    statements = [f"UPDATE {table} SET network_id = network_id", f"DELETE FROM {table}"]
    if db.engine.dialect.name == "postgresql":
        statements.append(f"TRUNCATE {table} CASCADE")
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()
    model = AuditEntry if table == "audit_entries" else IssuedDocument
    for statement in (update(model).values(network_id=network.id), delete(model)):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(model)).scalar_one() > 0


def test_every_domain_model_is_audited(app):
    """A model that is not audited must be one of the few bookkeeping tables."""
    from governance.core.db import Audited

    bookkeeping = {"AuditEntry", "LoginAttempt", "PasswordResetToken", "OutboxMessage", "OutboxAttachment",
                   "DocumentJob", "FormSubmission", "LedgerEntry", "LedgerCheck", "UserSession", "PasswordResetRequest",
                   "DecisionCounter",
                   # engagement: who sent feedback is kept out of the audit trail on purpose (an entry would
                   # show a hidden name to staff); public form uses only feed the rate limit
                   "FeedbackSender", "PublicFormUse"}
    unaudited = {m.class_.__name__ for m in db.Model.registry.mappers
                 if not issubclass(m.class_, Audited)}
    assert unaudited <= bookkeeping | _later_bookkeeping(), unaudited


def _later_bookkeeping() -> set[str]:
    """Append-only records are audited by being immutable; they need no update trail."""
    from governance.core.db import AppendOnly

    return {m.class_.__name__ for m in db.Model.registry.mappers if issubclass(m.class_, AppendOnly)}


def test_users_edits_in_a_request_are_attributed_to_them(app, client, network, login_as):
    admin = login_as("network_admin")
    response = client.post(f"/n/{network.slug}/settings", data={
        "name": "Riverside Primary Care Home", "care_model": "primary_care_home", "ods_code": "",
        "footprint": "Riverside valley", "financial_year_start": 2026, "version": network.version})
    assert response.status_code == 302
    db.session.rollback()
    entry = entries("Network", network.id)[-1]
    assert entry.action == "update" and entry.user_id == admin.user_id
    assert entry.changes["name"] == ["Riverside Test Network", "Riverside Primary Care Home"]
    assert isinstance(db.session.get(User, admin.user_id).last_login_at, datetime)
