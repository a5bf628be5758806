"""What each MOU page shows, decided here: templates only display it.

Readers who may not read the draft see only what was issued: the current version's title,
parties and term. An executed version stays in force until a later version is executed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from governance.core.formatting import format_date
from governance.core.permissions import Permission, role_can
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.mous import access, comments, reminders, services, signing, text
from governance.mous.models import (
    AWAITING,
    AnswerStatus,
    Mou,
    MouComment,
    MouDecline,
    MouSignature,
    MouStatus,
    MouVersion,
    MouVersionParty,
    mou_parties,
)
from governance.mous.pdfs import executed_document, executed_documents
from governance.mous.versions import Integrity, has_changes, integrity, version_content
from governance.networks.models import Membership


def standing(mou: Mou) -> str:
    """Where the MOU stands, in one sentence: what is in force and what awaits signatures."""
    if mou.is_ended:
        return f"{MouStatus(mou.status).label} on {format_date(mou.ended_at)}"
    current, in_force = mou.current_version, mou.in_force
    if current is None:
        return "Not yet issued for signature"
    parts = []
    if in_force is not None and in_force.has_expired:
        parts.append(f"version {in_force.number} expired on {format_date(in_force.end_date)}")
    elif in_force is not None:
        parts.append(f"in force: version {in_force.number} (executed {format_date(in_force.executed_at)})")
    if current.number != mou.in_force_number:
        parts.append(f"version {current.number} awaiting signatures")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:]


def term(record) -> str:
    kind = " (review)" if record.end_date_kind == "review" else ""
    return f"{format_date(record.start_date)} to {format_date(record.end_date)}{kind}"


@dataclass
class MouRow:
    mou: Mou
    title: str
    parties: list[str]
    status: MouStatus
    standing: str
    term: str


def mou_row(mou: Mou) -> MouRow:
    """An MOU as lists show it to everyone: what was issued (a draft only before the first issue)."""
    issued = mou.current_version
    source = issued or mou
    parties = [p.name for p in (issued.parties if issued else mou.parties)]
    return MouRow(mou, mou.issued_title, parties, mou.effective_status, standing(mou), term(source))


def mou_rows(mous: list[Mou]) -> list[MouRow]:
    return [mou_row(mou) for mou in mous]


# ---------------------------------------------------------------- answers of one version, for tables

@dataclass
class PartyAnswer:
    party: MouVersionParty
    status: AnswerStatus
    signature: MouSignature | None = None
    decline: MouDecline | None = None
    when: datetime | None = None
    last_reminded: date | None = None
    problem: str = ""


def party_answers(version: MouVersion, with_problems: bool = False) -> list[PartyAnswer]:
    """Each party's answer to a version; for drafters also who cannot be reminded and when they were."""
    outstanding = {}
    if with_problems and version.is_current and version.mou.status in AWAITING:
        outstanding = {row.party.partner_id: row for row in reminders.outstanding_parties([version.mou])}
    rows = []
    for party in version.parties:
        answer = version.answer_for(party.partner_id)
        row = PartyAnswer(party, version.answer_status(party.partner_id))
        if isinstance(answer, MouSignature):
            row.signature, row.when = answer, answer.signed_at
        elif isinstance(answer, MouDecline):
            row.decline, row.when = answer, answer.declined_at
        waiting = outstanding.get(party.partner_id)
        if waiting is not None:
            row.last_reminded, row.problem = waiting.last_reminded, waiting.problem
        rows.append(row)
    return rows


# ---------------------------------------------------------------- the MOU page

@dataclass
class Overview:
    mou: Mou
    title: str
    standing: str
    status: MouStatus
    versions: list[MouVersion]
    documents: dict[int, IssuedDocument]
    current: MouVersion | None
    in_force: MouVersion | None
    details: MouVersion | Mou  # what the summary shows: the current version, or the draft before it
    answers: list[PartyAnswer]
    variations: list[MouRow]
    varies_title: str
    can_read_draft: bool
    can_draft: bool  # and the MOU is not ended
    can_issue: bool
    can_manage_signing: bool
    open_comments: int
    draft_changed: bool
    sign_party: MouVersionParty | None  # the member's party, when it awaits their signature
    can_compare: bool
    will_supersede: MouVersion | None  # issuing again replaces this version (not the one in force)


def _sign_party(version: MouVersion | None, membership: Membership) -> MouVersionParty | None:
    """The member's party when the version awaits its signature and they may sign for it."""
    if version is None or version.mou.status not in AWAITING or not membership.is_authorised_signatory:
        return None
    if not (membership.partner_id and role_can(membership.role, Permission.MOUS_SIGN)):
        return None
    party = next((p for p in version.parties if p.partner_id == membership.partner_id), None)
    return party if party is not None and version.answer_for(party.partner_id) is None else None


