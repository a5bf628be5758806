"""The board pack (page count, bookmarks, page numbers, served from the archive), the agenda PDF, and
calendars read back with icalendar (UID, SEQUENCE, cancelled, time zone), the feed and its token."""

import io
from datetime import UTC, date, datetime

import pypdf
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from governance.core import tenancy
from governance.documents.models import DocumentJob, IssuedDocument
from governance.extensions import db
from governance.meetings import agenda, calendars, changes, issuing, packs, papers, scheduling
from governance.meetings.meeting_models import CalendarFeed
from tests import factories


@pytest.fixture(autouse=True)
def scoped(network):
    tenancy.activate(network.id)
    yield
    tenancy.activate(None)


def outline(reader: pypdf.PdfReader) -> list:
    """The bookmarks as (title, page number from 1), children nested in lists."""
    def walk(entries):
        result = []
        for entry in entries:
            if isinstance(entry, list):
                result.append(walk(entry))
            else:
                result.append((entry.title, reader.get_destination_page_number(entry) + 1))
        return result
    return walk(reader.outline)


def latest_pack() -> bytes:
    document = db.session.execute(select(IssuedDocument).where(IssuedDocument.kind == packs.PACK_KIND)
                                  .order_by(IssuedDocument.id.desc())).scalars().first()
    db.session.refresh(document, ["pdf"])
    return document.pdf


def test_the_board_pack_has_every_paper_in_agenda_order_with_bookmarks_and_page_numbers(network, board_setup,
                                                                                        meeting):
    quality = factories.make_item(meeting, title="Quality report")
    factories.make_paper(quality, pages=4, title="Quality dashboard")
    factories.make_paper(quality, pages=1, title="Complaints summary")
    issuing.issue_papers(network, meeting, None)
    db.session.commit()  # the worker starts once the issue commits (at once, in tests)
    reader = pypdf.PdfReader(io.BytesIO(latest_pack()))
    assert len(reader.pages) == 2 + 3 + 2 + 4 + 1  # cover, agenda, then the papers
    assert outline(reader) == [
        ("Cover", 1), ("Agenda", 2),
        ("1. Welcome and apologies", 2), ("2. Declarations of interest", 2),
        ("3. Minutes of the previous meeting", 2), ("4. Action log", 2),
        ("5. Finance report", 3), [("Month 7 finance report", 3)],
        ("6. Practice merger", 6), [("Merger business case", 6)],
        ("7. Quality report", 8), [("Quality dashboard", 8), ("Complaints summary", 12)],
        ("8. Any other business", 2)]
    agenda_text = " ".join(reader.pages[1].extract_text().split())
    assert "Paper: Month 7 finance report (Finance lead), 3 pages 3" in agenda_text
    assert "Complaints summary (Finance lead), 1 page 8 12" in agenda_text
    assert "10:30 Finance report" in agenda_text
    assert "Confidential (part 2)" in agenda_text
    assert "Page 1 of 12" in reader.pages[0].extract_text()  # numbered as the whole pack


def test_a_repeat_download_comes_from_the_archive_until_something_changes(network, board_setup, meeting):
    issuing.issue_papers(network, meeting, None)
    db.session.commit()
    items = agenda.items_of(meeting)
    state = packs.pack_state(meeting, items)
    assert state.status == "ready"
    jobs_before = db.session.execute(select(func.count(DocumentJob.id))).scalar()
    assert packs.request_or_reuse(network, meeting, None).id == state.job.id  # nothing new to make
    assert db.session.execute(select(func.count(DocumentJob.id))).scalar() == jobs_before
    late = factories.make_item(meeting, title="Late item")
    factories.make_paper(late, pages=2)
    assert packs.pack_state(meeting, agenda.items_of(meeting)).status == "stale"
    packs.request_or_reuse(network, meeting, None)
    db.session.commit()
    state = packs.pack_state(meeting, agenda.items_of(meeting))
    assert state.status == "ready"
    assert len(pypdf.PdfReader(io.BytesIO(latest_pack())).pages) == 2 + 3 + 2 + 2


def test_the_agenda_pdf_leaves_out_what_the_reader_may_not_see(network, board_setup, meeting):
    items = agenda.items_of(meeting)
    visible = [item for item in items if not item.confidential]
    pdf = packs.agenda_pdf(network, meeting, items, visible, changes.changes_since_issue(meeting, items))
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Finance report" in text and "Practice merger" not in text and "Merger business case" not in text
    assert "1 confidential item (part 2) is not shown." in text


# Calendars ---------------------------------------------------------------------------------------

