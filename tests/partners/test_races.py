"""Double submits and people saving at the same moment: real threads behind a barrier, on SQLite and
PostgreSQL. The database keeps one record whoever wins, and nobody gets an error page."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from governance.core import tenancy
from governance.extensions import db
from governance.partners.models import ListSize, Partner, PartnerStatusChange
from tests import factories

NEW_PARTNER = {"kind": "gp_practice", "status": "active", "status_from[day]": "1", "status_from[month]": "4",
               "status_from[year]": "2026"}


def count(model, **where) -> int:
    tenancy.activate(None)
    db.session.rollback()
    statement = select(func.count()).select_from(model).execution_options(all_networks=True)
    for key, value in where.items():
        statement = statement.where(getattr(model, key) == value)
    return db.session.execute(statement).scalar_one()


def clients_for(app, role: str, how_many: int, network=None):
    network = network or factories.make_network()
    member = factories.make_member(network, role)
    db.session.commit()
    clients = [app.test_client() for _ in range(how_many)]
    for client in clients:
        assert client.post("/sign-in", data={"email": member.user.email,
                                             "password": factories.PASSWORD}).status_code == 302
    return network, clients


def race(app, clients, url: str, forms: list[dict]):
    """Every client posts its form at the same moment; the responses, in the clients' order."""
    barrier, responses = threading.Barrier(len(clients)), [None] * len(clients)

    def post(i):
        with app.app_context():
            barrier.wait()
            responses[i] = app_response = clients[i].post(url, data=forms[i])
            assert app_response is not None

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_four_new_partner_forms_with_the_same_name_make_one_partner(any_app):
    """Four people (four forms, four tokens) add the same practice, spelt four look-alike ways."""
    network, clients = clients_for(any_app, "board_secretary", 4)
    names = ["Rowan Practice", "ROWAN  PRACTICE", "Rowan\u200b Practice", "\uff32owan Practice"]
    forms = [{**NEW_PARTNER, "name": name, "ods_code": f"A8106{i}", "once": f"form-token-number-{i:04d}"}
             for i, name in enumerate(names)]
    responses = race(any_app, clients, f"/n/{network.slug}/partners/new", forms)
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 302]
    for response in responses:
        if response.status_code == 200:
            assert "There is already a partner called" in response.get_data(as_text=True)
    assert count(Partner, network_id=network.id) == 1
    assert count(PartnerStatusChange, network_id=network.id) == 1


def test_four_clicks_on_one_new_partner_form_make_one_partner(any_app):
    network, clients = clients_for(any_app, "board_secretary", 4)
    form = {**NEW_PARTNER, "name": "Hazel Surgery", "ods_code": "A81070", "once": "the-one-new-partner-form"}
    responses = race(any_app, clients, f"/n/{network.slug}/partners/new", [form] * 4)
    assert [r.status_code for r in responses] == [302] * 4
    assert len({r.location for r in responses}) == 1
    assert count(Partner, network_id=network.id) == 1


def list_size_form(once: str, patients: str = "9,200", **kw) -> dict:
    return {"patients": patients, "as_of[day]": "1", "as_of[month]": "10", "as_of[year]": "2026", "once": once,
            **kw}


@pytest.mark.parametrize("second", ["9,200", "9,300"])
def test_two_list_sizes_for_the_same_date_at_once_store_one(any_app, second):
    network = factories.make_network()
    practice = factories.make_practice(network, 9_000)
    network, clients = clients_for(any_app, "board_secretary", 2, network)
    url = f"/n/{network.slug}/partners/{practice.id}/list-size"
    responses = race(any_app, clients, url, [list_size_form("first"), list_size_form("second", second)])
    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert "is already recorded" in refused or "To replace it, say that this corrects it" in refused
    assert count(ListSize, partner_id=practice.id, as_of=date(2026, 10, 1)) == 1


def test_a_replayed_list_size_post_is_stored_once(any_app):
    network = factories.make_network()
    practice = factories.make_practice(network, 9_000)
    network, clients = clients_for(any_app, "board_secretary", 3, network)
    url = f"/n/{network.slug}/partners/{practice.id}/list-size"
    responses = race(any_app, clients, url, [list_size_form("the-same-list-size-token")] * 3)
    assert [r.status_code for r in responses] == [302] * 3
    assert count(ListSize, partner_id=practice.id) == 2  # the first count and this one


def test_two_corrections_at_once_store_one(any_app):
    network = factories.make_network()
    practice = factories.make_practice(network, 9_000, as_of=date(2026, 10, 1))
    network, clients = clients_for(any_app, "board_secretary", 2, network)
    url = f"/n/{network.slug}/partners/{practice.id}/list-size"
    forms = [list_size_form("a", "9,100", corrects="y"), list_size_form("b", "9,150", corrects="y")]
    responses = race(any_app, clients, url, forms)
    assert 302 in [r.status_code for r in responses]
    revisions = count(ListSize, partner_id=practice.id, as_of=date(2026, 10, 1))
    # Both may land, one after the other (the second corrects the first): never two of one revision.
    assert revisions in (2, 3)
    tenancy.activate(None)
    stored = db.session.execute(select(ListSize.revision).where(ListSize.partner_id == practice.id)
                                .execution_options(all_networks=True)).scalars().all()
    assert sorted(stored) == list(range(1, revisions + 1))


def test_two_status_changes_for_the_same_date_at_once_store_one(any_app):
    network = factories.make_network()
    practice = factories.make_practice(network, 9_000)
    network, clients = clients_for(any_app, "board_secretary", 2, network)
    form = {"status": "left", "effective_on[day]": "31", "effective_on[month]": "3", "effective_on[year]": "2026"}
    responses = race(any_app, clients, f"/n/{network.slug}/partners/{practice.id}/status",
                     [{**form, "once": "the-first-form-token"}, {**form, "once": "the-second-form-token"}])
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert "is already left on 31 March 2026" in next(
        r for r in responses if r.status_code == 200).get_data(as_text=True)
    assert count(PartnerStatusChange, partner_id=practice.id, status="left") == 1
