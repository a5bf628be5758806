"""Meetings rules: boards and seats, quorum rules, scheduling, the agenda and its times, papers,
issuing, attendance and the live quorum, the register, terms of reference."""

import io
from datetime import UTC, date, datetime

import pypdf
import pytest
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import func, select

from governance.core import tenancy
from governance.core.errors import EditConflict, InputErrors, ServiceError
from governance.core.outbox import OutboxMessage
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.meetings import (
    agenda,
    attendance,
    boards,
    changes,
    hooks,
    issuing,
    papers,
    register,
    scheduling,
    terms,
    times,
)
from governance.meetings.access import viewer_for
from governance.meetings.meeting_models import MeetingPaper, MeetingStatus
from governance.meetings.models import TermsOfReference
from tests import factories
from tests.meetings.conftest import make_decision


@pytest.fixture(autouse=True)
def scoped(network):
    db.session.info["scoped_network"] = network.id
    tenancy.activate(network.id)
    yield
    tenancy.activate(None)


def elsewhere(make):
    """A record of another network, made with the scope lifted."""
    tenancy.activate(None)
    try:
        return make()
    finally:
        tenancy.activate(db.session.info.get("scoped_network"))


def messages(errors: ServiceError) -> list[str]:
    return [problem.message for problem in getattr(errors, "problems", [errors])]


class Upload(io.BytesIO):
    """What a file field hands the service."""

    def __init__(self, data: bytes, filename: str = "paper.pdf"):
        super().__init__(data)
        self.filename = filename


def pdf_with(**parts) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    if parts.get("javascript"):
        writer.add_js("app.alert('hello')")
    if parts.get("launch"):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    if parts.get("page_action"):
        writer.pages[0][NameObject("/AA")] = DictionaryObject()
    if parts.get("password"):
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Boards and seats ------------------------------------------------------------------------------

def test_a_board_needs_a_name_unique_in_the_network_and_committees_report_without_circles(network):
    board = boards.create_board(network, {"name": "Riverside board", "kind": "board", "frequency": "monthly"}, None)
    with pytest.raises(InputErrors) as error:
        boards.create_board(network, {"name": " riverside BOARD ", "kind": "committee", "frequency": "weekly"}, None)
    assert messages(error.value) == ["There is already a board or committee called riverside BOARD",
                                     "Select how often it meets"]
    finance = boards.create_board(network, {"name": "Finance subgroup", "kind": "subgroup", "frequency": "quarterly",
                                            "reports_to_id": board.id}, None)
    audit = boards.create_board(network, {"name": "Audit committee", "kind": "committee", "frequency": "quarterly",
                                          "reports_to_id": finance.id}, None)
    with pytest.raises(ServiceError, match="already reports to this one"):
        boards.update_board(finance, {"name": finance.name, "kind": "subgroup", "frequency": "quarterly",
                                      "reports_to_id": audit.id}, finance.version)
    second = boards.create_board(network, {"name": "Shadow board", "kind": "board", "frequency": "monthly"}, None)
    with pytest.raises(ServiceError, match="A board does not report to another board"):
        boards.update_board(second, {"name": second.name, "kind": "board", "frequency": "monthly",
                                     "reports_to_id": finance.id}, second.version)
    with pytest.raises(EditConflict):
        boards.update_board(board, {"name": "Renamed", "kind": "board", "frequency": "monthly"}, board.version - 1)
    other = elsewhere(lambda: factories.make_board(factories.make_network()))
    with pytest.raises(ServiceError, match="Choose a board or committee of this network"):
        boards.create_board(network, {"name": "X", "kind": "committee", "frequency": "monthly",
                                      "reports_to_id": other.id}, None)


def test_who_sat_on_the_board_on_a_given_day(network):
    board = factories.make_board(network)
    first_chair = factories.make_seat(board, role="chair", from_date=date(2025, 4, 1), to_date=date(2026, 2, 28))
    new_chair = factories.make_seat(board, role="chair", from_date=date(2026, 3, 1))
    member = factories.make_seat(board, from_date=date(2025, 4, 1))
    leaver = factories.make_seat(board, from_date=date(2025, 4, 1), to_date=date(2026, 3, 1))
    on_the_day = boards.seats_on(board.id, date(2026, 3, 1))
    assert on_the_day[0] == new_chair  # the chair first
    assert {s.id for s in on_the_day} == {new_chair.id, member.id, leaver.id}
    assert {s.id for s in boards.seats_on(board.id, date(2026, 2, 28))} == {first_chair.id, member.id, leaver.id}
    assert {s.id for s in boards.seats_on(board.id, date(2026, 3, 2))} == {new_chair.id, member.id}
    assert boards.seats_on(board.id, date(2025, 3, 31)) == []


