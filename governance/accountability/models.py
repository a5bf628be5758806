"""Workstreams, who is Responsible, Accountable, Consulted and Informed for each, and lead roles.

Both kinds of accountability keep dated history: an assignment or appointment is in force from
its first day up to (not including) the day it ended, so "who was accountable for the virtual
ward on 1 March?" is a query, not an archaeology project. Rows are closed, never rewritten or
deleted, and the database holds the rules too (migration 0013): at most one open Accountable per
workstream and one open holder per lead role (partial unique indexes), no two Accountables or
holders in force on the same day, and closing as the only change a row may take (triggers).
"""

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.core import clock
from governance.core.db import Audited, NetworkScoped, Timestamped, UTCDateTime, Versioned, network_link
from governance.core.formatting import format_date
from governance.decisions.models import Decision
from governance.extensions import db
from governance.meetings.models import link_join
from governance.networks.models import Membership, Network
from governance.partners.models import Partner


class WorkstreamStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def tag_colour(self) -> str:
        return {"proposed": "blue", "active": "green", "paused": "yellow", "closed": "grey"}[self.value]


class RaciRole(StrEnum):
    RESPONSIBLE = "R"
    ACCOUNTABLE = "A"
    CONSULTED = "C"
    INFORMED = "I"

    @property
    def label(self) -> str:
        return RACI_LABELS[self]

    @property
    def letter(self) -> str:
        return self.value

    @property
    def meaning(self) -> str:
        return RACI_MEANINGS[self]

    @property
    def tag_colour(self) -> str:
        return {"R": "blue", "A": "purple", "C": "aqua-green", "I": "grey"}[self.value]


RACI_LABELS = {RaciRole.RESPONSIBLE: "Responsible", RaciRole.ACCOUNTABLE: "Accountable",
               RaciRole.CONSULTED: "Consulted", RaciRole.INFORMED: "Informed"}
RACI_MEANINGS = {
    RaciRole.RESPONSIBLE: "does the work",
    RaciRole.ACCOUNTABLE: "answers for the workstream to the board; exactly one at any time",
    RaciRole.CONSULTED: "is asked for views before decisions",
    RaciRole.INFORMED: "is kept up to date",
}
RACI_ORDER = (RaciRole.RESPONSIBLE, RaciRole.ACCOUNTABLE, RaciRole.CONSULTED, RaciRole.INFORMED)
OPEN_ACCOUNTABLE = "role = 'A' AND valid_to IS NULL"
OPEN_APPOINTMENT = "ended_on IS NULL"
ONE_DAY = timedelta(days=1)


def _in_force(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day < end)


