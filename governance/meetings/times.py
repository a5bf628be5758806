"""Meeting times: UK clock times typed by people, stored as UTC; agenda timings; the papers deadline."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from governance.core import clock
from governance.core.errors import ServiceError

PAPERS_CLEAR_DAYS = 3
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str | None, field: str, what: str) -> time:
    """'10:00', '9.30', '2pm' or '2:30pm' as a time of day; a ServiceError on `field` otherwise."""
    value = (text or "").strip().lower().replace(" ", "")
    if not value:
        raise ServiceError(f"Enter the time the meeting {what}", field)
    match = _TIME.match(value)
    if match is None:
        raise ServiceError(f"Enter the time the meeting {what} like 10:00 or 2:30pm", field)
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise ServiceError(f"Enter the time the meeting {what} like 10:00 or 2:30pm", field)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ServiceError(f"Enter a real time the meeting {what}, like 10:00 or 2:30pm", field)
    return time(hour, minute)


def uk_moment(day: date, at: time, field: str) -> datetime:
    """The UTC moment of a UK clock time on a day; refuses a time the clocks skip in spring."""
    local = datetime.combine(day, at, tzinfo=clock.LONDON)
    moment = local.astimezone(UTC)
    if moment.astimezone(clock.LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ServiceError("That time does not exist on that day because the clocks go forward. "
                           "Enter another time", field)
    return moment


def time_text(moment: datetime) -> str:
    """A stored moment as a UK clock time for a form: '10:00'."""
    return f"{clock.local(moment):%H:%M}"


def papers_due_by(meeting_day: date) -> date:
    """The last day papers can be sent and still give the members 3 clear days before the meeting."""
    return meeting_day - timedelta(days=PAPERS_CLEAR_DAYS + 1)


def clear_days(sent_on: date, meeting_day: date) -> int:
    """Whole days between the day papers are sent and the day of the meeting, neither counted."""
    return max(0, (meeting_day - sent_on).days - 1)


@dataclass(frozen=True)
class PapersDeadline:
    due_by: date
    clear_days: int
    late: bool

    @property
    def words(self) -> str:
        days = f"{self.clear_days} clear day{'s' if self.clear_days != 1 else ''}"
        if self.late:
            return (f"It is now {days} before the meeting: papers should be sent at least "
                    f"{PAPERS_CLEAR_DAYS} clear days before it.")
        return f"Sent today, the members have {days} to read the papers."


def papers_deadline(meeting_start: datetime, today: date | None = None) -> PapersDeadline:
    """When the papers are due, and whether sending them today is late."""
    day = clock.local(meeting_start).date()
    today = today or clock.today()
    days = clear_days(today, day)
    return PapersDeadline(due_by=papers_due_by(day), clear_days=days, late=days < PAPERS_CLEAR_DAYS)


def item_starts(start: datetime, durations: list[int]) -> list[datetime]:
    """Each item's planned start, the items run back to back from the meeting's start."""
    starts, moment = [], start
    for minutes in durations:
        starts.append(moment)
        moment += timedelta(minutes=minutes)
    return starts
