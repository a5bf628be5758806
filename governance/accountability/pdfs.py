"""The "Accountability framework" PDF, made by the background worker, issued and archived."""

from dataclasses import dataclass

from sqlalchemy import select

from governance.accountability import gaps, lead_roles, matrix, raci
from governance.accountability.models import RaciRole, Workstream, WorkstreamAssignment
from governance.auth.models import User
from governance.core import clock
from governance.core.formatting import format_date
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.extensions import db
from governance.networks.models import Network

FRAMEWORK_KIND = "accountability_framework"
FRAMEWORK_TITLE = "Accountability framework"


@dataclass
class AccountableHistory:
    workstream: Workstream
    current: WorkstreamAssignment | None
    changes: list[WorkstreamAssignment]  # every Accountable it has had, latest first


def accountable_histories(workstreams: list[Workstream], day) -> list[AccountableHistory]:
    """Each workstream's Accountable on the day and all its Accountables before, in a fixed number of queries."""
    ids = [w.id for w in workstreams]
    rows = list(db.session.execute(raci.with_parties(select(WorkstreamAssignment).where(
        WorkstreamAssignment.workstream_id.in_(ids), WorkstreamAssignment.role == RaciRole.ACCOUNTABLE.value))
        .order_by(WorkstreamAssignment.valid_from.desc(), WorkstreamAssignment.id.desc())).scalars()) if ids else []
    histories = []
    for workstream in workstreams:
        changes = [a for a in rows if a.workstream_id == workstream.id and not a.never_in_force]
        current = next((a for a in changes if a.in_force_on(day)), None)
        histories.append(AccountableHistory(workstream, current, changes))
    return histories


def request_framework(network: Network, actor: User | None):
    """Ask the background worker for the accountability framework as at today."""
    return jobs.request_document(network, FRAMEWORK_KIND, FRAMEWORK_TITLE, actor)


def build_framework(job, report):
    """The worker's side: gather, render and archive the framework, reporting progress as it goes."""
    network = db.session.get(Network, job.network_id)
    day = clock.today()
    report(10, "Reading the lead roles and their holders")
    roles = lead_roles.all_role_rows(day)
    report(30, "Setting out the accountability matrix")
    grid = matrix.full_matrix(day)
    histories = accountable_histories([row.workstream for row in grid.rows], day)
    report(50, "Checking for gaps")
    open_gaps = gaps.find_gaps(day)
    report(70, "Making the PDF")
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    return issue_document(
        network, "accountability/pdf/framework.html", kind=FRAMEWORK_KIND, title=FRAMEWORK_TITLE, actor=actor,
        covers=f"As at {format_date(day)}", day=day, roles=roles, matrix=grid, histories=histories,
        gaps=open_gaps, gap_counts=gaps.counts(open_gaps))


jobs.register(FRAMEWORK_KIND, build_framework)
