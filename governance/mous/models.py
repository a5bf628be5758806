"""MOUs: the editable draft, the versions issued from it, and every party's one answer to each version.

Links between MOU records carry the network too (`network_link`), so the database refuses a
link to a record of another network. Relationships join on the record id alone and services
set `network_id` themselves.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, deferred, foreign, mapped_column, relationship, remote

from governance.auth.models import User
from governance.core import clock
from governance.core.db import (
    MAX_RECORD_ID,
    AppendOnly,
    Audited,
    NetworkScoped,
    Timestamped,
    UTCDateTime,
    Versioned,
    network_link,
)
from governance.extensions import db
from governance.mous.text import render_markdown
from governance.partners.models import Partner


class LabelledStatus(StrEnum):
    """A status stored as its value, with the words and the NHS.UK tag colour people see."""

    def __new__(cls, value: str, label: str = "", tag_colour: str = "grey"):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.tag_colour = tag_colour
        return member


class MouStatus(LabelledStatus):
    DRAFT = ("draft", "Draft", "white")
    OUT_FOR_SIGNATURE = ("out_for_signature", "Out for signature", "blue")
    PARTLY_SIGNED = ("partly_signed", "Partly signed", "yellow")
    EXECUTED = ("executed", "Executed", "green")
    EXPIRED = ("expired", "Expired", "orange")
    TERMINATED = ("terminated", "Terminated", "red")
    SUPERSEDED = ("superseded", "Superseded", "grey")


class AnswerStatus(LabelledStatus):
    """Where one party stands on one version."""

    NOT_SIGNED = ("not_signed", "Not signed", "grey")
    SIGNED = ("signed", "Signed", "green")
    DECLINED = ("declined", "Declined", "red")


class CommentStatus(LabelledStatus):
    OPEN = ("open", "Open", "blue")
    RESOLVED = ("resolved", "Resolved", "grey")


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


class AnswerKind(StrEnum):
    SIGNATURE = "signature"
    DECLINE = "decline"


# The parties chosen for the draft. network_id is part of both links, so a party of another
# network cannot be chosen even by writing the table directly.
mou_parties = Table(
    "mou_parties", db.Model.metadata,
    Column("mou_id", Integer, primary_key=True),
    Column("partner_id", Integer, primary_key=True, index=True),
    Column("network_id", Integer, nullable=False, index=True),
    network_link("mou_id", "mous", ondelete="CASCADE"),
    network_link("partner_id", "partners"),
)


class Mou(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A memorandum of understanding: the editable draft plus the versions issued from it."""

    __tablename__ = "mous"
    __table_args__ = (network_link("varies_id", "mous"), UniqueConstraint("varies_id", "variation_number"))
    record_label = "MOU"
    field_labels = {"title": "Title", "purpose": "Purpose", "start_date": "Start date",
                    "end_date": "End or review date", "end_date_kind": "The date is", "status": "Status",
                    "comments_due_on": "Comments due by"}
    value_labels = {"end_date_kind": {"end": "When the MOU ends", "review": "When the MOU is reviewed"},
                    "status": {status.value: status.label for status in MouStatus}}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    end_date_kind: Mapped[str] = mapped_column(String(10), default=EndDateKind.END.value)
    varies_id: Mapped[int | None] = mapped_column(Integer, index=True)
    variation_number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(30), default=MouStatus.DRAFT.value, index=True)
    issued_count: Mapped[int] = mapped_column(Integer, default=0)
    # The executed version the parties are bound by: it stays in force until a later one is executed.
    in_force_number: Mapped[int | None] = mapped_column(Integer)
    comments_due_on: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    parties: Mapped[list[Partner]] = relationship(
        secondary=mou_parties, order_by=[Partner.name, Partner.id],
        primaryjoin=lambda: and_(Mou.id == mou_parties.c.mou_id, Mou.network_id == mou_parties.c.network_id),
        secondaryjoin=lambda: Partner.id == mou_parties.c.partner_id,
        foreign_keys=[mou_parties.c.mou_id, mou_parties.c.network_id, mou_parties.c.partner_id])
    clauses: Mapped[list["MouClause"]] = relationship(
        back_populates="mou", order_by="MouClause.position", cascade="all, delete-orphan",
        primaryjoin="Mou.id == MouClause.mou_id", foreign_keys="MouClause.mou_id")
    versions: Mapped[list["MouVersion"]] = relationship(
        order_by="MouVersion.number", viewonly=True,
        primaryjoin="Mou.id == MouVersion.mou_id", foreign_keys="MouVersion.mou_id")
    current_version: Mapped["MouVersion | None"] = relationship(
        primaryjoin=lambda: and_(foreign(MouVersion.mou_id) == Mou.id, MouVersion.number == Mou.issued_count),
        viewonly=True, uselist=False)
    in_force_version: Mapped["MouVersion | None"] = relationship(
        primaryjoin=lambda: and_(foreign(MouVersion.mou_id) == Mou.id, MouVersion.number == Mou.in_force_number),
        viewonly=True, uselist=False)
    varies: Mapped["Mou | None"] = relationship(
        primaryjoin=lambda: foreign(Mou.varies_id) == remote(Mou.id), viewonly=True)
    created_by: Mapped[User | None] = relationship()

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED

    @property
    def full_title(self) -> str:
        """The title people read: a variation's names what it varies and its number."""
        if self.varies_id is None or self.varies is None:
            return self.title
        return variation_title(self.varies.issued_title, self.variation_number, self.title)

    @property
    def issued_title(self) -> str:
        """The title as last issued, which every reader may see (the draft's may not be issued yet)."""
        version = self.current_version
        return version.title if version is not None else self.full_title

    @property
    def in_force(self) -> "MouVersion | None":
        """The executed version the parties are bound by, while the MOU has not ended."""
        return None if self.is_ended else self.in_force_version

    @property
    def effective_status(self) -> MouStatus:
        """The MOU's standing: executed (or expired) while a version is in force, else the current version's."""
        if self.is_ended:
            return MouStatus(self.status)
        version = self.in_force_version
        if version is not None:
            return MouStatus.EXPIRED if version.has_expired else MouStatus.EXECUTED
        return MouStatus(self.status)

    @property
    def end_date_label(self) -> str:
        return "Review date" if self.end_date_kind == EndDateKind.REVIEW else "End date"

    def __str__(self) -> str:
        return self.title


