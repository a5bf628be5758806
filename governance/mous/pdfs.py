"""MOU documents: draft and version PDFs, the signing certificate, and the archived executed PDF."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import undefer

from governance.auth.models import User
from governance.core import clock, ledger
from governance.core.formatting import format_date
from governance.core.pdf import render_pdf
from governance.documents.models import IssuedDocument
from governance.documents.services import archive_document
from governance.extensions import db
from governance.mous import evidence
from governance.mous.models import Mou, MouSignature, MouVersion
from governance.mous.versions import Integrity, integrity
from governance.networks.models import Network

EXECUTED_KIND = "mou_executed"


def uk_time(at: datetime) -> str:
    """A moment in UK time to the second, with its offset from UTC: `1 July 2026, 10:15:02 BST (UTC+01:00)`."""
    local = clock.local(at)
    offset = local.strftime("%z")
    return f"{format_date(local)}, {local:%H:%M:%S} {local.tzname()} (UTC{offset[:3]}:{offset[3:]})"


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
        return uk_time(self.at)


def signed_by(signature: MouSignature) -> str:
    """Who signed, in plain words: what they typed, and the account or the person who recorded it."""
    typed = f"{signature.signatory_name}, {signature.signatory_title}"
    if signature.is_wet_ink:
        return typed
    name, email = signature.account
    return f"{typed} (Accord account: {name}, {email})" if email else typed


def _signature_event(s: MouSignature, party: str, ok: bool) -> CertificateEvent:
    if s.is_wet_ink:
        recorder = s.recorded_by.full_name if s.recorded_by else "the board secretary"
        detail = (f"Signed on paper, dated {format_date(s.signed_on)}; {recorder} recorded it with a scan of the "
                  f"signed page (scan fingerprint {s.evidence_sha256}), which follows the certificate")
    else:
        detail = f"{s.identity_check}. Browser: {s.user_agent or 'not given'}"
        if s.name_differs:
            detail += ". The typed name is not the account's name"
    return CertificateEvent(s.signed_at, f"Signed for {party}", signed_by(s), s.ip_address, detail,
                            s.version_hash, s.record_hash, ok)


def _completed_by(version: MouVersion) -> tuple[MouSignature, str]:
    """The last signature, and who made it count: the signer, or for wet ink who recorded it."""
    last = max(version.signatures, key=lambda s: (s.signed_at, s.id or 0))
    if last.is_wet_ink:
        return last, last.recorded_by.full_name if last.recorded_by else "the board secretary"
    return last, last.account[0] or last.signatory_name


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
        last, person = _completed_by(version)
        how = "recorded the last signature, made on paper," if last.is_wet_ink else "made the last signature"
        events.append(CertificateEvent(last.signed_at, "Executed: every party signed", person, last.ip_address,
                                       f"{person} {how} for {names.get(last.partner_id, 'a party')}",
                                       version.content_hash))
    return events


def varies_line(mou: Mou) -> str:
    """For a variation, what it varies: 'This is variation 1 of X (version 2, executed 3 March 2026)'."""
    original = mou.varies
    if mou.varies_id is None or original is None:
        return ""
    in_force = original.in_force
    standing = (f" (version {in_force.number}, executed {format_date(in_force.executed_at)})"
                if in_force is not None and in_force.executed_at else "")
    number = f" {mou.variation_number}" if mou.variation_number else ""
    return f"This is variation{number} of {original.issued_title}{standing}."


def version_pdf(network: Network, version: MouVersion, ledger_head=None) -> bytes:
    """An issued version as PDF, with its signature page and the signing certificate so far (and, when it
    is archived as executed, the governance ledger's head at that moment)."""
    check = integrity(version)
    return render_pdf("mous/pdf/version.html", title=f"{version.title}, version {version.number}",
                      network_name=network.name, draft=False, version=version, mou=version.mou,
                      ledger_head=ledger_head,
                      clauses=version.rendered_clauses, events=certificate_events(version, check),
                      integrity=check, varies=varies_line(version.mou), uk_time=uk_time, signed_by=signed_by)


def draft_pdf(network: Network, mou: Mou) -> bytes:
    """The current draft as PDF, watermarked DRAFT."""
    clauses = [{"key": c.key, "heading": c.heading, "html": c.html} for c in mou.clauses]
    return render_pdf("mous/pdf/draft.html", title=f"{mou.full_title}: draft", network_name=network.name,
                      draft=True, mou=mou, clauses=clauses, varies=varies_line(mou))


def _scans(version: MouVersion) -> list[tuple[bytes, str, str]]:
    """The wet-ink scans of a version, oldest first, with a caption saying whose they are."""
    names = {p.partner_id: p.name for p in version.parties}
    signatures = db.session.execute(
        select(MouSignature).where(MouSignature.version_id == version.id, MouSignature.evidence_size > 0)
        .options(undefer(MouSignature.evidence)).order_by(MouSignature.signed_at, MouSignature.id)).scalars()
    return [(s.evidence, s.evidence_mime,
             f"Signed page for {names.get(s.partner_id, 'a party')}: {s.signatory_name}, dated "
             f"{format_date(s.signed_on)}; scan fingerprint (SHA-256) {s.evidence_sha256}") for s in signatures]


def archive_executed(network: Network, version: MouVersion, actor: User | None) -> IssuedDocument:
    """Archive the executed version's PDF, with every wet-ink scan appended, in the documents store."""
    pdf = evidence.with_scans(version_pdf(network, version, ledger.head(network.id)), _scans(version))
    return archive_document(network, kind=EXECUTED_KIND, title=f"{version.title}, version {version.number} (executed)",
                            pdf=pdf, actor=actor, subject=version,
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
