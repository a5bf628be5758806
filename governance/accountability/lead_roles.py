"""Lead roles (Clinical Director, Caldicott Guardian, ...) and who has held each, for which term.

An appointment is in force from `term_start` up to (not including) `ended_on`. A term that passes
its `term_end` without renewal leaves the holder in post but out of term: a gap to put right by
reappointing them (a new term) or appointing someone else. One holder at a time, as for RACI.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from governance.accountability.decision_refs import decision_id, find_decision
from governance.accountability.models import ONE_DAY, LeadRole, LeadRoleAppointment
from governance.accountability.parties import check_day, find_member, find_partner, is_gone
from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.networks.models import Membership, Network
from governance.partners.models import Partner

ENDING_SOON = timedelta(days=60)
NAME_LIMIT, NOTE_LIMIT = 200, 2000


class RoleStatus(StrEnum):
    FILLED = "filled"
    ENDING_SOON = "ending_soon"
    TERM_EXPIRED = "term_expired"
    VACANT = "vacant"
    NOT_FILLED = "not_filled"  # vacant, but the network does not need it filled

    @property
    def label(self) -> str:
        return {"filled": "Filled", "ending_soon": "Term ends soon", "term_expired": "Term expired",
                "vacant": "Vacant", "not_filled": "Not filled"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"filled": "green", "ending_soon": "yellow", "term_expired": "red", "vacant": "red",
                "not_filled": "grey"}[self.value]


@dataclass
class RoleRow:
    """A lead role as it stands on a day: who holds it, and whether that needs attention."""

    role: LeadRole
    holder: LeadRoleAppointment | None
    status: RoleStatus
    day: date

    @property
    def days_left(self) -> int | None:
        if self.holder is None or self.holder.term_end is None:
            return None
        return (self.holder.term_end - self.day).days


def status_of(role: LeadRole, holder: LeadRoleAppointment | None, day: date) -> RoleStatus:
    """Vacant, out of term, ending within 60 days, or filled."""
    if holder is None:
        return RoleStatus.VACANT if role.required else RoleStatus.NOT_FILLED
    if holder.term_end is not None and holder.term_end < day:
        return RoleStatus.TERM_EXPIRED
    if holder.term_end is not None and holder.term_end <= day + ENDING_SOON:
        return RoleStatus.ENDING_SOON
    return RoleStatus.FILLED


def with_holders(statement):
    """Load each appointment's member (and account), partner (with its history) and the decisions behind it
    in a few queries."""
    return statement.options(
        selectinload(LeadRoleAppointment.membership).joinedload(Membership.user),
        selectinload(LeadRoleAppointment.partner).selectinload(Partner.status_changes),
        selectinload(LeadRoleAppointment.appointed_by), selectinload(LeadRoleAppointment.ended_by_decision),
    )


def _in_force(day: date):
    return (LeadRoleAppointment.term_start <= day,
            or_(LeadRoleAppointment.ended_on.is_(None), LeadRoleAppointment.ended_on > day))


def roles_query():
    """The network's lead roles in their usual order: the standard ones first, then the network's own."""
    return select(LeadRole).order_by(LeadRole.position, func.lower(LeadRole.name), LeadRole.id)


def holders_on(day: date, role_ids=None, *, membership_id: int | None = None,
               partner_id: int | None = None) -> list[LeadRoleAppointment]:
    """Appointments in force on a day (optionally for some roles, a member or a partner)."""
    statement = select(LeadRoleAppointment).where(*_in_force(day))
    if role_ids is not None:
        statement = statement.where(LeadRoleAppointment.lead_role_id.in_(list(role_ids)))
    if membership_id is not None:
        statement = statement.where(LeadRoleAppointment.membership_id == membership_id)
    if partner_id is not None:
        statement = statement.where(LeadRoleAppointment.partner_id == partner_id)
    statement = statement.options(selectinload(LeadRoleAppointment.lead_role))
    return list(db.session.execute(with_holders(statement).order_by(LeadRoleAppointment.id)).scalars())


def holder_on(role: LeadRole, day: date) -> LeadRoleAppointment | None:
    """Who held the role on a day: 'who was Caldicott Guardian on 1 March?'."""
    found = holders_on(day, [role.id])
    return found[0] if found else None


def role_rows(roles: list[LeadRole], day: date) -> list[RoleRow]:
    """Each role with its holder and status on a day, in a fixed number of queries."""
    holders = {a.lead_role_id: a for a in holders_on(day, [r.id for r in roles])}
    return [RoleRow(role, holders.get(role.id), status_of(role, holders.get(role.id), day), day) for role in roles]


def all_role_rows(day: date) -> list[RoleRow]:
    return role_rows(list(db.session.execute(roles_query()).scalars()), day)


def history_query(role: LeadRole):
    """Everyone who has held the role, latest first (for paging)."""
    return with_holders(select(LeadRoleAppointment).where(LeadRoleAppointment.lead_role_id == role.id)
                        .options(joinedload(LeadRoleAppointment.recorded_by))
                        .order_by(LeadRoleAppointment.term_start.desc(), LeadRoleAppointment.id.desc()))


def person_is_gone(appointment: LeadRoleAppointment) -> bool:
    return is_gone(appointment.membership)


# Writing: roles -------------------------------------------------------------------------------

def _clean_role(network_id: int, data: dict, checks: Checks, role: LeadRole | None = None) -> dict:
    name = clean_line(data.get("name"))
    if role is not None and role.is_standard:
        name = role.name  # the standard roles keep their names, so every network's framework reads alike
    if not name:
        checks.add("Enter the name of the role", "name")
    elif len(name) > NAME_LIMIT:
        checks.add(f"Name must be {NAME_LIMIT} characters or fewer", "name")
    else:
        taken = select(LeadRole.id).where(LeadRole.network_id == network_id, func.lower(LeadRole.name) == name.lower())
        if role is not None:
            taken = taken.where(LeadRole.id != role.id)
        if db.session.execute(taken.limit(1)).first() is not None:
            checks.add(f"There is already a lead role called {name}", "name")
    return {"name": name, "description": clean_text(data.get("description")), "required": bool(data.get("required"))}


def create_lead_role(network: Network, data: dict) -> LeadRole:
    """Add one of the network's own lead roles (after the standard ones)."""
    checks = Checks()
    values = _clean_role(network.id, data, checks)
    checks.raise_any()
    role = LeadRole(network_id=network.id, position=1000, **values)
    db.session.add(role)
    db.session.flush()
    return role


