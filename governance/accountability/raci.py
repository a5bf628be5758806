"""Who is Responsible, Accountable, Consulted and Informed for each workstream, and who was on any date.

An assignment is in force from `valid_from` up to (not including) `valid_to`. A workstream has
exactly one Accountable from its first: a new Accountable closes the current one on the day the
new one starts, and an Accountable is never simply ended. Each change is serialised on the
workstream (core.locking) and backed by the database (see models and migration 0013).
"""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from governance.accountability.decision_refs import decision_id, find_decision
from governance.accountability.models import ONE_DAY, RaciRole, Workstream, WorkstreamAssignment
from governance.accountability.parties import check_day, find_member, find_partner
from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.text import clean_text
from governance.extensions import db
from governance.networks.models import Membership
from governance.partners.models import Partner

NOTE_LIMIT = 2000
SUPPORTING_ROLES = (RaciRole.RESPONSIBLE, RaciRole.CONSULTED, RaciRole.INFORMED)


def with_parties(statement):
    """Load each assignment's partner (with its membership history), named member and the decisions behind it
    in the same few queries."""
    return statement.options(
        selectinload(WorkstreamAssignment.partner).selectinload(Partner.status_changes),
        selectinload(WorkstreamAssignment.membership).joinedload(Membership.user),
        selectinload(WorkstreamAssignment.started_by), selectinload(WorkstreamAssignment.ended_by_decision),
    )


def in_force(day: date):
    """SQL criteria: the assignment applies on `day`."""
    return (WorkstreamAssignment.valid_from <= day,
            or_(WorkstreamAssignment.valid_to.is_(None), WorkstreamAssignment.valid_to > day))


def assignments_on(day: date, workstream_ids=None, *, partner_id: int | None = None,
                   membership_id: int | None = None, with_workstream: bool = False) -> list[WorkstreamAssignment]:
    """Every assignment in force on a day (optionally for some workstreams, a partner or a member)."""
    statement = select(WorkstreamAssignment).where(*in_force(day))
    if with_workstream:
        statement = statement.options(selectinload(WorkstreamAssignment.workstream))
    if workstream_ids is not None:
        statement = statement.where(WorkstreamAssignment.workstream_id.in_(list(workstream_ids)))
    if partner_id is not None:
        statement = statement.where(WorkstreamAssignment.partner_id == partner_id)
    if membership_id is not None:
        statement = statement.where(WorkstreamAssignment.membership_id == membership_id)
    statement = with_parties(statement).order_by(WorkstreamAssignment.valid_from, WorkstreamAssignment.id)
    return list(db.session.execute(statement).scalars())


def accountable_on(workstream: Workstream, day: date) -> WorkstreamAssignment | None:
    """Who was (or will be) Accountable for the workstream on a day: 'who was accountable on 1 March?'."""
    statement = with_parties(select(WorkstreamAssignment).where(
        WorkstreamAssignment.workstream_id == workstream.id,
        WorkstreamAssignment.role == RaciRole.ACCOUNTABLE.value, *in_force(day)))
    return db.session.execute(statement).scalars().first()


def accountables_on(day: date, workstream_ids) -> dict[int, WorkstreamAssignment]:
    """The Accountable of each of these workstreams on a day, by workstream id, in a fixed number of queries."""
    return {a.workstream_id: a for a in assignments_on(day, workstream_ids) if a.is_accountable}


def by_role(assignments) -> dict[RaciRole, list[WorkstreamAssignment]]:
    """Assignments grouped R, A, C, I (every role present, perhaps empty)."""
    grouped = {role: [] for role in (RaciRole.ACCOUNTABLE, *SUPPORTING_ROLES)}
    for assignment in assignments:
        grouped[assignment.role_enum].append(assignment)
    return grouped


def history_query(workstream: Workstream):
    """Every assignment the workstream has had, latest first (for paging)."""
    return with_parties(select(WorkstreamAssignment).where(WorkstreamAssignment.workstream_id == workstream.id)
                        .options(joinedload(WorkstreamAssignment.recorded_by))
                        .order_by(WorkstreamAssignment.valid_from.desc(), WorkstreamAssignment.id.desc()))


def planned(workstream: Workstream, day: date) -> list[WorkstreamAssignment]:
    """Assignments that start after the day (recorded ahead of time)."""
    statement = with_parties(select(WorkstreamAssignment).where(
        WorkstreamAssignment.workstream_id == workstream.id, WorkstreamAssignment.valid_from > day,
        or_(WorkstreamAssignment.valid_to.is_(None), WorkstreamAssignment.valid_to > WorkstreamAssignment.valid_from)))
    return list(db.session.execute(statement.order_by(WorkstreamAssignment.valid_from)).scalars())


# Writing ------------------------------------------------------------------------------------------

def _party(workstream: Workstream, data: dict, checks: Checks, day: date | None):
    partner = find_partner(workstream.network_id, data.get("partner_id"), "partner_id", checks, day)
    member = find_member(workstream.network_id, data.get("membership_id"), "membership_id", checks)
    if data.get("partner_id") is None and data.get("membership_id") is None:
        checks.add("Choose a partner, a member, or both", "partner_id")
    return partner, member


def _same_party(assignment: WorkstreamAssignment, partner, member) -> bool:
    return (assignment.partner_id, assignment.membership_id) == (partner and partner.id, member and member.id)


def _open_accountable(workstream: Workstream) -> WorkstreamAssignment | None:
    return db.session.execute(with_parties(select(WorkstreamAssignment).where(
        WorkstreamAssignment.workstream_id == workstream.id, WorkstreamAssignment.role == RaciRole.ACCOUNTABLE.value,
        WorkstreamAssignment.valid_to.is_(None)))).scalar_one_or_none()


