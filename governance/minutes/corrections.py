"""Correcting approved minutes: a correction approved by a later meeting's decision, printed after the original.

Approved minutes are never rewritten. A mistake found later (a name in the attendance, a figure in
an item's summary) is put right by a `MinutesCorrection`: which part of the minutes, the passage as
it reads, the corrected wording, why, and the decision of a later meeting of the board that agreed
it. The correction goes on the governance ledger and the minutes are issued again with a
"Corrections" section after the original text; the public version carries it too unless the
corrected item is confidential.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock, ledger
from governance.core.errors import Checks
from governance.core.locking import serialise_on
from governance.core.text import clean_text
from governance.decisions.models import Decision
from governance.declarations import at_meetings
from governance.extensions import db
from governance.meetings.meeting_models import Meeting
from governance.minutes import services
from governance.minutes.models import ApprovedMinutes, MinutesCorrection
from governance.networks.models import Network

PASSAGE_LIMIT = 5_000
REASON_LIMIT = 2_000


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    confidential: bool = False


def sections_of(approved: ApprovedMinutes) -> list[Section]:
    """The parts of the approved minutes a correction can be about, named as the minutes name them."""
    content = approved.content
    sections = [Section("attendance", "Attendance")]
    if "declarations" in content:
        sections.append(Section("declarations", "Declarations of interest"))
    sections.append(Section("opening", "Opening and matters arising"))
    for item in content["items"]:
        title = f"{item['position']}. {item['title']}" + (" (confidential)" if item["confidential"] else "")
        sections.append(Section(f"item-{item['id']}", title, bool(item["confidential"])))
    return sections


def decision_choices(meeting: Meeting, approved: ApprovedMinutes) -> list[Decision]:
    """Approved decisions of a later meeting of the board, other than the one that approved the minutes."""
    return [d for d in services.approving_choices(meeting) if d.id != approved.decision_id]


def corrections_of(approved: ApprovedMinutes | None) -> list[MinutesCorrection]:
    if approved is None:
        return []
    return list(db.session.execute(
        select(MinutesCorrection).where(MinutesCorrection.approved_minutes_id == approved.id)
        .options(selectinload(MinutesCorrection.decision), selectinload(MinutesCorrection.recorded_by))
        .order_by(MinutesCorrection.id)).scalars())


def _text(data: dict, name: str, limit: int, missing: str, label: str, checks: Checks) -> str:
    value = clean_text(data.get(name) or "")
    if not value:
        checks.add(missing, name)
    elif len(value) > limit:
        checks.add(f"{label} must be {limit:,} characters or fewer", name)
    return value


def record_correction(network: Network, approved: ApprovedMinutes, data: dict, actor: User | None
                      ) -> MinutesCorrection:
    """Record a correction to approved minutes agreed by a later meeting's decision, put it on the ledger and
    issue the minutes again with their corrections (the approved text itself is never changed)."""
    meeting = approved.meeting
    serialise_on(services.minutes_of(meeting))
    checks = Checks()
    section = next((s for s in sections_of(approved) if s.key == data.get("section")), None)
    if section is None:
        checks.add("Choose the part of the minutes that is corrected", "section")
    passage = _text(data, "passage", PASSAGE_LIMIT, "Enter the passage as it reads in the approved minutes",
                    "The passage", checks)
    corrected = _text(data, "corrected_wording", services.TEXT_LIMIT, "Enter the corrected wording",
                      "The corrected wording", checks)
    reason = _text(data, "reason", REASON_LIMIT, "Enter why the minutes are corrected", "The reason", checks)
    decision = next((d for d in decision_choices(meeting, approved) if str(d.id) == str(data.get("decision"))), None)
    if decision is None:
        checks.add("Choose the decision of a later meeting of the board that agreed the correction", "decision")
    if passage and passage == corrected:
        checks.add("The corrected wording must differ from the passage it corrects", "corrected_wording")
    checks.raise_any()
    correction = MinutesCorrection(
        network_id=approved.network_id, approved_minutes_id=approved.id, meeting_id=meeting.id, section=section.key,
        section_title=section.title, confidential=section.confidential, passage=passage, corrected_wording=corrected,
        reason=reason, decision_id=decision.id, recorded_at=clock.now(), recorded_by_id=actor.id if actor else None)
    db.session.add(correction)
    db.session.flush()
    ledger.record(approved.network_id, "minutes.corrected", "MinutesCorrection", correction.id,
                  ledger_content(correction), summary=f"Minutes of {meeting.title} corrected ({section.title}) by "
                  f"{decision.reference}", actor_id=correction.recorded_by_id)
    services.issue_minutes(network, approved, actor, corrections_of(approved))
    return correction


def ledger_content(correction: MinutesCorrection) -> dict:
    return {"approved_minutes": correction.approved_minutes_id, "meeting": correction.meeting_id,
            "section": correction.section, "section_title": correction.section_title,
            "confidential": correction.confidential, "passage": correction.passage,
            "corrected_wording": correction.corrected_wording, "reason": correction.reason,
            "decision": correction.decision_id, "recorded_at": correction.recorded_at.isoformat()}


def _stored(correction_id: int) -> dict | None:
    correction = db.session.execute(select(MinutesCorrection).where(MinutesCorrection.id == correction_id)
                                    .execution_options(all_networks=True)).scalar_one_or_none()
    return None if correction is None else ledger_content(correction)


def _approved_on(meeting: Meeting):
    approved = db.session.execute(select(ApprovedMinutes.approved_at).where(
        ApprovedMinutes.meeting_id == meeting.id)).scalar_one_or_none()
    return None if approved is None else clock.local(approved).date()


ledger.register_subject("MinutesCorrection", _stored)
at_meetings.register_minutes_approved(_approved_on)
