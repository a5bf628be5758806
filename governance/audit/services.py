"""Reading the current network's audit trail, in the words people use for their records."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from governance.auth.models import User
from governance.core import labels
from governance.core.audit import AuditEntry
from governance.core.clock import LONDON
from governance.core.db import Audited
from governance.core.formatting import format_datetime
from governance.extensions import db
from governance.networks.models import Membership

ACTIONS = {"create": "Created", "update": "Changed", "delete": "Deleted"}
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def audit_query(network_id: int, entity_type=None, user_id=None, date_from=None, date_to=None):
    """Entries of one network, newest first, filtered (the user comes in the same query)."""
    query = (select(AuditEntry)
             .where(AuditEntry.network_id == network_id)
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if user_id:
        query = query.where(AuditEntry.user_id == user_id)
    # Dates are UK dates, as the page shows them (midnight in London is 23:00 UTC in summer).
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(date_from, time(), LONDON))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time(), LONDON)
        query = query.where(AuditEntry.created_at < end)
    return query


def audited_models() -> dict[str, type]:
    """Every kind of record the trail can name, by the class name it stores."""
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers
            if issubclass(mapper.class_, Audited)}


def record_type_choices() -> list[tuple[str, str]]:
    """The record types, in the product's words, for the filter: from the models, not the data."""
    kinds = sorted(audited_models().items(), key=lambda item: labels.record_label(item[1]).lower())
    return [("", "Any")] + [(name, labels.record_label(model)) for name, model in kinds]


def author_name(user_id: int | None) -> str | None:
    """The name of a member of this network, for "changes by ..."; None for anyone else."""
    if not user_id:
        return None
    return db.session.execute(select(User.full_name).join(Membership, Membership.user_id == User.id)
                              .where(User.id == user_id)).scalar_one_or_none()


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class EntryView:
    """One audit entry as the page and the export show it."""

    entry: AuditEntry
    type_label: str
    action: str
    record: str
    changes: list[Change] = field(default_factory=list)

    @property
    def who(self) -> str:
        return self.entry.user.full_name if self.entry.user else "Accord (automatic)"


@dataclass
class AuditPage:
    items: list[EntryView]
    page: int
    has_prev: bool
    has_next: bool

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def audit_page(query, page: int, per_page: int = 50) -> AuditPage:
    """One page of entries, newest first, in words. Costs what the page shows: no count of the
    whole trail, one query for the entries and one per kind of linked record named on the page."""
    page = page if 0 < page <= 100_000 else 1
    entries = list(db.session.execute(query.offset((page - 1) * per_page).limit(per_page + 1)).scalars())
    return AuditPage(describe(entries[:per_page]), page, page > 1, len(entries) > per_page)


def describe(entries: list[AuditEntry]) -> list[EntryView]:
    models = audited_models()
    names = _linked_names(entries, models)
    views = []
    for entry in entries:
        model = models.get(entry.entity_type)
        views.append(EntryView(entry, labels.type_label(model, entry.entity_type),
                               ACTIONS.get(entry.action, entry.action.replace("_", " ").capitalize()),
                               entry.summary, _changes(model, entry, names)))
    return views


def _changes(model, entry: AuditEntry, names: dict) -> list[Change]:
    if not isinstance(entry.changes, dict):
        return []
    links = labels.linked_fields(model)
    rows = []
    for name, values in entry.changes.items():
        label = labels.field_label(model, name)
        if label is None:
            continue
        pair = values if isinstance(values, list) and len(values) == 2 else [None, values]
        rows.append(Change(label, *(_value(model, name, value, links, names) for value in pair)))
    return rows


def _value(model, name, value, links, names) -> str:
    if name in links and value is not None:
        return names.get((name, model), {}).get(value, "A record no longer available")
    return labels.readable_value(model, name, labels.stored_value(model, name, value))


def _linked_names(entries, models) -> dict:
    """{(field, model): {id: name}} for the ids in linked fields on these entries, one query per kind."""
    wanted: dict[tuple, set] = {}
    for entry in entries:
        model = models.get(entry.entity_type)
        for name in labels.linked_fields(model):
            for value in (entry.changes or {}).get(name) or []:
                if isinstance(value, int):
                    wanted.setdefault((name, model), set()).add(value)
    names = {}
    for (name, model), ids in wanted.items():
        target = getattr(model, labels.linked_fields(model)[name]).property.mapper.class_
        names[(name, model)] = {record.id: str(record) for record in
                                db.session.execute(select(target).where(target.id.in_(ids))).scalars()}
    return names


def _cell(value) -> str:
    """Text that a spreadsheet will not run as a formula (as the partners export does)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def export_csv(query, batch: int = 500) -> str:
    """The filtered trail as CSV for an auditor: one row per changed field, UK times, in words."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["When (UK time)", "Who", "Action", "Record type", "Record", "Field", "Before", "After"])
    offset = 0
    while True:
        entries = list(db.session.execute(query.offset(offset).limit(batch)).scalars())
        for view in describe(entries):
            base = [format_datetime(view.entry.created_at), view.who, view.action, view.type_label, view.record]
            for change in view.changes or [Change("", "", "")]:
                writer.writerow([_cell(v) for v in (*base, change.label, change.before, change.after)])
        if len(entries) < batch:
            return out.getvalue()
        offset += batch
