"""Importing partners and list sizes from CSV (all rows or none), and exporting partners as CSV."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.extensions import db
from governance.partners import services
from governance.partners.models import MembershipStatus, Partner, PartnerKind

MAX_BYTES = 200 * 1024  # stays well under the form field limit when the text comes back on confirm
MAX_ROWS = 1000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EARLIEST_YEAR = 1900  # as the date boxes on the forms


class ImportKind(StrEnum):
    PARTNERS = "partners"
    LIST_SIZES = "list_sizes"


COLUMNS = {
    ImportKind.PARTNERS: ["name", "kind", "ods_code", "address", "website", "contact_name",
                          "contact_job_title", "contact_email", "contact_phone", "status", "status_from",
                          "list_size", "list_size_as_of", "notes"],
    ImportKind.LIST_SIZES: ["ods_code", "list_size", "as_of"],
}
REQUIRED = {ImportKind.PARTNERS: ["name", "kind"], ImportKind.LIST_SIZES: ["ods_code", "list_size"]}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)


@dataclass
class ImportPreview:
    kind: ImportKind
    text: str = ""
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return COLUMNS[self.kind]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.invalid_rows

    def count_of(self, number: int) -> str:
        """'1 partner', '12 list sizes': how many of what this file imports."""
        return count_of(self.kind, number)


def count_of(kind: ImportKind, number: int) -> str:
    noun = "partner" if kind == ImportKind.PARTNERS else "list size"
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# Reading the file ---------------------------------------------------------------------------

def read_upload(storage) -> str:
    """The text of an uploaded CSV file, or a ServiceError on the file field."""
    if storage is None or not getattr(storage, "filename", ""):
        raise ServiceError("Select a CSV file", "file")
    if not storage.filename.lower().endswith(".csv"):
        raise ServiceError("The selected file must be a CSV file", "file")
    data = storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ServiceError(f"The selected file must be smaller than {MAX_BYTES // 1024} KB", "file")
    if not data.strip():
        raise ServiceError("The selected file is empty", "file")
    return decode_csv(data)


def decode_csv(data: bytes) -> str:
    """Decode UTF-8 (with or without a byte order mark), or the Windows encoding Excel often uses."""
    if b"\x00" in data:
        raise ServiceError("The selected file is not a CSV file. Save it as 'CSV UTF-8' and try again",
                           "file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ServiceError("The selected file could not be read. Save it as 'CSV UTF-8' and try again",
                           "file") from None


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (text or "").strip().lower()).strip("_")


def _parse(kind: ImportKind, text: str) -> ImportPreview:
    preview = ImportPreview(kind, text)
    if len(text.encode("utf-8")) > 2 * MAX_BYTES:  # the decoded text may be longer than the file was
        preview.file_errors.append(f"The file must be smaller than {MAX_BYTES // 1024} KB")
        return preview
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        preview.file_errors.append(f"The file could not be read as CSV: {exc}")
        return preview
    records = [(number, r) for number, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not records:
        preview.file_errors.append("The file is empty")
        return preview
    headers = _check_headers(kind, records[0][1], preview)
    if preview.file_errors:
        return preview
    if len(records) == 1:
        preview.file_errors.append("The file has column headings but no rows to import")
    elif len(records) - 1 > MAX_ROWS:
        preview.file_errors.append(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")
    for line, record in records[1:MAX_ROWS + 1]:
        row = ImportRow(line, {h: (record[i].strip() if i < len(record) else "")
                               for i, h in enumerate(headers) if h})
        if len(record) > len(headers) and any(c.strip() for c in record[len(headers):]):
            row.errors.append("This row has more values than there are column headings")
        preview.rows.append(row)
    return preview


def _check_headers(kind: ImportKind, cells: list[str], preview: ImportPreview) -> list[str]:
    headers = [_header_key(cell) for cell in cells]
    known = COLUMNS[kind]
    unknown = [cell.strip() for cell, key in zip(cells, headers, strict=True) if key and key not in known]
    missing = [name for name in REQUIRED[kind] if name not in headers]
    repeated = sorted({key for key in headers if key and headers.count(key) > 1})
    if missing:
        preview.file_errors.append(
            f"The first row must be the column headings. Missing: {', '.join(missing)}. "
            f"The columns are: {', '.join(known)}")
    if unknown:
        preview.file_errors.append(f"Unknown column headings: {', '.join(unknown)}")
    if repeated:
        preview.file_errors.append(f"Column headings used more than once: {', '.join(repeated)}")
    return [key if key in known else "" for key in headers]


# Checking each row --------------------------------------------------------------------------

KIND_ALIASES = {"gp": PartnerKind.GP_PRACTICE, "practice": PartnerKind.GP_PRACTICE,
                "icb": PartnerKind.COMMISSIONER, "ccg": PartnerKind.COMMISSIONER,
                "commissioner": PartnerKind.COMMISSIONER, "pharmacy": PartnerKind.COMMUNITY_PHARMACY,
                "social_care": PartnerKind.LOCAL_AUTHORITY, "voluntary": PartnerKind.VOLUNTARY_SECTOR,
                "vcs": PartnerKind.VOLUNTARY_SECTOR, "federation": PartnerKind.GP_FEDERATION}


def _lookup(enum_cls, labels: dict, text: str):
    wanted = _header_key(text)
    if enum_cls is PartnerKind and wanted in KIND_ALIASES:
        return KIND_ALIASES[wanted]
    for member in enum_cls:
        if wanted in (member.value, _header_key(labels[member])):
            return member
    return None


def _date(text: str, what: str, errors: list[str]) -> date | None:
    if not text:
        return clock.today()
    for pattern in DATE_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day.year >= EARLIEST_YEAR:
            return day
    errors.append(f"{what} '{text}' is not a date. Use the format 2026-04-01 or 01/04/2026")
    return None


def _count(text: str, errors: list[str]) -> int | None:
    cleaned = text.replace(",", "").replace(" ", "")
    if not (cleaned.isascii() and cleaned.isdigit()):  # not '²', which int() refuses
        errors.append(f"List size '{text}' is not a whole number")
        return None
    if len(cleaned) > len(str(services.MAX_LIST_SIZE)):  # int() refuses thousands of digits
        errors.append(f"List size must be between 0 and {services.MAX_LIST_SIZE:,}")
        return None
    return int(cleaned)


def _service_check(errors: list[str], check, *args):
    try:
        return check(*args)
    except ServiceError as error:
        errors.append(error.message)
        return None


def _check_partner_row(row: ImportRow, seen: dict, existing: dict) -> None:
    values, errors = row.values, row.errors
    name = services.clean_line(values.get("name"))
    kind = _lookup(PartnerKind, {k: k.label for k in PartnerKind}, values.get("kind", ""))
    ods_code = services.normalise_ods_code(values.get("ods_code"))
    if not name:
        errors.append("Enter the organisation's name")
    elif len(name) > 200:
        errors.append("Name must be 200 characters or fewer")
    if kind is None:
        errors.append(f"Unknown kind '{values.get('kind', '')}'. Use one of: "
                      + ", ".join(k.label for k in PartnerKind))
    elif ods_code:
        _service_check(errors, services.check_ods_code, ods_code, kind)
    _check_duplicates(row, name, ods_code, seen, existing)
    status = _lookup(MembershipStatus, {s: s.label for s in MembershipStatus}, values.get("status") or "active")
    if status is None:
        errors.append(f"Unknown status '{values['status']}'. Use prospective, active, suspended or left")
    website = _service_check(errors, services.normalise_website, values.get("website"))
    row.data = {"name": name, "kind": kind and kind.value, "ods_code": ods_code, "website": website,
                "address": values.get("address", ""), "notes": values.get("notes", ""),
                "status": status and status.value, "source": "imported",
                "status_from": _date(values.get("status_from", ""), "Status date", errors)}
    _check_row_list_size(row, kind)
    _check_row_contact(row)


def _check_duplicates(row: ImportRow, name: str, ods_code: str | None, seen: dict, existing: dict) -> None:
    for key, label in ((("ods", ods_code), f"ODS code {ods_code}"), (("name", name.lower()), name)):
        if not key[1]:
            continue
        if key in existing:
            row.errors.append(f"Duplicate: {existing[key]} already has {label}"
                              if key[0] == "ods" else f"Duplicate: there is already a partner called {label}")
        elif key in seen:
            row.errors.append(f"Duplicate: {label} is also on row {seen[key]}")
        else:
            seen[key] = row.line


def _check_row_list_size(row: ImportRow, kind: PartnerKind | None) -> None:
    text = row.values.get("list_size", "")
    row.data["list_size"] = None
    if not text:
        return
    if kind is not None and kind != PartnerKind.GP_PRACTICE:
        row.errors.append("Only GP practices have a registered list size")
        return
    patients = _count(text, row.errors)
    as_of = _date(row.values.get("list_size_as_of", ""), "List size date", row.errors)
    if patients is not None and as_of is not None:
        _service_check(row.errors, services.check_list_size, patients, as_of)
    row.data.update(list_size=patients, list_size_as_of=as_of)


def _check_row_contact(row: ImportRow) -> None:
    contact = {key: row.values.get(f"contact_{key}", "") for key in services.CONTACT_FIELDS}
    row.data["contact"] = None
    if any(contact.values()):
        row.data["contact"] = _service_check(row.errors, services.clean_contact, contact)


def _check_list_size_row(row: ImportRow, seen: dict, practices: dict) -> None:
    ods_code = services.normalise_ods_code(row.values.get("ods_code"))
    partner = practices.get(ods_code)
    if not ods_code:
        row.errors.append("Enter the practice's ODS code")
    elif partner is None:
        row.errors.append(f"No partner in this network has ODS code {ods_code}")
    elif not partner.is_gp_practice:
        row.errors.append(f"{partner.name} is not a GP practice, so it has no list size")
    patients = _count(row.values.get("list_size", ""), row.errors)
    as_of = _date(row.values.get("as_of", ""), "Date", row.errors)
    if patients is not None and as_of is not None:
        _service_check(row.errors, services.check_list_size, patients, as_of)
    key = (ods_code, as_of)
    if ods_code and key in seen:
        row.errors.append(f"Duplicate: {ods_code} as of {format_date(as_of)} is also on row {seen[key]}")
    seen.setdefault(key, row.line)
    row.data = {"partner": partner, "patients": patients, "as_of": as_of}


def preview_import(network, kind: str, text: str) -> ImportPreview:
    """Read and check every row of a CSV import into a network, saving nothing."""
    try:
        kind = ImportKind(kind)
    except ValueError:
        raise ServiceError("Select what you are importing", "what") from None
    preview = _parse(kind, text or "")
    if preview.file_errors:
        return preview
    partners = list(db.session.execute(select(Partner)).scalars())  # the current network's, through tenancy
    seen: dict = {}
    if kind == ImportKind.PARTNERS:
        existing = {("ods", p.ods_code): p.name for p in partners if p.ods_code}
        existing.update({("name", p.name.lower()): p.name for p in partners})
        for row in preview.rows:
            _check_partner_row(row, seen, existing)
    else:
        practices = {p.ods_code: p for p in partners if p.ods_code}
        for row in preview.rows:
            _check_list_size_row(row, seen, practices)
    return preview


def apply_import(network, preview: ImportPreview, actor: User | None) -> int:
    """Save every row of a valid preview, or nothing; returns how many rows were saved."""
    if not preview.is_valid:
        raise ServiceError("Nothing has been imported: correct the errors in the file and upload it again")
    try:
        for row in preview.rows:
            _save_row(network, preview.kind, row, actor)
    except ServiceError as error:
        db.session.rollback()  # a row that passed the checks failed after all: keep none of them
        raise ServiceError(f"Nothing has been imported: row {row.line}: {error.message}") from error
    return len(preview.rows)


def _save_row(network, kind: ImportKind, row: ImportRow, actor: User | None) -> None:
    if kind == ImportKind.PARTNERS:
        partner = services.create_partner(network, row.data, actor)
        if row.data["contact"]:
            services.add_contact(partner, row.data["contact"])
    else:
        services.record_list_size(row.data["partner"], row.data["patients"], row.data["as_of"],
                                  actor, source="imported")


# Export -------------------------------------------------------------------------------------

def _cell(value) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_partners_csv(partners, day: date | None = None) -> str:
    """The partners as CSV in the import's columns, with their current status and list size."""
    day = day or clock.today()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[ImportKind.PARTNERS])
    for partner in partners:
        contact = partner.contacts[0] if partner.contacts else None
        change = partner.status_change_on(day)
        size = partner.list_size_on(day) if partner.is_gp_practice else None
        writer.writerow([_cell(v) for v in (
            partner.name, partner.kind_label, partner.ods_code, partner.address, partner.website,
            contact and contact.name, contact and contact.job_title, contact and contact.email,
            contact and contact.phone, change and change.status, change and change.effective_on.isoformat(),
            size and size.patients, size and size.as_of.isoformat(), partner.notes)])
    return out.getvalue()
