"""Partner organisations of the current network: records, contacts, membership status, list sizes."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.text import clean_line, clean_text
from governance.core.views import paginate_rows
from governance.extensions import db
from governance.networks import services as network_services
from governance.networks.models import Membership
from governance.partners import decision_links, population
from governance.partners.models import (
    EARLIEST_LIST_SIZE_YEAR,
    ListSize,
    MembershipStatus,
    Partner,
    PartnerContact,
    PartnerKind,
    PartnerStatusChange,
    name_key,
)

ODS_PATTERN = re.compile(r"^[A-Z0-9]{3,9}$")
GP_ODS_PATTERN = re.compile(r"^[A-Z][0-9]{5}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE_PATTERN = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
MAX_LIST_SIZE = 1_000_000
PARTNER_FIELDS = ("name", "kind", "ods_code", "address", "website", "notes")
CONTACT_FIELDS = ("name", "job_title", "email", "phone")
# The longest text each field keeps (the columns' sizes); longer text is refused by name.
LIMITS = {"name": (200, "Name"), "ods_code": (12, "ODS code"), "address": (1_000, "Address"),
          "website": (300, "Website"), "notes": (5_000, "Notes"), "decision_reference": (200, "Board decision"),
          "note": (2_000, "Note")}
CONTACT_LIMITS = {"name": (200, "Name"), "job_title": (200, "Job title"), "email": (254, "Email address"),
                  "phone": (40, "Phone number")}


def partner_choices() -> list[tuple[int, str]]:
    """(id, name) of the current network's partners, for select boxes."""
    rows = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name_key, Partner.id))
    return [(row.id, row.name) for row in rows]


# Reading ------------------------------------------------------------------------------------

def _with_history(statement):
    return statement.options(selectinload(Partner.status_changes), selectinload(Partner.list_sizes))


def partners_query(search: str | None = None, kind: str | None = None, status: str | None = None,
                   day: date | None = None):
    """The partner list in name order, searched by name or ODS code and filtered; each row carries the
    partner, its status, list size and joining date on the day (today), read in the same query."""
    day = day or clock.today()
    status_now = population.status_on(day)
    statement = select(Partner, status_now.label("status"),
                       population.list_size_on(day).label("patients"),
                       population.joined_on().label("joined_on")).order_by(Partner.name_key, Partner.id)
    term = clean_line(search)[:100]
    if term:
        statement = statement.where(Partner.name_key.contains(name_key(term), autoescape=True)
                                    | Partner.ods_code.contains(term.replace(" ", "").upper(), autoescape=True))
    if kind in PartnerKind._value2member_map_:
        statement = statement.where(Partner.kind == kind)
    if status in MembershipStatus._value2member_map_:
        statement = statement.where(status_now == status)
    return statement


@dataclass
class PartnerListRow:
    partner: Partner
    status: MembershipStatus | None
    patients: int | None  # GP practices only
    joined_on: date | None


def partners_page(search: str | None = None, kind: str | None = None, status: str | None = None):
    """One page of the partner list, each partner with its status, list size and joining date today."""
    page = paginate_rows(partners_query(search, kind, status))
    page.items = [PartnerListRow(row.Partner, MembershipStatus(row.status) if row.status else None,
                                 row.patients if row.Partner.is_gp_practice else None, row.joined_on)
                  for row in page.items]
    return page


def all_partners() -> list[Partner]:
    """Every partner of the current network with contacts and histories, for exports and imports."""
    statement = _with_history(select(Partner).order_by(Partner.name_key, Partner.id))
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

def check_length(checks: Checks, value: str, field: str, limits: dict = LIMITS) -> str:
    """The text, or a problem that names the field: 'Name must be 200 characters or fewer'."""
    limit, label = limits[field]
    if len(value) > limit:
        checks.add(f"{label} must be {limit:,} characters or fewer", field)
    return value[:limit]


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
    limit, label = LIMITS["website"]
    if len(website) > limit:  # before the pattern, which would otherwise read all of a huge text
        raise ServiceError(f"{label} must be {limit:,} characters or fewer", "website")
    if "://" not in website:
        website = "https://" + website
    if len(website) > limit or not WEBSITE_PATTERN.match(website):
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
        same_name = db.session.execute(others.where(Partner.name_key == name_key(name))).scalars().first()
        if same_name is not None:
            checks.add(f"There is already a partner called {same_name.name}", "name")


