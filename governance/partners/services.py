"""Partner organisations of the current network: records, contacts, membership status, list sizes."""

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.text import clean_line, clean_text
from governance.documents import jobs
from governance.documents.services import issue_document
from governance.extensions import db
from governance.networks import services as network_services
from governance.networks.models import Membership, Network
from governance.partners.models import (
    ListSize,
    MembershipStatus,
    Partner,
    PartnerContact,
    PartnerKind,
    PartnerStatusChange,
)
from governance.partners.population import population_profile, schedule_rows

ODS_PATTERN = re.compile(r"^[A-Z0-9]{3,9}$")
GP_ODS_PATTERN = re.compile(r"^[A-Z][0-9]{5}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE_PATTERN = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
MAX_LIST_SIZE = 1_000_000
PARTNER_FIELDS = ("name", "kind", "ods_code", "address", "website", "notes")
CONTACT_FIELDS = ("name", "job_title", "email", "phone")
SCHEDULE_KIND = "partnership_membership_schedule"



def partner_choices() -> list[tuple[int, str]]:
    """(id, name) of the current network's partners, for select boxes."""
    rows = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name))
    return [(row.id, row.name) for row in rows]


# Reading ------------------------------------------------------------------------------------

def _with_history(statement):
    return statement.options(selectinload(Partner.status_changes), selectinload(Partner.list_sizes))


def _status_now_subquery(day: date):
    return (select(PartnerStatusChange.status)
            .where(PartnerStatusChange.partner_id == Partner.id, PartnerStatusChange.effective_on <= day)
            .order_by(PartnerStatusChange.effective_on.desc(), PartnerStatusChange.id.desc())
            .limit(1).correlate(Partner).scalar_subquery())


def partners_query(search: str | None = None, kind: str | None = None, status: str | None = None):
    """The partner list, optionally searched by name or ODS code and filtered; histories eager-loaded."""
    statement = _with_history(select(Partner).order_by(func.lower(Partner.name), Partner.id))
    term = clean_line(search)[:100]
    if term:
        statement = statement.where(Partner.name.icontains(term, autoescape=True)
                                    | Partner.ods_code.icontains(term.replace(" ", ""), autoescape=True))
    if kind in PartnerKind._value2member_map_:
        statement = statement.where(Partner.kind == kind)
    if status in MembershipStatus._value2member_map_:
        statement = statement.where(_status_now_subquery(clock.today()) == status)
    return statement


def all_partners() -> list[Partner]:
    """Every partner of the current network with contacts and histories, for exports and documents."""
    statement = _with_history(select(Partner).order_by(func.lower(Partner.name), Partner.id))
    return list(db.session.execute(statement.options(selectinload(Partner.contacts))).scalars())


def load_partner(partner: Partner) -> Partner:
    """Load everything the partner page shows in a fixed number of queries."""
    statement = _with_history(select(Partner).where(Partner.id == partner.id)).options(
        selectinload(Partner.contacts),
        selectinload(Partner.status_changes).joinedload(PartnerStatusChange.recorded_by),
        selectinload(Partner.list_sizes).joinedload(ListSize.recorded_by),
    )
    return db.session.execute(statement.execution_options(populate_existing=True)).scalar_one()


def representatives(partner: Partner) -> list[Membership]:
    """The partner's active representatives, authorised signatories first."""
    return list(db.session.execute(
        select(Membership).join(User, Membership.user_id == User.id)
        .where(Membership.partner_id == partner.id, Membership.active.is_(True))
        .order_by(Membership.is_authorised_signatory.desc(), User.full_name)
    ).scalars())


# Checking input -----------------------------------------------------------------------------

def normalise_ods_code(text: str | None) -> str | None:
    """Upper case without spaces, or None for a blank code."""
    return re.sub(r"\s+", "", clean_text(text)).upper() or None


def check_ods_code(code: str | None, kind: str) -> None:
    """Refuse an ODS code that is not in the shape NHS ODS codes take."""
    if code is None:
        return
    if kind == PartnerKind.GP_PRACTICE and not GP_ODS_PATTERN.match(code):
        raise ServiceError("A GP practice's ODS code is a letter followed by 5 numbers, like A81001",
                           "ods_code")
    if not ODS_PATTERN.match(code):
        raise ServiceError("ODS code must be 3 to 9 letters and numbers, like RYX or A81001", "ods_code")