def test_seats_refuse_overlaps_two_chairs_and_voting_in_attendance(network):
    board = factories.make_board(network)
    chair = factories.make_seat(board, role="chair", from_date=date(2025, 4, 1))
    someone = factories.make_member(network)
    data = {"membership_id": chair.membership_id, "role": "chair", "voting": True, "from_date": date(2026, 1, 1)}
    with pytest.raises(InputErrors) as error:
        boards.add_seat(board, data)
    assert messages(error.value) == [
        f"{chair.name} already sits on {board.name} then (since 1 april 2025). End that seat first, or change it",
        f"{chair.name} is chair then (since 1 april 2025). End their seat first, or choose another role"]
    with pytest.raises(ServiceError, match="Someone in attendance does not vote"):
        boards.add_seat(board, {**data, "membership_id": someone.id, "role": "in_attendance"})
    with pytest.raises(ServiceError, match="The date they left must be the same as or after"):
        boards.add_seat(board, {**data, "membership_id": someone.id, "role": "member",
                                "to_date": date(2025, 12, 31)})
    boards.end_seat(chair, date(2025, 12, 31))
    seat = boards.add_seat(board, {**data, "membership_id": someone.id})
    assert seat.role == "chair" and seat.from_date == date(2026, 1, 1)
    with pytest.raises(ServiceError, match="already ended"):
        boards.end_seat(chair, date(2026, 1, 31))
    outsider = elsewhere(lambda: factories.make_member(factories.make_network()))
    with pytest.raises(ServiceError, match="Choose a member of this network"):
        boards.add_seat(board, {**data, "membership_id": outsider.id, "role": "member"})


def test_the_quorum_rule_in_force_on_a_date_and_in_words(network):
    board = factories.make_board(network)
    for _ in range(9):
        factories.make_seat(board)
    boards.set_quorum_rule(board, {"effective_from": date(2025, 4, 1), "fraction": "1/2",
                                   "kind_minimums": {"gp_practice": 2}, "chair_required": True}, None)
    later = boards.set_quorum_rule(board, {"effective_from": date(2026, 6, 1), "minimum_present": 6}, None)
    assert boards.rule_in_force(board.id, date(2026, 5, 31)).fraction_numerator == 1
    assert boards.rule_in_force(board.id, date(2026, 6, 1)) == later
    assert boards.rule_in_force(board.id, date(2025, 3, 31)) is None
    again = boards.set_quorum_rule(board, {"effective_from": date(2026, 6, 1), "minimum_present": 5}, None)
    assert again.id == later.id and again.minimum_present == 5  # the same date replaces
    first = boards.as_rule(boards.rule_in_force(board.id, date(2026, 1, 1)))
    assert boards.describe_rule(first, 9) == [
        "At least half of the voting members: 5 of the 9 voting members today",
        "At least 2 GP practice representatives among the voting members present",
        "The chair or the vice-chair present",
        "Deputies attend but do not count towards the quorum"]
    with pytest.raises(InputErrors) as error:
        boards.set_quorum_rule(board, {"effective_from": None, "minimum_present": 0, "fraction": "7/8"}, None)
    assert messages(error.value) == ["The minimum number must be between 1 and 100",
                                     "Select a fraction of the voting members, or none",
                                     "Enter the date the rule takes effect"]
    with pytest.raises(ServiceError, match="Set at least one condition"):
        boards.set_quorum_rule(board, {"effective_from": date(2027, 1, 1)}, None)


# Scheduling -------------------------------------------------------------------------------------

def test_a_new_meeting_stores_uk_times_in_utc_and_starts_with_the_standing_items(network):
    board = factories.make_board(network, name="Riverside board")
    winter = factories.make_meeting(board, day=date(2026, 12, 10), start="10:00", end="12:30")
    summer = factories.make_meeting(board, day=date(2027, 7, 8), start="2pm", end="4.15pm")
    assert winter.starts_at == datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    assert winter.ends_at == datetime(2026, 12, 10, 12, 30, tzinfo=UTC)
    assert summer.starts_at == datetime(2027, 7, 8, 13, 0, tzinfo=UTC)  # BST is UTC+1
    assert summer.when == "Thursday 8 July 2027, 14:00 to 16:15"
    assert winter.title == "Riverside board meeting"
    assert [(i.position, i.title, i.standing_key) for i in agenda.items_of(winter)] == [
        (1, "Welcome and apologies", "welcome"), (2, "Declarations of interest", "declarations"),
        (3, "Minutes of the previous meeting", "previous_minutes"), (4, "Action log", "action_log"),
        (5, "Any other business", "any_other_business")]


