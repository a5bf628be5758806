"""The demo's boards and meetings are what the tour promises."""

import io

import pypdf
import pytest
from sqlalchemy import select

from governance.core import clock, tenancy
from governance.core.formatting import format_date
from governance.documents.services import load_with_pdf
from governance.extensions import db
from governance.meetings import agenda, attendance, boards, hooks, packs, terms
from governance.meetings.meeting_models import Meeting, MeetingStatus
from governance.meetings.models import Board
from tests import factories


@pytest.mark.demo
def test_the_demo_has_riverside_s_board_year_and_northgate_s_board(app):
    seeded = factories.demo_records()
    db.session.commit()  # the worker makes the next board pack
    tenancy.activate(seeded.riverside.id)
    try:
        board = db.session.execute(select(Board).where(Board.kind == "board")).scalar_one()
        seats = boards.seats_on(board.id, clock.today())
        assert len(seats) == 9 and seats[0].membership.user.email == "chair@riverside.example"
        assert seats[0].role == "chair" and sum(seat.voting for seat in seats) == 8
        assert boards.describe_rule(boards.as_rule(boards.rule_in_force(board.id, clock.today())), 8)[:3] == [
            "At least half of the voting members: 4 of the 8 voting members today",
            "At least 2 GP practice representatives among the voting members present",
            "The chair or the vice-chair present"]
        current = terms.current_terms(terms.versions_of(board))
        assert current.document_id is not None and current.number == 2  # reviewed, approved by a decision
        assert hooks.decision_by_id(current.approved_by_decision_id).reference.startswith("RIV-")
        meetings = list(db.session.execute(select(Meeting).where(Meeting.board_id == board.id)
                                           .order_by(Meeting.starts_at)).scalars())
        held, coming = meetings[:-1], meetings[-1]
        assert len(held) == 12 and all(m.status == MeetingStatus.HELD for m in held)
        inquorate = []
        for meeting in held:
            items = agenda.items_of(meeting)
            result = attendance.meeting_quorum(meeting, items, attendance.records_of(meeting),
                                               attendance.seats_for(meeting))
            assert result.at_start.quorate
            inquorate += [(meeting.id, item_id) for item_id in result.inquorate_items]
        assert len({meeting_id for meeting_id, _ in inquorate}) == 1  # one meeting, after a GP left
        assert coming.status == MeetingStatus.PAPERS_ISSUED and not coming.papers_issued_late
        state = packs.pack_state(coming, agenda.items_of(coming))
        assert state.ready  # and it ends with the draft minutes of the last meeting held
        pack = pypdf.PdfReader(io.BytesIO(load_with_pdf(state.pack.document_id).pdf))
        last = held[-1].local_start.date()
        assert pack.outline[-1].title == f"Minutes of the previous meeting ({format_date(last)})"
        committees = db.session.execute(select(Board.name).where(Board.reports_to_id == board.id)).scalars().all()
        assert sorted(committees) == ["Clinical governance committee", "Finance subgroup"]
    finally:
        tenancy.activate(seeded.northgate.id)
    northgate = db.session.execute(select(Board)).scalars().all()
    tenancy.activate(None)
    assert [b.name for b in northgate] == ["Northgate PCN Board"]
