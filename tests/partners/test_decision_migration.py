"""Upgrading a database whose membership history cites decisions by reference: matching references
become links to the decision in the same network; the rest stay as written."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from governance.extensions import db
from tests.conftest import running_app
from tests.mous.test_migration import _insert, empty_database  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres
BEFORE = "0016_engagement"
NOW = "2026-11-20 10:00:00"


def _records() -> None:
    stamps = {"version": 1, "created_at": NOW, "updated_at": NOW}
    for network_id in (1, 2):
        _insert("networks", id=network_id, name=f"Network {network_id}", slug=f"network-{network_id}",
                care_model="pch", footprint="", financial_year_start=2026, **stamps)
        _insert("partners", id=network_id, network_id=network_id, name=f"Partner {network_id}", kind="other",
                name_key=f"partner {network_id}", address="", website="", notes="", **stamps)
        _insert("boards", id=network_id, network_id=network_id, name="Board", kind="board", purpose="",
                frequency="monthly", **stamps)
    decision = {"year": 2026, "route": "chairs_action", "decided_on": "2026-10-01", "title": "Admit",
                "resolution": "Admit.", "reasons": "", "options_considered": "", "outcome": "approved",
                "votes_for": 0, "votes_against": 0, "abstentions": 0, "named_votes": "[]", "excluded": "[]",
                "quorum_words": "", "confidential": False, "affects": "{}", "recorded_at": NOW}
    _insert("decisions", id=1, network_id=1, board_id=1, number=14, reference="RIV-2026-014", **decision)
    _insert("decisions", id=2, network_id=2, board_id=2, number=3, reference="NOR-2026-003", **decision)
    changes = [(1, 1, " riv-2026-014 "), (2, 1, "Board minute 2025/03"), (3, 1, "NOR-2026-003"),
               (4, 2, "NOR-2026-003"), (5, 2, "")]
    for change_id, network_id, reference in changes:
        _insert("partner_status_changes", id=change_id, network_id=network_id, partner_id=network_id,
                status="active", effective_on=f"2026-0{change_id}-01", revision=1, decision_reference=reference,
                note="", recorded_at=NOW)


def test_references_that_match_a_decision_of_the_network_become_links(empty_database):  # noqa: F811
    with running_app(empty_database):
        upgrade(revision=BEFORE)
        _records()
        db.session.commit()
        upgrade()
        rows = dict(db.session.execute(text("SELECT id, decision_id FROM partner_status_changes")).all())
        # matched in its own network (any case, spaces trimmed); text kept; another network's decision never
        assert rows == {1: 1, 2: None, 3: None, 4: 2, 5: None}
        assert db.session.execute(text("SELECT decision_reference FROM partner_status_changes WHERE id = 2")
                                  ).scalar_one() == "Board minute 2025/03"
        db.session.rollback()
        with pytest.raises(IntegrityError):  # the database refuses a link to another network's decision
            _insert("partner_status_changes", id=6, network_id=1, partner_id=1, status="left",
                    effective_on="2026-09-01", revision=1, decision_reference="", note="", recorded_at=NOW,
                    decision_id=2)
            db.session.flush()
        db.session.rollback()
        downgrade(revision=BEFORE)
        assert db.session.execute(text("SELECT COUNT(*) FROM partner_status_changes")).scalar_one() == 5
        db.session.rollback()