@pytest.mark.parametrize("changes_, message", [
    ({"day": None}, "Enter the date of the meeting"),
    ({"start_time": ""}, "Enter the time the meeting starts"),
    ({"start_time": "quarter past"}, "Enter the time the meeting starts like 10:00 or 2:30pm"),
    ({"end_time": "25:00"}, "Enter a real time the meeting ends, like 10:00 or 2:30pm"),
    ({"end_time": "13pm"}, "Enter the time the meeting ends like 10:00 or 2:30pm"),
    ({"end_time": "9:00"}, "The meeting must end after it starts"),
    ({"place": "", "video_link": ""}, "Enter where the meeting is, or a video link, or both"),
    ({"video_link": "teams meeting"}, "Enter the video link as a web address starting https://"),
    ({"day": date(2027, 3, 28), "start_time": "1:30am", "end_time": "3am"},
     "That time does not exist on that day because the clocks go forward. Enter another time"),
    ({"board_id": -1}, "Choose the board or committee that is meeting"),
])
def test_bad_meeting_details_are_refused_with_a_message(network, changes_, message):
    board = factories.make_board(network)
    data = {"board_id": board.id, "day": date(2026, 12, 10), "start_time": "10:00", "end_time": "12:00",
            "place": "Riverside House", "video_link": "", **changes_}
    with pytest.raises(ServiceError) as error:
        scheduling.create_meeting(network, data, None)
    assert message in messages(error.value)


def test_moving_a_meeting_raises_its_calendar_sequence_and_tells_its_members(network, board_setup):
    meeting = factories.make_meeting(board_setup.board)
    data = {**scheduling.meeting_form_data(meeting), "place": meeting.place, "video_link": "", "title": ""}
    scheduling.update_meeting(meeting, {**data, "title": "Renamed"}, meeting.version, None)
    assert meeting.calendar_sequence == 0  # the title is not a change calendars need
    scheduling.update_meeting(meeting, {**data, "start_time": "11:00"}, meeting.version, None)
    assert meeting.calendar_sequence == 1
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "meeting_changed")).scalars().all()
    assert len(mail) == 5 and mail[0].attachments[0].filename == "meeting.ics"
    with pytest.raises(EditConflict):
        scheduling.update_meeting(meeting, data, meeting.version - 1, None)


def test_cancelling_keeps_the_meeting_and_tells_the_members(network, board_setup):
    meeting = factories.make_meeting(board_setup.board)
    with pytest.raises(ServiceError, match="Enter why the meeting is cancelled"):
        scheduling.cancel_meeting(meeting, "  ", None)
    scheduling.cancel_meeting(meeting, "Not enough business", None)
    assert meeting.status == MeetingStatus.CANCELLED and meeting.calendar_sequence == 1
    assert db.session.execute(select(func.count()).where(OutboxMessage.template == "meeting_cancelled")).scalar() == 5
    with pytest.raises(ServiceError, match="already been cancelled"):
        scheduling.cancel_meeting(meeting, "Again", None)
    with pytest.raises(ServiceError, match="cancelled, so its agenda cannot be changed"):
        factories.make_item(meeting)


def test_a_meeting_is_held_only_once_it_has_started(network, board_setup, frozen_clock):
    meeting = factories.make_meeting(board_setup.board)
    with pytest.raises(ServiceError, match="once it has started"):
        scheduling.mark_held(meeting, None)
    frozen_clock.move_to(datetime(2026, 12, 10, 10, 5, tzinfo=UTC))
    scheduling.mark_held(meeting, None)
    assert meeting.status == MeetingStatus.HELD
    with pytest.raises(ServiceError, match="has been held, so its agenda is kept as it was"):
        factories.make_item(meeting)
    with pytest.raises(ServiceError, match="already marked as held"):
        scheduling.mark_held(meeting, None)


# The agenda -------------------------------------------------------------------------------------

