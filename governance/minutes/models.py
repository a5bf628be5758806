"""Minutes of a board meeting: drafted and circulated by the secretary, then approved at a later meeting.

The draft (`Minutes`) is edited until it is approved. Approval writes an `ApprovedMinutes` row holding
the final text; it is append-only (database triggers, migration 0018) and on the governance ledger.
A mistake found later is put right by a `MinutesCorrection` (approved by a later meeting's decision),
which is printed after the approved text; the approved text itself is never rewritten.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.decisions.models import Decision
from governance.extensions import db
from governance.meetings.meeting_models import Meeting
from governance.meetings.models import link_join


class MinutesStatus(StrEnum):
    NONE = "none"
    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return {"none": "No minutes yet", "draft": "Draft", "circulated": "Circulated in draft",
                "approved": "Approved"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"none": "grey", "draft": "yellow", "circulated": "blue", "approved": "green"}[self.value]


class Minutes(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """The secretary's minutes of one meeting, editable until they are approved."""

    __tablename__ = "minutes"
    __table_args__ = (network_link("meeting_id", "meetings"), network_link("board_id", "boards"),
                      UniqueConstraint("meeting_id"))
    record_label = "Minutes"
    field_labels = {"opening": "Opening and matters arising", "summaries_words": "Discussion summaries",
                    "status": "Status"}
    value_labels = {"status": {s.value: s.label for s in MinutesStatus}}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer)
    board_id: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default=MinutesStatus.DRAFT.value)
    opening: Mapped[str] = mapped_column(Text, default="")
    # {"<agenda item id>": "what was discussed"}
    summaries: Mapped[dict] = mapped_column(JSON, default=dict)
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(primaryjoin=link_join("Minutes", "meeting_id", "Meeting"),
                                            viewonly=True)

    @property
    def status_enum(self) -> MinutesStatus:
        return MinutesStatus(self.status)

    @property
    def summaries_words(self) -> str:
        return "\n\n".join((self.summaries or {}).values()) or "None"

    def summary_of(self, item_id: int) -> str:
        return (self.summaries or {}).get(str(item_id), "")

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}" if self.meeting is not None else "Minutes"


class ApprovedMinutes(NetworkScoped, AppendOnly, Audited, db.Model):
    """The final text of a meeting's minutes as approved by a later meeting's decision; never changed."""

    __tablename__ = "approved_minutes"
    __table_args__ = (network_link("meeting_id", "meetings"), network_link("minutes_id", "minutes"),
                      network_link("decision_id", "decisions"), UniqueConstraint("meeting_id"))
    record_label = "Approved minutes"
    field_labels = {"approved_at": "Approved"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer)
    minutes_id: Mapped[int] = mapped_column(Integer, index=True)
    decision_id: Mapped[int] = mapped_column(Integer, index=True)
    content: Mapped[dict] = mapped_column(JSON)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(primaryjoin=link_join("ApprovedMinutes", "meeting_id", "Meeting"),
                                            viewonly=True)
    decision: Mapped[Decision] = relationship(
        primaryjoin=link_join("ApprovedMinutes", "decision_id", "Decision"), viewonly=True)

    def __str__(self) -> str:
        return f"Approved minutes of {self.meeting}" if self.meeting is not None else "Approved minutes"


class MinutesCorrection(NetworkScoped, AppendOnly, Audited, db.Model):
    """A correction to approved minutes, approved by a decision of a later meeting; the approved text is never
    rewritten, the correction is printed after it."""

    __tablename__ = "minutes_corrections"
    __table_args__ = (network_link("approved_minutes_id", "approved_minutes"), network_link("meeting_id", "meetings"),
                      network_link("decision_id", "decisions"),
                      CheckConstraint("passage <> '' AND corrected_wording <> '' AND reason <> ''",
                                      name="correction_stated"))
    record_label = "Correction to approved minutes"
    field_labels = {"section": "Part of the minutes", "passage": "Passage corrected",
                    "corrected_wording": "Corrected wording", "reason": "Why it is corrected",
                    "decision_id": "Approved by decision"}

    id: Mapped[int] = mapped_column(primary_key=True)
    approved_minutes_id: Mapped[int] = mapped_column(Integer, index=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    section: Mapped[str] = mapped_column(String(40))  # "attendance", "declarations", "opening" or "item-<id>"
    section_title: Mapped[str] = mapped_column(String(400))  # in words, as the approved minutes name it
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)  # the corrected item is confidential
    passage: Mapped[str] = mapped_column(Text)
    corrected_wording: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    decision_id: Mapped[int] = mapped_column(Integer, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    decision: Mapped[Decision] = relationship(
        primaryjoin=link_join("MinutesCorrection", "decision_id", "Decision"), viewonly=True)
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], viewonly=True)

    def __str__(self) -> str:
        return f"Correction to the minutes ({self.section_title})"
