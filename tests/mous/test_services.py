"""Business rules of MOUs: drafting, freezing and hashing versions, signing, wet ink, PDFs."""

import hashlib
import io
import re
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError
from werkzeug.datastructures import FileStorage

from governance.auth.models import LoginAttempt
from governance.core import ledger, tenancy
from governance.core.db import NetworkScoped
from governance.core.errors import ImmutableRecordError, ServiceError
from governance.core.outbox import OutboxMessage
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.mous import access, comments, pages, pdfs, reminders, services, signing, versions
from governance.mous import text as mou_text
from governance.mous.clauses import LIBRARY
from governance.mous.models import (
    MouAnswer,
    MouClause,
    MouDecline,
    MouReminder,
    MouSignature,
    MouStatus,
    MouVersion,
    MouVersionParty,
    mou_parties,
)
from tests import factories
from tests.mous.conftest import pdf, png, sign

PNG = png()
PDF = pdf()


@pytest.fixture(autouse=True)
def scoped(network):
    """Service calls run as in a request: reads scoped to the network."""
    tenancy.activate(network.id)
    yield
    tenancy.activate(None)


def upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def current(mou) -> MouVersion:
    return services.get_version(mou, mou.issued_count)


# ---------------------------------------------------------------- drafting

def test_new_mou_starts_from_the_clause_library(network, parties):
    mou = factories.make_mou(network, list(parties))
    headings = [c.heading for c in sorted(mou.clauses, key=lambda c: c.position)]
    assert headings == [c.heading for c in LIBRARY]
    assert {"Parties", "Financial arrangements and risk/gain share", "Information sharing and data protection",
            "Termination and exit", "Status"} <= set(headings)
    assert mou.status == MouStatus.DRAFT
    assert [p.name for p in mou.parties] == ["Riverside Community Trust", "Riverside Medical Centre"]


@pytest.mark.parametrize("changes, message", [
    ({"parties": [1]}, "Choose at least two parties"),
    ({"end_date": date(2026, 1, 1)}, "The end or review date must be after the start date"),
])
def test_new_mou_checks_its_details(network, parties, changes, message):
    data = {"title": "MOU", "purpose": "Purpose", "start_date": date(2026, 4, 1), "end_date": date(2027, 3, 31),
            "end_date_kind": "end", "parties": [p.id for p in parties], **changes}
    with pytest.raises(ServiceError, match=message):
        services.create_mou(network, data, None)


def test_parties_must_belong_to_this_network(network, parties):
    other = factories.make_network()
    tenancy.activate(other.id)
    stranger = factories.make_partner(other)
    tenancy.activate(network.id)
    with pytest.raises(ServiceError, match="this network's partners"):
        factories.make_mou(network, [parties[0], stranger])


def test_markdown_is_sanitised_with_an_allow_list():
    html = mou_text.render_markdown("# Heading\n\n<script>alert(1)</script> **bold** "
                                    "[bad](javascript:alert(1)) [good](https://www.nhs.uk)"
                                    '\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "<h3>Heading</h3>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://www.nhs.uk" rel="noopener noreferrer">good</a>' in html


def test_clauses_can_be_added_edited_moved_and_removed(network, parties):
    mou = factories.make_mou(network, list(parties))
    added = services.add_clause(mou, "  Safeguarding ", "Each partner follows\r\n\r\n\r\nits policy.  ")
    assert added.heading == "Safeguarding" and added.body == "Each partner follows\n\nits policy."
    services.move_clause(added, "up")
    ordered = sorted(mou.clauses, key=lambda c: c.position)
    assert ordered[-2] is added
    services.update_clause(added, {"heading": "Safeguarding adults", "body": "New text"}, added.version)
    assert added.body == "New text"
    services.delete_clause(added)
    assert added not in mou.clauses


# ---------------------------------------------------------------- versions and hashing

def test_issuing_freezes_text_parties_and_hash(network, issued):
    version = current(issued)
    assert version.number == 1 and issued.status == MouStatus.OUT_FOR_SIGNATURE
    assert [c["heading"] for c in version.clauses] == [c.heading for c in LIBRARY]
    assert [p.name for p in version.parties] == ["Riverside Community Trust", "Riverside Medical Centre"]
    assert len(version.content_hash) == 64
    assert versions.verify(version)

    clause = issued.clauses[0]
    services.update_clause(clause, {"heading": clause.heading, "body": "Changed after issue"}, clause.version)
    db.session.commit()
    db.session.expire_all()
    version = current(issued)
    assert version.clauses[0]["body"] != "Changed after issue"
    assert versions.verify(version)


def test_hash_is_of_canonical_json_of_the_content(network, issued):
    version = current(issued)
    content = versions.version_content(version)
    expected = mou_text.content_hash({"format": mou_text.CANONICAL_FORMAT, "mou_id": issued.id, "version": 1,
                                      **content})
    assert version.content_hash == expected
    raw = mou_text.canonical_json({"b": "é", "a": [1, 2]})
    assert raw == '{"a":[1,2],"b":"é"}'.encode()


def test_whitespace_and_newlines_are_normalised_before_hashing():
    assert mou_text.normalise_text("a  \r\nb\r\n\r\n\r\n\rc \n") == "a\nb\n\nc"
    assert mou_text.normalise_line("  Riverside \t Medical\nCentre ") == "Riverside Medical Centre"
    crlf = {"clauses": [{"body": mou_text.normalise_text("one\r\ntwo  ")}]}
    lf = {"clauses": [{"body": mou_text.normalise_text("one\ntwo")}]}
    assert mou_text.content_hash(crlf) == mou_text.content_hash(lf)


def test_issuing_with_no_changes_is_refused(network, issued, secretary):
    with pytest.raises(ServiceError, match="Nothing has changed since version 1"):
        services.issue_version(network, issued, secretary.user, "127.0.0.1")


def test_new_version_supersedes_the_old_and_keeps_its_signatures(network, issued, signatories, secretary):
    first = current(issued)
    sign(network, first, signatories[0])
    services.add_clause(issued, "Safeguarding", "Each partner follows its own policy.")
    second = services.issue_version(network, issued, secretary.user, "127.0.0.1")
    db.session.commit()
    db.session.expire_all()
    first, second = services.get_version(issued, 1), services.get_version(issued, 2)
    assert second.number == 2 and second.content_hash != first.content_hash
    assert first.status == MouStatus.SUPERSEDED and first.is_superseded
    assert len(first.signatures) == 1 and second.signatures == []
    assert issued.status == MouStatus.OUT_FOR_SIGNATURE


def test_diff_between_versions_marks_insertions_and_deletions(network, issued, secretary):
    scope = next(c for c in issued.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "This MOU covers the frailty service."},
                           scope.version)
    services.add_clause(issued, "Safeguarding", "Each partner follows its own policy.")
    services.delete_clause(next(c for c in issued.clauses if c.key == "workforce"))
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    versions = services.versions_of(issued)
    result = services.comparison(issued, versions, "1", "2", include_draft=False)
    changes = {str(c.heading): c for c in result["clauses"]}
    assert changes["Scope of services"].change == "changed"
    assert "<del>" in changes["Scope of services"].body and "<ins>" in changes["Scope of services"].body
    added = next(c for c in result["clauses"] if c.change == "added")
    assert "Safeguarding" in added.heading and "<ins>" in added.heading
    assert any(c.change == "removed" and "Workforce" in c.heading for c in result["clauses"])
    assert result["changed"] == 3


