"""The archive of issued documents: PDFs exactly as issued, with their SHA-256."""

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import undefer

from governance.auth.models import User
from governance.core.pdf import render_pdf
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.networks.models import Network


def archive_document(network: Network, *, kind: str, title: str, pdf: bytes, actor: User | None,
                     covers: str = "", subject=None, is_draft: bool = False) -> IssuedDocument:
    """Store an issued PDF for good; it is never altered afterwards."""
    document = IssuedDocument(
        network_id=network.id, kind=kind, title=title, covers=covers, is_draft=is_draft,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None), pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf),
        generated_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    db.session.flush()
    return document


def issue_document(network: Network, template: str, *, kind: str, title: str, actor: User | None,
                   covers: str = "", subject=None, **context) -> IssuedDocument:
    """Render a print template to PDF and archive it as an issued document."""
    pdf = render_pdf(template, title=title, network_name=network.name, draft=False, **context)
    return archive_document(network, kind=kind, title=title, pdf=pdf, actor=actor, covers=covers,
                            subject=subject)


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
