from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, LargeBinary, String, Table, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, deferred, foreign, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import MAX_RECORD_ID, AppendOnly, Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned
from governance.extensions import db
from governance.mous.text import render_markdown
from governance.partners.models import Partner


class MouStatus(StrEnum):
    DRAFT = "draft"
    OUT_FOR_SIGNATURE = "out_for_signature"
    PARTLY_SIGNED = "partly_signed"
    EXECUTED = "executed"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return STATUS_COLOURS.get(self, "grey")


STATUS_LABELS = {
    MouStatus.DRAFT: "Draft",
    MouStatus.OUT_FOR_SIGNATURE: "Out for signature",
    MouStatus.PARTLY_SIGNED: "Partly signed",
    MouStatus.EXECUTED: "Executed",
    MouStatus.EXPIRED: "Expired",
    MouStatus.TERMINATED: "Terminated",
    MouStatus.SUPERSEDED: "Superseded",
}
STATUS_COLOURS = {
    MouStatus.DRAFT: "white",
    MouStatus.OUT_FOR_SIGNATURE: "blue",
    MouStatus.PARTLY_SIGNED: "yellow",
    MouStatus.EXECUTED: "green",
    MouStatus.EXPIRED: "orange",
    MouStatus.TERMINATED: "red",
}
ENDED = (MouStatus.TERMINATED, MouStatus.SUPERSEDED)
AWAITING = (MouStatus.OUT_FOR_SIGNATURE, MouStatus.PARTLY_SIGNED)


MAX_ID = MAX_RECORD_ID


