"""Attendance: who came, sent apologies, sent a deputy, joined late or left early; the live quorum.

The quorum is worked out from the attendance each time the meeting is shown: for the start of
the meeting and for every agenda item (someone who left is not counted for later items; anyone a
later module excludes from an item, such as a conflicted member, is not counted for that item).
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.text import clean_line
from governance.extensions import db
from governance.meetings import agenda, boards, hooks, quorum
from governance.meetings.access import Viewer
from governance.meetings.meeting_models import (
    AgendaItem,
    AttendanceStatus,
    Meeting,
    MeetingAttendance,
)
from governance.meetings.models import BoardMember

MEMBER_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT,
                   AttendanceStatus.REPRESENTED)
IN_THE_ROOM = (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED)


def seats_for(meeting: Meeting) -> list[BoardMember]:
    """The seats on the board on the day of the meeting, chair first."""
    return boards.seats_on(meeting.board_id, meeting.local_start.date())


def records_of(meeting: Meeting) -> list[MeetingAttendance]:
    return list(db.session.execute(select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
                                   .order_by(MeetingAttendance.id)).scalars())


# Recording ----------------------------------------------------------------------------------

def _item_position(items: dict[int, AgendaItem], item_id, field_name: str, checks: Checks) -> int | None:
    if item_id in (None, ""):
        return None
    item = items.get(item_id)
    if item is None:
        checks.add("Choose an item of this meeting's agenda", field_name)
        return None
    return item.position


def _clean_entry(seat: BoardMember, entry: dict, items: dict[int, AgendaItem], checks: Checks) -> dict | None:
    status = entry.get("status") or ""
    if not status:
        return None
    name = seat.name
    if status not in MEMBER_STATUSES:
        checks.add(f"Select whether {name} was present, sent apologies, was absent or sent a deputy",
                   f"status_{seat.id}")
        return None
    deputy = clean_line(entry.get("deputy_name"))[:200]
    if status == AttendanceStatus.REPRESENTED and not deputy:
        checks.add(f"Enter the name of {name}'s deputy", f"deputy_{seat.id}")
    arrived = _item_position(items, entry.get("arrived_at_item_id"), f"arrived_{seat.id}", checks)
    left = _item_position(items, entry.get("left_at_item_id"), f"left_{seat.id}", checks)
    in_room = status in IN_THE_ROOM
    if not in_room and (arrived or left):
        checks.add(f"{name} was not there, so they cannot have joined or left at an item", f"arrived_{seat.id}")
    if arrived and left and left <= arrived:
        checks.add(f"{name} must leave at a later item than the one they joined at", f"left_{seat.id}")
    return {"status": status, "deputy_name": deputy if status == AttendanceStatus.REPRESENTED else "",
            "arrived_at_item_id": entry.get("arrived_at_item_id") if in_room and arrived else None,
            "left_at_item_id": entry.get("left_at_item_id") if in_room and left else None}


def record_attendance(meeting: Meeting, entries: dict[int, dict], actor: User | None) -> Meeting:
    """Save the attendance of every seat (by seat id); an empty status clears a seat's record."""
    serialise_on(meeting)
    if meeting.is_cancelled:
        raise ServiceError("This meeting was cancelled, so there is no attendance to record")
    seats = seats_for(meeting)
    items = {item.id: item for item in agenda.items_of(meeting) if not item.is_withdrawn}
    existing = {record.board_member_id: record for record in records_of(meeting) if record.board_member_id}
    checks = Checks()
    cleaned = {seat.id: _clean_entry(seat, entries.get(seat.id) or {}, items, checks) for seat in seats}
    checks.raise_any()
    for seat in seats:
        values, record = cleaned[seat.id], existing.get(seat.id)
        if values is None:
            if record is not None:
                db.session.delete(record)
            continue
        if record is None:
            record = MeetingAttendance(network_id=meeting.network_id, meeting_id=meeting.id, board_member_id=seat.id)
            db.session.add(record)
        for key, value in values.items():
            setattr(record, key, value)
    db.session.flush()
    return meeting


def everyone_present(meeting: Meeting) -> int:
    """Record as present every member whose attendance is not yet recorded; returns how many."""
    serialise_on(meeting)
    if meeting.is_cancelled:
        raise ServiceError("This meeting was cancelled, so there is no attendance to record")
    recorded = {record.board_member_id for record in records_of(meeting)}
    missing = [seat for seat in seats_for(meeting) if seat.id not in recorded]
    for seat in missing:
        db.session.add(MeetingAttendance(network_id=meeting.network_id, meeting_id=meeting.id, board_member_id=seat.id,
                                         status=AttendanceStatus.PRESENT.value))
    db.session.flush()
    return len(missing)


