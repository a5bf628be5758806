"""MOUs: drafting from the clause library, comments, issuing frozen versions, reminders, comparing.

Signing lives in `signing`, PDFs and the archive in `pdfs`, hashing in `versions`; their public
functions are re-exported here so that callers can keep using `services.<name>`.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import audit, clock
from governance.core.concurrency import check_version
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.outbox import external_url, queue_mail
from governance.core.permissions import Permission, role_can
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.mous import text
from governance.mous.clauses import LIBRARY
from governance.mous.models import (
    AWAITING,
    EndDateKind,
    Mou,
    MouClause,
    MouComment,
    MouCommentInvitation,
    MouDecline,
    MouSignature,
    MouStatus,
    MouVersion,
    MouVersionParty,
    mou_parties,
    parse_id,
)
from governance.mous.pdfs import EXECUTED_KIND as EXECUTED_KIND
from governance.mous.pdfs import CertificateEvent as CertificateEvent
from governance.mous.pdfs import archive_executed as archive_executed
from governance.mous.pdfs import certificate_events as certificate_events
from governance.mous.pdfs import draft_pdf as draft_pdf
from governance.mous.pdfs import executed_document as executed_document
from governance.mous.pdfs import executed_documents
from governance.mous.pdfs import version_pdf as version_pdf
from governance.mous.signing import EVIDENCE_TYPES as EVIDENCE_TYPES
from governance.mous.signing import check_can_answer as check_can_answer
from governance.mous.signing import decline_mou_version as decline_mou_version
from governance.mous.signing import load_evidence as load_evidence
from governance.mous.signing import record_wet_ink_signature as record_wet_ink_signature
from governance.mous.signing import sign_mou_version as sign_mou_version
from governance.mous.signing import signing_refusal as signing_refusal
from governance.mous.signing import sniff_evidence as sniff_evidence
from governance.mous.signing import wet_ink_choices as wet_ink_choices
from governance.mous.versions import Integrity as Integrity
from governance.mous.versions import RecordCheck as RecordCheck
from governance.mous.versions import compute_hash as compute_hash
from governance.mous.versions import draft_content, has_changes, hash_of, party_order, version_content
from governance.mous.versions import integrity as integrity
from governance.mous.versions import record_hash as record_hash
from governance.mous.versions import verify as verify
from governance.networks.models import Membership, Network
from governance.partners.models import Partner

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
    query = (select(Mou).options(selectinload(Mou.parties),
                                 selectinload(Mou.current_version).selectinload(MouVersion.parties))
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
    number = parse_id(number)
    if number is None:
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
            rows.append(Outstanding(mou, version, party, answer, (clock.now() - version.issued_at).days, []))
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
    ids = {parse_id(i) for i in partner_ids or []}
    if None in ids:
        raise ServiceError("Choose parties from this network's partners", "parties")
    partners = list(db.session.execute(select(Partner).where(Partner.id.in_(ids))).scalars()) if ids else []
    if len(partners) != len(ids):
        raise ServiceError("Choose parties from this network's partners", "parties")
    if len(partners) < 2:
        raise ServiceError("Choose at least two parties", "parties")
    return sorted(partners, key=party_order)


def _varies(varies_id, mou: Mou | None = None) -> int | None:
    if not varies_id:
        return None
    varies_id = parse_id(varies_id)
    exists = varies_id is not None and db.session.execute(select(Mou.id).where(Mou.id == varies_id)).first()
    if not exists or (mou is not None and mou.id == varies_id):
        raise ServiceError("Choose an MOU of this network, other than this one", "varies_id")
    return varies_id


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
    membership_id = parse_id(membership_id)
    member = membership_id and db.session.execute(
        select(Membership).where(Membership.id == membership_id)).scalar_one_or_none()
    if member is None or member.id not in {choice[0] for choice in commenter_choices(mou)}:
        raise ServiceError("Choose a member who can comment and is not already invited", "membership_id")
    invitation = MouCommentInvitation(network_id=mou.network_id, mou_id=mou.id, user_id=member.user_id,
                                      invited_by_id=actor.id if actor else None)
    db.session.add(invitation)
    db.session.flush()
    inviter = actor.full_name if actor else "The board secretary"
    queue_mail(member.user.email, "mou_comment_invitation", network_id=mou.network_id,
               full_name=member.user.full_name, inviter=inviter, mou_title=mou.title,
               link=external_url("mous.draft", network_slug=member.network.slug, mou_id=mou.id))
    return invitation


def add_comment(mou: Mou, clause: MouClause, body: str, author: User) -> MouComment:
    """Comment on one clause of the draft."""
    if clause.mou_id != mou.id:
        raise ServiceError("That clause is not part of this MOU", "body")
    if mou.is_ended:
        raise ServiceError(f"This MOU has been {MouStatus(mou.status).label.lower()}; it is closed for comments",
                           "body")
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
    if comment.is_open != resolved:
        return comment  # already as asked (a form sent twice): keep who resolved it and when
    comment.resolved_at = clock.now() if resolved else None
    comment.resolved_by_id = membership.user_id if resolved else None
    db.session.flush()
    return comment


def was_declined(mou: Mou) -> bool:
    """Whether a party declined the current version: it can then be issued again even unchanged."""
    current = mou.current_version
    return current is not None and bool(current.declines)


def draft_fingerprint(mou: Mou) -> str:
    """A hash of the draft as it stands, so issuing can tell whether it changed since it was shown."""
    return text.content_hash(draft_content(mou))


def issue_version(network: Network, mou: Mou, actor: User | None, ip_address: str,
                  expected_fingerprint: str | None = None) -> MouVersion:
    """Freeze the draft as the next version for signature; any earlier version is superseded."""
    _check_editable(mou)
    if expected_fingerprint and expected_fingerprint != draft_fingerprint(mou):
        raise ServiceError("Someone changed the draft after you opened this page. Read the draft again, "
                           "then issue it again if it is ready")
    if len(mou.parties) < 2:
        raise ServiceError("Add at least two parties before issuing the MOU for signature")
    if not mou.clauses:
        raise ServiceError("Add at least one clause before issuing the MOU for signature")
    if not has_changes(mou) and not was_declined(mou):
        raise ServiceError(f"Nothing has changed since version {mou.issued_count} was issued")
    content = draft_content(mou)
    number = mou.issued_count + 1
    version = MouVersion(
        network_id=network.id, mou_id=mou.id, number=number, title=content["title"], purpose=content["purpose"],
        start_date=mou.start_date, end_date=mou.end_date, end_date_kind=content["end_date_kind"],
        clauses=content["clauses"], issued_by_id=actor.id if actor else None, issued_ip=ip_address[:64],
        content_hash=hash_of(mou.id, number, content),
        parties=[MouVersionParty(network_id=network.id, partner_id=p["partner_id"], position=i, name=p["name"],
                                 ods_code=p["ods_code"]) for i, p in enumerate(content["parties"])])
    db.session.add(version)
    mou.issued_count = number
    mou.status = MouStatus.OUT_FOR_SIGNATURE.value
    db.session.flush()
    db.session.expire(mou, ["current_version", "versions"])
    audit.record_event(version, "issued", f"Version {number} of {mou.title} issued for signature",
                       {"sha256": version.content_hash, "ip_address": ip_address})
    _notify_signatories(network, version)
    return version


def _notify_signatories(network: Network, version: MouVersion, partner_ids: set[int] | None = None, *,
                        reminder: bool = False) -> int:
    partner_ids = partner_ids if partner_ids is not None else {p.partner_id for p in version.parties}
    names = {p.partner_id: p.name for p in version.parties}
    link = external_url("mous.sign", network_slug=network.slug, mou_id=version.mou_id, number=version.number)
    sent = 0
    for partner_id, members in signatories_by_partner(partner_ids).items():
        for membership in members:
            queue_mail(membership.user.email, "mou_signature_request", network_id=network.id,
                       full_name=membership.user.full_name, mou_title=version.title, number=version.number,
                       partner_name=names.get(partner_id, ""), issued_on=format_date(version.issued_at),
                       reminder=reminder, link=link)
            sent += 1
    return sent


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
    mou.ended_at = clock.now()
    mou.end_reason = reason
    db.session.flush()
    return mou


def send_reminders(network: Network, mou: Mou) -> int:
    """Email the signatories of every party that has not yet answered the current version."""
    version = mou.current_version
    if version is None or mou.status not in AWAITING:
        raise ServiceError("This MOU is not waiting for signatures")
    waiting = {p.partner_id for p in version.parties if version.answer_for(p.partner_id) is None}
    sent = _notify_signatories(network, version, waiting, reminder=True)
    audit.record_event(mou, "reminded", f"Signature reminders sent for version {version.number}",
                       {"emails": sent})
    return sent


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


def unfilled_placeholders(mou: Mou) -> list[tuple[str, list[str]]]:
    """Clauses of the draft that still hold library placeholders, with the placeholders."""
    found = [(clause.heading, text.placeholders(clause.body)) for clause in mou.clauses]
    return [(heading, items) for heading, items in found if items]


def overview(mou: Mou, membership: Membership) -> Overview:
    """Everything the MOU page shows, loaded up front."""
    db.session.execute(select(Mou).where(Mou.id == mou.id).options(
        selectinload(Mou.parties), selectinload(Mou.varies), selectinload(Mou.clauses),
        selectinload(Mou.current_version))).scalars().all()  # fetched, so the eager loads run
    versions = versions_of(mou)
    readable = can_read_draft(mou, membership)
    current = next((v for v in versions if v.number == mou.issued_count), None)
    my_party = None
    if current is not None and membership.partner_id:
        my_party = next((p for p in current.parties if p.partner_id == membership.partner_id), None)
    return Overview(mou, versions, executed_documents(versions), readable,
                    count_open_comments(mou) if readable else 0, readable and has_changes(mou), my_party)
