"""Optimistic locking for editable records: forms carry the version they were opened at."""

from governance.core.errors import EditConflict


def check_version(record, submitted_version) -> None:
    """Raise EditConflict when the record has been saved since the form was opened."""
    try:
        submitted = int(submitted_version)
    except (TypeError, ValueError):
        submitted = -1
    if submitted != record.version:
        raise EditConflict(record)
