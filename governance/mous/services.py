"""MOUs: drafting from the clause library, comments, issuing frozen versions, signing, PDFs."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload, undefer
from werkzeug.utils import secure_filename

from governance.auth import services as auth_services
from governance.auth.models import LoginAttempt, User
from governance.core import audit
from governance.core.concurrency import check_version
from governance.core.db import utcnow
from governance.core.errors import ServiceError
from governance.core.formatting import format_date, format_datetime
from governance.core.mail import send_mail
from governance.core.pdf import render_pdf
from governance.core.permissions import Permission, role_can
from governance.documents.models import IssuedDocument
from governance.documents.services import archive_document
from governance.extensions import db
from governance.mous import text
from governance.mous.clauses import LIBRARY
from governance.mous.models import (AWAITING, EndDateKind, Mou, MouClause, MouComment, MouCommentInvitation,
                                    MouDecline, MouSignature, MouStatus, MouVersion, MouVersionParty,
                                    SignatureMethod, mou_parties)
from governance.networks.models import Membership, Network
from governance.partners.models import Partner

EXECUTED_KIND = "mou_executed"
EVIDENCE_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


# ---------------------------------------------------------------- who may do what

def can_draft(membership: Membership) -> bool:
    """Whether the member's role drafts MOUs (board secretaries and network admins)."""
    return role_can(membership.role, Permission.MOUS_DRAFT)


def is_invited(mou: Mou, user_id: int) -> bool:
    """Whether this user has been invited to comment on the MOU's draft."""
    return db.session.execute(
        select(MouCommentInvitation.id).where(MouCommentInvitation.mou_id == mou.id,
                                              MouCommentInvitation.user_id == user_id)
    ).first() is not None


def can_read_draft(mou: Mou, membership: Membership) -> bool:
    """Drafters read every draft; other members only the drafts they are invited to comment on."""
    return can_draft(membership) or is_invited(mou, membership.user_id)


def can_comment(mou: Mou, membership: Membership) -> bool:
    """Whether the member may comment on the draft: a commenting role and access to the draft."""
    return role_can(membership.role, Permission.MOUS_COMMENT) and can_read_draft(mou, membership)


def can_see(mou: Mou, membership: Membership) -> bool:
    """An issued MOU is open to every reader; one never issued only to those who may read its draft."""
    return mou.issued_count > 0 or can_read_draft(mou, membership)


# ---------------------------------------------------------------- reading

def mous_query(membership: Membership):
    """The MOUs this member may see, newest activity first, with what the list shows."""
    query = (select(Mou).options(selectinload(Mou.parties), selectinload(Mou.current_version))
             .order_by(Mou.updated_at.desc(), Mou.id.desc()))
    if not can_draft(membership):
        invited = select(MouCommentInvitation.mou_id).where(MouCommentInvitation.user_id == membership.user_id)
        query = query.where(or_(Mou.issued_count > 0, Mou.id.in_(invited)))
    return query


def load_draft(mou_id: int) -> Mou | None:
    """An MOU with its draft clauses, their comments and everything the draft page shows."""
    return db.session.execute(
        select(Mou).where(Mou.id == mou_id).options(
            selectinload(Mou.parties), selectinload(Mou.current_version),
            selectinload(Mou.clauses).selectinload(MouClause.comments).options(
                selectinload(MouComment.author), selectinload(MouComment.resolved_by)))
    ).scalar_one_or_none()


def _version_options():
    return (selectinload(MouVersion.mou).selectinload(Mou.current_version),
            selectinload(MouVersion.issued_by),
            selectinload(MouVersion.parties),
            selectinload(MouVersion.signatures).options(selectinload(MouSignature.user),
                                                         selectinload(MouSignature.recorded_by)),
            selectinload(MouVersion.declines).selectinload(MouDecline.user))


