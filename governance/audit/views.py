from flask import Blueprint, Response, render_template, request

from governance.audit import services
from governance.audit.forms import AuditFilterForm
from governance.core import tenancy
from governance.core.permissions import Permission, requires

bp = Blueprint("audit", __name__)


def _filtered() -> tuple[AuditFilterForm, object]:
    form = AuditFilterForm(request.args)
    form.entity_type.choices = services.record_type_choices()
    form.validate()
    return form, services.audit_query(tenancy.current_network().id, **form.filters())


@bp.route("/n/<network_slug>/audit")
@requires(Permission.AUDIT_VIEW)
def index():
    form, query = _filtered()
    page = services.audit_page(query, request.args.get("page", 1, type=int))
    return render_template("audit/index.html", form=form, page=page,
                           author=services.author_name(form.user_id.data))


@bp.route("/n/<network_slug>/audit/export.csv")
@requires(Permission.AUDIT_VIEW)
def export():
    _, query = _filtered()
    filename = f"{tenancy.current_network().slug}-audit-trail.csv"
    return Response("\ufeff" + services.export_csv(query), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
