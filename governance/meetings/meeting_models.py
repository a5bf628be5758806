"""Meetings of a board or committee: the agenda, its papers, attendance, board packs and calendar feeds."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.core.formatting import format_date
from governance.extensions import db
from governance.meetings.models import Board, BoardMember, back_join, link_join
from governance.networks.models import Membership


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    PAPERS_ISSUED = "papers_issued"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "papers_issued": "Papers issued", "held": "Held",
                "cancelled": "Cancelled"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"planned": "white", "papers_issued": "blue", "held": "green", "cancelled": "red"}[self.value]


class ItemPurpose(StrEnum):
    DECISION = "decision"
    DISCUSSION = "discussion"
    INFORMATION = "information"
    ASSURANCE = "assurance"

    @property
    def label(self) -> str:
        return f"For {self.value}"


class StandingItem(StrEnum):
    """Items every meeting starts with; later modules find them by key (declarations, minutes, actions)."""

    WELCOME = "welcome"
    DECLARATIONS = "declarations"
    PREVIOUS_MINUTES = "previous_minutes"
    ACTION_LOG = "action_log"
    ANY_OTHER_BUSINESS = "any_other_business"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"
    REPRESENTED = "represented"
    IN_ATTENDANCE = "in_attendance"

    @property
    def label(self) -> str:
        return ATTENDANCE_LABELS[self]


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: "Present",
    AttendanceStatus.APOLOGIES: "Apologies",
    AttendanceStatus.ABSENT: "Absent",
    AttendanceStatus.REPRESENTED: "Represented by a deputy",
    AttendanceStatus.IN_ATTENDANCE: "In attendance",
}


class Meeting(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """One meeting of a board or committee; times are stored in UTC and shown in UK time."""

    __tablename__ = "meetings"
    __table_args__ = (
        network_link("board_id", "boards"),
        CheckConstraint("ends_at > starts_at", name="ends_after_it_starts"),
    )
    record_label = "Meeting"
    audit_exclude = ("updated_at", "version", "issued_snapshot")
    field_labels = {"title": "Title", "starts_at": "Starts", "ends_at": "Ends", "place": "Place",
                    "video_link": "Video link", "status": "Status", "cancelled_reason": "Reason for cancelling"}
    value_labels = {"status": {s.value: s.label for s in MeetingStatus}}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.PLANNED.value, index=True)
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    papers_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    papers_issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    papers_issued_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The agenda and papers exactly as issued (see issuing.snapshot); changes after issue are shown against it.
    issued_snapshot: Mapped[dict | None] = mapped_column(JSON)
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    board: Mapped[Board] = relationship(primaryjoin=link_join("Meeting", "board_id", "Board"), viewonly=True)
    items: Mapped[list["AgendaItem"]] = relationship(
        primaryjoin=back_join("Meeting", "AgendaItem", "meeting_id"), viewonly=True,
        order_by="AgendaItem.position")
    attendances: Mapped[list["MeetingAttendance"]] = relationship(
        primaryjoin=back_join("Meeting", "MeetingAttendance", "meeting_id"), viewonly=True,
        order_by="MeetingAttendance.id")
    papers_issued_by: Mapped[User | None] = relationship(foreign_keys=[papers_issued_by_id])

    @property
    def status_enum(self) -> MeetingStatus:
        return MeetingStatus(self.status)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def papers_issued(self) -> bool:
        return self.papers_issued_at is not None

    @property
    def local_start(self) -> datetime:
        return clock.local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return clock.local(self.ends_at)

    @property
    def when(self) -> str:
        """'Thursday 10 December 2026, 10:00 to 12:00' in UK time."""
        start, end = self.local_start, self.local_end
        return f"{start:%A} {format_date(start)}, {start:%H:%M} to {end:%H:%M}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= clock.now()

    def __str__(self) -> str:
        return f"{self.title}, {format_date(self.local_start)}"


class AgendaItem(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """One item of a meeting's agenda, in position order; its start time follows from those before it."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        network_link("meeting_id", "meetings"),
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint("duration_minutes >= 0 AND duration_minutes <= 600", name="duration_in_range"),
        CheckConstraint("NOT (confidential AND papers_public)", name="confidential_papers_not_public"),
    )
    record_label = "Agenda item"
    field_labels = {"title": "Title", "presenter": "Presented by", "purpose": "Purpose",
                    "duration_minutes": "Time allowed (minutes)", "description": "What the meeting is asked to do",
                    "confidential": "Confidential (part 2)", "papers_public": "Papers may be read by everyone"}
    value_labels = {"purpose": {p.value: p.label for p in ItemPurpose}}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(String(20), default=ItemPurpose.DISCUSSION.value)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=10)
    description: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    papers_public: Mapped[bool] = mapped_column(Boolean, default=False)
    standing_key: Mapped[str | None] = mapped_column(String(30))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(primaryjoin=link_join("AgendaItem", "meeting_id", "Meeting"),
                                            viewonly=True)
    papers: Mapped[list["MeetingPaper"]] = relationship(
        primaryjoin=back_join("AgendaItem", "MeetingPaper", "agenda_item_id"), viewonly=True,
        order_by="(MeetingPaper.uploaded_at, MeetingPaper.id)")

    @property
    def purpose_label(self) -> str:
        return ItemPurpose(self.purpose).label

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def current_papers(self) -> list["MeetingPaper"]:
        return [paper for paper in self.papers if paper.withdrawn_at is None]

    def __str__(self) -> str:
        return f"Agenda item \"{self.title}\""


