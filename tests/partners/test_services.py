"""Business rules of partners: the registered population, its thresholds and shares, histories, CSV."""

import io
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from governance.core import clock, tenancy
from governance.core.audit import AuditEntry
from governance.core.errors import EditConflict, ImmutableRecordError, InputErrors, ServiceError
from governance.documents.models import IssuedDocument
from governance.documents.services import load_with_pdf
from governance.extensions import db
from governance.partners import exports, imports, population, schedule, services
from governance.partners.models import ListSize, MembershipStatus, Partner, PartnerContact, PartnerStatusChange
from tests import factories

D = date


@pytest.fixture
def scoped(network):
    """The test network made the active one, as a request for it would."""
    tenancy.activate(network.id)
    yield network
    tenancy.activate(None)


def partner_data(**kw) -> dict:
    data = {"name": "Oak Lane Surgery", "kind": "gp_practice", "ods_code": "a81010", "address": "1 Oak Lane",
            "website": "www.oaklane.example", "notes": "", "status": "active", "status_from": D(2025, 4, 1),
            "list_size": 6_000, "list_size_as_of": D(2025, 4, 1)}
    data.update(kw)
    return data


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


# The care model's expected size ---------------------------------------------------------------

@pytest.mark.parametrize(("population_", "care_model", "warning"), [
    (27_400, "primary_care_home",
     "Registered population 27,400 is below the 30,000 expected for a primary care home."),
    (29_999, "primary_care_home",
     "Registered population 29,999 is below the 30,000 expected for a primary care home."),
    (30_000, "primary_care_home", None),
    (50_000, "primary_care_home", None),
    (50_001, "primary_care_home",
     "Registered population 50,001 is above the 50,000 expected for a primary care home."),
    (29_999, "primary_care_network",
     "Registered population 29,999 is below the 30,000 expected for a primary care network."),
    (30_000, "primary_care_network", None),
    (50_000, "primary_care_network", None),
    (50_001, "primary_care_network",
     "Registered population 50,001 is above the 50,000 expected for a primary care network."),
    (59_999, "local_care_network", "Registered population 59,999 is below the population of about 75,000 "
                                   "expected for a local care network."),
    (60_000, "local_care_network", None),
    (75_000, "local_care_network", None),
    (90_000, "local_care_network", None),
    (90_001, "local_care_network", "Registered population 90,001 is above the population of about 75,000 "
                                   "expected for a local care network."),
    (99_999, "mcp", "Registered population 99,999 is below the 100,000 expected for "
                    "a multispecialty community provider (MCP)."),
    (100_000, "mcp", None),
    (2_000_000, "mcp", None),
    (249_999, "pacs", "Registered population 249,999 is below the 250,000 expected for "
                      "a primary and acute care system (PACS)."),
    (250_000, "pacs", None),
    (0, "ics", None),
    (5_000_000, "ics", None),
    (10, "other", None),
])
def test_size_warning_boundaries(population_, care_model, warning):
    assert population.size_warning(population_, care_model) == warning


def test_size_message_reads_well_for_every_care_model():
    assert population.size_message(5_000_000, "ics") == (
        "Registered population 5,000,000. There is no expected size for an integrated care system (ICS).")
    assert population.size_message(10, "other") == (
        "Registered population 10. There is no expected size for this care model.")


def test_size_message_says_plainly_when_the_population_fits():
    assert population.size_message(42_000, "primary_care_home") == (
        "Registered population 42,000 is within the size expected for a primary care home: 30,000 to 50,000.")
    assert "about 75,000" in population.size_message(75_000, "local_care_network")
    assert "no expected size" in population.size_message(1_000_000, "ics")


# The registered population over time --------------------------------------------------------
# The database works it out (population.py); these tests hold it to plain Python definitions.

def oracle_population(partners, day: date) -> int:
    """The definition: active GP practices on the day, each with its latest list size by then."""
    total = 0
    for partner in partners:
        if partner.kind == "gp_practice" and partner.status_on(day) == MembershipStatus.ACTIVE:
            size = partner.list_size_on(day)
            total += size.patients if size else 0
    return total


