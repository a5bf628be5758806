"""MOUs: reading them, drafting from the clause library, issuing frozen versions, ending, comparing.

Signing lives in `signing`, comments in `comments`, reminders in `reminders`, PDFs and the archive
in `pdfs`, hashing in `versions`, mail in `notices`, and what each page shows in `pages`.
"""

import uuid

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import audit, clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.permissions import Permission, role_can
from governance.extensions import db
from governance.mous import chain, notices, text
from governance.mous.access import can_draft
from governance.mous.clauses import LIBRARY
from governance.mous.models import (
    AWAITING,
    EndDateKind,
    Mou,
    MouAnswer,
    MouClause,
    MouComment,
    MouDecline,
    MouSignature,
    MouStatus,
    MouVersion,
    MouVersionParty,
    parse_id,
)
from governance.mous.versions import draft_content, has_changes, hash_of, party_order, version_content
from governance.networks.models import Membership, Network
from governance.partners.models import Partner

# ---------------------------------------------------------------- reading


def title_options():
    """What a title, a status and the parties read from: the versions issued and in force, the MOU varied."""
    return (selectinload(Mou.current_version).selectinload(MouVersion.parties),
            selectinload(Mou.in_force_version).selectinload(MouVersion.signatures),
            selectinload(Mou.varies).selectinload(Mou.current_version))


def mous_query(membership: Membership, invited: set[int] | None = None):
    """The MOUs this member may see, newest activity first, with what the list shows."""
    query = (select(Mou).options(selectinload(Mou.parties), *title_options())
             .order_by(Mou.updated_at.desc(), Mou.id.desc()))
    if not can_draft(membership):
        query = query.where(or_(Mou.issued_count > 0, Mou.id.in_(invited or set())))
    return query


def load_draft(mou_id: int) -> Mou | None:
    """An MOU with its draft clauses, their comments and replies, and everything the draft page shows."""
    comment_options = (selectinload(MouComment.author), selectinload(MouComment.resolved_by))
    return db.session.execute(
        select(Mou).where(Mou.id == mou_id).options(
            selectinload(Mou.parties), *title_options(),
            selectinload(Mou.clauses).selectinload(MouClause.comments).options(*comment_options))
    ).scalar_one_or_none()


