"""The decision log and the action log: filters, pages with a fixed number of queries, CSV, PDFs.

Decisions on confidential (part 2) items are listed only to those who read their board's
meetings in full (secretaries, admins, and members who sit on the board); the filter is part of
the query, so pages and exports agree.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, false, func, or_, select, true
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock, ledger
from governance.core.formatting import format_date
from governance.decisions import affected
from governance.decisions.models import ActionStatus, BoardAction, Decision, Outcome, Relation
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.extensions import db
from governance.meetings.access import Viewer
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.meetings.models import Board
from governance.networks.models import Membership, Network

DECISION_LOG_KIND = "decision_log"
ACTION_LOG_KIND = "action_log"
PDF_LIMIT = 2_000
SHOWN = 5  # decisions listed on a partner's or workstream's page before "all of them in the decision log"


@dataclass
class DecisionFilters:
    board_id: int | None = None
    outcome: str | None = None
    start: date | None = None
    end: date | None = None
    words: str = ""
    affects: str = ""  # "partner:3": only the decisions that affect (or are cited by) that record

    def as_params(self) -> dict:
        return {"board_id": self.board_id, "outcome": self.outcome, "words": self.words,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "affects": self.affects}

    @classmethod
    def from_params(cls, params: dict) -> "DecisionFilters":
        return cls(params.get("board_id"), params.get("outcome"),
                   date.fromisoformat(params["start"]) if params.get("start") else None,
                   date.fromisoformat(params["end"]) if params.get("end") else None, params.get("words") or "",
                   params.get("affects") or "")


def visible(viewer: Viewer):
    """The SQL condition for the decisions this reader may see."""
    if viewer.manages:
        return true()
    if viewer.role in ("patient_panel_member", "observer"):
        return Decision.confidential.is_(False)
    boards = {seat.board_id for seat in viewer.seats}
    return or_(Decision.confidential.is_(False), Decision.board_id.in_(boards) if boards else false())


def _like(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def decisions_query(filters: DecisionFilters, viewer: Viewer):
    """The decision log, newest first, with what each row shows loaded alongside."""
    query = select(Decision).where(visible(viewer)).options(
        selectinload(Decision.board), selectinload(Decision.meeting), selectinload(Decision.related))
    if filters.board_id:
        query = query.where(Decision.board_id == filters.board_id)
    if filters.outcome in Outcome._value2member_map_:
        query = query.where(Decision.outcome == filters.outcome)
    if filters.start:
        query = query.where(Decision.decided_on >= filters.start)
    if filters.end:
        query = query.where(Decision.decided_on <= filters.end)
    if filters.words:
        pattern = _like(filters.words[:200])
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in (
            Decision.reference, Decision.title, Decision.resolution, Decision.reasons))))
    record = affected.parse_key(filters.affects)
    if record is not None:
        query = query.where(affected.record_clause(*record))
    return query.order_by(Decision.decided_on.desc(), Decision.number.desc())


@dataclass
class LinkedDecisions:
    decisions: list[Decision]  # newest first, at most SHOWN
    total: int
    key: str  # the decision log filter that lists them all, e.g. "partner:3"

    @property
    def more(self) -> int:
        return self.total - len(self.decisions)


def linked_decisions(kind: str, record_id: int, viewer: Viewer, limit: int = SHOWN) -> LinkedDecisions:
    """The decisions the reader may see that affect a record or that it cites, newest first: two queries
    whatever the numbers."""
    query = select(Decision).where(visible(viewer), affected.record_clause(kind, record_id))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    shown = list(db.session.execute(query.order_by(Decision.decided_on.desc(), Decision.number.desc())
                                    .limit(limit)).scalars()) if total else []
    return LinkedDecisions(shown, total, f"{kind}:{record_id}")


def followed_by(decisions: list[Decision]) -> dict[int, list[Decision]]:
    """For each decision, the later decisions that amend, supersede or ratify it (one query)."""
    ids = [d.id for d in decisions]
    if not ids:
        return {}
    found: dict[int, list[Decision]] = {}
    for later in db.session.execute(select(Decision).where(Decision.related_id.in_(ids))
                                    .order_by(Decision.number)).scalars():
        found.setdefault(later.related_id, []).append(later)
    return found


def is_superseded(decision_id: int) -> bool:
    return db.session.execute(select(exists().where(Decision.related_id == decision_id,
                                                    Decision.relation == Relation.SUPERSEDES.value))).scalar()


@dataclass
class ChainHead:
    check: object  # the worker's latest walk of the chain (ledger.LedgerCheck), None before the first
    head: object  # the chain's newest entry now
    since: int  # entries recorded after the last check (checked at the next one)


def verified_head(network_id: int) -> ChainHead:
    """'Record verified up to entry N': the worker's last walk of the ledger, in two queries."""
    check, head = ledger.last_check(network_id), ledger.head(network_id)
    checked_through = (check.head_sequence or 0) if check and check.ok else 0
    since = max(0, (head.sequence if head else 0) - checked_through) if check and check.ok else 0
    return ChainHead(check, head, since)


def board_choices() -> list[tuple[int, str]]:
    return [(b.id, b.name) for b in db.session.execute(select(Board).order_by(Board.name)).scalars()]