def oracle_history(partners) -> list[tuple[date, int, int]]:
    days = sorted({c.effective_on for p in partners if p.kind == "gp_practice" for c in p.status_changes}
                  | {s.as_of for p in partners if p.kind == "gp_practice" for s in p.list_sizes})
    points, previous = [], 0
    for day in days:
        value = oracle_population(partners, day)
        points.append((day, value, value - previous))
        previous = value
    return points[::-1]


def oracle_percents(sizes: list[int]) -> list[Decimal]:
    """The largest remainder method, in the order given (ties to the earlier one)."""
    total = sum(sizes)
    hundredths = [Fraction(n * 10_000, total) for n in sizes]
    floors = [int(h) for h in hundredths]
    for i in sorted(range(len(sizes)), key=lambda i: hundredths[i] - floors[i], reverse=True)[:10_000 - sum(floors)]:
        floors[i] += 1
    return [(Decimal(f) / 100).quantize(Decimal("0.01")) for f in floors]


def fresh(partners):
    for partner in partners:
        db.session.expire(partner)
    return partners


def test_population_counts_active_practices_latest_list_size_as_of_each_date(app, scoped):
    a = factories.make_practice(scoped, 10_000, joined=D(2025, 4, 1), as_of=D(2025, 4, 1))
    factories.make_list_size(a, 10_500, D(2026, 4, 1))
    b = factories.make_practice(scoped, 8_000, joined=D(2025, 10, 1), as_of=D(2025, 7, 1))
    factories.make_status_change(b, "left", D(2026, 7, 1))
    c = factories.make_partner(scoped, kind="gp_practice")  # never active: prospective
    factories.make_status_change(c, "prospective", D(2025, 1, 1))
    factories.make_list_size(c, 5_000, D(2025, 1, 1))
    trust = factories.make_partner(scoped, kind="community_trust", ods_code="RYX")
    factories.make_status_change(trust, "active", D(2025, 1, 1))
    factories.make_status_change(trust, "left", D(2025, 2, 1))  # not a practice: not in the history

    assert population.population_on(scoped.id, D(2025, 3, 31)) == 0
    assert population.population_on(scoped.id, D(2025, 4, 1)) == 10_000
    assert population.population_on(scoped.id, D(2025, 9, 30)) == 10_000  # b not yet active
    assert population.population_on(scoped.id, D(2025, 10, 1)) == 18_000
    assert population.population_on(scoped.id, D(2026, 4, 1)) == 18_500
    assert population.population_on(scoped.id, D(2026, 7, 1)) == 10_500  # b has left

    history = population.population_history(scoped.id, today=D(2026, 5, 1))
    assert [(p.day, p.population, p.change) for p in history] == [
        (D(2026, 7, 1), 10_500, -8_000), (D(2026, 4, 1), 18_500, 500), (D(2025, 10, 1), 18_000, 8_000),
        (D(2025, 7, 1), 10_000, 0), (D(2025, 4, 1), 10_000, 10_000), (D(2025, 1, 1), 0, 0)]
    assert history[0].is_future and not history[1].is_future
    assert "list size 10,500" in " ".join(history[1].events)
    assert [(p.day, p.population) for p in population.population_history(scoped.id, limit=2)] == [
        (D(2026, 7, 1), 10_500), (D(2026, 4, 1), 18_500)]


def test_suspended_practices_are_not_counted_and_a_later_revision_for_the_same_date_wins(app, scoped):
    a = factories.make_practice(scoped, 10_000)
    factories.make_status_change(a, "suspended", D(2026, 1, 1))
    assert population.population_on(scoped.id, D(2026, 1, 1)) == 0
    factories.make_status_change(a, "active", D(2026, 1, 1))  # a correction for the same date
    factories.make_list_size(a, 9_000, D(2026, 1, 1))
    factories.make_list_size(a, 9_100, D(2026, 1, 1))
    assert population.population_on(scoped.id, D(2026, 1, 1)) == 9_100
    events = population.population_history(scoped.id)[0].events
    assert events == [f"{a.name}: suspended", f"{a.name}: active (correction)", f"{a.name}: list size 9,000",
                      f"{a.name}: list size 9,100 (correction)"]


