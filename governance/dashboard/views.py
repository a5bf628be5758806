"""The network overview: the network's profile and the cards every module contributes."""

from flask import Blueprint, g, render_template

from governance.core import cards
from governance.core.permissions import Permission, Role, requires

bp = Blueprint("dashboard", __name__)


@bp.route("/n/<network_slug>/")
@requires(Permission.NETWORK_VIEW)
def index():
    # A patient panel member is a member of the public: a plain, short page without the profile's codes.
    plain = g.membership.role == Role.PATIENT_PANEL_MEMBER
    return render_template("dashboard/index.html", cards=cards.load_cards(g.membership), plain=plain)
