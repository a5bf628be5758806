"""Two people at once, on SQLite and PostgreSQL: real threads behind a barrier, then the final state.

Each race used to leave an impossible record (issue 8): every party signed but never executed,
a party that both signed and declined, a signature on a version already superseded, two
versions from one double click. Answers and issues now serialise on their MOU, and the database
keeps one answer per party and version.
"""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from governance.core import tenancy
from governance.core.errors import ServiceError
from governance.core.outbox import OutboxMessage
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.mous import services, signing
from governance.mous.models import Mou, MouAnswer, MouDecline, MouSignature, MouStatus, MouVersion
from governance.networks.models import Membership, Network
from tests import factories
from tests.mous.conftest import png

pytestmark = pytest.mark.postgres


@pytest.fixture
def riverside(any_app):
    network = factories.make_network(slug="races")
    tenancy.activate(network.id)
    yield network
    tenancy.activate(None)


def together(app, network_id: int, *actions):
    """Run each action in its own thread, request and database session, all released at once.

    Returns what each returned, or the exception it raised (its transaction rolled back).
    """
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        with app.app_context():
            tenancy.activate(network_id)
            try:
                prepared = action()  # loads what the request would, then waits for the others
                barrier.wait(timeout=30)
                outcomes[index] = prepared()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
                db.session.rollback()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.expire_all()
    return outcomes


def _signing(network_id: int, mou_id: int, membership_id: int, number: int = 1):
    """A request signing version `number` as this member: load, then (when released) sign."""
    def prepare():
        network, membership = db.session.get(Network, network_id), db.session.get(Membership, membership_id)
        version = services.get_version(db.session.get(Mou, mou_id), number)
        signing.check_can_answer(version, membership)  # the sign page was shown: the checks passed
        return lambda: signing.sign_mou_version(
            network, version, membership, full_name=membership.user.full_name, job_title="Director",
            confirmed=True, password=factories.PASSWORD, ip_address="203.0.113.9", user_agent="race")
    return prepare


def _declining(mou_id: int, membership_id: int):
    def prepare():
        membership = db.session.get(Membership, membership_id)
        version = services.get_version(db.session.get(Mou, mou_id), 1)
        signing.check_can_answer(version, membership)
        return lambda: signing.decline_mou_version(version, membership, "Not agreed", ip_address="203.0.113.9",
                                                   user_agent="race")
    return prepare


def _issuing(network_id: int, mou_id: int, actor_id: int):
    def prepare():
        network, mou = db.session.get(Network, network_id), db.session.get(Mou, mou_id)
        fingerprint = services.draft_fingerprint(mou)  # the issue page was shown
        actor = db.session.get(Membership, actor_id).user
        return lambda: services.issue_version(network, mou, actor, "203.0.113.9", expected_fingerprint=fingerprint)
    return prepare


def _count(model, **where) -> int:
    query = select(func.count(model.id))
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.execute(query).scalar_one()


def test_the_last_two_parties_signing_at_once_execute_the_mou(any_app, riverside):
    """Three parties, the third signed on paper; the other two sign at the same moment."""
    parties = [factories.make_partner(riverside, name=f"Party {n}") for n in range(3)]
    first, second = (factories.make_signatory(riverside, partner) for partner in parties[:2])
    secretary = factories.make_member(riverside, "board_secretary")
    mou = factories.make_mou(riverside, parties, issued=True, actor=secretary.user)
    signing.record_wet_ink_signature(
        riverside, services.get_version(mou, 1), partner_id=parties[2].id, signatory_name="Jo Bloggs",
        signatory_title="Director", signed_on=date(2026, 11, 23), upload=FileStorage(
            __import__("io").BytesIO(png()), filename="signed.png"), actor=secretary.user,
        ip_address="10.0.0.1", user_agent="pytest")
    db.session.commit()

    outcomes = together(any_app, riverside.id, _signing(riverside.id, mou.id, first.id),
                        _signing(riverside.id, mou.id, second.id))

    assert all(isinstance(o, MouSignature) for o in outcomes), outcomes
    mou = db.session.get(Mou, mou.id)
    version = services.get_version(mou, 1)
    assert len(version.signatures) == 3 and version.is_executed
    assert (mou.status, mou.in_force_number) == (MouStatus.EXECUTED, 1)
    assert _count(IssuedDocument, kind="mou_executed") == 1
    assert _count(OutboxMessage, template="mou_executed") >= 3  # two signatories and the secretary


