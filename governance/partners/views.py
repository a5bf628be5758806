from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import cards, clock, tenancy
from governance.core.cards import DashboardCard
from governance.core.formatting import format_date
from governance.core.forms import ConfirmForm
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, can, requires
from governance.core.views import confirm, submit
from governance.partners import exports, imports, population, schedule, sections, services
from governance.partners.forms import (
    ConfirmImportForm,
    ContactForm,
    ImportForm,
    IssueScheduleForm,
    ListSizeForm,
    NewContactForm,
    NewPartnerForm,
    PartnerForm,
    PartnerSearchForm,
    StatusChangeForm,
)
from governance.partners.models import Partner, PartnerContact

bp = Blueprint("partners", __name__)
BASE = "/n/<network_slug>/partners"
# The import pages refuse a larger request before reading it (with their own 413 page, below).
REQUEST_LIMITS = {"partners.import_csv": imports.MAX_UPLOAD_REQUEST,
                  "partners.confirm_import": imports.MAX_CONFIRM_REQUEST}


@bp.url_value_preprocessor
def _limit_import_requests(endpoint, values):
    # Runs before any before-request hook (the CSRF check reads the form first).
    if endpoint in REQUEST_LIMITS:
        request.max_content_length = request.max_form_memory_size = REQUEST_LIMITS[endpoint]


