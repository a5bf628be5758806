"""The demo's register of interests is what the tour promises."""

import pytest
from sqlalchemy import select

from governance.core import ledger, tenancy
from governance.declarations import at_meetings, duties, publishing
from governance.declarations.models import MeetingDeclaration
from governance.extensions import db
from governance.meetings import attendance
from tests import factories


@pytest.mark.demo
def test_riverside_has_a_full_register_one_member_overdue_and_a_gp_who_left_the_room(app):
    seeded = factories.demo_records()
    tenancy.activate(seeded.riverside.id)
    try:
        holders = publishing.decision_makers()
        overdue = [duty.membership.user.email for duty in duties.duties_for(holders) if duty.overdue]
        assert overdue == ["signatory@riverside.example"]
        rows = publishing.published_rows()
        assert sum(len(row.interests) for row in rows) >= 6 and any(row.nil for row in rows)
        assert all(not entry.withheld for row in rows for entry in row.interests)
        left = db.session.execute(select(MeetingDeclaration)).scalar_one()
        assert left.management == "leaves" and left.seat.membership.user.email == "gp@riverside.example"
        assert left.item.title == "Harbour Lane premises lease"
        meeting = left.meeting
        assert left.seat.id in at_meetings.quorum_exclusions(meeting)[left.agenda_item_id]
        assert attendance.meeting_quorum(meeting, meeting.items, attendance.records_of(meeting),
                                         attendance.seats_for(meeting)).by_item[left.agenda_item_id]
        assert ledger.verify(seeded.riverside.id).ok
    finally:
        tenancy.activate(None)
