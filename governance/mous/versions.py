"""Issued versions: the canonical content that is hashed, and the integrity check of what is stored."""

from dataclasses import dataclass

from governance.mous import text
from governance.mous.models import Mou, MouVersion
from governance.partners.models import Partner


def party_order(partner: Partner):
    """Parties are listed, frozen and hashed in name order."""
    return (partner.name, partner.id)


def draft_content(mou: Mou) -> dict:
    """The draft in canonical form, as it would be frozen if issued now."""
    return {
        "title": text.normalise_line(mou.title),
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


def verify(version: MouVersion) -> bool:
    """Whether the stored content still hashes to the SHA-256 taken when the version was issued."""
    return compute_hash(version) == version.content_hash


@dataclass
class Integrity:
    ok: bool
    stored: str
    computed: str
    mismatched_signatures: list


def integrity(version: MouVersion) -> Integrity:
    """The version's hash check, and any signature made over a different hash."""
    computed = compute_hash(version)
    bad = [s for s in version.signatures if s.version_hash != version.content_hash]
    return Integrity(computed == version.content_hash and not bad, version.content_hash, computed, bad)


def has_changes(mou: Mou) -> bool:
    """Whether the draft differs from the latest issued version (always true before the first)."""
    current = mou.current_version
    return current is None or version_content(current) != draft_content(mou)
