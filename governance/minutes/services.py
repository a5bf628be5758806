"""Drafting, circulating and approving a meeting's minutes, and what each version of them says.

The content of the minutes (attendance, quorum, each item's discussion, decisions and actions) is
assembled here once, as plain data, for the page, the draft PDF, the approved record and the public
version alike; the public version leaves out confidential items.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock, ledger
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.outbox import external_url, queue_mail
from governance.core.pdf import render_pdf
from governance.core.text import clean_text
from governance.decisions import records
from governance.decisions.models import BoardAction, Decision, Outcome, Route
from governance.declarations import at_meetings
from governance.documents.models import IssuedDocument
from governance.documents.services import issue_document
from governance.extensions import db
from governance.meetings import agenda, attendance, notices
from governance.meetings.meeting_models import AgendaItem, AttendanceStatus, Meeting, MeetingAttendance
from governance.minutes.models import ApprovedMinutes, Minutes, MinutesStatus
from governance.networks.models import Membership, Network

TEXT_LIMIT = 20_000
KIND = "minutes"
PUBLIC_KIND = "minutes_public"


def is_held(meeting: Meeting) -> bool:
    return meeting.has_started and not meeting.is_cancelled


def minutes_of(meeting: Meeting) -> Minutes | None:
    return db.session.execute(select(Minutes).where(Minutes.meeting_id == meeting.id)).scalar_one_or_none()


def approved_of(meeting: Meeting) -> ApprovedMinutes | None:
    return db.session.execute(select(ApprovedMinutes).where(ApprovedMinutes.meeting_id == meeting.id)
                              .options(selectinload(ApprovedMinutes.decision))).scalar_one_or_none()


# What the minutes say --------------------------------------------------------------------------

def _attendance(meeting: Meeting) -> dict:
    groups: dict[str, list[str]] = {"present": [], "apologies": [], "absent": [], "in_attendance": []}
    for record in db.session.execute(select(MeetingAttendance).where(
            MeetingAttendance.meeting_id == meeting.id)
            .options(selectinload(MeetingAttendance.seat)).order_by(MeetingAttendance.id)
    ).scalars():
        name = record.name
        if record.status == AttendanceStatus.REPRESENTED:
            groups["apologies"].append(f"{name} (represented by {record.deputy_name})" if record.deputy_name
                                       else name)
        elif record.status == AttendanceStatus.IN_ATTENDANCE or record.board_member_id is None:
            groups["in_attendance"].append(f"{name}, {record.guest_role}" if record.guest_role else name)
        else:
            groups[record.status].append(name)
    return groups


def _declarations(meeting: Meeting, items: dict[int, AgendaItem]) -> list[dict]:
    """Each interest declared at the meeting and how the chair managed it; withheld entries keep their details."""
    rows = []
    for row in at_meetings.declarations_at(meeting):
        entry, item = row.declaration, items.get(row.agenda_item_id)
        details = "details withheld for a recorded reason" if entry.withheld else entry.description
        rows.append({"name": row.seat.name, "item_id": row.agenda_item_id,
                     "item": f"{item.position}. {item.title}" if item else "",
                     "confidential": bool(item and item.confidential),
                     "interest": f"{entry.category_label} interest: {details}",
                     "managed": row.management_enum.label + (f". {row.note}" if row.note else "")})
    return rows


def _decisions(meeting: Meeting) -> list[Decision]:
    return list(db.session.execute(select(Decision).where(Decision.meeting_id == meeting.id)
                                   .order_by(Decision.number)).scalars())


def _actions(meeting: Meeting) -> list[BoardAction]:
    return list(db.session.execute(
        select(BoardAction).where(BoardAction.meeting_id == meeting.id)
        .options(selectinload(BoardAction.owner).selectinload(Membership.user)).order_by(BoardAction.id)).scalars())


def _item(item: AgendaItem, minutes: Minutes | None, quorum_words: str, movements: list[str],
          decisions: list[Decision], actions: list[BoardAction]) -> dict:
    return {"id": item.id, "position": item.position, "title": item.title, "confidential": item.confidential,
            "quorum": quorum_words, "movements": movements,
            "summary": minutes.summary_of(item.id) if minutes is not None else "",
            "decisions": [{"reference": d.reference, "title": d.title, "resolution": d.resolution,
                           "outcome": Outcome(d.outcome).label, "votes": d.votes_words,
                           "excluded": [e["name"] for e in d.excluded or []], "confidential": d.confidential}
                          for d in decisions if d.agenda_item_id == item.id],
            "actions": [{"reference": a.reference, "description": a.description, "owner": a.owner_name,
                         "due_on": format_date(a.due_on)} for a in actions if a.agenda_item_id == item.id]}


def content(meeting: Meeting, minutes: Minutes | None) -> dict:
    """Everything the minutes say: prefilled from the meeting, with the secretary's words."""
    items = [item for item in agenda.items_of(meeting) if not item.is_withdrawn]
    found = attendance.meeting_quorum(meeting, items, attendance.records_of(meeting),
                                      attendance.seats_for(meeting))
    decisions, actions = _decisions(meeting), _actions(meeting)
    return {"meeting": {"id": meeting.id, "title": meeting.title, "board": meeting.board.name,
                        "when": meeting.when, "place": meeting.place},
            "opening": minutes.opening if minutes is not None else "",
            "attendance": _attendance(meeting),
            "declarations": _declarations(meeting, {item.id: item for item in items}),
            "quorum_at_start": found.at_start.summary if found.at_start is not None else "",
            "items": [_item(item, minutes, found.by_item[item.id].summary if item.id in found.by_item else "",
                            found.movements.get(item.id, []), decisions, actions) for item in items]}


