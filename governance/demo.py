"""The demo networks: Riverside Primary Care Home and Northgate Primary Care Network.

Each module adds its own demo records through a `seed(demo)` function in its `demo` module;
they run in the order of DEMO_MODULES and share the `Demo` context built here.
"""

import importlib
from dataclasses import dataclass, field

from sqlalchemy import select

from governance.auth import services as auth_services
from governance.auth.models import User
from governance.core import audit, ledger, tenancy
from governance.core.permissions import Role
from governance.extensions import db
from governance.networks import services as network_services
from governance.networks.models import CareModel, Network
from governance.partners.models import Partner, PartnerKind

DEMO_MODULES = ["governance.partners.demo", "governance.mous.demo", "governance.meetings.demo",
                "governance.declarations.demo", "governance.decisions.demo", "governance.minutes.demo",
                "governance.accountability.demo", "governance.engagement.demo"]

RIVERSIDE_ACCOUNTS = [
    ("admin@riverside.example", "Amara Okafor", Role.NETWORK_ADMIN, None, "Network manager"),
    ("secretary@riverside.example", "Sam Whitfield", Role.BOARD_SECRETARY, None, "Board secretary"),
    ("chair@riverside.example", "Dr Priya Raman", Role.BOARD_MEMBER, None, "Clinical director and chair"),
    ("gp@riverside.example", "Dr Tom Hale", Role.BOARD_MEMBER, None, "GP partner"),
    ("signatory@riverside.example", "Dr Helen Marsh", Role.PARTNER_REPRESENTATIVE, "practice",
     "Senior partner"),
    ("trust.signatory@riverside.example", "Mark Ellison", Role.PARTNER_REPRESENTATIVE, "trust",
     "Director of community services"),
    ("patient@riverside.example", "Joan Pritchard", Role.PATIENT_PANEL_MEMBER, None, "Patient panel member"),
    ("observer@riverside.example", "Olu Adeyemi", Role.OBSERVER, None, "ICB observer"),
]
NORTHGATE_ACCOUNTS = [
    ("admin@northgate.example", "Rebecca Lawson", Role.NETWORK_ADMIN, None, "PCN business manager"),
    ("secretary@northgate.example", "Nadia Brooks", Role.BOARD_SECRETARY, None, "PCN manager"),
    # a member of both networks, so switching networks can be tried
    ("gp@riverside.example", "Dr Tom Hale", Role.BOARD_MEMBER, None, "GP partner (Northgate board)"),
]
# Added once the partners module has seeded Northgate's partners (the signatory acts for one).
NORTHGATE_SIGNATORIES = [
    ("signatory@northgate.example", "Dr Omar Farouk", Role.PARTNER_REPRESENTATIVE, "northgate_surgery",
     "Clinical director"),
]


@dataclass
class Demo:
    riverside: Network
    northgate: Network
    users: dict[str, User] = field(default_factory=dict)
    partners: dict[str, Partner] = field(default_factory=dict)
    password: str = ""


def is_empty() -> bool:
    return db.session.execute(select(Network.id).limit(1)).first() is None


def _add_accounts(demo: Demo, network: Network, accounts) -> None:
    for email, name, role, partner_key, job_title in accounts:
        user = demo.users.get(email) or auth_services.create_user(email, name, demo.password)
        demo.users[email] = user
        partner = demo.partners.get(partner_key) if partner_key else None
        network_services.add_member(network, user, role.value, job_title=job_title,
                                    partner_id=partner.id if partner else None,
                                    is_authorised_signatory=partner is not None)


def _foundation_partners(demo: Demo) -> None:
    tenancy.activate(demo.riverside.id)
    demo.partners["practice"] = Partner(
        network_id=demo.riverside.id, name="Riverside Medical Centre", kind=PartnerKind.GP_PRACTICE,
        ods_code="A81001", address="1 Quay Street, Riverside RV1 2AB")
    demo.partners["trust"] = Partner(
        network_id=demo.riverside.id, name="Riverside Community Health NHS Trust",
        kind=PartnerKind.COMMUNITY_TRUST, ods_code="RYX", address="Riverside House, RV1 4CD")
    db.session.add_all(demo.partners.values())
    db.session.flush()


def seed_demo(password: str) -> Demo | None:
    """Create the demo networks, accounts and each module's demo records; None if not empty."""
    if not is_empty():
        return None
    audit.set_actor(db.session, None)
    riverside = network_services.create_network(
        "Riverside Primary Care Home", CareModel.PRIMARY_CARE_HOME, slug="riverside",
        footprint="Five GP practices and their community, mental health, social care and voluntary "
                  "partners serving the Riverside valley towns.")
    northgate = network_services.create_network(
        "Northgate Primary Care Network", CareModel.PRIMARY_CARE_NETWORK, slug="northgate",
        ods_code="U12345", footprint="Northgate and Millbrook practices.")
    demo = Demo(riverside=riverside, northgate=northgate, password=password)
    _foundation_partners(demo)
    _add_accounts(demo, riverside, RIVERSIDE_ACCOUNTS)
    tenancy.activate(northgate.id)
    _add_accounts(demo, northgate, NORTHGATE_ACCOUNTS)
    for name in DEMO_MODULES:
        tenancy.activate(None)
        importlib.import_module(name).seed(demo)
    tenancy.activate(northgate.id)
    _add_accounts(demo, northgate, NORTHGATE_SIGNATORIES)
    tenancy.activate(None)
    ledger.check_all()  # as the worker's hourly check would: the decision log shows the record verified
    return demo


DEMO_ACCOUNTS = [(email, role.label, "Riverside Primary Care Home")
                 for email, _, role, _, _ in RIVERSIDE_ACCOUNTS] + [
    (email, role.label, "Northgate Primary Care Network")
    for email, _, role, _, _ in NORTHGATE_ACCOUNTS + NORTHGATE_SIGNATORIES]