def variation_title(original: str, number: int | None, subject: str) -> str:
    """'Integrated frailty service MOU — variation 1: weekend cover'."""
    return f"{original} — variation {number}: {subject}" if number else f"{original} — variation: {subject}"


class MouClause(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """One clause of an MOU's draft, edited as Markdown; `key` follows it from version to version."""

    __tablename__ = "mou_clauses"
    __table_args__ = (network_link("mou_id", "mous", ondelete="CASCADE"),)
    record_label = "MOU clause"
    field_labels = {"heading": "Heading", "body": "Text"}

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(Integer, index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    mou: Mapped[Mou] = relationship(back_populates="clauses", primaryjoin="Mou.id == MouClause.mou_id",
                                    foreign_keys=[mou_id])
    comments: Mapped[list["MouComment"]] = relationship(
        back_populates="clause", order_by="MouComment.created_at",
        primaryjoin="MouClause.id == MouComment.clause_id", foreign_keys="MouComment.clause_id")

    @property
    def html(self):
        return render_markdown(self.body)

    @property
    def is_blank(self) -> bool:
        return not (self.body or "").strip()

    def __str__(self) -> str:
        return f"Clause {self.heading}"


class MouVersion(NetworkScoped, AppendOnly, Audited, db.Model):
    """A version issued for signature: frozen text, parties and the SHA-256 of its canonical form."""

    __tablename__ = "mou_versions"
    __table_args__ = (UniqueConstraint("mou_id", "number"), network_link("mou_id", "mous"))
    record_label = "MOU version"
    audit_exclude = ("clauses", "purpose")

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(Integer, index=True)
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

    mou: Mapped[Mou] = relationship(primaryjoin="Mou.id == MouVersion.mou_id", foreign_keys=[mou_id])
    issued_by: Mapped[User | None] = relationship()
    parties: Mapped[list["MouVersionParty"]] = relationship(
        back_populates="version", order_by="MouVersionParty.position",
        primaryjoin="MouVersion.id == MouVersionParty.version_id", foreign_keys="MouVersionParty.version_id")
    signatures: Mapped[list["MouSignature"]] = relationship(
        back_populates="version", order_by="MouSignature.signed_at",
        primaryjoin="MouVersion.id == MouSignature.version_id", foreign_keys="MouSignature.version_id")
    declines: Mapped[list["MouDecline"]] = relationship(
        back_populates="version", order_by="MouDecline.declined_at",
        primaryjoin="MouVersion.id == MouDecline.version_id", foreign_keys="MouDecline.version_id")

    @property
    def is_current(self) -> bool:
        return self.number == self.mou.issued_count

    @property
    def is_superseded(self) -> bool:
        """A later version has been issued: this one can no longer be signed."""
        return self.number < self.mou.issued_count

    @property
    def is_in_force(self) -> bool:
        return self.number == self.mou.in_force_number and not self.mou.is_ended

    @property
    def is_executed(self) -> bool:
        signed = {s.partner_id for s in self.signatures}
        return bool(self.parties) and all(p.partner_id in signed for p in self.parties)

    @property
    def has_expired(self) -> bool:
        return self.end_date_kind == EndDateKind.END and self.end_date < clock.today()

    @property
    def executed_at(self) -> datetime | None:
        """When the last party signed, if every party has."""
        return max(s.signed_at for s in self.signatures) if self.is_executed else None

    @property
    def status(self) -> MouStatus:
        """This version's own status: an executed version stays in force until a later one is executed."""
        mou = self.mou
        if self.number == mou.in_force_number:
            if mou.is_ended:
                return MouStatus(mou.status)
            return MouStatus.EXPIRED if self.has_expired else MouStatus.EXECUTED
        if self.is_superseded or (mou.in_force_number or 0) > self.number:
            return MouStatus.SUPERSEDED
        if mou.is_ended:
            return MouStatus(mou.status)
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

    def answer_status(self, partner_id: int) -> AnswerStatus:
        answer = self.answer_for(partner_id)
        if answer is None:
            return AnswerStatus.NOT_SIGNED
        return AnswerStatus.SIGNED if isinstance(answer, MouSignature) else AnswerStatus.DECLINED

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"


class MouVersionParty(NetworkScoped, AppendOnly, db.Model):
    """A party to an issued version, with its name and code as they stood when issued."""

    __tablename__ = "mou_version_parties"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"), network_link("version_id", "mou_versions"),
                      network_link("partner_id", "partners"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer, index=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    ods_code: Mapped[str] = mapped_column(String(10), default="")

    version: Mapped[MouVersion] = relationship(
        back_populates="parties", primaryjoin="MouVersion.id == MouVersionParty.version_id",
        foreign_keys=[version_id])
    partner: Mapped[Partner] = relationship(primaryjoin="Partner.id == MouVersionParty.partner_id",
                                            foreign_keys=[partner_id])

    def __str__(self) -> str:
        return self.name


class MouAnswer(NetworkScoped, AppendOnly, db.Model):
    """The one answer a party gives a version: a signature (electronic or wet ink) or a decline.

    Signatures and declines each point at their answer row with their own kind, so the database
    holds at most one of either per party and version, whoever writes it and however fast.
    """

    __tablename__ = "mou_answers"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"),
                      UniqueConstraint("network_id", "version_id", "partner_id", "kind"),
                      CheckConstraint("kind IN ('signature', 'decline')", name="kind_is_known"),
                      network_link("version_id", "mou_versions"), network_link("partner_id", "partners"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


def _answer_link(kind: AnswerKind) -> tuple:
    """The columns and constraints that tie a signature or decline to its one answer row."""
    return (CheckConstraint(f"answer_kind = '{kind.value}'", name=f"answer_is_a_{kind.value}"),
            ForeignKeyConstraint(["network_id", "version_id", "partner_id", "answer_kind"],
                                 ["mou_answers.network_id", "mou_answers.version_id", "mou_answers.partner_id",
                                  "mou_answers.kind"], name=f"fk_mou_{kind.value}s_answer"))


class MouSignature(NetworkScoped, AppendOnly, Audited, db.Model):
    """One party's signature of one version: electronic, or a wet-ink page recorded with evidence."""

    __tablename__ = "mou_signatures"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"), network_link("version_id", "mou_versions"),
                      network_link("partner_id", "partners"), *_answer_link(AnswerKind.SIGNATURE))
    record_label = "MOU signature"
    audit_exclude = ("evidence",)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer, index=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    answer_kind: Mapped[str] = mapped_column(String(10), default=AnswerKind.SIGNATURE.value)
    method: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signatory_name: Mapped[str] = mapped_column(String(200))
    signatory_title: Mapped[str] = mapped_column(String(200))
    # The signing account's own name and email as they were when it signed (electronic signatures).
    account_name: Mapped[str] = mapped_column(String(200), default="")
    account_email: Mapped[str] = mapped_column(String(254), default="")
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

    version: Mapped[MouVersion] = relationship(
        back_populates="signatures", primaryjoin="MouVersion.id == MouSignature.version_id",
        foreign_keys=[version_id])
    partner: Mapped[Partner] = relationship(primaryjoin="Partner.id == MouSignature.partner_id",
                                            foreign_keys=[partner_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def is_wet_ink(self) -> bool:
        return self.method == SignatureMethod.WET_INK

    @property
    def account(self) -> tuple[str, str]:
        """(name, email) of the account that signed, as recorded when it signed (or as it is now)."""
        if self.account_email:
            return self.account_name, self.account_email
        return (self.user.full_name, self.user.email) if self.user is not None else ("", "")

    @property
    def name_differs(self) -> bool:
        """Whether the typed name is not the signing account's own name."""
        name, _ = self.account
        return bool(name) and names_differ(self.signatory_name, name)

    @property
    def identity_check(self) -> str:
        """How the signatory proved who they were, in plain words."""
        if self.is_wet_ink:
            recorder = self.recorded_by.full_name if self.recorded_by else "the board secretary"
            return f"Signed on paper; {recorder} recorded it with a scan of the signed page"
        return "Signed in to Accord and re-entered their password to sign"

    def __str__(self) -> str:
        return f"Signature of {self.signatory_name} for {self.partner.name if self.partner else 'a party'}"


def name_differs_message(account_name: str) -> str:
    return (f"The name you typed is not the name on your Accord account, {account_name}. Type your own name, "
            "or confirm that you sign under the name you typed")


def names_differ(typed: str, account: str) -> bool:
    """Whether a typed name is another name than the account's (case, spacing and dots aside)."""
    def simple(name: str) -> str:
        return " ".join((name or "").replace(".", " ").casefold().split())
    return simple(typed) != simple(account)


class MouDecline(NetworkScoped, AppendOnly, Audited, db.Model):
    """A party's refusal to sign one version, with the reason given."""

    __tablename__ = "mou_declines"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"), network_link("version_id", "mou_versions"),
                      network_link("partner_id", "partners"), *_answer_link(AnswerKind.DECLINE))
    record_label = "MOU decline"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer, index=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    answer_kind: Mapped[str] = mapped_column(String(10), default=AnswerKind.DECLINE.value)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ip_address: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    version_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the row's fields, see versions.record_hash

    version: Mapped[MouVersion] = relationship(
        back_populates="declines", primaryjoin="MouVersion.id == MouDecline.version_id", foreign_keys=[version_id])
    partner: Mapped[Partner] = relationship(primaryjoin="Partner.id == MouDecline.partner_id",
                                            foreign_keys=[partner_id])
    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"Decline for {self.partner.name if self.partner else 'a party'}"


class MouReminder(NetworkScoped, AppendOnly, db.Model):
    """A reminder to sign, emailed to one party's signatories: at most one a day for each party."""

    __tablename__ = "mou_reminders"
    __table_args__ = (UniqueConstraint("version_id", "partner_id", "reminded_on"),
                      network_link("version_id", "mou_versions"), network_link("partner_id", "partners"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    reminded_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    emails: Mapped[int] = mapped_column(Integer, default=0)


class MouCommentInvitation(NetworkScoped, Audited, db.Model):
    """A member invited to read an MOU's draft and comment on it."""

    __tablename__ = "mou_comment_invitations"
    __table_args__ = (UniqueConstraint("mou_id", "user_id"), network_link("mou_id", "mous"))
    record_label = "Invitation to comment on an MOU"

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    mou: Mapped[Mou] = relationship(primaryjoin="Mou.id == MouCommentInvitation.mou_id", foreign_keys=[mou_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __str__(self) -> str:
        who = self.user.full_name if self.user is not None else "a member"
        return f"Invitation of {who} to comment on {self.mou.title if self.mou else 'an MOU'}"


class MouComment(NetworkScoped, Audited, Timestamped, db.Model):
    """A comment on one clause of a draft, or a reply to one; open until someone resolves it."""

    __tablename__ = "mou_comments"
    __table_args__ = (network_link("mou_id", "mous"), network_link("clause_id", "mou_clauses"),
                      network_link("reply_to_id", "mou_comments"))
    record_label = "MOU comment"
    field_labels = {"body": "Comment"}

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(Integer, index=True)
    # Set to NULL by the service when the clause is removed; the heading stays in clause_heading.
    clause_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reply_to_id: Mapped[int | None] = mapped_column(Integer, index=True)
    clause_heading: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    clause: Mapped[MouClause | None] = relationship(
        back_populates="comments", primaryjoin="MouClause.id == MouComment.clause_id", foreign_keys=[clause_id])
    replies: Mapped[list["MouComment"]] = relationship(
        primaryjoin=lambda: MouComment.id == remote(foreign(MouComment.reply_to_id)),
        order_by="MouComment.created_at",
        viewonly=True)
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def is_reply(self) -> bool:
        return self.reply_to_id is not None

    @property
    def status(self) -> CommentStatus:
        return CommentStatus.OPEN if self.is_open else CommentStatus.RESOLVED

    def __str__(self) -> str:
        return f"Comment on {self.clause_heading}"
