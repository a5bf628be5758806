"""The database keeps the partners' rules itself, on SQLite and PostgreSQL: one name per network,
links that stay inside a network, one entry per partner and date and revision; and migration 0008
brings existing data under those rules."""

from datetime import UTC, date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import ForeignKeyConstraint, insert, text
from sqlalchemy.exc import IntegrityError

from governance.core.db import NetworkScoped
from governance.extensions import db
from governance.partners import models
from governance.partners.models import ListSize, Partner, PartnerContact, PartnerStatusChange, name_key
from tests import factories
from tests.conftest import running_app


@pytest.mark.parametrize(("one", "other"), [
    ("Oak Lane Surgery", "oak lane surgery"),
    ("Oak Lane Surgery", "Oak  Lane\u00a0Surgery "),  # double and non-breaking spaces
    ("Oak Lane Surgery", "Oak Lane\u200b Surgery"),  # a zero-width space (format character)
    ("Oak Lane Surgery", "\u202eOak Lane Surgery\u202c"),  # bidirectional overrides
    ("Oak Lane Surgery", "\uff2fak \uff2cane Surgery"),  # full-width letters
    ("Oﬃce Surgery", "Office Surgery"),  # a ligature
    ("STRASSE Surgery", "straße surgery"),  # case folding
])
def test_look_alike_names_are_the_same_name(one, other):
    assert name_key(one) == name_key(other)


def test_different_names_stay_different():
    assert name_key("Oak Lane Surgery") != name_key("Oak Lane Surgery 2")
    assert name_key("") == "" and name_key(None) == ""