def _clean_partner(data: dict, checks: Checks, partner_id: int | None = None) -> dict:
    name = check_length(checks, clean_line(data.get("name")), "name")
    if not name:
        checks.add("Enter the organisation's name", "name")
    kind = checks.run(check_kind, data.get("kind"))
    ods_code = normalise_ods_code(check_length(checks, clean_text(data.get("ods_code")), "ods_code"))
    if kind is not None:
        checks.run(check_ods_code, ods_code, kind)
    website = checks.run(normalise_website, data.get("website"))
    _check_unique(name, ods_code, partner_id, checks)
    return {"name": name, "kind": kind and kind.value, "ods_code": ods_code, "website": website,
            "address": check_length(checks, clean_text(data.get("address")), "address"),
            "notes": check_length(checks, clean_text(data.get("notes")), "notes")}


def _flush_refusing_duplicates(name: str | None = None, ods_code: str | None = None) -> None:
    """Flush; a unique key that a concurrent save won becomes the same refusal the checks give.

    The request's transaction is then unusable: the caller's ServiceError handler rolls it back.
    """
    try:
        db.session.flush()
    except IntegrityError as error:
        text = str(error.orig)
        if "name_key" in text:
            raise ServiceError(f"There is already a partner called {name}", "name") from None
        if "ods_code" in text:
            raise ServiceError(f"Another partner already uses ODS code {ods_code}", "ods_code") from None
        raise


def check_list_size(patients, as_of: date | None, field: str = "patients", date_field: str = "as_of") -> int:
    """Refuse a list size that is not a whole number of patients counted on a past date (every problem)."""
    checks = Checks()
    if patients is None:
        checks.add("Enter the registered list size", field)
    elif isinstance(patients, bool) or not isinstance(patients, int):
        checks.add("Enter the list size as a whole number, like 9200", field)
    elif not 0 <= patients <= MAX_LIST_SIZE:
        checks.add(f"List size must be between 0 and {MAX_LIST_SIZE:,}", field)
    if as_of is None:
        checks.add("Enter the date the list size was taken", date_field)
    elif as_of > clock.today():
        checks.add("The date the list size was taken must be today or in the past", date_field)
    elif as_of.year < EARLIEST_LIST_SIZE_YEAR:
        checks.add(f"Year must be {EARLIEST_LIST_SIZE_YEAR} or later", date_field)
    checks.raise_any()
    return patients


def _check_new_list_size(checks: Checks, data: dict, kind: str | None) -> int | None:
    patients, as_of = data.get("list_size"), data.get("list_size_as_of")
    if patients is None and as_of is not None:
        checks.add("Enter the registered list size, or leave its date empty", "list_size")
    elif patients is not None and kind not in (None, PartnerKind.GP_PRACTICE):
        checks.add("Only GP practices have a registered list size", "list_size")
    elif patients is not None:
        checks.run(check_list_size, patients, as_of, "list_size", "list_size_as_of")
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
    decision_reference = check_length(checks, clean_line(data.get("decision_reference")), "decision_reference")
    decision_id, decision_reference = decision_links.resolve(decision_reference, checks)
    patients = _check_new_list_size(checks, data, values["kind"])
    checks.raise_any()
    partner = Partner(network_id=network.id, **values)
    db.session.add(partner)
    _flush_refusing_duplicates(values["name"], values["ods_code"])
    _add_status_change(partner, status, status_from, actor, decision_reference, decision_id=decision_id)
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
    _flush_refusing_duplicates(values["name"], values["ods_code"])
    return partner


def check_status(status, message: str = "Select the membership status") -> MembershipStatus:
    """The membership status, or a ServiceError on the status field."""
    if status not in MembershipStatus._value2member_map_:
        raise ServiceError(message, "status")
    return MembershipStatus(status)


def _next_revision(model, day_column, partner: Partner, day: date) -> int:
    latest = db.session.execute(select(func.max(model.revision)).where(
        model.partner_id == partner.id, day_column == day)).scalar_one()
    return (latest or 0) + 1


