"""The meetings module's pages (boards, meetings, agendas and papers, attendance, calendars), its overview
card, its section on a partner's page, and the guard on archived board packs."""

from sqlalchemy import select

from governance.core import cards
from governance.core.cards import DashboardCard
from governance.core.permissions import Permission, can
from governance.documents import services as documents_services
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.meetings import (  # noqa: F401  each registers its routes on the blueprint
    agenda_views,
    attendance_views,
    board_views,
    boards,
    calendar_views,
    meeting_views,
    packs,
    scheduling,
    times,
)
from governance.meetings.blueprint import bp, viewer
from governance.meetings.meeting_models import Meeting
from governance.partners import sections
from governance.partners.sections import PartnerSection

__all__ = ["bp"]


# The overview card: your next meetings (for a secretary, the next meetings of every board) ----------

def _next_meetings_card(membership):
    if not can(Permission.MEETINGS_VIEW):
        return None
    reader = viewer()
    if reader.manages:
        meetings = list(db.session.execute(scheduling.upcoming_query().limit(4)).scalars())
    else:
        meetings = scheduling.next_meetings(reader)
    if not meetings and not reader.manages:
        return None
    return {"meetings": meetings, "manages": reader.manages, "deadlines": {
        m.id: times.papers_deadline(m.starts_at) for m in meetings if not m.papers_issued}}


cards.register(DashboardCard(key="next_meetings", template="meetings/_next_meetings_card.html",
                             load=_next_meetings_card, order=20))


# The partner page section: who represents the partner on which board ----------------------------

def _partner_seats(partner):
    if not can(Permission.MEETINGS_VIEW):
        return None
    seats = boards.partner_seats(partner.id)
    return {"seats": seats} if seats else None


sections.register(PartnerSection(key="board_seats", title="Seats on boards and committees",
                                 template="meetings/_partner_seats.html", load=_partner_seats, order=30))


# Archived board packs hold confidential papers: only those who may read the meeting in full open them, and
# not a member from whom a paper is withheld or who may not read the previous minutes in full (they
# download their own copy from the meeting) ---------------------------------------------------------------

def _readable_packs(documents: list[IssuedDocument]) -> set[int]:
    """Of these board packs, those the signed-in member may open (their meetings loaded in one query)."""
    meetings = {meeting.id: meeting for meeting in db.session.execute(
        select(Meeting).where(Meeting.id.in_({document.subject_id for document in documents}))).scalars()}
    reader = viewer()
    return {document.id for document in documents
            if document.subject_id in meetings and reader.reads_in_full(meetings[document.subject_id])
            and not reader.withheld_items(meetings[document.subject_id])
            and packs.reads_previous_minutes_in_full(reader, meetings[document.subject_id])}


documents_services.register_read_check(packs.PACK_KIND, _readable_packs)
