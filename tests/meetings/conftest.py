"""Fixtures for the meetings tests: a board of five with a quorum rule, a meeting with papers."""

from dataclasses import dataclass

import pytest

from governance.extensions import db
from tests import factories


@dataclass
class BoardSetup:
    board: object
    seats: dict  # key -> BoardMember
    practices: list


@pytest.fixture
def board_setup(network):
    """Riverside's board: a chair and two other GPs (for practices), a trust director, a non-voting observer.

    The rule: at least half the four voting members (2), at least 2 GP practice representatives,
    and the chair or vice-chair present.
    """
    practices = [factories.make_practice(network, name=f"Practice {n}") for n in range(3)]
    trust = factories.make_partner(network, name="Community Trust", kind="community_trust", ods_code="RYX")
    board = factories.make_board(network, name="Riverside board")
    seats = {
        "chair": factories.make_seat(board, partner=practices[0], role="chair"),
        "gp": factories.make_seat(board, partner=practices[1]),
        "gp2": factories.make_seat(board, partner=practices[2], role="vice_chair"),
        "trust": factories.make_seat(board, partner=trust),
        "observer": factories.make_seat(board, role="in_attendance", voting=False),
    }
    factories.make_quorum_rule(board, kind_minimums={"gp_practice": 2}, chair_required=True)
    db.session.commit()
    return BoardSetup(board, seats, practices)


@pytest.fixture
def meeting(board_setup):
    """A meeting on Thursday 10 December 2026 (papers due by Sunday 6 December) with two papers."""
    from governance.core import tenancy

    tenancy.activate(board_setup.board.network_id)
    try:
        meeting = factories.make_meeting(board_setup.board)
        finance = factories.make_item(meeting, title="Finance report", purpose="decision", presenter="Finance lead")
        factories.make_paper(finance, pages=3, title="Month 7 finance report")
        secret = factories.make_item(meeting, title="Practice merger", confidential=True, purpose="decision")
        factories.make_paper(secret, pages=2, title="Merger business case")
        db.session.commit()
    finally:
        tenancy.activate(None)
    return meeting


def make_decision(board, seats, day=None, **data):
    """A decision of the board taken at a meeting held on `day` (default 19 November 2026), everyone present."""
    from datetime import date

    from governance.decisions import records
    from tests.decisions.conftest import decision_data

    meeting = factories.make_meeting(board, day=day or date(2026, 11, 19))
    item = factories.make_item(meeting, title="Terms of reference", purpose="decision")
    for seat in seats:
        factories.make_attendance(meeting, seat)
    db.session.flush()
    voters = len([seat for seat in seats if seat.voting])
    values = {"votes_for": str(voters), "votes_against": "0", **data}
    decision = records.record_decision(meeting, item, decision_data(
        title="Approve the terms of reference", resolution="The board approves its terms of reference.",
        **values), None)
    db.session.flush()
    return decision