def test_diff_escapes_html():
    html = mou_text.diff_text("a <b>", "a <script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- signing

def test_signing_records_who_what_when_and_where(network, issued, signatories):
    version = current(issued)
    signature = sign(network, version, signatories[0], full_name="  Dr Helen  Marsh ",
                     job_title="Senior partner")
    assert signature.signatory_name == "Dr Helen Marsh" and signature.signatory_title == "Senior partner"
    assert signature.partner_id == signatories[0].partner_id
    assert signature.user_id == signatories[0].user_id
    assert signature.ip_address == "203.0.113.7" and signature.user_agent == "pytest browser"
    assert signature.version_hash == version.content_hash
    assert signature.signed_at.tzinfo is UTC
    assert issued.status == MouStatus.PARTLY_SIGNED


def test_every_party_signing_executes_and_archives_the_pdf(network, issued, signatories):
    version = current(issued)
    for member in signatories:
        sign(network, version, member)
    db.session.commit()
    assert issued.status == MouStatus.EXECUTED
    document = pdfs.executed_document(version, with_pdf=True)
    assert document is not None and document.kind == pdfs.EXECUTED_KIND
    text_of_pdf = pdf_text(document.pdf)
    assert "Signing certificate" in text_of_pdf
    for member in signatories:
        assert member.user.full_name in text_of_pdf
    assert text_of_pdf.count(version.content_hash) >= 4  # issued, two signatures, executed
    assert "203.0.113.7" in text_of_pdf and "127.0.0.1" in text_of_pdf


def test_signing_for_a_partner_that_is_not_a_party_is_refused(network, issued):
    outsider = factories.make_signatory(network, factories.make_partner(network, name="Northgate Surgery"))
    with pytest.raises(ServiceError, match="Northgate Surgery is not a party to this MOU"):
        sign(network, current(issued), outsider)


def test_a_representative_who_is_not_a_signatory_is_refused(network, issued, parties):
    member = factories.make_member(network, "partner_representative", partner_id=parties[0].id,
                                   is_authorised_signatory=False)
    with pytest.raises(ServiceError, match="not an authorised signatory for Riverside Medical Centre"):
        sign(network, current(issued), member)


def test_a_member_whose_role_cannot_sign_is_refused(network, issued, parties):
    member = factories.make_member(network, "board_member")
    with pytest.raises(ServiceError, match="Only an authorised signatory"):
        sign(network, current(issued), member)


def test_a_party_signs_once_per_version(network, issued, signatories, parties):
    version = current(issued)
    sign(network, version, signatories[0])
    colleague = factories.make_signatory(network, parties[0])
    with pytest.raises(ServiceError, match="Riverside Medical Centre has already signed version 1"):
        sign(network, version, colleague)


def test_signing_a_superseded_version_is_refused(network, issued, signatories, secretary):
    services.add_clause(issued, "Safeguarding", "Each partner follows its own policy.")
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    old = services.get_version(issued, 1)
    with pytest.raises(ServiceError, match="Version 1 has been superseded by version 2"):
        sign(network, old, signatories[0])


def test_wrong_password_is_refused_and_counted(network, issued, signatories):
    with pytest.raises(ServiceError, match="The password is not correct") as error:
        sign(network, current(issued), signatories[0], password="not-my-password")
    assert error.value.field == "password"
    attempts = db.session.execute(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))).scalars().all()
    assert [a.email for a in attempts] == [signatories[0].user.email]
    assert db.session.execute(select(MouSignature)).first() is None


def test_signing_needs_the_confirmation(network, issued, signatories):
    with pytest.raises(ServiceError, match="Confirm that you have read"):
        sign(network, current(issued), signatories[0], confirmed=False)


def test_decline_records_the_reason_and_blocks_signing_that_version(network, issued, signatories):
    version = current(issued)
    with pytest.raises(ServiceError, match="Enter the reason"):
        signing.decline_mou_version(version, signatories[0], "  ", ip_address="1.2.3.4", user_agent="x")
    decline = signing.decline_mou_version(version, signatories[0], "Clause 5 needs our finance director.",
                                           ip_address="1.2.3.4", user_agent="x")
    assert decline.reason == "Clause 5 needs our finance director." and decline.version_hash == version.content_hash
    with pytest.raises(ServiceError, match="declined version 1"):
        sign(network, version, signatories[0])
    assert issued.status == MouStatus.OUT_FOR_SIGNATURE


def test_ended_mou_cannot_be_signed_or_edited(network, issued, signatories, secretary):
    with pytest.raises(ServiceError, match="Enter the reason"):
        services.end_mou(issued, "terminated", "", secretary.user)
    services.end_mou(issued, "terminated", "The service was decommissioned.", secretary.user)
    with pytest.raises(ServiceError, match="terminated, so it can no longer be signed"):
        sign(network, current(issued), signatories[0])
    with pytest.raises(ServiceError, match="can no longer be changed"):
        services.add_clause(issued, "Late", "Too late")


def test_executed_mou_past_its_end_date_shows_as_expired(network, parties, signatories, secretary):
    mou = factories.make_mou(network, list(parties), issued=True, actor=secretary.user,
                             start_date=date(2020, 4, 1), end_date=date(2021, 3, 31))
    for member in signatories:
        sign(network, current(mou), member)
    assert mou.status == MouStatus.EXECUTED
    assert mou.effective_status == MouStatus.EXPIRED


# ---------------------------------------------------------------- tampering and append-only

def test_tampering_with_a_signed_version_is_detected(network, issued, signatories):
    version = current(issued)
    sign(network, version, signatories[0])
    db.session.commit()
    tampered = [dict(c) for c in version.clauses]
    tampered[4]["body"] = "Any overspend is paid by the practice alone."
    # Someone with direct database access removes the guard and edits the text.
    factories.drop_append_only_guard("mou_versions")
    db.session.execute(text("UPDATE mou_versions SET clauses = :c WHERE id = :id"),
                       {"c": __import__("json").dumps(tampered), "id": version.id})
    db.session.commit()
    db.session.expire_all()
    version = current(issued)
    assert not versions.verify(version)
    check = versions.integrity(version)
    assert not check.ok and check.stored != check.computed
    with pytest.raises(ServiceError, match="no longer matches the fingerprint"):
        sign(network, version, signatories[1])


