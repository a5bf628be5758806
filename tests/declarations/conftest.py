"""Fixtures for the declarations tests: the meetings tests' board of five and meeting, and helpers."""

import pytest

from governance.core import tenancy
from governance.extensions import db
from tests.meetings.conftest import board_setup, meeting  # noqa: F401  the same board and meeting

INTEREST = {"category": "financial", "description": "Partner in a GP practice", "organisation": "Practice 1",
            "direct": "direct", "from_date": None, "to_date": None, "management": ""}


def scoped(network, make):
    tenancy.activate(network.id)
    try:
        result = make()
        db.session.commit()
        return result
    finally:
        tenancy.activate(None)


@pytest.fixture
def in_network(network):
    tenancy.activate(network.id)
    yield network
    tenancy.activate(None)
