"""Patient engagement: panels and their members, engagement activities, and feedback from patients.

Feedback is kept so that a hidden name cannot leak by accident: the item itself holds only the name
a patient agreed to show (`shown_name`, empty when anonymous). Who sent it lives in
`feedback_senders`, which only the sender's own pages read, and which is not audited. What the
patient wrote is kept unchanged in the append-only `feedback_originals`; staff may publish
different wording for privacy, never rewrite the original.
"""

from datetime import date, datetime
from enum import IntEnum, StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from governance.accountability.models import Workstream
from governance.core import clock
from governance.core.db import AppendOnly, Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.extensions import db
from governance.networks.models import Membership
from governance.partners.models import Partner


class PanelKind(StrEnum):
    NETWORK = "network"
    PRACTICE = "practice"

    @property
    def label(self) -> str:
        return {"network": "Network patient panel", "practice": "Patient participation group"}[self.value]


class ActivityKind(StrEnum):
    PANEL_MEETING = "panel_meeting"
    SURVEY = "survey"
    FOCUS_GROUP = "focus_group"
    CO_DESIGN = "co_design"
    PUBLIC_EVENT = "public_event"
    ONLINE_CONSULTATION = "online_consultation"

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    ActivityKind.PANEL_MEETING: "Panel meeting", ActivityKind.SURVEY: "Survey",
    ActivityKind.FOCUS_GROUP: "Focus group", ActivityKind.CO_DESIGN: "Co-design workshop",
    ActivityKind.PUBLIC_EVENT: "Public event", ActivityKind.ONLINE_CONSULTATION: "Online consultation",
}


class FeedbackStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESPONDED = "responded"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"received": "Received", "acknowledged": "Acknowledged", "in_progress": "In progress",
                "responded": "Responded", "closed": "Closed"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"received": "blue", "acknowledged": "aqua-green", "in_progress": "yellow",
                "responded": "green", "closed": "grey"}[self.value]

    @property
    def order(self) -> int:
        return list(FeedbackStatus).index(self)


class Feeling(IntEnum):
    """The Friends and Family Test's answers to "Overall, how was your experience of our service?"."""

    VERY_GOOD = 5
    GOOD = 4
    NEITHER = 3
    POOR = 2
    VERY_POOR = 1
    DONT_KNOW = 0

    @property
    def label(self) -> str:
        return {5: "Very good", 4: "Good", 3: "Neither good nor poor", 2: "Poor", 1: "Very poor",
                0: "Don't know"}[self.value]


class FeedbackSource(StrEnum):
    PANEL = "panel"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return {"panel": "Patient panel member", "public": "Public feedback form"}[self.value]


PROFILE_BANDS = [
    ("age_under_25", "Aged under 25"), ("age_25_44", "Aged 25 to 44"), ("age_45_64", "Aged 45 to 64"),
    ("age_65_74", "Aged 65 to 74"), ("age_75_plus", "Aged 75 and over"),
    ("sex_female", "Female"), ("sex_male", "Male"),
]
PROFILE_LABELS = dict(PROFILE_BANDS)