def check_kind(kind: str | None) -> PartnerKind:
    """The kind of organisation, or a ServiceError on the kind field."""
    if kind not in PartnerKind._value2member_map_:
        raise ServiceError("Select the kind of organisation", "kind")
    return PartnerKind(kind)


def normalise_website(text: str | None) -> str:
    """Add https:// to a bare address and refuse anything that is not a web address."""
    website = clean_text(text)
    if not website:
        return ""
    if "://" not in website:
        website = "https://" + website
    if not WEBSITE_PATTERN.match(website):
        raise ServiceError("Enter a website address in the correct format, like www.example.nhs.uk",
                           "website")
    return website


def _check_unique(name: str, ods_code: str | None, partner_id: int | None, checks: Checks) -> None:
    others = select(Partner)  # the current network's, through tenancy
    if partner_id is not None:
        others = others.where(Partner.id != partner_id)
    if ods_code:
        same_code = db.session.execute(others.where(Partner.ods_code == ods_code)).scalars().first()
        if same_code is not None:
            checks.add(f"{same_code.name} already uses ODS code {ods_code}", "ods_code")
    if name:
        same_name = db.session.execute(
            others.where(func.lower(Partner.name) == name.lower())).scalars().first()
        if same_name is not None:
            checks.add(f"There is already a partner called {same_name.name}", "name")


def _clean_partner(data: dict, checks: Checks, partner_id: int | None = None) -> dict:
    name = clean_line(data.get("name"))
    if not name:
        checks.add("Enter the organisation's name", "name")
    kind = checks.run(check_kind, data.get("kind"))
    ods_code = normalise_ods_code(data.get("ods_code"))
    if kind is not None:
        checks.run(check_ods_code, ods_code, kind)
    website = checks.run(normalise_website, data.get("website"))
    _check_unique(name, ods_code, partner_id, checks)
    return {"name": name[:200], "kind": kind and kind.value, "ods_code": ods_code, "website": website,
            "address": clean_text(data.get("address")), "notes": clean_text(data.get("notes"))}


def check_list_size(patients, as_of: date | None, field: str = "patients", date_field: str = "as_of") -> int:
    """Refuse a list size that is not a whole number of patients counted on a past date."""
    if isinstance(patients, bool) or not isinstance(patients, int):
        raise ServiceError("Enter the list size as a whole number, like 9200", field)
    if not 0 <= patients <= MAX_LIST_SIZE:
        raise ServiceError(f"List size must be between 0 and {MAX_LIST_SIZE:,}", field)
    if as_of is None:
        raise ServiceError("Enter the date the list size was counted", date_field)
    if as_of > clock.today():
        raise ServiceError("The date the list size was counted must be today or in the past", date_field)
    return patients


# Writing ------------------------------------------------------------------------------------

def create_partner(network, data: dict, actor: User | None) -> Partner:
    """Add a partner with its first membership status and, for a GP practice, its list size."""
    checks = Checks()
    values = _clean_partner(data, checks)
    status = checks.run(check_status, data.get("status") or MembershipStatus.ACTIVE)
    status_from = data.get("status_from")
    if status_from is None:
        checks.add("Enter the date this status starts", "status_from")
    patients = data.get("list_size")
    if patients is None and data.get("list_size_as_of") is not None:
        checks.add("Enter the registered list size, or leave its date empty", "list_size")
    elif patients is not None and values["kind"] not in (None, PartnerKind.GP_PRACTICE):
        checks.add("Only GP practices have a registered list size", "list_size")
    elif patients is not None:
        checks.run(check_list_size, patients, data.get("list_size_as_of"), "list_size", "list_size_as_of")
    checks.raise_any()
    partner = Partner(network_id=network.id, **values)
    db.session.add(partner)
    db.session.flush()
    _add_status_change(partner, status, status_from, actor, data.get("decision_reference") or "")
    if patients is not None:
        _add_list_size(partner, patients, data["list_size_as_of"], actor, data.get("source") or "entered")
    return partner


def update_partner(partner: Partner, data: dict, version) -> Partner:
    """Edit a partner's details, refusing to overwrite someone else's save."""
    check_version(partner, version)
    checks = Checks()
    values = _clean_partner(data, checks, partner.id)
    if values["kind"] not in (None, PartnerKind.GP_PRACTICE) and partner.is_gp_practice and partner.list_sizes:
        checks.add("This practice has list sizes recorded, so it must stay a GP practice", "kind")
    checks.raise_any()
    for key, value in values.items():
        setattr(partner, key, value)
    # A save that races past the version check raises StaleDataError here: the app's handler
    # rolls back and shows the conflict page, so nothing is overwritten.
    db.session.flush()
    return partner


