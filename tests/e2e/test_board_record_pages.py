"""The board record's newer pages on the demo, as the secretary: terms of reference approved by a decision,
corrected minutes and the form to correct them, the decisions on a partner's and a workstream's page. Each
passes axe-core and fits a 375 px phone without scrolling sideways."""

import pytest
from sqlalchemy import select

from governance.accountability.models import Workstream
from governance.core import tenancy
from governance.extensions import db
from governance.meetings.models import Board
from governance.minutes.models import ApprovedMinutes, MinutesCorrection
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.demo]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _records():
    seeded = factories.demo_records()
    tenancy.activate(seeded.riverside.id)
    try:
        board = db.session.execute(select(Board).where(Board.kind == "board")).scalar_one()
        corrected = db.session.execute(select(MinutesCorrection.meeting_id).limit(1)).scalar_one()
        approved = db.session.execute(select(ApprovedMinutes.meeting_id).order_by(ApprovedMinutes.id.desc())
                                      .limit(1)).scalar_one()
        frailty = db.session.execute(select(Workstream).where(Workstream.name == "Proactive frailty service")
                                     ).scalar_one()
        return board.id, corrected, approved, seeded.partners["practice"].id, frailty.id
    finally:
        tenancy.activate(None)


def test_the_secretary_reads_the_board_record_s_newer_pages_on_a_phone(live_app, live_server, phone_page):
    board, corrected, approved, practice, frailty = _records()
    page = phone_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    pages = [
        (f"/n/riverside/meetings/boards/{board}/terms", "by decision"),
        (f"/n/riverside/minutes/meetings/{corrected}", "Corrections"),
        (f"/n/riverside/minutes/meetings/{approved}/corrections/new", "Correct the minutes"),
        (f"/n/riverside/partners/{practice}", "Decisions"),
        (f"/n/riverside/accountability/workstreams/{frailty}", "Recruit under the additional roles scheme"),
    ]
    for path, expected in pages:
        page.visit(path)  # axe-core checks each page
        assert expected in page.content(), path
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at 375 px"