def test_issued_versions_and_signatures_are_append_only(network, issued, signatories):
    version = current(issued)
    signature = sign(network, version, signatories[0])
    db.session.commit()
    signature.signatory_name = "Someone else"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    signing.decline_mou_version(version, signatories[1], "No", ip_address="1.2.3.4", user_agent="x")
    db.session.commit()
    for statement in ("UPDATE mou_signatures SET signatory_name = 'x'", "DELETE FROM mou_signatures",
                      "DELETE FROM mou_versions", "UPDATE mou_version_parties SET name = 'x'",
                      "UPDATE mou_declines SET reason = 'x'", "DELETE FROM mou_declines"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


# ---------------------------------------------------------------- record hashes of signatures and declines

def tamper(statement: str, **params) -> None:
    """Someone with direct database access drops the append-only guard and changes a row."""
    table = statement.split()[1]
    factories.drop_append_only_guard(table)
    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()


def answered(network, parties, signatories, secretary):
    """A version with an electronic signature, a wet-ink signature, a decline and one party still to answer."""
    hospice, pharmacy = factories.make_partner(network, name="Riverside Hospice"), factories.make_partner(network)
    decliner, waiting = factories.make_signatory(network, hospice), factories.make_signatory(network, pharmacy)
    mou = factories.make_mou(network, [*parties, hospice, pharmacy], issued=True, actor=secretary.user)
    version = current(mou)
    signature = sign(network, version, signatories[0])
    scan = wet_ink(network, version, parties[1], secretary.user, data=PDF, filename="scan.pdf")
    decline = signing.decline_mou_version(version, decliner, "Not our service", ip_address="198.51.100.4",
                                           user_agent="pytest browser")
    db.session.commit()
    return mou, (signature, scan, decline), waiting


def test_signatures_and_declines_carry_the_hash_of_their_record(network, parties, signatories, secretary):
    mou, (signature, scan, decline), _ = answered(network, parties, signatories, secretary)
    for record in (signature, scan, decline):
        assert record.record_hash == mou_text.content_hash(versions.record_content(record))
    content = versions.record_content(scan)
    assert content["kind"] == "wet_ink" and content["evidence"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert content["version_hash"] == current(mou).content_hash and content["version_id"] == scan.version_id
    assert versions.record_content(decline)["reason"] == "Not our service"
    assert versions.record_content(signature)["signed_at"].endswith("+00:00")
    db.session.expire_all()  # read back from the database: the same hashes come out
    version = current(mou)
    check = versions.integrity(version)
    assert check.ok and len(check.records) == 3 and not check.failed_records
    assert versions.verify(version)


@pytest.mark.parametrize("statement, kind, problem", [
    ("UPDATE mou_signatures SET signatory_name = 'Someone else' WHERE id = :signature", "signature",
     "the record has changed since it was made"),
    ("UPDATE mou_signatures SET signed_at = '2020-01-01 09:00:00' WHERE id = :signature", "signature",
     "the record has changed since it was made"),
    ("UPDATE mou_signatures SET evidence = :substituted WHERE id = :scan", "scan",
     "the stored scan of the signed page has changed"),
    ("UPDATE mou_signatures SET method = 'electronic' WHERE id = :scan", "scan",
     "the record has changed since it was made"),
    ("UPDATE mou_declines SET reason = 'We signed it really' WHERE id = :decline", "decline",
     "the record has changed since it was made"),
    ("UPDATE mou_declines SET record_hash = :forged WHERE id = :decline", "decline",
     "the record has changed since it was made"),
], ids=["name", "time", "scan-bytes", "kind", "reason", "forged-hash"])
def test_a_record_changed_in_the_database_fails_integrity(network, parties, signatories, secretary, statement, kind,
                                                          problem):
    mou, (signature, scan, decline), waiting = answered(network, parties, signatories, secretary)
    ids = {"signature": signature.id, "scan": scan.id, "decline": decline.id}
    tamper(statement, **{k: v for k, v in ids.items() if f":{k}" in statement}, forged="0" * 64,
           **({"substituted": b"%PDF-1.7\nsubstituted"} if ":substituted" in statement else {}))
    version = current(mou)
    assert not versions.verify(version)
    check = versions.integrity(version)
    assert not check.ok and check.content_ok
    [failed] = check.failed_records
    assert (failed.record.id, type(failed.record)) == (ids[kind], MouDecline if kind == "decline" else MouSignature)
    assert problem in failed.problems
    assert sum(1 for c in check.records if c.ok) == 2  # the untouched records still pass
    result = ledger.verify(network.id)  # the governance ledger catches the same change
    assert not result.ok and (result.broken.subject_type, result.broken.subject_id) == (
        "MouDecline" if kind == "decline" else "MouSignature", ids[kind])
    assert "changed in the database" in result.problem
    with pytest.raises(ServiceError, match="no longer matches the fingerprint"):
        sign(network, version, waiting)


def test_a_record_tampered_with_is_listed_in_the_certificate(network, parties, signatories, secretary):
    mou, (signature, scan, decline), waiting = answered(network, parties, signatories, secretary)
    tamper("UPDATE mou_signatures SET ip_address = '10.9.9.9' WHERE id = :id", id=signature.id)
    version = current(mou)
    text_of_pdf = pdf_text(pdfs.version_pdf(network, version)).replace("\n", "").replace(" ", "")
    assert "signatureanddeclinerecords:FAILED" in text_of_pdf and "Recordsthatfailedthecheck" in text_of_pdf
    now = versions.record_hash(next(s for s in version.signatures if s.id == signature.id))
    assert f"Recordfingerprintwhenmade{signature.record_hash},now{now}" in text_of_pdf
    assert f"Recordfingerprint:{signature.record_hash}FAILEDtheintegritycheck" in text_of_pdf
    events = {e.record_hash: e.record_ok for e in pdfs.certificate_events(version) if e.record_hash}
    assert events == {signature.record_hash: False, scan.record_hash: True, decline.record_hash: True}
    with pytest.raises(ServiceError, match="no longer matches the fingerprint"):
        wet_ink(network, version, waiting.partner, secretary.user)


def test_certificate_shows_the_hash_of_every_signature_and_decline(network, parties, signatories, secretary):
    mou, records, _ = answered(network, parties, signatories, secretary)
    text_of_pdf = pdf_text(pdfs.version_pdf(network, current(mou))).replace("\n", "").replace(" ", "")
    assert "IntegritycheckwhenthisPDFwasgenerated,ofthecontentandof3signatureanddeclinerecords:passed" in text_of_pdf
    for record in records:
        assert f"Recordfingerprint:{record.record_hash}" in text_of_pdf


# ---------------------------------------------------------------- wet ink

def wet_ink(network, version, partner, actor, data=PNG, filename="signed.png", **kw):
    values = {"partner_id": partner.id, "signatory_name": "Jo Bloggs", "signatory_title": "Director",
              "signed_on": date.today(), "upload": upload(data, filename), "actor": actor,
              "ip_address": "10.0.0.1", "user_agent": "pytest"}
    values.update(kw)
    return signing.record_wet_ink_signature(network, version, **values)


def test_wet_ink_signature_is_stored_with_its_scan(network, issued, parties, secretary, signatories):
    version = current(issued)
    signature = wet_ink(network, version, parties[1], secretary.user, data=PDF, filename="scan.PDF")
    assert signature.is_wet_ink and signature.evidence_mime == "application/pdf"
    assert signature.evidence_filename == "scan.pdf" and signature.evidence_size == len(PDF)
    assert signature.recorded_by_id == secretary.user_id and signature.user_id is None
    sign(network, version, signatories[0])
    assert issued.status == MouStatus.EXECUTED
    db.session.commit()
    assert signing.load_evidence(signature.id).evidence == PDF


@pytest.mark.parametrize("data, filename, message", [
    (b"just some text, not a scan", "signed.pdf", "must be a PDF, PNG or JPEG"),
    (b"GIF89a" + b"\x00" * 10, "signed.png", "must be a PDF, PNG or JPEG"),
    (b"", "signed.pdf", "The selected file is empty"),
    (PNG + b"\x00" * (5 * 1024 * 1024), "big.png", "must be smaller than 5 MB"),
], ids=["text", "gif", "empty", "too-big"])
def test_wet_ink_scan_type_and_size_are_checked(network, issued, parties, secretary, data, filename, message):
    with pytest.raises(ServiceError, match=message) as error:
        wet_ink(network, current(issued), parties[0], secretary.user, data=data, filename=filename)
    assert error.value.field == "evidence"


def test_wet_ink_date_and_party_are_checked(network, issued, parties, secretary):
    version = current(issued)
    with pytest.raises(ServiceError, match="between the date the version was issued and today"):
        wet_ink(network, version, parties[0], secretary.user, signed_on=date.today() + timedelta(days=1))
    outsider = factories.make_partner(network)
    with pytest.raises(ServiceError, match="Choose a party to this version"):
        wet_ink(network, version, outsider, secretary.user)


# ---------------------------------------------------------------- documents and lists

def test_draft_pdf_is_watermarked(app, network, issued):
    text_of_pdf = pdf_text(pdfs.draft_pdf(network, issued))
    assert "DRAFT" in text_of_pdf and "Frailty service MOU" in text_of_pdf


def test_version_pdf_before_execution_lists_what_has_happened(network, issued, signatories):
    version = current(issued)
    sign(network, version, signatories[0], full_name="Dr Helen Marsh")
    text_of_pdf = pdf_text(pdfs.version_pdf(network, version))
    assert "Dr Helen Marsh" in text_of_pdf and "Not yet signed" in text_of_pdf
    assert "DRAFT" not in text_of_pdf


def test_awaiting_signature_lists_only_unanswered_current_versions(network, issued, signatories, parties):
    other = factories.make_mou(network, list(parties), issued=True, title="Second MOU")
    query = services.awaiting_signature_query(signatories[0])
    assert {v.mou_id for v in db.session.execute(query).scalars()} == {issued.id, other.id}
    sign(network, current(issued), signatories[0])
    assert [v.mou_id for v in db.session.execute(query).scalars()] == [other.id]
    board_member = factories.make_member(network, "board_member")
    assert db.session.execute(services.awaiting_signature_query(board_member)).first() is None


def test_reminders_list_who_has_not_signed_and_for_how_long(network, issued, signatories):
    sign(network, current(issued), signatories[0])
    mous = db.session.execute(reminders.reminders_query()).scalars().all()
    rows = reminders.outstanding_parties(mous)
    assert [(r.party.name, r.days) for r in rows] == [("Riverside Community Trust", 0)]
    assert rows[0].signatories[0].id == signatories[1].id


def test_mous_for_partner_shows_where_each_stands(network, issued, signatories, parties):
    draft = factories.make_mou(network, list(parties), title="Draft only")
    sign(network, current(issued), signatories[0])
    rows = pages.mous_for_partner(parties[0].id)
    assert [(r.mou.title, r.label.split(" on ")[0]) for r in rows] == [("Frailty service MOU",
                                                                         "Signed version 1")]
    rows = {r.mou.id: r.label for r in pages.mous_for_partner(parties[1].id, include_drafts=True)}
    assert rows[issued.id].startswith("Version 1 awaiting signature since")
    assert rows[draft.id] == "Draft, not yet issued"


# ---------------------------------------------------------------- comments

def test_invited_members_read_and_comment_and_comments_resolve(network, parties, secretary):
    mou = factories.make_mou(network, list(parties))
    reader = factories.make_member(network, "board_member")
    assert not access.can_read_draft(mou, reader) and not access.can_see(mou, reader)
    comments.invite_commenter(mou, reader.id, secretary.user)
    assert access.can_read_draft(mou, reader) and access.can_comment(mou, reader)
    comment = comments.add_comment(mou, mou.clauses[2], "Please add the weekend hours.", reader)
    assert comment.is_open and comment.clause_heading == mou.clauses[2].heading
    someone = factories.make_member(network, "board_member")
    with pytest.raises(ServiceError, match="Only the board secretary or the comment's author"):
        comments.set_comment_resolved(comment, True, someone)
    comments.set_comment_resolved(comment, True, secretary)
    assert not comment.is_open and comment.resolved_by_id == secretary.user_id
    with pytest.raises(ServiceError, match="Choose members who can comment"):
        comments.invite_commenter(mou, reader.id, secretary.user)


def test_observers_cannot_be_invited_to_comment(network, parties, secretary):
    mou = factories.make_mou(network, list(parties))
    observer = factories.make_member(network, "observer")
    with pytest.raises(ServiceError, match="Choose members who can comment"):
        comments.invite_commenter(mou, observer.id, secretary.user)


def test_issued_document_is_archived_once(network, issued, signatories):
    for member in signatories:
        sign(network, current(issued), member)
    count = db.session.execute(select(IssuedDocument).where(IssuedDocument.kind == "mou_executed")).all()
    assert len(count) == 1


# ---------------------------------------------------------------- review: odd input, races, documents

HUGE = 10**30  # no database integer column holds it


def test_ids_no_database_can_hold_are_treated_as_unknown(network, issued, parties, secretary):
    assert services.get_version(issued, HUGE) is None and services.get_version(issued, -1) is None
    assert signing.load_evidence(HUGE) is None and signing.load_evidence("x") is None
    base = {"title": "T", "purpose": "P", "start_date": date(2027, 4, 1), "end_date": date(2028, 3, 31),
            "end_date_kind": "end"}
    with pytest.raises(ServiceError, match="Choose parties from this network's partners"):
        services.create_mou(network, {**base, "parties": [parties[0].id, HUGE]}, secretary.user)
    with pytest.raises(ServiceError, match="Choose an MOU of this network"):
        services.create_mou(network, {**base, "parties": [p.id for p in parties], "varies_id": HUGE},
                            secretary.user)
    with pytest.raises(ServiceError, match="Choose members who can comment"):
        comments.invite_commenter(issued, HUGE, secretary.user)


def test_control_characters_are_removed_before_saving_and_hashing():
    assert mou_text.normalise_line("Frailty\x00 MOU\x1b") == "Frailty MOU"
    assert mou_text.normalise_text("a\x00b\r\n\tc\x7f") == "ab\n\tc"


def test_a_signature_made_meanwhile_by_another_party_still_executes(network, issued, signatories):
    """Two parties signing at the same moment: the second to commit sees the first and executes."""
    version = current(issued)
    assert version.signatures == []  # loaded, as the sign page had it
    trust = signatories[1]
    values = dict(
        network_id=network.id, version_id=version.id, partner_id=trust.partner_id, method="electronic",
        user_id=trust.user_id, recorded_by_id=trust.user_id, signatory_name="Mark Ellison",
        signatory_title="Director", signed_at=datetime.now(UTC), ip_address="203.0.113.8", user_agent="",
        version_hash=version.content_hash, evidence_filename="", evidence_mime="", evidence_size=0,
        evidence_sha256="", answer_kind="signature", account_name="", account_email="")
    db.session.execute(MouAnswer.__table__.insert().values(
        network_id=network.id, version_id=version.id, partner_id=trust.partner_id, kind="signature",
        answered_at=datetime.now(UTC)))
    db.session.execute(MouSignature.__table__.insert().values(
        **values, record_hash=versions.record_hash(MouSignature(**values))))
    sign(network, version, signatories[0])
    assert issued.status == MouStatus.EXECUTED
    assert pdfs.executed_document(version) is not None


def test_a_party_that_answered_meanwhile_cannot_answer_again(network, issued, signatories):
    version = current(issued)
    assert version.declines == []
    member = signatories[0]
    values = dict(
        network_id=network.id, version_id=version.id, partner_id=member.partner_id, user_id=member.user_id,
        reason="No", declined_at=datetime.now(UTC), ip_address="203.0.113.8", user_agent="",
        version_hash=version.content_hash, answer_kind="decline")
    db.session.execute(MouAnswer.__table__.insert().values(
        network_id=network.id, version_id=version.id, partner_id=member.partner_id, kind="decline",
        answered_at=datetime.now(UTC)))
    db.session.execute(MouDecline.__table__.insert().values(
        **values, record_hash=versions.record_hash(MouDecline(**values))))
    with pytest.raises(ServiceError, match="declined version 1"):
        sign(network, version, member)


def test_wet_ink_is_refused_for_a_tampered_version(network, issued, parties, secretary):
    version = current(issued)
    factories.drop_append_only_guard("mou_versions")
    db.session.execute(text("UPDATE mou_versions SET purpose = 'Changed' WHERE id = :id"), {"id": version.id})
    db.session.expire_all()
    version = current(issued)
    with pytest.raises(ServiceError, match="no longer matches the fingerprint"):
        wet_ink(network, version, parties[0], secretary.user)


def test_certificate_times_are_uk_time_with_their_offset_from_utc(network, issued, signatories):
    version = current(issued)
    sign(network, version, signatories[0])
    events = pdfs.certificate_events(version)
    at = version.issued_at.astimezone(UTC)  # November: UK time is UTC
    assert events[0].when == f"{at.day} {at:%B %Y}, {at:%H:%M:%S} GMT (UTC+00:00)"
    assert events[0].when in pdf_text(pdfs.version_pdf(network, version)).replace("\n", " ")
    assert pdfs.uk_time(datetime(2026, 7, 1, 9, 15, 2, tzinfo=UTC)) == "1 July 2026, 10:15:02 BST (UTC+01:00)"


def test_comments_close_when_the_mou_ends_and_resolving_twice_keeps_the_first(network, parties, secretary):
    mou = factories.make_mou(network, list(parties))
    comment = comments.add_comment(mou, mou.clauses[0], "A point", secretary)
    comments.set_comment_resolved(comment, True, secretary)
    first = comment.resolved_at
    other = factories.make_member(network, "network_admin")
    comments.set_comment_resolved(comment, True, other)
    assert comment.resolved_at == first and comment.resolved_by_id == secretary.user_id
    services.end_mou(mou, "terminated", "Service decommissioned", secretary.user)
    with pytest.raises(ServiceError, match="closed for comments"):
        comments.add_comment(mou, mou.clauses[0], "Too late", secretary)


def test_diff_groups_a_changed_phrase():
    html = str(mou_text.diff_text("Staff work across partners today.", "Staff are seconded today."))
    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    assert "work across partners " in html and "are seconded " in html


def test_emails_link_to_the_page_to_sign_or_comment_on(smtp_server, network, parties, signatories, secretary):
    mou = factories.make_mou(network, list(parties), issued=True, actor=secretary.user)
    sign_link = f"/n/{network.slug}/mous/{mou.id}/versions/1/sign"
    assert smtp_server == []  # nothing leaves before the transaction commits
    db.session.commit()
    assert len(smtp_server) == 2 and all(sign_link.encode() in m.content for m in smtp_server)
    draft = factories.make_mou(network, list(parties))
    comments.invite_commenter(draft, factories.make_member(network, "board_member").id, secretary.user)
    db.session.commit()
    assert f"/n/{network.slug}/mous/{draft.id}/draft".encode() in smtp_server[-1].content


def test_a_declined_version_can_be_issued_again_unchanged(network, issued, signatories, secretary):
    signing.decline_mou_version(current(issued), signatories[0], "Signed by mistake? No: declined by mistake.",
                                 ip_address="1.2.3.4", user_agent="x")
    second = services.issue_version(network, issued, secretary.user, "127.0.0.1")
    assert second.number == 2 and versions.version_content(second) == versions.version_content(
        services.get_version(issued, 1))
    for member in signatories:
        sign(network, second, member)
    assert issued.status == MouStatus.EXECUTED
    with pytest.raises(ServiceError, match="Nothing has changed since version 2"):
        services.issue_version(network, issued, secretary.user, "127.0.0.1")


def test_placeholders_are_square_brackets_but_not_markdown_links():
    from governance.mous.text import placeholders

    body = "Meets [quarterly]; see [the guidance](https://www.england.nhs.uk/) and [describe the rule]."
    assert placeholders(body) == ["quarterly", "describe the rule"]
    assert placeholders("No placeholders here.") == []



# ---------------------------------------------------------------- issue 9: an executed MOU stays in force

def execute(network, mou, signatories, number=None):
    version = services.get_version(mou, number or mou.issued_count)
    for member in signatories:
        sign(network, version, member)
    db.session.commit()
    return version


def test_an_executed_version_stays_in_force_until_its_successor_is_executed(network, issued, signatories,
                                                                           secretary):
    execute(network, issued, signatories)
    services.add_clause(issued, "Safeguarding", "Each partner follows its own policy.")
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    db.session.commit()
    first, second = services.get_version(issued, 1), services.get_version(issued, 2)
    assert issued.in_force_number == 1 and first.is_in_force
    assert first.status == MouStatus.EXECUTED and second.status == MouStatus.OUT_FOR_SIGNATURE
    assert issued.effective_status == MouStatus.EXECUTED
    assert pages.standing(issued) == "In force: version 1 (executed 23 November 2026); version 2 awaiting signatures"
    partner_label = pages.mous_for_partner(signatories[0].partner_id)[0].label
    assert partner_label.startswith("In force: version 1, executed 23 November 2026. Version 2 awaiting signature")

    execute(network, issued, signatories, 2)
    first = services.get_version(issued, 1)
    assert issued.in_force_number == 2 and first.status == MouStatus.SUPERSEDED
    assert pages.standing(issued) == "In force: version 2 (executed 23 November 2026)"


def test_a_clause_with_no_text_cannot_be_issued(network, parties, secretary):
    mou = factories.make_mou(network, list(parties))
    scope = next(c for c in mou.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "  \n "}, scope.version)
    services.add_clause(mou, "Safeguarding", "")
    with pytest.raises(ServiceError) as refused:
        services.issue_version(network, mou, secretary.user, "127.0.0.1")
    messages = [p.message for p in refused.value.problems]
    assert messages == [f'The clause "{heading}" has no text. Write its text or remove the clause before issuing'
                        for heading in ("Scope of services", "Safeguarding")]
    assert mou.issued_count == 0


def test_a_clause_added_from_the_library_keeps_its_key(network, parties):
    mou = factories.make_mou(network, list(parties))
    services.delete_clause(next(c for c in mou.clauses if c.key == "conflicts"))
    assert services.library_choices(mou) == [("conflicts", "Conflicts of interest")]
    library = services.library_clause("conflicts")
    added = services.add_clause(mou, library.heading, library.body, "conflicts")
    assert added.key == "conflicts" and services.library_choices(mou) == []
    again = services.add_clause(mou, library.heading, library.body, "conflicts")
    assert again.key != "conflicts"  # a key follows one clause only
    assert services.add_clause(mou, "Mine", "Text", "not-in-the-library").key not in {c.key for c in LIBRARY}


# ---------------------------------------------------------------- variations

def test_variations_are_numbered_titled_and_say_what_they_vary(network, issued, parties, signatories, secretary):
    execute(network, issued, signatories)
    first = factories.make_mou(network, list(parties), issued=True, actor=secretary.user, title="weekend cover",
                               varies_id=issued.id)
    second = factories.make_mou(network, list(parties), title="bank holidays", varies_id=issued.id)
    assert (first.variation_number, second.variation_number) == (1, 2)
    assert first.full_title == "Frailty service MOU — variation 1: weekend cover"
    version = current(first)
    assert str(version) == "Frailty service MOU — variation 1: weekend cover, version 1"
    assert [m.id for m in services.variations_of(issued, include_drafts=True)] == [first.id, second.id]
    assert [m.id for m in services.variations_of(issued, include_drafts=False)] == [first.id]
    text_of_pdf = pdf_text(pdfs.version_pdf(network, version)).replace("\n", " ")
    assert "This is variation 1 of Frailty service MOU (version 1, executed 23 November 2026)." in text_of_pdf
    with pytest.raises(ServiceError, match="not a variation"):
        factories.make_mou(network, list(parties), title="x", varies_id=first.id)


# ---------------------------------------------------------------- commenting

def test_several_members_are_invited_at_once_with_a_deadline_and_can_be_withdrawn(network, parties, secretary,
                                                                                  frozen_clock):
    mou = factories.make_mou(network, list(parties))
    readers = [factories.make_member(network, "board_member") for _ in range(2)]
    invitations = comments.invite_commenters(mou, [r.id for r in readers], secretary.user,
                                             due_on=date(2026, 11, 30))
    assert len(invitations) == 2 and mou.comments_due_on == date(2026, 11, 30)
    mails = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "mou_comment_invitation"))
    assert all("Please comment by 30 November 2026" in m.body for m in mails.scalars())
    assert all(access.can_comment(mou, r) for r in readers)
    comments.withdraw_invitation(invitations[0])
    assert not access.can_read_draft(mou, readers[0]) and access.can_read_draft(mou, readers[1])
    with pytest.raises(ServiceError, match="today or in the future"):
        comments.set_comment_deadline(mou, date(2026, 11, 1))

    frozen_clock.shift(timedelta(days=8))  # 1 December: comments have closed
    assert not access.can_comment(mou, readers[1]) and access.can_comment(mou, secretary)
    with pytest.raises(ServiceError, match="Comments on this draft closed on 30 November 2026"):
        comments.add_comment(mou, mou.clauses[0], "Late", readers[1])
    assert comments.add_comment(mou, mou.clauses[0], "A drafter's note", secretary).body == "A drafter's note"


