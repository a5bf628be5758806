"""The archive of issued documents: rendered PDFs kept exactly as issued, with their SHA-256."""

import hashlib
import io
from pathlib import Path

import pypdf
import pytest
from jinja2 import FileSystemLoader
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from governance.core.audit import AuditEntry
from governance.core.errors import ImmutableRecordError
from governance.documents import services
from governance.documents.models import IssuedDocument
from governance.extensions import db
from tests import factories

TEMPLATES = Path(__file__).parents[1] / "core" / "templates"


def test_an_issued_document_is_rendered_archived_and_fingerprinted(app):
    app.jinja_loader.loaders.append(FileSystemLoader(str(TEMPLATES)))
    network = factories.make_network(name="Riverside Primary Care Home")
    actor = factories.make_user(full_name="Sam Whitfield")
    document = services.issue_document(network, "test_pdf/long_table.html", kind="register_of_interests",
                                       title="Register of interests", actor=actor, covers="2026 to 2027",
                                       subject=network, rows=5, images=[])
    db.session.commit()
    db.session.expire_all()
    stored = services.load_with_pdf(document.id)
    assert stored.pdf.startswith(b"%PDF-")
    assert stored.sha256 == hashlib.sha256(stored.pdf).hexdigest() and services.verify(stored)
    assert stored.size_bytes == len(stored.pdf)
    assert (stored.subject_type, stored.subject_id) == ("Network", network.id)
    assert stored.generated_by.full_name == "Sam Whitfield" and not stored.is_draft
    text_ = pypdf.PdfReader(io.BytesIO(stored.pdf)).pages[0].extract_text()
    assert "Riverside Primary Care Home" in text_ and "Register of interests" in text_
    assert "DRAFT" not in text_
    assert stored.filename == f"register-of-interests-{stored.id}.pdf"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "IssuedDocument")).scalar_one()
    assert entry.action == "create" and entry.changes["sha256"] == [None, stored.sha256]


def test_verify_detects_changed_bytes(app):
    document = factories.make_document(factories.make_network(), pdf=b"%PDF-1.7 original")
    assert services.verify(document)
    document.__dict__["pdf"] = b"%PDF-1.7 tampered"  # only in memory: the row cannot be changed
    assert not services.verify(document)


def test_the_list_query_loads_no_pdf_bytes(app, count_queries):
    network = factories.make_network()
    for n in range(3):
        factories.make_document(network, title=f"Document {n}", pdf=b"x" * 100_000)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counter:
        documents = db.session.execute(services.documents_query()).scalars().all()
    assert len(documents) == 3 and counter.count == 1
    assert all("pdf" not in d.__dict__ for d in documents)
    assert "issued_documents.pdf" not in counter.statements[0]


def test_documents_can_be_filtered_by_kind(app):
    network = factories.make_network()
    factories.make_document(network, title="MOU", kind="mou")
    factories.make_document(network, title="ToR", kind="terms_of_reference")
    titles = db.session.execute(services.documents_query("mou")).scalars().all()
    assert [d.title for d in titles] == ["MOU"]


def test_an_archived_document_cannot_be_altered_on_either_database(any_app):
    document = factories.make_document(factories.make_network(), pdf=b"%PDF-1.7 as issued")
    db.session.commit()
    document.pdf = b"%PDF-1.7 forged"
    with pytest.raises(ImmutableRecordError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE issued_documents SET pdf = :b, sha256 = 'x'"), {"b": b"forged"})
    db.session.rollback()
    stored = services.load_with_pdf(document.id)
    assert stored.pdf == b"%PDF-1.7 as issued" and services.verify(stored)
    assert db.session.execute(select(IssuedDocument.id)).scalars().all() == [document.id]
