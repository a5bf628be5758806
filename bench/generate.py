"""The large-data generator for benchmarks: one network with many records of every kind."""

from werkzeug.security import generate_password_hash

from governance.auth.models import User
from governance.core import tenancy
from governance.core.permissions import Role
from governance.extensions import db
from governance.networks.models import Membership, Network
from governance.partners.models import Partner, PartnerKind

PASSWORD = "bench-password-123"
SLUG = "bench"
PAGES = [
    f"/n/{SLUG}/admin/members",
    f"/n/{SLUG}/admin/members?page=20",
    f"/n/{SLUG}/audit",
    f"/n/{SLUG}/audit?page=50",
    f"/n/{SLUG}/documents/",
    f"/n/{SLUG}/partners/",
    f"/n/{SLUG}/partners/?page=40",
    f"/n/{SLUG}/mous/",
]


def generate(members: int, partners: int) -> tuple[str, str]:
    """Create the bench network; returns the admin's email and password."""
    network = Network(name="Bench Network", slug=SLUG, care_model="mcp", financial_year_start=2026)
    db.session.add(network)
    db.session.flush()
    tenancy.activate(network.id)
    password_hash = generate_password_hash(PASSWORD)
    kinds = list(PartnerKind)
    db.session.add_all(
        Partner(network_id=network.id, name=f"Partner {i:05d}", kind=kinds[i % len(kinds)].value,
                ods_code=f"B{i:05d}") for i in range(partners))
    db.session.flush()
    admin = User(email="admin@bench.example", full_name="Bench Admin", password_hash=password_hash)
    db.session.add(admin)
    db.session.flush()
    db.session.add(Membership(network_id=network.id, user_id=admin.id, role=Role.NETWORK_ADMIN.value))
    roles = [r.value for r in Role if r != Role.PARTNER_REPRESENTATIVE]
    for i in range(members):
        user = User(email=f"member{i}@bench.example", full_name=f"Member {i:05d}", password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(network_id=network.id, user_id=user.id, role=roles[i % len(roles)]))
    db.session.commit()
    tenancy.activate(None)
    return admin.email, PASSWORD
