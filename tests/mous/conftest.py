"""Fixtures for the MOU tests: two parties with a signatory each, and a helper to sign."""

import pytest

from governance.extensions import db
from governance.mous import services
from tests import factories


@pytest.fixture
def parties(network):
    practice = factories.make_partner(network, name="Riverside Medical Centre", ods_code="A81001")
    trust = factories.make_partner(network, name="Riverside Community Trust", kind="community_trust",
                                   ods_code="RYX")
    db.session.commit()
    return practice, trust


@pytest.fixture
def signatories(network, parties):
    members = [factories.make_signatory(network, partner) for partner in parties]
    db.session.commit()
    return members


@pytest.fixture
def secretary(network):
    membership = factories.make_member(network, "board_secretary")
    db.session.commit()
    return membership


@pytest.fixture
def issued(network, parties, secretary):
    """An MOU between the two parties, with version 1 issued for signature."""
    mou = factories.make_mou(network, list(parties), issued=True, actor=secretary.user,
                             title="Frailty service MOU")
    db.session.commit()
    return mou


def sign(network, version, membership, **kw):
    """Sign as one request would: from committed data (the password check writes in its own transaction)."""
    db.session.commit()
    values = {"full_name": membership.user.full_name, "job_title": "Chief executive", "confirmed": True,
              "password": factories.PASSWORD, "ip_address": "203.0.113.7", "user_agent": "pytest browser"}
    values.update(kw)
    return services.sign_mou_version(network, version, membership, **values)
