"""What a meeting's page shows to one reader: the rules are decided here, the template only shows them."""

from dataclasses import dataclass, field
from datetime import datetime

from governance.core import clock
from governance.meetings import agenda, attendance, changes, hooks, packs, quorum, scheduling, times
from governance.meetings.access import Viewer
from governance.meetings.meeting_models import (
    AgendaItem,
    AttendanceStatus,
    ItemPurpose,
    Meeting,
    MeetingAttendance,
    MeetingPaper,
    MeetingStatus,
)
from governance.meetings.models import BoardMember


@dataclass
class PaperRow:
    paper: MeetingPaper
    note: str = ""

    @property
    def withdrawn(self) -> bool:
        return self.paper.withdrawn_at is not None


@dataclass
class ItemRow:
    item: AgendaItem
    starts_at: datetime | None
    papers: list[PaperRow]
    papers_not_shown: int
    notes: list[str]
    quorum: quorum.Result | None
    movements: list[str]
    withheld: str = ""  # why this reader's papers for the item are withheld
    declarations: list[str] = field(default_factory=list)  # notes from later modules (declared interests)

    @property
    def number(self) -> int:
        return self.item.position

    @property
    def start_text(self) -> str:
        return times.time_text(self.starts_at) if self.starts_at else ""

    @property
    def inquorate(self) -> bool:
        return self.quorum is not None and not self.quorum.quorate


@dataclass
class AttendanceGroup:
    status: AttendanceStatus
    people: list[str]


@dataclass
class MeetingPage:
    meeting: Meeting
    rows: list[ItemRow]
    hidden_items: int
    planned_end: datetime
    overrun_minutes: int
    reads_in_full: bool
    may_join: bool
    manages: bool
    quorum: attendance.MeetingQuorum
    attendance: list[AttendanceGroup]
    not_recorded: list[str]
    guests: list[MeetingAttendance]
    deadline: times.PapersDeadline | None
    pack: packs.PackState | None
    previous: Meeting | None
    my_seat: BoardMember | None
    my_status: str | None
    notes_after_issue: bool = False
    manage_links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def can_send_apologies(self) -> bool:
        m = self.meeting
        return (self.my_seat is not None and not m.is_cancelled and not m.has_started
                and self.my_status != AttendanceStatus.APOLOGIES)

    @property
    def start_text(self) -> str:
        return times.time_text(self.meeting.starts_at)

    @property
    def end_text(self) -> str:
        return times.time_text(self.meeting.ends_at)

    @property
    def planned_end_text(self) -> str:
        return times.time_text(self.planned_end)

    @property
    def editable(self) -> bool:
        return self.manages and not self.meeting.is_cancelled

    @property
    def agenda_open(self) -> bool:
        """Items can be added, changed, moved and withdrawn until the meeting is held."""
        return self.meeting.status != MeetingStatus.HELD


def _rows(meeting, items, viewer, after, meeting_quorum) -> tuple[list[ItemRow], int]:
    starts, _ = agenda.timings(meeting, items)
    withheld, notes = viewer.withheld_items(meeting), hooks.item_notes(meeting)
    rows, hidden = [], 0
    for item in items:
        if not viewer.sees_item(meeting, item):
            hidden += 1
            continue
        readable = viewer.reads_papers_of(meeting, item)
        shown = [p for p in item.papers if p.withdrawn_at is None or p.id in after.papers]
        rows.append(ItemRow(
            item=item, starts_at=starts.get(item.id),
            papers=[PaperRow(p, after.papers.get(p.id, "")) for p in shown] if readable else [],
            papers_not_shown=0 if readable else len(item.current_papers), notes=after.items.get(item.id, []),
            quorum=meeting_quorum.by_item.get(item.id), movements=meeting_quorum.movements.get(item.id, []),
            withheld=withheld.get(item.id, ""), declarations=notes.get(item.id, [])))
    return rows, hidden


def _attendance(records, seats) -> tuple[list[AttendanceGroup], list[str], list[MeetingAttendance]]:
    by_seat = {r.board_member_id: r for r in records if r.board_member_id is not None}
    groups = []
    for status in attendance.MEMBER_STATUSES:
        people = []
        for seat in seats:
            record = by_seat.get(seat.id)
            if record is not None and record.status == status:
                deputy = f" (represented by {record.deputy_name})" if record.deputy_name else ""
                people.append(f"{seat.name}, {seat.role_label.lower()}{deputy}")
        groups.append(AttendanceGroup(status, people))
    missing = [seat.name for seat in seats if seat.id not in by_seat]
    guests = [r for r in records if r.board_member_id is None]
    return groups, missing, guests


def meeting_page(meeting: Meeting, viewer: Viewer) -> MeetingPage:
    """Everything the meeting's page shows to this reader, in a fixed number of queries."""
    meeting = scheduling.load_meeting(meeting)
    items = meeting.items
    records = meeting.attendances
    seats = attendance.seats_for(meeting)
    after = changes.changes_since_issue(meeting, items)
    meeting_quorum = attendance.meeting_quorum(meeting, items, records, seats)
    rows, hidden = _rows(meeting, items, viewer, after, meeting_quorum)
    _, planned_end = agenda.timings(meeting, items)
    overrun = max(0, int((planned_end - meeting.ends_at).total_seconds() // 60))
    groups, missing, guests = _attendance(records, seats)
    full = viewer.reads_in_full(meeting)
    my_seat = next((s for s in seats if s.membership_id == viewer.membership_id), None)
    my_record = next((r for r in records if my_seat is not None and r.board_member_id == my_seat.id), None)
    upcoming = not meeting.papers_issued and not meeting.is_cancelled and meeting.starts_at > clock.now()
    return MeetingPage(
        meeting=meeting, rows=rows, hidden_items=hidden, planned_end=planned_end, overrun_minutes=overrun,
        reads_in_full=full, may_join=viewer.may_join(meeting), manages=viewer.manages, quorum=meeting_quorum,
        attendance=groups, not_recorded=missing, guests=guests,
        deadline=times.papers_deadline(meeting.starts_at) if upcoming else None,
        pack=packs.pack_state(meeting, items) if full and meeting.papers_issued else None,
        previous=scheduling.previous_meeting(meeting), my_seat=my_seat,
        my_status=my_record.status if my_record else None, notes_after_issue=after.any,
        manage_links=hooks.manage_links(meeting) if viewer.manages else [])


@dataclass
class SentItem:
    number: int
    title: str
    presenter: str
    purpose: str
    starts_at: datetime | None
    papers: list[dict]
    papers_not_shown: int


def as_issued(meeting: Meeting, viewer: Viewer) -> list[SentItem] | None:
    """The agenda and papers exactly as issued, as this reader may see them; None before issue."""
    if not meeting.issued_snapshot:
        return None
    now = {item.id: item for item in meeting.items}
    full = viewer.reads_in_full(meeting)
    withheld = viewer.withheld_items(meeting)
    sent = []
    for entry in meeting.issued_snapshot["items"]:
        if entry["confidential"] and not full:
            continue
        current = now.get(entry["id"])
        readable = (full or (current is not None and current.papers_public and not current.confidential)) \
            and entry["id"] not in withheld
        starts = datetime.fromisoformat(entry["starts_at"]) if entry.get("starts_at") else None
        sent.append(SentItem(entry["position"], entry["title"], entry["presenter"],
                             ItemPurpose(entry["purpose"]).label, starts,
                             entry["papers"] if readable else [], 0 if readable else len(entry["papers"])))
    return sent