def _flush_refusing_a_second_revision(message: str, field: str) -> None:
    """Flush; two saves for the same date that raced past the lock (none should) are refused, not doubled."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if "revision" in str(error.orig):
            raise ServiceError(message, field) from None
        raise


def _add_status_change(partner, status, effective_on, actor, decision_reference="", note="", decision_id=None):
    change = PartnerStatusChange(
        network_id=partner.network_id, partner=partner, status=status.value, effective_on=effective_on,
        revision=_next_revision(PartnerStatusChange, PartnerStatusChange.effective_on, partner, effective_on),
        decision_reference=decision_reference, decision_id=decision_id, note=note,
        recorded_by_id=actor.id if actor else None)
    db.session.add(change)
    _flush_refusing_a_second_revision("Someone else recorded a status for this date at the same moment. "
                                      "Check the membership history, then try again", "effective_on")
    return change


def record_status_change(partner: Partner, status: str, effective_on: date | None, actor: User | None,
                         *, decision_reference: str = "", note: str = "") -> PartnerStatusChange:
    """Record a change of membership status from a date; earlier history is kept as it was.

    A second entry for the same date corrects the first (the latest revision counts).
    """
    checks = Checks()
    status = checks.run(check_status, status, "Select the new membership status")
    if effective_on is None:
        checks.add("Enter the date the change takes effect", "effective_on")
    decision_reference = check_length(checks, clean_line(decision_reference), "decision_reference")
    decision_id, decision_reference = decision_links.resolve(decision_reference, checks)
    note = check_length(checks, clean_text(note), "note")
    checks.raise_any()
    serialise_on(partner)  # the check below and the revision read what a concurrent save committed
    if partner.status_on(effective_on) == status:
        raise ServiceError(f"{partner.name} is already {status.label.lower()} on "
                           f"{format_date(effective_on)}", "status")
    return _add_status_change(partner, status, effective_on, actor, decision_reference, note, decision_id)


def _add_list_size(partner, patients, as_of, actor, source, revision=1):
    size = ListSize(network_id=partner.network_id, partner=partner, patients=patients, as_of=as_of,
                    revision=revision, source=source, recorded_by_id=actor.id if actor else None)
    db.session.add(size)
    _flush_refusing_a_second_revision(f"A list size as of {format_date(as_of)} was recorded by someone else at "
                                      "the same moment. Check the list size history", "as_of")
    return size


def recorded_list_size(partner: Partner, as_of: date) -> ListSize | None:
    """The list size counting for exactly this date (its latest revision), if one is recorded."""
    return db.session.execute(
        select(ListSize).where(ListSize.partner_id == partner.id, ListSize.as_of == as_of)
        .order_by(ListSize.revision.desc()).limit(1)).scalar_one_or_none()


def record_list_size(partner: Partner, patients: int, as_of: date | None, actor: User | None,
                     source: str = "entered", *, corrects: bool = False) -> ListSize:
    """Record a GP practice's registered list size as of a date; earlier counts are kept.

    A date has one list size: recording another for the same date must say it corrects it
    (`corrects`), and then the correction counts. The same count again is refused.
    """
    if not partner.is_gp_practice:
        raise ServiceError("Only GP practices have a registered list size", "patients")
    check_list_size(patients, as_of)
    serialise_on(partner)  # a concurrent post for the same date is seen before we write
    recorded = recorded_list_size(partner, as_of)
    if recorded is not None and recorded.patients == patients:
        raise ServiceError(f"A list size of {patients:,} as of {format_date(as_of)} is already recorded", "as_of")
    if recorded is not None and not corrects:
        raise ServiceError(f"{partner.name} already has a list size of {recorded.patients:,} as of "
                           f"{format_date(as_of)}. To replace it, say that this corrects it", "corrects")
    return _add_list_size(partner, patients, as_of, actor, source, recorded.revision + 1 if recorded else 1)


def clean_contact(data: dict) -> dict:
    """A contact's fields, trimmed and checked; every problem at once."""
    checks = Checks()
    values = {key: check_length(checks, clean_line(data.get(key)), key, CONTACT_LIMITS) for key in CONTACT_FIELDS}
    if not values["name"]:
        checks.add("Enter the contact's name", "name")
    email = clean_line(data.get("email"))
    if email and len(email) <= CONTACT_LIMITS["email"][0] and not EMAIL_PATTERN.match(email):
        checks.add("Enter an email address in the correct format, like name@example.com", "email")
    checks.raise_any()
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


network_services.provide_partner_choices(partner_choices)
