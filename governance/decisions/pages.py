"""What each decisions page shows, worked out here so that views stay thin and templates only show it."""

from dataclasses import dataclass, field

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.core import clock
from governance.decisions import affected, logs, records, resolutions
from governance.decisions.models import ActionStatus, BoardAction, Decision, Relation, WrittenResolution
from governance.extensions import db
from governance.meetings import agenda
from governance.meetings.access import Viewer, viewer_for
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.networks.models import Membership


def viewer() -> Viewer:
    """The signed-in member as the meetings rules see them (loaded once a request)."""
    if "decisions_viewer" not in g:
        g.decisions_viewer = viewer_for(g.get("membership"))
    return g.decisions_viewer


def may_read(decision: Decision, reader: Viewer) -> bool:
    if not decision.confidential or reader.manages:
        return True
    return reader.role not in ("patient_panel_member", "observer") and \
        any(seat.board_id == decision.board_id for seat in reader.seats)


@dataclass
class ItemRow:
    item: AgendaItem
    context: records.ItemContext | None
    decisions: list[Decision] = field(default_factory=list)
    actions: list[BoardAction] = field(default_factory=list)


@dataclass
class MeetingDecisions:
    meeting: Meeting
    rows: list[ItemRow]
    locked: bool
    pending_chairs_actions: list[Decision]
    manages: bool


def meeting_decisions(meeting: Meeting, reader: Viewer) -> MeetingDecisions:
    """Each agenda item the reader may see, with its quorum, decisions and actions."""
    items = [item for item in agenda.items_of(meeting) if not item.is_withdrawn and
             (not item.confidential or reader.reads_in_full(meeting))]
    decisions = list(db.session.execute(select(Decision).where(Decision.meeting_id == meeting.id)
                                        .order_by(Decision.number)).scalars())
    actions = list(db.session.execute(
        select(BoardAction).where(BoardAction.meeting_id == meeting.id)
        .options(selectinload(BoardAction.owner).selectinload(Membership.user)).order_by(BoardAction.id)).scalars())
    contexts = _contexts(meeting, items) if reader.manages else {}
    rows = [ItemRow(item, contexts.get(item.id), [d for d in decisions if d.agenda_item_id == item.id],
                    [a for a in actions if a.agenda_item_id == item.id]) for item in items]
    return MeetingDecisions(meeting, rows, records.is_locked(meeting),
                            records.pending_chairs_actions(meeting.board_id) if reader.manages else [],
                            reader.manages)


def _contexts(meeting: Meeting, items: list[AgendaItem]) -> dict[int, records.ItemContext]:
    if meeting.is_cancelled or not meeting.has_started:
        return {}
    return records.item_contexts(meeting, items)


@dataclass
class DecisionPage:
    decision: Decision
    followed_by: list[Decision]
    actions: list[BoardAction]
    superseded: bool
    superseded_by: Decision | None
    ratified_by: Decision | None
    locked: bool
    kinds: dict = field(default_factory=dict)  # kind -> affected.AffectedKind, for the "Affects" links


def decision_page(decision: Decision) -> DecisionPage:
    later = logs.followed_by([decision]).get(decision.id, [])
    actions = list(db.session.execute(select(BoardAction).where(BoardAction.decision_id == decision.id)
                                      .order_by(BoardAction.id)).scalars())
    superseded_by = next((d for d in later if d.relation == Relation.SUPERSEDES), None)
    ratified_by = next((d for d in later if d.relation == Relation.RATIFIES), None)
    locked = decision.meeting is not None and records.is_locked(decision.meeting)
    return DecisionPage(decision, later, actions, superseded_by is not None, superseded_by, ratified_by, locked,
                        {kind.kind: kind for kind in affected.kinds()})


@dataclass
class ResolutionPage:
    resolution: WrittenResolution
    tally: dict
    my_seat: dict | None
    voted: bool
    may_vote: bool
    days_left: int
    by_seat: dict = field(default_factory=dict)


def resolution_page(resolution: WrittenResolution, membership: Membership | None) -> ResolutionPage:
    """The resolution as sent, its tally, and whether this member may still vote (lapsing it if due)."""
    resolutions.settle_if_due(resolution)
    seat = resolutions.voter_seat(resolution, membership)
    voted = resolutions.has_voted(resolution, membership)
    days = max(0, (resolution.closes_at - clock.now()).days)
    return ResolutionPage(resolution, resolutions.tally(resolution), seat, voted,
                          resolution.is_open and seat is not None and not voted, days,
                          {vote.seat_id: vote for vote in resolution.votes})


def open_resolutions(membership: Membership | None) -> list[WrittenResolution]:
    """Open written resolutions (lapsing those whose time is up), newest first."""
    found = list(db.session.execute(select(WrittenResolution).where(WrittenResolution.status == "open")
                                    .options(selectinload(WrittenResolution.votes))
                                    .order_by(WrittenResolution.circulated_at.desc())).scalars())
    return [r for r in found if not resolutions.settle_if_due(r)]


def awaiting_my_vote(membership: Membership) -> list[WrittenResolution]:
    return [r for r in open_resolutions(membership)
            if resolutions.voter_seat(r, membership) and not resolutions.has_voted(r, membership)]


@dataclass
class MyActions:
    outstanding: int
    overdue: int
    next_due: list[BoardAction]
    votes: list[WrittenResolution]


def my_actions_card(membership: Membership) -> MyActions | None:
    """The overview card: the member's outstanding and overdue actions, and resolutions awaiting their vote."""
    outstanding, overdue = logs.overdue_count(membership)
    votes = awaiting_my_vote(membership)
    if not outstanding and not votes:
        return None
    soonest = list(db.session.execute(logs.my_actions_query(membership, outstanding_only=True).limit(3)).scalars())
    return MyActions(outstanding, overdue, soonest, votes)


def may_see_action(action: BoardAction, membership: Membership | None, reader: Viewer, reads_logs: bool) -> bool:
    if membership is not None and action.owner_id == membership.id:
        return True
    if not reads_logs:
        return False
    return action.item is None or not action.item.confidential or reader.manages or \
        any(seat.board_id == action.board_id for seat in reader.seats)


STATUS_ORDER = [s for s in ActionStatus]
