from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from governance.auth import services, sessions
from governance.auth.forms import ForgotPasswordForm, LoginForm, NewPasswordForm
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, requires
from governance.core.views import client_ip, confirm, safe_next, submit

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("networks.choose"))
    form = LoginForm()
    user = submit(form, lambda: services.authenticate(form.email.data, form.password.data, client_ip()))
    if user:
        sessions.sign_in(user, remember=form.remember.data)
        return redirect(safe_next(url_for("networks.choose", start=1)))
    return render_template("auth/login.html", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        sessions.sign_out()
        flash("You have signed out.")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form, devices=sessions.live_sessions(current_user),
                           this_device=sessions.current_session_id())


@bp.route("/sign-out/other-devices", methods=["POST"])
@requires(Permission.SIGNED_IN)
def logout_others():
    confirm(lambda: sessions.revoke_all(current_user, keep_current=True),
            lambda ended: "You have signed out of every other device." if ended else
            "You were not signed in on any other device.")
    return redirect(url_for("auth.logout"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def forgot_password():
    form = ForgotPasswordForm()
    if submit(form, lambda: services.request_password_reset(form.email.data, client_ip())):
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@requires(Permission.PUBLIC)
def reset_password(token):
    if services.find_reset_token(token) is None:
        return render_template("auth/link_expired.html"), 404
    form = NewPasswordForm()
    if submit(form, lambda: services.reset_password(token, form.password.data)):
        flash("Your password has been changed. Sign in with your new password.")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
