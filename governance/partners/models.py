from enum import StrEnum

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.core.db import Audited, NetworkScoped, Timestamped, Versioned
from governance.extensions import db


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


class Partner(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """An organisation in the partnership: a GP practice, a trust, the council, ..."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("network_id", "ods_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    ods_code: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    representatives = relationship("Membership", back_populates="partner")

    @property
    def kind_label(self) -> str:
        return PartnerKind(self.kind).label

    def __str__(self) -> str:
        return self.name
