"""MOU documents: draft and version PDFs, the signing certificate, and the archived executed PDF."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import undefer

from governance.auth.models import User
from governance.core.formatting import format_date
from governance.core.pdf import render_pdf
from governance.documents.models import IssuedDocument
from governance.documents.services import archive_document
from governance.extensions import db
from governance.mous.models import Mou, MouSignature, MouVersion
from governance.mous.versions import Integrity, integrity
from governance.networks.models import Network

EXECUTED_KIND = "mou_executed"


@dataclass
class CertificateEvent:
    at: datetime
    event: str
    person: str
    ip_address: str
    detail: str
    sha256: str
    record_hash: str = ""  # of the signature or decline itself; none for issuing and executing
    record_ok: bool = True

    @property
    def when(self) -> str:
        """The time in UTC to the second, the date written out: `22 November 2026, 11:46:52 UTC`."""
        utc = self.at.astimezone(UTC)
        return f"{format_date(utc.date())}, {utc:%H:%M:%S} UTC"


def _signature_event(s: MouSignature, party: str, ok: bool) -> CertificateEvent:
    if s.is_wet_ink:
        recorder = s.recorded_by.full_name if s.recorded_by else "System"
        detail = (f"Wet-ink signature dated {format_date(s.signed_on)}, recorded by {recorder}; "
                  f"scan SHA-256 {s.evidence_sha256}")
    else:
        detail = f"Signed electronically; user agent: {s.user_agent or 'not given'}"
    return CertificateEvent(s.signed_at, f"Signed for {party}", f"{s.signatory_name}, {s.signatory_title}",
                            s.ip_address, detail, s.version_hash, s.record_hash, ok)


def certificate_events(version: MouVersion, check: Integrity | None = None) -> list[CertificateEvent]:
    """Every event in a version's signing, in time order, for the signing certificate."""
    check = check or integrity(version)
    failed = {c.record for c in check.failed_records}
    issuer = version.issued_by.full_name if version.issued_by else "System"
    events = [CertificateEvent(version.issued_at, "Issued for signature", issuer, version.issued_ip,
                               f"Version {version.number}", version.content_hash)]
    names = {p.partner_id: p.name for p in version.parties}
    events += [_signature_event(s, names.get(s.partner_id, ""), s not in failed) for s in version.signatures]
    events += [CertificateEvent(d.declined_at, f"Declined for {names.get(d.partner_id, '')}", d.user.full_name,
                                d.ip_address, f"Reason: {d.reason}", d.version_hash, d.record_hash, d not in failed)
               for d in version.declines]
    events.sort(key=lambda e: e.at)
    if version.is_executed:
        last = events[-1]
        events.append(CertificateEvent(max(s.signed_at for s in version.signatures), "Executed: every party signed",
                                       last.person, last.ip_address, "", version.content_hash))
    return events


def version_pdf(network: Network, version: MouVersion) -> bytes:
    """An issued version as PDF, with its signature page and the signing certificate so far."""
    check = integrity(version)
    return render_pdf("mous/pdf/version.html", title=f"{version.title}: version {version.number}",
                      network_name=network.name, draft=False, version=version, mou=version.mou,
                      clauses=version.rendered_clauses, events=certificate_events(version, check),
                      integrity=check)


def draft_pdf(network: Network, mou: Mou) -> bytes:
    """The current draft as PDF, watermarked DRAFT."""
    clauses = [{"key": c.key, "heading": c.heading, "html": c.html} for c in mou.clauses]
    return render_pdf("mous/pdf/draft.html", title=f"{mou.title}: draft", network_name=network.name,
                      draft=True, mou=mou, clauses=clauses)


def archive_executed(network: Network, version: MouVersion, actor: User | None) -> IssuedDocument:
    """Archive the executed version's PDF in the documents store."""
    return archive_document(network, kind=EXECUTED_KIND, title=f"{version.title}: version {version.number} (executed)",
                            pdf=version_pdf(network, version), actor=actor, subject=version,
                            covers=f"Executed MOU, SHA-256 of content {version.content_hash}")


def executed_document(version: MouVersion, with_pdf: bool = False) -> IssuedDocument | None:
    """The archived executed PDF of a version, if it has been executed."""
    query = (select(IssuedDocument).where(IssuedDocument.kind == EXECUTED_KIND,
                                          IssuedDocument.subject_type == "MouVersion",
                                          IssuedDocument.subject_id == version.id)
             .order_by(IssuedDocument.id.desc()).limit(1))
    if with_pdf:
        query = query.options(undefer(IssuedDocument.pdf))
    return db.session.execute(query).scalar_one_or_none()


def executed_documents(versions: list[MouVersion]) -> dict[int, IssuedDocument]:
    """The archived executed PDFs of several versions, by version id, in one query."""
    ids = [v.id for v in versions]
    if not ids:
        return {}
    rows = db.session.execute(
        select(IssuedDocument).where(IssuedDocument.kind == EXECUTED_KIND,
                                     IssuedDocument.subject_type == "MouVersion",
                                     IssuedDocument.subject_id.in_(ids))
    ).scalars()
    return {doc.subject_id: doc for doc in rows}
