from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, UTCDateTime, network_link
from governance.extensions import db


class IssuedDocument(NetworkScoped, AppendOnly, Audited, db.Model):
    """An archived PDF exactly as issued; never altered after it is written."""

    __tablename__ = "issued_documents"
    audit_exclude = ("pdf",)
    record_label = "Issued document"
    field_labels = {"title": "Title", "covers": "Covers", "is_draft": "Draft", "generated_by_id": "Issued by",
                    "generated_at": "Issued"}
    linked_fields = {"generated_by_id": "generated_by"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(300))
    covers: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str | None] = mapped_column(String(60))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)

    generated_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def filename(self) -> str:
        safe = "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")
        return f"{safe[:80]}-{self.id}.pdf"

    def __str__(self) -> str:
        return self.title


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"queued": "Waiting to start", "running": "Being made", "done": "Ready",
                "failed": "Could not be made"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"queued": "grey", "running": "blue", "done": "green", "failed": "red"}[self.value]


class DocumentJob(NetworkScoped, db.Model):
    """A document the background worker is making: what was asked for, and how far it has got."""

    __tablename__ = "document_jobs"
    __table_args__ = (network_link("document_id", "issued_documents"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document: Mapped[IssuedDocument | None] = relationship(
        primaryjoin="and_(DocumentJob.document_id == foreign(IssuedDocument.id), "
                    "DocumentJob.network_id == IssuedDocument.network_id)", viewonly=True)
    requested_by: Mapped[User | None] = relationship()

    @property
    def status_enum(self) -> JobStatus:
        return JobStatus(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
