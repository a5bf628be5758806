"""Terms of reference: numbered Markdown versions of a board's terms, each a draft until approved.

An approved version is frozen: a change is a new draft, started from the current text. Approving
records when and by which decision (an approved decision of the board, or of the board it reports to,
found by its reference through `hooks`; terms approved before decisions were recorded in Accord say how
instead) and has the worker issue the "Terms of reference" PDF, archived with the other issued documents.
A draft can be read as a PDF watermarked DRAFT, never archived.
"""

from datetime import date

from sqlalchemy import func, select

from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.markdown import render_markdown
from governance.core.outbox import external_url
from governance.core.pdf import render_pdf
from governance.core.text import clean_line, clean_text
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.extensions import db
from governance.meetings import boards, hooks
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


def approving_boards(board: Board) -> list[Board]:
    """Whose decision may approve the board's terms: its own, or that of a board it reports to."""
    chain = [board]
    while chain[-1].reports_to is not None and chain[-1].reports_to not in chain:
        chain.append(chain[-1].reports_to)
    return chain


def _approving_decision(board: Board, reference: str, checks: Checks) -> hooks.CitedDecision | None:
    """The approved decision of the board (or a board above it) that the reference names, or a problem."""
    field = "decision_reference"
    decision = hooks.decision_by_reference(reference)
    if decision is None:
        checks.add(f"There is no decision {reference.upper()} in this network. Enter the reference as it "
                   "appears in the decision log, like RIV-2026-014", field)
        return None
    allowed = approving_boards(board)
    if decision.board_id not in {b.id for b in allowed}:
        names = " or ".join(b.name for b in allowed)
        checks.add(f"Decision {decision.reference} was taken by {decision.board_name}. Enter a decision of "
                   f"{names}", field)
        return None
    if not decision.approved:
        checks.add(f"Decision {decision.reference} was not approved (its outcome is {decision.outcome.lower()}). "
                   "Enter the reference of the decision that approved the terms of reference", field)
        return None
    return decision


def _approval_checks(board: Board, approved_on: date | None, note: str, reference: str):
    """(date approved, decision) for what was entered, after reporting every problem at once."""
    checks = Checks()
    decision = _approving_decision(board, reference, checks) if reference else None
    if not reference and not note:
        checks.add("Enter the reference of the decision that approved the terms of reference, or say how "
                   "they were approved", "decision_reference")
    if approved_on is None and decision is not None:
        approved_on = decision.decided_on
    if approved_on is None:
        checks.add("Enter the date the terms of reference were approved", "approved_on")
    elif approved_on > clock.today():
        checks.add("The date approved must be today or in the past", "approved_on")
    elif decision is not None and approved_on < decision.decided_on:
        checks.add(f"The date approved must be on or after {format_date(decision.decided_on)}, when decision "
                   f"{decision.reference} was taken", "approved_on")
    checks.raise_any()
    return approved_on, decision


def approve(network: Network, board: Board, draft: TermsOfReference, approved_on: date | None, note: str,
            actor: User | None, decision_reference: str = ""):
    """Approve the draft as the terms in force from `approved_on`, by the decision the reference names (or,
    for terms approved before decisions were recorded in Accord, as the note says); the worker issues its PDF."""
    note, reference = clean_line(note or "")[:300], clean_line(decision_reference or "")
    approved_on, decision = _approval_checks(board, approved_on, note, reference)
    serialise_on(board)
    db.session.refresh(draft)
    if not draft.is_draft:
        raise ServiceError(f"Version {draft.number} has already been approved", "approved_on")
    if not draft.body.strip():
        raise ServiceError("The draft is empty: write the terms of reference first", "approved_on")
    draft.approved_on = approved_on
    draft.approved_at = clock.now()
    draft.approved_by_id = actor.id if actor else None
    draft.approved_by_decision_id = decision.id if decision is not None else None
    draft.approval_note = note
    db.session.flush()
    return request_pdf(network, board, draft, actor)


def approving_decisions(versions: list[TermsOfReference]) -> dict[int, hooks.CitedDecision]:
    """{version id: the decision that approved it} for the versions approved by a decision."""
    decisions = hooks.decisions_by_ids({v.approved_by_decision_id for v in versions if v.approved_by_decision_id})
    return {v.id: decisions[v.approved_by_decision_id] for v in versions if v.approved_by_decision_id in decisions}


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
    decision = hooks.decision_by_id(terms.approved_by_decision_id)
    document = issue_document(
        network, "meetings/pdf/terms.html", kind=TERMS_KIND, title=f"Terms of reference: {board.name}",
        actor=actor, subject=terms,
        covers=f"Version {terms.number}, approved {format_date(terms.approved_on)}",
        board=board, terms=terms, body=render(terms.body), page=page,
        decision=decision, decision_link=_decision_link(network, decision))
    terms.document_id = document.id
    db.session.flush()
    return document


jobs.register(TERMS_KIND, build_terms_pdf)


def _decision_link(network: Network, decision: hooks.CitedDecision | None) -> str | None:
    if decision is None:
        return None
    return external_url("decisions.show", network_slug=network.slug, decision_id=decision.id)


def draft_pdf(network: Network, board: Board, draft: TermsOfReference) -> bytes:
    """A draft version as a PDF watermarked DRAFT, for reading before approval (never archived)."""
    if not draft.is_draft:
        raise ServiceError("This version has been approved: download the issued PDF")
    return render_pdf("meetings/pdf/terms.html", title=f"Terms of reference: {board.name} (draft)",
                      network_name=network.name, draft=True, board=board, terms=draft, body=render(draft.body),
                      page=boards.board_page(board), decision=None, decision_link=None)
