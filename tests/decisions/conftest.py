"""Fixtures for the decisions tests: a board of five (four voting) and a meeting held last Thursday."""

from dataclasses import dataclass
from datetime import date

import pytest

from governance.core import tenancy
from governance.extensions import db
from tests import factories


@dataclass
class Held:
    network: object
    board: object
    seats: dict
    meeting: object
    item: object
    other: object
    secretary: object


def make_held(network, *, attend=True):
    """Riverside's board (chair, two GPs, a trust director, a non-voting observer), its quorum rule (half the
    voting members, the chair or vice-chair present) and a meeting held on Thursday 19 November 2026."""
    tenancy.activate(network.id)
    practices = [factories.make_practice(network, name=f"Practice {n}") for n in range(3)]
    board = factories.make_board(network, name="Riverside board")
    seats = {
        "chair": factories.make_seat(board, partner=practices[0], role="chair"),
        "gp": factories.make_seat(board, partner=practices[1]),
        "gp2": factories.make_seat(board, partner=practices[2], role="vice_chair"),
        "trust": factories.make_seat(board),
        "observer": factories.make_seat(board, role="in_attendance", voting=False),
    }
    factories.make_quorum_rule(board, chair_required=True)
    meeting = factories.make_meeting(board, day=date(2026, 11, 19))
    item = factories.make_item(meeting, title="Winter access plan", purpose="decision")
    other = factories.make_item(meeting, title="Practice merger", purpose="decision", confidential=True)
    if attend:
        for seat in seats.values():
            factories.make_attendance(meeting, seat)
    secretary = factories.make_member(network, "board_secretary")
    db.session.commit()
    return Held(network, board, seats, meeting, item, other, secretary)


@pytest.fixture
def held(network):
    held = make_held(network)
    tenancy.activate(network.id)
    yield held
    tenancy.activate(None)


def decision_data(**kw):
    data = {"title": "Approve the winter access plan", "resolution": "The board approves the plan.",
            "reasons": "Demand rises in winter.", "options_considered": "Do nothing: rejected.",
            "outcome": "approved", "votes_for": "3", "votes_against": "1", "abstentions": "0"}
    data.update(kw)
    return data
