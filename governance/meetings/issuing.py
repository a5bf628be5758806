"""Issuing the papers: the agenda and papers frozen as sent, the members told, the board pack made.

The snapshot keeps what was sent (each item as it stood and the SHA-256 of each paper); the
meeting page then marks every later change against it (see `changes`).
"""

from governance.auth.models import User
from governance.core import audit, clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.extensions import db
from governance.meetings import agenda, changes, notices, packs, times
from governance.meetings.meeting_models import AgendaItem, Meeting, MeetingStatus
from governance.networks.models import Network


def snapshot(meeting: Meeting, items: list[AgendaItem]) -> dict:
    """The agenda and papers exactly as issued, as plain data."""
    starts, ends = agenda.timings(meeting, items)
    return {
        "issued_at": meeting.papers_issued_at.isoformat(),
        "starts_at": meeting.starts_at.isoformat(),
        "planned_end": ends.isoformat(),
        "items": [{"id": item.id, "position": item.position, "title": item.title, "presenter": item.presenter,
                   "purpose": item.purpose, "duration_minutes": item.duration_minutes,
                   "confidential": item.confidential,
                   "starts_at": starts[item.id].isoformat() if item.id in starts else None,
                   "papers": [{"id": p.id, "title": p.title, "author": p.author, "sha256": p.sha256,
                               "page_count": p.page_count} for p in item.current_papers]}
                  for item in items if not item.is_withdrawn],
    }


def record_issue(meeting: Meeting, actor: User | None, at) -> Meeting:
    """Record the agenda and papers as sent at a moment (the demo records past issues this way)."""
    meeting.papers_issued_at = at
    meeting.papers_issued_by_id = actor.id if actor else None
    meeting.papers_issued_late = times.papers_deadline(meeting.starts_at, clock.local(at).date()).late
    meeting.issued_snapshot = snapshot(meeting, agenda.items_of(meeting))
    meeting.status = MeetingStatus.PAPERS_ISSUED.value
    db.session.flush()
    return meeting


def issue_papers(network: Network, meeting: Meeting, actor: User | None, *, late_confirmed: bool = False
                 ) -> int:
    """Freeze the agenda and papers as sent, tell the members, and have the board pack made.

    Returns how many members were told. Issuing later than 3 clear days before the meeting needs
    `late_confirmed` (the page shows the warning first) and is recorded as late.
    """
    serialise_on(meeting)
    if meeting.is_cancelled:
        raise ServiceError("This meeting has been cancelled, so its papers cannot be issued")
    if meeting.papers_issued:
        raise ServiceError(f"The papers were already issued on {format_date(meeting.papers_issued_at)}")
    if meeting.status == MeetingStatus.HELD:
        raise ServiceError("This meeting has been held, so its papers can no longer be issued")
    deadline = times.papers_deadline(meeting.starts_at)
    if deadline.late and not late_confirmed:
        raise ServiceError(f"{deadline.words} Check the warning, then issue the papers again", "late_confirmed")
    record_issue(meeting, actor, clock.now())
    told = notices.papers_issued(meeting, deadline.late)
    audit.record_event(meeting, "papers issued", f"Papers for {meeting} issued to {told} members"
                       + (f", {deadline.clear_days} clear days before the meeting (late)" if deadline.late else ""),
                       {"clear_days": deadline.clear_days, "late": deadline.late})
    packs.request_pack(network, meeting, actor)
    return told


def issue_summary(meeting: Meeting) -> dict:
    """What the issue page says will be sent: items, papers, items for decision without a paper, who is told."""
    items = [item for item in meeting.items if not item.is_withdrawn]
    return {
        "items": len(items),
        "papers": sum(len(item.current_papers) for item in items),
        "pages": sum(p.page_count for item in items for p in item.current_papers),
        "decisions_without_papers": [item for item in items if item.purpose == "decision"
                                     and not item.current_papers and not item.standing_key],
        "recipients": notices.recipients(meeting),
    }


def changes_in_words(meeting: Meeting) -> list[str]:
    """Every change since the papers were issued, one line each, for the update sent to the members."""
    after = changes.changes_since_issue(meeting, agenda.items_of(meeting))
    lines = []
    for item in agenda.items_of(meeting):
        lines += [f"Item {item.position}, {item.title}: {note}" for note in after.items.get(item.id, [])]
        lines += [f"Item {item.position}, {item.title}, paper \"{paper.title}\": {after.papers[paper.id]}"
                  for paper in item.papers if paper.id in after.papers]
    return lines


def send_update(meeting: Meeting, actor: User | None) -> int:
    """Tell the members about every change since the papers were issued; returns how many were told."""
    if not meeting.papers_issued or meeting.is_cancelled:
        raise ServiceError("Updates are sent once the papers have been issued, for a meeting going ahead")
    lines = changes_in_words(meeting)
    if not lines:
        raise ServiceError("Nothing has changed since the papers were issued")
    told = notices.papers_updated(meeting, lines)
    audit.record_event(meeting, "update sent", f"Update on {meeting} sent to {told} members",
                       {"changes": lines})
    return told
