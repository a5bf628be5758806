"""Recording decisions: at a meeting (quorate, votes by count or by name, conflicts excluded), by
chair's action, and the ledger's view of a decision. Decisions are never changed once written.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from governance.auth.models import User
from governance.core import clock, ledger
from governance.core.errors import Checks, ServiceError
from governance.core.text import clean_line, clean_text
from governance.decisions import affected, numbering
from governance.decisions.models import (
    Decision,
    MeetingDecisionsLock,
    Outcome,
    Relation,
    Route,
    Vote,
)
from governance.extensions import db
from governance.meetings import agenda, attendance, boards, hooks, quorum
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.meetings.models import Board, BoardRole
from governance.mous.models import Mou
from governance.networks.models import Network
from governance.partners import decision_links
from governance.partners.models import Partner

TEXT_LIMIT = 20_000


# The ledger's view of a decision -------------------------------------------------------------

def ledger_content(decision: Decision) -> dict:
    """Everything a decision says, as the ledger holds it (and reads it back to verify)."""
    return {"reference": decision.reference, "route": decision.route, "board": decision.board_id,
            "meeting": decision.meeting_id, "item": decision.agenda_item_id,
            "decided_on": decision.decided_on.isoformat(), "title": decision.title,
            "resolution": decision.resolution, "reasons": decision.reasons,
            "options_considered": decision.options_considered, "outcome": decision.outcome,
            "votes": [decision.votes_for, decision.votes_against, decision.abstentions],
            "named_votes": decision.named_votes or [], "casting_vote": decision.casting_vote,
            "excluded": decision.excluded or [], "quorum": decision.quorum_words,
            "effective_on": decision.effective_on.isoformat() if decision.effective_on else None,
            "review_on": decision.review_on.isoformat() if decision.review_on else None,
            "related": decision.related_id, "relation": decision.relation, "affects": decision.affects or []}


def _stored(decision_id: int) -> dict | None:
    decision = db.session.execute(select(Decision).where(Decision.id == decision_id)
                                  .execution_options(all_networks=True)).scalar_one_or_none()
    return None if decision is None else ledger_content(decision)


ledger.register_subject("Decision", _stored)


def _to_ledger(decision: Decision, actor: User | None) -> None:
    ledger.record(decision.network_id, "decision.recorded", "Decision", decision.id, ledger_content(decision),
                  summary=f"{decision.reference} {decision.title}: {decision.outcome_enum.label.lower()}",
                  actor_id=actor.id if actor else None)
    if decision.relation == Relation.RATIFIES:
        ledger.record(decision.network_id, "chairs_action.ratified", "Decision", decision.id,
                      ledger_content(decision), summary=f"{decision.related.reference} ratified by "
                                                        f"{decision.reference}",
                      actor_id=actor.id if actor else None)


# Checking what a form sent -------------------------------------------------------------------

@dataclass
class Cleaned:
    values: dict = field(default_factory=dict)
    related: Decision | None = None
    relation: str | None = None


def _text(data: dict, name: str, label: str, checks: Checks, *, required: bool, limit: int = TEXT_LIMIT) -> str:
    value = (clean_line if limit <= 300 else clean_text)(data.get(name))
    if required and not value:
        checks.add(f"Enter the {label.lower()}", name)
    elif len(value) > limit:
        checks.add(f"{label} must be {limit:,} characters or fewer", name)
    return value[:limit]


def _affects(data: dict, checks: Checks) -> list[dict]:
    chosen = []
    for kind, model, name in (("partner", Partner, "partner_ids"), ("mou", Mou, "mou_ids")):
        ids = [_as_id(i) for i in (data.get(name) or []) if i not in (None, "")]
        found = {r.id: r for r in db.session.execute(select(model).where(model.id.in_(ids))).scalars()} if ids else {}
        if len(found) != len(set(ids)):
            checks.add("Choose partners and MOUs of this network", name)
        chosen += [{"kind": kind, "id": i, "name": found[i].name if kind == "partner" else found[i].title}
                   for i in sorted(found)]
    others, good = affected.chosen(data.get("affected"))
    if not good:
        checks.add("Choose records of this network from the lists", "affected")
    return chosen + others


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _related(data: dict, board_id: int, checks: Checks) -> Decision | None:
    reference, relation = clean_line(data.get("related_reference")).upper(), data.get("relation") or ""
    if not relation and not reference:
        return None
    if relation not in Relation._value2member_map_:
        checks.add("Select whether this decision amends, supersedes or ratifies the earlier one", "relation")
        return None
    if not reference:
        checks.add("Enter the reference of the decision it " + relation, "related_reference")
        return None
    earlier = db.session.execute(select(Decision).where(Decision.reference == reference)).scalar_one_or_none()
    if earlier is None:
        checks.add(f"There is no decision {reference} in this network", "related_reference")
    elif relation == Relation.RATIFIES and earlier.route != Route.CHAIRS_ACTION:
        checks.add(f"{reference} is not a chair's action, so it needs no ratification", "related_reference")
    elif relation == Relation.RATIFIES and earlier.board_id != board_id:
        checks.add(f"{reference} was taken for another board or committee", "related_reference")
    elif relation in (Relation.RATIFIES, Relation.SUPERSEDES) and _followed(earlier, Relation(relation)):
        word = "ratified" if relation == Relation.RATIFIES else "superseded"
        checks.add(f"{reference} has already been {word}", "related_reference")
    return earlier


def _followed(earlier: Decision, relation: Relation) -> bool:
    return db.session.execute(select(exists().where(Decision.related_id == earlier.id,
                                                    Decision.relation == relation.value))).scalar()


def _dates(data: dict, checks: Checks) -> tuple[date | None, date | None]:
    effective, review = data.get("effective_on"), data.get("review_on")
    if effective and review and review < effective:
        checks.add("The review date must be on or after the date the decision takes effect", "review_on")
    return effective, review


def _common(data: dict, board_id: int, checks: Checks) -> Cleaned:
    cleaned = Cleaned()
    cleaned.values = {
        "title": _text(data, "title", "Title", checks, required=True, limit=300),
        "resolution": _text(data, "resolution", "Resolution", checks, required=True),
        "reasons": _text(data, "reasons", "Reasons", checks, required=False),
        "options_considered": _text(data, "options_considered", "Options considered", checks, required=False),
        "affects": _affects(data, checks)}
    cleaned.values["effective_on"], cleaned.values["review_on"] = _dates(data, checks)
    cleaned.related = _related(data, board_id, checks)
    cleaned.relation = data.get("relation") if cleaned.related is not None else None
    return cleaned


# Votes at a meeting --------------------------------------------------------------------------

def _count(data: dict, name: str, label: str, checks: Checks) -> int:
    value = str(data.get(name) if data.get(name) is not None else "").strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) > 500:
        checks.add(f"{label} must be a whole number from 0 to 500", name)
        return 0
    return int(value)


def _votes(data: dict, voters: list, excluded: dict[int, str], checks: Checks) -> dict:
    """Counts (and names, when recorded by name) from the form; the excluded cannot vote."""
    if data.get("by_name"):
        named = []
        for seat in voters:
            vote = (data.get("named") or {}).get(seat.id) or ""
            if not vote:
                continue
            if vote not in Vote._value2member_map_:
                checks.add(f"Select how {seat.name} voted", f"vote_{seat.id}")
            elif seat.id in excluded:
                checks.add(f"{seat.name} may not vote on this item: {excluded[seat.id]}", f"vote_{seat.id}")
            else:
                named.append({"seat": seat.id, "name": seat.name, "vote": vote})
        tally = [sum(1 for n in named if n["vote"] == v) for v in ("for", "against", "abstain")]
        return {"named_votes": named, "votes_for": tally[0], "votes_against": tally[1], "abstentions": tally[2]}
    counts = {"votes_for": _count(data, "votes_for", "Votes for", checks),
              "votes_against": _count(data, "votes_against", "Votes against", checks),
              "abstentions": _count(data, "abstentions", "Abstentions", checks), "named_votes": []}
    may_vote = len([s for s in voters if s.id not in excluded])
    if sum(counts[k] for k in ("votes_for", "votes_against", "abstentions")) > may_vote:
        checks.add(f"More votes are recorded than the {may_vote} voting members who may vote on this item",
                   "votes_for")
    return counts


def _outcome(data: dict, votes: dict, checks: Checks) -> tuple[str, str | None]:
    outcome, casting = data.get("outcome") or "", data.get("casting_vote") or None
    if outcome not in Outcome._value2member_map_:
        checks.add("Select the outcome", "outcome")
        return outcome, None
    tie = votes["votes_for"] == votes["votes_against"] and votes["votes_for"] > 0
    if casting and casting not in (Vote.FOR, Vote.AGAINST):
        checks.add("Select whether the chair's casting vote was for or against", "casting_vote")
    elif casting and not tie:
        checks.add("The chair has a casting vote only when the votes are tied", "casting_vote")
    elif tie and outcome in (Outcome.APPROVED, Outcome.REJECTED) and not casting:
        checks.add("The votes are tied: record the chair's casting vote", "casting_vote")
    elif outcome == Outcome.APPROVED and (votes["votes_against"] > votes["votes_for"] or casting == Vote.AGAINST):
        checks.add("More voted against than for, so the outcome cannot be approved", "outcome")
    elif outcome == Outcome.REJECTED and (votes["votes_for"] > votes["votes_against"] or casting == Vote.FOR):
        checks.add("More voted for than against, so the outcome cannot be rejected", "outcome")
    return outcome, casting


# Recording -----------------------------------------------------------------------------------

def refuse(message: str, field_name: str | None = None):
    """Raise a ServiceError (for a view's lambda that has nothing to call)."""
    raise ServiceError(message, field_name)


def is_locked(meeting: Meeting) -> bool:
    return db.session.execute(select(exists().where(MeetingDecisionsLock.meeting_id == meeting.id))).scalar()


@dataclass
class ItemContext:
    """What deciding an item depends on: who may vote, who is excluded, and the quorum in words."""

    item: AgendaItem
    voters: list  # the voting seats in the room for the item
    excluded: dict[int, str]
    quorate: bool
    quorum_words: str
    refusal: str = ""


def item_context(meeting: Meeting, item: AgendaItem) -> ItemContext:
    """Who is in the room and may vote on the item, and whether the board may decide it now."""
    return item_contexts(meeting, [item])[item.id]


def item_contexts(meeting: Meeting, wanted: list[AgendaItem]) -> dict[int, ItemContext]:
    """The context of each wanted item, from the meeting's attendance, quorum and exclusions read once."""
    items, records, seats = agenda.items_of(meeting), attendance.records_of(meeting), attendance.seats_for(meeting)
    found = attendance.meeting_quorum(meeting, items, records, seats)
    exclusions, locked = hooks.vote_exclusions(meeting), is_locked(meeting)
    attendees = [quorum.Attendee(r.board_member_id, r.status, _position(items, r.arrived_at_item_id),
                                 _position(items, r.left_at_item_id)) for r in records if r.board_member_id]
    contexts = {}
    for item in wanted:
        result = found.by_item.get(item.id)
        in_room = set().union(*quorum.in_the_room(attendees, item.position)) if result is not None else set()
        context = ItemContext(item, [seat for seat in seats if seat.voting and seat.id in in_room],
                              exclusions.get(item.id, {}), bool(result and result.quorate),
                              result.summary if result else "")
        context.refusal = _refusal(meeting, item, found, result, locked)
        contexts[item.id] = context
    return contexts


def _position(items: list[AgendaItem], item_id: int | None) -> int | None:
    return next((i.position for i in items if i.id == item_id), None)


def _refusal(meeting: Meeting, item: AgendaItem, found, result, locked: bool) -> str:
    if meeting.is_cancelled:
        return "This meeting was cancelled, so it made no decisions"
    if not meeting.has_started:
        return "Decisions can be recorded once the meeting has started"
    if item.is_withdrawn:
        return "This item was withdrawn from the agenda"
    if locked:
        return "The minutes of this meeting have been approved, so its decisions are locked"
    if not found.recorded or result is None:
        return "Record the meeting's attendance first: the quorum for this item depends on who was there"
    if not result.quorate:
        return f"This item was not quorate, so the meeting could not decide it. {result.summary}"
    return ""


def record_decision(meeting: Meeting, item: AgendaItem, data: dict, actor: User | None) -> Decision:
    """Record the decision the meeting made on an agenda item; refused when the item was not quorate."""
    if item.meeting_id != meeting.id:
        raise ServiceError("Choose an item of this meeting's agenda")
    context = item_context(meeting, item)
    if context.refusal:
        raise ServiceError(context.refusal)
    checks = Checks()
    cleaned = _common(data, meeting.board_id, checks)
    votes = _votes(data, context.voters, context.excluded, checks)
    outcome, casting = _outcome(data, votes, checks)
    checks.raise_any()
    names = {seat.id: seat.name for seat in attendance.seats_for(meeting)}
    excluded = [{"seat": k, "name": names.get(k, ""), "why": v} for k, v in sorted(context.excluded.items())]
    return write(meeting.network_id, meeting.board_id, meeting.local_start.date(), cleaned, actor,
                  route=Route.MEETING, meeting_id=meeting.id, agenda_item_id=item.id, outcome=outcome,
                  casting_vote=casting, excluded=excluded, quorum_words=context.quorum_words,
                  confidential=item.confidential, **votes)


def record_chairs_action(board: Board, data: dict, actor: User | None) -> Decision:
    """Record an urgent decision the chair took between meetings; it is listed until ratified."""
    checks = Checks()
    decided_on = data.get("decided_on")
    if not decided_on:
        checks.add("Enter the date the chair took the action", "decided_on")
    elif decided_on > clock.today():
        checks.add("The date the chair took the action must be today or in the past", "decided_on")
    cleaned = _common(data, board.id, checks)
    if cleaned.relation == Relation.RATIFIES:
        checks.add("A chair's action is ratified by the board at its next meeting", "relation")
    chair = _chair_on(board, decided_on) if decided_on else None
    if decided_on and chair is None:
        checks.add(f"{board.name} had no chair or vice-chair on that date", "decided_on")
    checks.raise_any()
    return write(board.network_id, board.id, decided_on, cleaned, actor, route=Route.CHAIRS_ACTION,
                  outcome=Outcome.APPROVED.value, quorum_words=f"Taken by {chair.name} ({chair.role_label.lower()}) "
                                                               "as a chair's action")


def _chair_on(board: Board, day: date):
    seats = boards.seats_on(board.id, day)
    return next((s for s in seats if s.role == BoardRole.CHAIR), None) or \
        next((s for s in seats if s.role == BoardRole.VICE_CHAIR), None)


def write(network_id: int, board_id: int, decided_on: date, cleaned: Cleaned, actor: User | None, *,
          ledger_now: bool = True, **values) -> Decision:
    """Number and store a checked decision, and (unless the caller does it later) put it on the ledger."""
    number = numbering.take_next(network_id, decided_on.year)  # held until commit: no gaps, no duplicates
    related = db.session.get(Decision, cleaned.related.id) if cleaned.related is not None else None
    if related is not None and cleaned.relation != Relation.AMENDS and _followed(related, Relation(cleaned.relation)):
        raise ServiceError(f"{related.reference} was ratified or superseded by a colleague just now",
                           "related_reference")
    network = db.session.get(Network, network_id)
    decision = Decision(network_id=network_id, board_id=board_id, decided_on=decided_on, year=decided_on.year,
                        number=number, reference=numbering.reference(network, decided_on.year, number),
                        related_id=related.id if related else None, relation=cleaned.relation,
                        recorded_by_id=actor.id if actor else None, recorded_at=clock.now(),
                        **cleaned.values, **values)
    db.session.add(decision)
    db.session.flush()
    if ledger_now:
        _to_ledger(decision, actor)
    return decision


def lock_meeting_decisions(meeting: Meeting, actor: User | None = None) -> MeetingDecisionsLock:
    """Lock a meeting's decisions once its minutes are approved: nothing more is recorded against it."""
    existing = db.session.execute(select(MeetingDecisionsLock).where(
        MeetingDecisionsLock.meeting_id == meeting.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    lock = MeetingDecisionsLock(network_id=meeting.network_id, meeting_id=meeting.id, locked_at=clock.now(),
                                locked_by_id=actor.id if actor else None)
    db.session.add(lock)
    db.session.flush()
    references = list(db.session.execute(select(Decision.reference).where(Decision.meeting_id == meeting.id)
                                         .order_by(Decision.number)).scalars())
    ledger.record(meeting.network_id, "decisions.locked", "MeetingDecisionsLock", lock.id,
                  {"meeting": meeting.id, "decisions": references},
                  summary=f"Decisions of {meeting} locked", actor_id=actor.id if actor else None)
    return lock


def pending_chairs_actions(board_id: int | None = None) -> list[Decision]:
    """Chair's actions not yet ratified by a decision, oldest first."""
    later = aliased(Decision)
    query = select(Decision).where(Decision.route == Route.CHAIRS_ACTION.value, ~exists().where(
        later.related_id == Decision.id, later.relation == Relation.RATIFIES.value))
    if board_id is not None:
        query = query.where(Decision.board_id == board_id)
    return list(db.session.execute(query.order_by(Decision.decided_on, Decision.number)).scalars())


# A partner's membership change cites the decision that approved it by reference: find it in this network.

def _decision_by_reference(reference: str) -> tuple[int, str] | None:
    row = db.session.execute(select(Decision.id, Decision.reference)
                             .where(Decision.reference == reference.strip().upper())).first()
    return (row.id, row.reference) if row else None


decision_links.register_resolver(_decision_by_reference)
