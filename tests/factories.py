"""Plain factory functions: each makes one record with sensible defaults and flushes."""

import itertools

from werkzeug.security import generate_password_hash

from governance.auth.models import User
from governance.core.permissions import Role
from governance.extensions import db
from governance.networks.models import Membership, Network
from governance.partners.models import Partner, PartnerKind

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
_seq = itertools.count(1)


def make_network(**kw) -> Network:
    n = next(_seq)
    values = {"name": f"Test Network {n}", "slug": f"test-network-{n}",
              "care_model": "primary_care_home", "financial_year_start": 2026, "footprint": ""}
    values.update(kw)
    network = Network(**values)
    db.session.add(network)
    db.session.flush()
    return network


def make_user(**kw) -> User:
    n = next(_seq)
    values = {"email": f"user{n}@example.org", "full_name": f"Test User {n}",
              "password_hash": _PASSWORD_HASH}
    values.update(kw)
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    return user


def make_partner(network: Network, **kw) -> Partner:
    n = next(_seq)
    values = {"network_id": network.id, "name": f"Partner {n}", "kind": PartnerKind.GP_PRACTICE.value,
              "ods_code": f"A{80000 + n}"}
    values.update(kw)
    partner = Partner(**values)
    db.session.add(partner)
    db.session.flush()
    return partner


def make_member(network: Network, role: Role | str = Role.BOARD_MEMBER, user: User | None = None,
                **kw) -> Membership:
    role = Role(role)
    if role == Role.PARTNER_REPRESENTATIVE and "partner_id" not in kw:
        kw["partner_id"] = make_partner(network).id
    membership = Membership(network_id=network.id, user_id=(user or make_user()).id, role=role.value, **kw)
    db.session.add(membership)
    db.session.flush()
    return membership