class MeetingPaper(NetworkScoped, Audited, db.Model):
    """A paper for an agenda item: a checked PDF kept in the database, with its title and author."""

    __tablename__ = "meeting_papers"
    __table_args__ = (
        network_link("meeting_id", "meetings"),
        network_link("agenda_item_id", "agenda_items"),
        CheckConstraint("size_bytes > 0", name="not_empty"),
    )
    record_label = "Meeting paper"
    audit_exclude = ("content",)
    field_labels = {"title": "Title", "author": "Author", "filename": "File"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    agenda_item_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200), default="")
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[AgendaItem] = relationship(
        primaryjoin=link_join("MeetingPaper", "agenda_item_id", "AgendaItem"), viewonly=True)
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    @property
    def size_label(self) -> str:
        kilobytes = max(1, round(self.size_bytes / 1024))
        return f"{kilobytes:,} KB" if kilobytes < 1024 else f"{self.size_bytes / (1024 * 1024):.1f} MB"

    def __str__(self) -> str:
        return f"Paper \"{self.title}\""


class MeetingAttendance(NetworkScoped, Audited, Timestamped, db.Model):
    """Whether a member came (or a guest was in attendance), and the items they joined or left at."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (
        network_link("meeting_id", "meetings"),
        network_link("board_member_id", "board_members"),
        network_link("arrived_at_item_id", "agenda_items"),
        network_link("left_at_item_id", "agenda_items"),
        UniqueConstraint("meeting_id", "board_member_id"),
        CheckConstraint("board_member_id IS NOT NULL OR guest_name <> ''", name="member_or_guest"),
    )
    record_label = "Attendance"
    field_labels = {"status": "Attendance", "deputy_name": "Deputy", "arrived_at_item_id": "Joined at item",
                    "left_at_item_id": "Left at item", "guest_name": "Name", "guest_role": "Role",
                    "note": "Note"}
    value_labels = {"status": {s.value: label for s, label in ATTENDANCE_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    board_member_id: Mapped[int | None] = mapped_column(Integer, index=True)
    guest_name: Mapped[str] = mapped_column(String(200), default="")
    guest_role: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    deputy_name: Mapped[str] = mapped_column(String(200), default="")
    arrived_at_item_id: Mapped[int | None] = mapped_column(Integer)
    left_at_item_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")

    seat: Mapped[BoardMember | None] = relationship(
        primaryjoin=link_join("MeetingAttendance", "board_member_id", "BoardMember"), viewonly=True)

    @property
    def status_label(self) -> str:
        return AttendanceStatus(self.status).label

    @property
    def name(self) -> str:
        return self.guest_name or (self.seat.name if self.seat is not None else "")

    def __str__(self) -> str:
        return f"Attendance of {self.name or 'a member'}"


class MeetingPack(NetworkScoped, Audited, db.Model):
    """A board pack asked of the worker; once made, the archived document and what it was made from."""

    __tablename__ = "meeting_packs"
    __table_args__ = (
        network_link("meeting_id", "meetings"),
        network_link("job_id", "document_jobs"),
        network_link("document_id", "issued_documents"),
    )
    record_label = "Board pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    job_id: Mapped[int] = mapped_column(Integer, index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # What the pack was made from (agenda, papers, times); a pack whose fingerprint is not current is stale.
    fingerprint: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def __str__(self) -> str:
        return "Board pack" + (" (made)" if self.document_id else " (asked for)")


class CalendarFeed(NetworkScoped, Audited, db.Model):
    """A member's personal calendar subscription: only the token's hash is kept; a reset replaces it."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (network_link("membership_id", "memberships"), UniqueConstraint("membership_id"))
    record_label = "Calendar subscription"
    audit_exclude = ("token_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    membership: Mapped[Membership] = relationship(
        primaryjoin=link_join("CalendarFeed", "membership_id", "Membership"), viewonly=True)

    def __str__(self) -> str:
        return "Calendar subscription"


def planned_end(meeting: Meeting, items: list[AgendaItem]) -> datetime:
    """When the agenda's items, run back to back from the start, finish."""
    minutes = sum(item.duration_minutes for item in items if not item.is_withdrawn)
    return meeting.starts_at + timedelta(minutes=minutes)
