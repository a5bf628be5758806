"""Networks, memberships and invitations: the business rules."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.errors import EditConflict, ServiceError
from governance.extensions import db
from governance.networks import services
from governance.networks.models import Membership
from tests import factories


def test_create_network_checks_the_slug(app):
    network = services.create_network("Riverside Primary Care Home", "primary_care_home", ods_code=" u12345 ")
    assert (network.slug, network.ods_code) == ("riverside-primary-care-home", "U12345")
    with pytest.raises(ServiceError, match="already uses"):
        services.create_network("Another", "ics", slug="riverside-primary-care-home")
    with pytest.raises(ServiceError, match="lower case"):
        services.create_network("Bad", "ics", slug="Bad Slug")


@pytest.mark.parametrize(("today", "year"), [("2026-03-31", 2025), ("2026-04-01", 2026), ("2027-01-15", 2026)])
def test_the_financial_year_starts_on_1_april(today, year):
    from datetime import date

    assert services.current_financial_year_start(date.fromisoformat(today)) == year


def test_update_network_refuses_a_stale_version(app):
    network = factories.make_network()
    db.session.commit()
    data = {"name": "New", "care_model": "ics", "financial_year_start": 2026}
    with pytest.raises(EditConflict):
        services.update_network(network, data, network.version + 1)
    services.update_network(network, data, str(network.version))
    db.session.commit()
    assert (network.name, network.version) == ("New", 2)


def test_a_member_can_join_a_network_only_once(app):
    network = factories.make_network()
    user = factories.make_user()
    services.add_member(network, user, "observer")
    with pytest.raises(ServiceError, match="already a member"):
        services.add_member(network, user, "board_member")


def test_role_fields_must_fit_the_role(app):
    network = factories.make_network()
    partner = factories.make_partner(network)
    with pytest.raises(ServiceError, match="Select the partner"):
        services.add_member(network, factories.make_user(), "partner_representative")
    with pytest.raises(ServiceError, match="Only a partner representative"):
        services.add_member(network, factories.make_user(), "board_member", is_authorised_signatory=True)
    rep = services.add_member(network, factories.make_user(), "partner_representative", partner_id=partner.id,
                              is_authorised_signatory=True)
    assert rep.is_authorised_signatory
    services.update_membership(rep, {"role": "board_member", "partner_id": partner.id}, rep.version)
    assert (rep.role, rep.partner_id, rep.is_authorised_signatory) == ("board_member", None, False)


def test_a_network_always_keeps_an_active_admin(app):
    network = factories.make_network()
    other = factories.make_network()
    factories.make_member(other, "network_admin")  # an admin elsewhere does not count
    admin = factories.make_member(network, "network_admin")
    actor = factories.make_user()
    with pytest.raises(ServiceError, match="at least one active network admin"):
        services.update_membership(admin, {"role": "board_member"}, admin.version)
    with pytest.raises(ServiceError, match="at least one active network admin"):
        services.deactivate_member(admin, actor)
    second = factories.make_member(network, "network_admin")
    services.deactivate_member(second, actor)
    with pytest.raises(ServiceError, match="at least one active network admin"):
        services.update_membership(admin, {"role": "observer"}, admin.version)  # second is deactivated
    services.reactivate_member(second)
    services.update_membership(admin, {"role": "observer"}, admin.version)
    assert admin.role == "observer"


def test_deactivating_keeps_the_membership_and_its_history(app):
    network = factories.make_network()
    factories.make_member(network, "network_admin")
    member = factories.make_member(network, "board_member")
    db.session.commit()
    services.deactivate_member(member, factories.make_user())
    db.session.commit()
    assert db.session.get(Membership, member.id).active is False
    assert member.deactivated_at is not None
    actions = db.session.execute(select(AuditEntry.action).where(
        AuditEntry.entity_type == "Membership", AuditEntry.entity_id == member.id)
        .order_by(AuditEntry.id)).scalars().all()
    assert actions == ["create", "update"]
    with pytest.raises(ServiceError, match="your own membership"):
        services.deactivate_member(member, member.user)


def test_an_invitation_is_one_time_and_expires(app, caplog):
    network = factories.make_network(name="Riverside")
    admin = factories.make_member(network, "network_admin")
    invitation, raw = services.invite(network, " New.Person@Example.org", "board_secretary", admin.user,
                                      full_name="Sam Whitfield")
    assert invitation.email == "new.person@example.org"
    db.session.commit()  # the outbox sends once the transaction commits
    assert raw not in invitation.token_hash and raw in caplog.text
    assert timedelta(days=6, hours=23) < invitation.expires_at - clock.now() <= timedelta(days=7)
    assert services.find_invitation(raw) == invitation
    assert services.find_invitation("not-the-token") is None

    membership = services.accept_invitation(raw, password="a long passphrase")
    assert (membership.role, membership.user.full_name) == ("board_secretary", "Sam Whitfield")
    assert invitation.status == "Accepted"
    with pytest.raises(ServiceError, match="expired, been withdrawn or already been used"):
        services.accept_invitation(raw, password="a long passphrase")

    expired, raw_expired = factories.make_invitation(network, expires_at=clock.now() - timedelta(seconds=1))
    assert expired.status == "Expired" and services.find_invitation(raw_expired) is None


def test_only_a_pending_invitation_can_be_revoked(app):
    invitation, raw = factories.make_invitation(factories.make_network())
    services.revoke_invitation(invitation)
    assert invitation.status == "Revoked" and services.find_invitation(raw) is None
    with pytest.raises(ServiceError, match="Only a pending invitation"):
        services.revoke_invitation(invitation)


def test_inviting_an_existing_member_is_refused(app):
    network = factories.make_network()
    member = factories.make_member(network)
    with pytest.raises(ServiceError, match="already a member"):
        services.invite(network, member.user.email.upper(), "observer", None)


def test_an_existing_account_must_sign_in_to_accept(app):
    network = factories.make_network()
    user = factories.make_user(email="chair@example.org")
    _, raw = factories.make_invitation(network, email="chair@example.org", role="board_member")
    with pytest.raises(ServiceError, match="sign in to accept"):
        services.accept_invitation(raw, password="a long passphrase")
    membership = services.accept_invitation(raw, existing_user=user)
    assert membership.user == user and membership.network_id == network.id


def test_a_signed_in_account_cannot_take_an_invitation_sent_to_another_address(app):
    network = factories.make_network()
    someone_else = factories.make_user(email="someone.else@example.org")
    invitation, raw = factories.make_invitation(network, email="chair@example.org", role="network_admin")
    with pytest.raises(ServiceError, match="This invitation is for chair@example.org"):
        services.accept_invitation(raw, existing_user=someone_else)
    assert invitation.status == "Pending"
    assert db.session.execute(select(Membership).where(Membership.user_id == someone_else.id)).first() is None


def test_the_database_refuses_a_member_or_invitation_linked_to_another_networks_partner(app):
    from sqlalchemy.exc import IntegrityError

    from governance.networks.models import Invitation

    riverside, northgate = factories.make_network(), factories.make_network()
    theirs = factories.make_partner(northgate)
    member = factories.make_member(riverside, "board_member")
    invitation, _ = factories.make_invitation(riverside)
    db.session.commit()
    for record in (member, invitation):
        record.partner_id = theirs.id
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    ours = factories.make_partner(riverside)
    member.partner_id = invitation.partner_id = ours.id
    db.session.commit()  # a partner of the same network is fine
    assert (db.session.get(Membership, member.id).partner_id, db.session.get(Invitation, invitation.id).partner_id) \
        == (ours.id, ours.id)


def test_the_service_refuses_another_networks_partner_by_name(app):
    riverside, northgate = factories.make_network(), factories.make_network()
    theirs = factories.make_partner(northgate)
    with pytest.raises(ServiceError, match="Select a partner organisation of this network") as error:
        services.add_member(riverside, factories.make_user(), "partner_representative", partner_id=theirs.id)
    assert error.value.field == "partner_id"
    with pytest.raises(ServiceError, match="of this network"):
        services.invite(riverside, "x@example.org", "partner_representative", None, partner_id=10**40)


def test_a_network_links_every_network_scoped_record_inside_itself():
    """Every foreign key from a table of this module (and documents) to a network-scoped table is a
    (network_id, x_id) link; the partners and MOU modules convert theirs in their own work."""
    from governance.core.db import NetworkScoped

    scoped = {mapper.class_.__tablename__ for mapper in db.Model.registry.mappers
              if issubclass(mapper.class_, NetworkScoped)}
    mine = {"memberships", "invitations", "issued_documents", "document_jobs"}
    problems = []
    for table in (db.metadata.tables[name] for name in mine):
        for constraint in table.foreign_key_constraints:
            target = constraint.referred_table.name
            if target in scoped and [c.name for c in constraint.columns][0] != "network_id":
                problems.append(f"{table.name}.{constraint.column_keys} -> {target}")
    assert problems == []
    assert {c.referred_table.name for c in db.metadata.tables["memberships"].foreign_key_constraints
            if "network_id" in c.column_keys and len(c.column_keys) == 2} == {"partners"}