def overview(mou: Mou, membership: Membership) -> Overview:
    """Everything the MOU page shows, loaded up front."""
    db.session.execute(select(Mou).where(Mou.id == mou.id).options(
        selectinload(Mou.parties), selectinload(Mou.clauses),
        *services.title_options())).scalars().all()  # fetched, so the eager loads run
    versions = services.versions_of(mou)
    readable = access.can_read_draft(mou, membership)
    drafter = access.can_draft(membership) and not mou.is_ended
    current = next((v for v in versions if v.number == mou.issued_count), None)
    changed = readable and has_changes(mou)
    return Overview(
        mou=mou, title=mou.issued_title, standing=standing(mou), status=mou.effective_status, versions=versions,
        documents=executed_documents(versions), current=current, in_force=mou.in_force, details=current or mou,
        answers=party_answers(current, with_problems=drafter) if current else [],
        variations=mou_rows(services.variations_of(mou, include_drafts=readable)),
        varies_title=mou.varies.issued_title if mou.varies is not None else "",
        can_read_draft=readable, can_draft=drafter,
        can_issue=drafter and (changed or services.was_declined(mou)),
        can_manage_signing=drafter and current is not None and mou.status in AWAITING,
        open_comments=comments.count_open_comments(mou) if readable else 0, draft_changed=changed,
        sign_party=_sign_party(current, membership), can_compare=len(versions) > 1 or changed,
        will_supersede=current if current is not None and current.number != mou.in_force_number else None)


# ---------------------------------------------------------------- a version's page

@dataclass
class VersionPage:
    version: MouVersion
    integrity: Integrity
    document: IssuedDocument | None
    answers: list[PartyAnswer]
    notice: tuple[str, str, int] | None  # (heading, words, later version): superseded, or in force meanwhile
    refusal: str | None
    can_sign: bool
    can_record_wet_ink: bool
    next_steps: list[str] = field(default_factory=list)


def _version_notice(version: MouVersion) -> tuple[str, str, int] | None:
    mou = version.mou
    if version.is_in_force and mou.issued_count > version.number:
        return (f"In force until version {mou.issued_count} is executed",
                f"Version {mou.issued_count} has been issued and is awaiting signatures. This version stays in "
                f"force until version {mou.issued_count} is executed.", mou.issued_count)
    if version.status == MouStatus.SUPERSEDED:
        later = mou.in_force_number if (mou.in_force_number or 0) > version.number else mou.issued_count
        return "Superseded", f"This version has been superseded by version {later}. Its signatures stay with it.", later
    return None


def next_steps(version: MouVersion, membership: Membership) -> list[str]:
    """After the member's party has answered: what happens next, in plain words."""
    answer = version.answer_for(membership.partner_id) if membership.partner_id else None
    if answer is None:
        return []
    if isinstance(answer, MouDecline):
        return ["You declined to sign this version. The board secretary can see your reason and may issue a new "
                "version; you will be emailed when they do."]
    if version.is_executed:
        return [f"Every party has signed: version {version.number} is executed and is now the version in force.",
                "Every party's signatories and the board secretary have been emailed the executed PDF. You can "
                "also download it from this page."]
    waiting = [p.name for p in version.parties if version.answer_for(p.partner_id) is None]
    signed = sum(1 for p in version.parties if isinstance(version.answer_for(p.partner_id), MouSignature))
    return [f"{signed} of {len(version.parties)} parties have signed. Still to sign: {', '.join(waiting)}."
            if waiting else "Every party has answered.",
            "You do not need to do anything else. When every party has signed, the MOU is executed and you will "
            "be emailed the executed PDF."]


def version_page(version: MouVersion, membership: Membership) -> VersionPage:
    """Everything a version's page shows."""
    drafter = access.can_draft(membership)
    refusal = signing.signing_refusal(version, membership)
    awaiting = version.is_current and version.mou.status in AWAITING
    return VersionPage(
        version=version, integrity=integrity(version), document=executed_document(version),
        answers=party_answers(version, with_problems=drafter), notice=_version_notice(version),
        refusal=refusal if role_can(membership.role, Permission.MOUS_SIGN) else None,
        can_sign=refusal is None, can_record_wet_ink=drafter and awaiting and not version.mou.is_ended,
        next_steps=next_steps(version, membership))


# ---------------------------------------------------------------- the signing page

@dataclass
class Changes:
    since: MouVersion
    label: str
    fields: list
    clauses: list


def _last_signed(partner_id: int, mou_id: int, before: int | None = None) -> MouVersion | None:
    query = (select(MouVersion).join(MouSignature, MouSignature.version_id == MouVersion.id)
             .where(MouVersion.mou_id == mou_id, MouSignature.partner_id == partner_id)
             .options(selectinload(MouVersion.parties), selectinload(MouVersion.mou))
             .order_by(MouVersion.number.desc()).limit(1))
    if before is not None:
        query = query.where(MouVersion.number < before)
    return db.session.execute(query).scalar_one_or_none()


def changes_since_signed(version: MouVersion, partner_id: int | None) -> Changes | None:
    """For a new version or a variation: what changed since the version this party last signed."""
    if not partner_id:
        return None
    earlier = _last_signed(partner_id, version.mou_id, before=version.number)
    label = f"version {earlier.number}" if earlier else ""
    if earlier is None and version.mou.varies_id:
        earlier = _last_signed(partner_id, version.mou.varies_id)
        label = f"{earlier.title}, version {earlier.number}" if earlier else ""
    if earlier is None:
        return None
    fields, clauses = text.diff_content(version_content(earlier), version_content(version), frozen=True)
    return Changes(earlier, label, [f for f in fields if f.changed], [c for c in clauses if c.change != "unchanged"])


