"""What the minutes pages show, worked out here so that views stay thin and templates only show it."""

from dataclasses import dataclass, field

from governance.decisions import pages as decision_pages
from governance.decisions.models import Decision
from governance.meetings.access import Viewer
from governance.meetings.meeting_models import Meeting
from governance.minutes import corrections, services
from governance.minutes.models import ApprovedMinutes, Minutes, MinutesStatus


def viewer() -> Viewer:
    return decision_pages.viewer()


@dataclass
class MinutesPage:
    meeting: Meeting
    minutes: Minutes | None
    approved: ApprovedMinutes | None
    status: MinutesStatus
    content: dict | None  # None: the reader may not read these minutes yet
    manages: bool
    full: bool
    held: bool
    choices: list[Decision] = field(default_factory=list)
    next_meeting: Meeting | None = None
    documents: dict = field(default_factory=dict)
    corrections: list[dict] = field(default_factory=list)  # to the approved minutes, as this reader may read them

    @property
    def can_correct(self) -> bool:
        return self.manages and self.approved is not None


def minutes_page(meeting: Meeting, reader: Viewer) -> MinutesPage:
    """The minutes as this reader may read them: drafts for the board's members, the approved text for all
    (without confidential items unless the reader sits on the board or manages it)."""
    minutes, approved = services.minutes_of(meeting), services.approved_of(meeting)
    full = reader.reads_in_full(meeting)
    status = services.status_of(minutes.status if minutes else None)
    if approved is not None:
        content = services.readable(approved.content, full)
    elif full and services.is_held(meeting):
        content = services.content(meeting, minutes)
    else:
        content = None
    page = MinutesPage(meeting, minutes, approved, status, content, reader.manages, full, services.is_held(meeting))
    if reader.manages and status == MinutesStatus.CIRCULATED:
        page.choices = services.approving_choices(meeting)
        page.next_meeting = services.next_meeting(meeting)
    if approved is not None:
        page.corrections = services.printed_corrections(corrections.corrections_of(approved), public=not full)
    page.documents = services.documents_of(approved) if full else \
        {k: v for k, v in services.documents_of(approved).items() if k == services.PUBLIC_KIND}
    return page


def public_corrections(approved: ApprovedMinutes) -> list[dict]:
    return services.printed_corrections(corrections.corrections_of(approved), public=True)
