"""Importing partners and list sizes from CSV (all rows or none); the downloads are in exports.py.

A partners file adds new partners and updates the partners whose ODS code it carries, so the
partners download can be edited in a spreadsheet and imported back; the preview shows every
change before anything is saved. Reading is linear in the file and capped: at most MAX_BYTES,
MAX_ROWS rows, MAX_COLUMNS columns and MAX_CELL characters in a value.
"""

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import ServiceError
from governance.core.formatting import format_date
from governance.partners import services
from governance.partners.models import EARLIEST_LIST_SIZE_YEAR, MembershipStatus, Partner, PartnerKind, name_key

MAX_BYTES = 200 * 1024
MAX_ROWS = 1_000
MAX_COLUMNS = 50
MAX_CELL = 5_000  # the longest field (notes)
# How much a request to the import pages may carry: the file (or, on confirm, its text, which
# may be up to 3 bytes a character in UTF-8 when the file was in the Windows encoding) and the
# other fields. A larger request is refused before it is read, with the import's own 413 page.
MAX_UPLOAD_REQUEST = MAX_BYTES + 64 * 1024
MAX_CONFIRM_REQUEST = 3 * MAX_BYTES + 64 * 1024
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
    ImportKind.LIST_SIZES: ["ods_code", "practice", "list_size", "as_of"],  # practice: for reading only
}
REQUIRED = {ImportKind.PARTNERS: ["name", "kind"], ImportKind.LIST_SIZES: ["ods_code", "list_size"]}
CONTACT_COLUMNS = ["contact_name", "contact_job_title", "contact_email", "contact_phone"]


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    partner: Partner | None = None  # the partner a row updates (matched by ODS code)
    changes: list[str] = field(default_factory=list)  # what saving the row changes, in words
    skipped: str = ""  # why a row saves nothing ("No change")

    @property
    def action(self) -> str:
        if self.errors:
            return "Not imported"
        if self.skipped:
            return self.skipped
        return "Update" if self.partner is not None else "Add"


@dataclass
class ImportPreview:
    kind: ImportKind
    text: str = ""
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns_in_file: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [column for column in COLUMNS[self.kind] if column in self.columns_in_file]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def saved_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors and not row.skipped]

    @property
    def problems(self) -> list[tuple[str, str]]:
        """Every problem, each on its own: (message, anchor) for the error summary."""
        found = [(message, "#file") for message in self.file_errors]
        found += [(f"Row {row.line}: {error}", f"#row-{row.line}") for row in self.invalid_rows for error in row.errors]
        return found

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.saved_rows) and not self.invalid_rows

    @property
    def digest(self) -> str:
        """A fingerprint of what confirming would save: if it differs at confirm, nothing is saved."""
        plan = [(row.line, row.action, row.partner.id if row.partner else None, row.partner.version
                 if row.partner else None, sorted(row.values.items()), row.changes) for row in self.rows]
        return hashlib.sha256(repr((self.kind.value, plan)).encode()).hexdigest()

    def count_of(self, number: int) -> str:
        """'1 partner', '12 list sizes': how many of what this file imports."""
        return count_of(self.kind, number)


def count_of(kind: ImportKind, number: int) -> str:
    noun = "partner" if kind == ImportKind.PARTNERS else "list size"
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def summary_of(preview: ImportPreview) -> str:
    """'2 partners added and 3 updated', '12 list sizes imported': what confirming saves, in words."""
    rows = preview.saved_rows
    if preview.kind == ImportKind.LIST_SIZES:
        return f"{count_of(preview.kind, len(rows))} imported"
    added = sum(1 for row in rows if row.partner is None)
    if not added or added == len(rows):
        return f"{count_of(preview.kind, len(rows))} {'updated' if not added else 'added'}"
    return f"{count_of(preview.kind, added)} added and {len(rows) - added:,} updated"


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


def _cell(text: str) -> str:
    """A value as typed: trimmed, and without the quote mark our download puts before a formula."""
    text = text.strip()
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


class FileProblem(Exception):
    """Reading stopped: the file is too big in some way, or is not well-formed CSV."""


