"""Tenancy: every read is scoped to the active network, writes to another network are refused,
and over HTTP another network's records answer 404 whatever the URL."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.exceptions import NotFound

from governance.auth.models import User
from governance.core import tenancy
from governance.core.db import NetworkScoped
from governance.core.permissions import POLICY, Permission, Role
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.networks.models import Invitation, Membership
from governance.partners.models import Partner
from tests import factories
from tests.core.routes import sample_url

INT_PARAM = re.compile(r"<int:(\w+)>")


@pytest.fixture
def two_networks(any_app):
    """Networks A and B, each with a partner, a representative, a board member and an invitation."""
    data = {}
    for key in ("a", "b"):
        network = factories.make_network()
        partner = factories.make_partner(network)
        rep = factories.make_member(network, Role.PARTNER_REPRESENTATIVE, partner_id=partner.id)
        member = factories.make_member(network, Role.BOARD_MEMBER)
        invitation, _ = factories.make_invitation(network)
        data[key] = {"network": network, "partner": partner, "rep": rep, "member": member,
                     "invitation": invitation}
    db.session.commit()
    ids = {key: {name: obj.id for name, obj in values.items()} for key, values in data.items()}
    db.session.expunge_all()
    yield ids
    tenancy.activate(None)


def _ids(statement):
    return set(db.session.execute(statement).scalars())


def test_selects_return_only_the_active_networks_rows(two_networks):
    a, b = two_networks["a"], two_networks["b"]
    tenancy.activate(a["network"])
    assert _ids(select(Membership.id)) == {a["rep"], a["member"]}
    assert {m.id for m in db.session.execute(select(Membership)).scalars()} == {a["rep"], a["member"]}
    assert _ids(select(Partner.id)) == {a["partner"]}
    assert _ids(select(Invitation.id)) == {a["invitation"]}
    assert db.session.execute(select(func.count(Membership.id))).scalar_one() == 2
    assert db.session.get(Membership, b["member"]) is None
    assert db.session.execute(select(Membership).where(Membership.id == b["member"])).first() is None

    tenancy.activate(b["network"])
    assert _ids(select(Membership.id)) == {b["rep"], b["member"]}


def test_joins_and_aliases_are_scoped_too(two_networks):
    a = two_networks["a"]
    tenancy.activate(a["network"])
    users = _ids(select(User.id).join(Membership, Membership.user_id == User.id))
    member_users = set(db.session.execute(select(Membership.user_id).execution_options(all_networks=True)
                                          .where(Membership.network_id == a["network"])).scalars())
    assert users == member_users
    other = aliased(Membership)
    pairs = db.session.execute(
        select(Membership.id, other.id).join(other, other.user_id != Membership.user_id)).all()
    assert {p for pair in pairs for p in pair} == {a["rep"], a["member"]}
    rows = db.session.execute(select(Partner.name, Membership.id).join(
        Membership, Membership.partner_id == Partner.id, isouter=True)).all()
    assert {row.id for row in rows} == {a["rep"]}


def test_relationship_loads_are_scoped(two_networks):
    """A link across networks is refused by the database; relationship loads are scoped too."""
    from sqlalchemy.exc import IntegrityError

    a, b = two_networks["a"], two_networks["b"]
    crossing = db.session.get(Membership, b["member"])
    crossing.partner_id = a["partner"]
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.expunge_all()

    tenancy.activate(a["network"])
    partner = db.session.get(Partner, a["partner"])
    assert {m.id for m in partner.representatives} == {a["rep"]}
    assert db.session.get(Membership, a["rep"]).partner.id == a["partner"]
    db.session.expunge_all()
    tenancy.activate(b["network"])
    assert db.session.get(Partner, a["partner"]) is None


def test_all_networks_option_and_deactivation_lift_the_scope(two_networks):
    a = two_networks["a"]
    every = {v["member"] for v in two_networks.values()} | {v["rep"] for v in two_networks.values()}
    tenancy.activate(a["network"])
    assert _ids(select(Membership.id).execution_options(all_networks=True)) == every
    tenancy.activate(None)
    assert _ids(select(Membership.id)) == every


def test_get_or_404_answers_404_for_another_networks_record_and_for_garbage(two_networks):
    a, b = two_networks["a"], two_networks["b"]
    tenancy.activate(a["network"])
    assert tenancy.get_or_404(Membership, a["member"]).id == a["member"]
    for record_id in (b["member"], "abc", None, 10**9):
        with pytest.raises(NotFound):
            tenancy.get_or_404(Membership, record_id)


def test_writing_a_row_of_another_network_is_refused(two_networks):
    a, b = two_networks["a"], two_networks["b"]
    tenancy.activate(a["network"])
    db.session.add(Partner(network_id=b["network"], name="Sneaky", kind="gp_practice"))
    with pytest.raises(PermissionError, match="not to the active network"):
        db.session.flush()
    db.session.rollback()

    other = db.session.execute(select(Partner).where(Partner.id == b["partner"])
                               .execution_options(all_networks=True)).scalar_one()
    other.name = "Renamed from the wrong network"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()

    own = db.session.get(Partner, a["partner"])
    own.network_id = b["network"]
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()

    other = db.session.execute(select(Membership).where(Membership.id == b["member"])
                               .execution_options(all_networks=True)).scalar_one()
    db.session.delete(other)
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()

    tenancy.activate(None)
    assert db.session.get(Partner, b["partner"]).name != "Renamed from the wrong network"
    assert db.session.get(Partner, a["partner"]).network_id == a["network"]
    assert db.session.get(Membership, b["member"]) is not None


def test_writing_a_row_of_the_active_network_is_allowed(two_networks):
    a = two_networks["a"]
    tenancy.activate(a["network"])
    db.session.add(Partner(network_id=a["network"], name="Allowed", kind="gp_practice"))
    db.session.get(Partner, a["partner"]).name = "Renamed"
    db.session.commit()
    assert "Allowed" in set(db.session.execute(select(Partner.name)).scalars())


def test_every_network_scoped_model_has_an_indexed_network_id(app):
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, NetworkScoped):
            column = cls.__table__.c.network_id
            assert not column.nullable and column.index, cls.__name__
            assert "networks" in {fk.column.table.name for fk in column.foreign_keys}, cls.__name__


# --- over HTTP -------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _param_models() -> dict[str, type]:
    """URL parameter name -> the network-scoped model it names (membership_id -> Membership)."""
    models = {"document_id": IssuedDocument}
    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, NetworkScoped):
            models.setdefault(f"{_snake(mapper.class_.__name__)}_id", mapper.class_)
    return models


def _model_for(param: str, models: dict[str, type]):
    if param in models:
        return models[param]
    matches = [m for name, m in models.items() if name.endswith("_" + param)]
    return matches[0] if len(matches) == 1 else None


def _role_for(permission) -> Role:
    for role in (Role.NETWORK_ADMIN, Role.PARTNER_REPRESENTATIVE, *Role):
        if permission in POLICY[role]:
            return role
    raise AssertionError(f"no role has {permission}")


def _record_routes(app):
    for rule in app.url_map.iter_rules():
        params = INT_PARAM.findall(rule.rule)
        if "network_slug" in rule.arguments and params:
            yield rule, params


def _walk_record_urls(app, client, membership, own_slug, pick_id):
    """Request every record URL of the app with ids chosen by `pick_id(model)`; return statuses.

    A parameter that names no network-scoped model (a version number, say) gets 1: the URL still
    carries at least one id of another network's record, so it must answer 404."""
    models = _param_models()
    results, uncovered = {}, []
    for rule, params in _record_routes(app):
        picked = {p: pick_id(m) for p in params if (m := _model_for(p, models)) is not None}
        values = {p: v for p, v in picked.items() if v is not None}
        if not values:
            uncovered.append(rule.rule)
            continue
        permission = app.view_functions[rule.endpoint].accord_permission
        membership.role = _role_for(permission).value
        db.session.commit()
        url = sample_url(rule, own_slug, values)
        for method in sorted(rule.methods & {"GET", "POST"}):
            results[(method, url)] = client.open(url, method=method).status_code
    return results, uncovered