def get_version(mou: Mou, number) -> MouVersion | None:
    """One issued version of an MOU by its number, with parties, signatures and declines."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return None
    return db.session.execute(
        select(MouVersion).where(MouVersion.mou_id == mou.id, MouVersion.number == number)
        .options(*_version_options())
    ).scalar_one_or_none()


def versions_of(mou: Mou) -> list[MouVersion]:
    """Every issued version of an MOU, newest first, with parties, signatures and declines."""
    return list(db.session.execute(
        select(MouVersion).where(MouVersion.mou_id == mou.id).order_by(MouVersion.number.desc())
        .options(*_version_options())
    ).scalars())


def orphan_comments(mou: Mou) -> list[MouComment]:
    """Comments left on clauses that have since been removed from the draft."""
    return list(db.session.execute(
        select(MouComment).where(MouComment.mou_id == mou.id, MouComment.clause_id.is_(None))
        .options(selectinload(MouComment.author), selectinload(MouComment.resolved_by))
        .order_by(MouComment.created_at)
    ).scalars())


def comment_invitations(mou: Mou) -> list[MouCommentInvitation]:
    """The members invited to comment on an MOU's draft."""
    return list(db.session.execute(
        select(MouCommentInvitation).where(MouCommentInvitation.mou_id == mou.id)
        .options(selectinload(MouCommentInvitation.user)).order_by(MouCommentInvitation.created_at)
    ).scalars())


def commenter_choices(mou: Mou) -> list[tuple[int, str]]:
    """Active members who may comment but not draft, and are not yet invited to this MOU."""
    invited = select(MouCommentInvitation.user_id).where(MouCommentInvitation.mou_id == mou.id)
    members = db.session.execute(
        select(Membership).where(Membership.active.is_(True), Membership.user_id.not_in(invited))
    ).scalars()
    return sorted(((m.id, f"{m.user.full_name} ({m.role_label})") for m in members
                   if role_can(m.role, Permission.MOUS_COMMENT) and not can_draft(m)), key=lambda c: c[1])


def awaiting_signature_query(membership: Membership):
    """Current versions the member's partner has neither signed nor declined, oldest first."""
    query = (select(MouVersion).join(Mou, Mou.id == MouVersion.mou_id)
             .join(MouVersionParty, MouVersionParty.version_id == MouVersion.id)
             .options(selectinload(MouVersion.mou), selectinload(MouVersion.parties))
             .order_by(MouVersion.issued_at, MouVersion.id))
    if not (membership.is_authorised_signatory and membership.partner_id
            and role_can(membership.role, Permission.MOUS_SIGN)):
        return query.where(false())
    signed = select(MouSignature.version_id).where(MouSignature.partner_id == membership.partner_id)
    declined = select(MouDecline.version_id).where(MouDecline.partner_id == membership.partner_id)
    return query.where(MouVersionParty.partner_id == membership.partner_id,
                       MouVersion.number == Mou.issued_count, Mou.status.in_([s.value for s in AWAITING]),
                       MouVersion.id.not_in(signed), MouVersion.id.not_in(declined))


def awaiting_signature(membership: Membership, limit: int = 5) -> list[MouVersion]:
    """The first few versions waiting for this member's signature, for the MOU list."""
    return list(db.session.execute(awaiting_signature_query(membership).limit(limit)).scalars())


def reminders_query():
    """MOUs waiting for signatures, longest waiting first, with the current version's answers."""
    return (select(Mou).join(MouVersion, (MouVersion.mou_id == Mou.id) & (MouVersion.number == Mou.issued_count))
            .where(Mou.status.in_([s.value for s in AWAITING]))
            .options(selectinload(Mou.current_version).options(
                selectinload(MouVersion.parties), selectinload(MouVersion.signatures),
                selectinload(MouVersion.declines)))
            .order_by(MouVersion.issued_at, Mou.id))


@dataclass
class Outstanding:
    mou: Mou
    version: MouVersion
    party: MouVersionParty
    declined: MouDecline | None
    days: int
    signatories: list[Membership]


