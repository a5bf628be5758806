from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from governance.accountability import gaps, lead_roles, pages, pdfs, people, raci, sections, workstreams
from governance.accountability.forms import (
    AccountableForm,
    AppointForm,
    AsOfForm,
    AssignmentForm,
    EndForm,
    LeadRoleForm,
    MatrixForm,
    NewLeadRoleForm,
    NewWorkstreamForm,
    WorkstreamForm,
    WorkstreamSearchForm,
    with_choices,
)
from governance.accountability.matrix import build_matrix
from governance.accountability.models import LeadRole, Workstream, WorkstreamAssignment
from governance.accountability.parties import member_choices, page_of
from governance.core import cards, clock, tenancy
from governance.core.cards import DashboardCard
from governance.core.formatting import format_date
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, can, requires
from governance.core.views import confirm, submit
from governance.decisions import affected
from governance.partners import sections as partner_sections
from governance.partners.sections import PartnerSection
from governance.partners.services import partner_choices

bp = Blueprint("accountability", __name__)
BASE = "/n/<network_slug>/accountability"


def _as_of(form) -> object:
    """The date a GET form asks about, or None when none (or a bad one) was given."""
    form.validate()
    return form.as_of.data if not form.as_of.errors else None


# ------------------------------------------------------------------------------------ workstreams

@bp.route(f"{BASE}/")
@requires(Permission.WORKSTREAMS_VIEW)
def index():
    search = with_choices(WorkstreamSearchForm(request.args), partners=partner_choices())
    search.validate()
    reader = can(Permission.ACCOUNTABILITY_VIEW)  # patient panel members see names and leads only
    listing = pages.workstream_list(search.q.data, search.status.data if reader else None,
                                    search.partner.data if reader else None, with_accountables=reader)
    open_gaps = gaps.find_gaps() if can(Permission.ACCOUNTABILITY_EDIT) else []
    return render_template("accountability/index.html", listing=listing, search=search, reader=reader,
                           gaps=open_gaps, gap_counts=gaps.counts(open_gaps), confirm=ConfirmForm())


