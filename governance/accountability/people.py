"""What one member, or one partner, is accountable for: "My accountabilities" and the partner page section."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from governance.accountability import lead_roles, raci
from governance.accountability.models import RACI_ORDER, LeadRoleAppointment, Workstream, WorkstreamAssignment
from governance.extensions import db
from governance.networks.models import Membership
from governance.partners.models import Partner


def _ordered(assignments: list[WorkstreamAssignment]) -> list[WorkstreamAssignment]:
    return sorted(assignments, key=lambda a: (a.workstream.name.lower(), RACI_ORDER.index(a.role_enum)))


@dataclass
class Accountabilities:
    day: date
    assignments: list[WorkstreamAssignment] = field(default_factory=list)  # naming the person themselves
    roles: list[LeadRoleAppointment] = field(default_factory=list)
    partner: Partner | None = None
    partner_assignments: list[WorkstreamAssignment] = field(default_factory=list)  # their organisation's
    leads: list[Workstream] = field(default_factory=list)  # workstreams the organisation leads

    @property
    def is_empty(self) -> bool:
        return not (self.assignments or self.roles or self.partner_assignments or self.leads)

    def rows(self) -> list["Row"]:
        """Everything in one list, for one paged table: the person's own first, then their organisation's."""
        own = [Row(a.workstream.name, "accountability.workstream", {"workstream_id": a.workstream_id},
                   a.role_enum.label, "You", a.valid_from) for a in self.assignments]
        roles = [Row(a.role_name, "accountability.lead_role", {"lead_role_id": a.lead_role_id}, "Lead role",
                     "You" if a.membership_id else a.holder_name, a.term_start, a.term_end) for a in self.roles]
        partner = self.partner.name if self.partner else ""
        theirs = [Row(a.workstream.name, "accountability.workstream", {"workstream_id": a.workstream_id},
                      a.role_enum.label, a.party_name or partner, a.valid_from) for a in self.partner_assignments]
        return own + roles + theirs


@dataclass
class Row:
    what: str  # the workstream or the lead role
    endpoint: str
    values: dict
    role: str  # Accountable, Responsible, ... or Lead role
    who: str  # "You", or the partner (and person) named
    since: date
    term_end: date | None = None


def _led_by(partner_id: int) -> list[Workstream]:
    return list(db.session.execute(select(Workstream).where(Workstream.lead_partner_id == partner_id)
                                   .order_by(func.lower(Workstream.name), Workstream.id)).scalars())


def member_accountabilities(membership: Membership, day: date) -> Accountabilities:
    """The workstream roles and lead roles a member holds on a day, and those of the partner they represent."""
    found = Accountabilities(day)
    found.assignments = _ordered(raci.assignments_on(day, membership_id=membership.id, with_workstream=True))
    found.roles = lead_roles.holders_on(day, membership_id=membership.id)
    if membership.partner_id is not None:
        found.partner = membership.partner
        theirs = raci.assignments_on(day, partner_id=membership.partner_id, with_workstream=True)
        found.partner_assignments = _ordered([a for a in theirs if a.membership_id != membership.id])
        found.leads = _led_by(membership.partner_id)
    return found


def partner_accountabilities(partner: Partner, day: date) -> Accountabilities:
    """A partner's part in the workstreams on a day, and the lead roles held by people from it."""
    found = Accountabilities(day, partner=partner)
    found.partner_assignments = _ordered(raci.assignments_on(day, partner_id=partner.id, with_workstream=True))
    found.roles = lead_roles.holders_on(day, partner_id=partner.id)
    found.leads = _led_by(partner.id)
    return found
