"""The board pack: a cover, the agenda with times and page numbers, then every paper in agenda order.

The background worker makes it (a pack of many papers takes a while): the front pages are
rendered with WeasyPrint, the papers merged after them with pypdf, with a bookmark for each item
and each paper, then the minutes of the board's previous meeting (the draft, watermarked, until they
are approved; found through `hooks.previous_minutes`, as the minutes module sits above meetings).
It is archived through the documents core; a later download is served from the archive for as long
as the agenda, papers and those minutes are unchanged (the pack's fingerprint still matches).
The agenda on its own is rendered on request, for the reader's view of the meeting.
"""

import hashlib
import io
import json
from dataclasses import dataclass

import pypdf
from sqlalchemy import select

from governance.auth.models import User
from governance.core.formatting import format_date
from governance.core.pdf import render_pdf
from governance.documents import jobs
from governance.documents.models import DocumentJob, JobStatus
from governance.documents.services import archive_document
from governance.extensions import db
from governance.meetings import agenda, changes, hooks, papers, times
from governance.meetings.access import Viewer
from governance.meetings.meeting_models import AgendaItem, Meeting, MeetingPack, StandingItem
from governance.networks.models import Network

PACK_KIND = "board_pack"
FRONT_TEMPLATE = "meetings/pdf/pack_front.html"
AGENDA_TEMPLATE = "meetings/pdf/agenda.html"
AGENDA_PAGE = 1  # the cover is page 0
MINUTES_BOOKMARK = hooks.PREVIOUS_MINUTES_TITLE  # the bookmark at which the appended minutes start


