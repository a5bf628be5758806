"""Documents made by the background worker, with progress the requester can watch.

A module registers a builder for a kind of document (`register("board_pack", build)`); a view
calls `request_document(...)`, commits (the unit of work does) and redirects to the job's page.
After the commit the worker runs the builder, which reports how far it has got and returns the
IssuedDocument it archived. Builders render first and write last: progress is written in its own
short transaction, which must not wait behind the builder's own writes.
"""

from collections.abc import Callable

from flask import current_app
from sqlalchemy import select, update

from governance.auth.models import User
from governance.core import clock, tenancy, uow
from governance.core.errors import ServiceError
from governance.core.tasks import enqueue_after_commit, task
from governance.documents.models import DocumentJob, IssuedDocument, JobStatus
from governance.extensions import db
from governance.networks.models import Network

Report = Callable[[int, str], None]
Builder = Callable[[DocumentJob, Report], IssuedDocument]
_BUILDERS: dict[str, Builder] = {}


def register(kind: str, build: Builder) -> None:
    """Let the worker make documents of this kind with `build(job, report)`."""
    _BUILDERS[kind] = build


def request_document(network: Network, kind: str, title: str, actor: User | None, **params) -> DocumentJob:
    """Ask the worker for a document; it starts once the request's transaction commits."""
    if kind not in _BUILDERS:
        raise ServiceError(f"Accord cannot make documents of the kind {kind!r}")
    job = DocumentJob(network_id=network.id, kind=kind, title=title, params=params,
                      requested_by_id=actor.id if actor else None, step="Waiting for the worker")
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(db.session, build_document, job.id)
    return job


def _set(job_id: int, **values) -> None:
    """Write the job's progress in its own transaction, so the progress page sees it at once."""
    with db.engine.begin() as connection:
        connection.execute(update(DocumentJob).where(DocumentJob.id == job_id).values(**values))


@task()
def build_document(job_id: int) -> int | None:
    """The worker's side: run the job's builder and record the document it made, or the failure."""
    job = db.session.execute(select(DocumentJob).where(DocumentJob.id == job_id)).scalar_one_or_none()
    if job is None or job.status != JobStatus.QUEUED:
        return None
    tenancy.activate(job.network_id)
    _set(job_id, status=JobStatus.RUNNING.value, progress=1, step="Starting")

    def report(progress: int, step: str) -> None:
        _set(job_id, progress=max(1, min(int(progress), 99)), step=step[:200])

    try:
        document = _BUILDERS[job.kind](job, report)
        db.session.flush()
        document_id = document.id
        uow.commit_outside_request()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Document job %s (%s) failed", job_id, job.kind)
        _set(job_id, status=JobStatus.FAILED.value, finished_at=clock.now(), step="Stopped",
             error="Something went wrong while making this document. Try again; if it fails again, "
                   "tell your network admin.")
        return None
    _set(job_id, status=JobStatus.DONE.value, progress=100, step="Ready", document_id=document_id,
         finished_at=clock.now())
    return document_id


def recent_jobs(actor: User, limit: int = 5) -> list[DocumentJob]:
    """The member's latest document requests in this network, newest first, for the documents page."""
    return list(db.session.execute(
        select(DocumentJob).where(DocumentJob.requested_by_id == actor.id)
        .order_by(DocumentJob.created_at.desc(), DocumentJob.id.desc()).limit(limit)).scalars())
