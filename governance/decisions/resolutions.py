"""Written resolutions: circulated between meetings to the voting members fixed on the day it is
sent; each votes in the app; it passes when more than half of them agree, fails when it no longer
can, and lapses after 28 days. The outcome is recorded automatically: passed and failed ones become
decisions; a lapse is put on the ledger. A periodic task lapses them, and so does reading one.
"""

from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock, ledger, outbox, tenancy
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date, format_datetime
from governance.core.locking import serialise_on
from governance.core.tasks import periodic_task
from governance.decisions import records
from governance.decisions.models import (
    LAPSES_AFTER,
    Decision,
    Outcome,
    ResolutionStatus,
    ResolutionVote,
    Route,
    Vote,
    WrittenResolution,
)
from governance.extensions import db
from governance.meetings import boards
from governance.meetings.models import Board
from governance.networks.models import Membership, Network


def circulation_content(resolution: WrittenResolution) -> dict:
    """What was sent, to whom and when: the part of a written resolution that never changes."""
    return {"board": resolution.board_id, "title": resolution.title, "resolution": resolution.resolution,
            "reasons": resolution.reasons, "options_considered": resolution.options_considered,
            "voters": resolution.voters, "circulated_at": resolution.circulated_at.isoformat(),
            "closes_at": resolution.closes_at.isoformat()}


def vote_content(vote: ResolutionVote) -> dict:
    return {"resolution": vote.resolution_id, "seat": vote.seat_id, "member": vote.membership_id,
            "name": vote.name, "vote": vote.vote, "cast_at": vote.cast_at.isoformat()}


def _read(model, content):
    def read(record_id: int) -> dict | None:
        record = db.session.execute(select(model).where(model.id == record_id)
                                    .execution_options(all_networks=True)).scalar_one_or_none()
        return None if record is None else content(record)
    return read


ledger.register_subject("WrittenResolution", _read(WrittenResolution, circulation_content))
ledger.register_subject("ResolutionVote", _read(ResolutionVote, vote_content))


def circulate(board: Board, data: dict, actor: User | None) -> WrittenResolution:
    """Send a written resolution to the board's voting members of today, by mail and in the app."""
    checks = Checks()
    cleaned = records._common({**data, "relation": "", "related_reference": ""}, board.id, checks)
    seats = [seat for seat in boards.seats_on(board.id, clock.today()) if seat.voting]
    if not seats:
        checks.add(f"{board.name} has no voting members today, so there is nobody to circulate it to")
    checks.raise_any()
    now = clock.now()
    resolution = WrittenResolution(
        network_id=board.network_id, board_id=board.id, circulated_at=now, closes_at=now + LAPSES_AFTER,
        voters=[{"seat": s.id, "membership": s.membership_id, "name": s.name} for s in seats],
        circulated_by_id=actor.id if actor else None, **cleaned.values)
    db.session.add(resolution)
    db.session.flush()
    ledger.record(board.network_id, "written_resolution.circulated", "WrittenResolution", resolution.id,
                  circulation_content(resolution), summary=f"Written resolution circulated: {resolution.title}",
                  actor_id=actor.id if actor else None)
    _tell(resolution, seats, "written_resolution", board_name=board.name, voters=len(seats),
          needed=resolution.needed, wording=resolution.resolution,
          closes=format_datetime(resolution.closes_at))
    return resolution


def _tell(resolution: WrittenResolution, seats, template: str, **context) -> None:
    network = db.session.get(Network, resolution.network_id)
    link = outbox.external_url("decisions.resolution", network_slug=network.slug, resolution_id=resolution.id)
    for seat in seats:
        user = seat.membership.user
        outbox.queue_mail(user.email, template, network_id=resolution.network_id, full_name=user.full_name,
                          title=resolution.title, link=link, **context)


def resolutions_query():
    """Every written resolution, newest first, with its votes and decision."""
    return select(WrittenResolution).options(selectinload(WrittenResolution.votes),
                                             selectinload(WrittenResolution.board),
                                             selectinload(WrittenResolution.decision)) \
        .order_by(WrittenResolution.circulated_at.desc(), WrittenResolution.id.desc())


def tally(resolution: WrittenResolution) -> dict[str, int]:
    counts = {vote.value: 0 for vote in Vote}
    for vote in resolution.votes:
        counts[vote.vote] += 1
    counts["outstanding"] = len(resolution.voters) - len(resolution.votes)
    return counts


def voter_seat(resolution: WrittenResolution, membership: Membership | None) -> dict | None:
    """The member's place among the voters fixed on the day it was sent, if they are one."""
    if membership is None:
        return None
    return next((v for v in resolution.voters if v["membership"] == membership.id), None)


def has_voted(resolution: WrittenResolution, membership: Membership | None) -> bool:
    return membership is not None and any(v.membership_id == membership.id for v in resolution.votes)