def _refuse_closed(workstream: Workstream) -> None:
    if workstream.is_closed:
        raise ServiceError(f"{workstream.name} is closed: reopen it before changing who is accountable")


CHANGE_DECISION = "the decision behind this change"
ENDING_DECISION = "the decision behind the ending"


def _decision(data: dict, checks: Checks, label: str = CHANGE_DECISION):
    return find_decision(data.get("decision_reference"), "decision_reference", label, checks)


def _new_assignment(workstream, role, partner, member, day, data, actor, decision) -> WorkstreamAssignment:
    assignment = WorkstreamAssignment(
        network_id=workstream.network_id, workstream_id=workstream.id, role=role.value,
        partner_id=partner.id if partner else None, membership_id=member.id if member else None,
        valid_from=day, note=clean_text(data.get("note"))[:NOTE_LIMIT], recorded_by_id=actor.id if actor else None,
        started_by_decision_id=decision_id(decision))
    # In memory too, so that the audit trail names them when the row is first written.
    assignment.workstream, assignment.partner, assignment.membership = workstream, partner, member
    assignment.started_by = decision
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _close(assignment: WorkstreamAssignment, day: date, note: str, actor: User | None, decision) -> None:
    actor_id = actor.id if actor else None  # read first: loading the actor would flush a half-closed row
    assignment.valid_to, assignment.end_note = day, note[:NOTE_LIMIT]
    assignment.ended_by_id, assignment.ended_at = actor_id, clock.now()
    assignment.ended_by_decision_id, assignment.ended_by_decision = decision_id(decision), decision
    db.session.flush()  # closed before its successor is written: the database checks the two never overlap


def assign_accountable(workstream: Workstream, data: dict, actor: User | None) -> WorkstreamAssignment:
    """Make a partner and/or member Accountable from a date; the current Accountable's term ends that day."""
    serialise_on(workstream)  # two secretaries changing it at once: the second sees the first's change
    _refuse_closed(workstream)
    checks = Checks()
    day = check_day(data.get("valid_from"), "valid_from", checks, "Enter the date they become accountable")
    partner, member = _party(workstream, data, checks, day)
    current = _open_accountable(workstream)
    if current is not None and day is not None and not checks.problems:
        if _same_party(current, partner, member):
            checks.add(f"{current.party_name} is already accountable for {workstream.name}", "partner_id")
        elif day < current.valid_from:
            checks.add(f"{current.party_name} became accountable on {format_date(current.valid_from)}: "
                       "the new Accountable must start on or after that date", "valid_from")
    decision = _decision(data, checks)
    checks.raise_any()
    incoming = _new_party_name(partner, member)
    if current is not None:  # the decision that brought in the new Accountable ended the old one's term
        _close(current, day, f"Replaced by {incoming}", actor, decision)
    return _new_assignment(workstream, RaciRole.ACCOUNTABLE, partner, member, day, data, actor, decision)


def _new_party_name(partner, member) -> str:
    name = member.user.full_name if member else ""
    if name and partner:
        return f"{name} ({partner.name})"
    return name or partner.name


def add_assignment(workstream: Workstream, data: dict, actor: User | None) -> WorkstreamAssignment:
    """Make a partner and/or member Responsible, Consulted or Informed from a date."""
    serialise_on(workstream)
    _refuse_closed(workstream)
    checks = Checks()
    role = data.get("role")
    if role not in {r.value for r in SUPPORTING_ROLES}:
        checks.add("Select Responsible, Consulted or Informed", "role")
        role = None
    day = check_day(data.get("valid_from"), "valid_from", checks, "Enter the date this starts")
    partner, member = _party(workstream, data, checks, day)
    if role and day and not checks.problems:
        clash = _overlapping(workstream, RaciRole(role), partner, member, day)
        if clash is not None:
            checks.add(f"{clash.party_name} is already {clash.role_enum.label.lower()} for {workstream.name} "
                       f"from {format_date(clash.valid_from)}", "partner_id")
    decision = _decision(data, checks)
    checks.raise_any()
    return _new_assignment(workstream, RaciRole(role), partner, member, day, data, actor, decision)


def _overlapping(workstream, role, partner, member, day) -> WorkstreamAssignment | None:
    rows = db.session.execute(with_parties(select(WorkstreamAssignment).where(
        WorkstreamAssignment.workstream_id == workstream.id, WorkstreamAssignment.role == role.value,
        or_(WorkstreamAssignment.valid_to.is_(None), WorkstreamAssignment.valid_to > day)))).scalars()
    return next((a for a in rows if _same_party(a, partner, member) and not a.never_in_force), None)


def end_assignment(assignment: WorkstreamAssignment, last_day: date | None, note: str,
                   actor: User | None, decision_reference: str = "") -> WorkstreamAssignment:
    """End a Responsible, Consulted or Informed assignment after its last day.

    A last day the day before it started withdraws an assignment recorded by mistake: it stays in
    the history, in force on no day.
    """
    serialise_on(assignment.workstream)
    if assignment.is_accountable:
        raise ServiceError("An Accountable is never simply removed: assign the new Accountable instead")
    if not assignment.is_open:
        raise ServiceError(f"This already ended: its last day was {format_date(assignment.last_day)}")
    checks = Checks()
    day = check_day(last_day, "last_day", checks, "Enter the last day it applies")
    if day is not None and day + ONE_DAY < assignment.valid_from:
        checks.add(f"It started on {format_date(assignment.valid_from)}: the last day must be the same or later",
                   "last_day")
    decision = _decision({"decision_reference": decision_reference}, checks, ENDING_DECISION)
    checks.raise_any()
    _close(assignment, day + ONE_DAY, clean_text(note), actor, decision)
    return assignment