def add_guest(meeting: Meeting, name: str, role: str) -> MeetingAttendance:
    """Record someone in attendance who is not a member (a guest presenter, an officer)."""
    checks = Checks()
    name, role = clean_line(name)[:200], clean_line(role)[:200]
    if not name:
        checks.add("Enter the name of the person in attendance", "guest_name")
    checks.raise_any()
    if meeting.is_cancelled:
        raise ServiceError("This meeting was cancelled", "guest_name")
    guest = MeetingAttendance(network_id=meeting.network_id, meeting_id=meeting.id, guest_name=name,
                              guest_role=role, status=AttendanceStatus.IN_ATTENDANCE.value)
    db.session.add(guest)
    db.session.flush()
    return guest


def remove_guest(guest: MeetingAttendance) -> None:
    if guest.board_member_id is not None:
        raise ServiceError("Only people in attendance who are not members can be removed")
    db.session.delete(guest)
    db.session.flush()


def send_apologies(meeting: Meeting, viewer: Viewer, actor: User) -> MeetingAttendance:
    """A member sends their own apologies for a meeting that has not yet started."""
    if meeting.is_cancelled or meeting.has_started:
        raise ServiceError("Apologies can be sent only before a meeting that is going ahead")
    seat = next((s for s in seats_for(meeting) if s.membership_id == viewer.membership_id), None)
    if seat is None:
        raise ServiceError("You do not sit on this board or committee, so no apologies are needed")
    serialise_on(meeting)
    record = db.session.execute(select(MeetingAttendance).where(
        MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.board_member_id == seat.id)).scalar_one_or_none()
    if record is None:
        record = MeetingAttendance(network_id=meeting.network_id, meeting_id=meeting.id, board_member_id=seat.id)
        db.session.add(record)
    record.status = AttendanceStatus.APOLOGIES.value
    record.deputy_name, record.arrived_at_item_id, record.left_at_item_id = "", None, None
    record.note = f"Sent by {actor.full_name} on {format_date(clock.now())}"
    db.session.flush()
    return record


# The live quorum ------------------------------------------------------------------------------

@dataclass
class MeetingQuorum:
    recorded: bool
    rule_recorded: bool
    at_start: quorum.Result | None = None
    by_item: dict[int, quorum.Result] = field(default_factory=dict)
    movements: dict[int, list[str]] = field(default_factory=dict)  # item id -> "Dr Hale left"

    @property
    def inquorate_items(self) -> list[int]:
        return [item_id for item_id, result in self.by_item.items() if not result.quorate]


def _movements(records, seats_by_id, items) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for record in records:
        seat = seats_by_id.get(record.board_member_id)
        if seat is None:
            continue
        if record.arrived_at_item_id in items:
            notes.setdefault(record.arrived_at_item_id, []).append(f"{seat.name} joined the meeting")
        if record.left_at_item_id in items:
            notes.setdefault(record.left_at_item_id, []).append(f"{seat.name} left the meeting")
    return notes


def meeting_quorum(meeting: Meeting, items: list[AgendaItem], records: list[MeetingAttendance],
                   seats: list[BoardMember]) -> MeetingQuorum:
    """The quorum at the start of the meeting and for each item that is not withdrawn."""
    rule_row = boards.rule_in_force(meeting.board_id, meeting.local_start.date())
    rule = boards.as_rule(rule_row)
    members = [r for r in records if r.board_member_id is not None]
    result = MeetingQuorum(recorded=bool(members), rule_recorded=rule_row is not None)
    if not members:
        return result
    by_id = {item.id: item for item in items}
    quorum_seats = [quorum.Seat(s.id, s.name, s.voting, s.partner_kind, s.role) for s in seats]
    attendees = [quorum.Attendee(r.board_member_id, r.status,
                                 by_id[r.arrived_at_item_id].position if r.arrived_at_item_id in by_id else None,
                                 by_id[r.left_at_item_id].position if r.left_at_item_id in by_id else None)
                 for r in members]
    running = [item for item in items if not item.is_withdrawn]
    excluded = hooks.exclusions(meeting)
    result.at_start = quorum.evaluate_item(rule, quorum_seats, attendees, running[0].position if running else None)
    for item in running:
        result.by_item[item.id] = quorum.evaluate_item(rule, quorum_seats, attendees, item.position,
                                                       excluded.get(item.id))
    result.movements = _movements(members, {s.id: s for s in seats}, by_id)
    return result
