from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_user, logout_user

from governance.auth import services
from governance.auth.forms import AcceptInvitationForm, ConfirmForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from governance.core.errors import ServiceError
from governance.core.permissions import Permission, requires
from governance.core.views import add_form_error, client_ip, safe_next
from governance.extensions import db
from governance.networks import services as network_services

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("networks.choose"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, client_ip())
        except ServiceError as error:
            db.session.commit()  # keep the failed attempt for throttling
            add_form_error(form, error)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(url_for("networks.choose")))
    return render_template("auth/login.html", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash("You have signed out.")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def reset_password(token):
    if services.find_reset_token(token) is None:
        return render_template("auth/link_expired.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ServiceError as error:
            add_form_error(form, error)
        else:
            db.session.commit()
            flash("Your password has been changed. Sign in with your new password.")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def accept_invitation(token):
    invitation = network_services.find_invitation(token)
    if invitation is None:
        return render_template("auth/link_expired.html"), 404
    signed_in = current_user if current_user.is_authenticated else None
    form = ConfirmForm() if signed_in else AcceptInvitationForm(full_name=invitation.full_name)
    if form.validate_on_submit():
        try:
            membership = network_services.accept_invitation(
                token, full_name=getattr(form, "full_name", None) and form.full_name.data,
                password=getattr(form, "password", None) and form.password.data,
                existing_user=signed_in)
        except ServiceError as error:
            add_form_error(form, error)
        else:
            db.session.commit()
            login_user(membership.user)
            flash(f"Welcome to {membership.network.name}.")
            return redirect(url_for("networks.dashboard", network_slug=membership.network.slug))
    existing = signed_in is None and services.find_user(invitation.email) is not None
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation,
                           existing_account=existing)
