"""The documents page: this network's archived PDFs, listed and downloadable exactly as issued."""

import hashlib

from governance.extensions import db
from tests import factories


def test_documents_are_listed_with_their_fingerprint(client, network, login_as):
    login_as("board_member")
    mine = factories.make_document(network, title="Board terms of reference", covers="From April 2026")
    theirs = factories.make_document(factories.make_network(), title="Northgate MOU")
    db.session.commit()
    page = client.get(f"/n/{network.slug}/documents/").get_data(as_text=True)
    assert "Board terms of reference" in page and "From April 2026" in page and mine.sha256 in page
    assert f"/n/{network.slug}/documents/{mine.id}.pdf" in page
    assert "Northgate MOU" not in page and theirs.sha256 not in page


def test_an_empty_archive_says_so(client, network, login_as):
    login_as("observer")
    assert "No documents have been issued yet." in client.get(f"/n/{network.slug}/documents/").get_data(as_text=True)


def test_a_download_is_byte_for_byte_what_was_issued(client, network, login_as):
    login_as("partner_representative")
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    document = factories.make_document(network, title="Memorandum of understanding 2026", pdf=pdf)
    db.session.commit()
    response = client.get(f"/n/{network.slug}/documents/{document.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == pdf
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest() == document.sha256
    filename = f"memorandum-of-understanding-2026-{document.id}.pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{filename}"'  # opens in the browser
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    saved = client.get(f"/n/{network.slug}/documents/{document.id}/download")
    assert saved.data == pdf and saved.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    page = client.get(f"/n/{network.slug}/documents/").get_data(as_text=True)
    assert f'href="/n/{network.slug}/documents/{document.id}/download" download="{filename}"' in page


def test_another_networks_document_is_not_found(client, network, login_as):
    login_as("network_admin")
    theirs = factories.make_document(factories.make_network(), title="Not yours")
    db.session.commit()
    response = client.get(f"/n/{network.slug}/documents/{theirs.id}.pdf")
    assert response.status_code == 404 and b"Not yours" not in response.data
    assert client.get(f"/n/{network.slug}/documents/999999.pdf").status_code == 404


def test_documents_are_not_for_the_patient_panel(client, network, login_as):
    login_as("patient_panel_member")
    document = factories.make_document(network)
    db.session.commit()
    assert client.get(f"/n/{network.slug}/documents/").status_code == 403
    assert client.get(f"/n/{network.slug}/documents/{document.id}.pdf").status_code == 403


def test_there_is_no_way_to_change_a_document_over_http(app, client, network, login_as):
    login_as("network_admin")
    document = factories.make_document(network)
    db.session.commit()
    url = f"/n/{network.slug}/documents/{document.id}.pdf"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open(url, method=method).status_code == 405
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("documents.")]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_a_pdf_changed_in_the_database_is_refused_and_flagged(app, client, network, login_as, caplog):
    from sqlalchemy import text

    login_as("board_secretary")
    document = factories.make_document(network, title="Board terms of reference")
    original = document.sha256
    db.session.commit()
    factories.drop_append_only_guard("issued_documents")
    db.session.execute(text("UPDATE issued_documents SET pdf = :forged WHERE id = :id"),
                       {"forged": b"%PDF-1.7 forged", "id": document.id})
    db.session.commit()
    base = f"/n/{network.slug}/documents/{document.id}"
    for url in (f"{base}.pdf", f"{base}/download"):
        response = client.get(url)
        assert response.status_code == 500 and b"forged" not in response.data
        assert "This document failed its check" in response.get_data(as_text=True)
        assert response.headers.get("X-Content-SHA256") is None
    assert f"no longer matches its SHA-256 {original}" in caplog.text  # logged for the site admins
    page = client.get(f"/n/{network.slug}/documents/").get_data(as_text=True)
    assert "A document failed its check" in page and "Failed its check" in page
    trail = client.get(f"/n/{network.slug}/audit").get_data(as_text=True)
    assert "Accord refused to serve it" in trail


def test_a_hostile_kind_filter_shows_nothing_rather_than_failing(client, network, login_as):
    login_as("board_member")
    factories.make_document(network, title="Kept")
    db.session.commit()
    for kind in ("\x00", "a" * 500, "terms_of_reference\x00", "%"):
        response = client.get(f"/n/{network.slug}/documents/", query_string={"kind": kind})
        assert response.status_code == 200 and "Kept" not in response.get_data(as_text=True)
    assert "Kept" in client.get(f"/n/{network.slug}/documents/?kind=terms_of_reference").get_data(as_text=True)