def test_replies_thread_under_the_comment(network, parties, secretary):
    mou = factories.make_mou(network, list(parties))
    reader = factories.make_member(network, "board_member")
    comments.invite_commenters(mou, [reader.id], secretary.user)
    question = comments.add_comment(mou, mou.clauses[1], "Which hours?", reader)
    answer = comments.add_comment(mou, mou.clauses[1], "Nine to five.", secretary, reply_to=question)
    again = comments.add_comment(mou, mou.clauses[1], "Thanks.", reader, reply_to=answer)
    assert answer.reply_to_id == again.reply_to_id == question.id
    with pytest.raises(ServiceError, match="Enter your reply"):
        comments.add_comment(mou, mou.clauses[1], " ", reader, reply_to=question)
    with pytest.raises(ServiceError, match="not part of this MOU"):
        comments.add_comment(mou, mou.clauses[2], "Wrong clause", reader, reply_to=question)
    db.session.commit()
    view = pages.draft_page(services.load_draft(mou.id), reader)
    [thread] = view.clauses[1].threads
    assert thread.comment.id == question.id and [r.id for r in thread.replies] == [answer.id, again.id]
    assert thread.can_resolve and comments.count_open_comments(mou) == 1


# ---------------------------------------------------------------- reminders

def test_reminders_flag_a_party_with_no_signatory_and_remind_each_party_once_a_day(network, parties, signatories,
                                                                                 secretary, frozen_clock):
    nobody = factories.make_partner(network, name="Riverside Hospice")
    mou = factories.make_mou(network, [*parties, nobody], issued=True, actor=secretary.user)
    db.session.commit()
    sent = reminders.send_reminders(network, mou, secretary.user)
    assert (sent.emails, sorted(sent.parties)) == (2, ["Riverside Community Trust", "Riverside Medical Centre"])
    assert sent.not_reminded == ["Riverside Hospice: no authorised signatory is recorded. Ask a network admin to "
                                 "record one, or record a wet-ink signature"]
    assert "Not reminded: Riverside Hospice: no authorised signatory" in sent.message
    rows = {r.party.name: r for r in reminders.outstanding_parties([mou])}
    assert rows["Riverside Hospice"].problem and rows["Riverside Medical Centre"].last_reminded == date(2026, 11, 23)
    db.session.commit()

    with pytest.raises(ServiceError, match="No reminder was sent.*already reminded today"):
        reminders.send_reminders(network, mou, secretary.user)
    db.session.rollback()
    frozen_clock.shift(timedelta(days=1))
    assert reminders.send_reminders(network, mou, secretary.user).emails == 2
    assert db.session.execute(select(func.count(MouReminder.id))).scalar_one() == 4