def cast_vote(resolution: WrittenResolution, membership: Membership, vote: str, actor: User) -> ResolutionVote:
    """A voting member's vote; the resolution is decided as soon as its outcome is certain."""
    serialise_on(resolution)
    resolution = db.session.get(WrittenResolution, resolution.id)
    settle_if_due(resolution)
    if not resolution.is_open:
        raise ServiceError(f"Voting has closed: this written resolution {resolution.status_enum.label.lower()}")
    if vote not in Vote._value2member_map_:
        raise ServiceError("Select whether you agree, disagree or abstain", "vote")
    voter = voter_seat(resolution, membership)
    if voter is None:
        raise ServiceError("Only the voting members it was circulated to can vote on it")
    if has_voted(resolution, membership):
        raise ServiceError("You have already voted on this written resolution")
    cast = ResolutionVote(network_id=resolution.network_id, resolution_id=resolution.id, seat_id=voter["seat"],
                          membership_id=membership.id, name=voter["name"], vote=vote, cast_at=clock.now())
    db.session.add(cast)
    db.session.flush()
    db.session.expire(resolution, ["votes"])
    decision = _decide(resolution, actor)  # takes the decision number before the ledger: one lock order
    ledger.record(resolution.network_id, "written_resolution.vote", "ResolutionVote", cast.id, vote_content(cast),
                  summary=f"{voter['name']} voted {Vote(vote).label.lower()} on {resolution.title}",
                  actor_id=actor.id)
    if decision is not None:
        records._to_ledger(decision, actor)
        _announce(resolution, decision)
    return cast


def _decide(resolution: WrittenResolution, actor: User | None) -> Decision | None:
    counts = tally(resolution)
    if counts["for"] >= resolution.needed:
        outcome, status = Outcome.APPROVED, ResolutionStatus.PASSED
    elif counts["for"] + counts["outstanding"] < resolution.needed:
        outcome, status = Outcome.REJECTED, ResolutionStatus.NOT_PASSED
    else:
        return None
    today = clock.today()
    cleaned = records.Cleaned(values={
        "title": resolution.title, "resolution": resolution.resolution, "reasons": resolution.reasons,
        "options_considered": resolution.options_considered, "affects": resolution.affects,
        "effective_on": resolution.effective_on, "review_on": resolution.review_on})
    named = [{"seat": v.seat_id, "name": v.name, "vote": v.vote} for v in resolution.votes]
    decision = records.write(
        resolution.network_id, resolution.board_id, today, cleaned, actor, ledger_now=False,
        route=Route.WRITTEN_RESOLUTION.value, outcome=outcome.value, votes_for=counts["for"],
        votes_against=counts["against"], abstentions=counts["abstain"], named_votes=named,
        quorum_words=f"{counts['for']} of the {len(resolution.voters)} voting members it was circulated to "
                     f"on {format_date(resolution.circulated_at)} agreed ({resolution.needed} needed)")
    resolution.status, resolution.closed_at, resolution.decision_id = status.value, clock.now(), decision.id
    db.session.flush()
    return decision


def _announce(resolution: WrittenResolution, decision: Decision) -> None:
    words = (f"passed on {format_date(decision.decided_on)} as decision {decision.reference}."
             if decision.outcome == Outcome.APPROVED else
             f"did not pass: too few can still agree. It is recorded as decision {decision.reference}.")
    seats = [s for s in boards.seats_on(resolution.board_id, clock.today()) if
             any(v["seat"] == s.id for v in resolution.voters)]
    _tell(resolution, seats, "written_resolution_closed", board_name=resolution.board.name,
          outcome=resolution.status_enum.label, words=words)


def settle_if_due(resolution: WrittenResolution) -> bool:
    """Lapse an open resolution whose 28 days are over (the check on read); True when it lapsed."""
    if not resolution.is_open or clock.now() < resolution.closes_at:
        return False
    counts = tally(resolution)
    resolution.status, resolution.closed_at = ResolutionStatus.LAPSED.value, clock.now()
    db.session.flush()
    ledger.record(resolution.network_id, "written_resolution.lapsed", "WrittenResolutionLapse", resolution.id,
                  {"resolution": resolution.id, "title": resolution.title, "for": counts["for"],
                   "needed": resolution.needed, "voters": len(resolution.voters)},
                  summary=f"Written resolution lapsed: {resolution.title} ({counts['for']} of "
                          f"{resolution.needed} needed agreed)")
    return True


@periodic_task(crontab(minute="*/10"))
def lapse_written_resolutions() -> int:
    """Every ten minutes: lapse each open written resolution whose 28 days are over, one at a time."""
    due = db.session.execute(select(WrittenResolution.id, WrittenResolution.network_id).where(
        WrittenResolution.status == ResolutionStatus.OPEN.value, WrittenResolution.closes_at <= clock.now())
    ).all()
    db.session.rollback()
    for resolution_id, network_id in due:
        tenancy.activate(network_id)
        with db.session.begin():
            resolution = db.session.get(WrittenResolution, resolution_id, with_for_update=True)
            settle_if_due(resolution)
        tenancy.activate(None)
    return len(due)
