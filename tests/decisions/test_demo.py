"""The demo's decisions and actions are what the tour promises."""

import pytest
from sqlalchemy import select

from governance.core import ledger, tenancy
from governance.decisions import logs, records
from governance.decisions.models import BoardAction, Decision, ResolutionStatus, WrittenResolution
from governance.extensions import db
from governance.networks.models import Membership
from tests import factories


@pytest.mark.demo
def test_riverside_has_a_year_of_decisions_and_actions(app):
    seeded = factories.demo_records()
    tenancy.activate(seeded.riverside.id)
    decisions = list(db.session.execute(select(Decision).order_by(Decision.decided_on, Decision.number)).scalars())
    assert 25 <= len(decisions) <= 40
    relations = {d.relation for d in decisions}
    assert {"supersedes", "ratifies"} <= relations
    assert any(d.outcome == "rejected" and d.route == "meeting" for d in decisions)
    assert any(d.route == "chairs_action" for d in decisions) and records.pending_chairs_actions() == []
    assert any(d.named_votes for d in decisions)
    by_year: dict[int, list[int]] = {}
    for d in decisions:
        by_year.setdefault(d.year, []).append(d.number)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
    written = list(db.session.execute(select(WrittenResolution).order_by(WrittenResolution.id)).scalars())
    assert [r.status for r in written] == [ResolutionStatus.PASSED, ResolutionStatus.OPEN]
    hale = seeded.users["gp@riverside.example"]
    assert any(v.name == hale.full_name for v in written[0].votes)
    assert not any(v.name == hale.full_name for v in written[1].votes)
    actions = list(db.session.execute(select(BoardAction)).scalars())
    assert any(a.is_overdue for a in actions) and any(a.status == "done" for a in actions)
    member = db.session.execute(select(Membership).where(Membership.user_id == hale.id)).scalar_one()
    assert logs.overdue_count(member)[0] >= 2
    assert ledger.verify(seeded.riverside.id).ok
    tenancy.activate(None)
