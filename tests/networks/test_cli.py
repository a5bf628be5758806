"""The flask commands: create-admin, create-network, seed-demo, demo-accounts."""

import re

import pytest
from sqlalchemy import func, select

from governance.auth import services as auth_services
from governance.auth.models import User
from governance.core.audit import AuditEntry
from governance.demo import DEMO_ACCOUNTS
from governance.extensions import db
from governance.networks.models import Invitation, Membership, Network
from tests import factories


def test_create_admin_makes_a_site_administrator(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "Root@Example.org", "--name", "Ada Admin"],
                           input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 0, result.output
    assert "Site administrator root@example.org created." in result.output
    user = auth_services.find_user("root@example.org")
    assert user.is_site_admin and user.password_hash.startswith("scrypt:")
    assert auth_services.verify_password(user, "a long passphrase")

    again = runner.invoke(args=["create-admin", "--email", "root@example.org", "--name", "Again",
                                "--password", "another long one"])
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(args=["create-admin", "--email", "x@example.org", "--name", "X", "--password", "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_create_network_with_a_first_admin_invitation(app, client):
    result = app.test_cli_runner().invoke(args=[
        "create-network", "--name", "Northgate Primary Care Network", "--care-model", "primary_care_network",
        "--ods-code", "u12345", "--admin-email", "Manager@Northgate.example"])
    assert result.exit_code == 0, result.output
    assert "Network Northgate Primary Care Network created at /n/northgate-primary-care-network/" in result.output
    link = re.search(r"Invitation link for Manager@Northgate.example: (\S+)", result.output)[1]
    assert link.startswith(app.config["EXTERNAL_URL"] + "/invitations/")
    network = db.session.execute(select(Network)).scalar_one()
    assert network.ods_code == "U12345"
    invitation = db.session.execute(select(Invitation).execution_options(all_networks=True)).scalar_one()
    assert (invitation.email, invitation.role) == ("manager@northgate.example", "network_admin")

    path = link.removeprefix(app.config["EXTERNAL_URL"])
    response = client.post(path, data={"full_name": "Nadia Brooks", "password": "a long passphrase",
                                       "confirm": "a long passphrase"})
    assert response.headers["Location"] == f"/n/{network.slug}/"
    assert client.get(f"/n/{network.slug}/admin/members").status_code == 200


def test_create_network_refuses_a_taken_slug(app):
    runner = app.test_cli_runner()
    args = ["create-network", "--name", "Riverside", "--slug", "riverside", "--care-model", "ics"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "Another network already uses this web address name" in again.output


def test_seed_demo_creates_the_demo_accounts_with_the_demo_password(app, client):
    app.config["DEMO_PASSWORD"] = "demo-password-for-tests"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo networks loaded." in result.output
    slugs = set(db.session.execute(select(Network.slug)).scalars())
    assert {"riverside", "northgate"} <= slugs
    for email, role_label, network_name in DEMO_ACCOUNTS:
        user = auth_services.authenticate(email, "demo-password-for-tests", "127.0.0.1")
        db.session.commit()  # each sign-in is its own request
        role = db.session.execute(
            select(Membership.role).join(Network, Network.id == Membership.network_id)
            .where(Membership.user_id == user.id, Network.name == network_name)).scalar_one()
        assert role.replace("_", " ") == role_label.lower(), email
    signatory = auth_services.find_user("signatory@riverside.example")
    membership = db.session.execute(select(Membership).where(Membership.user_id == signatory.id)).scalar_one()
    assert membership.partner is not None and membership.is_authorised_signatory
    assert db.session.execute(select(func.count(AuditEntry.id))).scalar_one() > 0

    users = db.session.execute(select(func.count(User.id))).scalar_one()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 1 and "already has networks" in again.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0 and quiet.output == ""
    assert db.session.execute(select(func.count(User.id))).scalar_one() == users

    response = client.post("/sign-in", data={"email": "admin@riverside.example",
                                             "password": "demo-password-for-tests"})
    assert response.status_code == 302
    assert client.get("/n/riverside/admin/members").status_code == 200


def test_demo_accounts_lists_every_account_and_the_password(app):
    result = app.test_cli_runner().invoke(args=["demo-accounts"])
    assert result.exit_code == 0
    assert app.config["DEMO_PASSWORD"] in result.output
    for email, role_label, _ in DEMO_ACCOUNTS:
        assert email in result.output and role_label in result.output


@pytest.mark.demo
def test_the_demo_mous_issued_for_signature_have_no_placeholders_left(app):
    from governance.core import tenancy
    from governance.mous.models import Mou
    from governance.mous.text import placeholders

    riverside = factories.demo_records().riverside
    tenancy.activate(riverside.id)
    issued = [m for m in db.session.execute(select(Mou)).scalars() if m.issued_count]
    assert len(issued) == 2
    for mou in issued:
        assert [c.heading for c in mou.clauses if placeholders(c.body)] == []
    tenancy.activate(None)


@pytest.mark.demo
def test_northgate_is_usable_on_its_own_and_one_gp_sits_on_both_boards(app):
    seeded = factories.demo_records()

    def networks_of(email):
        user = auth_services.find_user(email)
        return {(m.network.slug, m.role, m.partner.network_id if m.partner else None)
                for m in db.session.execute(select(Membership).where(Membership.user_id == user.id)).scalars()}

    assert networks_of("admin@northgate.example") == {("northgate", "network_admin", None)}
    assert networks_of("secretary@northgate.example") == {("northgate", "board_secretary", None)}
    assert networks_of("gp@riverside.example") == {("riverside", "board_member", None),
                                                   ("northgate", "board_member", None)}
    [(slug, role, partner_network)] = networks_of("signatory@northgate.example")
    assert (slug, role, partner_network) == ("northgate", "partner_representative", seeded.northgate.id)
    signatory = db.session.execute(select(Membership).join(User).where(
        User.email == "signatory@northgate.example")).scalar_one()
    assert signatory.is_authorised_signatory and signatory.partner.name == "Northgate Surgery"