def test_items_go_before_any_other_business_and_are_timed_back_to_back(network):
    board = factories.make_board(network)
    meeting = factories.make_meeting(board, start="10:00", end="11:00")
    finance = factories.make_item(meeting, title="Finance report", duration_minutes=20)
    quality = factories.make_item(meeting, title="Quality report", duration_minutes=15)
    items = agenda.items_of(meeting)
    assert [i.title for i in items][-3:] == ["Finance report", "Quality report", "Any other business"]
    starts, ends = agenda.timings(meeting, items)
    local = {item.title: times.time_text(starts[item.id]) for item in items}
    assert local == {"Welcome and apologies": "10:00", "Declarations of interest": "10:05",
                     "Minutes of the previous meeting": "10:10", "Action log": "10:20", "Finance report": "10:30",
                     "Quality report": "10:50", "Any other business": "11:05"}
    assert times.time_text(ends) == "11:15"  # 15 minutes past the planned end: the page says so
    assert (finance.position, quality.position) == (5, 6)


def test_moving_items_up_and_down_and_removing_one_keeps_positions_whole(network):
    meeting = factories.make_meeting(factories.make_board(network))
    finance = factories.make_item(meeting, title="Finance report")
    factories.make_item(meeting, title="Quality report")
    agenda.move_item(meeting, finance.id, "down")
    assert [i.title for i in agenda.items_of(meeting)][4:] == ["Quality report", "Finance report",
                                                               "Any other business"]
    agenda.move_item(meeting, finance.id, "up")
    agenda.move_item(meeting, finance.id, "up")
    assert [i.title for i in agenda.items_of(meeting)][3:5] == ["Finance report", "Action log"]
    first = agenda.items_of(meeting)[0]
    with pytest.raises(ServiceError, match="already the first item"):
        agenda.move_item(meeting, first.id, "up")
    with pytest.raises(ServiceError, match="already the last item"):
        agenda.move_item(meeting, agenda.items_of(meeting)[-1].id, "down")
    agenda.remove_item(meeting, finance.id, None)
    items = agenda.items_of(meeting)
    assert [i.position for i in items] == [1, 2, 3, 4, 5, 6]
    assert "Finance report" not in [i.title for i in items]


@pytest.mark.parametrize("data, message", [
    ({"title": ""}, "Enter the title of the item"),
    ({"purpose": "gossip"}, "Select what the item is for"),
    ({"duration_minutes": None}, "Enter the time allowed in minutes, like 15"),
    ({"duration_minutes": 601}, "The time allowed must be between 0 and 600 minutes"),
    ({"confidential": True, "papers_public": True},
     "A confidential item's papers cannot be open to everyone: untick one"),
])
def test_bad_item_details_are_refused(network, data, message):
    meeting = factories.make_meeting(factories.make_board(network))
    with pytest.raises(ServiceError) as error:
        factories.make_item(meeting, **data)
    assert message in messages(error.value)


# Papers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, filename, message", [
    (b"", "paper.pdf", "The selected file is empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "paper.pdf", "The selected file must be a PDF"),
    (b"Finance report, month 7\n", "finance.pdf", "The selected file must be a PDF"),
    (b"%PDF-1.7\nthis is not really a PDF", "paper.pdf", "The selected file could not be read as a PDF"),
    ("javascript", "paper.pdf", "The selected PDF contains scripts or actions that run by themselves"),
    ("launch", "paper.pdf", "The selected PDF contains scripts or actions that run by themselves"),
    ("page_action", "paper.pdf", "The selected PDF contains scripts or actions that run by themselves"),
    ("password", "paper.pdf", "The selected PDF is protected with a password"),
])
def test_papers_are_checked_by_their_content(network, data, filename, message):
    meeting = factories.make_meeting(factories.make_board(network))
    item = factories.make_item(meeting)
    content = pdf_with(**{data: True}) if isinstance(data, str) else data
    with pytest.raises(ServiceError) as error:
        papers.add_paper(meeting, item, Upload(content, filename), "Finance report", "Finance lead", None)
    assert any(text.startswith(message) for text in messages(error.value))
    assert error.value.field == "file"
    assert db.session.execute(select(func.count(MeetingPaper.id))).scalar() == 0


def test_a_paper_too_large_is_refused_and_a_good_one_is_kept_whole(app, network):
    app.config["MEETING_PAPER_MAX_BYTES"] = 2000
    meeting = factories.make_meeting(factories.make_board(network))
    item = factories.make_item(meeting)
    big = factories.pdf_bytes(pages=40)
    with pytest.raises(ServiceError, match="The selected file must be smaller than 1 KB"):
        papers.add_paper(meeting, item, Upload(big), "Finance report", "Finance lead", None)
    app.config["MEETING_PAPER_MAX_BYTES"] = None
    with pytest.raises(InputErrors) as error:
        papers.add_paper(meeting, item, Upload(big), "", "", None)
    assert messages(error.value) == ["Enter the title of the paper", "Enter who wrote the paper"]
    paper = papers.add_paper(meeting, item, Upload(big, "../../Month 7 finance.PDF"), "Finance report",
                             "Finance lead", None)
    assert (paper.page_count, paper.filename, paper.size_bytes) == (40, "Month_7_finance.pdf", len(big))
    db.session.commit()
    db.session.expire_all()
    assert papers.load_content(paper.id).content == big