# ---------------------------------------------------------------- signatures tied to people

def test_a_signature_keeps_the_accounts_own_name_and_email_beside_what_was_typed(network, issued, signatories):
    member = signatories[0]
    with pytest.raises(ServiceError, match=f"not the name on your Accord account, {member.user.full_name}"):
        sign(network, current(issued), member, full_name="Mickey Mouse", different_name=False)
    db.session.rollback()
    signature = sign(network, current(issued), member, full_name="Mickey Mouse", job_title="Chief Mouse")
    assert (signature.account_name, signature.account_email) == (member.user.full_name, member.user.email)
    assert signature.name_differs and "re-entered their password" in signature.identity_check
    assert versions.record_content(signature)["account"] == {"name": member.user.full_name,
                                                              "email": member.user.email}
    same = sign(network, current(issued), signatories[1], full_name=signatories[1].user.full_name.upper() + " ",
                different_name=False)  # case and spacing are not another name
    assert not same.name_differs
    db.session.commit()
    tamper("UPDATE mou_signatures SET account_email = 'someone@else.example' WHERE id = :id", id=signature.id)
    assert not versions.verify(current(issued))


def test_the_certificate_names_who_completed_it_in_plain_words(network, parties, signatories, secretary):
    mou = factories.make_mou(network, list(parties), issued=True, actor=secretary.user)
    sign(network, current(mou), signatories[0], full_name="Mickey Mouse", job_title="Chief Mouse")
    wet_ink(network, current(mou), parties[1], secretary.user)  # the last signature, on paper
    db.session.commit()
    version = current(mou)
    executed = pdfs.certificate_events(version)[-1]
    assert executed.event == "Executed: every party signed" and executed.person == secretary.user.full_name
    assert executed.detail.startswith(f"{secretary.user.full_name} recorded the last signature, made on paper")
    text_of_pdf = pdf_text(pdfs.executed_document(version, with_pdf=True).pdf).replace("\n", " ")
    account = signatories[0].user
    assert f"Mickey Mouse, Chief Mouse (Accord account: {account.full_name}, {account.email})" in text_of_pdf
    assert "The typed name is not the account's name" in text_of_pdf
    assert "sorted-key JSON" not in text_of_pdf and not re.search(r"\d\d:\d\d:\d\d UTC", text_of_pdf)
    assert "GMT (UTC+00:00)" in text_of_pdf and "Times are UK time" in text_of_pdf


