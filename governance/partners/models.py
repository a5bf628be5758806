import unicodedata
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from governance.core import clock
from governance.core.db import (
    AppendOnly,
    Audited,
    NetworkScoped,
    Timestamped,
    UTCDateTime,
    Versioned,
    network_link,
)
from governance.core.formatting import format_date
from governance.extensions import db

NAME_KEY_LENGTH = 400  # NFKC may lengthen a 200-character name
EARLIEST_LIST_SIZE_YEAR = 2000  # a list size counted before then is a typing mistake


def name_key(name: str | None) -> str:
    """What makes two partner names the same name: 'Oak Lane' = 'ＯＡＫ\u200b  lane'.

    NFKC folds look-alike forms (full-width letters, ligatures, non-breaking spaces), format
    characters (zero-width spaces and joiners, bidirectional marks: Unicode category Cf) are
    dropped, case is folded and runs of spaces become one.
    """
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())[:NAME_KEY_LENGTH]


def _latest_by(items, day: date, attr: str):
    """The item dated latest on or before a day; for one date, its latest revision counts."""
    candidates = [item for item in items if getattr(item, attr) <= day]
    return max(candidates, key=lambda item: (getattr(item, attr), item.revision or 0, item.id or 0),
               default=None)


def _partner_name(record) -> str:
    """The partner's name for an audit summary of one of its records."""
    return record.partner.name if record.partner is not None else "a partner"


class PartnerKind(StrEnum):
    GP_PRACTICE = "gp_practice"
    COMMUNITY_TRUST = "community_trust"
    ACUTE_TRUST = "acute_trust"
    MENTAL_HEALTH_TRUST = "mental_health_trust"
    LOCAL_AUTHORITY = "local_authority"
    VOLUNTARY_SECTOR = "voluntary_sector"
    COMMUNITY_PHARMACY = "community_pharmacy"
    GP_FEDERATION = "gp_federation"
    COMMISSIONER = "commissioner"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PARTNER_KIND_LABELS[self]


PARTNER_KIND_LABELS = {
    PartnerKind.GP_PRACTICE: "GP practice",
    PartnerKind.COMMUNITY_TRUST: "Community health trust",
    PartnerKind.ACUTE_TRUST: "Acute trust",
    PartnerKind.MENTAL_HEALTH_TRUST: "Mental health trust",
    PartnerKind.LOCAL_AUTHORITY: "Local authority / social care",
    PartnerKind.VOLUNTARY_SECTOR: "Voluntary and community sector",
    PartnerKind.COMMUNITY_PHARMACY: "Community pharmacy",
    PartnerKind.GP_FEDERATION: "GP federation",
    PartnerKind.COMMISSIONER: "Commissioner (CCG/ICB)",
    PartnerKind.OTHER: "Other",
}


class MembershipStatus(StrEnum):
    """Where a partner stands in the partnership."""

    PROSPECTIVE = "prospective"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def tag_colour(self) -> str:
        return {"active": "green", "prospective": "blue", "suspended": "orange", "left": "grey"}[self.value]


