"""The one clock: `now()` for timestamps (UTC) and `today()` for dates people see (Europe/London).

Everything that asks for the time goes through here, so tests can freeze it (time-machine).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current moment, timezone-aware UTC: what timestamps store."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in England: what 'current', 'overdue' and 'due' mean to users."""
    return datetime.now(LONDON).date()


def local(moment: datetime) -> datetime:
    """A stored UTC moment as UK time."""
    return moment.astimezone(LONDON)