def test_the_executed_pdf_has_the_wet_ink_scans_and_goes_to_everyone(network, parties, signatories, secretary,
                                                                     smtp_server):
    hospice = factories.make_partner(network, name="Riverside Hospice")
    mou = factories.make_mou(network, [*parties, hospice], issued=True, actor=secretary.user)
    wet_ink(network, current(mou), hospice, secretary.user, data=pdf(pages=2), filename="signed.pdf")
    wet_ink(network, current(mou), parties[1], secretary.user, data=PNG, filename="signed.png")
    sign(network, current(mou), signatories[0])  # the last signature: executed, mail queued, not yet sent
    version = current(mou)
    document = pdfs.executed_document(version, with_pdf=True)
    bare = len(pypdf.PdfReader(io.BytesIO(pdfs.version_pdf(network, version))).pages)
    merged = pypdf.PdfReader(io.BytesIO(document.pdf))
    assert len(merged.pages) == bare + 3  # two pages of the PDF scan, one for the PNG
    assert "Signed page for Riverside Community Trust: Jo Bloggs" in merged.pages[-1].extract_text()

    mails = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "mou_executed")).scalars().all()
    expected = {signatories[0].user.email, signatories[1].user.email, secretary.user.email}
    assert {m.to_address for m in mails} == expected
    for mail in mails:
        [attachment] = mail.attachments
        assert (attachment.filename, attachment.mime_type) == (f"mou-{mou.id}-version-1-executed.pdf",
                                                               "application/pdf")
        assert attachment.content == document.pdf
        assert "It was executed on 23 November 2026 and is now the version in force" in mail.body
    db.session.commit()  # sent once the transaction commits
    delivered = [m for m in smtp_server if b"MOU executed" in m.content]
    assert len(delivered) == 3
    assert all(b'filename="mou-' in m.content and b"application/pdf" in m.content for m in delivered)