def parse_id(value) -> int | None:
    """A record id or version number from user input, or None when it is not one the database could hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class EndDateKind(StrEnum):
    END = "end"
    REVIEW = "review"


class SignatureMethod(StrEnum):
    ELECTRONIC = "electronic"
    WET_INK = "wet_ink"


mou_parties = Table(
    "mou_parties", db.Model.metadata,
    Column("mou_id", ForeignKey("mous.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id"), primary_key=True, index=True),
)


class Mou(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A memorandum of understanding: the editable draft plus the versions issued from it."""

    __tablename__ = "mous"
    record_label = "MOU"
    field_labels = {"title": "Title", "purpose": "Purpose", "start_date": "Start date",
                    "end_date": "End or review date", "end_date_kind": "The date is", "status": "Status"}
    value_labels = {"end_date_kind": {"end": "When the MOU ends", "review": "When the MOU is reviewed"},
                    "status": {status.value: label for status, label in STATUS_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    end_date_kind: Mapped[str] = mapped_column(String(10), default=EndDateKind.END.value)
    varies_id: Mapped[int | None] = mapped_column(ForeignKey("mous.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default=MouStatus.DRAFT.value, index=True)
    issued_count: Mapped[int] = mapped_column(Integer, default=0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    parties: Mapped[list[Partner]] = relationship(secondary=mou_parties, order_by=[Partner.name, Partner.id])
    clauses: Mapped[list["MouClause"]] = relationship(
        back_populates="mou", order_by="MouClause.position", cascade="all, delete-orphan")
    versions: Mapped[list["MouVersion"]] = relationship(order_by="MouVersion.number", viewonly=True)
    current_version: Mapped["MouVersion | None"] = relationship(
        primaryjoin=lambda: and_(foreign(MouVersion.mou_id) == Mou.id, MouVersion.number == Mou.issued_count),
        viewonly=True, uselist=False)
    varies: Mapped["Mou | None"] = relationship(remote_side=lambda: Mou.id)
    created_by: Mapped[User | None] = relationship()

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED

    @property
    def effective_status(self) -> MouStatus:
        """The stored status, shown as expired once an executed MOU passes its end date."""
        status = MouStatus(self.status)
        version = self.current_version
        if (status == MouStatus.EXECUTED and version is not None
                and version.end_date_kind == EndDateKind.END and version.end_date < clock.today()):
            return MouStatus.EXPIRED
        return status

    @property
    def end_date_label(self) -> str:
        return "Review date" if self.end_date_kind == EndDateKind.REVIEW else "End date"

    def __str__(self) -> str:
        return self.title


class MouClause(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """One clause of an MOU's draft, edited as Markdown; `key` follows it from version to version."""

    __tablename__ = "mou_clauses"
    record_label = "MOU clause"
    field_labels = {"heading": "Heading", "body": "Text"}

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(ForeignKey("mous.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    mou: Mapped[Mou] = relationship(back_populates="clauses")
    comments: Mapped[list["MouComment"]] = relationship(
        back_populates="clause", order_by="MouComment.created_at", passive_deletes=True)

    @property
    def html(self):
        return render_markdown(self.body)

    def __str__(self) -> str:
        return f"Clause {self.heading}"


class MouVersion(NetworkScoped, AppendOnly, Audited, db.Model):
    """A version issued for signature: frozen text, parties and the SHA-256 of its canonical form."""

    __tablename__ = "mou_versions"
    __table_args__ = (UniqueConstraint("mou_id", "number"),)
    audit_exclude = ("clauses", "purpose")

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(ForeignKey("mous.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    end_date_kind: Mapped[str] = mapped_column(String(10))
    clauses: Mapped[list] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_ip: Mapped[str] = mapped_column(String(64), default="")

    mou: Mapped[Mou] = relationship()
    issued_by: Mapped[User | None] = relationship()
    parties: Mapped[list["MouVersionParty"]] = relationship(
        back_populates="version", order_by="MouVersionParty.position")
    signatures: Mapped[list["MouSignature"]] = relationship(
        back_populates="version", order_by="MouSignature.signed_at")
    declines: Mapped[list["MouDecline"]] = relationship(
        back_populates="version", order_by="MouDecline.declined_at")

    @property
    def is_current(self) -> bool:
        return self.number == self.mou.issued_count

    @property
    def is_superseded(self) -> bool:
        return self.number < self.mou.issued_count

    @property
    def is_executed(self) -> bool:
        signed = {s.partner_id for s in self.signatures}
        return bool(self.parties) and all(p.partner_id in signed for p in self.parties)

    @property
    def status(self) -> MouStatus:
        """This version's own status, from its signatures and the MOU around it."""
        if self.is_superseded:
            return MouStatus.SUPERSEDED
        if self.mou.is_ended:
            return MouStatus(self.mou.status)
        if self.is_executed:
            return self.mou.effective_status
        return MouStatus.PARTLY_SIGNED if self.signatures else MouStatus.OUT_FOR_SIGNATURE

    @property
    def end_date_label(self) -> str:
        return "Review date" if self.end_date_kind == EndDateKind.REVIEW else "End date"

    @property
    def rendered_clauses(self) -> list[dict]:
        return [{"key": c["key"], "heading": c["heading"], "html": render_markdown(c["body"])}
                for c in self.clauses]

    def answer_for(self, partner_id: int):
        """The signature or decline a party has given this version, if any."""
        for record in (*self.signatures, *self.declines):
            if record.partner_id == partner_id:
                return record
        return None

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"


class MouVersionParty(NetworkScoped, AppendOnly, db.Model):
    """A party to an issued version, with its name and code as they stood when issued."""

    __tablename__ = "mou_version_parties"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("mou_versions.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    ods_code: Mapped[str] = mapped_column(String(10), default="")

    version: Mapped[MouVersion] = relationship(back_populates="parties")
    partner: Mapped[Partner] = relationship()


class MouSignature(NetworkScoped, AppendOnly, Audited, db.Model):
    """One party's signature of one version: electronic, or a wet-ink page recorded with evidence."""

    __tablename__ = "mou_signatures"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"),)
    audit_exclude = ("evidence",)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("mou_versions.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signatory_name: Mapped[str] = mapped_column(String(200))
    signatory_title: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    signed_on: Mapped[date | None] = mapped_column(Date)
    ip_address: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    version_hash: Mapped[str] = mapped_column(String(64))
    evidence: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    evidence_filename: Mapped[str] = mapped_column(String(200), default="")
    evidence_mime: Mapped[str] = mapped_column(String(60), default="")
    evidence_size: Mapped[int] = mapped_column(Integer, default=0)
    evidence_sha256: Mapped[str] = mapped_column(String(64), default="")
    record_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the row's fields, see versions.record_hash

    version: Mapped[MouVersion] = relationship(back_populates="signatures")
    partner: Mapped[Partner] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def is_wet_ink(self) -> bool:
        return self.method == SignatureMethod.WET_INK

    def __str__(self) -> str:
        return f"Signature of {self.signatory_name} for partner {self.partner_id}"


class MouDecline(NetworkScoped, AppendOnly, Audited, db.Model):
    """A party's refusal to sign one version, with the reason given."""

    __tablename__ = "mou_declines"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("mou_versions.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ip_address: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    version_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the row's fields, see versions.record_hash

    version: Mapped[MouVersion] = relationship(back_populates="declines")
    partner: Mapped[Partner] = relationship()
    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"Decline by partner {self.partner_id}"


class MouCommentInvitation(NetworkScoped, Audited, db.Model):
    """A member invited to read an MOU's draft and comment on it."""

    __tablename__ = "mou_comment_invitations"
    __table_args__ = (UniqueConstraint("mou_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(ForeignKey("mous.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __str__(self) -> str:
        return f"Invitation of user {self.user_id} to comment on MOU {self.mou_id}"


class MouComment(NetworkScoped, Audited, Timestamped, db.Model):
    """A comment on one clause of a draft; open until someone resolves it."""

    __tablename__ = "mou_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(ForeignKey("mous.id"), index=True)
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("mou_clauses.id", ondelete="SET NULL"), index=True)
    clause_heading: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    clause: Mapped[MouClause | None] = relationship(back_populates="comments")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def __str__(self) -> str:
        return f"Comment on {self.clause_heading}"
