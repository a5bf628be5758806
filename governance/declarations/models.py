"""The register of interests, gifts and hospitality, and declarations made at meetings.

Every row is append-only (database triggers refuse UPDATE and DELETE): an update to an interest
is a new declaration that replaces or ends the one before (`replaces_id`, at most one successor),
so past interests stay on the register and the register as it stood on any day can be read back.
A gift or a declaration at a meeting recorded wrongly is corrected the same way: a new row that
`corrects_id` the one before (at most one correction each), with the reason; the latest counts.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, UTCDateTime, Versioned, network_link
from governance.core.formatting import format_date, format_money
from governance.extensions import db
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.meetings.models import BoardMember, link_join
from governance.networks.models import Membership


class Category(StrEnum):
    FINANCIAL = "financial"
    PROFESSIONAL = "non_financial_professional"
    PERSONAL = "non_financial_personal"
    INDIRECT = "indirect"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.FINANCIAL: "Financial",
    Category.PROFESSIONAL: "Non-financial professional",
    Category.PERSONAL: "Non-financial personal",
    Category.INDIRECT: "Indirect",
}


class DeclarationKind(StrEnum):
    INTEREST = "interest"
    NIL = "nil"  # nothing to declare
    CONFIRMED = "confirmed"  # the interests on the register are complete and current

    @property
    def label(self) -> str:
        return {"interest": "Interest", "nil": "Nil return", "confirmed": "Annual return: no change"}[self.value]


class Management(StrEnum):
    """How the chair manages an interest declared at a meeting (NHS England guidance)."""

    TAKES_PART = "takes_part"
    NO_VOTE = "no_vote"
    LEAVES = "leaves"
    NO_PAPERS = "no_papers"

    @property
    def label(self) -> str:
        return MANAGEMENT_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return {"takes_part": "blue", "no_vote": "yellow", "leaves": "red", "no_papers": "orange"}[self.value]

    @property
    def excluded_from_vote(self) -> bool:
        return self != Management.TAKES_PART


MANAGEMENT_LABELS = {
    Management.TAKES_PART: "Takes part, with the interest noted",
    Management.NO_VOTE: "May speak but not vote",
    Management.LEAVES: "Leaves the meeting for the item",
    Management.NO_PAPERS: "Does not receive the item's papers (and does not vote)",
}


class InterestDeclaration(NetworkScoped, AppendOnly, Audited, db.Model):
    """One entry of the register of interests, a nil return or an annual confirmation, as declared."""

    __tablename__ = "interest_declarations"
    __table_args__ = (
        network_link("membership_id", "memberships"),
        network_link("replaces_id", "interest_declarations"),
        UniqueConstraint("replaces_id"),  # one successor at most: the history never forks
        CheckConstraint("kind <> 'interest' OR (category IS NOT NULL AND description <> '')",
                        name="interest_described"),
        CheckConstraint("to_date IS NULL OR from_date IS NULL OR to_date >= from_date", name="ends_after_it_starts"),
        CheckConstraint("withheld_reason = '' OR kind = 'interest'", name="only_interests_withheld"),
    )
    record_label = "Declaration of interest"
    field_labels = {"kind": "Kind", "category": "Category", "description": "Interest",
                    "organisation": "Organisation involved", "direct": "Direct interest", "from_date": "From",
                    "to_date": "To", "management": "How it is managed", "declared_on": "Date declared",
                    "withheld_reason": "Withheld from the published register because"}
    value_labels = {"kind": {k.value: k.label for k in DeclarationKind},
                    "category": {c.value: label for c, label in CATEGORY_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20), default=DeclarationKind.INTEREST.value)
    role: Mapped[str] = mapped_column(String(200), default="")  # the person's role when they declared
    category: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    direct: Mapped[bool] = mapped_column(Boolean, default=True)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    management: Mapped[str] = mapped_column(Text, default="")
    declared_on: Mapped[date] = mapped_column(Date)
    withheld_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    membership: Mapped[Membership] = relationship(
        primaryjoin=link_join("InterestDeclaration", "membership_id", "Membership"), viewonly=True)

    @property
    def kind_enum(self) -> DeclarationKind:
        return DeclarationKind(self.kind)

    @property
    def is_interest(self) -> bool:
        return self.kind == DeclarationKind.INTEREST

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def withheld(self) -> bool:
        return bool(self.withheld_reason)

    @property
    def period(self) -> str:
        start = format_date(self.from_date) if self.from_date else "Not known"
        return f"{start} to {format_date(self.to_date)}" if self.to_date else f"From {start}"

    def ended_by(self, day: date) -> bool:
        return self.to_date is not None and self.to_date < day

    def __str__(self) -> str:
        if not self.is_interest:
            return f"{self.kind_enum.label} of {format_date(self.declared_on)}"
        return f"{self.category_label} interest: {self.description[:80]}"


class GiftDeclaration(NetworkScoped, AppendOnly, Audited, db.Model):
    """A gift or hospitality offered to a member, with its estimated value in pence, accepted or declined."""

    __tablename__ = "gift_declarations"
    __table_args__ = (
        network_link("membership_id", "memberships"),
        network_link("corrects_id", "gift_declarations"),
        UniqueConstraint("corrects_id"),  # one correction at most: the history never forks
        CheckConstraint("value_pence >= 0", name="value_not_negative"),
        CheckConstraint("corrects_id IS NULL OR correction_reason <> ''", name="correction_has_reason"),
    )
    record_label = "Gift or hospitality"
    field_labels = {"received_on": "Date offered", "giver": "From", "description": "Gift or hospitality",
                    "value_pence": "Estimated value", "accepted": "Accepted", "declared_on": "Date declared",
                    "corrects_id": "Corrects the entry", "correction_reason": "Reason for the correction"}

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(Integer, index=True)
    received_on: Mapped[date] = mapped_column(Date)
    giver: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    value_pence: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[bool] = mapped_column(Boolean)
    declared_on: Mapped[date] = mapped_column(Date)
    corrects_id: Mapped[int | None] = mapped_column(Integer)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    membership: Mapped[Membership] = relationship(
        primaryjoin=link_join("GiftDeclaration", "membership_id", "Membership"), viewonly=True)

    @property
    def outcome(self) -> str:
        return "Accepted" if self.accepted else "Declined"

    def __str__(self) -> str:
        return f"{self.description[:80]} from {self.giver} ({format_money(self.value_pence)})"


ORIGINAL = "corrects_id IS NULL"


class MeetingDeclaration(NetworkScoped, AppendOnly, Audited, db.Model):
    """An interest declared at a meeting for one agenda item, and how the chair managed it."""

    __tablename__ = "meeting_declarations"
    __table_args__ = (
        network_link("meeting_id", "meetings"),
        network_link("agenda_item_id", "agenda_items"),
        network_link("board_member_id", "board_members"),
        network_link("declaration_id", "interest_declarations"),
        network_link("corrects_id", "meeting_declarations"),
        UniqueConstraint("corrects_id"),  # one correction at most: the history never forks
        # An interest is declared once per member and item; its corrections repeat the three on purpose.
        Index("uq_meeting_declarations_declared_once", "agenda_item_id", "board_member_id", "declaration_id",
              unique=True, sqlite_where=text(ORIGINAL), postgresql_where=text(ORIGINAL)),
        CheckConstraint("corrects_id IS NULL OR correction_reason <> ''", name="correction_has_reason"),
    )
    record_label = "Declaration at a meeting"
    field_labels = {"agenda_item_id": "Agenda item", "board_member_id": "Member", "declaration_id": "Interest",
                    "management": "How the chair managed it", "note": "Note for the minutes",
                    "corrects_id": "Corrects the declaration", "correction_reason": "Reason for the correction"}
    value_labels = {"management": {m.value: label for m, label in MANAGEMENT_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    agenda_item_id: Mapped[int] = mapped_column(Integer, index=True)
    board_member_id: Mapped[int] = mapped_column(Integer, index=True)
    declaration_id: Mapped[int] = mapped_column(Integer, index=True)
    management: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(Integer)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    meeting: Mapped[Meeting] = relationship(
        primaryjoin=link_join("MeetingDeclaration", "meeting_id", "Meeting"), viewonly=True)
    item: Mapped[AgendaItem] = relationship(
        primaryjoin=link_join("MeetingDeclaration", "agenda_item_id", "AgendaItem"), viewonly=True)
    seat: Mapped[BoardMember] = relationship(
        primaryjoin=link_join("MeetingDeclaration", "board_member_id", "BoardMember"), viewonly=True)
    declaration: Mapped[InterestDeclaration] = relationship(
        primaryjoin=link_join("MeetingDeclaration", "declaration_id", "InterestDeclaration"), viewonly=True)

    @property
    def management_enum(self) -> Management:
        return Management(self.management)

    def __str__(self) -> str:
        return f"Declaration at a meeting: {self.management_enum.label.lower()}"


class RegisterSettings(NetworkScoped, Audited, Versioned, db.Model):
    """A network's choices about its register of interests (absent: the register is published)."""

    __tablename__ = "interest_register_settings"
    __table_args__ = (UniqueConstraint("network_id"),)
    record_label = "Register of interests settings"
    field_labels = {"published": "Publish the register of interests"}

    id: Mapped[int] = mapped_column(primary_key=True)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    def __str__(self) -> str:
        return "Register of interests settings"
