from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from governance.core import outbox
from governance.core.forms import ConfirmForm
from governance.core.permissions import Permission, requires
from governance.core.views import confirm, paginate
from governance.extensions import db

bp = Blueprint("system", __name__)


@bp.route("/")
@requires(Permission.PUBLIC)
def index():
    if current_user.is_authenticated:
        return redirect(url_for("networks.choose"))
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
@requires(Permission.PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.route("/admin/mail")
@requires(Permission.SITE_ADMIN)
def mail():
    page = paginate(outbox.problem_messages_query())
    return render_template("system/mail.html", page=page, confirm=ConfirmForm(), max_attempts=outbox.MAX_ATTEMPTS)


@bp.route("/admin/mail/<int:message_id>/retry", methods=["POST"])
@requires(Permission.SITE_ADMIN)
def retry_mail(message_id):
    message = db.session.get(outbox.OutboxMessage, message_id) or abort(404)
    confirm(lambda: outbox.retry(message), f"The message to {message.to_address} will be sent again now.")
    return redirect(url_for("system.mail"))
