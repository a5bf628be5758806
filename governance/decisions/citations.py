"""How records below decisions cite one: the meetings module asks through `meetings.hooks` for the decision
that approved a board's terms of reference, by its reference (any case) or by its id, in this network."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.decisions.models import Decision, Outcome
from governance.extensions import db
from governance.meetings import hooks


def _cited(decision: Decision | None) -> hooks.CitedDecision | None:
    if decision is None:
        return None
    return hooks.CitedDecision(id=decision.id, reference=decision.reference, title=decision.title,
                               board_id=decision.board_id, board_name=decision.board.name,
                               decided_on=decision.decided_on, outcome=Outcome(decision.outcome).label,
                               approved=decision.outcome == Outcome.APPROVED.value)


def _find(*conditions) -> hooks.CitedDecision | None:
    return _cited(db.session.execute(select(Decision).where(*conditions)
                                     .options(selectinload(Decision.board))).scalar_one_or_none())


def by_reference(reference: str) -> hooks.CitedDecision | None:
    return _find(Decision.reference == reference.strip().upper())


def by_id(decision_id: int) -> hooks.CitedDecision | None:
    return _find(Decision.id == decision_id)


def by_ids(decision_ids: set[int]) -> dict[int, hooks.CitedDecision]:
    decisions = db.session.execute(select(Decision).where(Decision.id.in_(decision_ids))
                                   .options(selectinload(Decision.board))).scalars()
    return {decision.id: _cited(decision) for decision in decisions}


hooks.register_decision_finder(hooks.DecisionFinder(by_reference=by_reference, by_id=by_id, by_ids=by_ids))
