"""Cleaning free text users type: no control characters (PostgreSQL refuses NUL), plain line endings.

Unicode's own line breaks (NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR U+2029) count
as line endings, so a one-line field (a network's name, which ends up in mail headers) never
holds one; bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
can make text read differently from what is stored, are removed with the other controls.
"""

import re

LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(value) -> str:
    """The text with control characters removed and line endings made plain newlines; nothing trimmed."""
    text = LINE_BREAKS.sub("\n", str(value or ""))
    return CONTROL_CHARACTERS.sub("", text)


def clean_text(value) -> str:
    """Trimmed multi-line text with plain line endings and no control characters."""
    return without_controls(value).strip()


def clean_line(value) -> str:
    """Text for a one-line field: as clean_text, with line breaks and tabs made spaces."""
    return re.sub(r"[\t\n]+", " ", clean_text(value))
