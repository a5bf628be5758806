"""Signing: who may answer for a party, electronic signatures, declines and wet-ink signatures.

Every answer serialises on its MOU first (`core.locking.serialise_on`) and only then checks what
it depends on, so two answers at once, or an answer and a new version, are decided one after the
other; the database keeps one answer per party and version (`MouAnswer`) whatever happens.
"""

import hashlib
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.utils import secure_filename

from governance.auth import services as auth_services
from governance.auth.models import User
from governance.core import audit, clock
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_datetime
from governance.core.locking import serialise_on
from governance.core.permissions import Permission, role_can
from governance.extensions import db
from governance.mous import chain, evidence, notices, text
from governance.mous.models import (
    AnswerKind,
    MouAnswer,
    MouDecline,
    MouSignature,
    MouStatus,
    MouVersion,
    MouVersionParty,
    SignatureMethod,
    name_differs_message,
    names_differ,
    parse_id,
)
from governance.mous.pdfs import archive_executed
from governance.mous.versions import record_hash, verify
from governance.networks.models import Membership, Network

TAMPERED = ("This version, or a signature or decline on it, no longer matches the fingerprint taken when it "
            "was made, so it cannot be signed. Tell the board secretary")


def _serialise(version: MouVersion) -> None:
    """Wait for any other answer to this MOU to finish, then re-read the version and its answers."""
    serialise_on(version.mou)


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


def _check_not_answered(version: MouVersion, party: MouVersionParty, field: str | None = None) -> None:
    answer = version.answer_for(party.partner_id)
    if isinstance(answer, MouSignature):
        raise ServiceError(f"{party.name} has already signed version {version.number} "
                           f"({answer.signatory_name}, {format_datetime(answer.signed_at)})", field)
    if isinstance(answer, MouDecline):
        raise ServiceError(f"{party.name} declined version {version.number} on "
                           f"{format_datetime(answer.declined_at)}. A new version must be issued first", field)


def signing_refusal(version: MouVersion, membership: Membership) -> str | None:
    """Why this member cannot sign this version, or None when they can."""
    try:
        check_can_answer(version, membership)
    except ServiceError as error:
        return error.message
    return None


def _add_answer(record: MouSignature | MouDecline, kind: AnswerKind) -> None:
    """Add the party's one answer, then the signature or decline sealed with the hash of its fields."""
    db.session.add(MouAnswer(network_id=record.network_id, version_id=record.version_id,
                             partner_id=record.partner_id, kind=kind.value, answered_at=clock.now()))
    record.answer_kind = kind.value
    record.record_hash = record_hash(record)
    db.session.add(record)
    db.session.flush()
    chain.record_answer(record, getattr(record, "recorded_by_id", None) or record.user_id)


def _check_signing_input(membership: Membership, full_name: str, job_title: str, confirmed: bool,
                         different_name: bool) -> None:
    checks = Checks()
    account_name = membership.user.full_name
    if not full_name:
        checks.add("Enter your full name", "full_name")
    elif names_differ(full_name, account_name) and not different_name:
        checks.add(name_differs_message(account_name), "full_name")
    if not job_title:
        checks.add("Enter your job title", "job_title")
    if not confirmed:
        checks.add("Confirm that you have read this version, may sign it and agree to sign it electronically",
                   "confirm")
    checks.raise_any()


def sign_mou_version(network: Network, version: MouVersion, membership: Membership, *, full_name: str,
                     job_title: str, confirmed: bool, password: str, ip_address: str,
                     user_agent: str, different_name: bool = False) -> MouSignature:
    """Sign a version for the member's partner: typed name and title, consent and the password again."""
    check_can_answer(version, membership)  # say at once when they cannot sign at all
    full_name, job_title = text.normalise_line(full_name), text.normalise_line(job_title)
    _check_signing_input(membership, full_name, job_title, confirmed, different_name)
    # The password check keeps its attempt in its own transaction: before the lock, which on
    # SQLite holds the database until this request commits.
    auth_services.check_password(membership.user, password, ip_address)
    _serialise(version)
    party = check_can_answer(version, membership)
    user = membership.user
    signature = MouSignature(
        network_id=network.id, version=version, version_id=version.id, partner_id=party.partner_id,
        method=SignatureMethod.ELECTRONIC.value, user_id=user.id, recorded_by_id=user.id,
        signatory_name=full_name[:200], signatory_title=job_title[:200], account_name=user.full_name[:200],
        account_email=user.email, signed_at=clock.now(), ip_address=ip_address[:64],
        user_agent=(user_agent or "")[:500], version_hash=version.content_hash)
    _add_answer(signature, AnswerKind.SIGNATURE)
    audit.record_event(signature, "signed", f"{full_name} signed version {version.number} for {party.name}",
                       {"sha256": version.content_hash, "ip_address": ip_address, "user_agent": user_agent,
                        "account": f"{user.full_name} <{user.email}>"})
    _refresh_status(network, version, user)
    return signature