@bp.errorhandler(413)
def _too_large(error):
    # Refused by the CSRF check before the network was loaded, or by the view after.
    slug = g.network.slug if g.get("network") is not None else g.get("network_slug")
    back = url_for("partners.import_csv", network_slug=slug) if slug else None
    return render_template("partners/import_too_large.html", limit_kb=imports.MAX_BYTES // 1024, back=back), 413


@bp.route(f"{BASE}/")
@requires(Permission.PARTNERS_VIEW)
def index():
    search = PartnerSearchForm(request.args)
    search.validate()
    page = services.partners_page(search.q.data, search.kind.data, search.status.data)
    return render_template("partners/index.html", page=page, search=search)


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def new():
    form = NewPartnerForm(status_from=clock.today())
    partner = submit(form, lambda: services.create_partner(tenancy.current_network(), form.data, current_user),
                     every_error=True)
    if partner:
        flash(f"{partner.name} has been added.")
        return redirect(url_for("partners.show", partner_id=partner.id))
    return render_template("partners/new.html", form=form)


@bp.route(f"{BASE}/<int:partner_id>")
@requires(Permission.PARTNERS_VIEW)
def show(partner_id):
    partner = services.load_partner(tenancy.get_or_404(Partner, partner_id))
    return render_template("partners/show.html", partner=partner, today=clock.today(),
                           representatives=services.representatives(partner),
                           sections=sections.load_sections(partner), confirm_form=ConfirmForm())


@bp.route(f"{BASE}/<int:partner_id>/edit", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def edit(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=partner)
    if submit(form, lambda: services.update_partner(partner, form.data, form.version.data), editing=partner,
              every_error=True):
        flash(f"{partner.name} has been saved.")
        return redirect(url_for("partners.show", partner_id=partner.id))
    return render_template("partners/edit.html", form=form, partner=partner)


@bp.route(f"{BASE}/<int:partner_id>/status", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def change_status(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    form = StatusChangeForm(effective_on=clock.today())
    change = submit(form, lambda: services.record_status_change(
        partner, form.status.data, form.effective_on.data, current_user,
        decision_reference=form.decision_reference.data, note=form.note.data), every_error=True)
    if change:
        flash(f"{change.partner.name}: {change.status_label.lower()} from {format_date(change.effective_on)}.")
        return redirect(url_for("partners.show", partner_id=partner_id))
    return render_template("partners/status_form.html", form=form, partner=partner)


@bp.route(f"{BASE}/<int:partner_id>/list-size", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def record_list_size(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    if not partner.is_gp_practice:
        abort(404)
    form = ListSizeForm(as_of=clock.today())
    size = submit(form, lambda: services.record_list_size(partner, form.patients.data, form.as_of.data, current_user,
                                                           corrects=form.corrects.data), every_error=True)
    if size:
        flash(f"{size.partner.name}'s list size of {size.patients:,} has been recorded.")
        return redirect(url_for("partners.show", partner_id=partner_id))
    return render_template("partners/list_size_form.html", form=form, partner=partner)


@bp.route(f"{BASE}/<int:partner_id>/contacts/new", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def new_contact(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    form = NewContactForm()
    contact = submit(form, lambda: services.add_contact(partner, form.data), every_error=True)
    if contact:
        flash(f"{contact.name} has been added as a contact.")
        return redirect(url_for("partners.show", partner_id=partner_id))
    return render_template("partners/contact_form.html", form=form, partner=partner, contact=None)


def _contact_or_404(partner_id, contact_id) -> PartnerContact:
    contact = tenancy.get_or_404(PartnerContact, contact_id)
    if contact.partner_id != partner_id:
        abort(404)
    return contact


@bp.route(f"{BASE}/<int:partner_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def edit_contact(partner_id, contact_id):
    contact = _contact_or_404(partner_id, contact_id)
    form = ContactForm(obj=contact)
    if submit(form, lambda: services.update_contact(contact, form.data, form.version.data), editing=contact,
              every_error=True):
        flash(f"{contact.name}'s details have been saved.")
        return redirect(url_for("partners.show", partner_id=partner_id))
    return render_template("partners/contact_form.html", form=form, partner=contact.partner, contact=contact)


@bp.route(f"{BASE}/<int:partner_id>/contacts/<int:contact_id>/remove", methods=["POST"])
@requires(Permission.PARTNERS_EDIT)
def remove_contact(partner_id, contact_id):
    contact = _contact_or_404(partner_id, contact_id)
    confirm(lambda: services.remove_contact(contact), f"{contact.name} is no longer listed as a contact.")
    return redirect(url_for("partners.show", partner_id=partner_id))


@bp.route(f"{BASE}/population")
@requires(Permission.PARTNERS_VIEW)
def population_page():
    network, today = tenancy.current_network(), clock.today()
    uncounted, uncounted_total = population.uncounted_practices(network.id, today)
    return render_template(
        "partners/population.html", profile=population.population_profile(network, today),
        shares=population.practice_shares_page(network.id, today), uncounted=uncounted,
        uncounted_total=uncounted_total, recent=population.population_history(network.id, today, limit=5))


@bp.route(f"{BASE}/population/history")
@requires(Permission.PARTNERS_VIEW)
def population_history():
    page = population.population_history_page(tenancy.current_network().id)
    return render_template("partners/population_history.html", page=page)


@bp.route(f"{BASE}/import", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def import_csv():
    form = ImportForm()
    preview = submit(form, lambda: imports.preview_import(tenancy.current_network(), form.what.data,
                                                          imports.read_upload(form.file.data)))
    if preview:
        confirm_form = ConfirmImportForm(what=preview.kind.value, csv_text=preview.text, digest=preview.digest)
        return render_template("partners/import_preview.html", preview=preview, confirm=confirm_form,
                               summary=imports.summary_of(preview))
    return render_template("partners/import.html", form=form, columns=imports.COLUMNS,
                           limit_kb=imports.MAX_BYTES // 1024)


@bp.route(f"{BASE}/import/confirm", methods=["POST"])
@requires(Permission.PARTNERS_EDIT)
def confirm_import():
    form, network = ConfirmImportForm(), tenancy.current_network()
    saved = submit(form, lambda: imports.confirm_import(network, form.what.data, form.csv_text.data,
                                                        form.digest.data, current_user))
    if saved:
        flash(f"{imports.summary_of(saved)}.")
        return redirect(url_for("partners.index"))
    if form.what.data not in imports.ImportKind._value2member_map_:
        return redirect(url_for("partners.import_csv"))
    # Not saved: the file as it checks now, with why (the partners changed, a row failed, ...)
    preview = imports.preview_import(network, form.what.data, form.csv_text.data)
    again = ConfirmImportForm(what=preview.kind.value, csv_text=preview.text, digest=preview.digest)
    again.form_errors.extend(form.form_errors)
    return render_template("partners/import_preview.html", preview=preview, confirm=again,
                           summary=imports.summary_of(preview))


@bp.route(f"{BASE}/export.csv")
@requires(Permission.PARTNERS_VIEW)
def export_csv():
    text = exports.export_partners_csv(services.all_partners(), with_contacts=can(Permission.PARTNER_CONTACTS_VIEW))
    return _csv(text, f"{tenancy.current_network().slug}-partners.csv")


@bp.route(f"{BASE}/import/list-sizes-template.csv")
@requires(Permission.PARTNERS_EDIT)
def list_size_template():
    return _csv(exports.list_size_template_csv(), f"{tenancy.current_network().slug}-list-sizes.csv")


def _csv(text: str, filename: str) -> Response:
    # The byte order mark tells Excel the file is UTF-8; the import reads it back either way.
    return Response("\ufeff" + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route(f"{BASE}/membership-schedule", methods=["GET", "POST"])
@requires(Permission.DOCUMENTS_ISSUE)
def issue_schedule():
    network, form = tenancy.current_network(), IssueScheduleForm()
    job = submit(form, lambda: schedule.request_membership_schedule(network, current_user, again=form.again.data))
    if job:
        flash("The partnership membership schedule is being made.")
        return redirect(url_for("documents.job", job_id=job.id))
    content, issued = schedule.schedule_to_issue(network)
    return render_template("partners/schedule.html", form=form, content=content, issued=issued)


@bp.route(f"{BASE}/membership-schedule/preview.pdf")
@requires(Permission.DOCUMENTS_ISSUE)
def preview_schedule():
    pdf = schedule.preview_membership_schedule(tenancy.current_network(), current_user)
    return pdf_response(pdf, "partnership-membership-schedule-draft.pdf", inline=True)


def _population_card(membership):
    return {"population": population.population_profile(tenancy.current_network())}


cards.register(DashboardCard(key="population", template="partners/_population_summary.html",
                             load=_population_card, order=60))
