"""Races, with real threads behind a barrier on SQLite and PostgreSQL: issuing the papers twice at once
issues them once; two secretaries reordering the agenda at once both land, in turn."""

import threading

import pytest
from sqlalchemy import func, select

from governance.core import tenancy
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.meetings import agenda
from governance.meetings.meeting_models import Meeting, MeetingPack
from tests import factories

pytestmark = pytest.mark.postgres


def _setup():
    network = factories.make_network()
    tenancy.activate(network.id)
    board = factories.make_board(network)
    for role in ("chair", "member", "member"):
        factories.make_seat(board, role=role)
    meeting = factories.make_meeting(board)
    factories.make_paper(factories.make_item(meeting, title="Finance report"), pages=2)
    factories.make_item(meeting, title="Quality report")
    secretaries = [factories.make_member(network, "board_secretary") for _ in range(2)]
    tenancy.activate(None)
    db.session.commit()
    return network, meeting, secretaries


def _race(app, secretaries, requests):
    """Each secretary sends their request at the same moment; returns the responses."""
    clients = []
    for member in secretaries:
        client = app.test_client()
        client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
        clients.append(client)
    barrier, responses = threading.Barrier(len(clients)), []

    def send(client, url, data):
        with app.app_context():
            barrier.wait()
            responses.append(client.post(url, data=data))

    threads = [threading.Thread(target=send, args=(client, *request))
               for client, request in zip(clients, requests, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_issuing_the_papers_twice_at_once_issues_them_once(any_app):
    network, meeting, secretaries = _setup()
    url = f"/n/{network.slug}/meetings/{meeting.id}/issue"
    responses = _race(any_app, secretaries, [(url, {"late_confirmed": ""}), (url, {"late_confirmed": ""})])
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert "The papers were already issued on 23 November 2026" in refused
    tenancy.activate(None)
    db.session.rollback()
    events = db.session.execute(select(func.count(AuditEntry.id)).where(AuditEntry.action == "papers issued"))
    assert events.scalar() == 1
    mail = db.session.execute(select(func.count(OutboxMessage.id))
                              .where(OutboxMessage.template == "meeting_papers_issued"))
    assert mail.scalar() == 3  # each member told once
    packs = db.session.execute(select(func.count(MeetingPack.id)).execution_options(all_networks=True))
    assert packs.scalar() == 1


def test_two_reorders_at_once_both_land_in_turn(any_app):
    network, meeting, secretaries = _setup()
    tenancy.activate(network.id)
    items = {item.title: item.id for item in agenda.items_of(meeting)}
    tenancy.activate(None)
    db.session.commit()
    base = f"/n/{network.slug}/meetings/{meeting.id}/items"
    responses = _race(any_app, secretaries, [
        (f"{base}/{items['Finance report']}/move", {"direction": "up"}),
        (f"{base}/{items['Quality report']}/move", {"direction": "up"})])
    assert [r.status_code for r in responses] == [302, 302]
    db.session.rollback()
    tenancy.activate(network.id)
    try:
        order = [item.title for item in agenda.items_of(db.session.get(Meeting, meeting.id))]
    finally:
        tenancy.activate(None)
    # Whichever went first, both moves happened, each on the order the other left; no position lost or doubled.
    start = ["Welcome and apologies", "Declarations of interest", "Minutes of the previous meeting"]
    finance_first = start + ["Finance report", "Quality report", "Action log", "Any other business"]
    quality_first = start + ["Action log", "Finance report", "Quality report", "Any other business"]
    assert order in (finance_first, quality_first)


def test_the_same_move_twice_at_once_moves_the_item_twice(any_app):
    network, meeting, secretaries = _setup()
    tenancy.activate(network.id)
    finance = next(i.id for i in agenda.items_of(meeting) if i.title == "Finance report")
    tenancy.activate(None)
    db.session.commit()
    url = f"/n/{network.slug}/meetings/{meeting.id}/items/{finance}/move"
    responses = _race(any_app, secretaries, [(url, {"direction": "up"}), (url, {"direction": "up"})])
    assert [r.status_code for r in responses] == [302, 302]
    db.session.rollback()
    tenancy.activate(network.id)
    try:
        order = [item.title for item in agenda.items_of(db.session.get(Meeting, meeting.id))]
    finally:
        tenancy.activate(None)
    assert order == ["Welcome and apologies", "Declarations of interest", "Finance report",
                     "Minutes of the previous meeting", "Action log", "Quality report", "Any other business"]