def test_a_member_gets_404_for_every_record_url_of_another_network(app, client, network, login_as):
    other = factories.make_network()
    own_partner = factories.make_partner(network)
    records = {}
    for net in (network, other):
        records[net.id] = {
            Membership: factories.make_member(net, Role.BOARD_MEMBER),
            Invitation: factories.make_invitation(net)[0],
            IssuedDocument: factories.make_document(net),
            Partner: factories.make_partner(net),
        }
    db.session.commit()
    me = login_as(Role.NETWORK_ADMIN, partner_id=own_partner.id)

    def other_id(model):
        found = records[other.id].get(model)
        return found.id if found is not None else None

    results, uncovered = _walk_record_urls(app, client, me, network.slug, other_id)
    assert results and all(status == 404 for status in results.values()), results
    foundation = {"/n/<network_slug>/admin/members/<int:membership_id>",
                  "/n/<network_slug>/admin/members/<int:membership_id>/deactivate",
                  "/n/<network_slug>/admin/members/<int:membership_id>/reactivate",
                  "/n/<network_slug>/admin/invitations/<int:invitation_id>/revoke",
                  "/n/<network_slug>/documents/<int:document_id>.pdf"}
    assert foundation.isdisjoint(uncovered)

    # nothing of the other network changed through those POSTs
    theirs = records[other.id]
    db.session.expire_all()
    tenancy.activate(None)
    assert db.session.get(Membership, theirs[Membership].id).active is True
    assert db.session.get(Invitation, theirs[Invitation].id).revoked_at is None

    # the same URLs with this network's own ids are answered (the 404s above are not vacuous)
    me.role = Role.NETWORK_ADMIN.value
    db.session.commit()
    own = records[network.id]
    assert client.get(f"/n/{network.slug}/admin/members/{own[Membership].id}").status_code == 200
    assert client.get(f"/n/{network.slug}/documents/{own[IssuedDocument].id}.pdf").status_code == 200


