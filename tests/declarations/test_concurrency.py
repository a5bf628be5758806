"""Races, with real threads behind a barrier on SQLite and PostgreSQL: two secretaries updating the same
register entry at once make one new version, never two (the history does not fork)."""

import threading

import pytest
from sqlalchemy import select

from governance.core import ledger, tenancy
from governance.declarations import register
from governance.declarations.models import InterestDeclaration
from governance.extensions import db
from tests import factories
from tests.declarations.conftest import INTEREST

pytestmark = pytest.mark.postgres


def test_two_updates_of_one_entry_at_once_make_one_new_version(any_app):
    network = factories.make_network()
    tenancy.activate(network.id)
    entry = register.declare_interest(network, factories.make_member(network), INTEREST, None)
    secretaries = [factories.make_member(network, "board_secretary") for _ in range(2)]
    tenancy.activate(None)
    db.session.commit()
    url = f"/n/{network.slug}/declarations/entries/{entry.id}/edit"
    entry_id, network_id = entry.id, network.id
    clients = []
    for member in secretaries:
        client = any_app.test_client()
        client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
        clients.append(client)
    barrier, responses = threading.Barrier(2), []

    def send(client, n):
        with any_app.app_context():
            barrier.wait()
            responses.append(client.post(url, data={
                "once": f"race-{n}-" + "x" * 20, "category": "financial", "description": f"Version {n}",
                "direct": "direct"}))

    threads = [threading.Thread(target=send, args=(client, n)) for n, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses)[1] == 302
    assert sorted(r.status_code for r in responses)[0] in (200, 404, 409)
    tenancy.activate(None)
    db.session.rollback()
    rows = list(db.session.execute(select(InterestDeclaration).execution_options(all_networks=True)).scalars())
    assert len(rows) == 2 and rows[1].replaces_id == entry_id
    assert ledger.verify(network_id).ok and ledger.verify(network_id).checked == 2