@dataclass
class SignPage:
    version: MouVersion
    party: MouVersionParty | None
    refusal: str | None
    account_name: str
    account_email: str
    changes: Changes | None


def sign_page(version: MouVersion, membership: Membership, with_changes: bool = True) -> SignPage:
    """The signing (or declining) page: who signs for which party, or why they cannot; what changed."""
    refusal = signing.signing_refusal(version, membership)
    party = next((p for p in version.parties if p.partner_id == membership.partner_id), None)
    changes = changes_since_signed(version, membership.partner_id) if with_changes and not refusal else None
    return SignPage(version, party, refusal, membership.user.full_name, membership.user.email, changes)


# ---------------------------------------------------------------- the draft page

@dataclass
class Thread:
    comment: MouComment
    replies: list[MouComment]
    can_resolve: bool


@dataclass
class DraftClause:
    clause: object
    threads: list[Thread]
    open_count: int


@dataclass
class DraftPage:
    mou: Mou
    clauses: list[DraftClause]
    orphans: list[MouComment]
    can_edit: bool
    can_comment: bool
    can_resolve_any: bool
    due_on: date | None
    comments_closed: bool


def _threads(items: list[MouComment], membership: Membership, can_comment: bool) -> list[Thread]:
    drafter = access.can_draft(membership)
    replies: dict[int, list[MouComment]] = {}
    for item in items:
        if item.reply_to_id:
            replies.setdefault(item.reply_to_id, []).append(item)
    return [Thread(c, replies.get(c.id, []), can_comment and (drafter or c.author_id == membership.user_id))
            for c in items if not c.reply_to_id]


def draft_page(mou: Mou, membership: Membership) -> DraftPage:
    """The draft with its comments threaded, and what this member may do on it."""
    can_comment = access.can_comment(mou, membership) and not mou.is_ended
    clauses = []
    for clause in sorted(mou.clauses, key=lambda c: c.position):
        threads = _threads(clause.comments, membership, can_comment)
        clauses.append(DraftClause(clause, threads, sum(1 for t in threads if t.comment.is_open)))
    return DraftPage(mou, clauses, comments.orphan_comments(mou), access.can_draft(membership) and not mou.is_ended,
                     can_comment, access.can_draft(membership), mou.comments_due_on, access.comments_closed(mou))


# ---------------------------------------------------------------- the partner page and the overview card

@dataclass
class PartnerMou:
    mou: Mou
    title: str
    version: MouVersion | None
    answer: MouSignature | MouDecline | None
    label: str
    status: MouStatus


def _partner_label(mou: Mou, version: MouVersion | None, partner_id: int) -> str:
    if version is None:
        return "Draft, not yet issued"
    in_force = mou.in_force
    prefix = (f"In force: version {in_force.number}, executed {format_date(in_force.executed_at)}. "
              if in_force is not None and in_force is not version else "")
    if all(p.partner_id != partner_id for p in version.parties):
        return f"{prefix}Not a party to version {version.number}"
    answer = version.answer_for(partner_id)
    if isinstance(answer, MouSignature):
        label = f"Signed version {version.number} on {format_date(answer.signed_at)}"
    elif isinstance(answer, MouDecline):
        label = f"Declined version {version.number} on {format_date(answer.declined_at)}"
    elif mou.is_ended:
        label = MouStatus(mou.status).label
    else:
        label = f"Version {version.number} awaiting signature since {format_date(version.issued_at)}"
    return prefix + label


def mous_for_partner(partner_id: int, include_drafts: bool = False) -> list[PartnerMou]:
    """A partner's MOUs and where each stands for that partner; drafts only for drafters."""
    in_version = (select(MouVersion.mou_id).join(MouVersionParty, MouVersionParty.version_id == MouVersion.id)
                  .where(MouVersionParty.partner_id == partner_id))
    linked = Mou.id.in_(in_version)
    if include_drafts:
        linked = or_(linked, Mou.id.in_(select(mou_parties.c.mou_id).where(mou_parties.c.partner_id == partner_id)))
    query = (select(Mou).where(linked)
             .options(*services.title_options(), selectinload(Mou.current_version).options(
                 selectinload(MouVersion.signatures), selectinload(MouVersion.declines)))
             .order_by(Mou.start_date.desc(), Mou.id.desc()))
    if not include_drafts:
        query = query.where(Mou.issued_count > 0)
    rows = []
    for mou in db.session.execute(query).scalars():
        version = mou.current_version
        rows.append(PartnerMou(mou, mou.issued_title, version, version.answer_for(partner_id) if version else None,
                               _partner_label(mou, version, partner_id), mou.effective_status))
    return rows


def partner_section(partner, membership: Membership) -> dict:
    return {"partner_mous": mous_for_partner(partner.id, include_drafts=access.can_draft(membership))}
