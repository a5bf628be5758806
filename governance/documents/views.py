from flask import Blueprint, abort, render_template, request

from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, requires
from governance.core.views import paginate
from governance.documents import services

bp = Blueprint("documents", __name__)


@bp.route("/n/<network_slug>/documents/")
@requires(Permission.DOCUMENTS_VIEW)
def index():
    page = paginate(services.documents_query(request.args.get("kind") or None))
    return render_template("documents/index.html", page=page)


@bp.route("/n/<network_slug>/documents/<int:document_id>.pdf")
@requires(Permission.DOCUMENTS_VIEW)
def download(document_id):
    document = services.load_with_pdf(document_id)
    if document is None:
        abort(404)
    response = pdf_response(document.pdf, document.filename)
    response.headers["X-Content-SHA256"] = document.sha256
    return response