def test_the_database_agrees_with_the_definitions_on_a_busy_network(any_app):
    """Random histories (corrections, gaps, departures, trusts): totals, history and shares as defined."""
    import random

    rng = random.Random(20261123)
    network = factories.make_network()
    tenancy.activate(network.id)
    try:
        partners = []
        for n in range(14):
            kind = "gp_practice" if n % 5 else "community_trust"
            partner = factories.make_partner(network, kind=kind, ods_code=f"A{81100 + n}" if n % 5 else None,
                                             name=f"Practice {rng.randrange(1000):03d} {n}")
            for _ in range(rng.randrange(0, 4)):
                factories.make_status_change(partner, rng.choice(["active", "active", "left", "suspended"]),
                                             D(2025, rng.randrange(1, 13), 1))
            for _ in range(rng.randrange(0, 4) if kind == "gp_practice" else 0):
                factories.make_list_size(partner, rng.randrange(0, 12_000), D(2025, rng.randrange(1, 13), 1))
            partners.append(partner)
        db.session.commit()
        fresh(partners)
        for month in range(1, 13):
            day = D(2025, month, 1)
            assert population.population_on(network.id, day) == oracle_population(partners, day), day
        assert [(p.day, p.population, p.change) for p in population.population_history(network.id)] == (
            oracle_history(partners))
        day = D(2026, 1, 1)
        shares = population.practice_shares(network.id, day)
        counted = sorted((p for p in partners if p.kind == "gp_practice" and p.status_on(day) == "active"
                          and p.list_size_on(day)), key=lambda p: (p.name_key, p.id))
        assert [s.partner_id for s in shares] == [p.id for p in counted]
        sizes = [p.list_size_on(day).patients for p in counted]
        if sum(sizes):
            assert [s.percent for s in shares] == oracle_percents(sizes)
            assert sum(s.percent for s in shares) == Decimal("100.00")
            assert sum(s.share for s in shares) == 1
    finally:
        tenancy.activate(None)


def test_practice_shares_are_exact_and_sum_to_one_hundred_percent(app, scoped):
    for _ in range(3):
        factories.make_practice(scoped, 10_000)
    shares = population.practice_shares(scoped.id, D(2026, 1, 1))
    assert [s.share for s in shares] == [Fraction(1, 3)] * 3
    assert sum(s.share for s in shares) == 1
    assert [s.percent for s in shares] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]  # ties: name order
    assert sum(s.percent for s in shares) == Decimal("100.00")


def test_practice_shares_of_uneven_lists(app, scoped):
    sizes = [10_800, 9_340, 8_610, 7_650, 5_600, 1]
    for n, patients in enumerate(sizes):
        factories.make_practice(scoped, patients, name=f"Practice {n}")
    shares = population.practice_shares(scoped.id, D(2026, 1, 1))
    assert sum(s.share for s in shares) == Fraction(1)
    assert [s.percent for s in shares] == oracle_percents(sizes)
    assert shares[0].share == Fraction(10_800, sum(sizes))