class Workstream(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A service, pathway or initiative of the network; what engagement, funding and outcomes attach to."""

    __tablename__ = "workstreams"
    __table_args__ = (
        UniqueConstraint("network_id", "name"),
        network_link("lead_partner_id", "partners"),
        network_link("established_by_decision_id", "decisions"),
        CheckConstraint("status IN ('proposed', 'active', 'paused', 'closed')", name="known_status"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    )
    record_label = "Workstream"
    field_labels = {"name": "Name", "description": "Description", "population": "Target population group",
                    "lead_partner_name": "Lead partner", "status": "Status", "start_date": "Start date",
                    "end_date": "End date", "established_by_decision_id": "Established by decision"}
    value_labels = {"status": {s.value: s.label for s in WorkstreamStatus}}
    linked_fields = {"established_by_decision_id": "established_by"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    population: Mapped[str] = mapped_column(String(300), default="")
    lead_partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default=WorkstreamStatus.PROPOSED.value)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    established_by_decision_id: Mapped[int | None] = mapped_column(Integer)

    lead_partner: Mapped[Partner | None] = relationship(
        primaryjoin="foreign(Workstream.lead_partner_id) == Partner.id", viewonly=True)
    established_by: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("Workstream", "established_by_decision_id", "Decision"), viewonly=True)

    @property
    def decision_reference(self) -> str:
        """The reference of the decision that established it (what the edit form shows)."""
        return self.established_by.reference if self.established_by is not None else ""

    @property
    def status_enum(self) -> WorkstreamStatus:
        return WorkstreamStatus(self.status)

    @property
    def is_closed(self) -> bool:
        return self.status == WorkstreamStatus.CLOSED

    @property
    def lead_partner_name(self) -> str:
        return self.lead_partner.name if self.lead_partner is not None else ""

    def __str__(self) -> str:
        return self.name


class WorkstreamAssignment(NetworkScoped, Audited, db.Model):
    """A partner and/or a named member holding one RACI role for a workstream, from a date until another."""

    __tablename__ = "workstream_assignments"
    __table_args__ = (
        network_link("workstream_id", "workstreams"),
        network_link("partner_id", "partners"),
        network_link("membership_id", "memberships"),
        network_link("started_by_decision_id", "decisions"),
        network_link("ended_by_decision_id", "decisions"),
        CheckConstraint("role IN ('R', 'A', 'C', 'I')", name="known_role"),
        CheckConstraint("partner_id IS NOT NULL OR membership_id IS NOT NULL", name="names_a_party"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ends_after_start"),
        # Exactly one Accountable: never two open at once, whoever saves (triggers also refuse overlaps).
        Index("uq_workstream_assignments_one_accountable", "workstream_id", unique=True,
              sqlite_where=text(OPEN_ACCOUNTABLE), postgresql_where=text(OPEN_ACCOUNTABLE)),
        Index("ix_workstream_assignments_in_force", "network_id", "valid_from", "valid_to"),
    )
    record_label = "Workstream accountability"
    field_labels = {"workstream_name": "Workstream", "role": "Role", "party_name": "Who",
                    "valid_from": "From", "valid_to": "Until", "started_by_decision_id": "Decision",
                    "note": "Note", "end_note": "Why it ended", "ended_by_decision_id": "Decision that ended it"}
    linked_fields = {"started_by_decision_id": "started_by", "ended_by_decision_id": "ended_by_decision"}
    value_labels = {"role": {r.value: r.label for r in RaciRole}}

    id: Mapped[int] = mapped_column(primary_key=True)
    workstream_id: Mapped[int] = mapped_column(Integer, index=True)
    role: Mapped[str] = mapped_column(String(1))
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    membership_id: Mapped[int | None] = mapped_column(Integer, index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # the first day it no longer applies
    started_by_decision_id: Mapped[int | None] = mapped_column(Integer)
    ended_by_decision_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    end_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    started_by: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("WorkstreamAssignment", "started_by_decision_id", "Decision"), viewonly=True)
    ended_by_decision: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("WorkstreamAssignment", "ended_by_decision_id", "Decision"), viewonly=True)
    workstream: Mapped[Workstream] = relationship(
        primaryjoin="foreign(WorkstreamAssignment.workstream_id) == Workstream.id", viewonly=True)
    partner: Mapped[Partner | None] = relationship(
        primaryjoin="foreign(WorkstreamAssignment.partner_id) == Partner.id", viewonly=True)
    membership: Mapped[Membership | None] = relationship(
        primaryjoin="foreign(WorkstreamAssignment.membership_id) == Membership.id", viewonly=True)
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def role_enum(self) -> RaciRole:
        return RaciRole(self.role)

    @property
    def is_accountable(self) -> bool:
        return self.role == RaciRole.ACCOUNTABLE

    @property
    def workstream_name(self) -> str:
        return self.workstream.name if self.workstream is not None else "a workstream"

    @property
    def person_name(self) -> str:
        return self.membership.user.full_name if self.membership is not None else ""

    @property
    def party_name(self) -> str:
        """'Dr Helen Marsh (Riverside Medical Centre)', or just the partner, or just the member."""
        partner = self.partner.name if self.partner is not None else ""
        if self.person_name and partner:
            return f"{self.person_name} ({partner})"
        return self.person_name or partner

    @property
    def started_by_reference(self) -> str:
        return self.started_by.reference if self.started_by is not None else ""

    @property
    def ended_by_reference(self) -> str:
        return self.ended_by_decision.reference if self.ended_by_decision is not None else ""

    @property
    def is_open(self) -> bool:
        return self.valid_to is None

    @property
    def never_in_force(self) -> bool:
        """Ended on the day it started: recorded, corrected the same day, never in force."""
        return self.valid_to is not None and self.valid_to <= self.valid_from

    @property
    def last_day(self) -> date | None:
        """The last day it applied (the day before `valid_to`); None while open."""
        return self.valid_to - ONE_DAY if self.valid_to is not None else None

    def in_force_on(self, day: date) -> bool:
        return _in_force(self.valid_from, self.valid_to, day)

    def __str__(self) -> str:
        return f"{self.party_name or 'Someone'}: {self.role_enum.label.lower()} for {self.workstream_name} " \
               f"from {format_date(self.valid_from)}"


class LeadRole(NetworkScoped, Audited, Versioned, Timestamped, db.Model):
    """A named governance role (Caldicott Guardian, Chair, ...): the standard ones and the network's own."""

    __tablename__ = "lead_roles"
    __table_args__ = (UniqueConstraint("network_id", "key"), UniqueConstraint("network_id", "name"))
    record_label = "Lead role"
    field_labels = {"name": "Name", "description": "What the role does", "required": "Must always be filled"}

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(40))  # a standard role's key; None for the network's own
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=1000)

    @property
    def is_standard(self) -> bool:
        return self.key is not None

    def __str__(self) -> str:
        return self.name


