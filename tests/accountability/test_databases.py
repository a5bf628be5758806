"""The database keeps the accountability rules too, on SQLite and PostgreSQL: one Accountable at a time,
one holder per lead role, history closed but never rewritten; and two secretaries changing the
Accountable at the same moment leave exactly one."""

import threading
from datetime import UTC, date, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from governance.accountability.models import STANDARD_LEAD_ROLES, LeadRoleAppointment, WorkstreamAssignment
from governance.extensions import db
from tests import factories
from tests.conftest import running_app

pytestmark = pytest.mark.postgres

INSERT_ASSIGNMENT = text(
    "INSERT INTO workstream_assignments (network_id, workstream_id, role, partner_id, valid_from, valid_to, note, "
    "end_note, recorded_at) VALUES (:network, :workstream, :role, :partner, :start, :end, '', '', :now)")
INSERT_APPOINTMENT = text(
    "INSERT INTO lead_role_appointments (network_id, lead_role_id, person_name, term_start, ended_on, note, end_note, "
    "recorded_at) VALUES (:network, :role, :name, :start, :end, '', '', :now)")


@pytest.fixture
def setting(any_app):
    network = factories.make_network()
    partner = factories.make_partner(network)
    workstream = factories.make_workstream(network, name="Virtual ward")
    db.session.commit()
    return network, partner, workstream


def assign(network, workstream, partner, role="A", start=date(2026, 1, 1), end=None):
    db.session.execute(INSERT_ASSIGNMENT, {"network": network.id, "workstream": workstream.id, "role": role,
                                           "partner": partner.id, "start": start, "end": end,
                                           "now": "2026-11-23 09:30:00"})


def refused(statement, params=None) -> str:
    """Run SQL that the database must refuse; roll back and return its message."""
    with pytest.raises(IntegrityError) as error:
        db.session.execute(text(statement) if isinstance(statement, str) else statement, params or {})
    db.session.rollback()
    return str(error.value.orig)


def test_the_database_allows_one_open_accountable_per_workstream(setting):
    network, partner, workstream = setting
    assign(network, workstream, partner)
    assign(network, workstream, partner, role="R")
    assign(network, workstream, partner, role="R", start=date(2026, 2, 1))  # any number of the others
    db.session.commit()
    with pytest.raises(IntegrityError):
        assign(network, workstream, partner, start=date(2026, 3, 1))
    db.session.rollback()
    other = factories.make_workstream(network, name="Diabetes pathway")
    assign(network, other, partner)  # another workstream's Accountable is its own
    db.session.commit()


def test_the_database_refuses_two_accountables_in_force_on_the_same_day(setting):
    network, partner, workstream = setting
    assign(network, workstream, partner, start=date(2026, 1, 1), end=date(2026, 6, 1))
    db.session.commit()
    with pytest.raises(IntegrityError, match="two in force on the same day"):
        assign(network, workstream, partner, start=date(2026, 3, 1), end=date(2026, 4, 1))
    db.session.rollback()
    with pytest.raises(IntegrityError, match="two in force on the same day"):
        assign(network, workstream, partner, start=date(2025, 12, 1), end=date(2026, 1, 2))
    db.session.rollback()
    assign(network, workstream, partner, start=date(2026, 3, 1), end=date(2026, 3, 1))  # withdrawn: never in force
    assign(network, workstream, partner, start=date(2026, 6, 1))  # from the day the last ended
    db.session.commit()
    # and an update may not stretch a closed Accountable over its successor
    first = db.session.execute(select(WorkstreamAssignment).order_by(WorkstreamAssignment.id)).scalars().first()
    refused(f"UPDATE workstream_assignments SET valid_to = '2026-07-01' WHERE id = {first.id}")