def update_lead_role(role: LeadRole, data: dict, version) -> LeadRole:
    """Edit what a role does and whether it must be filled (and the name of the network's own roles)."""
    check_version(role, version)
    checks = Checks()
    values = _clean_role(role.network_id, data, checks, role)
    checks.raise_any()
    for key, value in values.items():
        setattr(role, key, value)
    db.session.flush()
    return role


def remove_lead_role(role: LeadRole) -> None:
    """Remove one of the network's own roles that nobody has held; history is never thrown away."""
    if role.is_standard:
        raise ServiceError(f"{role.name} is a standard role: mark it as not needed instead of removing it")
    held = select(LeadRoleAppointment.id).where(LeadRoleAppointment.lead_role_id == role.id).limit(1)
    if db.session.execute(held).first() is not None:
        raise ServiceError(f"{role.name} has been held, so its history is kept: mark it as not needed instead")
    db.session.delete(role)
    db.session.flush()


# Writing: appointments ------------------------------------------------------------------------

def _open_appointment(role: LeadRole) -> LeadRoleAppointment | None:
    return db.session.execute(with_holders(select(LeadRoleAppointment).where(
        LeadRoleAppointment.lead_role_id == role.id, LeadRoleAppointment.ended_on.is_(None)))).scalar_one_or_none()


