from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.core import cards, clock, tenancy, uow
from governance.core.cards import DashboardCard
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, paginate, submit
from governance.partners import imports, population, sections, services
from governance.partners.forms import (
    ConfirmImportForm,
    ContactForm,
    ImportForm,
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


@bp.route(f"{BASE}/")
@requires(Permission.PARTNERS_VIEW)
def index():
    search = PartnerSearchForm(request.args)
    search.validate()
    page = paginate(services.partners_query(search.q.data, search.kind.data, search.status.data))
    return render_template("partners/index.html", page=page, search=search, today=clock.today(),
                           confirm=ConfirmForm())


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def new():
    form = NewPartnerForm(status_from=clock.today())
    partner = submit(form, lambda: services.create_partner(tenancy.current_network(), form.data, current_user))
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
    if submit(form, lambda: services.update_partner(partner, form.data, form.version.data), editing=partner):
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
        decision_reference=form.decision_reference.data, note=form.note.data))
    if change:
        flash(f"{partner.name}: {change.status_label.lower()} from {format_date(change.effective_on)}.")
        return redirect(url_for("partners.show", partner_id=partner.id))
    return render_template("partners/status_form.html", form=form, partner=partner)


@bp.route(f"{BASE}/<int:partner_id>/list-size", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def record_list_size(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    if not partner.is_gp_practice:
        abort(404)
    form = ListSizeForm(as_of=clock.today())
    if submit(form, lambda: services.record_list_size(partner, form.patients.data, form.as_of.data, current_user)):
        flash(f"{partner.name}'s list size of {form.patients.data:,} has been recorded.")
        return redirect(url_for("partners.show", partner_id=partner.id))
    return render_template("partners/list_size_form.html", form=form, partner=partner)


@bp.route(f"{BASE}/<int:partner_id>/contacts/new", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def new_contact(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    form = NewContactForm()
    contact = submit(form, lambda: services.add_contact(partner, form.data))
    if contact:
        flash(f"{contact.name} has been added as a contact.")
        return redirect(url_for("partners.show", partner_id=partner.id))
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
    if submit(form, lambda: services.update_contact(contact, form.data, form.version.data), editing=contact):
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
    profile = population.population_profile(tenancy.current_network())
    return render_template("partners/population.html", profile=profile)


@bp.route(f"{BASE}/import", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def import_csv():
    form = ImportForm()
    preview = submit(form, lambda: imports.preview_import(tenancy.current_network(), form.what.data,
                                                          imports.read_upload(form.file.data)))
    if preview:
        confirm_form = ConfirmImportForm(what=preview.kind.value, csv_text=preview.text)
        return render_template("partners/import_preview.html", preview=preview, confirm=confirm_form)
    return render_template("partners/import.html", form=form, columns=imports.COLUMNS)


@bp.route(f"{BASE}/import/confirm", methods=["POST"])
@requires(Permission.PARTNERS_EDIT)
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return redirect(url_for("partners.import_csv"))
    network = tenancy.current_network()
    try:
        preview = imports.preview_import(network, form.what.data, form.csv_text.data)
        saved = imports.apply_import(network, preview, current_user) if preview.is_valid else None
    except ServiceError as error:
        uow.discard()
        flash(error.message, "error")
        return redirect(url_for("partners.import_csv"))
    if saved is None:  # the file changed, or the partners did, since the preview: show why
        uow.discard()
        return render_template("partners/import_preview.html", preview=preview, confirm=form)
    flash(f"{preview.count_of(saved)} imported.")
    return redirect(url_for("partners.index"))


@bp.route(f"{BASE}/export.csv")
@requires(Permission.PARTNERS_VIEW)
def export_csv():
    text = imports.export_partners_csv(services.all_partners())
    # The byte order mark tells Excel the file is UTF-8; the import reads it back either way.
    return Response("\ufeff" + text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{tenancy.current_network().slug}-partners.csv"'})


@bp.route(f"{BASE}/membership-schedule", methods=["POST"])
@requires(Permission.DOCUMENTS_ISSUE)
def issue_schedule():
    job = confirm(lambda: services.request_membership_schedule(tenancy.current_network(), current_user),
                  "The partnership membership schedule is being made.")
    if job:
        return redirect(url_for("documents.job", job_id=job.id))
    return redirect(url_for("partners.index"))


def _population_card(membership):
    return {"population": population.population_profile(tenancy.current_network())}


cards.register(DashboardCard(key="population", template="partners/_population_summary.html",
                             load=_population_card, order=60))
