"""The demo's minutes: approved for every held Riverside meeting but the last, a draft for the last."""

import pytest
from sqlalchemy import select

from governance.core import ledger, tenancy
from governance.core.formatting import format_date
from governance.decisions import demo as decisions_demo
from governance.decisions import records
from governance.extensions import db
from governance.meetings.meeting_models import AgendaItem, Meeting, MeetingStatus, StandingItem
from governance.minutes import corrections, services
from governance.minutes import demo as demo_minutes
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
    for meeting, following in zip(board_held, board_held[1:], strict=False):  # approved by the next meeting
        decision = services.approved_of(meeting).decision
        assert decision.meeting_id == following.id and decision.outcome == "approved"
        assert decision.title == f"Approve the minutes of the meeting of {format_date(meeting.local_start.date())}"
        item = db.session.get(AgendaItem, decision.agenda_item_id)
        assert item.standing_key == StandingItem.PREVIOUS_MINUTES
    issued = [len(services.documents_of(services.approved_of(m))) for m in board_held[:-1]]
    assert issued[-demo_minutes.ISSUED:] == [2] * demo_minutes.ISSUED  # the latest are issued as PDFs
    corrected = services.approved_of(decisions_demo.minutes_to_correct(board_held))  # agreed by the last meeting
    [correction] = corrections.corrections_of(corrected)
    assert correction.decision.meeting_id == board_held[-1].id and "locum cover" in correction.corrected_wording
    assert services.documents_of(corrected)[services.KIND].title.endswith("with corrections")
    assert ledger.verify(seeded.riverside.id).ok
    tenancy.activate(None)