def test_large_list_sizes_do_not_overflow_the_share_arithmetic(any_app):
    network = factories.make_network()
    tenancy.activate(network.id)
    try:
        for n in range(3):
            factories.make_practice(network, services.MAX_LIST_SIZE, name=f"Big {n}")
        assert [s.percent for s in population.practice_shares(network.id, D(2026, 1, 1))] == [
            Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    finally:
        tenancy.activate(None)


def test_no_shares_when_there_is_no_population(app, scoped):
    factories.make_practice(scoped, 0)
    assert population.practice_shares(scoped.id, D(2026, 1, 1)) == []


def test_practices_not_counted_say_why(app, scoped):
    factories.make_practice(scoped, 5_000, name="Counted")
    left = factories.make_practice(scoped, 5_000, name="Gone")
    factories.make_status_change(left, "left", D(2026, 1, 1))
    factories.make_partner(scoped, name="New")
    unsized = factories.make_partner(scoped, name="Unsized")
    factories.make_status_change(unsized, "active")
    uncounted, how_many = population.uncounted_practices(scoped.id, D(2026, 2, 1), limit=2)
    assert how_many == 3
    assert [(p.name, p.reason) for p in uncounted] == [("Gone", "left"), ("New", "no membership status")]


def test_population_profile_of_the_network(app, scoped):
    factories.make_practice(scoped, 20_000)
    factories.make_practice(scoped, 7_400)
    profile = population.population_profile(scoped, D(2026, 1, 1))
    assert profile.population == 27_400
    assert profile.warning == "Registered population 27,400 is below the 30,000 expected for a primary care home."


# Partners -----------------------------------------------------------------------------------

def test_create_partner_with_status_and_list_size_writes_audit(app, scoped):
    partner = services.create_partner(scoped, partner_data(), None)
    assert partner.ods_code == "A81010"
    assert partner.website == "https://www.oaklane.example"
    assert partner.status_on(D(2025, 4, 1)) == MembershipStatus.ACTIVE
    assert partner.list_size_on(D(2026, 1, 1)).patients == 6_000
    assert partner.joined_on == D(2025, 4, 1)
    audited = set(db.session.execute(select(AuditEntry.entity_type)).scalars())
    assert {"Partner", "PartnerStatusChange", "ListSize"} <= audited


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ods_code": "A8101"}, "ods_code", "letter followed by 5 numbers"),
    ({"kind": "community_trust", "ods_code": "R!X", "list_size": None}, "ods_code", "3 to 9 letters"),
    ({"kind": "nonsense"}, "kind", "Select the kind"),
    ({"name": "  "}, "name", "Enter the organisation's name"),
    ({"website": "not a website"}, "website", "website address"),
    ({"kind": "community_trust", "ods_code": "RYX"}, "list_size", "Only GP practices"),
    ({"list_size": -1}, "list_size", "between 0 and"),
    ({"list_size_as_of": D.today() + timedelta(days=30)}, "list_size_as_of", "today or in the past"),
    ({"list_size_as_of": None}, "list_size_as_of", "Enter the date the list size was taken"),
    ({"list_size": None}, "list_size", "Enter the registered list size, or leave its date empty"),
    ({"status_from": None}, "status_from", "Enter the date"),
])
def test_create_partner_refuses_bad_input_and_saves_nothing(app, scoped, changes, field, message):
    with pytest.raises(ServiceError) as raised:
        services.create_partner(scoped, partner_data(**changes), None)
    assert raised.value.field == field and message in raised.value.message
    assert count(Partner) == 0 and count(ListSize) == 0 and count(PartnerStatusChange) == 0


def test_create_partner_reports_every_problem_at_once(app, scoped):
    with pytest.raises(InputErrors) as raised:
        services.create_partner(scoped, partner_data(name="", ods_code="bad!", website="nope", status_from=None,
                                                     list_size_as_of=None), None)
    problems = {problem.field: problem.message for problem in raised.value.problems}
    assert set(problems) == {"name", "ods_code", "website", "status_from", "list_size_as_of"}
    assert count(Partner) == 0


def test_text_is_cleaned_of_control_characters(any_app):
    """PostgreSQL refuses NUL in text, and no one means to type a control character."""
    network = factories.make_network()
    tenancy.activate(network.id)
    try:
        partner = services.create_partner(network, partner_data(
            name="Oak\x00 Lane\tSurgery\n", address="1 Oak Lane\r\nOakley\x07", notes="\x1b[31mred"), None)
        assert (partner.name, partner.address, partner.notes) == (
            "Oak Lane Surgery", "1 Oak Lane\nOakley", "[31mred")
        contact = services.add_contact(partner, {"name": "Jo\x00 Bloggs", "phone": "01632\x0b960000"})
        assert (contact.name, contact.phone) == ("Jo Bloggs", "01632960000")
        change = services.record_status_change(partner, "left", D(2026, 1, 1), None,
                                               decision_reference="Min\x00ute 4", note="Left\r\nfor good")
        assert (change.decision_reference, change.note) == ("Minute 4", "Left\nfor good")
        db.session.commit()
        assert db.session.execute(services.partners_query("Oak\x00")).scalars().all() == [partner]
    finally:
        tenancy.activate(None)


def test_audit_summaries_name_the_partner_and_write_dates_in_words(app, scoped):
    partner = services.create_partner(scoped, partner_data(), None)
    services.add_contact(partner, {"name": "Jo Bloggs"})
    summaries = set(db.session.execute(select(AuditEntry.summary)).scalars())
    assert {"Oak Lane Surgery: active from 1 April 2025", "Oak Lane Surgery: 6,000 patients as of 1 April 2025",
            "Jo Bloggs, contact at Oak Lane Surgery"} <= summaries


