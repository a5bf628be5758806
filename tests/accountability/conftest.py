"""Fixtures for the accountability tests: two active partners, a secretary, a member and a workstream."""

from contextlib import contextmanager
from datetime import date

import pytest

from governance.core import tenancy
from governance.extensions import db
from tests import factories

APRIL_2025 = date(2025, 4, 1)


@pytest.fixture
def practice(network):
    partner = factories.make_partner(network, name="Riverside Medical Centre", ods_code="A81001")
    factories.make_status_change(partner, "active", APRIL_2025)
    return partner


@pytest.fixture
def trust(network):
    partner = factories.make_partner(network, name="Riverside Community Trust", kind="community_trust",
                                     ods_code="RYX")
    factories.make_status_change(partner, "active", APRIL_2025)
    return partner


@pytest.fixture
def secretary(network):
    return factories.make_member(network, "board_secretary", job_title="Board secretary")


@pytest.fixture
def member(network):
    user = factories.make_user(full_name="Dr Priya Raman")
    return factories.make_member(network, "board_member", user=user, job_title="Clinical director")


@pytest.fixture
def workstream(network, practice):
    ward = factories.make_workstream(network, name="Virtual ward", lead_partner_id=practice.id,
                                     start_date=date(2026, 1, 5))
    db.session.commit()
    return ward


@pytest.fixture(autouse=True)
def scoped(request):
    """Service tests run with the test network active, as a request for it would."""
    if request.node.path.name != "test_services.py":
        yield None
        return
    network = request.getfixturevalue("network")
    tenancy.activate(network.id)
    yield network
    tenancy.activate(None)


@contextmanager
def outside():
    """Make records of another network (the active network's guard refuses them)."""
    active = tenancy.active_network_id()
    tenancy.activate(None)
    try:
        yield
    finally:
        tenancy.activate(active)