@pytest.mark.parametrize("active", [{"javascript": "app.alert(1)"}, {"open_action": True}, {"page_action": True},
                                    {"attachment": b"MZ"}, {"launch": True}],
                         ids=["javascript", "open-action", "page-action", "embedded-file", "launch"])
def test_a_wet_ink_pdf_with_active_content_is_refused(network, issued, parties, secretary, active):
    with pytest.raises(ServiceError, match="contains scripts, automatic actions or embedded files") as refused:
        wet_ink(network, current(issued), parties[0], secretary.user, data=pdf(**active), filename="scan.pdf")
    assert refused.value.field == "evidence"


def test_a_wet_ink_pdf_is_read_not_grepped(network, issued, parties, secretary):
    """Names written with #-escapes (/Open#41ction) are still found; a broken file is refused by name."""
    disguised = pdf(open_action=True).replace(b"/OpenAction", b"/Open#41ction").replace(b"/JS ", b"/J#53 ")
    assert b"/OpenAction" not in disguised
    with pytest.raises(ServiceError, match="contains scripts"):
        wet_ink(network, current(issued), parties[0], secretary.user, data=disguised, filename="scan.pdf")
    with pytest.raises(ServiceError, match="could not be read"):
        wet_ink(network, current(issued), parties[0], secretary.user, data=b"%PDF-1.7\nnot really",
                filename="scan.pdf")


# ---------------------------------------------------------------- readers see what was issued

def test_readers_see_only_what_was_issued(network, issued, parties, signatories):
    newcomer = factories.make_partner(network, name="Northgate Pharmacy")
    services.update_mou(issued, {"title": "Renamed in draft", "purpose": "P", "start_date": date(2027, 1, 1),
                                 "end_date": date(2030, 1, 1), "end_date_kind": "end",
                                 "parties": [p.id for p in (*parties, newcomer)]}, issued.version)
    db.session.commit()
    reader = factories.make_member(network, "board_member")
    [row] = pages.mou_rows(db.session.execute(services.mous_query(reader)).scalars().all())
    assert row.title == "Frailty service MOU" and "Northgate Pharmacy" not in row.parties
    assert row.term == "1 April 2026 to 31 March 2028"
    view = pages.overview(issued, reader)
    assert view.title == "Frailty service MOU" and not view.can_read_draft
    assert [p.name for p in view.details.parties] == ["Riverside Community Trust", "Riverside Medical Centre"]
    assert pages.mous_for_partner(newcomer.id) == []
    assert [r.mou.id for r in pages.mous_for_partner(newcomer.id, include_drafts=True)] == [issued.id]
    assert services.comparison(issued, services.versions_of(issued), None, None, include_draft=False) is None


