"""The archive of issued documents: PDFs exactly as issued, with their SHA-256."""

import hashlib
import re
from collections.abc import Callable

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import false, insert, select
from sqlalchemy.orm import undefer

from governance.auth.models import User
from governance.core import clock, ledger, tenancy
from governance.core.audit import AuditEntry
from governance.core.pdf import render_pdf
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.networks.models import Network


def archive_document(network: Network, *, kind: str, title: str, pdf: bytes, actor: User | None,
                     covers: str = "", subject=None, is_draft: bool = False) -> IssuedDocument:
    """Store an issued PDF for good (it is never altered afterwards) and put it on the ledger."""
    document = IssuedDocument(
        network_id=network.id, kind=kind, title=title, covers=covers, is_draft=is_draft,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None), pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf),
        generated_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    db.session.flush()
    record_issue(document)
    return document


def issue_document(network: Network, template: str, *, kind: str, title: str, actor: User | None,
                   covers: str = "", subject=None, **context) -> IssuedDocument:
    """Render a print template to PDF, archive it and put its issue on the governance ledger.

    The PDF prints the ledger's head as it stood when it was issued, so anyone holding it can show
    that the record was rewritten if a later copy of the ledger lacks that entry.
    """
    pdf = render_pdf(template, title=title, network_name=network.name, draft=False,
                     ledger_head=ledger.head(network.id), **context)
    return archive_document(network, kind=kind, title=title, pdf=pdf, actor=actor, covers=covers,
                            subject=subject)


def ledger_content(document: IssuedDocument) -> dict:
    """What the ledger holds about an issued document: enough to recognise its exact bytes."""
    return {"kind": document.kind, "title": document.title, "covers": document.covers,
            "sha256": document.sha256, "size_bytes": document.size_bytes}


def record_issue(document: IssuedDocument) -> None:
    """Put an issued (not draft) document on the network's governance ledger."""
    if document.is_draft:
        return
    ledger.record(document.network_id, "document.issued", "IssuedDocument", document.id, ledger_content(document),
                  summary=f"{document.title} issued", actor_id=document.generated_by_id)


def _stored_content(document_id: int) -> dict | None:
    document = db.session.get(IssuedDocument, document_id)
    return None if document is None else ledger_content(document)


ledger.register_subject("IssuedDocument", _stored_content)


KIND = re.compile(r"^[a-z0-9_]{1,60}$")
FAILED_CHECK = "failed_integrity_check"


# Who may read a kind of document. The archive serves any issued PDF to members who may view documents;
# a module whose documents carry more (a board pack holds confidential papers) registers a check, given the
# page's documents of that kind at once (one query whatever their number) and answering which may be read.
ReadCheck = Callable[[list[IssuedDocument]], set[int]]
_READ_CHECKS: dict[str, ReadCheck] = {}


def register_read_check(kind: str, check: ReadCheck) -> None:
    _READ_CHECKS[kind] = check


def unreadable(documents: list[IssuedDocument]) -> set[int]:
    """The ids of those documents the signed-in member may not read (their kind's check says no)."""
    refused: set[int] = set()
    by_kind: dict[str, list[IssuedDocument]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    for kind, group in by_kind.items():
        if kind in _READ_CHECKS:
            allowed = _READ_CHECKS[kind](group)
            refused |= {document.id for document in group if document.id not in allowed}
    return refused


def documents_query(kind: str | None = None):
    """This network's issued documents, newest first; a kind that cannot exist matches nothing."""
    query = select(IssuedDocument).order_by(IssuedDocument.generated_at.desc(), IssuedDocument.id.desc())
    if kind:
        query = query.where(IssuedDocument.kind == kind if KIND.match(kind) else false())
    return query


def load_with_pdf(document_id: int) -> IssuedDocument | None:
    return db.session.execute(
        select(IssuedDocument).where(IssuedDocument.id == document_id).options(undefer(IssuedDocument.pdf))
    ).scalar_one_or_none()


def verify(document: IssuedDocument) -> bool:
    """Whether the stored bytes still match the SHA-256 taken when the document was issued."""
    return hashlib.sha256(document.pdf or b"").hexdigest() == document.sha256


def checked_pdf(document: IssuedDocument) -> bytes | None:
    """The archived bytes if they still match their SHA-256; otherwise None, and the failure is
    logged for the site admins and written to the audit trail (in its own transaction, so it stays
    although the request that found it fails)."""
    if verify(document):
        return document.pdf
    current_app.logger.error("Issued document %s (%s) of network %s no longer matches its SHA-256 %s: "
                             "refused", document.id, document.title, document.network_id, document.sha256)
    user = current_user if has_request_context() and current_user.is_authenticated else None
    with db.engine.begin() as connection:
        connection.execute(insert(AuditEntry), [{
            "network_id": document.network_id, "user_id": user.id if user else None, "created_at": clock.now(),
            "action": FAILED_CHECK, "entity_type": "IssuedDocument", "entity_id": document.id,
            "summary": f"{document.title}: its contents no longer match the fingerprint taken when it was "
                       "issued; Accord refused to serve it", "changes": {}}])
    return None


def failed_checks(document_ids: list[int]) -> set[int]:
    """Which of these documents have failed their integrity check (one query, for the list page)."""
    if not document_ids:
        return set()
    return set(db.session.execute(select(AuditEntry.entity_id).where(
        AuditEntry.network_id == tenancy.active_network_id(), AuditEntry.entity_type == "IssuedDocument",
        AuditEntry.action == FAILED_CHECK, AuditEntry.entity_id.in_(document_ids))).scalars())