# Issuing ----------------------------------------------------------------------------------------

def test_issuing_on_time_freezes_the_agenda_tells_the_members_and_makes_the_pack(network, board_setup, meeting):
    told = issuing.issue_papers(network, meeting, None)  # 23 November: 16 clear days before 10 December
    assert told == 5
    assert meeting.status == MeetingStatus.PAPERS_ISSUED and not meeting.papers_issued_late
    sent = meeting.issued_snapshot["items"]
    assert [entry["title"] for entry in sent][4:6] == ["Finance report", "Practice merger"]
    assert sent[4]["papers"][0]["title"] == "Month 7 finance report"
    assert sent[4]["starts_at"] == "2026-12-10T10:30:00+00:00"
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "meeting_papers_issued")
                              ).scalars().all()
    assert sorted(m.to_address for m in mail) == sorted(
        s.membership.user.email for s in board_setup.seats.values())
    assert mail[0].subject == "Papers for Riverside board meeting on 10 December 2026"
    with pytest.raises(ServiceError, match="already issued on 23 November 2026"):
        issuing.issue_papers(network, meeting, None)


@pytest.mark.parametrize("today, late, clear_days", [
    (date(2026, 12, 5), False, 4),
    (date(2026, 12, 6), False, 3),  # Sunday: the last day with 3 clear days (7, 8 and 9 December)
    (date(2026, 12, 7), True, 2),
    (date(2026, 12, 10), True, 0),
])
def test_the_three_clear_days_rule(today, late, clear_days):
    deadline = times.papers_deadline(datetime(2026, 12, 10, 10, 0, tzinfo=UTC), today)
    assert (deadline.late, deadline.clear_days, deadline.due_by) == (late, clear_days, date(2026, 12, 6))


def test_issuing_late_needs_confirming_and_is_recorded(network, board_setup, meeting, frozen_clock):
    frozen_clock.move_to(datetime(2026, 12, 7, 16, 0, tzinfo=UTC))
    with pytest.raises(ServiceError) as error:
        issuing.issue_papers(network, meeting, None)
    assert error.value.message == ("It is now 2 clear days before the meeting: papers should be sent at least 3 "
                                   "clear days before it. Check the warning, then issue the papers again")
    assert not meeting.papers_issued
    issuing.issue_papers(network, meeting, None, late_confirmed=True)
    assert meeting.papers_issued_late


def test_changes_after_issue_are_marked_against_what_was_sent(network, board_setup, meeting, frozen_clock):
    issuing.issue_papers(network, meeting, None)
    frozen_clock.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    items = {i.title: i for i in agenda.items_of(meeting)}
    late = factories.make_item(meeting, title="Winter pressures")
    paper = papers.add_paper(meeting, late, Upload(factories.pdf_bytes()), "Winter plan", "Ops lead", None)
    finance = items["Finance report"]
    agenda.move_item(meeting, finance.id, "up")
    agenda.update_item(finance, {"title": "Finance report, month 8", "purpose": "decision", "duration_minutes": 15,
                                 "presenter": "Finance lead"}, finance.version)
    withdrawn = papers.remove_paper(meeting, items["Practice merger"].papers[0], None)
    agenda.remove_item(meeting, items["Action log"].id, None)
    items = agenda.items_of(meeting)
    after = changes.changes_since_issue(meeting, items)
    by_title = {i.title: after.items.get(i.id, []) for i in items}
    assert by_title["Winter pressures"] == ["Added after the papers were issued, on 3 December 2026"]
    assert by_title["Finance report, month 8"] == [
        "Moved from item 5 after the papers were issued",
        "Changed after the papers were issued (title), on 3 December 2026"]
    assert by_title["Action log"] == ["Withdrawn after the papers were issued, on 3 December 2026"]
    assert after.papers == {paper.id: "Paper added after issue on 3 December 2026",
                            withdrawn.id: "Withdrawn after issue on 3 December 2026"}
    assert db.session.get(MeetingPaper, withdrawn.id) is not None  # kept: it was sent
    assert [i.position for i in items] == list(range(1, len(items) + 1))


# Attendance and the live quorum -----------------------------------------------------------------

