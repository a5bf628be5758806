from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from governance.core import tenancy
from governance.core.pdf import pdf_response
from governance.core.permissions import Permission, can, requires
from governance.core.views import paginate
from governance.documents import jobs, services
from governance.documents.models import DocumentJob

bp = Blueprint("documents", __name__)


@bp.route("/n/<network_slug>/documents/")
@requires(Permission.DOCUMENTS_VIEW)
def index():
    page = paginate(services.documents_query(request.args.get("kind") or None))
    return render_template("documents/index.html", page=page, jobs=jobs.recent_jobs(current_user),
                           unreadable=services.unreadable(page.items),
                           failed=services.failed_checks([doc.id for doc in page.items]))


def _serve(document_id: int, *, inline: bool):
    """The archived PDF, checked against its SHA-256 first: a changed file is refused, never served."""
    document = services.load_with_pdf(document_id) or abort(404)
    if services.unreadable([document]):
        abort(404)
    pdf = services.checked_pdf(document)
    if pdf is None:
        return render_template("documents/failed_check.html", document=document), 500
    response = pdf_response(pdf, document.filename, inline=inline)
    response.headers["X-Content-SHA256"] = document.sha256
    return response


@bp.route("/n/<network_slug>/documents/<int:document_id>.pdf")
@requires(Permission.DOCUMENTS_VIEW)
def download(document_id):
    """Open the PDF in the browser."""
    return _serve(document_id, inline=True)


@bp.route("/n/<network_slug>/documents/<int:document_id>/download")
@requires(Permission.DOCUMENTS_VIEW)
def save(document_id):
    """The same PDF, saved as a file (the same file name)."""
    return _serve(document_id, inline=False)


@bp.route("/n/<network_slug>/documents/jobs/<int:job_id>")
@requires(Permission.DOCUMENTS_VIEW)
def job(job_id):
    job = tenancy.get_or_404(DocumentJob, job_id)
    if job.requested_by_id != current_user.id and not can(Permission.DOCUMENTS_ISSUE):
        abort(404)
    return render_template("documents/job.html", job=job)