def outstanding_parties(mous: list[Mou]) -> list[Outstanding]:
    """Who has not signed each MOU's current version, for how many days, and who can sign for them."""
    rows = []
    for mou in mous:
        version = mou.current_version
        for party in version.parties:
            answer = version.answer_for(party.partner_id)
            if isinstance(answer, MouSignature):
                continue
            rows.append(Outstanding(mou, version, party, answer, (utcnow() - version.issued_at).days, []))
    by_partner = signatories_by_partner({row.party.partner_id for row in rows})
    for row in rows:
        row.signatories = by_partner.get(row.party.partner_id, [])
    return rows


def signatories_by_partner(partner_ids: set[int]) -> dict[int, list[Membership]]:
    """Active authorised signatories of these partners, in one query."""
    result: dict[int, list[Membership]] = {}
    if not partner_ids:
        return result
    members = db.session.execute(
        select(Membership).where(Membership.partner_id.in_(partner_ids), Membership.active.is_(True),
                                 Membership.is_authorised_signatory.is_(True))
    ).scalars()
    for membership in members:
        result.setdefault(membership.partner_id, []).append(membership)
    return result


@dataclass
class PartnerMou:
    mou: Mou
    version: MouVersion | None
    answer: MouSignature | MouDecline | None
    label: str


def mous_for_partner(partner_id: int, include_drafts: bool = False) -> list[PartnerMou]:
    """A partner's MOUs and where each stands for that partner (for the partner page)."""
    in_draft = select(mou_parties.c.mou_id).where(mou_parties.c.partner_id == partner_id)
    in_version = (select(MouVersion.mou_id).join(MouVersionParty, MouVersionParty.version_id == MouVersion.id)
                  .where(MouVersionParty.partner_id == partner_id))
    query = (select(Mou).where(or_(Mou.id.in_(in_draft), Mou.id.in_(in_version)))
             .options(selectinload(Mou.current_version).options(
                 selectinload(MouVersion.mou), selectinload(MouVersion.parties),
                 selectinload(MouVersion.signatures), selectinload(MouVersion.declines)))
             .order_by(Mou.start_date.desc(), Mou.id.desc()))
    if not include_drafts:
        query = query.where(Mou.issued_count > 0)
    return [_partner_row(mou, partner_id) for mou in db.session.execute(query).scalars()]


def _partner_row(mou: Mou, partner_id: int) -> PartnerMou:
    version = mou.current_version
    if version is None:
        return PartnerMou(mou, None, None, "Draft, not yet issued")
    if all(p.partner_id != partner_id for p in version.parties):
        return PartnerMou(mou, version, None, f"Not a party to version {version.number}")
    answer = version.answer_for(partner_id)
    if isinstance(answer, MouSignature):
        label = f"Signed version {version.number} on {format_date(answer.signed_at)}"
    elif isinstance(answer, MouDecline):
        label = f"Declined version {version.number} on {format_date(answer.declined_at)}"
    elif mou.is_ended:
        label = MouStatus(mou.status).label
    else:
        label = f"Awaiting signature of version {version.number} since {format_date(version.issued_at)}"
    return PartnerMou(mou, version, answer, label)


# ---------------------------------------------------------------- drafting

def _check_details(data: dict) -> None:
    if data["start_date"] and data["end_date"] and data["end_date"] <= data["start_date"]:
        raise ServiceError("The end or review date must be after the start date", "end_date")


def _partners(partner_ids) -> list[Partner]:
    ids = {int(i) for i in partner_ids or []}
    partners = list(db.session.execute(select(Partner).where(Partner.id.in_(ids))).scalars()) if ids else []
    if len(partners) != len(ids):
        raise ServiceError("Choose parties from this network's partners", "parties")
    if len(partners) < 2:
        raise ServiceError("Choose at least two parties", "parties")
    return sorted(partners, key=_party_order)


def _party_order(partner: Partner):
    return (partner.name, partner.id)


def _varies(varies_id, mou: Mou | None = None) -> int | None:
    if not varies_id:
        return None
    exists = db.session.execute(select(Mou.id).where(Mou.id == int(varies_id))).first()
    if exists is None or (mou is not None and mou.id == int(varies_id)):
        raise ServiceError("Choose an MOU of this network, other than this one", "varies_id")
    return int(varies_id)


