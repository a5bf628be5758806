"""The audit trail page: this network's entries, filtered by record type, user and date, paginated."""

import html
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
    """The Record cell of each row: what the record is."""
    import re

    return re.findall(r'aria-hidden="true">Record </span><span>([^<]+)<br>', page)


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

    # record types by their names in the product; people are filtered from the entries, not a list
    page = client.get(url).get_data(as_text=True)
    assert '<option value="Membership">Membership</option>' in page
    assert '<option value="IssuedDocument">Issued document</option>' in page
    assert f'href="/n/{network.slug}/audit?user_id={chair.id}"' in page
    page = client.get(url, query_string={"user_id": chair.id}).get_data(as_text=True)
    assert f"Showing changes by {chair.full_name}." in page
    page = client.get(url, query_string={"user_id": outsider.id}).get_data(as_text=True)
    assert outsider.full_name not in page  # someone of another network is never named


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
    assert len(summaries(page)) == 50 and 'href="/n/riverside-test/audit?page=2"' in page
    assert "<select" not in page.split('name="entity_type"')[1].split("</select>")[1]  # no list of authors
    last, page = queries(3)
    assert last == few and 0 < len(summaries(page)) <= 50
    assert 'href="/n/riverside-test/audit?page=2"' in page and "Newer entries" in page
    statements = []
    with count_queries() as counter:
        client.get(url)
        statements = counter.statements
    assert not any("count(" in s.lower() or "distinct" in s.lower() for s in statements), statements


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


def test_the_trail_reads_in_plain_words(client, network, login_as):
    from tests.factories import make_partner

    admin = login_as("network_admin")
    partner = make_partner(network, name="Elm Tree Surgery")
    helen = factories.make_member(network, "board_member",
                                  user=factories.make_user(full_name="Dr Helen Marsh"))
    db.session.commit()
    client.post(f"/n/{network.slug}/admin/members/{helen.id}", data={
        "role": "partner_representative", "partner_id": partner.id, "is_authorised_signatory": "y",
        "job_title": "Senior partner", "version": helen.version})
    client.post(f"/n/{network.slug}/admin/invitations", data={
        "email": "new@example.org", "role": "board_secretary", "partner_id": ""})
    page = html.unescape(client.get(f"/n/{network.slug}/audit").get_data(as_text=True))
    assert "Dr Helen Marsh's membership" in page and "Membership of user" not in page
    assert "Board member → Partner representative" in page
    assert "Partner organisation" in page and "None → Elm Tree Surgery" in page
    assert "Authorised signatory" in page and "No → Yes" in page
    assert "Board secretary" in page and "30 November 2026 at 09:30" in page  # the invitation's expiry
    assert admin.user.full_name in page
    for internal in ("network_id", "updated_at", "version", "token_hash", "partner_id", ">id<"):
        assert internal not in page.split("<h1>Audit trail</h1>")[1].split("Download these entries")[1], internal
    assert "What changed (" in page


def test_records_without_labels_still_read_sensibly(client, network, secretary):
    db.session.execute(insert(AuditEntry.__table__), [{
        "network_id": network.id, "user_id": None, "created_at": datetime.now(UTC), "action": "nudged",
        "entity_type": "BoardPackSection", "entity_id": 3, "summary": "Finance section",
        "changes": {"page_count": [2, 3], "id": [None, 3], "updated_at": ["x", "y"], "secret_hash": ["a", "b"]}}])
    db.session.commit()
    page = client.get(f"/n/{network.slug}/audit").get_data(as_text=True)
    assert "Board pack section" in page and "Finance section" in page and "Nudged" in page
    assert "Page count" in page and "2 → 3" in page
    assert "Updated at" not in page and "Secret hash" not in page and "Accord (automatic)" in page


@pytest.mark.parametrize("args", [
    {"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"user_id": "9223372036854775808"},
    {"user_id": "2147483648"}, {"user_id": "-1"}, {"entity_type": "\x00"}, {"entity_type": "Partner\x00"},
    {"date_from": "2026-13-45", "page": "99999999999999999999"}])
def test_hostile_filters_never_break_the_page(client, network, secretary, args):
    add_entries(network, 1, summary="Kept")
    for url in (f"/n/{network.slug}/audit", f"/n/{network.slug}/audit/export.csv"):
        assert client.get(url, query_string=args).status_code == 200, (url, args)


def test_a_from_date_after_the_to_date_is_an_error(client, network, secretary):
    add_entries(network, 1, summary="Kept")
    page = client.get(f"/n/{network.slug}/audit", query_string={"date_from": "2026-11-20",
                                                                 "date_to": "2026-11-01"}).get_data(as_text=True)
    assert "<title>Error: Audit trail" in page and "There is a problem" in page
    assert "To date must be the same as or after the From date" in page
    assert "None yet" not in page and "Kept 0" in page
    page = client.get(f"/n/{network.slug}/audit", query_string={"date_to": "9999-12-31"}).get_data(as_text=True)
    assert "To date must be between 1 January 2000 and 31 December 2100" in page


def test_the_trail_exports_as_csv_for_an_auditor(client, network, secretary):
    import csv
    import io

    add_entries(network, 1, user=secretary.user, summary="=HYPERLINK(\"http://evil.example\")")
    add_entries(network, 1, entity_type="Membership", summary="Other")
    response = client.get(f"/n/{network.slug}/audit/export.csv", query_string={"entity_type": "Partner"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="riverside-test-audit-trail.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["When (UK time)", "Who", "Action", "Record type", "Record", "Field", "Before", "After"]
    assert rows[1][1:] == [secretary.user.full_name, "Changed", "Partner", "'=HYPERLINK(\"http://evil.example\") 0",
                           "Name", "Old", "New"]
    assert len(rows) == 2  # the filter applies
    page = client.get(f"/n/{network.slug}/audit?entity_type=Partner").get_data(as_text=True)
    assert 'href="/n/riverside-test/audit/export.csv?entity_type=Partner"' in page


def test_the_export_is_for_those_who_may_read_the_trail(client, network, login_as):
    login_as("board_member")
    assert client.get(f"/n/{network.slug}/audit/export.csv").status_code == 403
