"""Terms of reference: numbered Markdown versions of a board's terms, each a draft until approved.

An approved version is frozen: a change is a new draft, started from the current text. Approving
records when (and, once decisions exist, by which decision) and has the worker issue the
"Terms of reference" PDF, archived with the other issued documents.
"""

from datetime import date

from sqlalchemy import func, select

from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.markdown import render_markdown
from governance.core.text import clean_line, clean_text
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.extensions import db
from governance.meetings import boards
from governance.meetings.models import Board, TermsOfReference
from governance.networks.models import Network

TERMS_KIND = "terms_of_reference"
MAX_TERMS = 100_000
STARTER = """# Purpose

[What the {name} is for, and the decisions it makes.]

# Membership

[Who sits on it, who chairs it, and who attends without a vote.]

# Quorum

[How many voting members must be present, and from which partners.]

# Meetings

[How often it meets, how papers are sent, and how urgent decisions are taken between meetings.]

# Conflicts of interest

Members declare their interests on appointment, when anything changes, at the start of each meeting
and at least once a year. The chair decides how each declared conflict is managed, and the minutes say so.

# Reporting

[Who it reports to, and how often.]
"""


def versions_of(board: Board) -> list[TermsOfReference]:
    """Every version, the newest first."""
    return list(db.session.execute(select(TermsOfReference).where(TermsOfReference.board_id == board.id)
                                   .order_by(TermsOfReference.number.desc())).scalars())


def current_terms(versions: list[TermsOfReference]) -> TermsOfReference | None:
    """The approved version in force: the latest approved."""
    return next((v for v in versions if not v.is_draft), None)


def draft_of(versions: list[TermsOfReference]) -> TermsOfReference | None:
    return next((v for v in versions if v.is_draft), None)


def get_version(board: Board, number: int) -> TermsOfReference | None:
    return db.session.execute(select(TermsOfReference).where(TermsOfReference.board_id == board.id,
                                                             TermsOfReference.number == number)).scalar_one_or_none()


def draft_text(board: Board) -> str:
    """What a new draft starts from: the current terms, or a starter outline."""
    current = current_terms(versions_of(board))
    return current.body if current is not None else STARTER.format(name=board.name)


def render(body: str):
    return render_markdown(body, heading_offset=1)


def save_draft(board: Board, body: str, version, actor: User | None) -> TermsOfReference:
    """Save the draft of the next version (starting one if there is none)."""
    text = clean_text(body)
    if not text:
        raise ServiceError("Enter the terms of reference", "body")
    if len(text) > MAX_TERMS:
        raise ServiceError(f"The terms of reference must be {MAX_TERMS:,} characters or fewer", "body")
    serialise_on(board)
    draft = draft_of(versions_of(board))
    if draft is None:
        number = (db.session.execute(select(func.max(TermsOfReference.number))
                                     .where(TermsOfReference.board_id == board.id)).scalar() or 0) + 1
        draft = TermsOfReference(network_id=board.network_id, board_id=board.id, number=number,
                                 drafted_by_id=actor.id if actor else None)
        db.session.add(draft)
    elif version not in (None, ""):
        check_version(draft, version)
    draft.body = text
    db.session.flush()
    return draft


def approve(network: Network, board: Board, draft: TermsOfReference, approved_on: date | None, note: str,
            actor: User | None):
    """Approve the draft as the terms in force from `approved_on`; the worker issues its PDF."""
    if approved_on is None:
        raise ServiceError("Enter the date the terms of reference were approved", "approved_on")
    if approved_on > clock.today():
        raise ServiceError("The date approved must be today or in the past", "approved_on")
    serialise_on(board)
    db.session.refresh(draft)
    if not draft.is_draft:
        raise ServiceError(f"Version {draft.number} has already been approved", "approved_on")
    if not draft.body.strip():
        raise ServiceError("The draft is empty: write the terms of reference first", "approved_on")
    draft.approved_on = approved_on
    draft.approved_at = clock.now()
    draft.approved_by_id = actor.id if actor else None
    draft.approval_note = clean_line(note)[:300]
    db.session.flush()
    return request_pdf(network, board, draft, actor)


def request_pdf(network: Network, board: Board, terms: TermsOfReference, actor: User | None):
    """Ask the worker to issue the PDF of an approved version."""
    if terms.is_draft:
        raise ServiceError("Only approved terms of reference are issued as a PDF")
    return jobs.request_document(network, TERMS_KIND, f"Terms of reference: {board.name}", actor,
                                 terms_id=terms.id)


def build_terms_pdf(job, report):
    """The worker's side: render the approved version, archive it and note it on the version."""
    terms = db.session.get(TermsOfReference, job.params["terms_id"])
    board = terms.board
    network = db.session.get(Network, job.network_id)
    report(20, "Setting out the terms of reference")
    page = boards.board_page(board)
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    document = issue_document(
        network, "meetings/pdf/terms.html", kind=TERMS_KIND, title=f"Terms of reference: {board.name}",
        actor=actor, subject=terms,
        covers=f"Version {terms.number}, approved {format_date(terms.approved_on)}",
        board=board, terms=terms, body=render(terms.body), page=page)
    terms.document_id = document.id
    db.session.flush()
    return document


jobs.register(TERMS_KIND, build_terms_pdf)