# ---------------------------------------------------------------- the word diff: rendered, bounded, cached

def test_compare_shows_the_text_people_read_not_markdown(network, issued, secretary):
    scope = next(c for c in issued.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "Covers **frailty** care.\n\n- weekdays\n- "
                                   "[weekends](https://www.nhs.uk)"}, scope.version)
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    result = services.comparison(issued, services.versions_of(issued), "1", "2", include_draft=False)
    body = str(next(c for c in result["clauses"] if c.change == "changed").body)
    assert "frailty" in body and "• weekends" in body
    assert "**" not in body and "](" not in body and "- weekdays" not in body


def test_the_worst_case_clause_is_shown_as_replaced_and_the_frozen_comparison_is_kept(network, issued, secretary):
    scope = next(c for c in issued.clauses if c.key == "scope")
    words = ("care", "team", "plan")
    regular = " ".join(words[i % 3] for i in range(1040))  # 5,200 characters of a repeating pattern
    services.update_clause(scope, {"heading": scope.heading, "body": regular}, scope.version)
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    changed = " ".join(("role" if i % 3 == 1 else words[i % 3]) for i in range(1040))
    services.update_clause(scope, {"heading": scope.heading, "body": changed}, scope.version)
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    assert len(regular) == 5_199

    versions_ = services.versions_of(issued)
    result = services.comparison(issued, versions_, "2", "3", include_draft=False)
    clause = next(c for c in result["clauses"] if c.change == "changed")
    assert not clause.word_by_word and result["replaced"] == 1
    assert str(clause.body).count("<del>") == 1 and str(clause.body).count("<ins>") == 1
    assert regular in str(clause.body) and changed in str(clause.body)
    again = services.comparison(issued, versions_, "2", "3", include_draft=False)
    assert again["clauses"] is result["clauses"]  # two frozen versions: compared once, then kept


def test_the_word_diff_gives_up_past_its_budget_whatever_the_input():
    budget = mou_text.Budget(5_000)
    html, word_by_word = mou_text.diff_text_checked("a b " * 3000, "b a " * 3000, budget)
    assert not word_by_word and str(html).startswith("<del>")
    assert mou_text.diff_text_checked("one two", "one three", mou_text.Budget(5_000))[1]


# ---------------------------------------------------------------- links stay inside a network

def test_every_link_between_mou_records_carries_the_network(app):
    scoped = {mapper.local_table.name for mapper in db.Model.registry.mappers
              if issubclass(mapper.class_, NetworkScoped)}
    tables = [t for name, t in db.metadata.tables.items() if name.startswith("mou")]
    assert "mou_parties" in {t.name for t in tables}
    for table in tables:
        for constraint in table.foreign_key_constraints:
            target = constraint.referred_table.name
            if target in scoped:
                assert "network_id" in constraint.column_keys and len(constraint.column_keys) >= 2, (
                    f"{table.name}.{constraint.column_keys} -> {target} does not carry the network")


def test_the_database_refuses_a_link_to_another_networks_record(network, issued, parties):
    other = factories.make_network()
    tenancy.activate(other.id)
    stranger = factories.make_partner(other, name="Elsewhere Surgery")
    tenancy.activate(network.id)
    db.session.commit()
    version = current(issued)
    attempts = [
        lambda: db.session.add(MouVersionParty(network_id=network.id, version_id=version.id, partner_id=stranger.id,
                                               position=9, name="Elsewhere", ods_code="")),
        lambda: db.session.execute(mou_parties.insert().values(mou_id=issued.id, partner_id=stranger.id,
                                                               network_id=network.id)),
        lambda: db.session.add(MouClause(network_id=other.id, mou_id=issued.id, key="x", position=99, heading="x",
                                         body="")),
    ]
    for attempt in attempts:
        tenancy.activate(None)  # past the ORM's guard, as a direct writer would be
        with pytest.raises(IntegrityError):
            attempt()
            db.session.flush()
        db.session.rollback()
    tenancy.activate(network.id)


# ---------------------------------------------------------------- the governance ledger

def test_issue_signatures_declines_and_the_executed_pdf_go_on_the_ledger(network, parties, signatories, secretary):
    mou, (signature, scan, decline), _ = answered(network, parties, signatories, secretary)
    events = [(e.event, e.subject_type, e.subject_id) for e in db.session.execute(
        select(ledger.LedgerEntry).order_by(ledger.LedgerEntry.sequence)).scalars()]
    version = current(mou)
    assert events == [("mou.version_issued", "MouVersion", version.id), ("mou.signed", "MouSignature", signature.id),
                      ("mou.signed", "MouSignature", scan.id), ("mou.declined", "MouDecline", decline.id)]
    entry = ledger.head(network.id)
    assert entry.content["record_hash"] == decline.record_hash == entry.content["worked_out_hash"]
    assert ledger.verify(network.id).ok


def test_the_executed_pdf_prints_the_ledger_head_when_it_was_executed(network, issued, signatories):
    version = current(issued)
    for member in signatories:
        sign(network, version, member)
    db.session.commit()
    last_signature = ledger.head(network.id)  # the executed document's own entry comes after
    assert last_signature.event == "document.issued"
    entries = db.session.execute(select(ledger.LedgerEntry).order_by(ledger.LedgerEntry.sequence)).scalars().all()
    before = entries[-2]
    assert before.event == "mou.signed"
    printed = pdf_text(pdfs.executed_document(version, with_pdf=True).pdf).replace("\n", "")
    assert f"entry {before.sequence}" in printed and before.entry_hash in printed


def test_a_version_changed_in_the_database_is_caught_by_the_ledger(network, issued):
    version = current(issued)
    db.session.commit()
    tamper("UPDATE mou_versions SET title = 'Another title' WHERE id = :v", v=version.id)
    result = ledger.verify(network.id)
    assert not result.ok and (result.broken.subject_type, result.broken.subject_id) == ("MouVersion", version.id)


def test_the_network_chooser_counts_mous_awaiting_the_signatory(network, issued, signatories):
    from governance.networks.services import awaiting_in_networks

    other = factories.make_network(slug="elsewhere")
    db.session.flush()
    tenancy.activate(None)
    elsewhere = factories.make_member(other, "board_member", user=signatories[0].user)
    waiting = awaiting_in_networks([signatories[0], signatories[1], elsewhere])
    assert waiting[signatories[0].id] == ["1 MOU awaiting your signature"] and waiting[elsewhere.id] == []
    tenancy.activate(network.id)
    sign(network, current(issued), signatories[0])
    db.session.flush()
    tenancy.activate(None)
    assert awaiting_in_networks([signatories[0], signatories[1]]) == {
        signatories[0].id: [], signatories[1].id: ["1 MOU awaiting your signature"]}
