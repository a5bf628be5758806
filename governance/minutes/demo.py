"""Riverside's minutes: approved for every held board meeting but the last (whose decisions the decisions
demo locks), each approved by the next meeting's decision "Approve the minutes of the meeting of <date>"
on its "Minutes of the previous meeting" item; the last meeting's minutes are a draft."""

from sqlalchemy import select

from governance.core import audit, tenancy
from governance.decisions import demo as decisions_demo
from governance.decisions.models import Decision
from governance.extensions import db
from governance.meetings import agenda
from governance.meetings.meeting_models import Meeting, MeetingStatus
from governance.meetings.models import Board
from governance.minutes import corrections, services

SUMMARIES = {
    "Finance report": "The finance lead presented the month's position. Members asked about the forecast for "
                      "locum cover over winter; spend remains within the agreed budget.",
    "Workforce and additional roles": "The board discussed recruitment under the additional roles scheme and "
                                      "how new posts would be shared between practices.",
    "Quality and performance dashboard": "Members reviewed access and quality measures; two practices are "
                                         "below target on same-day access and will report back.",
    "Patient participation group feedback": "The patient group's feedback was welcomed; responses are published "
                                            "in You said, we did.",
    "Risk register": "Two new risks were added: winter pressures and the clinical system migration.",
}


ISSUED = 3  # how many of the latest approved minutes are issued as PDFs


def _data(meeting: Meeting) -> dict:
    data = {"opening": "The chair welcomed members. The actions from the previous meeting were reviewed."}
    for item in agenda.items_of(meeting):
        words = SUMMARIES.get(item.title) or ("The board discussed the item." if not item.standing_key else "")
        data[f"summary_{item.id}"] = words
    return data


def _approving(meeting: Meeting, following: Meeting) -> Decision | None:
    """The decision of the next meeting, on its "Minutes of the previous meeting" item, approving these minutes."""
    title = decisions_demo.minutes_approval_title(meeting)
    return next((d for d in services.approving_choices(meeting)
                 if d.meeting_id == following.id and d.title == title), None)


def seed(demo) -> None:
    """Approved minutes for every held Riverside board meeting but the last; a draft for the last."""
    network = demo.riverside
    tenancy.activate(network.id)
    secretary = demo.users["secretary@riverside.example"]
    audit.set_actor(db.session, secretary.id)
    board = db.session.execute(select(Board).where(Board.name == "Riverside Primary Care Home Board")).scalar_one()
    held = list(db.session.execute(select(Meeting).where(
        Meeting.board_id == board.id, Meeting.status == MeetingStatus.HELD.value)
        .order_by(Meeting.starts_at)).scalars())
    recent = {m.id for m in held[-1 - ISSUED:-1]}  # the latest approved minutes, which the tour opens
    for meeting, following in zip(held, held[1:] + [None], strict=False):
        minutes = services.save_minutes(meeting, _data(meeting), None, secretary)
        approving = _approving(meeting, following) if following is not None else None
        if approving is not None:
            # PDFs are most of the demo's cost: issue the minutes of the latest meetings only, and mail the draft of
            # the latest approved minutes only (the older drafts were circulated long ago)
            services.circulate(network, minutes, secretary, notify=following is held[-1])
            services.approve(network, minutes, approving.id, secretary, issue=meeting.id in recent)
    _correction(network, held, secretary)
    audit.set_actor(db.session, None)
    tenancy.activate(None)
    db.session.flush()


def _correction(network, held, secretary) -> None:
    """A correction to minutes approved earlier, agreed by the last meeting (see the decisions demo)."""
    corrected = decisions_demo.minutes_to_correct(held)
    if corrected is None:
        return
    approved = services.approved_of(corrected)
    title = decisions_demo.minutes_correction_title(corrected)
    decision = next((d for d in corrections.decision_choices(corrected, approved) if d.title == title), None)
    item = next((i for i in approved.content["items"] if i["title"] == "Finance report"), None)
    if decision is None or item is None:
        return
    corrections.record_correction(network, approved, {
        "section": f"item-{item['id']}", "passage": "spend remains within the agreed budget.",
        "corrected_wording": "spend on locum cover is £4,200 over the agreed budget; the rest is within it.",
        "reason": "The finance lead found the error when preparing the year-end forecast.",
        "decision": str(decision.id)}, secretary)
