"""Signing: who may answer for a party, electronic signatures, declines and wet-ink signatures."""

import hashlib
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.utils import secure_filename

from governance.auth import services as auth_services
from governance.auth.models import User
from governance.core import audit, clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_datetime
from governance.core.permissions import Permission, role_can
from governance.extensions import db
from governance.mous import text
from governance.mous.models import (
    Mou,
    MouDecline,
    MouSignature,
    MouStatus,
    MouVersion,
    MouVersionParty,
    SignatureMethod,
    parse_id,
)
from governance.mous.pdfs import archive_executed
from governance.mous.versions import record_hash, verify
from governance.networks.models import Membership, Network

EVIDENCE_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
TAMPERED = ("This version, or a signature or decline on it, no longer matches the fingerprint taken when it "
            "was made, so it cannot be signed. Tell the board secretary")


def _lock_answers(version: MouVersion) -> None:
    """Hold the MOU's row until commit and reload the version's answers.

    Two parties signing at once then see each other's signature, so the last one always
    executes the MOU (PostgreSQL waits on the lock; SQLite writes one at a time anyway).
    """
    db.session.execute(select(Mou.id).where(Mou.id == version.mou_id).with_for_update())
    db.session.expire(version, ["signatures", "declines"])


def check_can_answer(version: MouVersion, membership: Membership) -> MouVersionParty:
    """The party this member signs for on this version, or a ServiceError saying why they cannot."""
    mou = version.mou
    if mou.is_ended:
        raise ServiceError(f"This MOU has been {MouStatus(mou.status).label.lower()}, so it can no longer be signed")
    if version.is_superseded:
        raise ServiceError(f"Version {version.number} has been superseded by version {mou.issued_count}. "
                           f"Read and sign version {mou.issued_count} instead")
    if not membership.partner_id or not role_can(membership.role, Permission.MOUS_SIGN):
        raise ServiceError("Only an authorised signatory of a party to this MOU can sign it")
    party = next((p for p in version.parties if p.partner_id == membership.partner_id), None)
    if party is None:
        name = membership.partner.name if membership.partner else "Your organisation"
        raise ServiceError(f"{name} is not a party to this MOU, so you cannot sign it")
    if not membership.is_authorised_signatory:
        raise ServiceError(f"You are not an authorised signatory for {party.name}. "
                           "Ask a network admin to record you as one")
    _check_not_answered(version, party)
    if not verify(version):
        raise ServiceError(TAMPERED)
    return party


def _check_not_answered(version: MouVersion, party: MouVersionParty) -> None:
    answer = version.answer_for(party.partner_id)
    if isinstance(answer, MouSignature):
        raise ServiceError(f"{party.name} has already signed version {version.number} "
                           f"({answer.signatory_name}, {format_datetime(answer.signed_at)})")
    if isinstance(answer, MouDecline):
        raise ServiceError(f"{party.name} declined version {version.number} on "
                           f"{format_datetime(answer.declined_at)}. A new version must be issued first")


def signing_refusal(version: MouVersion, membership: Membership) -> str | None:
    """Why this member cannot sign this version, or None when they can."""
    try:
        check_can_answer(version, membership)
    except ServiceError as error:
        return error.message
    return None


def _add_sealed(record: MouSignature | MouDecline) -> None:
    """Add a signature or decline with the hash of its fields, so a later change to its row shows."""
    record.record_hash = record_hash(record)
    db.session.add(record)
    db.session.flush()


def sign_mou_version(network: Network, version: MouVersion, membership: Membership, *, full_name: str,
                     job_title: str, confirmed: bool, password: str, ip_address: str,
                     user_agent: str) -> MouSignature:
    """Sign a version for the member's partner: typed name and title, confirmation and password."""
    _lock_answers(version)
    party = check_can_answer(version, membership)
    full_name, job_title = text.normalise_line(full_name), text.normalise_line(job_title)
    if not full_name:
        raise ServiceError("Enter your full name", "full_name")
    if not job_title:
        raise ServiceError("Enter your job title", "job_title")
    if not confirmed:
        raise ServiceError("Confirm that you have read this version and may sign it", "confirm")
    auth_services.check_password(membership.user, password, ip_address)
    signature = MouSignature(
        network_id=network.id, version=version, version_id=version.id, partner_id=party.partner_id,
        method=SignatureMethod.ELECTRONIC.value, user_id=membership.user_id, recorded_by_id=membership.user_id,
        signatory_name=full_name[:200], signatory_title=job_title[:200], signed_at=clock.now(),
        ip_address=ip_address[:64], user_agent=(user_agent or "")[:500], version_hash=version.content_hash)
    _add_sealed(signature)
    audit.record_event(signature, "signed", f"{full_name} signed version {version.number} for {party.name}",
                       {"sha256": version.content_hash, "ip_address": ip_address, "user_agent": user_agent})
    _refresh_status(network, version, membership.user)
    return signature


