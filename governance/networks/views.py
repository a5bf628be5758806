from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_login import current_user

from governance.auth.forms import ConfirmForm
from governance.core import tenancy
from governance.core.errors import ServiceError
from governance.core.permissions import Permission, requires
from governance.core.views import add_form_error, paginate
from governance.extensions import db
from governance.networks import services
from governance.networks.forms import InvitationForm, MembershipForm, NetworkForm, NewNetworkForm
from governance.networks.models import Invitation, Membership
from governance.partners.services import partner_choices

bp = Blueprint("networks", __name__)


@bp.route("/networks")
@requires(Permission.SIGNED_IN)
def choose():
    memberships = services.user_memberships(current_user)
    if len(memberships) == 1 and not current_user.is_site_admin:
        return redirect(url_for("networks.dashboard", network_slug=memberships[0].network.slug))
    return render_template("networks/choose.html", memberships=memberships)


@bp.route("/n/<network_slug>/")
@requires(Permission.NETWORK_VIEW)
def dashboard():
    summary = services.dashboard_summary(tenancy.current_network(), g.membership)
    return render_template("networks/dashboard.html", **summary)


@bp.route("/n/<network_slug>/settings", methods=["GET", "POST"])
@requires(Permission.NETWORK_EDIT)
def settings():
    network = tenancy.current_network()
    form = NetworkForm(obj=network)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_network(network, form.data, form.version.data)
        except ServiceError as error:
            add_form_error(form, error)
            form.version.data = network.version
            conflict = getattr(error, "current", None)  # an EditConflict: show what was saved meanwhile
        else:
            db.session.commit()
            flash("Network profile saved.")
            return redirect(url_for("networks.dashboard"))
    return render_template("networks/settings.html", form=form, conflict=conflict)


@bp.route("/n/<network_slug>/admin/members")
@requires(Permission.MEMBERS_MANAGE)
def members():
    page = paginate(services.members_query())
    return render_template("networks/members.html", page=page, confirm=ConfirmForm())


def _membership_form(membership=None):
    form = MembershipForm(obj=membership)
    form.partner_id.choices = [(None, "None")] + partner_choices()
    return form


@bp.route("/n/<network_slug>/admin/members/<int:membership_id>", methods=["GET", "POST"])
@requires(Permission.MEMBERS_MANAGE)
def edit_member(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    form = _membership_form(membership)
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_membership(membership, form.data, form.version.data)
        except ServiceError as error:
            add_form_error(form, error)
            form.version.data = membership.version
            conflict = getattr(error, "current", None)  # an EditConflict: show what was saved meanwhile
        else:
            db.session.commit()
            flash(f"{membership.user.full_name}'s role has been saved.")
            return redirect(url_for("networks.members"))
    return render_template("networks/member_form.html", form=form, membership=membership,
                           conflict=conflict)


@bp.route("/n/<network_slug>/admin/members/<int:membership_id>/deactivate", methods=["POST"])
@requires(Permission.MEMBERS_MANAGE)
def deactivate_member(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.deactivate_member(membership, current_user)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{membership.user.full_name} can no longer use this network. Their records stay.")
    return redirect(url_for("networks.members"))


@bp.route("/n/<network_slug>/admin/members/<int:membership_id>/reactivate", methods=["POST"])
@requires(Permission.MEMBERS_MANAGE)
def reactivate_member(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    if ConfirmForm().validate_on_submit():
        services.reactivate_member(membership)
        db.session.commit()
        flash(f"{membership.user.full_name} can use this network again.")
    return redirect(url_for("networks.members"))


@bp.route("/n/<network_slug>/admin/invitations", methods=["GET", "POST"])
@requires(Permission.MEMBERS_MANAGE)
def invitations():
    form = InvitationForm()
    form.partner_id.choices = [(None, "None")] + partner_choices()
    if form.validate_on_submit():
        try:
            services.invite(tenancy.current_network(), form.email.data, form.role.data, current_user,
                            full_name=form.full_name.data, partner_id=form.partner_id.data,
                            is_authorised_signatory=form.is_authorised_signatory.data)
        except ServiceError as error:
            add_form_error(form, error)
        else:
            db.session.commit()
            flash(f"Invitation sent to {form.email.data}.")
            return redirect(url_for("networks.invitations"))
    page = paginate(services.pending_invitations_query())
    return render_template("networks/invitations.html", form=form, page=page, confirm=ConfirmForm())


@bp.route("/n/<network_slug>/admin/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires(Permission.MEMBERS_MANAGE)
def revoke_invitation(invitation_id):
    invitation = tenancy.get_or_404(Invitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.revoke_invitation(invitation)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"The invitation for {invitation.email} has been withdrawn.")
    return redirect(url_for("networks.invitations"))


@bp.route("/admin/networks", methods=["GET", "POST"])
@requires(Permission.SITE_ADMIN)
def site_networks():
    form = NewNetworkForm(financial_year_start=services.current_financial_year_start())
    if form.validate_on_submit():
        try:
            network = services.create_network_with_admin(form.data, current_user)
        except ServiceError as error:
            add_form_error(form, error)
        else:
            db.session.commit()
            flash(f"{network.name} created. An invitation has gone to {form.admin_email.data}.")
            return redirect(url_for("networks.site_networks"))
    page = paginate(services.all_networks_query())
    return render_template("networks/site_networks.html", form=form, page=page)