def test_ods_code_and_name_are_unique_within_a_network_only(app, scoped):
    services.create_partner(scoped, partner_data(), None)
    with pytest.raises(ServiceError, match="Oak Lane Surgery already uses ODS code A81010"):
        services.create_partner(scoped, partner_data(name="Another"), None)
    with pytest.raises(ServiceError, match="already a partner called Oak Lane Surgery"):
        services.create_partner(scoped, partner_data(name="oak lane surgery", ods_code=""), None)
    other = factories.make_network()
    tenancy.activate(other.id)
    assert services.create_partner(other, partner_data(), None).ods_code == "A81010"


def test_update_partner_checks_the_version(app, scoped):
    partner = services.create_partner(scoped, partner_data(), None)
    db.session.commit()
    services.update_partner(partner, partner_data(name="Oak Lane Medical Practice"), partner.version)
    db.session.commit()
    assert partner.version == 2
    with pytest.raises(EditConflict):
        services.update_partner(partner, partner_data(name="Stale edit"), 1)
    assert partner.name == "Oak Lane Medical Practice"


def test_a_practice_with_list_sizes_stays_a_practice(app, scoped):
    partner = services.create_partner(scoped, partner_data(), None)
    with pytest.raises(ServiceError, match="must stay a GP practice"):
        services.update_partner(partner, partner_data(kind="other", list_size=None), partner.version)


def test_status_history_is_kept_and_leaving_deletes_nothing(app, scoped):
    partner = services.create_partner(scoped, partner_data(), None)
    services.add_contact(partner, {"name": "Jo Bloggs"})
    services.record_status_change(partner, "left", D(2026, 3, 31), None, decision_reference="Board minute 2026/14")
    assert partner.status_on(D(2026, 3, 30)) == MembershipStatus.ACTIVE
    assert partner.status_on(D(2026, 3, 31)) == MembershipStatus.LEFT
    assert [c.status for c in partner.status_changes] == ["active", "left"]
    assert partner.status_changes[-1].decision_reference == "Board minute 2026/14"
    assert count(Partner) == 1 and count(PartnerContact) == 1 and count(ListSize) == 1
    with pytest.raises(ServiceError, match="already left"):
        services.record_status_change(partner, "left", D(2026, 5, 1), None)


def test_status_changes_and_list_sizes_are_append_only(app, scoped):
    partner = services.create_partner(scoped, partner_data(), None)
    db.session.commit()
    partner.list_sizes[0].patients = 1
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(partner.status_changes[0])
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM list_sizes"))


def test_list_sizes_only_for_practices_and_never_in_the_future(app, scoped):
    trust = factories.make_partner(scoped, kind="community_trust", ods_code="RYX")
    with pytest.raises(ServiceError, match="Only GP practices"):
        services.record_list_size(trust, 100, D(2026, 1, 1), None)
    practice = factories.make_practice(scoped, 5_000)
    with pytest.raises(ServiceError, match="today or in the past"):
        services.record_list_size(practice, 5_100, clock.today() + timedelta(days=1), None)
    with pytest.raises(ServiceError, match="whole number"):
        services.record_list_size(practice, "5100", D(2026, 1, 1), None)
    services.record_list_size(practice, 5_100, D(2026, 1, 1), None)
    assert [s.patients for s in practice.list_sizes] == [5_000, 5_100]


def test_contacts(app, scoped):
    partner = factories.make_partner(scoped)
    contact = services.add_contact(partner, {"name": "Jo Bloggs", "email": "jo@example.org"})
    with pytest.raises(ServiceError, match="correct format"):
        services.add_contact(partner, {"name": "X", "email": "nope"})
    db.session.commit()
    services.update_contact(contact, {"name": "Jo Bloggs", "job_title": "Manager"}, contact.version)
    with pytest.raises(EditConflict):
        services.update_contact(contact, {"name": "Stale"}, 1)
    services.remove_contact(contact)
    assert count(PartnerContact) == 0


