"""The demo's workstreams cite the demo's decisions where a decision made the change."""

import pytest
from sqlalchemy import select

from governance.accountability.models import Workstream, WorkstreamAssignment
from governance.core import tenancy
from governance.decisions import logs
from governance.extensions import db
from governance.meetings.access import Viewer
from tests import factories


@pytest.mark.demo
def test_riverside_raci_changes_cite_the_board_decisions_behind_them(app):
    seeded = factories.demo_records()
    tenancy.activate(seeded.riverside.id)
    cited = list(db.session.execute(select(WorkstreamAssignment)
                                    .where(WorkstreamAssignment.started_by_decision_id.is_not(None))).scalars())
    found = {(a.workstream.name, a.party_name, a.started_by.title) for a in cited}
    assert found == {("Proactive frailty service", "Quay Pharmacy", "Recruit under the additional roles scheme"),
                     ("Care planning", "NHS Riverside and Vale Integrated Care Board",
                      "Join the ICB's shared care record pilot")}
    assert all(a.valid_from == (a.started_by.effective_on or a.started_by.decided_on) for a in cited)
    frailty = db.session.execute(select(Workstream).where(Workstream.name == "Proactive frailty service")).scalar_one()
    listed = logs.linked_decisions("workstream", frailty.id, Viewer(None, None, True))
    assert [d.title for d in listed.decisions] == ["Recruit under the additional roles scheme"]
    tenancy.activate(None)
