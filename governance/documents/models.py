from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, UTCDateTime
from governance.extensions import db


class IssuedDocument(NetworkScoped, AppendOnly, Audited, db.Model):
    """An archived PDF exactly as issued; never altered after it is written."""

    __tablename__ = "issued_documents"
    audit_exclude = ("pdf",)

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
