"""The large-data generator for benchmarks: one network with many records of every kind."""

from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from governance.auth.models import User
from governance.core import audit, tenancy
from governance.core.permissions import Role
from governance.extensions import db
from governance.mous import services as mou_services
from governance.mous import signing
from governance.mous.models import MouVersion
from governance.networks.models import Membership, Network
from governance.partners.models import ListSize, Partner, PartnerKind, PartnerStatusChange

PASSWORD = "bench-password-123"
SLUG = "bench"
MOUS = 300
MOU_PARTNER_POOL = 240  # MOU parties come from the first partners; each of these has one authorised signatory
BUSY_MOU_ID = 1  # the first MOU made in the fresh bench database: four parties, three signed
PARTNER_PAGES = [  # the partner pages whose cost could grow with the data (see the ratio in bench/run.py)
    f"/n/{SLUG}/",
    f"/n/{SLUG}/partners/population",
    f"/n/{SLUG}/partners/population?page=4",
    f"/n/{SLUG}/partners/population/history",
    f"/n/{SLUG}/partners/?q=partner&status=active",
    f"/n/{SLUG}/partners/{BUSY_MOU_ID}",
    f"/n/{SLUG}/partners/membership-schedule",  # sums up the whole schedule, so it reads every partner
]
PAGES = [
    f"/n/{SLUG}/admin/members",
    f"/n/{SLUG}/admin/members?page=20",
    f"/n/{SLUG}/audit",
    f"/n/{SLUG}/audit?page=50",
    f"/n/{SLUG}/documents/",
    f"/n/{SLUG}/partners/",
    f"/n/{SLUG}/partners/?page=40",
    f"/n/{SLUG}/mous/",
    f"/n/{SLUG}/mous/?page=10",
    f"/n/{SLUG}/mous/reminders",
    f"/n/{SLUG}/mous/{BUSY_MOU_ID}",
    f"/n/{SLUG}/mous/{BUSY_MOU_ID}/versions/1",
    *PARTNER_PAGES,
]


def generate(members: int, partners: int, mous: int = MOUS) -> tuple[str, str]:
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
    _partner_histories(network)
    admin = User(email="admin@bench.example", full_name="Bench Admin", password_hash=password_hash)
    db.session.add(admin)
    db.session.flush()
    db.session.add(Membership(network_id=network.id, user_id=admin.id, role=Role.NETWORK_ADMIN.value))
    pool = list(db.session.execute(select(Partner.id).order_by(Partner.id).limit(MOU_PARTNER_POOL)).scalars())
    # Versions are issued before any signatory exists, so issuing sends no email.
    issued = _mous(network, admin, pool, mous) if len(pool) >= 4 else []
    signatories = _members(network, members, password_hash, pool)
    # Signing records each password check in its own transaction (a failed attempt must survive a
    # rollback): on SQLite that waits for ours, so what is written so far is committed first.
    db.session.commit()
    _answer(network, issued, signatories)
    audit.set_actor(db.session, None)
    db.session.commit()
    tenancy.activate(None)
    return admin.email, PASSWORD


def _members(network: Network, members: int, password_hash: str, pool: list[int]) -> dict[int, Membership]:
    """The members; the first ones are the authorised signatories of the MOU partners, one each."""
    # Signing checks the password each time: a cheap hash keeps hundreds of signatures fast to generate.
    signatory_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    roles = [r.value for r in Role if r != Role.PARTNER_REPRESENTATIVE]
    signatories = {}
    for i in range(members):
        partner_id = pool[i] if i < len(pool) else None
        user = User(email=f"member{i}@bench.example", full_name=f"Member {i:05d}",
                    password_hash=signatory_hash if partner_id else password_hash)
        db.session.add(user)
        db.session.flush()
        membership = Membership(network_id=network.id, user_id=user.id, role=roles[i % len(roles)])
        if partner_id:
            membership.role, membership.partner_id = Role.PARTNER_REPRESENTATIVE.value, partner_id
            membership.is_authorised_signatory, membership.job_title = True, "Chief executive"
            signatories[partner_id] = membership
        db.session.add(membership)
    db.session.flush()
    return signatories