def _entries(seats, **statuses):
    return {seat.id: {"status": statuses.get(key, "present"), "deputy_name": "", "arrived_at_item_id": None,
                      "left_at_item_id": None} for key, seat in seats.items()}


def test_the_quorum_follows_a_member_who_leaves_and_an_exclusion_for_one_item(network, board_setup, meeting):
    seats = board_setup.seats
    items = {i.title: i for i in agenda.items_of(meeting)}
    entries = _entries(seats, trust="apologies", gp2="apologies")
    entries[seats["gp"].id]["left_at_item_id"] = items["Practice merger"].id
    attendance.record_attendance(meeting, entries, None)
    result = attendance.meeting_quorum(meeting, agenda.items_of(meeting), attendance.records_of(meeting),
                                       attendance.seats_for(meeting))
    assert result.at_start.quorate
    assert result.by_item[items["Finance report"].id].quorate
    merger = result.by_item[items["Practice merger"].id]
    assert not merger.quorate
    assert merger.summary == ("Not quorate: 1 voting member present (at least 2 needed); 1 GP practice "
                              "representative (at least 2 needed); the chair is present.")
    assert result.inquorate_items == [items["Practice merger"].id, items["Any other business"].id]
    assert result.movements[items["Practice merger"].id] == [f"{seats['gp'].name} left the meeting"]

    def conflicted(found):
        return {items["Finance report"].id: {seats["gp"].id: "declared an interest and left for the item"}}

    hooks.register_exclusions(conflicted)
    try:
        result = attendance.meeting_quorum(meeting, agenda.items_of(meeting), attendance.records_of(meeting),
                                           attendance.seats_for(meeting))
        finance = result.by_item[items["Finance report"].id]
        assert not finance.quorate
        assert finance.not_counted == ((seats["gp"].name, "declared an interest and left for the item"),)
    finally:
        hooks._EXCLUSIONS.remove(conflicted)


def test_bad_attendance_is_refused_with_every_problem(network, board_setup, meeting):
    seats = board_setup.seats
    items = agenda.items_of(meeting)
    entries = _entries(seats, gp="represented", trust="apologies", chair="maybe")
    entries[seats["trust"].id]["arrived_at_item_id"] = items[2].id
    entries[seats["gp2"].id].update(arrived_at_item_id=items[3].id, left_at_item_id=items[1].id)
    entries[seats["observer"].id]["left_at_item_id"] = 10**6
    with pytest.raises(InputErrors) as error:
        attendance.record_attendance(meeting, entries, None)
    names = {key: seat.name for key, seat in seats.items()}
    assert sorted(messages(error.value)) == sorted([
        f"Select whether {names['chair']} was present, sent apologies, was absent or sent a deputy",
        f"Enter the name of {names['gp']}'s deputy",
        f"{names['gp2']} must leave at a later item than the one they joined at",
        f"{names['trust']} was not there, so they cannot have joined or left at an item",
        "Choose an item of this meeting's agenda"])
    assert {problem.field for problem in error.value.problems} == {
        f"status_{seats['chair'].id}", f"deputy_{seats['gp'].id}", f"left_{seats['gp2'].id}",
        f"arrived_{seats['trust'].id}", f"left_{seats['observer'].id}"}


def test_members_send_their_own_apologies_before_the_meeting(network, board_setup, meeting, frozen_clock):
    member = viewer_for(board_setup.seats["trust"].membership)
    record = attendance.send_apologies(meeting, member, board_setup.seats["trust"].membership.user)
    assert record.status == "apologies" and record.note.startswith("Sent by ")
    outsider = viewer_for(factories.make_member(network))
    with pytest.raises(ServiceError, match="You do not sit on this board"):
        attendance.send_apologies(meeting, outsider, factories.make_user())
    frozen_clock.move_to(datetime(2026, 12, 10, 10, 1, tzinfo=UTC))
    with pytest.raises(ServiceError, match="only before a meeting"):
        attendance.send_apologies(meeting, member, board_setup.seats["trust"].membership.user)


