"""Scheduling meetings: the lists, a new meeting with its standing items, changes, cancelling, held."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import audit, clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.forms import NO_SUCH_RECORD
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.meetings import notices, times
from governance.meetings.access import Viewer
from governance.meetings.meeting_models import (
    AgendaItem,
    ItemPurpose,
    Meeting,
    MeetingStatus,
    StandingItem,
)
from governance.meetings.models import Board

# key, title, purpose, minutes: every new meeting starts with these (any other business stays last).
STANDING_ITEMS = [
    (StandingItem.WELCOME, "Welcome and apologies", ItemPurpose.INFORMATION, 5),
    (StandingItem.DECLARATIONS, "Declarations of interest", ItemPurpose.INFORMATION, 5),
    (StandingItem.PREVIOUS_MINUTES, "Minutes of the previous meeting", ItemPurpose.DECISION, 10),
    (StandingItem.ACTION_LOG, "Action log", ItemPurpose.ASSURANCE, 10),
    (StandingItem.ANY_OTHER_BUSINESS, "Any other business", ItemPurpose.DISCUSSION, 10),
]
WEB_ADDRESS = ("https://", "http://")
MEETING_FIELDS = ("title", "starts_at", "ends_at", "place", "video_link")


# Lists --------------------------------------------------------------------------------------

def _listed(statement):
    return statement.options(selectinload(Meeting.board))


def upcoming_query(board_id: int | None = None, board_ids: set[int] | None = None):
    """Meetings that have not yet ended, soonest first (cancelled ones too: people need to know)."""
    statement = select(Meeting).where(Meeting.ends_at >= clock.now()).order_by(Meeting.starts_at, Meeting.id)
    return _listed(_filtered(statement, board_id, board_ids))


def past_query(board_id: int | None = None):
    """Meetings that have ended, latest first."""
    statement = select(Meeting).where(Meeting.ends_at < clock.now()).order_by(Meeting.starts_at.desc(),
                                                                              Meeting.id.desc())
    return _listed(_filtered(statement, board_id, None))


def _filtered(statement, board_id, board_ids):
    if board_id is not None:
        statement = statement.where(Meeting.board_id == board_id)
    if board_ids is not None:
        statement = statement.where(Meeting.board_id.in_(board_ids or {-1}))
    return statement


def my_meetings_query(viewer: Viewer):
    """The upcoming meetings of every board and committee the member sits on today."""
    return upcoming_query(board_ids=viewer.current_board_ids())


def next_meetings(viewer: Viewer, limit: int = 3) -> list[Meeting]:
    """The member's next few meetings, for the overview."""
    statement = my_meetings_query(viewer).where(Meeting.status != MeetingStatus.CANCELLED).limit(limit)
    return list(db.session.execute(statement).scalars())