def _records(text: str):
    """(row number, cells) of each non-blank row, within the caps; FileProblem when they are passed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number, found = 0, 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileProblem(_csv_problem(number, error)) from None
        if len(cells) > MAX_COLUMNS:
            raise FileProblem(f"Row {number} has {len(cells):,} columns. A file can have at most {MAX_COLUMNS} "
                              "columns: check that it is the right file")
        if any(len(cell) > MAX_CELL for cell in cells):
            raise FileProblem(f"Row {number} has a value longer than {MAX_CELL:,} characters. No value in a "
                              "partner record is that long: check that it is the right file")
        if any(cell.strip() for cell in cells):
            found += 1
            if found > MAX_ROWS + 1:  # the headings and MAX_ROWS rows
                raise FileProblem(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")
            yield number, cells


def _csv_problem(number: int, error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return (f'Row {number} has a quote mark (") that is never closed, so the rest of the file would '
                "be read as one value. Check the quote marks on that row")
    if "field larger than field limit" in str(error):
        return f"Row {number} has a value longer than {MAX_CELL:,} characters"
    return (f'Row {number}: a value in quote marks (") has more text after its closing quote mark. Put quote '
            'marks around the whole value, and write a quote mark inside a value as two ("")')


def _parse(kind: ImportKind, text: str) -> ImportPreview:
    preview = ImportPreview(kind, text)
    if len(text) > MAX_BYTES:  # a file of MAX_BYTES decodes to at most MAX_BYTES characters
        preview.file_errors.append(f"The file must be smaller than {MAX_BYTES // 1024} KB")
        return preview
    try:
        records = list(_records(text))
    except FileProblem as problem:
        preview.file_errors.append(str(problem))
        return preview
    if not records:
        preview.file_errors.append("The file is empty")
        return preview
    headers = _check_headers(kind, records[0][1], preview)
    if preview.file_errors:
        return preview
    if len(records) == 1:
        preview.file_errors.append("The file has column headings but no rows to import")
    for line, record in records[1:]:
        row = ImportRow(line, {h: (_cell(record[i]) if i < len(record) else "") for i, h in enumerate(headers) if h})
        if len(record) > len(headers) and any(c.strip() for c in record[len(headers):]):
            row.errors.append("This row has more values than there are column headings")
        preview.rows.append(row)
    return preview


def _check_headers(kind: ImportKind, cells: list[str], preview: ImportPreview) -> list[str]:
    headers = [_header_key(cell) for cell in cells]
    known = COLUMNS[kind]
    unknown = [cell.strip() for cell, key in zip(cells, headers, strict=True) if key and key not in known]
    missing = [name for name in REQUIRED[kind] if name not in headers]
    counts = Counter(key for key in headers if key)
    repeated = sorted(key for key, times in counts.items() if times > 1)
    if missing:
        preview.file_errors.append(
            f"The first row must be the column headings. Missing: {', '.join(missing)}. "
            f"The columns are: {', '.join(known)}")
    if unknown:
        preview.file_errors.append(f"Unknown column headings: {', '.join(unknown)}")
    if repeated:
        preview.file_errors.append(f"Column headings used more than once: {', '.join(repeated)}")
    preview.columns_in_file = [key for key in headers if key in known]
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


def _date(text: str, what: str, errors: list[str], earliest: int = EARLIEST_YEAR) -> date | None:
    if not text:
        return clock.today()
    for pattern in DATE_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day.year >= earliest:
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
    """Run a service check; each problem it finds becomes one of the row's errors."""
    try:
        return check(*args)
    except ServiceError as error:
        errors.extend(problem.message for problem in getattr(error, "problems", [error]))
        return None


@dataclass
class Existing:
    """The network's partners, found by ODS code and by name."""

    by_ods: dict[str, Partner]
    by_name: dict[str, Partner]

    @classmethod
    def load(cls) -> "Existing":
        partners = services.all_partners()  # the current network's, through tenancy
        return cls({p.ods_code: p for p in partners if p.ods_code}, {p.name_key: p for p in partners})


def _check_partner_row(row: ImportRow, seen: dict, existing: Existing) -> None:
    values, errors = row.values, row.errors
    name = services.clean_line(values.get("name"))
    kind = _lookup(PartnerKind, {k: k.label for k in PartnerKind}, values.get("kind", ""))
    ods_code = services.normalise_ods_code(values.get("ods_code"))
    row.partner = existing.by_ods.get(ods_code) if ods_code else None
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
    for key, limit in (("address", 1_000), ("notes", 5_000)):
        if len(row.data[key]) > limit:
            errors.append(f"{key.capitalize()} must be {limit:,} characters or fewer")
    _check_row_list_size(row, kind)
    _check_row_contact(row)
    if row.partner is not None and kind not in (None, PartnerKind.GP_PRACTICE) and row.partner.list_sizes:
        errors.append(f"{row.partner.name} has list sizes recorded, so it must stay a GP practice")
    if not errors and row.partner is not None:
        row.changes = _changes(row)
        row.skipped = "" if row.changes else "No change"


