"""Who may read what of a meeting: the rules in one place, for pages, downloads, packs and calendars.

- Secretaries and admins (MEETINGS_MANAGE) read and manage everything.
- A member who sits on the board or committee (today, or on the day of the meeting) reads its
  meetings in full: confidential (part 2) items and every paper.
- Every other member sees that a meeting exists and its open (not confidential) agenda, and reads
  only the papers of items marked public.
- Patient panel members and observers read only the papers of items marked public, and never see
  confidential items, even when they sit on the board (for example as a patient representative in
  attendance).
- The video link is for those who organise the meeting or sit on the board, whatever their role.
- A member whose papers for an item are withheld (a declared interest, through `hooks.withheld_papers`)
  cannot open that item's papers, whatever else they may read.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from governance.core import clock
from governance.core.permissions import Permission, Role, role_can
from governance.extensions import db
from governance.meetings import hooks
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.meetings.models import BoardMember
from governance.networks.models import Membership

PUBLIC_PAPERS_ONLY = (Role.PATIENT_PANEL_MEMBER, Role.OBSERVER)


@dataclass
class Viewer:
    """A member as the meetings module sees them: their role and every seat they have held."""

    membership_id: int | None
    role: str | None
    manages: bool
    seats: list[BoardMember] = field(default_factory=list)
    _withheld: dict[int, dict[int, str]] = field(default_factory=dict, repr=False)  # meeting id -> item id -> why

    def withheld_items(self, meeting: Meeting) -> dict[int, str]:
        """The items of the meeting whose papers are withheld from this member, and why (read once a meeting)."""
        if meeting.id not in self._withheld:
            mine = {seat.id for seat in self.seats}
            self._withheld[meeting.id] = {
                item_id: next(why for seat_id, why in people.items() if seat_id in mine)
                for item_id, people in hooks.withheld_papers(meeting).items() if mine & set(people)}
        return self._withheld[meeting.id]

    def sits_on(self, board_id: int, day: date | None = None) -> bool:
        """On the board today, or on `day` (the day of a meeting)."""
        today = clock.today()
        return any(seat.board_id == board_id and (seat.sits_on(today) or (day is not None and seat.sits_on(day)))
                   for seat in self.seats)

    def current_board_ids(self) -> set[int]:
        today = clock.today()
        return {seat.board_id for seat in self.seats if seat.sits_on(today)}

    def reads_in_full(self, meeting: Meeting) -> bool:
        """May read the whole meeting: confidential items and every paper."""
        if self.manages:
            return True
        if self.role in PUBLIC_PAPERS_ONLY:
            return False
        return self.sits_on(meeting.board_id, meeting.local_start.date())

    def may_join(self, meeting: Meeting) -> bool:
        """May see how to join (the video link): whoever organises it or sits on the board, whatever their role."""
        return self.manages or self.sits_on(meeting.board_id, meeting.local_start.date())

    def sees_item(self, meeting: Meeting, item: AgendaItem) -> bool:
        return not item.confidential or self.reads_in_full(meeting)

    def reads_papers_of(self, meeting: Meeting, item: AgendaItem) -> bool:
        if not self.sees_item(meeting, item) or item.id in self.withheld_items(meeting):
            return False
        return self.reads_in_full(meeting) or item.papers_public


def viewer_for(membership: Membership | None) -> Viewer:
    """The viewer for a member of the current network, with their seats loaded in one query."""
    if membership is None:
        return Viewer(None, None, False)
    seats = list(db.session.execute(
        select(BoardMember).where(BoardMember.membership_id == membership.id)).scalars())
    return Viewer(membership.id, membership.role, role_can(membership.role, Permission.MEETINGS_MANAGE), seats)
