"""Gaps in the accountability framework, worked out in one place for the gaps page, the overview and the PDF.

A gap is: a workstream (not closed) with no Accountable; a lead role that must be filled but is
vacant, or whose holder is past the end of their term or within 60 days of it; an Accountable or
lead role holder who has left the network or whose account was deactivated; and a partner that
has left the partnership but is still Responsible, Accountable or a workstream's lead partner.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.accountability import lead_roles, raci
from governance.accountability.models import RaciRole, Workstream, WorkstreamStatus
from governance.accountability.parties import gone_wording, is_gone
from governance.core import clock
from governance.core.formatting import format_date
from governance.extensions import db
from governance.partners.models import MembershipStatus, Partner


class GapKind(StrEnum):
    NO_ACCOUNTABLE = "no_accountable"
    ROLE_VACANT = "role_vacant"
    TERM_EXPIRED = "term_expired"
    PERSON_LEFT = "person_left"
    PARTNER_LEFT = "partner_left"
    TERM_ENDING = "term_ending"

    @property
    def label(self) -> str:
        return GAP_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return "yellow" if self == GapKind.TERM_ENDING else "red"


GAP_LABELS = {
    GapKind.NO_ACCOUNTABLE: "No Accountable",
    GapKind.ROLE_VACANT: "Lead role vacant",
    GapKind.TERM_EXPIRED: "Term expired",
    GapKind.PERSON_LEFT: "Person has left",
    GapKind.PARTNER_LEFT: "Partner has left",
    GapKind.TERM_ENDING: "Term ends within 60 days",
}
ORDER = list(GapKind)


@dataclass
class Gap:
    kind: GapKind
    subject: str  # the workstream or lead role, as a heading
    message: str  # a sentence saying what is wrong
    endpoint: str  # where to see it and put it right
    values: dict = field(default_factory=dict)
    fix: str = ""  # the action an editor takes, e.g. "Assign an Accountable"
    fix_endpoint: str = ""


def _partner_left(partner: Partner | None, day: date) -> date | None:
    if partner is None or partner.status_on(day) != MembershipStatus.LEFT:
        return None
    return partner.status_change_on(day).effective_on


def _workstream_gaps(day: date) -> list[Gap]:
    workstreams = list(db.session.execute(
        select(Workstream).where(Workstream.status != WorkstreamStatus.CLOSED.value)
        .options(selectinload(Workstream.lead_partner).selectinload(Partner.status_changes))).scalars())
    assignments = raci.assignments_on(day, [w.id for w in workstreams])
    gaps = []
    for workstream in workstreams:
        mine = [a for a in assignments if a.workstream_id == workstream.id]
        gaps += _gaps_of_workstream(workstream, mine, day)
    return gaps


def _gaps_of_workstream(workstream: Workstream, assignments, day: date) -> list[Gap]:
    where = {"endpoint": "accountability.workstream", "values": {"workstream_id": workstream.id}}
    accountable = next((a for a in assignments if a.is_accountable), None)
    gaps = []
    if accountable is None:
        gaps.append(Gap(GapKind.NO_ACCOUNTABLE, workstream.name, f"Nobody is accountable for {workstream.name}.",
                        fix="Assign an Accountable", fix_endpoint="accountability.assign_accountable", **where))
    elif is_gone(accountable.membership):
        gaps.append(Gap(GapKind.PERSON_LEFT, workstream.name,
                        f"{accountable.person_name}, accountable for {workstream.name}, "
                        f"{gone_wording(accountable.membership)}.",
                        fix="Assign a new Accountable", fix_endpoint="accountability.assign_accountable", **where))
    for assignment in assignments:
        left = _partner_left(assignment.partner, day)
        if left and assignment.role in (RaciRole.RESPONSIBLE, RaciRole.ACCOUNTABLE):
            gaps.append(Gap(GapKind.PARTNER_LEFT, workstream.name,
                            f"{assignment.partner.name} left the partnership on {format_date(left)} but is still "
                            f"{assignment.role_enum.label.lower()} for {workstream.name}.", **where))
    left = _partner_left(workstream.lead_partner, day)
    if left:
        gaps.append(Gap(GapKind.PARTNER_LEFT, workstream.name,
                        f"{workstream.lead_partner.name} left the partnership on {format_date(left)} but is still "
                        f"the lead partner for {workstream.name}.",
                        fix="Change the lead partner", fix_endpoint="accountability.edit_workstream", **where))
    return gaps


def _role_gaps(day: date) -> list[Gap]:
    gaps = []
    for row in lead_roles.all_role_rows(day):
        role, holder = row.role, row.holder
        where = {"endpoint": "accountability.lead_role", "values": {"lead_role_id": role.id},
                 "fix_endpoint": "accountability.appoint"}
        if row.status == lead_roles.RoleStatus.VACANT:
            gaps.append(Gap(GapKind.ROLE_VACANT, role.name, f"Nobody holds the role of {role.name}.",
                            fix="Appoint someone", **where))
            continue
        if holder is None:
            continue
        if row.status == lead_roles.RoleStatus.TERM_EXPIRED:
            gaps.append(Gap(GapKind.TERM_EXPIRED, role.name,
                            f"{holder.holder_name}'s term as {role.name} ended on {format_date(holder.term_end)}.",
                            fix="Reappoint or appoint someone", **where))
        elif row.status == lead_roles.RoleStatus.ENDING_SOON:
            gaps.append(Gap(GapKind.TERM_ENDING, role.name,
                            f"{holder.holder_name}'s term as {role.name} ends on {format_date(holder.term_end)}, "
                            f"in {row.days_left} day{'s' if row.days_left != 1 else ''}.",
                            fix="Reappoint or appoint someone", **where))
        if lead_roles.person_is_gone(holder):
            gaps.append(Gap(GapKind.PERSON_LEFT, role.name,
                            f"{holder.holder_name}, {role.name}, {gone_wording(holder.membership)}.",
                            fix="Appoint someone", **where))
    return gaps


def find_gaps(day: date | None = None) -> list[Gap]:
    """Every gap in the current network's accountability framework on a day (today by default)."""
    day = day or clock.today()
    gaps = _workstream_gaps(day) + _role_gaps(day)
    return sorted(gaps, key=lambda gap: (ORDER.index(gap.kind), gap.subject.lower()))


def counts(gaps: list[Gap]) -> list[tuple[GapKind, int]]:
    """How many gaps of each kind there are, for a summary (kinds with none left out)."""
    return [(kind, n) for kind in ORDER if (n := sum(1 for gap in gaps if gap.kind == kind))]