def decline_mou_version(version: MouVersion, membership: Membership, reason: str, *, ip_address: str,
                        user_agent: str) -> MouDecline:
    """Decline to sign a version for the member's partner, giving a reason."""
    reason = text.normalise_text(reason)
    if not reason:
        raise ServiceError("Enter the reason for declining", "reason")
    _serialise(version)
    party = check_can_answer(version, membership)
    decline = MouDecline(network_id=version.network_id, version=version, version_id=version.id,
                         partner_id=party.partner_id, user_id=membership.user_id, reason=reason,
                         declined_at=clock.now(),
                         ip_address=ip_address[:64], user_agent=(user_agent or "")[:500],
                         version_hash=version.content_hash)
    _add_answer(decline, AnswerKind.DECLINE)
    audit.record_event(decline, "declined", f"{membership.user.full_name} declined version {version.number} "
                       f"for {party.name}", {"reason": reason, "ip_address": ip_address})
    return decline


def wet_ink_choices(version: MouVersion) -> list[tuple[int, str]]:
    """(partner id, name) of the parties that have not yet answered this version."""
    return [(p.partner_id, p.name) for p in version.parties if version.answer_for(p.partner_id) is None]


def _read_scan(upload) -> tuple[bytes, str, str]:
    data = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    mime, extension = evidence.sniff(data)
    stem = secure_filename(upload.filename or "").rsplit(".", 1)[0][:100] or "signed-page"
    return data, mime, f"{stem}.{extension}"


def _wet_ink_party(version: MouVersion, partner_id, signed_on: date) -> MouVersionParty:
    if version.mou.is_ended or version.is_superseded:
        raise ServiceError(f"Version {version.number} can no longer be signed", "partner_id")
    party = next((p for p in version.parties if p.partner_id == partner_id), None)
    if party is None:
        raise ServiceError("Choose a party to this version", "partner_id")
    _check_not_answered(version, party, "partner_id")
    if not verify(version):
        raise ServiceError(TAMPERED, "partner_id")
    if signed_on > clock.today() or signed_on < clock.local(version.issued_at).date():
        raise ServiceError("The date signed must be between the date the version was issued and today",
                           "signed_on")
    return party


def record_wet_ink_signature(network: Network, version: MouVersion, *, partner_id, signatory_name: str,
                             signatory_title: str, signed_on: date, upload, actor: User, ip_address: str,
                             user_agent: str) -> MouSignature:
    """Record a party's signature on paper, with the uploaded scan of the signed page as evidence."""
    scan, mime, filename = _read_scan(upload)
    _serialise(version)
    party = _wet_ink_party(version, partner_id, signed_on)
    signature = MouSignature(
        network_id=network.id, version=version, version_id=version.id, partner_id=party.partner_id,
        method=SignatureMethod.WET_INK.value, user_id=None, recorded_by_id=actor.id,
        signatory_name=text.normalise_line(signatory_name)[:200],
        signatory_title=text.normalise_line(signatory_title)[:200], signed_at=clock.now(), signed_on=signed_on,
        ip_address=ip_address[:64], user_agent=(user_agent or "")[:500], version_hash=version.content_hash,
        evidence=scan, evidence_filename=filename, evidence_mime=mime,
        evidence_size=len(scan), evidence_sha256=hashlib.sha256(scan).hexdigest())
    _add_answer(signature, AnswerKind.SIGNATURE)
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
    """After a signature: partly signed, or executed (in force, archived and sent to everyone)."""
    mou = version.mou
    if not version.is_executed:
        mou.status = MouStatus.PARTLY_SIGNED.value
        db.session.flush()
        return
    mou.status = MouStatus.EXECUTED.value
    mou.in_force_number = version.number
    db.session.flush()
    db.session.expire(mou, ["in_force_version"])
    audit.record_event(mou, "executed", f"Version {version.number} of {mou.title} executed: every party signed; "
                       "it is now the version in force", {"sha256": version.content_hash})
    document = archive_executed(network, version, actor)
    notices.send_executed(network, version, document.pdf)
