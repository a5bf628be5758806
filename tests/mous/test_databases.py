"""The MOU schema on both databases: JSON content hashes the same, and the append-only triggers hold."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from governance.core import tenancy
from governance.extensions import db
from governance.mous import services
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
        assert services.verify(version)
        for member in signatories:
            sign(network, version, member)
        db.session.commit()
        assert mou.status == MouStatus.EXECUTED
        assert services.executed_document(version) is not None
        for statement in ("UPDATE mou_versions SET title = 'x'", "DELETE FROM mou_signatures",
                          "UPDATE mou_version_parties SET name = 'x'"):
            with pytest.raises(DatabaseError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
    finally:
        tenancy.activate(None)


def test_control_characters_typed_into_forms_are_saved_on_both(any_app):
    """PostgreSQL refuses NUL in text: it is removed, with other control characters, before saving."""
    network = factories.make_network(slug="odd-input")
    tenancy.activate(network.id)
    try:
        parties = [factories.make_partner(network, name="Practice"), factories.make_partner(network, name="Trust")]
        mou = factories.make_mou(network, parties, title="Frailty\x00 MOU", purpose="Care\x00 together\x1b")
        services.add_comment(mou, mou.clauses[0], "Looks\x00 fine", factories.make_user())
        db.session.commit()
        assert (mou.title, mou.purpose) == ("Frailty MOU", "Care together")
    finally:
        tenancy.activate(None)