def test_partners_query_searches_and_filters_by_current_status(any_app):
    network = factories.make_network()
    tenancy.activate(network.id)
    try:
        active = factories.make_practice(network, name="Oak Lane Surgery", ods_code="A81010")
        left = factories.make_practice(network, name="Elm Surgery", ods_code="A81011")
        factories.make_status_change(left, "left", D(2026, 1, 1))
        factories.make_partner(network, name="100% Care_Trust", kind="other", ods_code=None)
        db.session.commit()

        def names(**kw):
            return [p.name for p in db.session.execute(services.partners_query(**kw)).scalars()]

        assert names(search="oak") == ["Oak Lane Surgery"]
        assert names(search="a81 011") == ["Elm Surgery"]
        assert names(search="100%") == ["100% Care_Trust"]
        assert names(search="_") == ["100% Care_Trust"]
        assert names(status="active") == ["Oak Lane Surgery"]
        assert names(status="left") == ["Elm Surgery"]
        assert names(kind="other") == ["100% Care_Trust"]
        assert names(kind="garbage", status="garbage") == ["100% Care_Trust", "Elm Surgery", "Oak Lane Surgery"]
        assert active in db.session.execute(services.partners_query()).scalars().all()
    finally:
        tenancy.activate(None)


# CSV import and export ----------------------------------------------------------------------

GOOD_PARTNERS = (
    "Name,Kind,ODS code,contact_name,contact_email,status,status_from,list_size,list_size_as_of\r\n"
    "Oak Lane Surgery,GP practice,A81010,Jo Bloggs,jo@example.org,active,01/04/2025,\"6,000\",2025-04-01\r\n"
    "Vale Mental Health Trust,mental_health_trust,RW5,,,prospective,2026-01-01,,\r\n"
    "Riverside ICB,ICB,,,,,,,\r\n"
)


def test_import_partners_saves_every_row(app, scoped):
    preview = imports.preview_import(scoped, "partners", GOOD_PARTNERS)
    assert preview.is_valid, [r.errors for r in preview.rows]
    assert imports.apply_import(scoped, preview, None) == 3
    oak = db.session.execute(select(Partner).where(Partner.ods_code == "A81010")).scalar_one()
    assert oak.list_size_on(D(2026, 1, 1)).patients == 6_000
    assert oak.list_sizes[0].source == "imported"
    assert oak.contacts[0].email == "jo@example.org"
    icb = db.session.execute(select(Partner).where(Partner.name == "Riverside ICB")).scalar_one()
    assert icb.kind == "commissioner" and icb.status_on(clock.today()) == MembershipStatus.ACTIVE


