"""Fixtures for the minutes tests: the decisions tests' held meeting, and a later meeting that approved a decision."""

from dataclasses import dataclass
from datetime import date

import pytest

from governance.core import tenancy
from governance.decisions import records
from governance.extensions import db
from governance.meetings import attendance
from tests import factories
from tests.decisions.conftest import decision_data, make_held


@dataclass
class Setting:
    held: object
    later: object
    approving: object  # an approved decision of the later meeting


def make_setting(network) -> Setting:
    held = make_held(network)
    tenancy.activate(network.id)
    trust = next(r for r in attendance.records_of(held.meeting) if r.board_member_id == held.seats["trust"].id)
    trust.status = "apologies"
    later = factories.make_meeting(held.board, day=date(2026, 11, 21), title="Extra board meeting")
    held.meeting.title = "November board meeting"
    item = factories.make_item(later, title="Previous minutes approval", purpose="decision")
    for seat in held.seats.values():
        factories.make_attendance(later, seat)
    db.session.flush()
    approving = records.record_decision(later, item, decision_data(
        title="Approve the minutes of 19 November", resolution="The board approves the minutes."), None)
    db.session.commit()
    return Setting(held, later, approving)


@pytest.fixture
def setting(network):
    value = make_setting(network)
    tenancy.activate(network.id)
    yield value
    tenancy.activate(None)