def test_the_database_refuses_a_second_partner_with_the_same_name(any_app):
    network = factories.make_network()
    factories.make_partner(network, name="Oak Lane Surgery", ods_code=None)
    db.session.commit()
    db.session.add(Partner(network_id=network.id, name="OAK LANE\u200b SURGERY", kind="other"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    other = factories.make_network()
    factories.make_partner(other, name="Oak Lane Surgery", ods_code=None)  # another network may
    db.session.commit()


WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _insert(model, **values):
    db.session.execute(insert(model.__table__).values(**values))
    db.session.flush()


@pytest.mark.parametrize("model", [PartnerContact, PartnerStatusChange, ListSize])
def test_the_database_refuses_a_link_to_another_networks_partner(any_app, model):
    mine, theirs = factories.make_network(), factories.make_network()
    their_practice = factories.make_practice(theirs)
    db.session.commit()
    values = {"network_id": mine.id, "partner_id": their_practice.id}
    if model is PartnerContact:
        values.update(name="Jo", job_title="", email="", phone="", version=1, created_at=WHEN,
                      updated_at=WHEN)
    elif model is PartnerStatusChange:
        values.update(status="active", effective_on=date(2026, 1, 1), revision=1, decision_reference="", note="",
                      recorded_at=WHEN)
    else:
        values.update(patients=1, as_of=date(2026, 1, 1), revision=1, source="entered", recorded_at=WHEN)
    with pytest.raises(IntegrityError):
        _insert(model, **values)
    db.session.rollback()
    _insert(model, **{**values, "network_id": theirs.id})  # the same link inside its network is fine
    db.session.rollback()


@pytest.mark.parametrize("model", [PartnerStatusChange, ListSize])
def test_the_database_refuses_two_entries_of_one_revision_for_a_date(any_app, model):
    network = factories.make_network()
    practice = factories.make_practice(network)  # active from, and counted as of, 1 April 2025
    db.session.commit()
    if model is ListSize:
        values = {"patients": 2, "as_of": date(2025, 4, 1), "source": "entered"}
    else:
        values = {"status": "left", "effective_on": date(2025, 4, 1), "decision_reference": "", "note": ""}
    with pytest.raises(IntegrityError):
        _insert(model, network_id=network.id, partner_id=practice.id, revision=1, recorded_at=WHEN,
                **values)
    db.session.rollback()
    _insert(model, network_id=network.id, partner_id=practice.id, revision=2, recorded_at=WHEN, **values)
    db.session.rollback()


def test_every_link_between_partner_records_carries_the_network():
    """Walk every foreign key of the partners' tables: a link to a network's record is (network_id, x_id)."""
    import governance.models  # noqa: F401  every table, so links to modules above partners resolve
    scoped_tables = {cls.__tablename__ for cls in db.Model.__subclasses__() if issubclass(cls, NetworkScoped)}
    partner_tables = [cls.__table__ for cls in vars(models).values()
                      if isinstance(cls, type) and issubclass(cls, NetworkScoped) and hasattr(cls, "__table__")]
    assert {t.name for t in partner_tables} == {"partners", "partner_contacts", "partner_status_changes", "list_sizes"}
    links = 0
    for table in partner_tables:
        for constraint in table.constraints:
            if not isinstance(constraint, ForeignKeyConstraint) or constraint.referred_table.name == "networks":
                continue
            if constraint.referred_table.name in scoped_tables:
                assert [c.name for c in constraint.columns][0] == "network_id", f"{table.name}: {constraint.name}"
                assert [e.column.name for e in constraint.elements][:1] == ["network_id"]
                links += 1
    assert links == 4  # contacts, status changes and list sizes to their partner; a status change to its decision


# Migration 0008 on data that was there before -----------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'before.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


BEFORE = [
    "INSERT INTO networks (id, name, slug, care_model, footprint, financial_year_start, version, created_at, "
    "updated_at) VALUES (1, 'North', 'north', 'other', '', 2026, 1, '2026-01-01', '2026-01-01'), "
    "(2, 'South', 'south', 'other', '', 2026, 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO partners (id, name, kind, ods_code, address, website, notes, network_id, version, created_at, "
    "updated_at) VALUES (1, 'Oak Lane Surgery', 'gp_practice', NULL, '', '', '', 1, 1, '2026-01-01', '2026-01-01'), "
    "(2, 'OAK LANE  SURGERY', 'gp_practice', NULL, '', '', '', 1, 1, '2026-01-01', '2026-01-01'), "
    "(3, 'Oak Lane Surgery', 'gp_practice', NULL, '', '', '', 2, 1, '2026-01-01', '2026-01-01')",
    # a contact stored under the wrong network: it belongs to its partner's
    "INSERT INTO partner_contacts (id, partner_id, name, job_title, email, phone, network_id, version, created_at, "
    "updated_at) VALUES (1, 1, 'Jo', '', '', '', 2, 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO list_sizes (id, partner_id, patients, as_of, source, recorded_at, network_id) VALUES "
    "(1, 1, 100, '2026-01-01', 'entered', '2026-01-01', 1), (2, 1, 110, '2026-01-01', 'entered', '2026-01-02', 1), "
    "(3, 1, 120, '2026-02-01', 'entered', '2026-02-01', 1), (4, 1, 115, '2026-01-01', 'entered', '2026-01-03', 1)",
    "INSERT INTO partner_status_changes (id, partner_id, status, effective_on, decision_reference, note, "
    "recorded_at, network_id) VALUES (1, 1, 'active', '2026-01-01', '', '', '2026-01-01', 1), "
    "(2, 1, 'left', '2026-01-01', '', '', '2026-01-02', 1)",
]


def test_migration_0008_brings_existing_partners_under_the_new_rules(empty_database):
    with running_app(empty_database):
        upgrade(revision="0007_form_submissions")
        with db.engine.begin() as connection:
            for statement in BEFORE:
                connection.execute(text(statement))
        upgrade(revision="0008_partners_hardening")
        with db.engine.connect() as connection:
            keys = connection.execute(text("SELECT id, name_key FROM partners ORDER BY id")).all()
            assert keys == [(1, "oak lane surgery"), (2, "oak lane surgery #2"), (3, "oak lane surgery")]
            assert connection.execute(text("SELECT network_id FROM partner_contacts")).scalar_one() == 1
            sizes = connection.execute(text("SELECT id, revision FROM list_sizes ORDER BY id")).all()
            assert sizes == [(1, 1), (2, 2), (3, 1), (4, 3)]
            statuses = connection.execute(text("SELECT id, revision FROM partner_status_changes ORDER BY id")).all()
            assert statuses == [(1, 1), (2, 2)]
        with db.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(text("DELETE FROM list_sizes"))
        downgrade(revision="0007_form_submissions")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM list_sizes")).scalar_one() == 4
            assert connection.execute(text("SELECT COUNT(*) FROM partners")).scalar_one() == 3
        with db.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(text("DELETE FROM partner_status_changes"))
