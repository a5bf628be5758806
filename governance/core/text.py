"""Cleaning free text users type: no control characters (PostgreSQL refuses NUL), plain line endings."""

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(value) -> str:
    """The text with control characters removed and line endings made plain newlines; nothing trimmed."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def clean_text(value) -> str:
    """Trimmed multi-line text with plain line endings and no control characters."""
    return without_controls(value).strip()


def clean_line(value) -> str:
    """Text for a one-line field: as clean_text, with line breaks and tabs made spaces."""
    return re.sub(r"[\t\n]+", " ", clean_text(value))
