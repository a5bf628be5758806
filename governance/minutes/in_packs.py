"""The previous meeting's minutes at the end of a board pack (meetings sits below minutes: it asks through
`meetings.hooks.previous_minutes`).

The previous meeting is the board's latest earlier meeting that has minutes. Until they are approved the
pack has the draft, watermarked DRAFT; once approved, the minutes as issued. A reader who may not read that
meeting in full gets the public version, without its confidential items.
"""

from sqlalchemy import select

from governance.core.formatting import format_date
from governance.core.pdf import render_pdf
from governance.documents.services import load_with_pdf
from governance.extensions import db
from governance.meetings import hooks
from governance.meetings.meeting_models import Meeting
from governance.minutes import services
from governance.minutes.models import Minutes, MinutesStatus
from governance.networks.models import Network

TEMPLATE = "minutes/pdf/minutes.html"


def _render_draft(network: Network, meeting: Meeting, minutes: Minutes, in_full: bool) -> bytes:
    if in_full:
        return services.draft_pdf(network, meeting, minutes)
    return render_pdf(TEMPLATE, title=f"Minutes of {meeting.title}: draft (public)", network_name=network.name,
                      draft=True, minutes=services.public_content(services.content(meeting, minutes)), public=True)


def _render_approved(network: Network, meeting: Meeting, in_full: bool) -> bytes:
    """The minutes as issued on approval (or, were the issued copy missing, rendered again from the record)."""
    approved = services.approved_of(meeting)
    issued = services.documents_of(approved).get(services.KIND if in_full else services.PUBLIC_KIND)
    document = load_with_pdf(issued.id) if issued is not None else None
    if document is not None and document.pdf:
        return document.pdf
    decision = approved.decision
    content = approved.content if in_full else services.public_content(approved.content)
    return render_pdf(TEMPLATE, title=f"Minutes of {meeting.title}", network_name=network.name, draft=False,
                      minutes=content, public=not in_full,
                      approval={"reference": decision.reference, "decided_on": format_date(decision.decided_on)})


def previous_minutes(meeting: Meeting) -> hooks.PreviousMinutes | None:
    """The minutes of the board's latest meeting before this one that has minutes."""
    found = db.session.execute(
        select(Meeting, Minutes).join(Minutes, (Minutes.meeting_id == Meeting.id)
                                      & (Minutes.network_id == Meeting.network_id))
        .where(Meeting.board_id == meeting.board_id, Meeting.starts_at < meeting.starts_at,
               Meeting.status != "cancelled")
        .order_by(Meeting.starts_at.desc()).limit(1)).first()
    if found is None:
        return None
    previous, minutes = found
    approved = minutes.status == MinutesStatus.APPROVED

    def render(in_full: bool) -> bytes:
        network = db.session.get(Network, previous.network_id)
        if approved:
            return _render_approved(network, previous, in_full)
        return _render_draft(network, previous, minutes, in_full)

    return hooks.PreviousMinutes(meeting=previous, approved=approved, render=render,
                                 fingerprint=f"{minutes.id}:{minutes.version}:{minutes.status}")


hooks.register_previous_minutes(previous_minutes)