def _holder(role: LeadRole, data: dict, checks: Checks, day: date | None):
    member = find_member(role.network_id, data.get("membership_id"), "membership_id", checks)
    person = clean_line(data.get("person_name"))
    if data.get("membership_id") is None and not person:
        checks.add("Choose a member, or enter the name of someone without an Accord account", "membership_id")
    elif data.get("membership_id") is not None and person:
        checks.add("Choose a member or enter a name, not both", "person_name")
    elif len(person) > NAME_LIMIT:
        checks.add(f"Name must be {NAME_LIMIT} characters or fewer", "person_name")
    partner = find_partner(role.network_id, data.get("partner_id"), "partner_id", checks, day)
    return member, person, partner


def appoint(role: LeadRole, data: dict, actor: User | None) -> LeadRoleAppointment:
    """Appoint a holder for a term; the current holder's appointment ends the day the new term starts.

    Reappointing the same person is how a term is renewed: the new term is its own record.
    """
    serialise_on(role)
    checks = Checks()
    start = check_day(data.get("term_start"), "term_start", checks, "Enter the date the term starts")
    end = data.get("term_end")
    if start is not None and end is not None and end < start:
        checks.add("The end of the term must be the same as or after its start", "term_end")
    member, person, partner = _holder(role, data, checks, start)
    current = _open_appointment(role)
    if current is not None and start is not None and start < current.term_start:
        checks.add(f"{current.holder_name}'s term started on {format_date(current.term_start)}: the new term must "
                   "start on or after that date", "term_start")
    decision = find_decision(data.get("decision_reference"), "decision_reference",
                             "the decision that appointed them", checks)
    checks.raise_any()
    if current is not None:  # the decision that appointed the successor ended the current holder's term
        _end(current, start, f"Succeeded by {member.user.full_name if member else person}", actor, decision)
    appointment = LeadRoleAppointment(
        network_id=role.network_id, lead_role_id=role.id, membership_id=member.id if member else None,
        person_name="" if member else person, partner_id=partner.id if partner else None, term_start=start,
        term_end=end, note=clean_text(data.get("note"))[:NOTE_LIMIT], recorded_by_id=actor.id if actor else None,
        appointed_by_decision_id=decision_id(decision))
    # In memory too, so that the audit trail names them when the row is first written.
    appointment.lead_role, appointment.membership, appointment.partner = role, member, partner
    appointment.appointed_by = decision
    db.session.add(appointment)
    db.session.flush()
    return appointment


def _end(appointment: LeadRoleAppointment, day: date, note: str, actor: User | None, decision) -> None:
    actor_id = actor.id if actor else None  # read first: loading the actor would flush a half-closed row
    appointment.ended_on, appointment.end_note = day, note[:NOTE_LIMIT]
    appointment.ended_by_id, appointment.ended_at = actor_id, clock.now()
    appointment.ended_by_decision_id, appointment.ended_by_decision = decision_id(decision), decision
    db.session.flush()


def end_appointment(role: LeadRole, last_day: date | None, note: str, actor: User | None,
                    decision_reference: str = "") -> LeadRoleAppointment:
    """Record that the holder stood down (or left) after a last day; the role is vacant from the next.

    A last day the day before the term started withdraws an appointment recorded by mistake.
    """
    serialise_on(role)
    current = _open_appointment(role)
    if current is None:
        raise ServiceError(f"Nobody holds the role of {role.name}")
    checks = Checks()
    day = check_day(last_day, "last_day", checks, "Enter their last day in the role")
    if day is not None and day + ONE_DAY < current.term_start:
        checks.add(f"Their term started on {format_date(current.term_start)}: the last day must be the same or "
                   "later", "last_day")
    decision = find_decision(decision_reference, "decision_reference", "the decision behind the ending", checks)
    checks.raise_any()
    _end(current, day + ONE_DAY, clean_text(note), actor, decision)
    return current
