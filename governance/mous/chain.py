"""MOU events on the network's governance ledger: each issued version, each signature (online or in wet
ink) and each decline. What the ledger holds is read back from the stored rows on verification, with the
version's content hash and the signature's record hash worked out again, so a row changed directly in the
database (its fields or its stored hash) is caught by `flask verify-ledger` as well as by the MOU's own
integrity check; the hashes the MOU pages and the signing certificate show are the same ones, unchanged."""

import hashlib

from sqlalchemy import select

from governance.core import ledger
from governance.extensions import db
from governance.mous.models import MouDecline, MouSignature, MouVersion
from governance.mous.versions import compute_hash, record_hash


def version_content(version: MouVersion) -> dict:
    return {"mou_id": version.mou_id, "version": version.number, "title": version.title,
            "content_hash": version.content_hash, "worked_out_hash": compute_hash(version)}


def _evidence_sha256(signature_id: int) -> str:
    scan = db.session.execute(select(MouSignature.evidence).where(MouSignature.id == signature_id)).scalar()
    return hashlib.sha256(scan).hexdigest() if scan else ""


def answer_content(record: MouSignature | MouDecline) -> dict:
    content = {"version_id": record.version_id, "partner_id": record.partner_id, "record_hash": record.record_hash,
               "worked_out_hash": record_hash(record)}
    if isinstance(record, MouSignature):
        content.update(method=record.method, signatory=record.signatory_name,
                       scan_sha256=_evidence_sha256(record.id))
    return content


def record_version(version: MouVersion, actor_id: int | None) -> None:
    ledger.record(version.network_id, "mou.version_issued", "MouVersion", version.id, version_content(version),
                  summary=f"Version {version.number} of {version.title} issued for signature", actor_id=actor_id)


def record_answer(record: MouSignature | MouDecline, actor_id: int | None) -> None:
    if isinstance(record, MouDecline):
        event, subject, what = "mou.declined", "MouDecline", "declined"
    else:
        event, subject = "mou.signed", "MouSignature"
        what = "signed in wet ink" if record.is_wet_ink else "signed"
    version = db.session.get(MouVersion, record.version_id)
    party = next((p.name for p in version.parties if p.partner_id == record.partner_id), "a party")
    ledger.record(record.network_id, event, subject, record.id, answer_content(record),
                  summary=f"Version {version.number} of {version.title} {what} for {party}", actor_id=actor_id)


def _stored(model):
    def read(record_id: int) -> dict | None:
        record = db.session.get(model, record_id)
        if record is None:
            return None
        return version_content(record) if model is MouVersion else answer_content(record)
    return read


ledger.register_subject("MouVersion", _stored(MouVersion))
ledger.register_subject("MouSignature", _stored(MouSignature))
ledger.register_subject("MouDecline", _stored(MouDecline))
