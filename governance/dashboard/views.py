"""The network overview: the network's profile and the cards every module contributes."""

from flask import Blueprint, g, render_template

from governance.core import cards
from governance.core.permissions import Permission, requires

bp = Blueprint("dashboard", __name__)


@bp.route("/n/<network_slug>/")
@requires(Permission.NETWORK_VIEW)
def index():
    return render_template("dashboard/index.html", cards=cards.load_cards(g.membership))