def events(ics: bytes) -> list:
    return Calendar.from_ical(ics).walk("VEVENT")


def test_one_meeting_as_ics_reads_back_with_its_uid_time_zone_and_sequence(app, network, board_setup, meeting):
    meeting.video_link = "https://meet.example/riverside"
    db.session.flush()
    calendar = Calendar.from_ical(calendars.meeting_ics(meeting))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    event = calendar.walk("VEVENT")[0]
    uid = str(event["UID"])
    assert uid == f"meeting-{meeting.id}.{network.slug}@127.0.0.1"
    start = event.decoded("DTSTART")
    assert (str(start.tzinfo), start.hour, event.decoded("DTEND").hour) == ("Europe/London", 10, 12)
    assert event.decoded("DTSTART").astimezone(UTC) == meeting.starts_at
    assert (event["SEQUENCE"], str(event["STATUS"])) == (0, "CONFIRMED")
    description = str(event["DESCRIPTION"])
    assert f"/n/{network.slug}/meetings/{meeting.id}" in description
    assert "Join online: https://meet.example/riverside" in description
    for secret in ("Practice merger", "Merger business case", "Finance report"):
        assert secret not in calendars.meeting_ics(meeting).decode()

    data = {**scheduling.meeting_form_data(meeting), "place": meeting.place, "video_link": "", "title": "",
            "day": date(2026, 12, 17)}
    scheduling.update_meeting(meeting, data, meeting.version, None)
    scheduling.cancel_meeting(meeting, "Moved to January", None)
    event = events(calendars.meeting_ics(meeting))[0]
    assert str(event["UID"]) == uid  # the same event, updated in place
    assert (event["SEQUENCE"], str(event["STATUS"])) == (2, "CANCELLED")
    assert event.decoded("DTSTART").date() == date(2026, 12, 17)
    summer = factories.make_meeting(board_setup.board, day=date(2027, 7, 8), start="14:00", end="16:00")
    event = events(calendars.meeting_ics(summer))[0]
    assert event.decoded("DTSTART").astimezone(UTC).hour == 13  # 14:00 BST


def test_the_feed_has_the_boards_a_member_sits_on_and_a_reset_stops_the_old_address(network, board_setup,
                                                                                    meeting):
    member = board_setup.seats["trust"].membership
    committee = factories.make_board(network, name="Finance subgroup", kind="subgroup")
    factories.make_meeting(committee, day=date(2026, 12, 3))  # a committee the member is not on
    feed, token = calendars.new_feed_token(member)
    db.session.commit()
    assert db.session.get(CalendarFeed, feed.id).token_hash != token  # only its hash is kept
    assert calendars.feed_url(feed, token).endswith(f"/calendar/{feed.id}/{token}.ics")
    found = calendars.find_feed(feed.id, token)
    uids = [str(e["UID"]) for e in events(calendars.feed_ics(found))]
    assert uids == [f"meeting-{meeting.id}.{network.slug}@127.0.0.1"]

    tenancy.activate(network.id)
    same_feed, new_token = calendars.new_feed_token(member)
    db.session.commit()
    assert same_feed.id == feed.id
    assert calendars.find_feed(feed.id, token) is None
    assert calendars.find_feed(feed.id, new_token) is not None
    assert calendars.find_feed(feed.id, "") is None
    assert calendars.find_feed(10**6, new_token) is None

    secretary = factories.make_member(network, "board_secretary")
    secretary_feed, secretary_token = calendars.new_feed_token(secretary)
    db.session.commit()
    everything = events(calendars.feed_ics(calendars.find_feed(secretary_feed.id, secretary_token)))
    assert len(everything) == 2  # a secretary organises every board's meetings


def test_a_former_member_s_feed_is_empty_of_their_old_board(network, board_setup, meeting, frozen_clock):
    seat = board_setup.seats["gp"]
    feed, token = calendars.new_feed_token(seat.membership)
    seat.to_date = date(2026, 11, 30)
    db.session.commit()
    frozen_clock.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert events(calendars.feed_ics(calendars.find_feed(feed.id, token))) == []
    seat.membership.active = False
    db.session.commit()
    assert calendars.feed_ics(calendars.find_feed(feed.id, token)) is None


def test_paper_bytes_are_stored_whole_and_read_back_in_one_query(network, board_setup, meeting, count_queries):
    items = [i for i in agenda.items_of(meeting) if i.current_papers]
    ids = [p.id for i in items for p in i.current_papers]
    db.session.commit()
    with count_queries() as counter:
        contents = papers.contents(ids)
    assert counter.count == 1 and all(data.startswith(b"%PDF-") for data in contents.values())
