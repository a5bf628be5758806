"""Issued versions and their signatures: the canonical content that is hashed, and the integrity checks."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from governance.extensions import db
from governance.mous import text
from governance.mous.models import Mou, MouDecline, MouSignature, MouVersion
from governance.partners.models import Partner


def party_order(partner: Partner):
    """Parties are listed, frozen and hashed in name order."""
    return (partner.name, partner.id)


def draft_content(mou: Mou) -> dict:
    """The draft in canonical form, as it would be frozen if issued now."""
    return {
        "title": text.normalise_line(mou.full_title),
        "purpose": text.normalise_text(mou.purpose),
        "start_date": mou.start_date.isoformat(),
        "end_date": mou.end_date.isoformat(),
        "end_date_kind": mou.end_date_kind,
        "parties": [{"partner_id": p.id, "name": text.normalise_line(p.name), "ods_code": p.ods_code or ""}
                    for p in sorted(mou.parties, key=party_order)],
        "clauses": [{"key": c.key, "heading": text.normalise_line(c.heading), "body": text.normalise_text(c.body)}
                    for c in sorted(mou.clauses, key=lambda c: c.position)],
    }


def version_content(version: MouVersion) -> dict:
    """An issued version's content in canonical form, read back from what is stored."""
    return {
        "title": text.normalise_line(version.title),
        "purpose": text.normalise_text(version.purpose),
        "start_date": version.start_date.isoformat(),
        "end_date": version.end_date.isoformat(),
        "end_date_kind": version.end_date_kind,
        "parties": [{"partner_id": p.partner_id, "name": text.normalise_line(p.name), "ods_code": p.ods_code or ""}
                    for p in sorted(version.parties, key=lambda p: p.position)],
        "clauses": [{"key": c["key"], "heading": text.normalise_line(c["heading"]),
                     "body": text.normalise_text(c["body"])} for c in version.clauses],
    }


def hash_of(mou_id: int, number: int, content: dict) -> str:
    """The SHA-256 of canonical content, bound to its MOU and version number."""
    return text.content_hash({"format": text.CANONICAL_FORMAT, "mou_id": mou_id, "version": number, **content})


def compute_hash(version: MouVersion) -> str:
    """The SHA-256 of a version's content as it is stored now."""
    return hash_of(version.mou_id, version.number, version_content(version))


RECORD_FORMAT = "accord-mou-record/1"


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def record_content(record: MouSignature | MouDecline) -> dict:
    """The fields of a signature or decline that its record hash covers, in canonical form."""
    content = {"format": RECORD_FORMAT, "network_id": record.network_id, "version_id": record.version_id,
               "version_hash": record.version_hash, "partner_id": record.partner_id, "user_id": record.user_id,
               "ip_address": record.ip_address, "user_agent": record.user_agent or ""}
    if isinstance(record, MouDecline):
        return {**content, "kind": "decline", "reason": record.reason, "declined_at": _utc(record.declined_at)}
    content = {**content, "kind": record.method, "recorded_by_id": record.recorded_by_id,
               "signatory_name": record.signatory_name, "signatory_title": record.signatory_title,
               "signed_at": _utc(record.signed_at), "signed_on": record.signed_on and record.signed_on.isoformat(),
               "evidence": {"sha256": record.evidence_sha256 or "", "filename": record.evidence_filename or "",
                            "mime": record.evidence_mime or "", "size": record.evidence_size or 0}}
    if record.account_email:  # recorded since the account's own name and email are kept: covered too
        content["account"] = {"name": record.account_name, "email": record.account_email}
    return content


def record_hash(record: MouSignature | MouDecline) -> str:
    """The SHA-256 of a signature's or decline's canonical fields, taken when it is made and on every check."""
    return text.content_hash(record_content(record))


def evidence_digests(version: MouVersion) -> dict[int, str]:
    """The SHA-256 of each wet-ink scan of a version as stored now, by signature id, in one query."""
    if not version.signatures:
        return {}
    rows = db.session.execute(select(MouSignature.id, MouSignature.evidence).where(
        MouSignature.version_id == version.id, MouSignature.evidence.is_not(None)))
    return {row.id: hashlib.sha256(row.evidence).hexdigest() for row in rows}


@dataclass
class RecordCheck:
    record: MouSignature | MouDecline
    label: str
    computed: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _label(record: MouSignature | MouDecline, party: str) -> str:
    if isinstance(record, MouDecline):
        return f"Decline for {party} by {record.user.full_name if record.user else 'unknown'}"
    kind = "Wet-ink signature" if record.is_wet_ink else "Signature"
    return f"{kind} for {party} by {record.signatory_name}"


def check_record(version: MouVersion, record: MouSignature | MouDecline, scan_sha256: str | None,
                 party: str = "an unknown party") -> RecordCheck:
    """Recompute one signature's or decline's hash and compare it, its version hash and its scan."""
    computed = record_hash(record)
    problems = []
    if computed != record.record_hash:
        problems.append("the record has changed since it was made")
    if record.version_hash != version.content_hash:
        problems.append("it was made over a different fingerprint of the text")
    if isinstance(record, MouSignature) and (scan_sha256 or "") != (record.evidence_sha256 or ""):
        problems.append("the stored scan of the signed page has changed")
    return RecordCheck(record, _label(record, party), computed, problems)


@dataclass
class Integrity:
    ok: bool
    stored: str
    computed: str
    records: list[RecordCheck]

    @property
    def content_ok(self) -> bool:
        return self.stored == self.computed

    @property
    def failed_records(self) -> list[RecordCheck]:
        return [check for check in self.records if not check.ok]


def integrity(version: MouVersion) -> Integrity:
    """The version's hash check and the check of every signature and decline made on it."""
    computed = compute_hash(version)
    digests = evidence_digests(version)
    names = {p.partner_id: p.name for p in version.parties}
    records = [check_record(version, r, digests.get(r.id) if isinstance(r, MouSignature) else None,
                            names.get(r.partner_id, "an unknown party"))
               for r in (*version.signatures, *version.declines)]
    ok = computed == version.content_hash and all(check.ok for check in records)
    return Integrity(ok, version.content_hash, computed, records)


def verify(version: MouVersion) -> bool:
    """Whether the version's content and every signature and decline still match their hashes."""
    return integrity(version).ok


def has_changes(mou: Mou) -> bool:
    """Whether the draft differs from the latest issued version (always true before the first)."""
    current = mou.current_version
    return current is None or version_content(current) != draft_content(mou)
