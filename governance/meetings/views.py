"""The meetings module's pages (boards, meetings, agendas and papers, attendance, calendars), its overview
card, its section on a partner's page, and the guard on archived board packs."""

import functools

from flask import abort
from sqlalchemy import select

from governance.core import cards, tenancy
from governance.core.cards import DashboardCard
from governance.core.permissions import Permission, can
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


# Archived board packs hold confidential papers: only those who may read the meeting in full get them --

def _guard_pack_downloads(view):
    @functools.wraps(view)
    def guarded(document_id, **kwargs):
        document = db.session.execute(select(IssuedDocument.kind, IssuedDocument.subject_id)
                                      .where(IssuedDocument.id == document_id)).first()
        if document is not None and document.kind == packs.PACK_KIND:
            meeting = db.session.get(Meeting, document.subject_id)
            if meeting is None or meeting.network_id != tenancy.active_network_id() \
                    or not viewer().reads_in_full(meeting):
                abort(404)
        return view(document_id=document_id, **kwargs)

    return guarded


@bp.record_once
def _guard_archive(state):
    """The documents archive serves any issued PDF to members who may view documents; a board pack
    carries part 2 papers, so its download is refused to anyone who may not read the meeting in full."""
    app = state.app
    if "documents.download" in app.view_functions:
        app.view_functions["documents.download"] = _guard_pack_downloads(app.view_functions["documents.download"])