def test_import_with_any_bad_row_saves_nothing(app, scoped):
    factories.make_partner(scoped, name="Existing Practice", ods_code="A81099")
    bad = (
        "name,kind,ods_code,list_size\n"
        "Good Surgery,GP practice,A81010,5000\n"
        "Bad Code Surgery,GP practice,A8101X,5000\n"
        "Good Surgery Two,GP practice,A81010,5000\n"
        "Existing Copy,GP practice,A81099,1\n"
        "Mystery Org,spaceship,,\n"
        "Count Surgery,GP practice,A81012,lots\n"
        "Trust With List,Acute trust,RXX,100\n"
        ",GP practice,A81013,1\n"
    )
    preview = imports.preview_import(scoped, "partners", bad)
    assert not preview.is_valid
    errors = {row.line: " ".join(row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "letter followed by 5 numbers" in errors[3]
    assert "Duplicate: ODS code A81010 is also on row 2" in errors[4]
    assert errors[5] == "" and preview.rows[3].action == "Update"  # the existing partner's ODS code
    assert preview.rows[3].changes == ["Name: 'Existing Practice' to 'Existing Copy'",
                                       "List size as of 23 November 2026: 1"]
    assert "Unknown kind 'spaceship'" in errors[6]
    assert "List size 'lots' is not a whole number" in errors[7]
    assert "Only GP practices" in errors[8]
    assert "Enter the organisation's name" in errors[9]
    with pytest.raises(ServiceError, match="Nothing has been imported"):
        imports.apply_import(scoped, preview, None)
    assert count(Partner) == 1 and count(ListSize) == 0
    assert db.session.execute(select(Partner.name)).scalar_one() == "Existing Practice"


@pytest.mark.parametrize(("row", "message"), [
    ("Oak Lane Surgery,GP practice,\u00b2,", "List size '\u00b2' is not a whole number"),
    ("Oak Lane Surgery,GP practice,\u0663\u0663,", "is not a whole number"),
    ("Oak Lane Surgery,GP practice," + "9" * 5000 + ",", "List size must be between 0 and 1,000,000"),
    ("Oak Lane Surgery,GP practice,1000001,", "List size must be between 0 and 1,000,000"),
    ("Oak Lane Surgery,Other,,0001-01-01", "Status date '0001-01-01' is not a date"),
])
def test_import_refuses_odd_numbers_and_dates_without_failing(app, scoped, row, message):
    preview = imports.preview_import(scoped, "partners", "name,kind,list_size,status_from\n" + row + "\n")
    assert not preview.is_valid and message in preview.rows[0].errors[0]


def test_import_counts_read_in_words():
    assert imports.count_of(imports.ImportKind.PARTNERS, 1) == "1 partner"
    assert imports.count_of(imports.ImportKind.LIST_SIZES, 1_200) == "1,200 list sizes"


@pytest.mark.parametrize(("csv_text", "message"), [
    ("", "The file is empty"),
    ("\n\n", "The file is empty"),
    ("name,kind\n", "no rows to import"),
    ("Oak Lane Surgery,GP practice\n", "Missing: name, kind"),
    ("name,kind,favourite_colour\nA,GP practice,blue\n", "Unknown column headings: favourite_colour"),
    ("name,kind,name\nA,GP practice,B\n", "more than once: name"),
    ("name,kind\n" + "A,Other\n" * 1001, "more than 1,000 rows"),
])
def test_import_file_problems(app, scoped, csv_text, message):
    preview = imports.preview_import(scoped, "partners", csv_text)
    assert not preview.is_valid
    assert message in " ".join(preview.file_errors)


def test_import_kind_must_be_known(app, scoped):
    with pytest.raises(ServiceError, match="Select what you are importing"):
        imports.preview_import(scoped, "spaceships", GOOD_PARTNERS)


def upload(data: bytes, filename="partners.csv") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="text/csv")


def test_read_upload_checks_type_size_and_encoding():
    assert imports.read_upload(upload("\ufeffname,kind\nCafé,Other\n".encode())) == "name,kind\nCafé,Other\n"
    assert "Café" in imports.read_upload(upload("name,kind\nCafé,Other\n".encode("cp1252")))
    for data, filename, message in [
        (b"name,kind\n", "partners.xlsx", "must be a CSV file"),
        (b"x" * (imports.MAX_BYTES + 1), "big.csv", "smaller than 200 KB"),
        (b"  \n", "empty.csv", "is empty"),
        ("name,kind\n".encode("utf-16"), "utf16.csv", "not a CSV file"),
        (bytes(range(256)) * 4, "garbage.csv", "not a CSV file"),
        (b"\x81\x8d\x8f\x90\x9d", "undefined.csv", "could not be read"),
    ]:
        with pytest.raises(ServiceError, match=message):
            imports.read_upload(upload(data, filename))
    with pytest.raises(ServiceError, match="Select a CSV file"):
        imports.read_upload(upload(b"", ""))


def test_import_list_sizes(app, scoped):
    practice = factories.make_practice(scoped, 5_000, ods_code="A81010")
    factories.make_partner(scoped, kind="community_trust", ods_code="RYX")
    good = "ods_code,list_size,as_of\nA81010,\"5,200\",2026-04-01\n"
    preview = imports.preview_import(scoped, "list_sizes", good)
    assert preview.is_valid
    imports.apply_import(scoped, preview, None)
    db.session.expire(practice, ["list_sizes"])
    assert practice.list_size_on(D(2026, 4, 1)).patients == 5_200

    bad = ("ods_code,list_size,as_of\nA81010,5300,2026-05-01\nA81010,5400,2026-05-01\n"
           "Z99999,1,\nRYX,100,\nA81010,many,\nA81010,1,31/02/2026\n")
    preview = imports.preview_import(scoped, "list_sizes", bad)
    errors = {row.line: " ".join(row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "Duplicate: A81010 as of 1 May 2026 is also on row 2" in errors[3]
    assert "No partner in this network has ODS code Z99999" in errors[4]
    assert "is not a GP practice" in errors[5]
    assert "not a whole number" in errors[6]
    assert "'31/02/2026' is not a date" in errors[7]
    with pytest.raises(ServiceError):
        imports.apply_import(scoped, preview, None)
    assert count(ListSize) == 2


def test_export_round_trips_through_the_import_and_defuses_formulas(app, scoped):
    preview = imports.preview_import(scoped, "partners", GOOD_PARTNERS)
    imports.apply_import(scoped, preview, None)
    factories.make_partner(scoped, name="=HYPERLINK(\"http://evil\")", kind="other", ods_code=None)
    exported = exports.export_partners_csv(services.all_partners())
    assert "'=HYPERLINK" in exported
    assert "Oak Lane Surgery,GP practice,A81010" in exported
    other = factories.make_network()
    tenancy.activate(other.id)
    again = imports.preview_import(other, "partners", exported)
    assert again.is_valid, [r.errors for r in again.rows]
    imports.apply_import(other, again, None)
    oak = db.session.execute(select(Partner).where(Partner.network_id == other.id,
                                                   Partner.ods_code == "A81010")).scalar_one()
    assert oak.list_size_on(clock.today()).patients == 6_000


# The membership schedule --------------------------------------------------------------------

def test_membership_schedule_pdf_lists_partners_and_the_total(app, scoped):
    factories.make_practice(scoped, 20_000, name="Oak Lane Surgery")
    factories.make_practice(scoped, 7_400, name="Elm Tree Practice")
    trust = factories.make_partner(scoped, name="Vale Community Trust", kind="community_trust", ods_code="RYX")
    factories.make_status_change(trust, "active")
    gone = factories.make_practice(scoped, 3_000, name="Closed Surgery")
    factories.make_status_change(gone, "left", D(2026, 1, 1))
    paused = factories.make_practice(scoped, 4_100, name="Paused Surgery")
    factories.make_status_change(paused, "suspended", D(2026, 2, 1))
    factories.make_partner(scoped, name="New Surgery", ods_code="A81077")
    job = schedule.request_membership_schedule(scoped, None)
    db.session.commit()  # the worker starts after the commit (at once, in tests)
    db.session.refresh(job)
    assert job.status == "done" and job.progress == 100
    document = job.document
    assert document.kind == "partnership_membership_schedule" and not document.is_draft
    pdf = load_with_pdf(document.id).pdf
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    words = " ".join(words.split())
    for expected in ("Partnership membership schedule", "Oak Lane Surgery", "Elm Tree Practice",
                     "Vale Community Trust", "RYX", "Total registered population 27,400",
                     "Former partners", "Closed Surgery", "1 April 2025",
                     "is below the 30,000 expected for a primary care home",
                     "4,100 (not counted)", "New Surgery GP practice A81077 Not recorded"):
        assert expected in words


def test_the_schedule_reference_follows_its_content_and_its_day(app, scoped, frozen_clock):
    practice = factories.make_practice(scoped, 5_000)
    first = schedule.ScheduleContent(scoped, D(2026, 11, 23))
    assert schedule.ScheduleContent(scoped, D(2026, 11, 23)).reference == first.reference
    assert first.reference.startswith("MS-20261123-")
    assert schedule.ScheduleContent(scoped, D(2026, 11, 24)).reference != first.reference
    factories.make_list_size(practice, 5_100, D(2026, 11, 1))
    assert schedule.ScheduleContent(scoped, D(2026, 11, 23)).reference != first.reference


def test_two_schedule_requests_that_raced_past_the_question_make_one_document(app, scoped):
    factories.make_practice(scoped, 5_000)
    first = schedule.request_membership_schedule(scoped, None)
    second = schedule.request_membership_schedule(scoped, None)  # both asked before either was made
    db.session.commit()  # the worker makes them one after the other
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == second.status == "done"
    assert first.document_id == second.document_id and count(IssuedDocument) == 1
    with pytest.raises(ServiceError, match="To issue another copy, select 'Issue it again'") as raised:
        schedule.request_membership_schedule(scoped, None)
    assert raised.value.field == "again"
    schedule.request_membership_schedule(scoped, None, again=True)
    db.session.commit()
    assert count(IssuedDocument) == 2


def test_a_preview_is_a_watermarked_draft_and_archives_nothing(app, scoped):
    factories.make_practice(scoped, 5_000, name="Oak Lane Surgery")
    with app.test_request_context():
        pdf = schedule.preview_membership_schedule(scoped, None)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "DRAFT" in text and "Oak Lane Surgery" in text and "not issued" in text
    assert count(IssuedDocument) == 0