@bp.route(f"{BASE}/workstreams/new", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def new_workstream():
    form = with_choices(NewWorkstreamForm(), partners=partner_choices())
    workstream = submit(form, lambda: workstreams.create_workstream(tenancy.current_network(), form.data,
                                                                    current_user))
    if workstream:
        flash(f"{workstream.name} has been added. Now assign who is accountable for it.")
        return redirect(url_for("accountability.workstream", workstream_id=workstream.id))
    return render_template("accountability/workstream_form.html", form=form, workstream=None)


@bp.route(f"{BASE}/workstreams/<int:workstream_id>")
@requires(Permission.ACCOUNTABILITY_VIEW)
def workstream(workstream_id):
    record = tenancy.get_or_404(Workstream, workstream_id)
    as_of_form = AsOfForm(request.args)
    view = pages.workstream_page(record, _as_of(as_of_form) if request.args else None,
                                 with_decisions=can(Permission.DECISIONS_VIEW))
    return render_template("accountability/workstream.html", view=view, workstream=record, as_of_form=as_of_form,
                           sections=sections.load_sections(record))


@bp.route(f"{BASE}/workstreams/<int:workstream_id>/edit", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def edit_workstream(workstream_id):
    record = tenancy.get_or_404(Workstream, workstream_id)
    form = with_choices(WorkstreamForm(obj=record), partners=partner_choices())
    if submit(form, lambda: workstreams.update_workstream(record, form.data, form.version.data), editing=record):
        flash(f"{record.name} has been saved.")
        return redirect(url_for("accountability.workstream", workstream_id=record.id))
    return render_template("accountability/workstream_form.html", form=form, workstream=record)


@bp.route(f"{BASE}/workstreams/<int:workstream_id>/accountable", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def assign_accountable(workstream_id):
    record = tenancy.get_or_404(Workstream, workstream_id)
    form = with_choices(AccountableForm(valid_from=clock.today()), partner_choices(), member_choices())
    current = raci.accountable_on(record, clock.today())
    assignment = submit(form, lambda: raci.assign_accountable(record, form.data, current_user))
    if assignment:
        flash(f"{assignment.party_name} is accountable for {assignment.workstream_name} from "
              f"{format_date(assignment.valid_from)}.")
        return redirect(url_for("accountability.workstream", workstream_id=workstream_id))
    return render_template("accountability/accountable_form.html", form=form, workstream=record, current=current)


@bp.route(f"{BASE}/workstreams/<int:workstream_id>/assignments/new", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def new_assignment(workstream_id):
    record = tenancy.get_or_404(Workstream, workstream_id)
    form = with_choices(AssignmentForm(valid_from=clock.today()), partner_choices(), member_choices())
    assignment = submit(form, lambda: raci.add_assignment(record, form.data, current_user))
    if assignment:
        flash(f"{assignment.party_name} is {assignment.role_enum.label.lower()} for {assignment.workstream_name} "
              f"from {format_date(assignment.valid_from)}.")
        return redirect(url_for("accountability.workstream", workstream_id=workstream_id))
    return render_template("accountability/assignment_form.html", form=form, workstream=record)


@bp.route(f"{BASE}/workstreams/<int:workstream_id>/assignments/<int:assignment_id>/end", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def end_assignment(workstream_id, assignment_id):
    assignment = tenancy.get_or_404(WorkstreamAssignment, assignment_id)
    if assignment.workstream_id != workstream_id or assignment.is_accountable or not assignment.is_open:
        abort(404)
    form = EndForm(last_day=clock.today())
    if submit(form, lambda: raci.end_assignment(assignment, form.last_day.data, form.note.data, current_user,
                                                          form.decision_reference.data)):
        flash(f"{assignment.party_name} is {assignment.role_enum.label.lower()} for {assignment.workstream_name} "
              f"up to and including {format_date(assignment.last_day)}.")
        return redirect(url_for("accountability.workstream", workstream_id=workstream_id))
    return render_template("accountability/end_form.html", form=form, assignment=assignment,
                           workstream=assignment.workstream)


# ------------------------------------------------------------------------------------ the matrix and gaps

@bp.route(f"{BASE}/matrix")
@requires(Permission.ACCOUNTABILITY_VIEW)
def matrix():
    form = with_choices(MatrixForm(request.args), partners=partner_choices())
    day = _as_of(form) or clock.today()
    grid = build_matrix(day, form.status.data, form.partner.data)
    return render_template("accountability/matrix.html", matrix=grid, form=form, today=clock.today())


@bp.route(f"{BASE}/gaps")
@requires(Permission.ACCOUNTABILITY_VIEW)
def gaps_page():
    found = gaps.find_gaps()
    return render_template("accountability/gaps.html", page=page_of(found), counts=gaps.counts(found),
                           today=clock.today())


@bp.route(f"{BASE}/mine")
@requires(Permission.WORKSTREAMS_VIEW)
def mine():
    found = people.member_accountabilities(g.membership, clock.today())
    return render_template("accountability/mine.html", found=found, page=page_of(found.rows()))


@bp.route(f"{BASE}/framework", methods=["POST"])
@requires(Permission.DOCUMENTS_ISSUE)
def issue_framework():
    job = confirm(lambda: pdfs.request_framework(tenancy.current_network(), current_user),
                  "The accountability framework is being made.")
    if job:
        return redirect(url_for("documents.job", job_id=job.id))
    return redirect(url_for("accountability.index"))


# ------------------------------------------------------------------------------------ lead roles

@bp.route(f"{BASE}/lead-roles")
@requires(Permission.ACCOUNTABILITY_VIEW)
def lead_roles_page():
    page, rows = pages.lead_role_list()
    return render_template("accountability/lead_roles.html", page=page, roles=rows)


@bp.route(f"{BASE}/lead-roles/new", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def new_lead_role():
    form = NewLeadRoleForm(required=True)
    role = submit(form, lambda: lead_roles.create_lead_role(tenancy.current_network(), form.data))
    if role:
        flash(f"{role.name} has been added to the lead roles.")
        return redirect(url_for("accountability.lead_role", lead_role_id=role.id))
    return render_template("accountability/lead_role_form.html", form=form, role=None)


@bp.route(f"{BASE}/lead-roles/<int:lead_role_id>")
@requires(Permission.ACCOUNTABILITY_VIEW)
def lead_role(lead_role_id):
    role = tenancy.get_or_404(LeadRole, lead_role_id)
    as_of_form = AsOfForm(request.args)
    view = pages.lead_role_page(role, _as_of(as_of_form) if request.args else None)
    return render_template("accountability/lead_role.html", view=view, role=role, as_of_form=as_of_form,
                           confirm=ConfirmForm())


@bp.route(f"{BASE}/lead-roles/<int:lead_role_id>/edit", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def edit_lead_role(lead_role_id):
    role = tenancy.get_or_404(LeadRole, lead_role_id)
    form = LeadRoleForm(obj=role)
    if submit(form, lambda: lead_roles.update_lead_role(role, form.data, form.version.data), editing=role):
        flash(f"{role.name} has been saved.")
        return redirect(url_for("accountability.lead_role", lead_role_id=role.id))
    return render_template("accountability/lead_role_form.html", form=form, role=role)


@bp.route(f"{BASE}/lead-roles/<int:lead_role_id>/remove", methods=["POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def remove_lead_role(lead_role_id):
    role = tenancy.get_or_404(LeadRole, lead_role_id)
    if confirm(lambda: lead_roles.remove_lead_role(role), f"{role.name} has been removed from the lead roles."):
        return redirect(url_for("accountability.lead_roles_page"))
    return redirect(url_for("accountability.lead_role", lead_role_id=lead_role_id))


@bp.route(f"{BASE}/lead-roles/<int:lead_role_id>/appoint", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def appoint(lead_role_id):
    role = tenancy.get_or_404(LeadRole, lead_role_id)
    form = with_choices(AppointForm(term_start=clock.today()), partner_choices(), member_choices())
    appointment = submit(form, lambda: lead_roles.appoint(role, form.data, current_user))
    if appointment:
        flash(f"{appointment.holder_name} is {role.name} from {format_date(appointment.term_start)}.")
        return redirect(url_for("accountability.lead_role", lead_role_id=lead_role_id))
    return render_template("accountability/appoint_form.html", form=form, role=role,
                           current=lead_roles.holder_on(role, clock.today()))


@bp.route(f"{BASE}/lead-roles/<int:lead_role_id>/end", methods=["GET", "POST"])
@requires(Permission.ACCOUNTABILITY_EDIT)
def end_appointment(lead_role_id):
    role = tenancy.get_or_404(LeadRole, lead_role_id)
    current = lead_roles.holder_on(role, clock.today())
    if current is None or not current.is_open:
        abort(404)
    form = EndForm(last_day=clock.today())
    if submit(form, lambda: lead_roles.end_appointment(role, form.last_day.data, form.note.data, current_user,
                                                                 form.decision_reference.data)):
        flash(f"{current.holder_name}'s last day as {role.name} is {format_date(current.last_day)}.")
        return redirect(url_for("accountability.lead_role", lead_role_id=lead_role_id))
    return render_template("accountability/end_appointment.html", form=form, role=role, current=current)


# ------------------------------------------------------------------------------------ on other modules' pages

def _partner_section(partner):
    if not can(Permission.WORKSTREAMS_VIEW):
        return None
    found = people.partner_accountabilities(partner, clock.today())
    return {"found": found, "reader": can(Permission.ACCOUNTABILITY_VIEW)}


partner_sections.register(PartnerSection(key="accountabilities", title="Accountabilities",
                                         template="accountability/_partner_section.html", load=_partner_section,
                                         order=20))


def _gaps_card(membership):
    if not can(Permission.ACCOUNTABILITY_EDIT):
        return None
    found = gaps.find_gaps()
    return {"gaps": found[:5], "total": len(found), "counts": gaps.counts(found)}


def _mine_card(membership):
    found = people.member_accountabilities(membership, clock.today())
    return None if found.is_empty else {"found": found}


cards.register(DashboardCard(key="accountability_gaps", template="accountability/_gaps_card.html",
                             load=_gaps_card, order=20))
cards.register(DashboardCard(key="my_accountabilities", template="accountability/_mine_card.html",
                             load=_mine_card, order=30))


affected.register(affected.AffectedKind(
    kind="workstream", label="Workstreams it affects", noun="workstream", choices=workstreams.workstream_choices,
    names=workstreams.names_by_id, endpoint="accountability.workstream", id_arg="workstream_id",
    linked_ids=workstreams.cited_decision_ids))