def _apply_details(mou: Mou, data: dict) -> None:
    mou.title = text.normalise_line(data["title"])
    mou.purpose = text.normalise_text(data.get("purpose"))
    mou.start_date = data["start_date"]
    mou.end_date = data["end_date"]
    mou.end_date_kind = EndDateKind(data.get("end_date_kind") or EndDateKind.END).value


def create_mou(network: Network, data: dict, actor: User | None) -> Mou:
    """Start a draft MOU with its parties and every clause of the library."""
    _check_details(data)
    parties = _partners(data.get("parties"))
    mou = Mou(network_id=network.id, status=MouStatus.DRAFT.value, created_by_id=actor.id if actor else None,
              varies_id=_varies(data.get("varies_id")), parties=parties)
    _apply_details(mou, data)
    mou.clauses = [MouClause(network_id=network.id, key=clause.key, position=i, heading=clause.heading,
                             body=clause.body) for i, clause in enumerate(LIBRARY)]
    db.session.add(mou)
    db.session.flush()
    audit.record_event(mou, "parties", "Parties chosen", {"parties": [p.name for p in parties]})
    return mou


def _check_editable(mou: Mou) -> None:
    if mou.is_ended:
        raise ServiceError(f"This MOU has been {MouStatus(mou.status).label.lower()}; it can no longer be changed")


def update_mou(mou: Mou, data: dict, version) -> Mou:
    """Change the draft's details and parties; issued versions are untouched."""
    check_version(mou, version)
    _check_editable(mou)
    _check_details(data)
    parties = _partners(data.get("parties"))
    mou.varies_id = _varies(data.get("varies_id"), mou)
    _apply_details(mou, data)
    if {p.id for p in parties} != {p.id for p in mou.parties}:
        mou.parties = parties
        audit.record_event(mou, "parties", "Parties changed", {"parties": [p.name for p in parties]})
    db.session.flush()
    return mou


def mou_choices(exclude: Mou | None = None) -> list[tuple[int, str]]:
    """(id, title) of the network's MOUs, for choosing the MOU a variation varies."""
    rows = db.session.execute(select(Mou.id, Mou.title).order_by(Mou.title))
    return [(row.id, row.title) for row in rows if exclude is None or row.id != exclude.id]


def add_clause(mou: Mou, heading: str, body: str) -> MouClause:
    """Add a clause at the end of the draft."""
    _check_editable(mou)
    position = max((c.position for c in mou.clauses), default=-1) + 1
    clause = MouClause(network_id=mou.network_id, key=uuid.uuid4().hex[:12], position=position,
                       heading=text.normalise_line(heading), body=text.normalise_text(body))
    mou.clauses.append(clause)
    db.session.flush()
    return clause


def update_clause(clause: MouClause, data: dict, version) -> MouClause:
    """Edit one clause's heading and Markdown body."""
    check_version(clause, version)
    _check_editable(clause.mou)
    clause.heading = text.normalise_line(data["heading"])
    clause.body = text.normalise_text(data.get("body"))
    db.session.flush()
    return clause


def delete_clause(clause: MouClause) -> None:
    """Remove a clause from the draft; its comments stay, marked as on a removed clause."""
    mou = clause.mou
    _check_editable(mou)
    for comment in list(clause.comments):
        comment.clause = None
    mou.clauses.remove(clause)
    db.session.flush()


def move_clause(clause: MouClause, direction: str) -> None:
    """Swap a clause with its neighbour above or below."""
    mou = clause.mou
    _check_editable(mou)
    ordered = sorted(mou.clauses, key=lambda c: c.position)
    index = ordered.index(clause)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        db.session.flush()


# ---------------------------------------------------------------- comments

