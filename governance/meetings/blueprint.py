"""The meetings blueprint and what its views share: loading records of this network, the reader."""

from flask import Blueprint, abort, g

from governance.core import tenancy
from governance.meetings.access import Viewer, viewer_for
from governance.meetings.meeting_models import AgendaItem, Meeting, MeetingAttendance, MeetingPaper
from governance.meetings.models import Board, BoardMember

bp = Blueprint("meetings", __name__)
PREFIX = "/n/<network_slug>/meetings"


def viewer() -> Viewer:
    """The signed-in member as the meetings module sees them (loaded once a request)."""
    if "meetings_viewer" not in g:
        g.meetings_viewer = viewer_for(g.get("membership"))
    return g.meetings_viewer


def board_or_404(board_id) -> Board:
    return tenancy.get_or_404(Board, board_id)


def seat_or_404(board: Board, seat_id) -> BoardMember:
    seat = tenancy.get_or_404(BoardMember, seat_id)
    if seat.board_id != board.id:
        abort(404)
    return seat


def meeting_or_404(meeting_id) -> Meeting:
    return tenancy.get_or_404(Meeting, meeting_id)


def item_or_404(meeting: Meeting, item_id) -> AgendaItem:
    """An item of this meeting that the reader may see (a confidential item is not found by others)."""
    item = tenancy.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id or not viewer().sees_item(meeting, item):
        abort(404)
    return item


def paper_or_404(meeting: Meeting, paper_id) -> MeetingPaper:
    paper = tenancy.get_or_404(MeetingPaper, paper_id)
    if paper.meeting_id != meeting.id:
        abort(404)
    return paper


def guest_or_404(meeting: Meeting, guest_id) -> MeetingAttendance:
    guest = tenancy.get_or_404(MeetingAttendance, guest_id)
    if guest.meeting_id != meeting.id or guest.board_member_id is not None:
        abort(404)
    return guest
