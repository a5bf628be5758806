"""Boards and committees: who sits on them, their quorum rules and their terms of reference.

The meetings themselves (agenda, papers, attendance) are in `meeting_models`.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.core.db import Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.core.formatting import format_date
from governance.extensions import db
from governance.networks.models import Membership
from governance.partners.models import PARTNER_KIND_LABELS, Partner


def link_join(owner: str, column: str, target: str, target_column: str = "id") -> str:
    """The join condition along a `network_link` (owner.column -> target), for a viewonly relationship."""
    return (f"and_(foreign({owner}.{column}) == {target}.{target_column}, "
            f"foreign({owner}.network_id) == {target}.network_id)")


def back_join(owner: str, target: str, target_column: str) -> str:
    """The join condition from a record to the records that link to it (one-to-many)."""
    return (f"and_({owner}.id == foreign({target}.{target_column}), "
            f"{owner}.network_id == foreign({target}.network_id))")


class BoardKind(StrEnum):
    BOARD = "board"
    COMMITTEE = "committee"
    SUBGROUP = "subgroup"

    @property
    def label(self) -> str:
        return {"board": "Board", "committee": "Committee", "subgroup": "Subgroup"}[self.value]


class MeetingFrequency(StrEnum):
    MONTHLY = "monthly"
    EVERY_TWO_MONTHS = "every_two_months"
    QUARTERLY = "quarterly"
    TWICE_A_YEAR = "twice_a_year"
    ANNUALLY = "annually"
    AS_NEEDED = "as_needed"

    @property
    def label(self) -> str:
        return FREQUENCY_LABELS[self]


FREQUENCY_LABELS = {
    MeetingFrequency.MONTHLY: "Monthly",
    MeetingFrequency.EVERY_TWO_MONTHS: "Every two months",
    MeetingFrequency.QUARTERLY: "Quarterly",
    MeetingFrequency.TWICE_A_YEAR: "Twice a year",
    MeetingFrequency.ANNUALLY: "Once a year",
    MeetingFrequency.AS_NEEDED: "When needed",
}


class BoardRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    IN_ATTENDANCE = "in_attendance"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    BoardRole.CHAIR: "Chair",
    BoardRole.VICE_CHAIR: "Vice-chair",
    BoardRole.MEMBER: "Member",
    BoardRole.IN_ATTENDANCE: "In attendance",
}
ROLE_ORDER = {BoardRole.CHAIR: 0, BoardRole.VICE_CHAIR: 1, BoardRole.MEMBER: 2, BoardRole.IN_ATTENDANCE: 3}


class Board(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """The network's board, or one of its committees or subgroups (which report to another)."""

    __tablename__ = "boards"
    __table_args__ = (UniqueConstraint("network_id", "name"), network_link("reports_to_id", "boards"))
    record_label = "Board or committee"
    field_labels = {"name": "Name", "kind": "Kind", "purpose": "Purpose", "frequency": "Meets",
                    "reports_to_id": "Reports to"}
    value_labels = {"kind": {kind.value: kind.label for kind in BoardKind},
                    "frequency": {f.value: label for f, label in FREQUENCY_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=BoardKind.BOARD.value)
    purpose: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(30), default=MeetingFrequency.MONTHLY.value)
    reports_to_id: Mapped[int | None] = mapped_column(Integer, index=True)

    reports_to: Mapped["Board | None"] = relationship(
        primaryjoin="and_(foreign(Board.reports_to_id) == remote(Board.id), "
                    "foreign(Board.network_id) == remote(Board.network_id))", viewonly=True)
    seats: Mapped[list["BoardMember"]] = relationship(
        primaryjoin=back_join("Board", "BoardMember", "board_id"), viewonly=True,
        order_by="(BoardMember.from_date, BoardMember.id)")

    @property
    def kind_label(self) -> str:
        return BoardKind(self.kind).label

    @property
    def frequency_label(self) -> str:
        return MeetingFrequency(self.frequency).label

    def seats_on(self, day: date) -> list["BoardMember"]:
        """Who sat on it on a day, chair first."""
        return sorted((s for s in self.seats if s.sits_on(day)), key=BoardMember.sort_key)

    def __str__(self) -> str:
        return self.name


