from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.core import clock
from governance.core.db import Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.core.permissions import ROLE_LABELS
from governance.extensions import db


class CareModel(StrEnum):
    PRIMARY_CARE_HOME = "primary_care_home"
    PRIMARY_CARE_NETWORK = "primary_care_network"
    LOCAL_CARE_NETWORK = "local_care_network"
    MCP = "mcp"
    PACS = "pacs"
    ICS = "ics"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CARE_MODEL_LABELS[self]


CARE_MODEL_LABELS = {
    CareModel.PRIMARY_CARE_HOME: "Primary care home",
    CareModel.PRIMARY_CARE_NETWORK: "Primary care network",
    CareModel.LOCAL_CARE_NETWORK: "Local care network",
    CareModel.MCP: "Multispecialty community provider (MCP)",
    CareModel.PACS: "Primary and acute care system (PACS)",
    CareModel.ICS: "Integrated care system (ICS)",
    CareModel.OTHER: "Other",
}


ROLE_WORDS = {role.value: label for role, label in ROLE_LABELS.items()}


class Network(Audited, Versioned, Timestamped, db.Model):
    """A care network's workspace: every domain record belongs to exactly one."""

    __tablename__ = "networks"
    record_label = "Network"
    field_labels = {"name": "Network name", "care_model": "Care model", "ods_code": "ODS code",
                    "footprint": "Footprint", "financial_year_start": "Financial year starts"}
    value_labels = {"care_model": {model.value: label for model, label in CARE_MODEL_LABELS.items()}}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    care_model: Mapped[str] = mapped_column(String(40))
    ods_code: Mapped[str | None] = mapped_column(String(10))
    footprint: Mapped[str] = mapped_column(Text, default="")
    financial_year_start: Mapped[int] = mapped_column(Integer)

    @property
    def care_model_label(self) -> str:
        return CareModel(self.care_model).label

    @property
    def financial_year_label(self) -> str:
        return f"{self.financial_year_start} to {self.financial_year_start + 1}"

    def __str__(self) -> str:
        return self.name


class Membership(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A user's place in one network: their role, and for partner representatives their partner."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("network_id", "user_id"), network_link("partner_id", "partners"))
    audit_exclude = ("updated_at", "version", "last_used_at")
    record_label = "Membership"
    field_labels = {"role": "Role", "job_title": "Job title", "partner_id": "Partner organisation",
                    "is_authorised_signatory": "Authorised signatory", "active": "Can use this network",
                    "deactivated_at": "Deactivated"}
    value_labels = {"role": ROLE_WORDS}
    linked_fields = {"partner_id": "partner"}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    is_authorised_signatory: Mapped[bool] = mapped_column(Boolean, default=False)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the member last opened this network's pages: signing in returns them to the latest.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    # Partner.representatives (declared by partners) joins on (network_id, partner_id) as well.
    network: Mapped[Network] = relationship(overlaps="representatives")
    partner = relationship("Partner", back_populates="representatives",
                           primaryjoin="and_(foreign(Membership.partner_id) == Partner.id, "
                                       "Membership.network_id == Partner.network_id)")

    @property
    def role_label(self) -> str:
        from governance.core.permissions import Role

        return Role(self.role).label

    @property
    def partner_name(self) -> str:
        return self.partner.name if self.partner is not None else ""

    def __str__(self) -> str:
        return f"{self.user.full_name}'s membership" if self.user is not None else "A membership"


class Invitation(NetworkScoped, Audited, db.Model):
    """An emailed, one-time, expiring invitation to join a network with a role."""

    __tablename__ = "invitations"
    __table_args__ = (network_link("partner_id", "partners"),)
    audit_exclude = ("token_hash",)
    record_label = "Invitation"
    field_labels = {"email": "Email address", "full_name": "Full name", "role": "Role",
                    "partner_id": "Partner organisation", "is_authorised_signatory": "Authorised signatory",
                    "expires_at": "Expires", "accepted_at": "Accepted", "revoked_at": "Withdrawn"}
    value_labels = {"role": ROLE_WORDS}
    linked_fields = {"partner_id": "partner"}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(40))
    partner_id: Mapped[int | None] = mapped_column(Integer)
    is_authorised_signatory: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    network: Mapped[Network] = relationship()
    partner = relationship("Partner", viewonly=True,
                           primaryjoin="and_(foreign(Invitation.partner_id) == Partner.id, "
                                       "Invitation.network_id == Partner.network_id)")
    invited_by: Mapped[User | None] = relationship()

    @property
    def role_label(self) -> str:
        from governance.core.permissions import Role

        return Role(self.role).label

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at < clock.now():
            return "Expired"
        return "Pending"

    def __str__(self) -> str:
        return f"Invitation for {self.email}"