def invite_commenter(mou: Mou, membership_id, actor: User | None) -> MouCommentInvitation:
    """Let a member read the draft and comment on it."""
    member = db.session.execute(select(Membership).where(Membership.id == membership_id)).scalar_one_or_none()
    if member is None or member.id not in {choice[0] for choice in commenter_choices(mou)}:
        raise ServiceError("Choose a member who can comment and is not already invited", "membership_id")
    invitation = MouCommentInvitation(network_id=mou.network_id, mou_id=mou.id, user_id=member.user_id,
                                      invited_by_id=actor.id if actor else None)
    db.session.add(invitation)
    db.session.flush()
    inviter = actor.full_name if actor else "The board secretary"
    send_mail(member.user.email, f"Comment on the draft MOU: {mou.title}",
              f"{inviter} has invited you to read and comment on the draft MOU \"{mou.title}\" on Accord.\n")
    return invitation


def add_comment(mou: Mou, clause: MouClause, body: str, author: User) -> MouComment:
    """Comment on one clause of the draft."""
    if clause.mou_id != mou.id:
        raise ServiceError("That clause is not part of this MOU", "body")
    body = text.normalise_text(body)
    if not body:
        raise ServiceError("Enter your comment", "body")
    comment = MouComment(network_id=mou.network_id, mou_id=mou.id, clause=clause, clause_heading=clause.heading,
                         author_id=author.id, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment


def set_comment_resolved(comment: MouComment, resolved: bool, membership: Membership) -> MouComment:
    """Resolve or reopen a comment: the drafters and the comment's author may."""
    if not (can_draft(membership) or comment.author_id == membership.user_id):
        raise ServiceError("Only the board secretary or the comment's author can resolve it")
    comment.resolved_at = utcnow() if resolved else None
    comment.resolved_by_id = membership.user_id if resolved else None
    db.session.flush()
    return comment


# ---------------------------------------------------------------- versions and hashing

def draft_content(mou: Mou) -> dict:
    """The draft in canonical form, as it would be frozen if issued now."""
    return {
        "title": text.normalise_line(mou.title),
        "purpose": text.normalise_text(mou.purpose),
        "start_date": mou.start_date.isoformat(),
        "end_date": mou.end_date.isoformat(),
        "end_date_kind": mou.end_date_kind,
        "parties": [{"partner_id": p.id, "name": text.normalise_line(p.name), "ods_code": p.ods_code or ""}
                    for p in sorted(mou.parties, key=_party_order)],
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


def _hash_of(mou_id: int, number: int, content: dict) -> str:
    return text.content_hash({"format": text.CANONICAL_FORMAT, "mou_id": mou_id, "version": number, **content})


def compute_hash(version: MouVersion) -> str:
    """The SHA-256 of a version's content as it is stored now."""
    return _hash_of(version.mou_id, version.number, version_content(version))


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


def issue_version(network: Network, mou: Mou, actor: User | None, ip_address: str) -> MouVersion:
    """Freeze the draft as the next version for signature; any earlier version is superseded."""
    _check_editable(mou)
    if len(mou.parties) < 2:
        raise ServiceError("Add at least two parties before issuing the MOU for signature")
    if not mou.clauses:
        raise ServiceError("Add at least one clause before issuing the MOU for signature")
    if not has_changes(mou):
        raise ServiceError(f"Nothing has changed since version {mou.issued_count} was issued")
    content = draft_content(mou)
    number = mou.issued_count + 1
    version = MouVersion(
        network_id=network.id, mou_id=mou.id, number=number, title=content["title"], purpose=content["purpose"],
        start_date=mou.start_date, end_date=mou.end_date, end_date_kind=content["end_date_kind"],
        clauses=content["clauses"], issued_by_id=actor.id if actor else None, issued_ip=ip_address[:64],
        content_hash=_hash_of(mou.id, number, content),
        parties=[MouVersionParty(network_id=network.id, partner_id=p["partner_id"], position=i, name=p["name"],
                                 ods_code=p["ods_code"]) for i, p in enumerate(content["parties"])])
    db.session.add(version)
    mou.issued_count = number
    mou.status = MouStatus.OUT_FOR_SIGNATURE.value
    db.session.flush()
    db.session.expire(mou, ["current_version", "versions"])
    audit.record_event(version, "issued", f"Version {number} of {mou.title} issued for signature",
                       {"sha256": version.content_hash, "ip_address": ip_address})
    _notify_signatories(network, version, f"MOU awaiting your signature: {mou.title}",
                        f"Version {number} of \"{mou.title}\" has been issued for signature.")
    return version


def _notify_signatories(network: Network, version: MouVersion, subject: str, message: str,
                        partner_ids: set[int] | None = None) -> int:
    partner_ids = partner_ids if partner_ids is not None else {p.partner_id for p in version.parties}
    path = f"/n/{network.slug}/mous/{version.mou_id}/versions/{version.number}"
    link = current_app.config["EXTERNAL_URL"].rstrip("/") + path
    sent = 0
    for members in signatories_by_partner(partner_ids).values():
        for membership in members:
            send_mail(membership.user.email, subject, f"{message}\n\nRead and sign it here:\n\n{link}\n")
            sent += 1
    return sent


# ---------------------------------------------------------------- signing

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
        raise ServiceError("This version no longer matches the fingerprint taken when it was issued, so it "
                           "cannot be signed. Tell the board secretary")
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


def _check_password(user: User, password: str, ip_address: str) -> None:
    if auth_services.is_throttled(user.email, ip_address):
        raise ServiceError(auth_services.THROTTLED_ERROR, "password")
    if not auth_services.verify_password(user, password):
        db.session.add(LoginAttempt(email=user.email, ip_address=ip_address, succeeded=False))
        db.session.flush()
        raise ServiceError("The password is not correct", "password")


def sign_mou_version(network: Network, version: MouVersion, membership: Membership, *, full_name: str,
                     job_title: str, confirmed: bool, password: str, ip_address: str,
                     user_agent: str) -> MouSignature:
    """Sign a version for the member's partner: typed name and title, confirmation and password."""
    party = check_can_answer(version, membership)
    full_name, job_title = text.normalise_line(full_name), text.normalise_line(job_title)
    if not full_name:
        raise ServiceError("Enter your full name", "full_name")
    if not job_title:
        raise ServiceError("Enter your job title", "job_title")
    if not confirmed:
        raise ServiceError("Confirm that you have read this version and may sign it", "confirm")
    _check_password(membership.user, password, ip_address)
    signature = MouSignature(
        network_id=network.id, version=version, partner_id=party.partner_id,
        method=SignatureMethod.ELECTRONIC.value, user_id=membership.user_id, recorded_by_id=membership.user_id,
        signatory_name=full_name[:200], signatory_title=job_title[:200], signed_at=utcnow(),
        ip_address=ip_address[:64], user_agent=(user_agent or "")[:500], version_hash=version.content_hash)
    db.session.add(signature)
    db.session.flush()
    audit.record_event(signature, "signed", f"{full_name} signed version {version.number} for {party.name}",
                       {"sha256": version.content_hash, "ip_address": ip_address, "user_agent": user_agent})
    _refresh_status(network, version, membership.user)
    return signature


def decline_mou_version(version: MouVersion, membership: Membership, reason: str, *, ip_address: str,
                        user_agent: str) -> MouDecline:
    """Decline to sign a version for the member's partner, giving a reason."""
    party = check_can_answer(version, membership)
    reason = text.normalise_text(reason)
    if not reason:
        raise ServiceError("Enter the reason for declining", "reason")
    decline = MouDecline(network_id=version.network_id, version=version, partner_id=party.partner_id,
                         user_id=membership.user_id, reason=reason, declined_at=utcnow(),
                         ip_address=ip_address[:64], user_agent=(user_agent or "")[:500],
                         version_hash=version.content_hash)
    db.session.add(decline)
    db.session.flush()
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
    if version.mou.is_ended or version.is_superseded:
        raise ServiceError(f"Version {version.number} can no longer be signed", "partner_id")
    party = next((p for p in version.parties if p.partner_id == partner_id), None)
    if party is None:
        raise ServiceError("Choose a party to this version", "partner_id")
    _check_not_answered(version, party)
    if signed_on > utcnow().date() or signed_on < version.issued_at.date():
        raise ServiceError("The date signed must be between the date the version was issued and today",
                           "signed_on")
    evidence = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    mime, extension = sniff_evidence(evidence)
    stem = secure_filename(upload.filename or "").rsplit(".", 1)[0][:100] or "signed-page"
    signature = MouSignature(
        network_id=network.id, version=version, partner_id=party.partner_id, method=SignatureMethod.WET_INK.value,
        user_id=None, recorded_by_id=actor.id, signatory_name=text.normalise_line(signatory_name)[:200],
        signatory_title=text.normalise_line(signatory_title)[:200], signed_at=utcnow(), signed_on=signed_on,
        ip_address=ip_address[:64], user_agent=(user_agent or "")[:500], version_hash=version.content_hash,
        evidence=evidence, evidence_filename=f"{stem}.{extension}", evidence_mime=mime,
        evidence_size=len(evidence), evidence_sha256=hashlib.sha256(evidence).hexdigest())
    db.session.add(signature)
    db.session.flush()
    audit.record_event(signature, "signed", f"Wet-ink signature of {signature.signatory_name} for {party.name} "
                       f"recorded by {actor.full_name}", {"evidence_sha256": signature.evidence_sha256})
    _refresh_status(network, version, actor)
    return signature


def load_evidence(signature_id) -> MouSignature | None:
    """A wet-ink signature with its scan loaded, or None."""
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


# ---------------------------------------------------------------- ending and reminders

def end_mou(mou: Mou, outcome: str, reason: str, actor: User | None) -> Mou:
    """Record that an MOU has been terminated or superseded; it can no longer be edited or signed."""
    _check_editable(mou)
    if outcome not in (MouStatus.TERMINATED, MouStatus.SUPERSEDED):
        raise ServiceError("Choose whether the MOU was terminated or superseded", "outcome")
    reason = text.normalise_text(reason)
    if not reason:
        raise ServiceError("Enter the reason", "reason")
    mou.status = MouStatus(outcome).value
    mou.ended_at = utcnow()
    mou.end_reason = reason
    db.session.flush()
    return mou


def send_reminders(network: Network, mou: Mou) -> int:
    """Email the signatories of every party that has not yet answered the current version."""
    version = mou.current_version
    if version is None or mou.status not in AWAITING:
        raise ServiceError("This MOU is not waiting for signatures")
    waiting = {p.partner_id for p in version.parties if version.answer_for(p.partner_id) is None}
    sent = _notify_signatories(network, version, f"Reminder: MOU awaiting your signature: {mou.title}",
                               f"Version {version.number} of \"{mou.title}\" was issued on "
                               f"{format_date(version.issued_at)} and is still waiting for your signature.",
                               waiting)
    audit.record_event(mou, "reminded", f"Signature reminders sent for version {version.number}",
                       {"emails": sent})
    return sent


# ---------------------------------------------------------------- documents

@dataclass
class CertificateEvent:
    at: object
    event: str
    person: str
    ip_address: str
    detail: str
    sha256: str


def certificate_events(version: MouVersion) -> list[CertificateEvent]:
    """Every event in a version's signing, in time order, for the signing certificate."""
    issuer = version.issued_by.full_name if version.issued_by else "System"
    events = [CertificateEvent(version.issued_at, "Issued for signature", issuer, version.issued_ip,
                               f"Version {version.number}", version.content_hash)]
    names = {p.partner_id: p.name for p in version.parties}
    for s in version.signatures:
        if s.is_wet_ink:
            recorder = s.recorded_by.full_name if s.recorded_by else "System"
            detail = (f"Wet-ink signature dated {format_date(s.signed_on)}, recorded by {recorder}; "
                      f"scan SHA-256 {s.evidence_sha256}")
        else:
            detail = f"Signed electronically; user agent: {s.user_agent or 'not given'}"
        events.append(CertificateEvent(s.signed_at, f"Signed for {names.get(s.partner_id, '')}",
                                       f"{s.signatory_name}, {s.signatory_title}", s.ip_address, detail,
                                       s.version_hash))
    for d in version.declines:
        events.append(CertificateEvent(d.declined_at, f"Declined for {names.get(d.partner_id, '')}",
                                       d.user.full_name, d.ip_address, f"Reason: {d.reason}", d.version_hash))
    events.sort(key=lambda e: e.at)
    if version.is_executed:
        last = events[-1]
        events.append(CertificateEvent(max(s.signed_at for s in version.signatures), "Executed: every party signed",
                                       last.person, last.ip_address, "", version.content_hash))
    return events


def version_pdf(network: Network, version: MouVersion) -> bytes:
    """An issued version as PDF, with its signature page and the signing certificate so far."""
    return render_pdf("mous/pdf/version.html", title=f"{version.title}: version {version.number}",
                      network_name=network.name, draft=False, version=version, mou=version.mou,
                      clauses=version.rendered_clauses, events=certificate_events(version),
                      integrity=integrity(version))


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


# ---------------------------------------------------------------- comparing versions

def diff_choices(mou: Mou, versions: list[MouVersion], include_draft: bool) -> list[tuple[str, str]]:
    """(key, label) of what can be compared: each issued version, and the draft when asked."""
    choices = [(str(v.number), f"Version {v.number}, issued {format_date(v.issued_at)}")
               for v in sorted(versions, key=lambda v: v.number)]
    if include_draft:
        choices.append(("draft", "Current draft"))
    return choices


def content_of(mou: Mou, versions: list[MouVersion], key: str) -> dict | None:
    """The canonical content of a version number or of the draft ('draft'); None when unknown."""
    if key == "draft":
        return draft_content(mou)
    version = next((v for v in versions if str(v.number) == key), None)
    return version_content(version) if version else None


def count_open_comments(mou: Mou) -> int:
    """How many comments on the MOU's draft are still open."""
    return db.session.execute(
        select(func.count(MouComment.id)).where(MouComment.mou_id == mou.id, MouComment.resolved_at.is_(None))
    ).scalar_one()


def comparison(mou: Mou, versions: list[MouVersion], old_key, new_key, include_draft: bool) -> dict | None:
    """Two versions (or a version and the draft) compared clause by clause; defaults to the latest two."""
    choices = diff_choices(mou, versions, include_draft and has_changes(mou))
    keys = [key for key, _ in choices]
    if len(keys) < 2:
        return None
    if old_key not in keys or new_key not in keys or old_key == new_key:
        old_key, new_key = keys[-2], keys[-1]
    fields, clauses = text.diff_content(content_of(mou, versions, old_key), content_of(mou, versions, new_key))
    return {"old": old_key, "new": new_key, "choices": choices, "fields": fields, "clauses": clauses,
            "changed": sum(1 for c in clauses if c.change != "unchanged")}


@dataclass
class Overview:
    mou: Mou
    versions: list[MouVersion]
    documents: dict[int, IssuedDocument]
    can_read_draft: bool
    open_comments: int
    draft_changed: bool
    my_party: MouVersionParty | None


def overview(mou: Mou, membership: Membership) -> Overview:
    """Everything the MOU page shows, loaded up front."""
    db.session.execute(select(Mou).where(Mou.id == mou.id).options(
        selectinload(Mou.parties), selectinload(Mou.varies), selectinload(Mou.current_version)))
    versions = versions_of(mou)
    readable = can_read_draft(mou, membership)
    current = next((v for v in versions if v.number == mou.issued_count), None)
    my_party = None
    if current is not None and membership.partner_id:
        my_party = next((p for p in current.parties if p.partner_id == membership.partner_id), None)
    return Overview(mou, versions, executed_documents(versions), readable,
                    count_open_comments(mou) if readable else 0, readable and has_changes(mou), my_party)
