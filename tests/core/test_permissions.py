"""Permissions: every endpoint declares one, undeclared means 403, and the role policy holds per route."""

import pytest

from governance.core.permissions import OUTSIDE_NETWORK, POLICY, Permission, Role, requires, role_can
from governance.extensions import db
from tests import factories
from tests.core.routes import sample_url

ROLES = list(Role)
ADMIN, SECRETARY, BOARD, REP, PATIENT, OBSERVER = (
    Role.NETWORK_ADMIN, Role.BOARD_SECRETARY, Role.BOARD_MEMBER, Role.PARTNER_REPRESENTATIVE,
    Role.PATIENT_PANEL_MEMBER, Role.OBSERVER)

# The foundation's pages and who may open them, written out by hand (not derived from POLICY).
EXPECTED = {
    "/": set(ROLES),
    "/settings": {ADMIN},
    "/admin/members": {ADMIN},
    "/admin/invitations": {ADMIN},
    "/audit": {ADMIN, SECRETARY},
    "/documents/": {ADMIN, SECRETARY, BOARD, REP, OBSERVER},
}


def sign_in(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def clients_by_role(app, network):
    """A signed-in test client for a member of `network` in each role."""
    members = {role: factories.make_member(network, role) for role in ROLES}
    db.session.commit()
    return {role: sign_in(app, m.user) for role, m in members.items()}


def test_every_endpoint_declares_a_permission(app):
    missing = [endpoint for endpoint, view in app.view_functions.items()
               if endpoint != "static" and not endpoint.endswith(".static")
               and not isinstance(getattr(view, "accord_permission", None), Permission)]
    assert not missing, f"endpoints without @requires(...): {missing}"


def test_an_endpoint_without_a_permission_is_refused_for_everyone(app, client, network, login_as):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    app.add_url_rule("/n/<network_slug>/undeclared", "network_undeclared", lambda: "secret")
    app.add_url_rule("/declared", "declared", requires(Permission.PUBLIC)(lambda: "open"))
    assert client.get("/declared").data == b"open"

    response = client.get("/undeclared")
    assert response.status_code == 403
    assert b"secret" not in response.data
    assert b"You do not have permission" in response.data

    login_as(Role.NETWORK_ADMIN)
    assert client.get("/undeclared").status_code == 403
    assert client.get(f"/n/{network.slug}/undeclared").status_code == 403


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_role_policy_for_each_foundation_page(clients_by_role, network, path):
    for role, client in clients_by_role.items():
        status = client.get(f"/n/{network.slug}{path}").status_code
        expected = 200 if role in EXPECTED[path] else 403
        assert status == expected, f"{role} on {path}: {status}, expected {expected}"


def test_role_policy_for_member_record_pages_and_actions(app, clients_by_role, network):
    target = factories.make_member(network, BOARD)
    invitation, _ = factories.make_invitation(network)
    db.session.commit()
    base = f"/n/{network.slug}/admin"
    for role, client in clients_by_role.items():
        if role == ADMIN:
            continue
        assert client.get(f"{base}/members/{target.id}").status_code == 403
        assert client.post(f"{base}/members/{target.id}", data={"role": "network_admin",
                                                                "version": target.version}).status_code == 403
        assert client.post(f"{base}/members/{target.id}/deactivate").status_code == 403
        assert client.post(f"{base}/invitations", data={"email": "x@example.org",
                                                        "role": "network_admin"}).status_code == 403
        assert client.post(f"{base}/invitations/{invitation.id}/revoke").status_code == 403
        assert client.post(f"/n/{network.slug}/settings", data={"name": "Hijacked"}).status_code == 403
    db.session.expire_all()
    assert target.role == BOARD and target.active
    assert invitation.revoked_at is None
    assert network.name != "Hijacked"


def test_every_network_page_answers_as_the_policy_says(app, clients_by_role, network):
    """All modules' parameterless network pages: 403 exactly when the role lacks the permission."""
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.arguments != {"network_slug"} or "GET" not in rule.methods:
            continue
        permission = app.view_functions[rule.endpoint].accord_permission
        url = rule.rule.replace("<network_slug>", network.slug)
        for role, client in clients_by_role.items():
            status = client.get(url).status_code
            assert (status == 403) != role_can(role, permission), f"{role} on {url}: {status}"
            assert status < 500
            checked += 1
    assert checked >= len(EXPECTED) * len(ROLES)


def test_policy_in_words():
    only = {p: {r for r in ROLES if p in POLICY[r]} for p in Permission if p not in OUTSIDE_NETWORK}
    assert only[Permission.MEMBERS_MANAGE] == {ADMIN}
    assert only[Permission.NETWORK_EDIT] == {ADMIN}
    assert only[Permission.AUDIT_VIEW] == {ADMIN, SECRETARY}
    assert only[Permission.DOCUMENTS_VIEW] == set(ROLES) - {PATIENT}
    assert only[Permission.NETWORK_VIEW] == set(ROLES)
    assert PATIENT not in only[Permission.DOCUMENTS_ISSUE]
    assert not role_can(None, Permission.NETWORK_VIEW)


def test_site_admin_pages_are_only_for_site_admins(app, network):
    admin_of_network = factories.make_member(network, ADMIN)
    site_admin = factories.make_user(is_site_admin=True)
    db.session.commit()
    assert sign_in(app, admin_of_network.user).get("/admin/networks").status_code == 403
    assert sign_in(app, site_admin).get("/admin/networks").status_code == 200
    assert app.test_client().get("/admin/networks").status_code == 302


def test_signed_out_visitors_are_redirected_to_sign_in_from_every_page(app, network):
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        permission = app.view_functions[rule.endpoint].__dict__.get("accord_permission")
        if rule.endpoint == "static" or permission == Permission.PUBLIC or "GET" not in rule.methods:
            continue
        url = sample_url(rule, network.slug)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in?next="), url
        checked += 1
    assert checked >= 8
    response = client.get(f"/n/{network.slug}/audit?page=2")
    assert response.headers["Location"] == f"/sign-in?next=/n/{network.slug}/audit?page%3D2"


def test_the_menu_shows_only_what_the_role_may_open(clients_by_role, network):
    patient = clients_by_role[PATIENT].get(f"/n/{network.slug}/").get_data(as_text=True)
    admin = clients_by_role[ADMIN].get(f"/n/{network.slug}/").get_data(as_text=True)
    for path in ("/documents/", "/admin/members", "/audit"):
        assert f"/n/{network.slug}{path}" in admin
        assert f"/n/{network.slug}{path}" not in patient