def _partner_histories(network: Network) -> None:
    """Every partner active from April 2025 (one in 13 left in January 2026); each GP practice has a list
    size every six months, and one in 7 a correction of its latest."""
    partners = db.session.execute(select(Partner.id, Partner.kind).order_by(Partner.id)).all()
    when = datetime(2026, 1, 1, tzinfo=UTC)
    statuses, sizes = [], []
    for n, (partner_id, kind) in enumerate(partners):
        common = {"network_id": network.id, "partner_id": partner_id, "recorded_at": when, "revision": 1}
        statuses.append({**common, "status": "active", "effective_on": date(2025, 4, 1),
                         "decision_reference": "", "note": ""})
        if n % 13 == 0:
            statuses.append({**common, "status": "left", "effective_on": date(2026, 1, 1), "decision_reference": "",
                             "note": ""})
        if kind != PartnerKind.GP_PRACTICE:
            continue
        for k, as_of in enumerate((date(2025, 4, 1), date(2025, 10, 1), date(2026, 4, 1))):
            sizes.append({**common, "patients": 4_000 + n + 10 * k, "as_of": as_of, "source": "imported"})
        if n % 7 == 0:
            sizes.append({**common, "patients": 4_001 + n, "as_of": date(2026, 4, 1), "revision": 2,
                          "source": "entered"})
    db.session.execute(insert(PartnerStatusChange), statuses)
    if sizes:
        db.session.execute(insert(ListSize), sizes)


def _mous(network: Network, admin: User, pool: list[int], how_many: int = MOUS) -> list[MouVersion]:
    """MOU drafts of two to four parties through the MOU services; every other one issued for signature."""
    audit.set_actor(db.session, admin.id)
    issued = []
    for i in range(how_many):
        start = (i * 7) % len(pool)
        parties = [pool[(start + k * 61) % len(pool)] for k in range(2 + (i + 2) % 3)]
        mou = mou_services.create_mou(network, {
            "title": f"Bench MOU {i:03d}: shared service {i % 17}", "parties": parties,
            "purpose": "Partners share staff, information and the budget of one service.",
            "start_date": date(2026, 1 + i % 12, 1), "end_date": date(2028, 1 + i % 12, 1),
            "end_date_kind": "review" if i % 5 == 0 else "end"}, admin)
        if i == 0:
            assert mou.id == BUSY_MOU_ID, "the bench needs a fresh database"
        if i % 2 == 0:
            issued.append(mou_services.issue_version(network, mou, admin, "192.0.2.10"))
    return issued


def _answer(network: Network, versions: list[MouVersion], signatories: dict[int, Membership]) -> None:
    """A third of the issued versions signed by all but one party, a third signed once and declined once."""
    for n, version in enumerate(versions):
        parties = [p.partner_id for p in version.parties if p.partner_id in signatories]
        if n % 3 == 2 or len(parties) < 2:
            continue
        signers, decliner = (parties[:-1], None) if n % 3 == 0 else (parties[:1], parties[1])
        for partner_id in signers:
            _sign(network, version, signatories[partner_id])
        if decliner:
            membership = signatories[decliner]
            audit.set_actor(db.session, membership.user_id)
            signing.decline_mou_version(version, membership, "Our board has not yet agreed the finance clause.",
                                        ip_address="192.0.2.30", user_agent="Accord bench")
            db.session.commit()


def _sign(network: Network, version: MouVersion, membership: Membership) -> None:
    audit.set_actor(db.session, membership.user_id)
    signing.sign_mou_version(network, version, membership, full_name=membership.user.full_name,
                             job_title=membership.job_title, confirmed=True, password=PASSWORD,
                             ip_address="192.0.2.20", user_agent="Accord bench")
    db.session.commit()  # see generate(): the next password check writes in its own transaction