def test_history_rows_are_closed_but_never_rewritten_or_deleted(setting):
    network, partner, workstream = setting
    assign(network, workstream, partner, role="R")
    db.session.commit()
    row = db.session.execute(select(WorkstreamAssignment.id)).scalar_one()
    for change in ("role = 'C'", "valid_from = '2025-01-01'", "partner_id = NULL", "note = 'rewritten'"):
        assert "history" in refused(f"UPDATE workstream_assignments SET {change} WHERE id = {row}")
    assert "history" in refused(f"DELETE FROM workstream_assignments WHERE id = {row}")
    db.session.execute(text(f"UPDATE workstream_assignments SET valid_to = '2026-06-01', end_note = 'Ended' "
                            f"WHERE id = {row}"))
    decision = factories.make_decision(network).id
    db.session.execute(text(f"UPDATE workstream_assignments SET started_by_decision_id = {decision} WHERE id = {row}"))
    db.session.commit()  # closing, and linking the decision behind it later, are allowed
    for change in ("valid_to = NULL", "valid_to = '2026-07-01'", "end_note = 'Other reason'"):
        assert "history" in refused(f"UPDATE workstream_assignments SET {change} WHERE id = {row}")
    assert db.session.get(WorkstreamAssignment, row).valid_to == date(2026, 6, 1)


def test_one_holder_per_lead_role_and_their_history_is_kept(any_app):
    network = factories.make_network()
    role = factories.standard_role(network)
    db.session.commit()

    def appoint(start, end=None, name="Dr Helen Marsh"):
        db.session.execute(INSERT_APPOINTMENT, {"network": network.id, "role": role.id, "name": name,
                                                "start": start, "end": end, "now": "2026-11-23 09:30:00"})

    appoint(date(2024, 10, 1), date(2026, 10, 1))
    appoint(date(2026, 10, 1))
    db.session.commit()
    with pytest.raises(IntegrityError):
        appoint(date(2026, 11, 1))  # a second open holder
    db.session.rollback()
    with pytest.raises(IntegrityError, match="two in force on the same day"):
        appoint(date(2025, 1, 1), date(2025, 6, 1))
    db.session.rollback()
    first = db.session.execute(select(LeadRoleAppointment.id).order_by(LeadRoleAppointment.id)).scalars().first()
    assert "history" in refused(f"UPDATE lead_role_appointments SET person_name = 'Someone else' WHERE id = {first}")
    assert "history" in refused(f"DELETE FROM lead_role_appointments WHERE id = {first}")
    refused(f"UPDATE lead_role_appointments SET ended_on = NULL WHERE id = {first}")  # reopened: overlaps too


def test_a_raci_link_cannot_reach_into_another_network(setting):
    network, _, workstream = setting
    theirs = factories.make_partner(factories.make_network())
    db.session.commit()
    with pytest.raises(IntegrityError):
        assign(network, workstream, theirs)
    db.session.rollback()


def _race(app, clients, url, forms):
    barrier, responses = threading.Barrier(len(clients)), []

    def post(client, data):
        with app.app_context():
            barrier.wait()
            responses.append(client.post(url, data=data))

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _secretaries(app, network, count=2):
    clients = []
    for _ in range(count):
        member = factories.make_member(network, "board_secretary")
        db.session.commit()
        client = app.test_client()
        client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
        clients.append(client)
    return clients


def test_two_secretaries_changing_the_accountable_at_once_leave_exactly_one(any_app):
    """Real threads behind a barrier post two different Accountables: one is in force, the history holds both."""
    network = factories.make_network(slug="race")
    practice, trust = factories.make_partner(network, name="Practice"), factories.make_partner(network, name="Trust")
    for partner in (practice, trust):
        factories.make_status_change(partner, "active", date(2025, 4, 1))
    workstream = factories.make_workstream(network, name="Virtual ward")
    factories.make_assignment(workstream, "A", practice, valid_from=date(2026, 1, 5))
    db.session.commit()
    clients = _secretaries(any_app, network)
    day = {"valid_from[day]": "1", "valid_from[month]": "6", "valid_from[year]": "2026"}
    responses = _race(any_app, clients, f"/n/race/accountability/workstreams/{workstream.id}/accountable",
                      [{"partner_id": trust.id, **day}, {"partner_id": trust.id, "membership_id": "", **day}])
    assert sorted(r.status_code for r in responses) == [200, 302]  # the second sees the first: already accountable
    db.session.expire_all()
    rows = list(db.session.execute(select(WorkstreamAssignment).where(WorkstreamAssignment.role == "A")
                                   .order_by(WorkstreamAssignment.id)).scalars())
    assert [(r.partner_id, r.valid_from, r.valid_to) for r in rows] == [
        (practice.id, date(2026, 1, 5), date(2026, 6, 1)), (trust.id, date(2026, 6, 1), None)]

    third = factories.make_partner(network, name="Council")
    factories.make_status_change(third, "active", date(2025, 4, 1))
    db.session.commit()
    responses = _race(any_app, clients, f"/n/race/accountability/workstreams/{workstream.id}/accountable",
                      [{"partner_id": third.id, **day}, {"partner_id": practice.id, **day}])
    assert [r.status_code for r in responses] == [302, 302]  # both saved, one after the other
    db.session.expire_all()
    rows = list(db.session.execute(select(WorkstreamAssignment).where(WorkstreamAssignment.role == "A")
                                   .order_by(WorkstreamAssignment.id)).scalars())
    open_rows = [r for r in rows if r.valid_to is None]
    assert len(open_rows) == 1 and len(rows) == 4
    in_force = [r for r in rows if r.in_force_on(date(2026, 6, 1))]
    assert in_force == open_rows  # the earlier of the two was replaced on the same day: never in force