def _check_duplicates(row: ImportRow, name: str, ods_code: str | None, seen: dict, existing: Existing) -> None:
    if ods_code:
        if ("ods", ods_code) in seen:
            row.errors.append(f"Duplicate: ODS code {ods_code} is also on row {seen[('ods', ods_code)]}")
        seen.setdefault(("ods", ods_code), row.line)
    if not name:
        return
    key = name_key(name)
    other = existing.by_name.get(key)
    if other is not None and other is not row.partner:
        hint = "" if ods_code or not other.ods_code else f". To update it, give its ODS code, {other.ods_code}"
        row.errors.append(f"Duplicate: there is already a partner called {other.name}{hint}")
    elif ("name", key) in seen:
        row.errors.append(f"Duplicate: {name} is also on row {seen[('name', key)]}")
    seen.setdefault(("name", key), row.line)


def _check_row_list_size(row: ImportRow, kind: PartnerKind | None) -> None:
    text = row.values.get("list_size", "")
    row.data["list_size"] = None
    if not text:
        return
    if kind is not None and kind != PartnerKind.GP_PRACTICE:
        row.errors.append("Only GP practices have a registered list size")
        return
    patients = _count(text, row.errors)
    as_of = _date(row.values.get("list_size_as_of", ""), "List size date", row.errors, EARLIEST_LIST_SIZE_YEAR)
    if patients is not None and as_of is not None:
        _service_check(row.errors, services.check_list_size, patients, as_of)
    row.data.update(list_size=patients, list_size_as_of=as_of)


def _check_row_contact(row: ImportRow) -> None:
    contact = {key: row.values.get(f"contact_{key}", "") for key in services.CONTACT_FIELDS}
    row.data["contact"] = None
    if any(contact.values()):
        row.data["contact"] = _service_check(row.errors, services.clean_contact, contact)


# What an update changes -----------------------------------------------------------------------

LABELS = {"name": "Name", "kind": "Kind", "address": "Address", "website": "Website", "notes": "Notes"}


def _shown(field: str, value) -> str:
    if field == "kind" and value:
        return PartnerKind(value).label
    return f"'{value}'" if value else "nothing"


def _changes(row: ImportRow) -> list[str]:
    """What importing the row changes on the partner it matches, in words; only its columns count."""
    partner, data, present = row.partner, row.data, row.values.keys()
    changes = [f"{LABELS[key]}: {_shown(key, getattr(partner, key))} to {_shown(key, data[key])}"
               for key in LABELS if key in present and (data[key] or "") != (getattr(partner, key) or "")]
    if row.values.get("status"):
        current = partner.status_on(data["status_from"])
        if current != MembershipStatus(data["status"]):
            changes.append(f"Membership status: {MembershipStatus(data['status']).label.lower()} from "
                           f"{format_date(data['status_from'])}")
    if data["list_size"] is not None:
        recorded = _recorded(partner, data["list_size_as_of"])
        if recorded is None or recorded.patients != data["list_size"]:
            was = f" (corrects {recorded.patients:,})" if recorded else ""
            changes.append(f"List size as of {format_date(data['list_size_as_of'])}: {data['list_size']:,}{was}")
    contact = data["contact"]
    if contact:
        first = partner.contacts[0] if partner.contacts else None
        if first is None:
            changes.append(f"Contact added: {contact['name']}")
        elif any(row.values.get(f"contact_{key}") is not None and contact[key] != getattr(first, key)
                 for key in services.CONTACT_FIELDS):
            changes.append(f"Contact {first.name} updated")
    return changes


def _recorded(partner: Partner, as_of: date):
    """The list size counting for exactly this date, from the partner's loaded history."""
    return max((size for size in partner.list_sizes if size.as_of == as_of), key=lambda size: size.revision,
               default=None)


