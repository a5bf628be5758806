from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance.auth import services as auth_services
from governance.auth import sessions
from governance.auth.forms import AcceptInvitationForm
from governance.core import tenancy
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, paginate, submit
from governance.networks import services
from governance.networks.forms import (
    ROLE_CHOICES,
    ROLE_DESCRIPTIONS,
    InvitationForm,
    MembershipForm,
    NetworkForm,
    NewNetworkForm,
)
from governance.networks.models import Invitation, Membership

ROLE_GUIDE = [(label, ROLE_DESCRIPTIONS[value]) for value, label in ROLE_CHOICES]
bp = Blueprint("networks", __name__)


@bp.route("/networks")
@requires(Permission.SIGNED_IN)
def choose():
    """The network chooser; just after signing in (?start=1), the network the member used last."""
    memberships = services.user_memberships(current_user)
    resume = services.network_to_resume(memberships)
    if resume and (request.args.get("start") or len(memberships) == 1) and not current_user.is_site_admin:
        return redirect(url_for("dashboard.index", network_slug=resume.network.slug))
    return render_template("networks/choose.html", memberships=memberships,
                           awaiting=services.awaiting_in_networks(memberships))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def accept_invitation(token):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("auth/link_expired.html"), 404
    signed_in = current_user if current_user.is_authenticated else None
    form = ConfirmForm() if signed_in else AcceptInvitationForm(full_name=invitation.full_name)
    membership = submit(form, lambda: services.accept_invitation(
        token, full_name=getattr(form, "full_name", None) and form.full_name.data,
        password=getattr(form, "password", None) and form.password.data, existing_user=signed_in))
    if membership:
        if signed_in is None:
            sessions.sign_in(membership.user)
        flash(f"Welcome to {membership.network.name}.")
        return redirect(url_for("dashboard.index", network_slug=membership.network.slug))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation,
                           role_description=ROLE_DESCRIPTIONS.get(invitation.role, ""),
                           existing_account=signed_in is None and auth_services.find_user(invitation.email) is not None)


@bp.route("/n/<network_slug>/settings", methods=["GET", "POST"])
@requires(Permission.NETWORK_EDIT)
def settings():
    network = tenancy.current_network()
    form = NetworkForm(obj=network)
    if submit(form, lambda: services.update_network(network, form.data, form.version.data), editing=network):
        flash("Network profile saved.")
        return redirect(url_for("dashboard.index"))
    return render_template("networks/settings.html", form=form)


@bp.route("/n/<network_slug>/admin/members")
@requires(Permission.MEMBERS_MANAGE)
def members():
    page = paginate(services.members_query())
    return render_template("networks/members.html", page=page, confirm=ConfirmForm())


@bp.route("/n/<network_slug>/admin/members/<int:membership_id>", methods=["GET", "POST"])
@requires(Permission.MEMBERS_MANAGE)
def edit_member(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    form = MembershipForm(obj=membership)
    form.partner_id.choices = [(None, "None")] + services.partner_choices()
    if submit(form, lambda: services.update_membership(membership, form.data, form.version.data),
              editing=membership):
        flash(f"{membership.user.full_name}'s role has been saved.")
        return redirect(url_for("networks.members"))
    return render_template("networks/member_form.html", form=form, membership=membership, roles=ROLE_GUIDE)


@bp.route("/n/<network_slug>/admin/members/<int:membership_id>/deactivate", methods=["POST"])
@requires(Permission.MEMBERS_MANAGE)
def deactivate_member(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    confirm(lambda: services.deactivate_member(membership, current_user),
            f"{membership.user.full_name} can no longer use this network. Their records stay.")
    return redirect(url_for("networks.members"))


@bp.route("/n/<network_slug>/admin/members/<int:membership_id>/reactivate", methods=["POST"])
@requires(Permission.MEMBERS_MANAGE)
def reactivate_member(membership_id):
    membership = tenancy.get_or_404(Membership, membership_id)
    confirm(lambda: services.reactivate_member(membership), f"{membership.user.full_name} can use this network again.")
    return redirect(url_for("networks.members"))


@bp.route("/n/<network_slug>/admin/invitations", methods=["GET", "POST"])
@requires(Permission.MEMBERS_MANAGE)
def invitations():
    form = InvitationForm()
    form.partner_id.choices = [(None, "None")] + services.partner_choices()
    if submit(form, lambda: services.invite(
            tenancy.current_network(), form.email.data, form.role.data, current_user,
            full_name=form.full_name.data, partner_id=form.partner_id.data,
            is_authorised_signatory=form.is_authorised_signatory.data)):
        flash(f"Invitation sent to {form.email.data}.")
        return redirect(url_for("networks.invitations"))
    page = paginate(services.pending_invitations_query())
    return render_template("networks/invitations.html", form=form, page=page, confirm=ConfirmForm(),
                           roles=ROLE_GUIDE)


@bp.route("/n/<network_slug>/admin/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires(Permission.MEMBERS_MANAGE)
def revoke_invitation(invitation_id):
    invitation = tenancy.get_or_404(Invitation, invitation_id)
    confirm(lambda: services.revoke_invitation(invitation),
            f"The invitation for {invitation.email} has been withdrawn.")
    return redirect(url_for("networks.invitations"))


@bp.route("/admin/networks", methods=["GET", "POST"])
@requires(Permission.SITE_ADMIN)
def site_networks():
    form = NewNetworkForm(financial_year_start=services.current_financial_year_start())
    network = submit(form, lambda: services.create_network_with_admin(form.data, current_user))
    if network:
        flash(f"{network.name} created. An invitation has gone to {form.admin_email.data}.")
        return redirect(url_for("networks.site_networks"))
    page = paginate(services.all_networks_query())
    return render_template("networks/site_networks.html", form=form, page=page)