def decline_mou_version(version: MouVersion, membership: Membership, reason: str, *, ip_address: str,
                        user_agent: str) -> MouDecline:
    """Decline to sign a version for the member's partner, giving a reason."""
    _lock_answers(version)
    party = check_can_answer(version, membership)
    reason = text.normalise_text(reason)
    if not reason:
        raise ServiceError("Enter the reason for declining", "reason")
    decline = MouDecline(network_id=version.network_id, version=version, version_id=version.id,
                         partner_id=party.partner_id, user_id=membership.user_id, reason=reason,
                         declined_at=clock.now(),
                         ip_address=ip_address[:64], user_agent=(user_agent or "")[:500],
                         version_hash=version.content_hash)
    _add_sealed(decline)
    audit.record_event(decline, "declined", f"{membership.user.full_name} declined version {version.number} "
                       f"for {party.name}", {"reason": reason, "ip_address": ip_address})
    return decline


def sniff_evidence(data: bytes) -> tuple[str, str]:
    """The MIME type and extension of an uploaded scan, from its first bytes; refuse anything else."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise ServiceError("The selected file is empty", "evidence")
    if len(data) > limit:
        raise ServiceError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB", "evidence")
    for magic, mime, extension in EVIDENCE_TYPES:
        if data.startswith(magic):
            return mime, extension
    raise ServiceError("The selected file must be a PDF, PNG or JPEG", "evidence")


def wet_ink_choices(version: MouVersion) -> list[tuple[int, str]]:
    """(partner id, name) of the parties that have not yet answered this version."""
    return [(p.partner_id, p.name) for p in version.parties if version.answer_for(p.partner_id) is None]


def record_wet_ink_signature(network: Network, version: MouVersion, *, partner_id, signatory_name: str,
                             signatory_title: str, signed_on: date, upload, actor: User, ip_address: str,
                             user_agent: str) -> MouSignature:
    """Record a party's signature on paper, with the uploaded scan of the signed page as evidence."""
    _lock_answers(version)
    if version.mou.is_ended or version.is_superseded:
        raise ServiceError(f"Version {version.number} can no longer be signed", "partner_id")
    party = next((p for p in version.parties if p.partner_id == partner_id), None)
    if party is None:
        raise ServiceError("Choose a party to this version", "partner_id")
    _check_not_answered(version, party)
    if not verify(version):
        raise ServiceError(TAMPERED, "partner_id")
    if signed_on > clock.now().date() or signed_on < version.issued_at.date():
        raise ServiceError("The date signed must be between the date the version was issued and today",
                           "signed_on")
    evidence = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    mime, extension = sniff_evidence(evidence)
    stem = secure_filename(upload.filename or "").rsplit(".", 1)[0][:100] or "signed-page"
    signature = MouSignature(
        network_id=network.id, version=version, version_id=version.id, partner_id=party.partner_id,
        method=SignatureMethod.WET_INK.value, user_id=None, recorded_by_id=actor.id,
        signatory_name=text.normalise_line(signatory_name)[:200],
        signatory_title=text.normalise_line(signatory_title)[:200], signed_at=clock.now(), signed_on=signed_on,
        ip_address=ip_address[:64], user_agent=(user_agent or "")[:500], version_hash=version.content_hash,
        evidence=evidence, evidence_filename=f"{stem}.{extension}", evidence_mime=mime,
        evidence_size=len(evidence), evidence_sha256=hashlib.sha256(evidence).hexdigest())
    _add_sealed(signature)
    audit.record_event(signature, "signed", f"Wet-ink signature of {signature.signatory_name} for {party.name} "
                       f"recorded by {actor.full_name}", {"evidence_sha256": signature.evidence_sha256})
    _refresh_status(network, version, actor)
    return signature


def load_evidence(signature_id) -> MouSignature | None:
    """A wet-ink signature with its scan loaded, or None."""
    signature_id = parse_id(signature_id)
    if signature_id is None:
        return None
    return db.session.execute(
        select(MouSignature).where(MouSignature.id == signature_id, MouSignature.evidence_size > 0)
        .options(undefer(MouSignature.evidence))
    ).scalar_one_or_none()


def _refresh_status(network: Network, version: MouVersion, actor: User | None) -> None:
    mou = version.mou
    if version.is_executed:
        mou.status = MouStatus.EXECUTED.value
        db.session.flush()
        audit.record_event(mou, "executed", f"Version {version.number} of {mou.title} executed: every party signed",
                           {"sha256": version.content_hash})
        archive_executed(network, version, actor)
    else:
        mou.status = MouStatus.PARTLY_SIGNED.value
        db.session.flush()
