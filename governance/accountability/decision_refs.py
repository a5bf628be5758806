"""The decision a workstream, a RACI change or a lead role appointment cites, typed as its reference.

A reference must name a decision of this network (tenancy filters the read, and the database refuses
a link to another network's decision as well). A decision that was rejected or deferred decided
nothing, so it cannot establish, change or appoint anything.
"""

from sqlalchemy import select

from governance.core.errors import Checks
from governance.core.text import clean_line
from governance.decisions.models import Decision, Outcome
from governance.extensions import db
from governance.partners.decision_links import REFERENCE_SHAPE

REFERENCE_LIMIT = 30
DID_NOT_DECIDE = {Outcome.REJECTED.value: "was rejected", Outcome.DEFERRED.value: "was deferred"}


def find_decision(reference, field: str, label: str, checks: Checks) -> Decision | None:
    """The network's decision with this reference (any case), or None when none was given or it is refused.

    `label` is the field's name in the sentence, e.g. "the decision that established the workstream".
    """
    typed = clean_line(reference).upper()
    if not typed:
        return None
    if len(typed) > REFERENCE_LIMIT or not REFERENCE_SHAPE.fullmatch(typed):
        checks.add(f"Enter {label} as a decision reference, like RIV-2026-014", field)
        return None
    decision = db.session.execute(select(Decision).where(Decision.reference == typed)).scalar_one_or_none()
    if decision is None:
        checks.add(f"There is no decision {typed} in this network: check {label} in the decision log", field)
    elif decision.outcome in DID_NOT_DECIDE:
        checks.add(f"Decision {typed} {DID_NOT_DECIDE[decision.outcome]}, so it cannot be {label}", field)
        return None
    return decision


def decision_id(decision: Decision | None) -> int | None:
    return decision.id if decision is not None else None