def test_the_attendance_register_counts_meetings_held_while_each_member_sat(network, board_setup, frozen_clock):
    board, seats = board_setup.board, board_setup.seats
    held = []
    for month in (5, 6, 7):
        meeting = factories.make_meeting(board, day=date(2026, month, 14))
        held.append(meeting)
    factories.make_meeting(board, day=date(2026, 8, 13))  # planned, never held: not counted
    late_joiner = factories.make_seat(board, from_date=date(2026, 6, 1))
    statuses = [{"chair": "present", "gp": "apologies"}, {"chair": "present", "gp": "present"},
                {"chair": "absent", "gp": "represented"}]
    for meeting, marks in zip(held, statuses, strict=True):
        meeting.status = MeetingStatus.HELD.value
        for key, status in marks.items():
            factories.make_attendance(meeting, seats[key], status, deputy_name="Deputy" if status == "represented"
                                      else "")
    factories.make_attendance(held[2], late_joiner, "present")
    result = register.attendance_register(board, date(2026, 4, 1), date(2027, 3, 31))
    assert [m.id for m in result.meetings] == [m.id for m in held]
    rows = {row.name: row for row in result.rows}
    chair, gp, joiner = rows[seats["chair"].name], rows[seats["gp"].name], rows[late_joiner.name]
    assert (chair.expected, chair.present, chair.rate, chair.counts.get("absent")) == (3, 2, 67, 1)
    assert (gp.expected, gp.present, gp.rate, gp.counts.get("represented")) == (3, 1, 33, 1)
    assert (joiner.expected, joiner.present, joiner.rate, joiner.not_recorded) == (2, 1, 50, 1)
    assert register.attendance_register(board, date(2026, 7, 1), date(2026, 7, 31)).meetings == held[2:]


# Terms of reference ------------------------------------------------------------------------------

def test_terms_of_reference_are_drafts_until_approved_then_frozen(network, board_setup, app):
    board = board_setup.board
    draft = terms.save_draft(board, "# Purpose\n\nTo run the network.", None, None)
    assert draft.number == 1 and draft.is_draft
    again = terms.save_draft(board, "# Purpose\n\nTo run the network well.", draft.version, None)
    assert again.id == draft.id
    with pytest.raises(ServiceError, match="must be today or in the past"):
        terms.approve(network, board, draft, date(2027, 1, 1), "Board meeting", None)
    job = terms.approve(network, board, draft, date(2026, 11, 19), "Board meeting of 19 November 2026", None)
    db.session.commit()  # the worker makes the PDF once the approval commits
    db.session.expire_all()
    draft = db.session.get(TermsOfReference, draft.id)
    assert not draft.is_draft and draft.document_id is not None and job.id
    assert draft.approved_by_decision_id is None
    second = terms.save_draft(board, terms.draft_text(board) + "\n\nAmended.", None, None)
    assert second.number == 2 and second.body.startswith("# Purpose\n\nTo run the network well.")
    assert terms.current_terms(terms.versions_of(board)).number == 1
    with pytest.raises(ServiceError, match="already been approved"):
        terms.approve(network, board, draft, date(2026, 11, 19), "Board meeting", None)
    html = str(terms.render("# Purpose\n\n<script>alert(1)</script> [link](javascript:alert(1))"))
    assert "<h2>Purpose</h2>" in html and "<script>" not in html and 'href="javascript' not in html



# Terms of reference approved by a decision --------------------------------------------------------

def _draft_terms(board):
    return terms.save_draft(board, "# Purpose\n\nTo run the network.", None, None)