class LeadRoleAppointment(NetworkScoped, Audited, db.Model):
    """Someone holding a lead role for a term: a member of the network, or a named person without an account."""

    __tablename__ = "lead_role_appointments"
    __table_args__ = (
        network_link("lead_role_id", "lead_roles"),
        network_link("membership_id", "memberships"),
        network_link("partner_id", "partners"),
        network_link("appointed_by_decision_id", "decisions"),
        network_link("ended_by_decision_id", "decisions"),
        CheckConstraint("membership_id IS NOT NULL OR person_name <> ''", name="names_a_holder"),
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_ends_after_start"),
        CheckConstraint("ended_on IS NULL OR ended_on >= term_start", name="ends_after_start"),
        Index("uq_lead_role_appointments_one_holder", "lead_role_id", unique=True,
              sqlite_where=text(OPEN_APPOINTMENT), postgresql_where=text(OPEN_APPOINTMENT)),
    )
    record_label = "Lead role appointment"
    field_labels = {"role_name": "Lead role", "holder_name": "Holder", "partner_name": "Partner",
                    "term_start": "Term starts", "term_end": "Term ends", "ended_on": "Ended on",
                    "appointed_by_decision_id": "Decision that appointed them", "note": "Note",
                    "end_note": "Why it ended", "ended_by_decision_id": "Decision that ended it"}
    linked_fields = {"appointed_by_decision_id": "appointed_by", "ended_by_decision_id": "ended_by_decision"}

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_role_id: Mapped[int] = mapped_column(Integer, index=True)
    membership_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_name: Mapped[str] = mapped_column(String(200), default="")
    partner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)  # when the term is due to end (may pass unrenewed)
    ended_on: Mapped[date | None] = mapped_column(Date)  # the first day they no longer held it
    appointed_by_decision_id: Mapped[int | None] = mapped_column(Integer)
    ended_by_decision_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    end_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointed_by: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("LeadRoleAppointment", "appointed_by_decision_id", "Decision"), viewonly=True)
    ended_by_decision: Mapped[Decision | None] = relationship(
        primaryjoin=link_join("LeadRoleAppointment", "ended_by_decision_id", "Decision"), viewonly=True)
    lead_role: Mapped[LeadRole] = relationship(
        primaryjoin="foreign(LeadRoleAppointment.lead_role_id) == LeadRole.id", viewonly=True)
    membership: Mapped[Membership | None] = relationship(
        primaryjoin="foreign(LeadRoleAppointment.membership_id) == Membership.id", viewonly=True)
    partner: Mapped[Partner | None] = relationship(
        primaryjoin="foreign(LeadRoleAppointment.partner_id) == Partner.id", viewonly=True)
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def role_name(self) -> str:
        return self.lead_role.name if self.lead_role is not None else "a lead role"

    @property
    def holder_name(self) -> str:
        return self.membership.user.full_name if self.membership is not None else self.person_name

    @property
    def partner_name(self) -> str:
        return self.partner.name if self.partner is not None else ""

    @property
    def appointed_by_reference(self) -> str:
        return self.appointed_by.reference if self.appointed_by is not None else ""

    @property
    def ended_by_reference(self) -> str:
        return self.ended_by_decision.reference if self.ended_by_decision is not None else ""

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def never_in_force(self) -> bool:
        return self.ended_on is not None and self.ended_on <= self.term_start

    @property
    def last_day(self) -> date | None:
        """The last day they held the role (the day before `ended_on`); None while they hold it."""
        return self.ended_on - ONE_DAY if self.ended_on is not None else None

    def in_force_on(self, day: date) -> bool:
        return _in_force(self.term_start, self.ended_on, day)

    def __str__(self) -> str:
        return f"{self.holder_name or 'Someone'}: {self.role_name} from {format_date(self.term_start)}"


# The lead roles every network starts with (key, name, what the role does). Networks add their own.
STANDARD_LEAD_ROLES = [
    ("clinical_director", "Clinical Director",
     "Leads the network clinically and represents it to the commissioner and the wider system."),
    ("chair", "Chair", "Chairs the board and its meetings, and decides how declared conflicts are managed."),
    ("vice_chair", "Vice-chair", "Chairs the board when the chair is absent or conflicted."),
    ("caldicott_guardian", "Caldicott Guardian",
     "Protects the confidentiality of people's health and care information and makes sure it is shared "
     "appropriately."),
    ("data_protection_officer", "Data Protection Officer",
     "Advises on and monitors the network's compliance with data protection law (UK GDPR)."),
    ("siro", "Senior Information Risk Owner", "Owns the network's information risks and its information risk policy."),
    ("safeguarding_adults", "Safeguarding lead (adults)", "Leads on safeguarding adults at risk across the network."),
    ("safeguarding_children", "Safeguarding lead (children)",
     "Leads on safeguarding children and young people across the network."),
    ("finance_lead", "Finance lead", "Oversees the network's funding, spend and risk and gain share."),
    ("patient_engagement_lead", "Patient engagement lead",
     "Leads engagement with patients and the public, and the response to their feedback."),
    ("information_governance_lead", "Information governance lead",
     "Leads on information governance: data sharing agreements, records and the Data Security and Protection "
     "Toolkit."),
]


def standard_role_rows(network_id: int) -> list[dict]:
    now = clock.now()
    return [{"network_id": network_id, "key": key, "name": name, "description": description, "required": True,
             "position": (index + 1) * 10, "version": 1, "created_at": now, "updated_at": now}
            for index, (key, name, description) in enumerate(STANDARD_LEAD_ROLES)]


@event.listens_for(Network, "after_insert")
def _every_network_starts_with_the_standard_lead_roles(mapper, connection, network) -> None:
    connection.execute(LeadRole.__table__.insert(), standard_role_rows(network.id))
