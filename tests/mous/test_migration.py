"""Upgrading a database that holds MOUs: every record is kept, linked within its network, answered once."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from governance.extensions import db
from tests.conftest import running_app

pytestmark = pytest.mark.postgres
BEFORE = "0007_form_submissions"
NOW = "2026-11-20 10:00:00"


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


def _insert(table: str, **values) -> None:
    columns = ", ".join(values)
    db.session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in values)})"),
                       values)


def _count(sql: str, **params) -> int:
    return db.session.execute(text(sql), params).scalar_one()


def _old_mou_records() -> None:
    """Two networks; in network 1 an MOU whose version 1 every party signed and whose version 2 waits."""
    stamps = {"version": 1, "created_at": NOW, "updated_at": NOW}
    for network_id in (1, 2):
        _insert("networks", id=network_id, name=f"Network {network_id}", slug=f"network-{network_id}",
                care_model="pch", footprint="", financial_year_start=2026, **stamps)
    _insert("users", id=1, email="signatory@example.org", full_name="Dr Helen Marsh", is_site_admin=False,
            active=True, **stamps)
    for partner_id, network_id in ((1, 1), (2, 1), (3, 2)):
        _insert("partners", id=partner_id, network_id=network_id, name=f"Partner {partner_id}", kind="other",
                address="", website="", notes="", **stamps)
    _insert("mous", id=1, network_id=1, title="Frailty MOU", purpose="", start_date="2026-04-01",
            end_date="2028-03-31", end_date_kind="end", status="out_for_signature", issued_count=2, end_reason="",
            **stamps)
    _insert("mous", id=2, network_id=1, title="Weekend cover", purpose="", start_date="2026-04-01", varies_id=1,
            end_date="2028-03-31", end_date_kind="end", status="draft", issued_count=0, end_reason="", **stamps)
    for partner_id in (1, 2):
        _insert("mou_parties", mou_id=1, partner_id=partner_id)
    _insert("mou_clauses", id=1, network_id=1, mou_id=1, key="scope", position=0, heading="Scope", body="All",
            **stamps)
    _insert("mou_comments", id=1, network_id=1, mou_id=1, clause_id=1, clause_heading="Scope", author_id=1,
            body="Fine", created_at=NOW, updated_at=NOW)
    _insert("mou_comment_invitations", id=1, network_id=1, mou_id=1, user_id=1, created_at=NOW)
    for number in (1, 2):
        _insert("mou_versions", id=number, network_id=1, mou_id=1, number=number, title="Frailty MOU", purpose="",
                start_date="2026-04-01", end_date="2028-03-31", end_date_kind="end", clauses="[]",
                content_hash="a" * 64, issued_at=NOW, issued_ip="")
        for position, partner_id in enumerate((1, 2)):
            _insert("mou_version_parties", network_id=1, version_id=number, partner_id=partner_id,
                    position=position, name=f"Partner {partner_id}", ods_code="")
    signature = {"network_id": 1, "method": "electronic", "user_id": 1, "signatory_name": "Helen Marsh",
                 "signatory_title": "Partner", "signed_at": NOW, "ip_address": "", "user_agent": "",
                 "version_hash": "a" * 64, "evidence_filename": "", "evidence_mime": "", "evidence_size": 0,
                 "evidence_sha256": "", "record_hash": "b" * 64}
    _insert("mou_signatures", version_id=1, partner_id=1, **signature)
    _insert("mou_signatures", version_id=1, partner_id=2, **signature)
    _insert("mou_declines", network_id=1, version_id=2, partner_id=2, user_id=1, reason="No", declined_at=NOW,
            ip_address="", user_agent="", version_hash="a" * 64, record_hash="c" * 64)
    db.session.commit()


def test_upgrading_keeps_every_mou_record_and_the_database_then_refuses_impossible_ones(empty_database):
    with running_app(empty_database):
        upgrade(revision=BEFORE)
        _old_mou_records()
        upgrade()

        assert _count("SELECT COUNT(*) FROM mou_clauses") == 1  # rebuilding the MOU table cascaded nothing
        assert _count("SELECT COUNT(*) FROM mou_comments WHERE clause_id = 1") == 1
        assert _count("SELECT COUNT(*) FROM mou_parties WHERE network_id = 1") == 2
        assert _count("SELECT COUNT(*) FROM mou_answers") == 3
        assert _count("SELECT in_force_number FROM mous WHERE id = 1") == 1  # version 1 stays in force
        assert _count("SELECT variation_number FROM mous WHERE id = 2") == 1
        assert _count("SELECT COUNT(*) FROM mou_signatures WHERE account_email = ''") == 2

        refused = [
            ("mou_parties", {"mou_id": 1, "partner_id": 3, "network_id": 1}),  # a partner of network 2
            ("mou_parties", {"mou_id": 2, "partner_id": 3, "network_id": 2}),  # an MOU of network 1
            ("mou_answers", {"network_id": 1, "version_id": 2, "partner_id": 2, "kind": "signature",
                             "answered_at": NOW}),  # party 2 declined version 2 already
            ("mou_clauses", {"network_id": 2, "mou_id": 1, "key": "x", "position": 1, "heading": "x", "body": "",
                             "version": 1, "created_at": NOW, "updated_at": NOW}),
        ]
        for table, values in refused:
            with pytest.raises(IntegrityError):
                _insert(table, **values)
                db.session.flush()
            db.session.rollback()
        with pytest.raises(IntegrityError):  # a signature needs its answer: party 1 has none for version 2
            _insert("mou_signatures", version_id=2, partner_id=1, answer_kind="signature", account_name="",
                    account_email="", **{k: v for k, v in {
                        "network_id": 1, "method": "electronic", "user_id": 1, "signatory_name": "H",
                        "signatory_title": "P", "signed_at": NOW, "ip_address": "", "user_agent": "",
                        "version_hash": "a" * 64, "evidence_filename": "", "evidence_mime": "",
                        "evidence_size": 0, "evidence_sha256": "", "record_hash": "b" * 64}.items()})
            db.session.flush()
        db.session.rollback()

        downgrade(revision=BEFORE)
        assert _count("SELECT COUNT(*) FROM mou_clauses") == 1
        assert _count("SELECT COUNT(*) FROM mou_signatures") == 2
        db.session.commit()