def test_terms_approved_by_a_decision_record_it_and_its_date(network, board_setup):
    board = board_setup.board
    decision = make_decision(board, board_setup.seats.values())
    draft = _draft_terms(board)
    terms.approve(network, board, draft, None, "", None, decision.reference.lower())
    db.session.commit()
    db.session.expire_all()
    draft = db.session.get(TermsOfReference, draft.id)
    assert draft.approved_by_decision_id == decision.id and draft.approved_on == date(2026, 11, 19)
    assert terms.approving_decisions([draft])[draft.id].reference == decision.reference
    document = db.session.get(IssuedDocument, draft.document_id)
    words = " ".join(pypdf.PdfReader(io.BytesIO(document.pdf)).pages[0].extract_text().split())
    assert f"Approved on 19 November 2026 by decision {decision.reference}" in words
    links = [a["/A"]["/URI"] for a in pypdf.PdfReader(io.BytesIO(document.pdf)).pages[0].get("/Annots", [])
             if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    assert any(link.endswith(f"/n/{network.slug}/decisions/{decision.id}") for link in links)


def test_the_approving_decision_must_be_an_approved_one_of_the_board_or_the_board_above(network, board_setup):
    board = board_setup.board
    subgroup = factories.make_board(network, name="Finance subgroup", kind="subgroup", reports_to_id=board.id)
    sub_seat = factories.make_seat(subgroup, role="chair")
    factories.make_quorum_rule(subgroup, minimum_present=1)
    deferred = make_decision(board, board_setup.seats.values(), outcome="deferred")
    of_subgroup = make_decision(subgroup, [sub_seat], day=date(2026, 11, 18))
    of_board = make_decision(board, board_setup.seats.values(), day=date(2026, 11, 20))
    draft = _draft_terms(board)
    cases = [
        ("RIV-2099-1", None, "There is no decision RIV-2099-1 in this network. Enter the reference as it appears "
                             "in the decision log, like RIV-2026-014"),
        (of_subgroup.reference, None, f"Decision {of_subgroup.reference} was taken by Finance subgroup. Enter a "
                                      "decision of Riverside board"),
        (deferred.reference, None, f"Decision {deferred.reference} was not approved (its outcome is deferred)"),
        (of_board.reference, date(2026, 11, 19), "The date approved must be on or after 20 November 2026, when "
                                                 f"decision {of_board.reference} was taken"),
        ("", date(2026, 11, 19), "Enter the reference of the decision that approved the terms of reference, or "
                                 "say how they were approved"),
    ]
    for reference, approved_on, message in cases:
        with pytest.raises(ServiceError) as raised:
            terms.approve(network, board, draft, approved_on, "", None, reference)
        assert any(p.message.startswith(message) for p in raised.value.problems), (reference, raised.value.problems)
    assert db.session.get(TermsOfReference, draft.id).is_draft
    sub_draft = _draft_terms(subgroup)  # the board a subgroup reports to may approve its terms
    terms.approve(network, subgroup, sub_draft, None, "", None, of_board.reference)
    assert sub_draft.approved_by_decision_id == of_board.id and sub_draft.approved_on == date(2026, 11, 20)


def test_terms_approved_before_accord_say_how_instead_of_citing_a_decision(network, board_setup):
    draft = _draft_terms(board_setup.board)
    terms.approve(network, board_setup.board, draft, date(2025, 3, 12), "Board meeting of 12 March 2025", None)
    assert draft.approved_by_decision_id is None and not terms.approving_decisions([draft])
    assert draft.approval_note == "Board meeting of 12 March 2025" and draft.approved_on == date(2025, 3, 12)


def test_a_decision_of_another_network_is_refused_by_the_database(network, board_setup):
    from sqlalchemy.exc import IntegrityError

    other = factories.make_network(name="Northgate", slug="northgate-test")
    tenancy.activate(other.id)
    other_board = factories.make_board(other, name="Northgate board")
    seat = factories.make_seat(other_board, role="chair")
    factories.make_quorum_rule(other_board, minimum_present=1)
    foreign = make_decision(other_board, [seat])
    db.session.commit()
    tenancy.activate(network.id)
    draft = _draft_terms(board_setup.board)
    db.session.commit()
    draft.approved_by_decision_id = foreign.id
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert hooks.decision_by_reference(foreign.reference) is None  # nor found from this network


def test_a_draft_can_be_read_as_a_watermarked_pdf_and_is_not_archived(network, board_setup):
    board = board_setup.board
    draft = _draft_terms(board)
    before = db.session.execute(select(func.count(IssuedDocument.id))).scalar()
    reader = pypdf.PdfReader(io.BytesIO(terms.draft_pdf(network, board, draft)))
    words = " ".join(reader.pages[0].extract_text().split())
    assert "DRAFT" in words and "Draft version 1, not yet approved" in words and "To run the network." in words
    assert db.session.execute(select(func.count(IssuedDocument.id))).scalar() == before
    terms.approve(network, board, draft, date(2026, 11, 19), "Board meeting of 19 November 2026", None)
    with pytest.raises(ServiceError, match="has been approved"):
        terms.draft_pdf(network, board, draft)


def test_the_decisions_behind_every_version_are_read_in_one_go(network, board_setup, count_queries):
    board = board_setup.board
    approved = []
    for day in (18, 19):
        decision = make_decision(board, board_setup.seats.values(), day=date(2026, 11, day))
        draft = _draft_terms(board)
        terms.approve(network, board, draft, None, "", None, decision.reference)
        approved.append((draft, decision))
        db.session.commit()
    costs = []
    for versions in ([approved[0][0]], [draft for draft, _ in approved]):
        db.session.expire_all()
        [version.approved_by_decision_id for version in versions]  # the versions as the page has them loaded
        with count_queries() as counter:
            found = terms.approving_decisions(versions)
        costs.append(counter.count)
        assert {found[d.id].reference for d, _ in approved[:len(versions)]} == \
            {decision.reference for _, decision in approved[:len(versions)]}
    assert costs[0] == costs[1]
