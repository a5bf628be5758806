"""The governance ledger: hash-chained per network, verified from the start, tamper caught."""

import io
import threading

from pypdf import PdfReader
from sqlalchemy import select, text

from governance.core import ledger, tenancy
from governance.documents.services import issue_document
from governance.extensions import db
from tests import factories


def _record(network, n, summary="Event"):
    return ledger.record(network.id, "test.event", "Test", None, {"n": n, "when": "2026-11-23"},
                         summary=f"{summary} {n}")


def test_entries_chain_one_after_another_per_network(any_app):
    a, b = factories.make_network(), factories.make_network()
    first, second = _record(a, 1), _record(a, 2)
    other = _record(b, 1)
    db.session.commit()
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.previous_hash == ledger.GENESIS and second.previous_hash == first.entry_hash
    assert other.previous_hash == ledger.GENESIS
    result = ledger.verify(a.id)
    assert result.ok and result.checked == 2 and result.head.entry_hash == second.entry_hash


def test_a_changed_entry_is_named_on_both_databases(any_app):
    network = factories.make_network()
    for n in range(1, 5):
        _record(network, n)
    db.session.commit()
    factories.drop_append_only_guard("ledger_entries")
    db.session.execute(text("UPDATE ledger_entries SET summary = 'x', content = :c WHERE sequence = 3"),
                       {"c": '{"n": 33, "when": "2026-11-23"}'})
    db.session.commit()
    result = ledger.verify(network.id)
    assert not result.ok and result.broken.sequence == 3 and result.checked == 2
    assert result.problem == "its content has been changed"


def test_a_removed_entry_breaks_the_chain(any_app):
    network = factories.make_network()
    for n in range(1, 4):
        _record(network, n)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER IF EXISTS ledger_entries_no_delete"))
    else:
        db.session.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
    db.session.execute(text("DELETE FROM ledger_entries WHERE sequence = 2"))
    db.session.commit()
    result = ledger.verify(network.id)
    assert result.broken.sequence == 3 and result.problem == "entry 2 is missing"


def test_an_issued_document_changed_in_the_database_is_caught_and_its_pdf_prints_the_head(any_app):
    network = factories.make_network(name="Riverside")
    tenancy.activate(network.id)
    before = _record(network, 1)
    document = issue_document(network, "pdf/base.html", kind="test", title="Annual governance statement",
                              actor=None)
    db.session.commit()
    text_of_pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document.pdf)).pages)
    assert "governance record stood at entry 1" in " ".join(text_of_pdf.split())
    assert before.entry_hash[:20] in text_of_pdf.replace("\n", "")
    assert ledger.verify(network.id).ok and ledger.head(network.id).event == "document.issued"

    factories.drop_append_only_guard("issued_documents")
    db.session.execute(text("UPDATE issued_documents SET title = 'Something else'"))
    db.session.commit()
    result = ledger.verify(network.id)
    assert result.broken.sequence == 2
    assert result.problem == "the IssuedDocument it records has been changed in the database"


def test_verify_ledger_command_exits_non_zero_and_names_the_entry(app):
    network = factories.make_network(name="Northgate", slug="northgate")
    _record(network, 1)
    _record(network, 2)
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["verify-ledger", "--network", "northgate"])
    assert ok.exit_code == 0 and "2 entries verified" in ok.output
    factories.drop_append_only_guard("ledger_entries")
    db.session.execute(text("UPDATE ledger_entries SET previous_hash = :h WHERE sequence = 2"), {"h": "f" * 64})
    db.session.commit()
    broken = runner.invoke(args=["verify-ledger"])
    assert broken.exit_code == 1
    assert "entry 2 (Event 2) no longer matches: it does not follow the entry before it" in broken.output
    stored = ledger.last_check(network.id)  # what the decision log shows now
    assert not stored.ok and stored.broken_sequence == 2 and stored.checked == 1


def test_the_hourly_check_stores_each_chain_s_result_and_reading_it_costs_the_same_at_any_length(
        app, count_queries):
    small, large = factories.make_network(), factories.make_network()
    _record(small, 1)
    for n in range(1, 41):
        _record(large, n)
    db.session.commit()
    assert ledger.last_check(small.id) is None
    ledger.check_hourly()  # the worker's periodic task: walks and commits on its own
    db.session.expire_all()
    for network, length in ((small, 1), (large, 40)):
        stored = ledger.last_check(network.id)
        assert stored.ok and stored.checked == length and stored.head_sequence == length
        assert stored.head_hash == ledger.head(network.id).entry_hash
    costs = []
    for network in (small, large):
        with count_queries() as queries:
            ledger.last_check(network.id), ledger.head(network.id)
        costs.append(queries.count)
    assert costs[0] == costs[1] == 2
    _record(small, 2)
    db.session.commit()
    ledger.check_hourly()
    db.session.expire_all()
    assert ledger.last_check(small.id).head_sequence == 2  # updated in place: one row per network


def test_concurrent_appends_never_fork_the_chain(any_app):
    app = any_app
    network = factories.make_network()
    db.session.commit()
    network_id, barrier, errors = network.id, threading.Barrier(4), []

    def append(n):
        with app.app_context():
            try:
                barrier.wait()
                ledger.record(network_id, "test.event", "Test", None, {"n": n}, summary=f"Event {n}")
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = db.session.execute(select(ledger.LedgerEntry.sequence).where(
        ledger.LedgerEntry.network_id == network_id).execution_options(all_networks=True)).scalars().all()
    assert sorted(sequences) == [1, 2, 3, 4]
    assert ledger.verify(network_id).ok
