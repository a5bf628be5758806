"""The archive of issued documents: PDFs exactly as issued, with their SHA-256."""

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import undefer

from governance.auth.models import User
from governance.core import ledger
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


def documents_query(kind: str | None = None):
    query = select(IssuedDocument).order_by(IssuedDocument.generated_at.desc(), IssuedDocument.id.desc())
    if kind:
        query = query.where(IssuedDocument.kind == kind)
    return query


def load_with_pdf(document_id: int) -> IssuedDocument | None:
    return db.session.execute(
        select(IssuedDocument).where(IssuedDocument.id == document_id).options(undefer(IssuedDocument.pdf))
    ).scalar_one_or_none()


def verify(document: IssuedDocument) -> bool:
    """Whether the stored bytes still match the SHA-256 taken when the document was issued."""
    return hashlib.sha256(document.pdf).hexdigest() == document.sha256
