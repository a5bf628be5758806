"""The attendance register of a board or committee for a period: meetings held, each member's rate."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.core import clock
from governance.extensions import db
from governance.meetings.meeting_models import AttendanceStatus, Meeting, MeetingAttendance, MeetingStatus
from governance.meetings.models import Board, BoardMember


@dataclass
class RegisterRow:
    name: str
    roles: list[str]
    partner: str
    expected: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def present(self) -> int:
        return self.counts.get(AttendanceStatus.PRESENT, 0)

    @property
    def not_recorded(self) -> int:
        return self.expected - sum(self.counts.values())

    @property
    def rate(self) -> int | None:
        """Attended in person, as a whole percentage of the meetings held while they sat on it."""
        return round(100 * self.present / self.expected) if self.expected else None


@dataclass
class Register:
    board: Board
    start: date
    end: date
    meetings: list[Meeting]
    rows: list[RegisterRow]


def financial_year(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LONDON)


def attendance_register(board: Board, start: date, end: date) -> Register:
    """Meetings held from `start` to `end` (inclusive) and each member's attendance at them."""
    meetings = list(db.session.execute(
        select(Meeting).where(Meeting.board_id == board.id, Meeting.status == MeetingStatus.HELD,
                              Meeting.starts_at >= _moment(start), Meeting.starts_at < _moment(end + timedelta(days=1)))
        .order_by(Meeting.starts_at)).scalars())
    seats = [seat for seat in db.session.execute(select(BoardMember).where(BoardMember.board_id == board.id)
                                                 .options(selectinload(BoardMember.partner))).scalars()
             if seat.overlaps(start, end)]
    records = list(db.session.execute(select(MeetingAttendance).where(
        MeetingAttendance.meeting_id.in_([m.id for m in meetings] or [-1]),
        MeetingAttendance.board_member_id.is_not(None))).scalars())
    status_of = {(r.meeting_id, r.board_member_id): r.status for r in records}
    rows: dict[int, RegisterRow] = {}
    for seat in sorted(seats, key=BoardMember.sort_key):
        row = rows.setdefault(seat.membership_id, RegisterRow(seat.name, [], seat.partner.name if seat.partner else ""))
        if seat.role_label not in row.roles:
            row.roles.append(seat.role_label)
        for meeting in meetings:
            if seat.sits_on(meeting.local_start.date()):
                row.expected += 1
                status = status_of.get((meeting.id, seat.id))
                if status:
                    row.counts[status] = row.counts.get(status, 0) + 1
    return Register(board, start, end, meetings, list(rows.values()))
