"""The MOU schema on both databases: JSON content hashes the same, and the append-only triggers hold."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from governance.core import tenancy
from governance.extensions import db
from governance.mous import comments, pdfs, services, signing, versions
from governance.mous.models import MouStatus
from tests import factories
from tests.mous.conftest import sign

pytestmark = pytest.mark.postgres


def test_issue_sign_execute_and_append_only(any_app):
    network = factories.make_network(slug="any-database")
    tenancy.activate(network.id)
    try:
        parties = [factories.make_partner(network, name="Practice"), factories.make_partner(network, name="Trust")]
        signatories = [factories.make_signatory(network, partner) for partner in parties]
        mou = factories.make_mou(network, parties, issued=True, title="Café & co: “quoted” MOU")
        db.session.commit()
        db.session.expire_all()
        version = services.get_version(mou, 1)
        assert versions.verify(version)
        for member in signatories:
            sign(network, version, member)
        db.session.commit()
        assert mou.status == MouStatus.EXECUTED
        assert pdfs.executed_document(version) is not None
        for statement in ("UPDATE mou_versions SET title = 'x'", "DELETE FROM mou_signatures",
                          "UPDATE mou_version_parties SET name = 'x'"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
    finally:
        tenancy.activate(None)


def _without_guard(table: str) -> str:
    if db.engine.dialect.name == "sqlite":
        return f"DROP TRIGGER {table}_no_update"
    return f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"


def test_record_hashes_survive_the_round_trip_and_catch_changes_on_both(any_app):
    """Times, names and reasons read back hash as they did when written; a changed row does not."""
    network = factories.make_network(slug="record-hashes")
    tenancy.activate(network.id)
    try:
        parties = [factories.make_partner(network, name=f"Party {n}") for n in range(3)]
        signatories = [factories.make_signatory(network, partner) for partner in parties]
        mou = factories.make_mou(network, parties, issued=True)
        version = services.get_version(mou, 1)
        sign(network, version, signatories[0], full_name="Zoë O’Neill", user_agent="Mozilla/5.0 (Café)")
        signing.decline_mou_version(version, signatories[1], "Clause 4:\n“not agreed”", ip_address="2001:db8::1",
                                     user_agent="")
        db.session.commit()
        db.session.expire_all()
        version = services.get_version(mou, 1)
        assert versions.verify(version) and len(versions.integrity(version).records) == 2
        db.session.execute(text(_without_guard("mou_declines")))
        db.session.execute(text("UPDATE mou_declines SET ip_address = '192.0.2.1'"))
        db.session.commit()
        db.session.expire_all()
        check = versions.integrity(services.get_version(mou, 1))
        assert not check.ok and [type(c.record).__name__ for c in check.failed_records] == ["MouDecline"]
    finally:
        tenancy.activate(None)


def test_control_characters_typed_into_forms_are_saved_on_both(any_app):
    """PostgreSQL refuses NUL in text: it is removed, with other control characters, before saving."""
    network = factories.make_network(slug="odd-input")
    tenancy.activate(network.id)
    try:
        parties = [factories.make_partner(network, name="Practice"), factories.make_partner(network, name="Trust")]
        mou = factories.make_mou(network, parties, title="Frailty\x00 MOU", purpose="Care\x00 together\x1b")
        comments.add_comment(mou, mou.clauses[0], "Looks\x00 fine", factories.make_member(network, "board_secretary"))
        db.session.commit()
        assert (mou.title, mou.purpose) == ("Frailty MOU", "Care together")
    finally:
        tenancy.activate(None)