def load_meeting(meeting: Meeting) -> Meeting:
    """The meeting with its board, items, papers and attendance, in a fixed number of queries."""
    statement = (select(Meeting).where(Meeting.id == meeting.id).options(
        selectinload(Meeting.board), selectinload(Meeting.items).selectinload(AgendaItem.papers),
        selectinload(Meeting.attendances), selectinload(Meeting.papers_issued_by)))
    return db.session.execute(statement.execution_options(populate_existing=True)).scalar_one()


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The board's last meeting before this one that was not cancelled."""
    return db.session.execute(
        select(Meeting).where(Meeting.board_id == meeting.board_id, Meeting.starts_at < meeting.starts_at,
                              Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one_or_none()


def latest_of(board: Board) -> Meeting | None:
    return db.session.execute(select(Meeting).where(Meeting.board_id == board.id)
                              .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one_or_none()


# Checking input -----------------------------------------------------------------------------

def _check_board(board_id, checks: Checks) -> Board | None:
    board = db.session.get(Board, board_id) if board_id not in (None, "", NO_SUCH_RECORD) else None
    if board is None:
        checks.add("Choose the board or committee that is meeting", "board_id")
    return board


def _check_link(text: str, checks: Checks) -> str:
    link = clean_line(text)[:500]
    if link and (not link.lower().startswith(WEB_ADDRESS) or " " in link):
        checks.add("Enter the video link as a web address starting https://", "video_link")
    return link


def _times(data: dict, checks: Checks) -> tuple[datetime | None, datetime | None]:
    day = data.get("day")
    if day is None:
        checks.add("Enter the date of the meeting", "day")
    start_time = checks.run(times.parse_time, data.get("start_time"), "start_time", "starts")
    end_time = checks.run(times.parse_time, data.get("end_time"), "end_time", "ends")
    if day is None or start_time is None or end_time is None:
        return None, None
    start = checks.run(times.uk_moment, day, start_time, "start_time")
    end = checks.run(times.uk_moment, day, end_time, "end_time")
    if start and end and end <= start:
        checks.add("The meeting must end after it starts", "end_time")
    return start, end


def _clean_meeting(board: Board | None, data: dict, checks: Checks) -> dict:
    start, end = _times(data, checks)
    place = clean_line(data.get("place"))[:300]
    link = _check_link(data.get("video_link"), checks)
    if not place and not link:
        checks.add("Enter where the meeting is, or a video link, or both", "place")
    title = clean_line(data.get("title"))[:300] or (f"{board.name} meeting" if board else "")
    return {"title": title, "starts_at": start, "ends_at": end, "place": place, "video_link": link}


# Writing ------------------------------------------------------------------------------------

def create_meeting(network, data: dict, actor: User | None) -> Meeting:
    """Schedule a meeting of a board or committee; its agenda starts with the standing items."""
    checks = Checks()
    board = _check_board(data.get("board_id"), checks)
    values = _clean_meeting(board, data, checks)
    checks.raise_any()
    meeting = Meeting(network_id=network.id, board_id=board.id, created_by_id=actor.id if actor else None,
                      **values)
    db.session.add(meeting)
    db.session.flush()
    for position, (key, title, purpose, minutes) in enumerate(STANDING_ITEMS, start=1):
        db.session.add(AgendaItem(network_id=network.id, meeting_id=meeting.id, position=position, title=title,
                                  purpose=purpose.value, duration_minutes=minutes, standing_key=key.value))
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, data: dict, version, actor: User | None) -> Meeting:
    """Change a meeting's time or place; calendars see a new SEQUENCE and members are told."""
    check_version(meeting, version)
    if meeting.is_cancelled:
        raise ServiceError("This meeting has been cancelled, so it cannot be changed", "day")
    checks = Checks()
    values = _clean_meeting(meeting.board, data, checks)
    checks.raise_any()
    moved = (values["starts_at"], values["ends_at"], values["place"], values["video_link"]) != (
        meeting.starts_at, meeting.ends_at, meeting.place, meeting.video_link)
    for key, value in values.items():
        setattr(meeting, key, value)
    if moved:
        meeting.calendar_sequence += 1
    db.session.flush()
    if moved and meeting.ends_at > clock.now():
        notices.meeting_changed(meeting)
    return meeting


def cancel_meeting(meeting: Meeting, reason: str, actor: User | None) -> Meeting:
    """Cancel a meeting: it stays listed as cancelled, calendars show it cancelled, members are told."""
    if meeting.is_cancelled:
        raise ServiceError("This meeting has already been cancelled", "reason")
    if meeting.status == MeetingStatus.HELD:
        raise ServiceError("This meeting has been held, so it cannot be cancelled", "reason")
    reason = clean_text(reason)[:2000]
    if not reason:
        raise ServiceError("Enter why the meeting is cancelled", "reason")
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.cancelled_reason = reason
    meeting.calendar_sequence += 1
    db.session.flush()
    notices.meeting_cancelled(meeting)
    return meeting


def mark_held(meeting: Meeting, actor: User | None) -> Meeting:
    """Record that the meeting took place (it then counts in the attendance register)."""
    if meeting.is_cancelled:
        raise ServiceError("A cancelled meeting cannot be marked as held")
    if meeting.status == MeetingStatus.HELD:
        raise ServiceError("This meeting is already marked as held")
    if not meeting.has_started:
        raise ServiceError("A meeting can be marked as held once it has started")
    meeting.status = MeetingStatus.HELD.value
    db.session.flush()
    audit.record_event(meeting, "held", f"{meeting} marked as held")
    return meeting


# Forms ----------------------------------------------------------------------------------------

def new_meeting_defaults(board_id: int | None) -> dict:
    """A new meeting of a board starts where and when its last one was (the date is left to choose)."""
    board = db.session.get(Board, board_id) if board_id and board_id > 0 else None
    if board is None:
        return {}
    defaults = {"board_id": board.id}
    last = latest_of(board)
    if last is not None:
        defaults.update(start_time=times.time_text(last.starts_at), end_time=times.time_text(last.ends_at),
                        place=last.place, video_link=last.video_link)
    return defaults


def meeting_form_data(meeting: Meeting) -> dict:
    """The meeting's UK date and times, for its edit form."""
    return {"day": meeting.local_start.date(), "start_time": times.time_text(meeting.starts_at),
            "end_time": times.time_text(meeting.ends_at)}
