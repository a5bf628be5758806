"""Mail to the members of a board about its meetings: papers issued, a meeting moved or cancelled.

Messages go through the outbox, so they are sent only if the request that caused them commits.
A moved or cancelled meeting's mail carries the meeting as an .ics file, so calendars can follow.
"""

from governance.core.formatting import format_date
from governance.core.outbox import queue_mail
from governance.meetings import boards, calendars
from governance.meetings.meeting_models import Meeting
from governance.networks.models import Membership


def recipients(meeting: Meeting) -> list[Membership]:
    """The active members who sit on the board on the day of the meeting, each once."""
    seen, members = set(), []
    for seat in boards.seats_on(meeting.board_id, meeting.local_start.date()):
        membership = seat.membership
        if membership.id in seen or not membership.active or not membership.user.active:
            continue
        seen.add(membership.id)
        members.append(membership)
    return members


def _context(meeting: Meeting) -> dict:
    return {"meeting_title": meeting.title, "board_name": meeting.board.name, "when": meeting.when,
            "place": meeting.place, "video_link": meeting.video_link,
            "link": calendars.meeting_link(meeting)}


def _send(meeting: Meeting, template: str, attach_calendar: bool = False, **context) -> int:
    members = recipients(meeting)
    attachments = ()
    if attach_calendar:
        attachments = (("meeting.ics", "text/calendar", calendars.meeting_ics(meeting)),)
    for membership in members:
        queue_mail(membership.user.email, template, network_id=meeting.network_id,
                   full_name=membership.user.full_name, attachments=attachments, **_context(meeting), **context)
    return len(members)


def papers_issued(meeting: Meeting, late: bool) -> int:
    """Tell the members the papers are ready to read; returns how many were told."""
    return _send(meeting, "meeting_papers_issued", late=late,
                 meeting_day=format_date(meeting.local_start))


def meeting_changed(meeting: Meeting) -> int:
    return _send(meeting, "meeting_changed", attach_calendar=True)


def meeting_cancelled(meeting: Meeting) -> int:
    return _send(meeting, "meeting_cancelled", attach_calendar=True, reason=meeting.cancelled_reason)


def papers_updated(meeting: Meeting, changes: list[str]) -> int:
    """Tell the members what changed since the papers were issued (a late paper, a moved item)."""
    return _send(meeting, "meeting_papers_updated", changes=changes, meeting_day=format_date(meeting.local_start))