def fingerprint(meeting: Meeting, items: list[AgendaItem]) -> str:
    """What a pack is made from: when a pack's fingerprint differs from this, it is out of date."""
    content = {
        "meeting": [meeting.id, meeting.title, meeting.starts_at.isoformat(), meeting.ends_at.isoformat(),
                    meeting.place, meeting.video_link, meeting.status],
        "items": [[item.id, item.position, item.title, item.presenter, item.purpose, item.duration_minutes,
                   item.confidential, item.is_withdrawn,
                   [[p.id, p.title, p.author, p.sha256, p.withdrawn_at is None] for p in item.papers]]
                  for item in items],
        "previous_minutes": getattr(hooks.previous_minutes(meeting), "fingerprint", None),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass
class PackState:
    status: str  # none, making, ready, stale, failed
    pack: MeetingPack | None = None
    job: DocumentJob | None = None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def pack_state(meeting: Meeting, items: list[AgendaItem]) -> PackState:
    """Whether the meeting's latest pack is being made, ready, out of date or failed."""
    pack = db.session.execute(select(MeetingPack).where(MeetingPack.meeting_id == meeting.id)
                              .order_by(MeetingPack.id.desc()).limit(1)).scalar_one_or_none()
    if pack is None:
        return PackState("none")
    job = db.session.get(DocumentJob, pack.job_id)
    if pack.document_id is not None and pack.fingerprint == fingerprint(meeting, items):
        return PackState("ready", pack, job)
    if job is not None and not job.is_finished:
        return PackState("making", pack, job)
    if job is not None and job.status == JobStatus.FAILED:
        return PackState("failed", pack, job)
    return PackState("stale", pack, job)


def request_pack(network: Network, meeting: Meeting, actor: User | None) -> DocumentJob:
    """Ask the worker for the meeting's board pack; it starts once the request's transaction commits."""
    job = jobs.request_document(network, PACK_KIND, f"Board pack: {meeting}", actor, meeting_id=meeting.id)
    items = agenda.items_of(meeting)
    db.session.add(MeetingPack(network_id=network.id, meeting_id=meeting.id, job_id=job.id,
                               fingerprint=fingerprint(meeting, items)))
    db.session.flush()
    return job


# Making it ------------------------------------------------------------------------------------

@dataclass
class PackItem:
    """One agenda item as the pack sets it out."""

    number: int
    item: AgendaItem
    starts_at: object
    papers: list  # (paper, first page in the pack)


def _plan(meeting: Meeting, items: list[AgendaItem], front_pages: int) -> list[PackItem]:
    starts, _ = agenda.timings(meeting, items)
    page, plan = front_pages + 1, []
    for item in items:
        placed = []
        for paper in ([] if item.is_withdrawn else item.current_papers):
            placed.append((paper, page))
            page += paper.page_count
        plan.append(PackItem(item.position, item, starts.get(item.id), placed))
    return plan


@dataclass
class Appended:
    """The previous meeting's minutes at the end of the pack, as the agenda refers to them."""

    title: str
    approved: bool
    page: int  # first page in the pack
    item_id: int | None  # the "Minutes of the previous meeting" item, if the agenda has one


def _minutes_item(items: list[AgendaItem]) -> AgendaItem | None:
    return next((item for item in items if item.standing_key == StandingItem.PREVIOUS_MINUTES
                 and not item.is_withdrawn), None)


def _front(network: Network, meeting: Meeting, items: list[AgendaItem], after_issue,
           previous: hooks.PreviousMinutes | None = None, minutes_pages: int = 0) -> bytes:
    """The cover and agenda, with each paper's page number; re-rendered until the numbers settle."""
    _, planned_end = agenda.timings(meeting, items)
    front_pages, pdf, minutes_item = 2, b"", _minutes_item(items)
    for _attempt in range(4):
        plan = _plan(meeting, items, front_pages)
        total = front_pages + sum(paper.page_count for entry in plan for paper, _ in entry.papers)
        appended = None if previous is None else Appended(previous.title, previous.approved, total + 1,
                                                           minutes_item.id if minutes_item else None)
        pdf = render_pdf(FRONT_TEMPLATE, title=f"Board pack: {meeting.title}", network_name=network.name,
                         meeting=meeting, board=meeting.board, plan=plan, planned_end=planned_end,
                         total_pages=total + minutes_pages, after_issue=after_issue, with_pages=True,
                         appended=appended, hhmm=times.time_text)
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        if pages == front_pages:
            break
        front_pages = pages
    return pdf


def merge(front: bytes, plan: list[PackItem], contents: dict[int, bytes], report=None,
          minutes: tuple[str, bytes] | None = None) -> bytes:
    """The front pages, every paper in agenda order, then the previous meeting's minutes (title, PDF), with
    a bookmark per item and per paper; the "Minutes of the previous meeting" item points at the minutes."""
    writer = pypdf.PdfWriter()
    writer.append(io.BytesIO(front), import_outline=False)
    total = sum(len(entry.papers) for entry in plan) or 1
    done = 0
    for entry in plan:  # the pages first: a bookmark can only point at a page that exists
        for paper, _page in entry.papers:
            writer.append(io.BytesIO(contents[paper.id]), import_outline=False)
            done += 1
            if report is not None:
                report(40 + 50 * done // total, f"Added paper {done} of {total}: {paper.title}")
    minutes_page = len(writer.pages)
    if minutes is not None:
        writer.append(io.BytesIO(minutes[1]), import_outline=False)
    writer.add_outline_item("Cover", 0)
    writer.add_outline_item("Agenda", AGENDA_PAGE)
    for entry in plan:
        first = entry.papers[0][1] - 1 if entry.papers else AGENDA_PAGE
        if not entry.papers and minutes is not None and entry.item.standing_key == StandingItem.PREVIOUS_MINUTES:
            first = minutes_page
        label = f"{entry.number}. {entry.item.title}" + (" (withdrawn)" if entry.item.is_withdrawn else "")
        parent = writer.add_outline_item(label, first)
        for paper, page in entry.papers:
            writer.add_outline_item(paper.title, page - 1, parent=parent)
    if minutes is not None:
        writer.add_outline_item(minutes[0], minutes_page)
    writer.page_mode = "/UseOutlines"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def build_pack(job: DocumentJob, report):
    """The worker's side: render the front pages, merge the papers, archive the pack."""
    meeting = db.session.execute(select(Meeting).where(Meeting.id == job.params["meeting_id"])).scalar_one()
    network = db.session.get(Network, job.network_id)
    report(5, "Reading the agenda and papers")
    items = agenda.items_of(meeting)
    paper_ids = [p.id for item in items if not item.is_withdrawn for p in item.current_papers]
    contents = papers.contents(paper_ids)
    previous = hooks.previous_minutes(meeting)
    minutes = None
    if previous is not None:
        report(15, "Adding the minutes of the previous meeting")
        minutes = (previous.title, previous.render(True))  # the pack is for those who read it in full
    report(20, "Setting out the cover and agenda")
    front = _front(network, meeting, items, changes.changes_since_issue(meeting, items), previous,
                   len(pypdf.PdfReader(io.BytesIO(minutes[1])).pages) if minutes else 0)
    plan = _plan(meeting, items, len(pypdf.PdfReader(io.BytesIO(front)).pages))
    pdf = merge(front, plan, contents, report, minutes)
    report(95, "Archiving the board pack")
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    document = archive_document(network, kind=PACK_KIND, title=f"Board pack: {meeting.title}", pdf=pdf,
                                actor=actor, subject=meeting,
                                covers=f"{meeting.board.name}, {format_date(meeting.local_start)}")
    pack = db.session.execute(select(MeetingPack).where(MeetingPack.job_id == job.id)).scalar_one()
    pack.document_id = document.id
    pack.fingerprint = fingerprint(meeting, items)
    db.session.flush()
    return document


jobs.register(PACK_KIND, build_pack)


def agenda_pdf(network: Network, meeting: Meeting, items: list[AgendaItem], visible: list[AgendaItem],
               after_issue) -> bytes:
    """The agenda on its own, with the items this reader may see (times count every item)."""
    starts, planned_end = agenda.timings(meeting, items)
    plan = [PackItem(item.position, item, starts.get(item.id), [(paper, None) for paper in item.current_papers])
            for item in visible]
    return render_pdf(AGENDA_TEMPLATE, title=f"Agenda: {meeting.title}", network_name=network.name,
                      meeting=meeting, board=meeting.board, plan=plan, planned_end=planned_end,
                      after_issue=after_issue, with_pages=False, hidden=len(items) - len(visible),
                      appended=None, hhmm=times.time_text)


def request_or_reuse(network: Network, meeting: Meeting, actor: User | None) -> DocumentJob:
    """The job making the pack now, or the one that made the current pack; otherwise a new one."""
    state = pack_state(meeting, agenda.items_of(meeting))
    if state.status in ("making", "ready") and state.job is not None:
        return state.job
    return request_pack(network, meeting, actor)


# A member's copy without the papers withheld from them -----------------------------------------

NOTICE_TEMPLATE = "meetings/pdf/withheld_notice.html"


def withheld_pages(pdf: bytes, meeting: Meeting, items: list[AgendaItem], withheld: dict[int, str]
                   ) -> list[tuple[int, PackItem, object, int]]:
    """(page index in the pack, item, paper, page of the paper) for each page of a withheld paper."""
    total = _minutes_start(pypdf.PdfReader(io.BytesIO(pdf)))
    papers_pages = sum(p.page_count for item in items if not item.is_withdrawn for p in item.current_papers)
    plan = _plan(meeting, items, total - papers_pages)
    return [(first - 1 + n, entry, paper, n + 1) for entry in plan if entry.item.id in withheld
            for paper, first in entry.papers for n in range(paper.page_count)]


def without_papers(network: Network, pdf: bytes, meeting: Meeting, items: list[AgendaItem],
                   withheld: dict[int, str]) -> bytes:
    """The pack with every page of a withheld paper replaced by a page saying why it was withheld.

    The pages stay where they were, so the agenda's page numbers and the bookmarks still hold.
    """
    pages = withheld_pages(pdf, meeting, items, withheld)
    if not pages:
        return pdf
    notices = pypdf.PdfReader(io.BytesIO(render_pdf(
        NOTICE_TEMPLATE, title=f"Board pack: {meeting.title}", network_name=network.name,
        pages=[(entry, paper, page, withheld[entry.item.id]) for _, entry, paper, page in pages]))).pages
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for (index, *_), notice in zip(pages, notices, strict=False):
        page = writer.pages[index]
        page.replace_contents(pypdf.generic.ContentStream(None, writer))
        page[pypdf.generic.NameObject("/Resources")] = pypdf.generic.DictionaryObject()
        page.pop("/Annots", None)
        page.merge_page(notice)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# A reader who may not read the previous meeting in full ---------------------------------------

def _minutes_start(reader: pypdf.PdfReader) -> int:
    """The page index at which the appended minutes start (the page count when there are none)."""
    for entry in reader.outline:
        if not isinstance(entry, list) and entry.title.startswith(MINUTES_BOOKMARK):
            return reader.get_destination_page_number(entry)
    return len(reader.pages)


def _bookmarks(reader: pypdf.PdfReader, entries=None) -> list:
    """[(title, page index, children)] as the PDF has them."""
    result = []
    for entry in reader.outline if entries is None else entries:
        if isinstance(entry, list):
            result[-1][2].extend(_bookmarks(reader, entry))
        else:
            result.append((entry.title, reader.get_destination_page_number(entry), []))
    return result


def _add_bookmarks(writer: pypdf.PdfWriter, bookmarks: list, parent=None) -> None:
    for title, page, children in bookmarks:
        _add_bookmarks(writer, children, writer.add_outline_item(title, page, parent=parent))


def with_public_minutes(pdf: bytes, previous: hooks.PreviousMinutes) -> bytes:
    """The pack with its appended minutes replaced by their public version (no confidential items)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    start = _minutes_start(reader)
    if start == len(reader.pages):
        return pdf
    public = pypdf.PdfReader(io.BytesIO(previous.render(False)))
    writer = pypdf.PdfWriter()
    for page in list(reader.pages[:start]) + list(public.pages):
        writer.add_page(page)
    last = len(writer.pages) - 1
    _add_bookmarks(writer, [(title, min(page, last), children) for title, page, children in _bookmarks(reader)])
    writer.page_mode = "/UseOutlines"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def reads_previous_minutes_in_full(reader: Viewer, meeting: Meeting) -> bool:
    """Whether this reader of the pack may read the previous meeting's minutes in full (confidential items too).

    Whoever manages meetings or sits on the board today does, without looking the minutes up."""
    if reader.manages or reader.sits_on(meeting.board_id):
        return True
    previous = hooks.previous_minutes(meeting)
    return previous is None or reader.reads_in_full(previous.meeting)


def copy_for(network: Network, pdf: bytes, meeting: Meeting, items: list[AgendaItem], reader: Viewer) -> bytes:
    """The archived pack as this reader may have it: papers withheld from them replaced by a notice, and the
    previous meeting's minutes without their confidential items if they may not read them."""
    withheld = reader.withheld_items(meeting)
    if withheld:
        pdf = without_papers(network, pdf, meeting, items, withheld)
    if not reads_previous_minutes_in_full(reader, meeting):
        pdf = with_public_minutes(pdf, hooks.previous_minutes(meeting))
    return pdf