def _check_list_size_row(row: ImportRow, seen: dict, practices: dict) -> None:
    ods_code = services.normalise_ods_code(row.values.get("ods_code"))
    if not row.values.get("list_size"):
        row.skipped = "No list size: skipped"
        return
    partner = practices.get(ods_code)
    if not ods_code:
        row.errors.append("Enter the practice's ODS code")
    elif partner is None:
        row.errors.append(f"No partner in this network has ODS code {ods_code}")
    elif not partner.is_gp_practice:
        row.errors.append(f"{partner.name} is not a GP practice, so it has no list size")
    patients = _count(row.values.get("list_size", ""), row.errors)
    as_of = _date(row.values.get("as_of", ""), "Date", row.errors, EARLIEST_LIST_SIZE_YEAR)
    if patients is not None and as_of is not None:
        _service_check(row.errors, services.check_list_size, patients, as_of)
    key = (ods_code, as_of)
    if ods_code and key in seen:
        row.errors.append(f"Duplicate: {ods_code} as of {format_date(as_of)} is also on row {seen[key]}")
    seen.setdefault(key, row.line)
    row.data = {"partner": partner, "patients": patients, "as_of": as_of}
    if not row.errors:
        recorded = _recorded(partner, as_of)
        if recorded is not None and recorded.patients == patients:
            row.skipped = "No change: already recorded"
        elif recorded is not None:
            row.changes = [f"Corrects {recorded.patients:,} recorded for {format_date(as_of)}"]
            row.data["corrects"] = True


def preview_import(network, kind: str, text: str) -> ImportPreview:
    """Read and check every row of a CSV import into a network, saving nothing."""
    try:
        kind = ImportKind(kind)
    except ValueError:
        raise ServiceError("Select what you are importing", "what") from None
    preview = _parse(kind, text or "")
    if preview.file_errors:
        return preview
    existing = Existing.load()
    seen: dict = {}
    for row in preview.rows:
        if kind == ImportKind.PARTNERS:
            _check_partner_row(row, seen, existing)
        else:
            _check_list_size_row(row, seen, existing.by_ods)
    if not preview.saved_rows and not preview.invalid_rows:
        preview.file_errors.append("Nothing to import: every row is already in Accord as it is in the file"
                                   if kind == ImportKind.PARTNERS else
                                   "Nothing to import: every row is already recorded or has no list size")
    return preview


def apply_import(network, preview: ImportPreview, actor: User | None) -> int:
    """Save every row of a valid preview, or nothing; returns how many rows were saved."""
    if not preview.is_valid:
        raise ServiceError("Nothing has been imported: correct the errors in the file and upload it again")
    rows = preview.saved_rows
    for row in rows:
        try:
            _save_row(network, preview.kind, row, actor)
        except ServiceError as error:  # a row that passed the checks failed after all: keep none of them
            raise ServiceError(f"Nothing has been imported: row {row.line}: {error.message}") from error
    return len(rows)


def confirm_import(network, kind: str, text: str, digest: str, actor: User | None) -> ImportPreview:
    """Check the file again and save it, all or nothing, if it would save exactly what its preview showed."""
    preview = preview_import(network, kind, text)
    if preview.is_valid and preview.digest != digest:
        raise ServiceError("Nothing has been imported: the partners changed after you checked the file. "
                           "Check the changes below again, then import")
    apply_import(network, preview, actor)
    return preview


def _save_row(network, kind: ImportKind, row: ImportRow, actor: User | None) -> None:
    if kind == ImportKind.LIST_SIZES:
        services.record_list_size(row.data["partner"], row.data["patients"], row.data["as_of"], actor,
                                  source="imported", corrects=row.data.get("corrects", False))
    elif row.partner is None:
        partner = services.create_partner(network, row.data, actor)
        if row.data["contact"]:
            services.add_contact(partner, row.data["contact"])
    else:
        _update_partner(row, actor)


def _update_partner(row: ImportRow, actor: User | None) -> None:
    partner, data, present = row.partner, row.data, row.values.keys()
    fields = {key: (data[key] if key in present or key in ("name", "kind") else getattr(partner, key))
              for key in services.PARTNER_FIELDS}
    fields["ods_code"] = partner.ods_code
    services.update_partner(partner, fields, partner.version)
    if row.values.get("status") and partner.status_on(data["status_from"]) != MembershipStatus(data["status"]):
        services.record_status_change(partner, data["status"], data["status_from"], actor,
                                      note="Imported from a CSV file")
    if data["list_size"] is not None:
        recorded = services.recorded_list_size(partner, data["list_size_as_of"])
        if recorded is None or recorded.patients != data["list_size"]:
            services.record_list_size(partner, data["list_size"], data["list_size_as_of"], actor,
                                      source="imported", corrects=recorded is not None)
    if data["contact"]:
        first = partner.contacts[0] if partner.contacts else None
        if first is None:
            services.add_contact(partner, data["contact"])
        else:
            merged = {key: (data["contact"][key] if f"contact_{key}" in present else getattr(first, key))
                      for key in services.CONTACT_FIELDS}
            services.update_contact(first, merged, first.version)
