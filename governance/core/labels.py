"""How records read to people: kinds of record, field labels and values in words.

Models declare `record_label`, `field_labels` and `value_labels` (core.db.Audited); the audit
trail and the "latest saved details" panel both read them through these functions.
"""

import enum
from datetime import date, datetime

from governance.core.formatting import format_date, format_datetime


def record_label(model) -> str:
    """'Partner', 'MOU signature': the kind of record, in the product's words."""
    cls = model if isinstance(model, type) else type(model)
    label = getattr(cls, "record_label", "")
    if label:
        return label
    name = cls.__name__
    return "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(name))


def readable_value(model, field: str, value) -> str:
    """A stored value as people read it: words for codes, `22 November 2026`, Yes/No, 'None'."""
    if isinstance(value, enum.Enum):
        value = value.value
    words = getattr(model, "value_labels", {}).get(field)
    if words and value is not None:
        return words.get(str(value), str(value))
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def saved_details(record) -> list[tuple[str, str]]:
    """(label, value) of every labelled field of a record, as it is saved now."""
    links = linked_fields(record)
    return [(label, str(getattr(record, links[field]) or "None") if field in links
             else readable_value(record, field, getattr(record, field, None)))
            for field, label in getattr(record, "field_labels", {}).items()]


# --- the audit trail in words ---------------------------------------------------------------------

# Fields no reader needs: keys, bookkeeping, fingerprints. Models without `field_labels` show every
# other field under a name made from the column's.
INTERNAL_FIELDS = {"id", "network_id", "version", "created_at", "updated_at", "sha256", "pdf", "params"}


def is_internal(field: str) -> bool:
    return field in INTERNAL_FIELDS or field.endswith(("_hash", "_token"))


def type_label(model, entity_type: str) -> str:
    """'MOU signature' for a record type named in the audit trail; the class name in words if unknown."""
    if model is not None:
        return record_label(model)
    return "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(entity_type))


def field_label(model, field: str) -> str | None:
    """A changed field's label, or None when people need not see it."""
    labels = getattr(model, "field_labels", None) or {}
    if field in labels:
        return labels[field]
    if labels or is_internal(field):
        return None  # a model that lists its fields shows only those
    words = field.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def stored_value(model, field: str, value):
    """A value as the audit trail stored it (ISO text for dates) turned back into its type."""
    table = getattr(model, "__table__", None)
    column = table.c.get(field) if table is not None else None
    if column is None or not isinstance(value, str):
        return value
    python_type = getattr(getattr(column.type, "impl", column.type), "python_type", None)
    try:
        if python_type is datetime:
            return datetime.fromisoformat(value)
        if python_type is date:
            return date.fromisoformat(value)
    except ValueError:
        return value
    return value


def linked_fields(model) -> dict[str, str]:
    """Fields that hold another record's id, with the relationship that names it ({"partner_id": "partner"})."""
    return getattr(model, "linked_fields", {}) or {}