def public_content(full: dict) -> dict:
    """The minutes without their confidential items (and any confidential decision)."""
    items = [{**item, "decisions": [d for d in item["decisions"] if not d["confidential"]]}
             for item in full["items"] if not item["confidential"]]
    declarations = [d for d in full.get("declarations", []) if not d["confidential"]]
    return {**full, "items": items, "declarations": declarations, "withheld": len(full["items"]) - len(items)}


def readable(full: dict, reads_in_full: bool) -> dict:
    return full if reads_in_full else public_content(full)


# Drafting ---------------------------------------------------------------------------------------

def _refuse_unless_editable(meeting: Meeting, minutes: Minutes | None) -> None:
    if not is_held(meeting):
        raise ServiceError("Minutes can be drafted once the meeting has been held")
    if minutes is not None and minutes.status == MinutesStatus.APPROVED:
        raise ServiceError("These minutes have been approved, so they can no longer be changed")


def save_minutes(meeting: Meeting, data: dict, version, actor: User | None) -> Minutes:
    """Save the secretary's draft: the opening words and a discussion summary for each item."""
    serialise_on(meeting)
    minutes = minutes_of(meeting)
    _refuse_unless_editable(meeting, minutes)
    if minutes is not None:
        check_version(minutes, version)  # a blank version: a colleague started the minutes meanwhile
    elif version not in (None, ""):
        raise ServiceError("Open the minutes again: they were changed by a colleague")
    checks = Checks()
    opening = clean_text(data.get("opening") or "")
    if len(opening) > TEXT_LIMIT:
        checks.add(f"Opening and matters arising must be {TEXT_LIMIT:,} characters or fewer", "opening")
    summaries = {}
    for item in agenda.items_of(meeting):
        text = clean_text(data.get(f"summary_{item.id}") or "")
        if len(text) > TEXT_LIMIT:
            checks.add(f"The summary of {item.title} must be {TEXT_LIMIT:,} characters or fewer",
                       f"summary_{item.id}")
        if text and not item.is_withdrawn:
            summaries[str(item.id)] = text
    checks.raise_any()
    if minutes is None:
        minutes = Minutes(network_id=meeting.network_id, meeting_id=meeting.id, board_id=meeting.board_id,
                          status=MinutesStatus.DRAFT.value, drafted_by_id=actor.id if actor else None)
        db.session.add(minutes)
    minutes.opening, minutes.summaries = opening, summaries
    db.session.flush()
    return minutes


