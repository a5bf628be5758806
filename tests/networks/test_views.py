"""Network admin pages: members, roles, invitations by email, settings; the site admin's networks."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from governance.core import clock
from governance.extensions import db
from governance.networks.models import Invitation, Membership, Network
from tests import factories

NEW_PASSWORD = "a long passphrase"


@pytest.fixture
def admin(login_as):
    return login_as("network_admin")


def body(message) -> str:
    return message_from_bytes(message.content, policy=policy.default).get_body().get_content()


def invitation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+)", body(message))[1]


def accept(client, path, name="Sam Whitfield", password=NEW_PASSWORD):
    return client.post(path, data={"full_name": name, "password": password, "confirm": password})


def test_an_invitation_by_email_makes_a_member_with_that_role(app, client, network, admin, smtp_server):
    response = client.post(f"/n/{network.slug}/admin/invitations", data={
        "email": "Sam@Example.org", "full_name": "Sam Whitfield", "role": "board_secretary", "partner_id": ""})
    assert response.status_code == 302
    assert "Invitation sent to Sam@Example.org." in client.get(response.headers["Location"]).get_data(as_text=True)

    [message] = smtp_server
    assert message.rcpt_tos == ["sam@example.org"]
    text = body(message)
    assert network.name in text and "board secretary" in text
    assert re.search(rf"{re.escape(app.config['EXTERNAL_URL'])}/invitations/\S+", text)
    path = invitation_path(message)

    client.post("/sign-out")
    page = client.get(path)
    assert page.status_code == 200 and f"Join {network.name}" in page.get_data(as_text=True)
    response = accept(client, path)
    assert response.status_code == 302 and response.headers["Location"] == f"/n/{network.slug}/"
    assert client.get(f"/n/{network.slug}/audit").status_code == 200  # signed in, as board secretary
    db.session.rollback()
    membership = db.session.execute(select(Membership).join(Membership.user).where(
        Membership.network_id == network.id, Membership.role == "board_secretary")).scalar_one()
    assert membership.user.email == "sam@example.org" and membership.user.full_name == "Sam Whitfield"

    client.post("/sign-out")
    for method in ("get", "post"):
        reused = getattr(client, method)(path, data={"full_name": "X", "password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
        assert reused.status_code == 404
        assert "This link has expired or has already been used" in reused.get_data(as_text=True)


def test_an_expired_or_revoked_invitation_link_is_refused(client, network, admin):
    expired, expired_raw = factories.make_invitation(network, expires_at=clock.now() - timedelta(minutes=1))
    revoked, revoked_raw = factories.make_invitation(network)
    db.session.commit()
    response = client.post(f"/n/{network.slug}/admin/invitations/{revoked.id}/revoke")
    assert response.status_code == 302
    assert f"The invitation for {revoked.email} has been withdrawn." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    client.post("/sign-out")
    for raw in (expired_raw, revoked_raw):
        assert client.get(f"/invitations/{raw}").status_code == 404
        assert accept(client, f"/invitations/{raw}").status_code == 404
    db.session.rollback()
    assert db.session.execute(select(Membership).join(Membership.user).where(
        Membership.network_id == network.id)).scalars().all() == [admin]


def test_a_person_with_an_account_signs_in_to_accept(app, client, network, admin):
    other = factories.make_network(name="Northgate Primary Care Network")
    existing = factories.make_member(other, "board_secretary")
    invitation, raw = factories.make_invitation(network, email=existing.user.email, role="observer")
    db.session.commit()
    client.post("/sign-out")
    page = client.get(f"/invitations/{raw}").get_data(as_text=True)
    assert "You already have an Accord account" in page
    assert f'href="/sign-in?next=/invitations/{raw}"' in page
    response = accept(client, f"/invitations/{raw}", password="someone-elses-password")
    assert response.status_code == 200 and "sign in to accept" in response.get_data(as_text=True)

    response = client.post(f"/sign-in?next=/invitations/{raw}",
                           data={"email": existing.user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == f"/invitations/{raw}"
    assert client.get(f"/invitations/{raw}").status_code == 200
    response = client.post(f"/invitations/{raw}")
    assert response.headers["Location"] == f"/n/{network.slug}/"
    db.session.rollback()
    assert invitation.status == "Accepted"
    assert {m.network_id: m.role for m in db.session.execute(select(Membership).where(
        Membership.user_id == existing.user_id)).scalars()} == {other.id: "board_secretary", network.id: "observer"}
    assert client.get(f"/n/{network.slug}/").status_code == 200


def test_inviting_a_representative_needs_a_partner(client, network, admin, caplog):
    partner = factories.make_partner(network, name="Quay Street Surgery")
    db.session.commit()
    url = f"/n/{network.slug}/admin/invitations"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{partner.id}">Quay Street Surgery</option>' in page
    response = client.post(url, data={"email": "rep@example.org", "role": "partner_representative",
                                      "partner_id": ""})
    assert "Select the partner organisation" in response.get_data(as_text=True)
    response = client.post(url, data={"email": "rep@example.org", "role": "partner_representative",
                                      "partner_id": str(partner.id), "is_authorised_signatory": "y"})
    assert response.status_code == 302
    db.session.rollback()
    invitation = db.session.execute(select(Invitation).where(Invitation.email == "rep@example.org")).scalar_one()
    assert (invitation.partner_id, invitation.is_authorised_signatory) == (partner.id, True)
    raw = re.search(r"/invitations/(\S+)", caplog.text)[1]
    client.post("/sign-out")
    accept(client, f"/invitations/{raw}", name="Helen Marsh")
    db.session.rollback()
    rep = db.session.execute(select(Membership).where(Membership.partner_id == partner.id)).scalar_one()
    assert (rep.role, rep.is_authorised_signatory) == ("partner_representative", True)


def test_the_invitations_page_lists_pending_invitations_only(client, network, admin):
    pending, _ = factories.make_invitation(network, email="pending@example.org")
    factories.make_invitation(network, email="revoked@example.org", revoked_at=clock.now())
    factories.make_invitation(network, email="accepted@example.org", accepted_at=clock.now())
    factories.make_invitation(factories.make_network(), email="elsewhere@example.org")
    db.session.commit()
    page = client.get(f"/n/{network.slug}/admin/invitations").get_data(as_text=True)
    assert "pending@example.org" in page
    for hidden in ("revoked@example.org", "accepted@example.org", "elsewhere@example.org"):
        assert hidden not in page
    assert f"/admin/invitations/{pending.id}/revoke" in page


def _members_page_queries(client, count_queries, network, page=1):
    url = f"/n/{network.slug}/admin/members?page={page}"
    db.session.expire_all()  # every page starts from nothing loaded, like a real request
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, response.get_data(as_text=True)


def test_the_members_list_runs_a_fixed_number_of_queries(client, network, admin, count_queries):
    for n in range(2):
        factories.make_member(network, "partner_representative", job_title=f"Rep {n}")
    db.session.commit()
    few, page = _members_page_queries(client, count_queries, network)
    assert "Showing 1 to 3 of 3" in page
    for n in range(27):
        factories.make_member(network, "partner_representative" if n % 2 else "board_member")
    db.session.commit()
    many, page = _members_page_queries(client, count_queries, network)
    assert "Showing 1 to 25 of 30" in page
    assert many == few, f"{few} queries for 3 members, {many} for 30"
    last, page = _members_page_queries(client, count_queries, network, page=2)
    assert "Showing 26 to 30 of 30" in page and last == few


def test_members_list_shows_members_of_this_network_only(client, network, admin):
    mine = factories.make_member(network, "observer")
    theirs = factories.make_member(factories.make_network(), "observer")
    db.session.commit()
    page = client.get(f"/n/{network.slug}/admin/members").get_data(as_text=True)
    assert mine.user.email in page and theirs.user.email not in page
    # no deactivate button for yourself
    assert f"/admin/members/{admin.id}/deactivate" not in page
    assert f"/admin/members/{mine.id}/deactivate" in page


def test_changing_a_role_saves_it_and_bumps_the_version(client, network, admin):
    member = factories.make_member(network, "board_member")
    db.session.commit()
    url = f"/n/{network.slug}/admin/members/{member.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'name="version" value="{member.version}"' in page
    response = client.post(url, data={"role": "board_secretary", "job_title": "Network manager",
                                      "partner_id": "", "version": member.version})
    assert response.status_code == 302
    db.session.rollback()
    assert (member.role, member.job_title, member.version) == ("board_secretary", "Network manager", 2)


def test_the_last_admin_cannot_step_down(client, network, admin):
    url = f"/n/{network.slug}/admin/members/{admin.id}"
    response = client.post(url, data={"role": "observer", "partner_id": "", "version": admin.version})
    assert response.status_code == 200
    assert "A network must keep at least one active network admin" in response.get_data(as_text=True)
    db.session.rollback()
    assert admin.role == "network_admin"


def test_deactivate_and_reactivate_a_member(client, network, admin):
    member = factories.make_member(network, "board_member")
    db.session.commit()
    base = f"/n/{network.slug}/admin/members/{member.id}"
    response = client.post(f"{base}/deactivate")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "can no longer use this network. Their records stay." in page
    db.session.rollback()
    assert db.session.get(Membership, member.id).active is False  # the record stays

    member_client = client.application.test_client()
    member_client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
    assert member_client.get(f"/n/{network.slug}/").status_code == 404

    client.post(f"{base}/reactivate")
    db.session.rollback()
    assert member.active is True and member.deactivated_at is None
    assert member_client.get(f"/n/{network.slug}/").status_code == 200


def test_you_cannot_deactivate_yourself(client, network, admin):
    factories.make_member(network, "network_admin")
    db.session.commit()
    response = client.post(f"/n/{network.slug}/admin/members/{admin.id}/deactivate")
    assert "You cannot deactivate your own membership" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert admin.active


def test_saving_the_network_profile(client, network, admin):
    response = client.post(f"/n/{network.slug}/settings", data={
        "name": "Riverside Primary Care Home", "care_model": "primary_care_network", "ods_code": "u12345",
        "footprint": "Five practices", "financial_year_start": "2026", "version": network.version})
    assert response.status_code == 302
    assert "Network profile saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.rollback()
    assert (network.name, network.care_model, network.ods_code) == (
        "Riverside Primary Care Home", "primary_care_network", "U12345")


def test_a_site_admin_creates_a_network_and_invites_its_first_admin(app, client, smtp_server):
    site_admin = factories.make_user(is_site_admin=True)
    db.session.commit()
    client.post("/sign-in", data={"email": site_admin.email, "password": factories.PASSWORD})
    assert "Manage all networks" in client.get("/networks").get_data(as_text=True)
    response = client.post("/admin/networks", data={
        "name": "Northgate Primary Care Network", "slug": "northgate", "care_model": "primary_care_network",
        "ods_code": "U12345", "footprint": "", "financial_year_start": "2026",
        "admin_email": "manager@northgate.example", "admin_name": "Nadia Brooks"})
    assert response.status_code == 302
    page = client.get("/admin/networks").get_data(as_text=True)
    assert "Northgate Primary Care Network" in page and "/n/northgate/" in page
    db.session.rollback()
    network = db.session.execute(select(Network).where(Network.slug == "northgate")).scalar_one()
    [message] = smtp_server
    assert message.rcpt_tos == ["manager@northgate.example"]
    client.post("/sign-out")
    accept(client, invitation_path(message), name="Nadia Brooks")
    assert client.get("/n/northgate/admin/members").status_code == 200
    db.session.rollback()
    assert db.session.execute(select(Membership.role).where(Membership.network_id == network.id)).scalar_one() \
        == "network_admin"


def test_a_duplicate_slug_is_shown_on_the_form(client):
    factories.make_network(slug="taken")
    site_admin = factories.make_user(is_site_admin=True)
    db.session.commit()
    client.post("/sign-in", data={"email": site_admin.email, "password": factories.PASSWORD})
    response = client.post("/admin/networks", data={
        "name": "Taken", "slug": "taken", "care_model": "ics", "financial_year_start": "2026",
        "admin_email": "a@example.org"})
    assert response.status_code == 200
    assert "Another network already uses this web address name" in response.get_data(as_text=True)


def test_the_network_switcher_lists_every_active_membership(client, network):
    user = factories.make_user()
    factories.make_member(network, "board_member", user=user)
    second = factories.make_network(name="Northgate Primary Care Network")
    factories.make_member(second, "observer", user=user)
    gone = factories.make_network(name="Old Network")
    factories.make_member(gone, "observer", user=user, active=False)
    db.session.commit()
    client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    page = client.get("/networks").get_data(as_text=True)
    assert network.name in page and second.name in page and "Old Network" not in page


# --- links that stay inside the network ----------------------------------------------------------


def _other_networks_partner():
    northgate = factories.make_network(name="Northgate Primary Care Network")
    return factories.make_partner(northgate, name="Northgate Surgery")


@pytest.mark.parametrize("kind", ["another network's", "missing", "30-digit", "junk"])
def test_a_member_cannot_be_linked_to_a_partner_outside_the_network(client, network, admin, kind):
    partner_id = {"another network's": lambda: _other_networks_partner().id, "missing": lambda: 999_999,
                  "30-digit": lambda: "9" * 30, "junk": lambda: "1 OR 1=1"}[kind]()
    member = factories.make_member(network, "board_member")
    db.session.commit()
    response = client.post(f"/n/{network.slug}/admin/members/{member.id}", data={
        "role": "partner_representative", "partner_id": partner_id, "version": member.version})
    # the same answer whatever the id: nothing tells the admin which ids exist elsewhere
    assert response.status_code == 200
    assert "Select a partner organisation of this network" in response.get_data(as_text=True)
    response = client.post(f"/n/{network.slug}/admin/invitations", data={
        "email": "rep@example.org", "role": "partner_representative", "partner_id": partner_id})
    assert response.status_code == 200
    assert "Select a partner organisation of this network" in response.get_data(as_text=True)
    db.session.rollback()
    assert (member.role, member.partner_id) == ("board_member", None)
    assert db.session.execute(select(Invitation)).first() is None


def test_only_representatives_keep_a_partner_link(client, network, admin):
    partner = factories.make_partner(network)
    db.session.commit()
    response = client.post(f"/n/{network.slug}/admin/invitations", data={
        "email": "observer@example.org", "role": "observer", "partner_id": str(partner.id)})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.execute(select(Invitation.partner_id)).scalar_one() is None


def test_the_invitation_form_says_what_each_role_can_do(client, network, admin):
    page = client.get(f"/n/{network.slug}/admin/invitations").get_data(as_text=True)
    assert "What each role can do" in page
    for words in ("invites members, changes their roles", "drafts and issues MOUs",
                  "signs MOUs for that partner", "no contact details, sign-in emails or documents"):
        assert words in page
    member = factories.make_member(network, "observer")
    db.session.commit()
    assert "What each role can do" in client.get(f"/n/{network.slug}/admin/members/{member.id}").get_data(
        as_text=True)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\u202e"])
def test_a_network_name_with_a_unicode_separator_never_breaks_invitations(client, network, admin, smtp_server,
                                                                           separator):
    response = client.post(f"/n/{network.slug}/settings", data={
        "name": f"Riverside{separator}Primary Care Home", "care_model": "primary_care_home",
        "financial_year_start": "2026", "version": network.version})
    assert response.status_code == 302
    db.session.rollback()
    assert network.name in ("Riverside Primary Care Home", "RiversidePrimary Care Home")
    # a name stored before the rule existed still makes a working invitation (the outbox cleans headers)
    db.session.execute(Network.__table__.update().where(Network.id == network.id)
                       .values(name=f"River{separator}side\r\nBcc: x@evil.example"))
    db.session.commit()
    response = client.post(f"/n/{network.slug}/admin/invitations", data={
        "email": "new@example.org", "role": "observer", "partner_id": ""})
    assert response.status_code == 302
    [message] = smtp_server
    headers = message.content.decode().split("\r\n\r\n")[0]
    assert message.rcpt_tos == ["new@example.org"] and "evil" not in "".join(message.rcpt_tos)
    assert not re.search(r"^Bcc:", headers, re.M) and "Subject: You are invited to" in headers


# --- choosing a network ----------------------------------------------------------------------------


def test_signing_in_returns_to_the_network_last_used(client, network):
    user = factories.make_user()
    factories.make_member(network, "board_member", user=user)
    northgate = factories.make_network(name="Northgate Primary Care Network", slug="northgate")
    factories.make_member(northgate, "board_member", user=user)
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    page = client.get(response.headers["Location"])  # never used: the chooser
    assert page.status_code == 200 and 'href="/n/northgate/?chosen=1"' in page.get_data(as_text=True)
    assert client.get("/n/northgate/?chosen=1").status_code == 200
    assert client.get(f"/n/{network.slug}/").status_code == 200
    assert client.get("/n/northgate/partners/").status_code == 200  # Northgate is the last one used
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert client.get(response.headers["Location"]).headers["Location"] == "/n/northgate/"
    assert client.get(f"/n/{network.slug}/").status_code == 200  # a bookmark: the first page writes nothing
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert client.get(response.headers["Location"]).headers["Location"] == "/n/northgate/"
    page = client.get("/networks")  # "Switch network" still shows the chooser
    assert page.status_code == 200 and network.name in page.get_data(as_text=True)


def test_the_chooser_shows_what_awaits_the_member_in_each_network(client, network, count_queries):
    from governance.networks.services import _AWAITING, AwaitingCounter, register_awaiting

    user = factories.make_user()
    mine = factories.make_member(network, "board_member", user=user)
    other = factories.make_member(factories.make_network(name="Northgate Primary Care Network"), "observer",
                                  user=user)
    db.session.commit()
    calls = []

    def count(memberships):
        calls.append(sorted(m.id for m in memberships))
        return {mine.id: 2, other.id: 0}

    register_awaiting(AwaitingCounter("test_things", count, lambda n: f"{n} MOUs awaiting your signature"))
    try:
        client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
        page = client.get("/networks").get_data(as_text=True)
    finally:
        _AWAITING.pop("test_things")
    assert calls == [sorted([mine.id, other.id])]  # one call for all the member's networks
    northgate, riverside = page.index("Northgate Primary Care Network"), page.index(network.name)
    assert northgate < riverside  # by name
    assert "MOUs awaiting" not in page[northgate:riverside] and "Nothing is waiting" in page[northgate:riverside]
    assert "2 MOUs awaiting your signature" in page[riverside:]


def test_a_patient_sees_no_one_elses_email_or_phone_on_these_pages(client, network, login_as):
    partner = factories.make_partner(network, name="Elm Tree Surgery")
    factories.make_contact(partner, email="practice.manager@elmtree.example", phone="01632 960 123")
    rep = factories.make_member(network, "partner_representative", partner_id=partner.id,
                                user=factories.make_user(email="rep.signin@elmtree.example"))
    factories.make_invitation(network, email="invited@example.org")
    db.session.commit()
    patient = login_as("patient_panel_member")
    # this module's pages and the overview (the partner pages are the partners module's to check)
    pages = [f"/n/{network.slug}/", "/networks", "/sign-out"]
    for url in pages:
        response = client.get(url, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for secret in ("@elmtree.example", "01632 960 123", "invited@example.org", rep.user.email):
            assert secret not in page, (url, secret)
    assert patient.user.email in client.get("/sign-out").get_data(as_text=True)  # their own, on their page


# --- the overview ---------------------------------------------------------------------------------


def test_each_role_sees_the_overview_cards_meant_for_it(app, client, network, login_as):
    from governance.core import cards

    tried = []

    def load(membership):
        tried.append(membership.role)
        return {}

    for key, audience in (("t_staff", cards.STAFF), ("t_all", cards.EVERYONE)):
        cards.register(cards.DashboardCard(key=key, template="networks/_test_card.html", load=load,
                                           audience=audience))
    app.jinja_loader.loaders[0].searchpath.append(str(_card_templates()))
    try:
        login_as("patient_panel_member")
        page = client.get(f"/n/{network.slug}/").get_data(as_text=True)
        assert "Test card t_all" in page and "Test card t_staff" not in page
        assert "Registered population" not in page  # the population warning is for staff
        assert tried.count("patient_panel_member") == 1  # a card not for them is not even loaded
        client.post("/sign-out")
        login_as("board_secretary")
        page = client.get(f"/n/{network.slug}/").get_data(as_text=True)
        assert "Test card t_all" in page and "Test card t_staff" in page and "Registered population" in page
    finally:
        cards._CARDS.pop("t_staff")
        cards._CARDS.pop("t_all")


def _card_templates():
    import pathlib
    import tempfile

    folder = pathlib.Path(tempfile.mkdtemp()) / "networks"
    folder.mkdir()
    (folder / "_test_card.html").write_text("<p>Test card {{ card.key }}</p>")
    return folder.parent


def test_a_patient_panel_members_overview_is_plain_and_short(client, network, login_as):
    network.ods_code = "U12345"
    network.footprint = "The Riverside valley towns."
    db.session.commit()
    login_as("patient_panel_member")
    page = client.get(f"/n/{network.slug}/").get_data(as_text=True)
    assert "You are a member of the patient panel" in page and "The Riverside valley towns." in page
    for staff_detail in ("U12345", "ODS code", "Financial year", "Edit the network profile",
                         "Population outside the expected size"):
        assert staff_detail not in page
    client.post("/sign-out")
    login_as("board_member")
    page = client.get(f"/n/{network.slug}/").get_data(as_text=True)
    assert "U12345" in page and "Financial year" in page