@pytest.mark.demo
def test_record_urls_of_every_module_answer_404_across_networks(app, client):
    """The demo data of every module: a member of a third network asks for each record by id."""
    seeded = factories.demo_records()
    third = factories.make_network()
    partner = factories.make_partner(third)
    me = factories.make_member(third, Role.NETWORK_ADMIN, partner_id=partner.id)
    db.session.commit()
    client.post("/sign-in", data={"email": me.user.email, "password": factories.PASSWORD})
    foreign = {seeded.riverside.id, seeded.northgate.id}

    def foreign_id(model):
        return db.session.execute(select(model.id).where(model.network_id.in_(foreign))
                                  .execution_options(all_networks=True).limit(1)).scalar()

    results, _ = _walk_record_urls(app, client, me, third.slug, foreign_id)
    assert results
    leaks = {key: status for key, status in results.items() if status != 404}
    assert not leaks, f"another network's records answered: {leaks}"


def test_a_non_member_gets_404_for_every_url_of_another_network(app, client, network, login_as):
    other = factories.make_network()
    factories.make_member(other, Role.NETWORK_ADMIN)
    db.session.commit()
    login_as(Role.NETWORK_ADMIN)
    statuses = {}
    for rule in app.url_map.iter_rules():
        if "network_slug" not in rule.arguments:
            continue
        url = sample_url(rule, other.slug)
        for method in sorted(rule.methods & {"GET", "POST"}):
            statuses[(method, url)] = client.open(url, method=method).status_code
    assert statuses and set(statuses.values()) == {404}, statuses
    assert client.get("/n/no-such-network/").status_code == 404


def test_a_deactivated_member_and_a_site_admin_outside_the_network_get_404(app, client, network, login_as):
    membership = login_as(Role.NETWORK_ADMIN)
    assert client.get(f"/n/{network.slug}/").status_code == 200
    membership.active = False
    db.session.commit()
    assert client.get(f"/n/{network.slug}/").status_code == 404
    assert client.get(f"/n/{network.slug}/admin/members").status_code == 404

    site_admin = factories.make_user(is_site_admin=True)
    db.session.commit()
    other_client = app.test_client()
    other_client.post("/sign-in", data={"email": site_admin.email, "password": factories.PASSWORD})
    assert other_client.get(f"/n/{network.slug}/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_for_network_urls(client, network):
    response = client.get(f"/n/{network.slug}/admin/members")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert client.get("/n/no-such-network/").status_code == 302  # nothing revealed before sign-in


def test_a_permission_check_precedes_nothing_outside_the_network(app):
    """Sanity: every network route declares an in-network permission, never a public one."""
    for rule in app.url_map.iter_rules():
        if "network_slug" in rule.arguments:
            permission = app.view_functions[rule.endpoint].accord_permission
            assert permission not in {Permission.PUBLIC, Permission.SIGNED_IN, Permission.SITE_ADMIN}, rule


def test_ids_beyond_an_integer_key_are_not_found_on_either_database(any_app):
    network = factories.make_network()
    tenancy.activate(network.id)
    for record_id in (2**31, 3_000_000_000, 2**63):
        with pytest.raises(NotFound):
            tenancy.get_or_404(Membership, record_id)
    tenancy.activate(None)