class BoardMember(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A network member's seat on a board or committee from one date to another; history is kept."""

    __tablename__ = "board_members"
    __table_args__ = (
        network_link("board_id", "boards"),
        network_link("membership_id", "memberships"),
        network_link("partner_id", "partners"),
        CheckConstraint("to_date IS NULL OR to_date >= from_date", name="ends_after_it_starts"),
    )
    record_label = "Board or committee seat"
    field_labels = {"role": "Role", "voting": "Voting member", "partner_id": "Partner represented",
                    "from_date": "From", "to_date": "To", "note": "Note"}
    value_labels = {"role": {role.value: label for role, label in ROLE_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    membership_id: Mapped[int] = mapped_column(Integer, index=True)
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    role: Mapped[str] = mapped_column(String(20), default=BoardRole.MEMBER.value)
    voting: Mapped[bool] = mapped_column(Boolean, default=True)
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    board: Mapped[Board] = relationship(
        primaryjoin=link_join("BoardMember", "board_id", "Board"), viewonly=True)
    membership: Mapped[Membership] = relationship(
        primaryjoin=link_join("BoardMember", "membership_id", "Membership"), viewonly=True, lazy="joined",
        innerjoin=True)
    partner: Mapped[Partner | None] = relationship(
        primaryjoin=link_join("BoardMember", "partner_id", "Partner"), viewonly=True)

    @property
    def name(self) -> str:
        return self.membership.user.full_name

    @property
    def role_label(self) -> str:
        return BoardRole(self.role).label

    @property
    def is_chair(self) -> bool:
        return self.role == BoardRole.CHAIR

    @property
    def partner_kind(self) -> str | None:
        return self.partner.kind if self.partner is not None else None

    @property
    def partner_kind_label(self) -> str:
        return PARTNER_KIND_LABELS.get(self.partner_kind, "") if self.partner_kind else ""

    def sits_on(self, day: date) -> bool:
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether the seat covers any day from `start` to `end` (None: open-ended)."""
        return (end is None or self.from_date <= end) and (self.to_date is None or start <= self.to_date)

    @property
    def period(self) -> str:
        if self.to_date is None:
            return f"Since {format_date(self.from_date)}"
        return f"{format_date(self.from_date)} to {format_date(self.to_date)}"

    @staticmethod
    def sort_key(seat: "BoardMember"):
        return (ROLE_ORDER[BoardRole(seat.role)], not seat.voting, seat.name.lower(), seat.id or 0)

    def __str__(self) -> str:
        board = self.board.name if self.board is not None else "a board"
        who = self.membership.user.full_name if self.membership is not None else "A member"
        return f"{who}, {self.role_label.lower()} of {board}"


class QuorumRule(NetworkScoped, Audited, Timestamped, db.Model):
    """A board's quorum, as data, from a date: meetings use the rule in force on their date."""

    __tablename__ = "quorum_rules"
    __table_args__ = (
        network_link("board_id", "boards"),
        UniqueConstraint("board_id", "effective_from"),
        CheckConstraint("minimum_present IS NULL OR minimum_present >= 1", name="minimum_positive"),
        CheckConstraint("(fraction_numerator IS NULL) = (fraction_denominator IS NULL)", name="fraction_whole"),
        CheckConstraint("fraction_numerator IS NULL OR (fraction_numerator >= 1 "
                        "AND fraction_numerator <= fraction_denominator)", name="fraction_at_most_one"),
    )
    record_label = "Quorum rule"
    field_labels = {"effective_from": "From", "minimum_present": "Minimum voting members present",
                    "fraction_numerator": "Fraction of voting members (numerator)",
                    "fraction_denominator": "Fraction of voting members (denominator)",
                    "kind_minimums": "Minimums by kind of partner", "chair_required": "Chair or vice-chair present",
                    "deputies_count": "Deputies count"}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    minimum_present: Mapped[int | None] = mapped_column(Integer)
    fraction_numerator: Mapped[int | None] = mapped_column(Integer)
    fraction_denominator: Mapped[int | None] = mapped_column(Integer)
    kind_minimums: Mapped[dict] = mapped_column(JSON, default=dict)
    chair_required: Mapped[bool] = mapped_column(Boolean, default=False)
    deputies_count: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    board: Mapped[Board] = relationship(primaryjoin=link_join("QuorumRule", "board_id", "Board"),
                                        viewonly=True)

    def __str__(self) -> str:
        board = self.board.name if self.board is not None else "a board"
        return f"Quorum of {board} from {format_date(self.effective_from)}"


class TermsOfReference(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """One numbered version of a board's terms of reference, in Markdown: a draft until approved."""

    __tablename__ = "terms_of_reference"
    __table_args__ = (
        network_link("board_id", "boards"),
        network_link("document_id", "issued_documents"),
        # the decisions module sits above meetings: the link is by table name, the lookup through hooks
        network_link("approved_by_decision_id", "decisions"),
        UniqueConstraint("board_id", "number"),
    )
    record_label = "Terms of reference"
    field_labels = {"body": "Text", "approved_on": "Approved on", "approved_by_decision_id": "Approved by decision",
                    "approval_note": "How it was approved"}

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    approved_on: Mapped[date | None] = mapped_column(Date)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The board decision that approved it (none for terms approved before decisions were recorded in Accord).
    approved_by_decision_id: Mapped[int | None] = mapped_column(Integer, index=True)
    approval_note: Mapped[str] = mapped_column(String(300), default="")
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    board: Mapped[Board] = relationship(primaryjoin=link_join("TermsOfReference", "board_id", "Board"),
                                        viewonly=True)
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_draft(self) -> bool:
        return self.approved_at is None

    def __str__(self) -> str:
        board = self.board.name if self.board is not None else "a board"
        return f"Terms of reference of {board}, version {self.number}"