def draft_pdf(network: Network, meeting: Meeting, minutes: Minutes | None) -> bytes:
    """The minutes as they stand, watermarked DRAFT (confidential items included: members only)."""
    return render_pdf("minutes/pdf/minutes.html", title=f"Minutes of {meeting.title}: draft",
                      network_name=network.name, draft=True, minutes=content(meeting, minutes), public=False)


def circulate(network: Network, minutes: Minutes, actor: User | None, *, notify: bool = True) -> int:
    """Send the draft to the board's members (mail with the draft PDF); returns how many were sent it.

    `notify=False` records the circulation without mail (the demo's past meetings, circulated long ago)."""
    serialise_on(minutes)
    meeting = minutes.meeting
    _refuse_unless_editable(meeting, minutes)
    members = notices.recipients(meeting) if notify else []
    pdf = draft_pdf(network, meeting, minutes) if members else b""
    link = external_url("minutes.show", network_slug=network.slug, meeting_id=meeting.id)
    for membership in members:
        queue_mail(membership.user.email, "minutes_circulated", network_id=network.id,
                   full_name=membership.user.full_name, meeting_title=meeting.title, board_name=meeting.board.name,
                   meeting_day=format_date(meeting.local_start.date()), link=link,
                   attachments=(("draft-minutes.pdf", "application/pdf", pdf),))
    minutes.status, minutes.circulated_at = MinutesStatus.CIRCULATED.value, clock.now()
    db.session.flush()
    return len(members)


# Approving --------------------------------------------------------------------------------------

def approving_choices(meeting: Meeting) -> list[Decision]:
    """Approved decisions taken at a later meeting of the same board: one of them approves the minutes."""
    return list(db.session.execute(
        select(Decision).join(Meeting, (Meeting.id == Decision.meeting_id)
                              & (Meeting.network_id == Decision.network_id))
        .where(Decision.board_id == meeting.board_id, Decision.route == Route.MEETING.value,
               Decision.outcome == Outcome.APPROVED.value, Meeting.starts_at > meeting.starts_at)
        .order_by(Decision.decided_on.desc(), Decision.number.desc())).scalars())


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The board's next meeting that has been held, where the minutes are usually approved."""
    return db.session.execute(select(Meeting).where(
        Meeting.board_id == meeting.board_id, Meeting.starts_at > meeting.starts_at,
        Meeting.starts_at <= clock.now(), Meeting.status != "cancelled")
        .order_by(Meeting.starts_at).limit(1)).scalar_one_or_none()


def ledger_content(approved: ApprovedMinutes) -> dict:
    return {"meeting": approved.meeting_id, "decision": approved.decision_id, "content": approved.content,
            "approved_at": approved.approved_at.isoformat()}


def _stored(approved_id: int) -> dict | None:
    approved = db.session.execute(select(ApprovedMinutes).where(ApprovedMinutes.id == approved_id)
                                  .execution_options(all_networks=True)).scalar_one_or_none()
    return None if approved is None else ledger_content(approved)


ledger.register_subject("ApprovedMinutes", _stored)


