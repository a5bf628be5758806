from flask import Blueprint, render_template, request

from governance.audit import services
from governance.audit.forms import AuditFilterForm
from governance.core import tenancy
from governance.core.permissions import Permission, requires
from governance.core.views import paginate

bp = Blueprint("audit", __name__)


@bp.route("/n/<network_slug>/audit")
@requires(Permission.AUDIT_VIEW)
def index():
    network_id = tenancy.current_network().id
    form = AuditFilterForm(request.args)
    form.entity_type.choices, form.user_id.choices = services.filter_choices(network_id)
    form.validate()
    filters = {name: (None if form[name].errors else form[name].data)
               for name in ("entity_type", "user_id", "date_from", "date_to")}
    page = paginate(services.audit_query(network_id, **filters), per_page=50)
    return render_template("audit/index.html", form=form, page=page)
