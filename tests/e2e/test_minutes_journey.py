"""Journey on the demo data: the secretary drafts the minutes of the last held board meeting and downloads
the draft PDF."""

import pytest
from sqlalchemy import select

from governance.core import tenancy
from governance.extensions import db
from governance.meetings import agenda
from governance.meetings.meeting_models import Meeting, MeetingStatus
from governance.meetings.models import Board
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.demo]


@pytest.fixture
def demo_data(live_app):
    return factories.demo_records()


def _last_held_board_meeting(seeded):
    tenancy.activate(seeded.riverside.id)
    try:
        board = db.session.execute(select(Board).where(Board.kind == "board")).scalar_one()
        meeting = db.session.execute(select(Meeting).where(
            Meeting.board_id == board.id, Meeting.status == MeetingStatus.HELD.value)
            .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one()
        return meeting, [i for i in agenda.items_of(meeting) if not i.standing_key][0]
    finally:
        tenancy.activate(None)


def test_secretary_drafts_the_minutes_and_downloads_the_draft_pdf(demo_data, live_server, browser_page):
    meeting, item = _last_held_board_meeting(demo_data)
    page = browser_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    page.visit(f"/n/riverside/meetings/{meeting.id}")
    page.get_by_role("link", name="Minutes of this meeting").click()
    page.check()
    page.get_by_role("link", name="Change the draft minutes").click()
    page.check()
    page.get_by_label(f"What was discussed: {item.position}. {item.title}").fill(
        "Members agreed the approach and asked for a progress report in January.")
    page.get_by_role("button", name="Save the draft minutes").click()
    page.check()
    assert page.get_by_text("The draft minutes have been saved.").is_visible()
    assert page.get_by_text("Members agreed the approach and asked for a progress report in January.").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the draft minutes (PDF, marked DRAFT)").click()
    assert download.value.suggested_filename.startswith("draft-minutes-")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Minutes of every Riverside Primary Care Home Board meeting").click()
    page.check()
    assert page.get_by_role("row", name=f"{meeting.title}").first.is_visible()