def test_signing_and_declining_at_once_leave_one_answer(any_app, riverside):
    parties = [factories.make_partner(riverside, name=f"Party {n}") for n in range(2)]
    member = factories.make_signatory(riverside, parties[0])
    mou = factories.make_mou(riverside, parties, issued=True)
    db.session.commit()

    outcomes = together(any_app, riverside.id, _signing(riverside.id, mou.id, member.id),
                        _declining(mou.id, member.id))

    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1 and ("already signed" in refused[0].message or "declined" in refused[0].message)
    version = services.get_version(db.session.get(Mou, mou.id), 1)
    assert _count(MouSignature, version_id=version.id) + _count(MouDecline, version_id=version.id) == 1
    assert _count(MouAnswer, version_id=version.id, partner_id=parties[0].id) == 1


def test_a_signature_never_lands_on_a_version_issued_over(any_app, riverside):
    """A new version is issued while a party signs the current one: the signature is made before the
    new version, or refused as on a superseded version; never stored on version 1 after version 2."""
    parties = [factories.make_partner(riverside, name=f"Party {n}") for n in range(2)]
    member = factories.make_signatory(riverside, parties[0])
    secretary = factories.make_member(riverside, "board_secretary")
    mou = factories.make_mou(riverside, parties, issued=True, actor=secretary.user)
    services.add_clause(mou, "Safeguarding", "Each partner follows its own policy.")
    db.session.commit()

    signed, issued = together(any_app, riverside.id, _signing(riverside.id, mou.id, member.id),
                              _issuing(riverside.id, mou.id, secretary.id))

    assert isinstance(issued, MouVersion), issued
    mou = db.session.get(Mou, mou.id)
    first, second = services.get_version(mou, 1), services.get_version(mou, 2)
    assert mou.issued_count == 2 and second.signatures == []
    if isinstance(signed, ServiceError):
        assert "superseded by version 2" in signed.message and first.signatures == []
    else:
        [signature] = first.signatures
        assert signature.signed_at <= second.issued_at
    assert first.status == MouStatus.SUPERSEDED and mou.status == MouStatus.OUT_FOR_SIGNATURE


def test_issuing_twice_at_once_makes_one_version(any_app, riverside):
    parties = [factories.make_partner(riverside, name=f"Party {n}") for n in range(2)]
    secretary = factories.make_member(riverside, "board_secretary")
    mou = factories.make_mou(riverside, parties, actor=secretary.user)
    db.session.commit()

    outcomes = together(any_app, riverside.id, _issuing(riverside.id, mou.id, secretary.id),
                        _issuing(riverside.id, mou.id, secretary.id))

    assert sum(isinstance(o, MouVersion) for o in outcomes) == 1, outcomes
    [refusal] = [o for o in outcomes if isinstance(o, ServiceError)]
    assert "Nothing has changed since version 1" in refusal.message
    assert _count(MouVersion, mou_id=mou.id) == 1 and db.session.get(Mou, mou.id).issued_count == 1


def test_the_database_itself_keeps_one_answer_per_party_and_version(any_app, riverside):
    """Whatever writes to it: a second answer, or a signature without its answer, is refused."""
    parties = [factories.make_partner(riverside, name=f"Party {n}") for n in range(2)]
    mou = factories.make_mou(riverside, parties, issued=True)
    version = services.get_version(mou, 1)
    db.session.add(MouAnswer(network_id=riverside.id, version_id=version.id, partner_id=parties[0].id,
                             kind="signature"))
    db.session.commit()
    for kind in ("decline", "signature"):
        db.session.add(MouAnswer(network_id=riverside.id, version_id=version.id, partner_id=parties[0].id,
                                 kind=kind))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    decline = MouDecline(network_id=riverside.id, version_id=version.id, partner_id=parties[0].id,
                         user_id=factories.make_user().id, reason="No", ip_address="", version_hash="x",
                         record_hash="x")  # party 0's answer is a signature: this decline has none
    db.session.add(decline)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
