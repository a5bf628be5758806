"""The partner downloads: every partner as CSV in the import's columns (so it imports back to update
partners), and a list-size file to fill in."""

import csv
import io
from datetime import date

from sqlalchemy import select

from governance.core import clock
from governance.extensions import db
from governance.partners.imports import COLUMNS, CONTACT_COLUMNS, FORMULA_START, ImportKind
from governance.partners.models import Partner, PartnerKind


def _export_cell(value) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_partners_csv(partners, day: date | None = None, *, with_contacts: bool = True) -> str:
    """The partners as CSV in the import's columns, with their current status and list size.

    Without `with_contacts` (a member who may not see contact details) the contact columns are left out.
    """
    day = day or clock.today()
    columns = [c for c in COLUMNS[ImportKind.PARTNERS] if with_contacts or c not in CONTACT_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for partner in partners:
        contact = partner.contacts[0] if partner.contacts else None
        change = partner.status_change_on(day)
        size = partner.list_size_on(day) if partner.is_gp_practice else None
        values = {
            "name": partner.name, "kind": partner.kind_label, "ods_code": partner.ods_code,
            "address": partner.address, "website": partner.website, "contact_name": contact and contact.name,
            "contact_job_title": contact and contact.job_title, "contact_email": contact and contact.email,
            "contact_phone": contact and contact.phone, "status": change and change.status,
            "status_from": change and change.effective_on.isoformat(), "list_size": size and size.patients,
            "list_size_as_of": size and size.as_of.isoformat(), "notes": partner.notes}
        writer.writerow([_export_cell(values[column]) for column in columns])
    return out.getvalue()


def list_size_template_csv() -> str:
    """A list-size file to fill in: one row per GP practice with an ODS code; rows left blank are skipped."""
    practices = db.session.execute(
        select(Partner.ods_code, Partner.name).where(Partner.kind == PartnerKind.GP_PRACTICE,
                                                     Partner.ods_code.is_not(None))
        .order_by(Partner.name_key, Partner.id)).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[ImportKind.LIST_SIZES])
    for ods_code, name in practices:
        writer.writerow([_export_cell(ods_code), _export_cell(name), "", ""])
    return out.getvalue()
