"""The accountability matrix: workstreams against partners, R, A, C or I in each cell, as of any date."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.accountability import raci
from governance.accountability.models import (
    RACI_ORDER,
    RaciRole,
    Workstream,
    WorkstreamAssignment,
    WorkstreamStatus,
)
from governance.accountability.workstreams import workstreams_query
from governance.core.views import paginate
from governance.extensions import db
from governance.partners.models import MembershipStatus, Partner


@dataclass
class MatrixRow:
    workstream: Workstream
    assignments: list[WorkstreamAssignment]
    cells: dict[int, list[RaciRole]] = field(default_factory=dict)  # partner id -> roles, in R A C I order
    people: list[WorkstreamAssignment] = field(default_factory=list)  # named members without a partner

    def __post_init__(self):
        for assignment in self.assignments:
            if assignment.partner_id is None:
                self.people.append(assignment)
            else:
                self.cells.setdefault(assignment.partner_id, []).append(assignment.role_enum)
        self.cells = {pid: sorted(set(roles), key=RACI_ORDER.index) for pid, roles in self.cells.items()}

    @property
    def by_role(self) -> dict[RaciRole, list[WorkstreamAssignment]]:
        return raci.by_role(self.assignments)

    @property
    def accountable(self) -> WorkstreamAssignment | None:
        return next((a for a in self.assignments if a.is_accountable), None)


@dataclass
class Matrix:
    day: date
    page: object  # one page of workstreams (core.views.paginate)
    partners: list[Partner]  # the columns
    rows: list[MatrixRow]
    left: set[int]  # ids of column partners that had left the partnership by the day

    @property
    def has_people(self) -> bool:
        return any(row.people for row in self.rows)


def _columns(day: date, rows: list[MatrixRow], partner_id: int | None) -> list[Partner]:
    """Partners in the partnership on the day, and any other partner that holds a role in these rows."""
    partners = db.session.execute(select(Partner).options(selectinload(Partner.status_changes))
                                  .order_by(func.lower(Partner.name), Partner.id)).scalars()
    used = {pid for row in rows for pid in row.cells}
    columns = [p for p in partners if p.id in used
               or p.status_on(day) not in (None, MembershipStatus.LEFT, MembershipStatus.PROSPECTIVE)]
    if partner_id is not None:
        columns = [p for p in columns if p.id == partner_id]
    return columns


def build_matrix(day: date, status: str | None = None, partner_id: int | None = None) -> Matrix:
    """One page of the matrix on a day, filtered by workstream status and by a partner taking part.

    Always the same handful of queries: a page of workstreams, their assignments in force (with
    partners and members), and the partners for the columns.
    """
    statement = workstreams_query(status=status)
    if partner_id is not None:
        takes_part = select(WorkstreamAssignment.workstream_id).where(
            WorkstreamAssignment.partner_id == partner_id, *raci.in_force(day))
        statement = statement.where((Workstream.lead_partner_id == partner_id) | Workstream.id.in_(takes_part))
    page = paginate(statement)
    return _matrix(day, page, list(page.items), partner_id)


def _matrix(day: date, page, workstreams: list[Workstream], partner_id: int | None = None) -> Matrix:
    assignments = raci.assignments_on(day, [w.id for w in workstreams]) if workstreams else []
    rows = [MatrixRow(w, [a for a in assignments if a.workstream_id == w.id]) for w in workstreams]
    columns = _columns(day, rows, partner_id)
    left = {p.id for p in columns if p.status_on(day) == MembershipStatus.LEFT}
    return Matrix(day, page, columns, rows, left)


def full_matrix(day: date) -> Matrix:
    """The whole matrix on a day, every workstream that is not closed (for the framework document)."""
    statement = workstreams_query().where(Workstream.status != WorkstreamStatus.CLOSED.value)
    return _matrix(day, None, list(db.session.execute(statement).scalars()))