class Partner(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """An organisation in the partnership: a GP practice, a trust, the council, ..."""

    __tablename__ = "partners"
    # Two partners of a network never share a name (compared as name_key) or an ODS code. The name
    # key's unique index also serves the partner list, which is read in name_key order.
    __table_args__ = (UniqueConstraint("network_id", "ods_code"),
                      Index("uq_partners_network_id_name_key", "network_id", "name_key", unique=True))
    audit_exclude = ("updated_at", "version", "name_key")
    record_label = "Partner"
    field_labels = {"name": "Name", "kind": "Kind", "ods_code": "ODS code", "address": "Address",
                    "website": "Website", "notes": "Notes"}
    value_labels = {"kind": {kind.value: label for kind, label in PARTNER_KIND_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Kept by the model whenever the name is set. The default is there only because SQLite
    # cannot add a NOT NULL column without one (see migration 0008).
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), server_default=text("''"))
    kind: Mapped[str] = mapped_column(String(40))
    ods_code: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    representatives = relationship("Membership", back_populates="partner")
    contacts: Mapped[list["PartnerContact"]] = relationship(
        back_populates="partner", order_by="PartnerContact.id")
    status_changes: Mapped[list["PartnerStatusChange"]] = relationship(
        back_populates="partner",
        order_by="(PartnerStatusChange.effective_on, PartnerStatusChange.revision, PartnerStatusChange.id)")
    list_sizes: Mapped[list["ListSize"]] = relationship(
        back_populates="partner", order_by="(ListSize.as_of, ListSize.revision, ListSize.id)")

    @validates("name")
    def _keep_name_key(self, _key, name):
        self.name_key = name_key(name)
        return name

    @property
    def kind_label(self) -> str:
        return PartnerKind(self.kind).label

    @property
    def is_gp_practice(self) -> bool:
        return self.kind == PartnerKind.GP_PRACTICE

    def status_change_on(self, day: date) -> "PartnerStatusChange | None":
        """The change in force on a day: the latest effective by then (a later entry wins a tie)."""
        return _latest_by(self.status_changes, day, "effective_on")

    def status_on(self, day: date) -> MembershipStatus | None:
        change = self.status_change_on(day)
        return MembershipStatus(change.status) if change else None

    @property
    def joined_on(self) -> date | None:
        """The first day the partner was an active member."""
        return min((c.effective_on for c in self.status_changes
                    if c.status == MembershipStatus.ACTIVE), default=None)

    def list_size_on(self, day: date) -> "ListSize | None":
        """The latest list size counted as of a day (a later entry for the same day wins)."""
        return _latest_by(self.list_sizes, day, "as_of")

    @property
    def current_status(self) -> MembershipStatus | None:
        return self.status_on(clock.today())

    @property
    def current_list_size(self) -> "ListSize | None":
        return self.list_size_on(clock.today()) if self.is_gp_practice else None

    def __str__(self) -> str:
        return self.name


class PartnerContact(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A main contact at a partner organisation (not necessarily an Accord user)."""

    __tablename__ = "partner_contacts"
    __table_args__ = (network_link("partner_id", "partners"),)
    record_label = "Partner contact"
    field_labels = {"name": "Name", "job_title": "Job title", "email": "Email address", "phone": "Phone number"}

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    partner: Mapped[Partner] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return f"{self.name}, contact at {_partner_name(self)}"


class PartnerStatusChange(NetworkScoped, AppendOnly, Audited, db.Model):
    """A change of a partner's membership status from a date; the history is never rewritten."""

    __tablename__ = "partner_status_changes"
    # One entry per partner, date and revision: a correction for a date is its next revision (the
    # latest counts), so two saves racing for the same date cannot both land. The unique index
    # also serves "the status on a day" (latest effective_on, then revision).
    __table_args__ = (network_link("partner_id", "partners"),
                      network_link("decision_id", "decisions"),
                      UniqueConstraint("network_id", "partner_id", "effective_on", "revision"),
                      CheckConstraint("revision >= 1", name="revision_from_one"),
                      # what changed on a date, for the population history
                      Index("ix_partner_status_changes_network_id_effective_on", "network_id", "effective_on"))
    record_label = "Membership status change"
    field_labels = {"status": "Status", "effective_on": "From", "decision_reference": "Board decision",
                    "decision_id": "Linked board decision", "note": "Note"}
    value_labels = {"status": {status.value: status.label for status in MembershipStatus}}

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The board decision that approved the change: a link when it is one of Accord's decisions (the
    # reference is kept as written too); free text for references from before Accord.
    decision_reference: Mapped[str] = mapped_column(String(200), default="")
    decision_id: Mapped[int | None] = mapped_column(Integer, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    partner: Mapped[Partner] = relationship(back_populates="status_changes")
    recorded_by = relationship("User")

    @property
    def status_label(self) -> str:
        return MembershipStatus(self.status).label

    def __str__(self) -> str:
        return f"{_partner_name(self)}: {self.status_label.lower()} from {format_date(self.effective_on)}"


class ListSize(NetworkScoped, AppendOnly, Audited, db.Model):
    """A GP practice's registered list size as of a date; a new count is a new row."""

    __tablename__ = "list_sizes"
    # One count per practice and date unless deliberately corrected: a correction is the next
    # revision for that date, and the latest revision counts. A replayed or doubled post cannot
    # store the same count twice. The unique index also serves "the list size on a day".
    __table_args__ = (CheckConstraint("patients >= 0", name="patients_not_negative"),
                      CheckConstraint("revision >= 1", name="revision_from_one"),
                      network_link("partner_id", "partners"),
                      UniqueConstraint("network_id", "partner_id", "as_of", "revision"),
                      Index("ix_list_sizes_network_id_as_of", "network_id", "as_of"))
    record_label = "List size"
    field_labels = {"patients": "Registered list size", "as_of": "Date the list size was taken"}

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer)
    patients: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(20), default="entered")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    partner: Mapped[Partner] = relationship(back_populates="list_sizes")
    recorded_by = relationship("User")

    def __str__(self) -> str:
        return f"{_partner_name(self)}: {self.patients:,} patients as of {format_date(self.as_of)}"
