"""Fixtures for the engagement tests: a practice, a workstream, a patient and a secretary; a fake link kind."""

from datetime import date

import pytest

from governance.core import tenancy
from governance.engagement import links
from governance.extensions import db
from tests import factories

HIDDEN_NAME = "Zebedee Quillfeather"  # a name that must never reach staff or the board


@pytest.fixture
def practice(network):
    return factories.make_partner(network, name="Quayside Surgery", ods_code="A81002")


@pytest.fixture
def workstream(network, practice):
    ward = factories.make_workstream(network, name="Virtual ward", lead_partner_id=practice.id,
                                     start_date=date(2026, 1, 5))
    db.session.commit()
    return ward


@pytest.fixture
def patient(network):
    return factories.make_member(network, "patient_panel_member", user=factories.make_user(full_name=HIDDEN_NAME))


@pytest.fixture
def fake_actions():
    """A kind of record a response can link to, as the decisions module will register."""
    records = {7: ("Extend the phone lines", "Done", "/actions/7"), 8: ("Review the leaflet", "Open", None)}
    links.register_link_kind("test_action", "Action", lambda ids: {i: records[i] for i in ids if i in records},
                             choices=lambda: [(i, title) for i, (title, _, _) in records.items()])
    yield records
    links.unregister_link_kind("test_action")


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