class EngagementSettings(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A network's engagement settings: feedback targets in working days and the public form."""

    __tablename__ = "engagement_settings"
    __table_args__ = (
        UniqueConstraint("network_id"),
        CheckConstraint("acknowledge_days BETWEEN 1 AND 60", name="acknowledge_days_range"),
        CheckConstraint("respond_days BETWEEN 1 AND 120", name="respond_days_range"),
    )
    record_label = "Engagement settings"
    field_labels = {"acknowledge_days": "Acknowledge within (working days)",
                    "respond_days": "Respond within (working days)",
                    "public_form_open": "Public feedback form open", "privacy_notice": "Privacy notice"}

    id: Mapped[int] = mapped_column(primary_key=True)
    acknowledge_days: Mapped[int] = mapped_column(Integer, default=3)
    respond_days: Mapped[int] = mapped_column(Integer, default=20)
    public_form_open: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_notice: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return "Engagement settings"


class PatientPanel(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """The network's patient panel, or a practice's patient participation group."""

    __tablename__ = "patient_panels"
    __table_args__ = (
        UniqueConstraint("network_id", "name"),
        network_link("partner_id", "partners"),
        CheckConstraint("kind IN ('network', 'practice')", name="known_kind"),
        CheckConstraint("(kind = 'practice') = (partner_id IS NOT NULL)", name="practice_has_partner"),
    )
    record_label = "Patient panel"
    field_labels = {"name": "Name", "kind": "Kind", "partner_id": "Practice", "description": "About the panel",
                    "last_review_on": "Membership last reviewed"}
    value_labels = {"kind": {k.value: k.label for k in PanelKind}}
    linked_fields = {"partner_id": "partner"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    last_review_on: Mapped[date | None] = mapped_column(Date)

    partner: Mapped[Partner | None] = relationship(
        primaryjoin="foreign(PatientPanel.partner_id) == Partner.id", viewonly=True)

    @property
    def kind_enum(self) -> PanelKind:
        return PanelKind(self.kind)

    def __str__(self) -> str:
        return self.name


class PanelMember(NetworkScoped, Audited, Timestamped, db.Model):
    """A member of a panel: their name, the date they joined, and the practice they are registered with."""

    __tablename__ = "panel_members"
    __table_args__ = (
        network_link("panel_id", "patient_panels"),
        network_link("partner_id", "partners"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="leaves_after_joining"),
    )
    record_label = "Panel member"
    field_labels = {"name": "Name", "joined_on": "Joined", "partner_id": "Registered practice", "left_on": "Left"}
    linked_fields = {"partner_id": "partner"}

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    partner: Mapped[Partner | None] = relationship(
        primaryjoin="foreign(PanelMember.partner_id) == Partner.id", viewonly=True)

    def __str__(self) -> str:
        return self.name


class ProfileCount(NetworkScoped, Audited, db.Model):
    """One aggregate count for the representativeness review: a panel's, or (no panel) the practices' lists."""

    __tablename__ = "profile_counts"
    __table_args__ = (
        network_link("panel_id", "patient_panels"),
        UniqueConstraint("network_id", "panel_id", "band"),
        CheckConstraint("people >= 0", name="not_negative"),
    )
    record_label = "Profile count"
    field_labels = {"band": "Group", "people": "People"}
    value_labels = {"band": PROFILE_LABELS}

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int | None] = mapped_column(Integer, index=True)
    band: Mapped[str] = mapped_column(String(30))
    people: Mapped[int] = mapped_column(Integer)

    def __str__(self) -> str:
        return PROFILE_LABELS.get(self.band, self.band)


class EngagementActivity(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A panel meeting, survey, focus group, workshop, event or consultation, and what was learned."""

    __tablename__ = "engagement_activities"
    __table_args__ = (
        network_link("workstream_id", "workstreams"),
        CheckConstraint("participants >= 0", name="participants_not_negative"),
    )
    record_label = "Engagement activity"
    field_labels = {"kind": "Kind", "held_on": "Date", "topic": "Topic", "workstream_id": "Workstream",
                    "participants": "Participants", "summary": "Summary", "learned": "What was learned"}
    value_labels = {"kind": {k.value: k.label for k in ActivityKind}}
    linked_fields = {"workstream_id": "workstream"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[str] = mapped_column(String(300))
    workstream_id: Mapped[int | None] = mapped_column(Integer, index=True)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")

    workstream: Mapped[Workstream | None] = relationship(
        primaryjoin="foreign(EngagementActivity.workstream_id) == Workstream.id", viewonly=True)
    attachments: Mapped[list["ActivityAttachment"]] = relationship(
        primaryjoin="foreign(ActivityAttachment.activity_id) == EngagementActivity.id", viewonly=True,
        order_by="ActivityAttachment.id")

    @property
    def kind_enum(self) -> ActivityKind:
        return ActivityKind(self.kind)

    def __str__(self) -> str:
        return self.topic


class ActivityAttachment(NetworkScoped, Audited, db.Model):
    """A PDF kept with an activity (notes, a survey report), checked as meeting papers are."""

    __tablename__ = "activity_attachments"
    __table_args__ = (network_link("activity_id", "engagement_activities"),
                      CheckConstraint("size_bytes > 0", name="not_empty"))
    record_label = "Activity attachment"
    audit_exclude = ("content",)
    field_labels = {"title": "Title", "filename": "File"}

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def size_label(self) -> str:
        kilobytes = max(1, round(self.size_bytes / 1024))
        return f"{kilobytes:,} KB" if kilobytes < 1024 else f"{self.size_bytes / (1024 * 1024):.1f} MB"

    def __str__(self) -> str:
        return f"Attachment \"{self.title}\""


STATUSES = "'received', 'acknowledged', 'in_progress', 'responded', 'closed'"


class Feedback(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """One piece of feedback and how staff answered it. Never holds a hidden name (see the module)."""

    __tablename__ = "feedback_items"
    __table_args__ = (
        network_link("workstream_id", "workstreams"),
        network_link("owner_id", "memberships"),
        CheckConstraint(f"status IN ({STATUSES})", name="known_status"),
        CheckConstraint("source IN ('panel', 'public')", name="known_source"),
        CheckConstraint("feeling IS NULL OR feeling BETWEEN 0 AND 5", name="known_feeling"),
        CheckConstraint("NOT published OR published_wording <> ''", name="published_has_wording"),
        CheckConstraint("status = 'received' OR acknowledged_at IS NOT NULL", name="acknowledged_dated"),
        CheckConstraint("status NOT IN ('responded', 'closed') OR responded_at IS NOT NULL",
                        name="responded_dated"),
    )
    record_label = "Feedback"
    field_labels = {"status": "Status", "theme": "Theme", "owner_id": "Owner", "response": "Response",
                    "published": "Published", "published_wording": "Published wording",
                    "acknowledged_at": "Acknowledged", "in_progress_at": "Work started",
                    "responded_at": "Responded", "closed_at": "Closed"}
    value_labels = {"status": {s.value: s.label for s in FeedbackStatus}}
    linked_fields = {"owner_id": "owner", "workstream_id": "workstream"}

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))
    workstream_id: Mapped[int | None] = mapped_column(Integer, index=True)
    topic: Mapped[str] = mapped_column(String(200), default="")
    feeling: Mapped[int | None] = mapped_column(Integer)
    shown_name: Mapped[str] = mapped_column(String(200), default="")  # empty: anonymous to staff
    status: Mapped[str] = mapped_column(String(20), default=FeedbackStatus.RECEIVED.value, index=True)
    theme: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    acknowledge_due: Mapped[date] = mapped_column(Date)
    respond_due: Mapped[date] = mapped_column(Date)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_wording: Mapped[str] = mapped_column(Text, default="")

    workstream: Mapped[Workstream | None] = relationship(
        primaryjoin="foreign(Feedback.workstream_id) == Workstream.id", viewonly=True)
    owner: Mapped[Membership | None] = relationship(
        primaryjoin="foreign(Feedback.owner_id) == Membership.id", viewonly=True)
    original: Mapped["FeedbackOriginal"] = relationship(
        primaryjoin="foreign(FeedbackOriginal.feedback_id) == Feedback.id", viewonly=True, uselist=False)

    @property
    def status_enum(self) -> FeedbackStatus:
        return FeedbackStatus(self.status)

    @property
    def feeling_label(self) -> str:
        return Feeling(self.feeling).label if self.feeling is not None else ""

    @property
    def about(self) -> str:
        return self.workstream.name if self.workstream is not None else (self.topic or "General")

    @property
    def source_label(self) -> str:
        return FeedbackSource(self.source).label

    @property
    def from_label(self) -> str:
        return self.shown_name or "Anonymous"

    @property
    def reference(self) -> str:
        return f"F{self.id:05d}"

    def __str__(self) -> str:
        return f"Feedback {self.reference}"


class FeedbackOriginal(NetworkScoped, AppendOnly, db.Model):
    """What the patient wrote, exactly as sent; never changed (database triggers refuse it)."""

    __tablename__ = "feedback_originals"
    __table_args__ = (network_link("feedback_id", "feedback_items"), UniqueConstraint("feedback_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class FeedbackSender(NetworkScoped, db.Model):
    """Who sent an item, for their own pages only: never audited, never joined by staff queries."""

    __tablename__ = "feedback_senders"
    __table_args__ = (network_link("feedback_id", "feedback_items"), UniqueConstraint("feedback_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    email_on_change: Mapped[bool] = mapped_column(Boolean, default=False)


class FeedbackLink(NetworkScoped, Audited, db.Model):
    """A response's link to what it led to: a decision, an action, ... (a kind from engagement.links)."""

    __tablename__ = "feedback_links"
    __table_args__ = (network_link("feedback_id", "feedback_items"),
                      UniqueConstraint("feedback_id", "kind", "target_id"))
    record_label = "Feedback link"
    field_labels = {"kind": "Kind", "target_id": "Record"}

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def __str__(self) -> str:
        return f"Link to {self.kind} {self.target_id}"


class PublicFormUse(db.Model):
    """One use of a network's public feedback form from an address, for the rate limit (kept in the database)."""

    __tablename__ = "public_feedback_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"))
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