def test_two_secretaries_appointing_at_once_leave_one_holder(any_app):
    network = factories.make_network(slug="race-roles")
    role = factories.standard_role(network, "chair")
    db.session.commit()
    clients = _secretaries(any_app, network)
    start = {"term_start[day]": "1", "term_start[month]": "4", "term_start[year]": "2026"}
    responses = _race(any_app, clients, f"/n/race-roles/accountability/lead-roles/{role.id}/appoint",
                      [{"person_name": "Dr Priya Raman", **start}, {"person_name": "Mark Ellison", **start}])
    assert [r.status_code for r in responses] == [302, 302]
    db.session.expire_all()
    rows = list(db.session.execute(select(LeadRoleAppointment)).scalars())
    assert len(rows) == 2 and len([r for r in rows if r.ended_on is None]) == 1
    assert len([r for r in rows if r.in_force_on(date(2026, 4, 1))]) == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


def test_networks_made_before_the_migration_get_the_standard_lead_roles(empty_database):
    with running_app(empty_database):
        upgrade(revision="0012_ledger")
        db.session.execute(text("INSERT INTO networks (name, slug, care_model, footprint, financial_year_start, "
                                "version, created_at, updated_at) VALUES ('Old', 'old', 'primary_care_home', '', "
                                "2026, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        db.session.commit()
        upgrade()
        names = db.session.execute(text("SELECT name FROM lead_roles ORDER BY position")).scalars().all()
        assert names == [name for _, name, _ in STANDARD_LEAD_ROLES]


@pytest.mark.parametrize(("table", "column"), [
    ("workstreams", "established_by_decision_id"),
    ("workstream_assignments", "started_by_decision_id"),
    ("workstream_assignments", "ended_by_decision_id"),
    ("lead_role_appointments", "appointed_by_decision_id"),
    ("lead_role_appointments", "ended_by_decision_id"),
])
def test_the_database_refuses_a_link_to_another_networks_decision(setting, table, column):
    network, partner, workstream = setting
    their_decision = factories.make_decision(factories.make_network(), reference="NTH-2026-001")
    our_decision = factories.make_decision(network, reference="RIV-2026-001")
    db.session.commit()
    values = _row(table, network, workstream, partner)
    with pytest.raises(IntegrityError) as error:
        db.session.execute(insert(db.metadata.tables[table]).values(**values, **{column: their_decision.id}))
    db.session.rollback()
    assert "foreign key" in str(error.value.orig).lower()
    db.session.execute(insert(db.metadata.tables[table]).values(**values, **{column: our_decision.id}))  # its own
    db.session.rollback()


NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _row(table, network, workstream, partner) -> dict:
    common = {"network_id": network.id, "note": "", "end_note": "", "recorded_at": NOW}
    if table == "workstreams":
        return {"network_id": network.id, "name": "Care planning", "description": "", "population": "",
                "status": "active", "version": 1, "created_at": NOW, "updated_at": NOW}
    if table == "workstream_assignments":
        return {**common, "workstream_id": workstream.id, "role": "R", "partner_id": partner.id,
                "valid_from": date(2026, 1, 1)}
    role_id = db.session.execute(text("SELECT id FROM lead_roles WHERE network_id = :n AND key = 'chair'"),
                                 {"n": network.id}).scalar_one()
    return {**common, "lead_role_id": role_id, "person_name": "Jo Bloggs", "term_start": date(2026, 1, 1)}
