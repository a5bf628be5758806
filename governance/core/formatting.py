"""How dates, times and money are shown: `22 November 2026`, `£1,234.56`."""

from datetime import UTC, date, datetime

from markupsafe import Markup

from governance.core.clock import LONDON


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON) if value.tzinfo else value
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON) if value.tzinfo else value.replace(tzinfo=UTC)
    return f"{format_date(local)} at {local:%H:%M}"


def format_money(pence: int | None) -> str:
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def format_number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def css_string(value) -> Markup:
    """A quoted CSS string for `content:` inside <style>, where HTML escaping would show as `&amp;`."""
    text = "" if value is None else str(value)
    escaped = "".join(c if c.isalnum() or c in " .,-_'()&:/" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')  # noqa: S704 - every character outside a safe set is escaped