def check_status(status) -> MembershipStatus:
    """The membership status, or a ServiceError on the status field."""
    if status not in MembershipStatus._value2member_map_:
        raise ServiceError("Select the membership status", "status")
    return MembershipStatus(status)


def _add_status_change(partner, status, effective_on, actor, decision_reference="", note=""):
    change = PartnerStatusChange(
        network_id=partner.network_id, partner=partner, status=status.value, effective_on=effective_on,
        decision_reference=clean_line(decision_reference)[:200], note=clean_text(note),
        recorded_by_id=actor.id if actor else None)
    db.session.add(change)
    db.session.flush()
    return change


def record_status_change(partner: Partner, status: str, effective_on: date | None, actor: User | None,
                         *, decision_reference: str = "", note: str = "") -> PartnerStatusChange:
    """Record a change of membership status from a date; earlier history is kept as it was."""
    status = check_status(status)
    if effective_on is None:
        raise ServiceError("Enter the date the change takes effect", "effective_on")
    if partner.status_on(effective_on) == status:
        raise ServiceError(f"{partner.name} is already {status.label.lower()} on "
                           f"{format_date(effective_on)}", "status")
    return _add_status_change(partner, status, effective_on, actor, decision_reference, note)


def _add_list_size(partner, patients, as_of, actor, source):
    size = ListSize(network_id=partner.network_id, partner=partner, patients=patients, as_of=as_of,
                    source=source, recorded_by_id=actor.id if actor else None)
    db.session.add(size)
    db.session.flush()
    return size


def record_list_size(partner: Partner, patients: int, as_of: date | None, actor: User | None,
                     source: str = "entered") -> ListSize:
    """Record a GP practice's registered list size as of a date; earlier counts are kept."""
    if not partner.is_gp_practice:
        raise ServiceError("Only GP practices have a registered list size", "patients")
    check_list_size(patients, as_of)
    return _add_list_size(partner, patients, as_of, actor, source)


def clean_contact(data: dict) -> dict:
    """A contact's fields, trimmed and checked."""
    values = {key: clean_line(data.get(key)) for key in CONTACT_FIELDS}
    if not values["name"]:
        raise ServiceError("Enter the contact's name", "name")
    if values["email"] and not EMAIL_PATTERN.match(values["email"]):
        raise ServiceError("Enter an email address in the correct format, like name@example.com", "email")
    return values


def add_contact(partner: Partner, data: dict) -> PartnerContact:
    """Add a main contact to a partner."""
    contact = PartnerContact(network_id=partner.network_id, partner=partner, **clean_contact(data))
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(contact: PartnerContact, data: dict, version) -> PartnerContact:
    """Edit a contact, refusing to overwrite someone else's save."""
    check_version(contact, version)
    for key, value in clean_contact(data).items():
        setattr(contact, key, value)
    db.session.flush()  # a racing save raises StaleDataError: see update_partner
    return contact


def remove_contact(contact: PartnerContact) -> None:
    """Remove a contact; the audit trail keeps what it said."""
    db.session.delete(contact)
    db.session.flush()


def request_membership_schedule(network, actor: User | None):
    """Ask the background worker for the partnership membership schedule as at today."""
    return jobs.request_document(network, SCHEDULE_KIND, "Partnership membership schedule", actor)


def build_membership_schedule(job, report):
    """The worker's side: render and archive the schedule, reporting progress as it goes."""
    network = db.session.get(Network, job.network_id)
    day = clock.today()
    report(10, "Reading the partners and their history")
    partners = all_partners()
    profile = population_profile(network, day, partners)
    current, former = schedule_rows(partners, day)
    report(40, f"Setting out {len(current) + len(former):,} partners")
    actor = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    return issue_document(
        network, "partners/pdf/membership_schedule.html", kind=SCHEDULE_KIND,
        title="Partnership membership schedule", actor=actor, covers=f"As at {format_date(day)}",
        day=day, current=current, former=former, profile=profile,
        network_care_model_label=network.care_model_label)


jobs.register(SCHEDULE_KIND, build_membership_schedule)

network_services.provide_partner_choices(partner_choices)
