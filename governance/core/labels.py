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
    return [(label, readable_value(record, field, getattr(record, field, None)))
            for field, label in getattr(record, "field_labels", {}).items()]
