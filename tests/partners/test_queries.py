"""Work bounded by data size: the partner pages read through indexes (checked with SQLite's EXPLAIN QUERY
PLAN on every query they run) and run the same number of queries however many partners there are."""

import re
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, text

from governance.extensions import db
from tests import factories

BASE = "/n/riverside-test/partners"
PARTNER_TABLES = ("partners", "partner_contacts", "partner_status_changes", "list_sizes")


def add_practices(network, how_many: int, start: int = 0):
    practices = []
    for n in range(start, start + how_many):
        practice = factories.make_practice(network, 5_000 + n, name=f"Practice {n:04d}", ods_code=f"C{n:05d}")
        factories.make_list_size(practice, 5_100 + n, date(2026, 1, 1))
        factories.make_list_size(practice, 5_150 + n, date(2026, 1, 1))  # a correction
        factories.make_contact(practice)
        if n % 4 == 0:
            factories.make_status_change(practice, "left", date(2026, 4, 1))
    trust = factories.make_partner(network, kind="community_trust", ods_code=None, name=f"Trust {start}")
    factories.make_status_change(trust, "active")
    db.session.commit()
    return practices or [practice]


@contextmanager
def selects():
    """The SELECT statements run inside the block, with their parameters."""
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def unindexed_reads(statements) -> list[str]:
    """Plan lines that read a partner table without an index (a whole-table SCAN)."""
    found = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                detail = row[-1]
                if re.match(rf"SCAN ({'|'.join(PARTNER_TABLES)})\b", detail):
                    found.append(f"{detail}  <-  {' '.join(statement.split())[:160]}")
    return found


def pages(practice) -> list[str]:
    return [f"{BASE}/", f"{BASE}/?q=practice&kind=gp_practice&status=active", f"{BASE}/?status=left&page=2",
            f"{BASE}/population", f"{BASE}/population?page=2", f"{BASE}/population/history",
            f"{BASE}/{practice.id}", f"{BASE}/import/list-sizes-template.csv", f"{BASE}/membership-schedule",
            "/n/riverside-test/"]


@pytest.mark.parametrize("statistics", [False, True], ids=["before ANALYZE", "after ANALYZE"])
def test_every_query_of_the_partner_pages_reads_through_an_index(client, login_as, network, statistics):
    practice = add_practices(network, 40)[0]
    for n in range(3):  # Accord serves many networks: the planner knows network_id narrows a read
        add_practices(factories.make_network(), 40, start=1000 * (n + 1))
    if statistics:  # as after migrations and nightly in production
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    login_as("board_secretary")
    for url in pages(practice):
        with selects() as statements:
            assert client.get(url).status_code == 200, url
        assert statements, url
        assert unindexed_reads(statements) == [], url


def test_the_partner_pages_run_the_same_queries_however_many_partners(client, login_as, network, count_queries):
    practice = add_practices(network, 3)[0]
    login_as("board_secretary")
    few = {}
    for url in pages(practice):
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        few[url] = counter.count
    add_practices(network, 60, start=100)
    for url in pages(practice):
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        assert counter.count == few[url], (url, counter.statements)


def test_the_population_page_is_paged(client, login_as, network):
    add_practices(network, 30)  # every fourth has left: 22 are counted
    login_as("observer")
    page = client.get(f"{BASE}/population").get_data(as_text=True)
    assert "Showing 1 to 22 of 22" in page
    add_practices(network, 20, start=200)
    page = client.get(f"{BASE}/population").get_data(as_text=True)
    assert "Showing 1 to 25 of 37" in page and "Practice 0001" in page
    second = client.get(f"{BASE}/population?page=2").get_data(as_text=True)
    shares = second.split('id="shares"')[1].split('id="history"')[0]
    assert "Showing 26 to 37 of 37" in shares and "Practice 0219" in shares and "Practice 0001" not in shares
    assert page.count("</a>: left") == 13  # every fourth practice has left: not counted, and why
    history = client.get(f"{BASE}/population/history").get_data(as_text=True)
    assert "1 April 2026" in history and "and 3 more" in history  # 13 practices left that day: 10 listed
