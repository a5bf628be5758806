"""Concurrent edits: a version counter; a stale save is refused, not silently overwritten."""

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from governance.core.concurrency import check_version
from governance.core.db import Versioned
from governance.core.errors import EditConflict
from governance.extensions import db
from governance.networks.models import Membership, Network
from governance.partners.models import Partner
from tests import factories

CONFLICT = "Someone else saved this record after you opened it"


def test_editable_records_carry_a_version_counter(app):
    for model in (Network, Membership, Partner):
        assert issubclass(model, Versioned)
        assert model.__mapper__.version_id_col is not None


def test_the_version_goes_up_on_each_save(any_app):
    network = factories.make_network()
    db.session.commit()
    assert network.version == 1
    network.name = "Renamed"
    db.session.commit()
    assert network.version == 2


def test_two_sessions_saving_the_same_row_the_second_gets_stale_data_error(any_app):
    network = factories.make_network(name="Riverside")
    db.session.commit()
    first, second = Session(db.engine), Session(db.engine)
    try:
        mine = first.get(Network, network.id)
        theirs = second.get(Network, network.id)
        assert mine.version == theirs.version == 1
        mine.name = "Riverside PCH"
        first.commit()
        theirs.name = "Riverside Primary Care Home"
        with pytest.raises(StaleDataError):
            second.flush()
        second.rollback()
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    assert (network.name, network.version) == ("Riverside PCH", 2)


def test_check_version_refuses_stale_and_garbage_versions(app):
    network = factories.make_network()
    db.session.commit()
    check_version(network, "1")
    for stale in ("0", "2", "", None, "x"):
        with pytest.raises(EditConflict):
            check_version(network, stale)


def _settings_form(network, **changes):
    data = {"name": network.name, "care_model": network.care_model, "ods_code": network.ods_code or "",
            "footprint": network.footprint, "financial_year_start": network.financial_year_start,
            "version": network.version}
    data.update(changes)
    return data


def test_a_stale_settings_form_shows_the_conflict_keeps_the_input_and_overwrites_nothing(
        client, network, login_as):
    login_as("network_admin")
    opened_at = network.version
    # someone else saves first
    network.footprint = "Saved by a colleague"
    db.session.commit()

    response = client.post(f"/n/{network.slug}/settings", data=_settings_form(
        network, version=opened_at, name="My new name", footprint="My footprint"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert CONFLICT in page
    assert "There is a problem" in page
    assert 'value="My new name"' in page and "My footprint" in page
    assert f'name="version" value="{network.version}"' in page  # saving again is deliberate
    assert "The latest saved details" in page and "Saved by a colleague" in page  # their edit is shown too
    db.session.rollback()
    assert (network.name, network.footprint) == ("Riverside Test Network", "Saved by a colleague")

    # sending the form again (now carrying the latest version) saves it
    response = client.post(f"/n/{network.slug}/settings", data=_settings_form(
        network, name="My new name", footprint="My footprint"))
    assert response.status_code == 302
    db.session.rollback()
    assert (network.name, network.footprint) == ("My new name", "My footprint")


def test_a_stale_member_role_form_shows_the_conflict_and_overwrites_nothing(client, network, login_as):
    login_as("network_admin")
    member = factories.make_member(network, "board_member", job_title="GP partner")
    db.session.commit()
    opened_at = member.version
    member.job_title = "Clinical director"
    db.session.commit()

    response = client.post(f"/n/{network.slug}/admin/members/{member.id}", data={
        "role": "board_secretary", "job_title": "Network manager", "partner_id": "",
        "version": opened_at})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert CONFLICT in page
    assert 'value="Network manager"' in page
    assert '<option value="board_secretary" selected>' in page
    assert "The latest saved details" in page and "Clinical director" in page
    db.session.rollback()
    assert (member.role, member.job_title) == ("board_member", "Clinical director")


def test_a_save_that_races_past_the_version_check_gets_the_conflict_page(app, client):
    from sqlalchemy.orm.exc import StaleDataError as Stale

    @app.route("/test-race")
    def race():
        raise Stale("UPDATE statement on table 'networks' expected to update 1 row(s); 0 were matched.")

    race.accord_permission = "public"
    response = client.get("/test-race")
    assert response.status_code == 409
    assert b"Someone else saved this at the same time" in response.data


def test_a_unique_constraint_lost_to_a_concurrent_save_gets_the_conflict_page(app, client):
    from sqlalchemy.exc import IntegrityError

    @app.route("/test-unique-race")
    def unique_race():
        raise IntegrityError("INSERT INTO partners ...", {}, Exception("UNIQUE constraint failed"))

    unique_race.accord_permission = "public"
    response = client.get("/test-unique-race")
    assert response.status_code == 409
    assert b"Someone else saved this at the same time" in response.data
