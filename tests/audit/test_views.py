"""The audit trail page: this network's entries, filtered by record type, user and date, paginated."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from governance.core.audit import AuditEntry
from governance.extensions import db
from tests import factories


@pytest.fixture
def secretary(login_as):
    return login_as("board_secretary")


def add_entries(network, n, *, user=None, entity_type="Partner", when=None, summary="Changed"):
    """Audit entries written directly (they are append-only, so this is the only way to backdate them)."""
    when = when or datetime.now(UTC)
    rows = [{"network_id": network.id, "user_id": user.id if user else None, "created_at": when,
             "action": "update", "entity_type": entity_type, "entity_id": i + 1, "summary": f"{summary} {i}",
             "changes": {"name": ["Old", "New"]}} for i in range(n)]
    db.session.execute(insert(AuditEntry.__table__), rows)
    db.session.commit()


def summaries(page: str) -> list[str]:
    import re

    return re.findall(r'<span class="nhsuk-body-s">([^<]+)</span>', page)


def test_the_audit_page_shows_who_did_what_with_before_and_after(client, network, secretary):
    add_entries(network, 1, user=secretary.user, summary="Quay Street Surgery renamed")
    page = client.get(f"/n/{network.slug}/audit").get_data(as_text=True)
    assert "Quay Street Surgery renamed 0" in page
    assert secretary.user.full_name in page
    assert "Old → New" in page


def test_the_audit_page_shows_only_this_networks_entries(client, network, secretary):
    other = factories.make_network()
    add_entries(other, 3, summary="Elsewhere")
    add_entries(network, 2, summary="Here")
    page = client.get(f"/n/{network.slug}/audit").get_data(as_text=True)
    assert "Here 0" in page and "Elsewhere" not in page


def test_filter_by_record_type_user_and_date(client, network, secretary):
    chair = factories.make_member(network, "board_member").user
    outsider = factories.make_member(factories.make_network(), "board_member").user
    db.session.commit()
    now = datetime.now(UTC)
    add_entries(network, 2, user=chair, entity_type="Partner", when=now - timedelta(days=10), summary="Old partner")
    add_entries(network, 2, user=chair, entity_type="Membership", when=now, summary="New membership")
    add_entries(network, 1, user=secretary.user, entity_type="Partner", when=now, summary="Secretary partner")
    url = f"/n/{network.slug}/audit"

    page = client.get(url, query_string={"entity_type": "Partner"}).get_data(as_text=True)
    assert "Old partner 0" in page and "Secretary partner 0" in page and "New membership" not in page

    page = client.get(url, query_string={"user_id": chair.id}).get_data(as_text=True)
    assert "Old partner 0" in page and "New membership 0" in page and "Secretary partner" not in page

    since = (now - timedelta(days=1)).date().isoformat()
    page = client.get(url, query_string={"date_from": since}).get_data(as_text=True)
    assert "Old partner" not in page and "New membership 0" in page

    until = (now - timedelta(days=5)).date().isoformat()
    page = client.get(url, query_string={"date_to": until, "entity_type": "Partner"}).get_data(as_text=True)
    assert "Old partner 0" in page and "Old partner 1" in page and "Secretary partner" not in page

    page = client.get(url, query_string={"entity_type": "Partner", "user_id": secretary.user.id,
                                         "date_from": now.date().isoformat(),
                                         "date_to": now.date().isoformat()}).get_data(as_text=True)
    assert [s for s in summaries(page) if s.startswith(("Old", "New", "Secretary"))] == ["Secretary partner 0"]

    # the filter lists offer this network's record types and members only
    page = client.get(url).get_data(as_text=True)
    assert '<option value="Membership">' in page and f'<option value="{chair.id}">' in page
    assert f'<option value="{outsider.id}">' not in page


def test_the_audit_page_is_paginated_with_a_fixed_number_of_queries(client, network, secretary, count_queries):
    users = [factories.make_member(network, "board_member").user for _ in range(3)]
    db.session.commit()
    for user in users:
        add_entries(network, 4, user=user)
    url = f"/n/{network.slug}/audit"

    def queries(page):
        db.session.expire_all()
        with count_queries() as counter:
            response = client.get(url, query_string={"page": page})
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    few, _ = queries(1)
    more_users = [factories.make_member(network, "board_member").user for _ in range(20)]
    db.session.commit()
    for user in more_users:
        add_entries(network, 6, user=user)
    many, page = queries(1)
    assert many == few, f"{few} queries for 12 entries, {many} for 132"
    assert "Showing 1 to 50 of" in page and 'href="/n/riverside-test/audit?page=2"' in page
    last, page = queries(3)
    assert last == few and "Showing 101 to" in page


def test_garbage_filters_are_ignored_not_fatal(client, network, secretary):
    add_entries(network, 2, summary="Kept")
    page = client.get(f"/n/{network.slug}/audit", query_string={
        "user_id": "abc", "date_from": "31/02/2026", "date_to": "yesterday", "page": "x"})
    assert page.status_code == 200 and "Kept 0" in page.get_data(as_text=True)


def test_dates_are_filtered_as_shown_in_uk_time(client, network, secretary):
    """00:30 on 2 June in London is 23:30 on 1 June in UTC: the page shows and filters it as 2 June."""
    add_entries(network, 1, when=datetime(2026, 6, 1, 23, 30, tzinfo=UTC), summary="Just after midnight")
    url = f"/n/{network.slug}/audit"
    page = client.get(url, query_string={"date_from": "2026-06-02", "date_to": "2026-06-02"}).get_data(as_text=True)
    assert "Just after midnight 0" in page and "2 June 2026 at 00:30" in page
    page = client.get(url, query_string={"date_to": "2026-06-01"}).get_data(as_text=True)
    assert "Just after midnight" not in page
