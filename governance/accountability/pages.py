"""What each accountability page shows, worked out here so that views stay thin and templates only show it."""

from dataclasses import dataclass
from datetime import date

from governance.accountability import lead_roles, raci
from governance.accountability.lead_roles import RoleRow
from governance.accountability.models import LeadRole, LeadRoleAppointment, RaciRole, Workstream
from governance.accountability.models import WorkstreamAssignment as Assignment
from governance.accountability.workstreams import workstreams_query
from governance.core import clock
from governance.core.views import paginate
from governance.decisions import logs as decision_logs
from governance.decisions import pages as decision_pages


@dataclass
class WorkstreamList:
    page: object
    accountables: dict[int, Assignment]  # workstream id -> its Accountable today (empty for patients)


def workstream_list(search=None, status=None, partner_id=None, *, with_accountables: bool = True) -> WorkstreamList:
    """A page of workstreams and, for those who may read it, who is accountable for each today."""
    page = paginate(workstreams_query(search, status, partner_id))
    ids = [w.id for w in page.items]
    accountables = raci.accountables_on(clock.today(), ids) if with_accountables and ids else {}
    return WorkstreamList(page, accountables)


@dataclass
class WorkstreamPage:
    workstream: Workstream
    today: date
    current: dict[RaciRole, list[Assignment]]  # in force today, by role
    planned: list[Assignment]  # recorded to start after today
    as_of: date | None  # the date asked about, if any
    on_day: dict[RaciRole, list[Assignment]] | None  # who held each role on that date
    history: object  # a page of every assignment, latest first
    decisions: decision_logs.LinkedDecisions | None = None  # the decisions behind it and about it

    @property
    def accountable(self) -> Assignment | None:
        return next(iter(self.current[RaciRole.ACCOUNTABLE]), None)

    @property
    def accountable_on_day(self) -> Assignment | None:
        return next(iter(self.on_day[RaciRole.ACCOUNTABLE]), None) if self.on_day is not None else None


def workstream_page(workstream: Workstream, as_of: date | None = None, *,
                    with_decisions: bool = False) -> WorkstreamPage:
    """Who holds each role today, what is planned, who held each on a chosen date, the dated history and
    (for those who read the decision log) the decisions that established it, changed it or affect it."""
    today = clock.today()
    current = raci.by_role(raci.assignments_on(today, [workstream.id]))
    on_day = raci.by_role(raci.assignments_on(as_of, [workstream.id])) if as_of else None
    decisions = decision_logs.linked_decisions("workstream", workstream.id, decision_pages.viewer()) \
        if with_decisions else None
    return WorkstreamPage(workstream, today, current, raci.planned(workstream, today), as_of, on_day,
                          paginate(raci.history_query(workstream)), decisions)


@dataclass
class LeadRolePage:
    row: RoleRow  # the role as it stands today
    as_of: date | None
    holder_on_day: LeadRoleAppointment | None
    history: object


def lead_role_page(role: LeadRole, as_of: date | None = None) -> LeadRolePage:
    """The role today, who held it on a chosen date, and everyone who has held it."""
    row = lead_roles.role_rows([role], clock.today())[0]
    on_day = lead_roles.holder_on(role, as_of) if as_of else None
    return LeadRolePage(row, as_of, on_day, paginate(lead_roles.history_query(role)))


def lead_role_list() -> tuple[object, list[RoleRow]]:
    """A page of lead roles, each with its holder and status today."""
    page = paginate(lead_roles.roles_query())
    return page, lead_roles.role_rows(list(page.items), clock.today())
