"""The demo's minutes: approved for every held Riverside meeting but the last, a draft for the last."""

import pytest
from sqlalchemy import select

from governance.core import ledger, tenancy
from governance.decisions import records
from governance.extensions import db
from governance.meetings.meeting_models import Meeting, MeetingStatus
from governance.minutes import services
from governance.minutes.models import MinutesStatus
from tests import factories


@pytest.mark.demo
def test_riverside_has_approved_minutes_but_for_the_last_meeting(app):
    seeded = factories.demo_records()
    tenancy.activate(seeded.riverside.id)
    held = list(db.session.execute(select(Meeting).where(Meeting.status == MeetingStatus.HELD.value)
                                   .order_by(Meeting.starts_at)).scalars())
    board_held = [m for m in held if m.board_id == held[-1].board_id]
    statuses = [services.minutes_of(m).status for m in board_held]
    assert statuses == [MinutesStatus.APPROVED] * (len(board_held) - 1) + [MinutesStatus.DRAFT]
    assert all(records.is_locked(m) for m in board_held[:-1]) and not records.is_locked(board_held[-1])
    assert len(services.documents_of(services.approved_of(board_held[0]))) == 2
    assert ledger.verify(seeded.riverside.id).ok
    tenancy.activate(None)