def _version_options():
    return (selectinload(MouVersion.mou).options(*title_options()),
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


def variations_of(mou: Mou, include_drafts: bool) -> list[Mou]:
    """The variations of an MOU, in order; those never issued only for readers of drafts."""
    query = (select(Mou).where(Mou.varies_id == mou.id).options(*title_options())
             .order_by(Mou.variation_number, Mou.id))
    if not include_drafts:
        query = query.where(Mou.issued_count > 0)
    return list(db.session.execute(query).scalars())


def awaiting_signature_query(membership: Membership):
    """Current versions the member's partner has neither signed nor declined, oldest first."""
    query = (select(MouVersion).join(Mou, Mou.id == MouVersion.mou_id)
             .join(MouVersionParty, MouVersionParty.version_id == MouVersion.id)
             .options(selectinload(MouVersion.mou), selectinload(MouVersion.parties))
             .order_by(MouVersion.issued_at, MouVersion.id))
    if not (membership.is_authorised_signatory and membership.partner_id
            and role_can(membership.role, Permission.MOUS_SIGN)):
        return query.where(false())
    answered = select(MouAnswer.version_id).where(MouAnswer.partner_id == membership.partner_id)
    return query.where(MouVersionParty.partner_id == membership.partner_id,
                       MouVersion.number == Mou.issued_count, Mou.status.in_([s.value for s in AWAITING]),
                       MouVersion.id.not_in(answered))


def awaiting_in_networks(memberships: list[Membership]) -> dict[int, int]:
    """For the network chooser: how many current versions await each membership's signature, across
    the user's networks, in one query (only authorised signatories of a partner, with a role that signs)."""
    by_partner = {m.partner_id: m.id for m in memberships
                  if m.active and m.is_authorised_signatory and m.partner_id and role_can(m.role, Permission.MOUS_SIGN)}
    if not by_partner:
        return {}
    answered = select(MouAnswer.id).where(MouAnswer.version_id == MouVersion.id,
                                          MouAnswer.partner_id == MouVersionParty.partner_id)
    rows = db.session.execute(
        select(MouVersionParty.partner_id, func.count())
        .join(MouVersion, MouVersion.id == MouVersionParty.version_id).join(Mou, Mou.id == MouVersion.mou_id)
        .where(MouVersionParty.partner_id.in_(list(by_partner)), MouVersion.number == Mou.issued_count,
               Mou.status.in_([s.value for s in AWAITING]), ~answered.exists())
        .group_by(MouVersionParty.partner_id).execution_options(all_networks=True))
    return {by_partner[partner_id]: number for partner_id, number in rows}


def describe_awaiting(number: int) -> str:
    return f"{number} MOU{'' if number == 1 else 's'} awaiting your signature"


def awaiting_signature(membership: Membership, limit: int = 5) -> list[MouVersion]:
    """The first few versions waiting for this member's signature, for the MOU list and the overview."""
    return list(db.session.execute(awaiting_signature_query(membership).limit(limit)).scalars())


# ---------------------------------------------------------------- drafting

def _check_details(data: dict, checks: Checks) -> None:
    if data["start_date"] and data["end_date"] and data["end_date"] <= data["start_date"]:
        checks.add("The end or review date must be after the start date", "end_date")


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
    exists = varies_id is not None and db.session.execute(
        select(Mou.id).where(Mou.id == varies_id, Mou.varies_id.is_(None))).first()
    if not exists or (mou is not None and mou.id == varies_id):
        raise ServiceError("Choose an MOU of this network, other than this one and not a variation", "varies_id")
    return varies_id


def _number_variation(mou: Mou, varies_id: int | None) -> None:
    """Give a variation the next number among the variations of the MOU it varies."""
    if varies_id == mou.varies_id and (varies_id is None or mou.variation_number):
        return
    if varies_id is None:
        mou.varies_id = mou.variation_number = None
        return
    serialise_on(db.session.get(Mou, varies_id))  # two variations made at once get different numbers
    highest = db.session.execute(select(func.max(Mou.variation_number)).where(Mou.varies_id == varies_id))
    mou.varies_id, mou.variation_number = varies_id, (highest.scalar_one() or 0) + 1


def _apply_details(mou: Mou, data: dict) -> None:
    mou.title = text.normalise_line(data["title"])
    mou.purpose = text.normalise_text(data.get("purpose"))
    mou.start_date = data["start_date"]
    mou.end_date = data["end_date"]
    mou.end_date_kind = EndDateKind(data.get("end_date_kind") or EndDateKind.END).value


def _checked_details(data: dict, mou: Mou | None = None) -> tuple[list[Partner], int | None]:
    """The parties and the MOU varied, with every problem of the form reported at once."""
    checks = Checks()
    _check_details(data, checks)
    parties = checks.run(_partners, data.get("parties"))
    varies_id = checks.run(_varies, data.get("varies_id"), mou)
    checks.raise_any()
    return parties, varies_id


def create_mou(network: Network, data: dict, actor: User | None) -> Mou:
    """Start a draft MOU with its parties and every clause of the library."""
    parties, varies_id = _checked_details(data)
    mou = Mou(network_id=network.id, status=MouStatus.DRAFT.value, created_by_id=actor.id if actor else None)
    _number_variation(mou, varies_id)
    _apply_details(mou, data)
    mou.parties = parties
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
    parties, varies_id = _checked_details(data, mou)
    _number_variation(mou, varies_id)
    _apply_details(mou, data)
    if {p.id for p in parties} != {p.id for p in mou.parties}:
        mou.parties = parties
        audit.record_event(mou, "parties", "Parties changed", {"parties": [p.name for p in parties]})
    db.session.flush()
    return mou


def mou_choices(exclude: Mou | None = None) -> list[tuple[int, str]]:
    """(id, title) of the network's MOUs, for choosing the MOU a variation varies."""
    rows = db.session.execute(select(Mou.id, Mou.title).where(Mou.varies_id.is_(None)).order_by(Mou.title))
    return [(row.id, row.title) for row in rows if exclude is None or row.id != exclude.id]


def library_choices(mou: Mou) -> list[tuple[str, str]]:
    """(key, heading) of the library's clauses that the draft does not have."""
    present = {clause.key for clause in mou.clauses}
    return [(clause.key, clause.heading) for clause in LIBRARY if clause.key not in present]


def library_clause(key: str | None):
    """The library clause with this key, or None."""
    return next((clause for clause in LIBRARY if clause.key == key), None)


def add_clause(mou: Mou, heading: str, body: str, library_key: str | None = None) -> MouClause:
    """Add a clause at the end of the draft; one taken from the library keeps its key (for comparing)."""
    _check_editable(mou)
    taken = {c.key for c in mou.clauses}
    key = library_key if library_clause(library_key) and library_key not in taken else uuid.uuid4().hex[:12]
    position = max((c.position for c in mou.clauses), default=-1) + 1
    clause = MouClause(network_id=mou.network_id, key=key, position=position,
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
    db.session.flush()
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


def unfilled_placeholders(mou: Mou) -> list[tuple[str, list[str]]]:
    """Clauses of the draft that still hold library placeholders, with the placeholders."""
    found = [(clause.heading, text.placeholders(clause.body)) for clause in mou.clauses]
    return [(heading, items) for heading, items in found if items]


def blank_clauses(mou: Mou) -> list[str]:
    """Headings of the draft's clauses that have no text."""
    return [clause.heading for clause in sorted(mou.clauses, key=lambda c: c.position) if clause.is_blank]


# ---------------------------------------------------------------- issuing

def was_declined(mou: Mou) -> bool:
    """Whether a party declined the current version: it can then be issued again even unchanged."""
    current = mou.current_version
    return current is not None and bool(current.declines)


def draft_fingerprint(mou: Mou) -> str:
    """A hash of the draft as it stands, so issuing can tell whether it changed since it was shown."""
    return text.content_hash(draft_content(mou))


def _check_issuable(mou: Mou, expected_fingerprint: str | None) -> None:
    _check_editable(mou)
    if expected_fingerprint and expected_fingerprint != draft_fingerprint(mou):
        raise ServiceError("Someone changed the draft after you opened this page. Read the draft again, "
                           "then issue it again if it is ready")
    checks = Checks()
    if len(mou.parties) < 2:
        checks.add("Add at least two parties before issuing the MOU for signature")
    if not mou.clauses:
        checks.add("Add at least one clause before issuing the MOU for signature")
    for heading in blank_clauses(mou):
        checks.add(f"The clause \"{heading}\" has no text. Write its text or remove the clause before issuing")
    if not checks.problems and not has_changes(mou) and not was_declined(mou):
        checks.add(f"Nothing has changed since version {mou.issued_count} was issued")
    checks.raise_any()


def issue_version(network: Network, mou: Mou, actor: User | None, ip_address: str,
                  expected_fingerprint: str | None = None) -> MouVersion:
    """Freeze the draft as the next version for signature; a version in force stays so until this executes."""
    serialise_on(mou)  # two issues at once (a double click) make one version
    _check_issuable(mou, expected_fingerprint)
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
    chain.record_version(version, actor.id if actor else None)
    audit.record_event(version, "issued", f"Version {number} of {mou.title} issued for signature",
                       {"sha256": version.content_hash, "ip_address": ip_address})
    notices.ask_to_sign(network, version)
    return version


# ---------------------------------------------------------------- ending

def end_mou(mou: Mou, outcome: str, reason: str, actor: User | None) -> Mou:
    """Record that an MOU has been terminated or superseded; it can no longer be edited or signed."""
    serialise_on(mou)
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


def comparison(mou: Mou, versions: list[MouVersion], old_key, new_key, include_draft: bool) -> dict | None:
    """Two versions (or a version and the draft) compared clause by clause; defaults to the latest two."""
    choices = diff_choices(mou, versions, include_draft and has_changes(mou))
    keys = [key for key, _ in choices]
    if len(keys) < 2:
        return None
    if old_key not in keys or new_key not in keys or old_key == new_key:
        old_key, new_key = keys[-2], keys[-1]
    fields, clauses = text.diff_content(content_of(mou, versions, old_key), content_of(mou, versions, new_key),
                                        frozen="draft" not in (old_key, new_key))
    labels = dict(choices)
    return {"old": old_key, "new": new_key, "choices": choices, "fields": fields, "clauses": clauses,
            "old_label": labels[old_key], "new_label": labels[new_key],
            "changed": sum(1 for c in clauses if c.change != "unchanged"),
            "replaced": sum(1 for c in clauses if not c.word_by_word)}