def cell(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r", "|", "%")) else text


def decisions_csv(filters: DecisionFilters, viewer: Viewer) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Reference", "Date", "Board or committee", "Route", "Meeting", "Title", "Resolution",
                     "Reasons", "Options considered and rejected", "Outcome", "For", "Against", "Abstaining",
                     "Chair's casting vote", "Excluded by a declared interest", "Effective from", "Review by",
                     "Amends, supersedes or ratifies"])
    for decision in db.session.execute(decisions_query(filters, viewer)).scalars():
        writer.writerow([cell(x) for x in (
            decision.reference, decision.decided_on.isoformat(), decision.board.name, decision.route_enum.label,
            str(decision.meeting) if decision.meeting else "", decision.title, decision.resolution,
            decision.reasons, decision.options_considered, decision.outcome_enum.label, decision.votes_for,
            decision.votes_against, decision.abstentions, decision.casting_vote or "",
            "; ".join(f"{e['name']} ({e['why']})" for e in decision.excluded or []),
            decision.effective_on.isoformat() if decision.effective_on else "",
            decision.review_on.isoformat() if decision.review_on else "",
            f"{decision.relation_enum.label} {decision.related.reference}" if decision.related else "")])
    return out.getvalue()


# Actions -------------------------------------------------------------------------------------

@dataclass
class ActionFilters:
    board_id: int | None = None
    owner_id: int | None = None
    status: str | None = None  # a status, or "outstanding" (open or in progress), or "overdue"
    meeting_id: int | None = None

    def as_params(self) -> dict:
        return {"board_id": self.board_id, "owner_id": self.owner_id, "status": self.status,
                "meeting_id": self.meeting_id}


OUTSTANDING = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)


def actions_query(filters: ActionFilters, viewer: Viewer | None = None):
    """The action log: overdue first, then by due date; what each row shows is loaded with it."""
    query = select(BoardAction).options(
        selectinload(BoardAction.board), selectinload(BoardAction.meeting), selectinload(BoardAction.decision),
        selectinload(BoardAction.owner).selectinload(Membership.user), selectinload(BoardAction.item))
    if filters.board_id:
        query = query.where(BoardAction.board_id == filters.board_id)
    if filters.owner_id:
        query = query.where(BoardAction.owner_id == filters.owner_id)
    if filters.meeting_id:
        query = query.where(BoardAction.meeting_id == filters.meeting_id)
    if filters.status == "outstanding":
        query = query.where(BoardAction.status.in_(OUTSTANDING))
    elif filters.status == "overdue":
        query = query.where(BoardAction.status.in_(OUTSTANDING), BoardAction.due_on < clock.today())
    elif filters.status in ActionStatus._value2member_map_:
        query = query.where(BoardAction.status == filters.status)
    if viewer is not None and not viewer.manages:
        boards = {seat.board_id for seat in viewer.seats}
        in_full = BoardAction.board_id.in_(boards) if boards else false()
        query = query.outerjoin(BoardAction.item).where(
            or_(BoardAction.agenda_item_id.is_(None), AgendaItem.confidential.is_(False), in_full))
    closed_last = BoardAction.status.in_(OUTSTANDING).desc()
    return query.order_by(closed_last, BoardAction.due_on, BoardAction.id)


def my_actions_query(membership: Membership, outstanding_only: bool = False):
    query = actions_query(ActionFilters(owner_id=membership.id,
                                        status="outstanding" if outstanding_only else None))
    return query


def meeting_choices() -> list[tuple[int, str]]:
    meetings = db.session.execute(select(Meeting).where(Meeting.starts_at <= clock.now())
                                  .order_by(Meeting.starts_at.desc()).limit(200)).scalars()
    return [(m.id, str(m)) for m in meetings]


def overdue_count(membership: Membership) -> tuple[int, int]:
    """(outstanding, overdue) actions a member owns."""
    row = db.session.execute(select(
        func.count(BoardAction.id),
        func.count(BoardAction.id).filter(BoardAction.due_on < clock.today())).where(
        BoardAction.owner_id == membership.id, BoardAction.status.in_(OUTSTANDING))).one()
    return row[0], row[1]


# PDFs: made by the worker ----------------------------------------------------------------------

def request_decision_log(network: Network, filters: DecisionFilters, actor: User):
    span = f"{format_date(filters.start) if filters.start else 'the start'} to " \
           f"{format_date(filters.end) if filters.end else format_date(clock.today())}"
    return jobs.request_document(network, DECISION_LOG_KIND, f"Decision log, {span}", actor,
                                 filters=filters.as_params(), span=span)


def build_decision_log(job, report):
    network = db.session.get(Network, job.network_id)
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    filters = DecisionFilters.from_params(job.params["filters"])
    report(10, "Reading the decisions")
    everyone = Viewer(None, None, True)  # the PDF is asked for by a secretary, who reads every decision
    decisions = list(db.session.execute(decisions_query(filters, everyone).limit(PDF_LIMIT)).scalars())
    decisions.reverse()
    report(40, f"Setting out {len(decisions):,} decisions")
    return issue_document(network, "decisions/pdf/decision_log.html", kind=DECISION_LOG_KIND, title=job.title,
                          actor=actor, covers=job.params["span"], decisions=decisions,
                          followed=followed_by(decisions), span=job.params["span"])


def request_action_log(network: Network, filters: ActionFilters, actor: User):
    return jobs.request_document(network, ACTION_LOG_KIND, f"Action log, {format_date(clock.today())}", actor,
                                 filters=filters.as_params())


def build_action_log(job, report):
    network = db.session.get(Network, job.network_id)
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    report(10, "Reading the actions")
    params = job.params["filters"]
    filters = ActionFilters(params.get("board_id"), params.get("owner_id"), params.get("status"),
                            params.get("meeting_id"))
    actions = list(db.session.execute(actions_query(filters).limit(PDF_LIMIT)).scalars())
    report(40, f"Setting out {len(actions):,} actions")
    return issue_document(network, "decisions/pdf/action_log.html", kind=ACTION_LOG_KIND, title=job.title,
                          actor=actor, covers=f"As at {format_date(clock.today())}", actions=actions,
                          today=clock.today())


jobs.register(DECISION_LOG_KIND, build_decision_log)
jobs.register(ACTION_LOG_KIND, build_action_log)
