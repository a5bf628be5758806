from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.auth.forms import ConfirmForm
from governance.core import clock, tenancy
from governance.core.errors import EditConflict, ServiceError
from governance.core.formatting import format_date
from governance.core.permissions import Permission, requires
from governance.core.views import add_form_error, paginate
from governance.extensions import db
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


def _show_errors(form, error: ServiceError) -> None:
    """Put each problem the service found on its own field."""
    for problem in getattr(error, "problems", [error]):
        add_form_error(form, problem)


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
    if form.validate_on_submit():
        try:
            partner = services.create_partner(tenancy.current_network(), form.data, current_user)
        except ServiceError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
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
    form, conflict = PartnerForm(obj=partner), None
    if form.validate_on_submit():
        try:
            services.update_partner(partner, form.data, form.version.data)
        except EditConflict as error:
            _show_errors(form, error)
            form.version.data, conflict = partner.version, partner
        except ServiceError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(f"{partner.name} has been saved.")
            return redirect(url_for("partners.show", partner_id=partner.id))
    return render_template("partners/edit.html", form=form, partner=partner, conflict=conflict)


@bp.route(f"{BASE}/<int:partner_id>/status", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def change_status(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    form = StatusChangeForm(effective_on=clock.today())
    if form.validate_on_submit():
        try:
            change = services.record_status_change(
                partner, form.status.data, form.effective_on.data, current_user,
                decision_reference=form.decision_reference.data, note=form.note.data)
        except ServiceError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
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
    if form.validate_on_submit():
        try:
            services.record_list_size(partner, form.patients.data, form.as_of.data, current_user)
        except ServiceError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(f"{partner.name}'s list size of {form.patients.data:,} has been recorded.")
            return redirect(url_for("partners.show", partner_id=partner.id))
    return render_template("partners/list_size_form.html", form=form, partner=partner)


@bp.route(f"{BASE}/<int:partner_id>/contacts/new", methods=["GET", "POST"])
@requires(Permission.PARTNERS_EDIT)
def new_contact(partner_id):
    partner = tenancy.get_or_404(Partner, partner_id)
    form = NewContactForm()
    if form.validate_on_submit():
        try:
            contact = services.add_contact(partner, form.data)
        except ServiceError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
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
    form, conflict = ContactForm(obj=contact), None
    if form.validate_on_submit():
        try:
            services.update_contact(contact, form.data, form.version.data)
        except EditConflict as error:
            _show_errors(form, error)
            form.version.data, conflict = contact.version, contact
        except ServiceError as error:
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(f"{contact.name}'s details have been saved.")
            return redirect(url_for("partners.show", partner_id=partner_id))
    return render_template("partners/contact_form.html", form=form, partner=contact.partner, contact=contact,
                           conflict=conflict)


@bp.route(f"{BASE}/<int:partner_id>/contacts/<int:contact_id>/remove", methods=["POST"])
@requires(Permission.PARTNERS_EDIT)
def remove_contact(partner_id, contact_id):
    contact = _contact_or_404(partner_id, contact_id)
    if ConfirmForm().validate_on_submit():
        services.remove_contact(contact)
        db.session.commit()
        flash(f"{contact.name} is no longer listed as a contact.")
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
    if form.validate_on_submit():
        try:
            text = imports.read_upload(form.file.data)
            preview = imports.preview_import(tenancy.current_network(), form.what.data, text)
        except ServiceError as error:
            _show_errors(form, error)
        else:
            confirm = ConfirmImportForm(what=preview.kind.value, csv_text=preview.text)
            return render_template("partners/import_preview.html", preview=preview, confirm=confirm)
    return render_template("partners/import.html", form=form, columns=imports.COLUMNS)


@bp.route(f"{BASE}/import/confirm", methods=["POST"])
@requires(Permission.PARTNERS_EDIT)
def confirm_import():
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        return redirect(url_for("partners.import_csv"))
    network = tenancy.current_network()
    try:
        preview = imports.preview_import(network, confirm.what.data, confirm.csv_text.data)
        saved = imports.apply_import(network, preview, current_user) if preview.is_valid else None
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("partners.import_csv"))
    if saved is None:  # the file changed, or the partners did, since the preview: show why
        return render_template("partners/import_preview.html", preview=preview, confirm=confirm)
    db.session.commit()
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
    if ConfirmForm().validate_on_submit():
        document = services.issue_membership_schedule(tenancy.current_network(), current_user)
        db.session.commit()
        flash(f"{document.title} issued. It is the first document in the list below.")
        return redirect(url_for("documents.index"))
    return redirect(url_for("partners.index"))
