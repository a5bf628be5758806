from flask import Blueprint, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from governance.core.permissions import Permission, requires
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