def approve(network: Network, minutes: Minutes, decision_id, actor: User | None, *, issue: bool = True
            ) -> ApprovedMinutes:
    """Approve circulated minutes by a later meeting's decision: lock them and the meeting's decisions,
    put the approval on the ledger and issue the minutes and their public version as PDFs (unless `issue`
    is False: the demo issues PDFs for its latest meetings only)."""
    serialise_on(minutes)
    meeting = minutes.meeting
    if minutes.status == MinutesStatus.APPROVED:
        raise ServiceError("These minutes have already been approved")
    if minutes.status != MinutesStatus.CIRCULATED:
        raise ServiceError("Circulate the draft minutes to the board before they are approved")
    decision = next((d for d in approving_choices(meeting) if str(d.id) == str(decision_id)), None)
    if decision is None:
        raise ServiceError("Choose the decision of a later meeting of the board that approved these minutes",
                           "decision")
    full = content(meeting, minutes)
    approved = ApprovedMinutes(network_id=meeting.network_id, meeting_id=meeting.id, minutes_id=minutes.id,
                               decision_id=decision.id, content=full, approved_at=clock.now(),
                               approved_by_id=actor.id if actor else None)
    db.session.add(approved)
    minutes.status = MinutesStatus.APPROVED.value
    db.session.flush()
    records.lock_meeting_decisions(meeting, actor)
    ledger.record(meeting.network_id, "minutes.approved", "ApprovedMinutes", approved.id, ledger_content(approved),
                  summary=f"Minutes of {meeting.title} approved by {decision.reference}",
                  actor_id=actor.id if actor else None)
    if issue:
        _issue(network, approved, decision, actor)
    return approved


def _issue(network: Network, approved: ApprovedMinutes, decision: Decision, actor: User | None) -> None:
    issue_minutes(network, approved, actor, [], decision)


def issue_minutes(network: Network, approved: ApprovedMinutes, actor: User | None, corrections: list,
                  decision: Decision | None = None) -> None:
    """Issue the approved minutes and their public version as PDFs, with any corrections after the original text
    (`corrections`: `MinutesCorrection` rows; the public version leaves out those of confidential items)."""
    decision = decision or approved.decision
    title = approved.content["meeting"]["title"]
    approval = {"reference": decision.reference, "decided_on": format_date(decision.decided_on)}
    full_title, public_title = f"Minutes of {title}", f"Minutes of {title} (public)"
    if corrections:
        full_title, public_title = f"{full_title}, with corrections", f"{public_title}, with corrections"
    issue_document(network, "minutes/pdf/minutes.html", kind=KIND, title=full_title, actor=actor, covers=title,
                   subject=approved, minutes=approved.content, public=False, approval=approval,
                   corrections=printed_corrections(corrections, public=False))
    issue_document(network, "minutes/pdf/minutes.html", kind=PUBLIC_KIND, title=public_title, actor=actor,
                   covers=title, subject=approved, minutes=public_content(approved.content), public=True,
                   approval=approval, corrections=printed_corrections(corrections, public=True))


def printed_corrections(corrections: list, public: bool) -> list[dict]:
    """Corrections to approved minutes as plain data for pages and PDFs; the public version leaves out those of
    confidential items."""
    return [{"id": c.id, "section": c.section_title, "passage": c.passage, "corrected": c.corrected_wording,
             "reason": c.reason, "decision": c.decision.reference, "decision_id": c.decision_id,
             "decided_on": format_date(c.decision.decided_on), "recorded_on": format_date(c.recorded_at)}
            for c in corrections if not (public and c.confidential)]


def documents_of(approved: ApprovedMinutes | None) -> dict[str, IssuedDocument]:
    if approved is None:
        return {}
    return {d.kind: d for d in db.session.execute(select(IssuedDocument).where(  # the latest issue of each kind
        IssuedDocument.subject_type == "ApprovedMinutes", IssuedDocument.subject_id == approved.id)
        .order_by(IssuedDocument.id)).scalars()}


# Lists ------------------------------------------------------------------------------------------

def board_minutes_query(board_id: int):
    """Every held meeting of the board, newest first, with its minutes if any (one row each)."""
    return (select(Meeting, Minutes.status).outerjoin(
        Minutes, (Minutes.meeting_id == Meeting.id) & (Minutes.network_id == Meeting.network_id))
        .where(Meeting.board_id == board_id, Meeting.starts_at <= clock.now(),
               Meeting.status != "cancelled").order_by(Meeting.starts_at.desc()))


def status_of(status: str | None) -> MinutesStatus:
    return MinutesStatus(status) if status else MinutesStatus.NONE
