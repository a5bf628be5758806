"""The agenda: items in order, added before any other business, moved up and down, timed back to back.

Positions run 1, 2, 3... with no gaps and are unique per meeting in the database. Every change
that moves positions is serialised on the meeting, so two secretaries reordering at once both
land, one after the other. Once the papers are issued an item is never deleted: it is withdrawn
and stays on the agenda, marked as such, so the record matches what was sent.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.locking import serialise_on
from governance.core.text import clean_line, clean_text
from governance.extensions import db
from governance.meetings import times
from governance.meetings.meeting_models import (
    AgendaItem,
    ItemPurpose,
    Meeting,
    MeetingPaper,
    MeetingStatus,
    StandingItem,
)

MAX_MINUTES = 600


def items_of(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items in order, read afresh."""
    return list(db.session.execute(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position)).scalars())


def timings(meeting: Meeting, items: list[AgendaItem]) -> tuple[dict[int, datetime], datetime]:
    """Each item's planned start (withdrawn items take no time) and when the last item ends."""
    running = [item for item in items if not item.is_withdrawn]
    starts = times.item_starts(meeting.starts_at, [item.duration_minutes for item in running])
    ends = starts[-1] + _minutes(running[-1]) if running else meeting.starts_at
    return {item.id: start for item, start in zip(running, starts, strict=True)}, ends


def _minutes(item: AgendaItem) -> timedelta:
    return timedelta(minutes=item.duration_minutes)


def _clean_item(data: dict) -> dict:
    checks = Checks()
    title = clean_line(data.get("title"))[:300]
    if not title:
        checks.add("Enter the title of the item", "title")
    if data.get("purpose") not in ItemPurpose._value2member_map_:
        checks.add("Select what the item is for", "purpose")
    minutes = data.get("duration_minutes")
    if minutes is None:
        checks.add("Enter the time allowed in minutes, like 15", "duration_minutes")
    elif not 0 <= minutes <= MAX_MINUTES:
        checks.add(f"The time allowed must be between 0 and {MAX_MINUTES} minutes", "duration_minutes")
    confidential, public = bool(data.get("confidential")), bool(data.get("papers_public"))
    if confidential and public:
        checks.add("A confidential item's papers cannot be open to everyone: untick one", "papers_public")
    checks.raise_any()
    return {"title": title, "presenter": clean_line(data.get("presenter"))[:200], "purpose": data["purpose"],
            "duration_minutes": minutes, "description": clean_text(data.get("description"))[:5000],
            "confidential": confidential, "papers_public": public}


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ServiceError("This meeting has been cancelled, so its agenda cannot be changed")
    if meeting.status == MeetingStatus.HELD:
        raise ServiceError("This meeting has been held, so its agenda is kept as it was")


def _set_position(item: AgendaItem, position: int) -> None:
    item.position = position
    db.session.flush()


def add_item(meeting: Meeting, data: dict, actor: User | None) -> AgendaItem:
    """Add an item to the agenda, before any other business when that closes it."""
    values = _clean_item(data)
    serialise_on(meeting)
    _check_open(meeting)
    items = items_of(meeting)
    position = len(items) + 1
    last = items[-1] if items else None
    if last is not None and last.standing_key == StandingItem.ANY_OTHER_BUSINESS:
        position = last.position
        _set_position(last, len(items) + 1)
    item = AgendaItem(network_id=meeting.network_id, meeting_id=meeting.id, position=position, **values)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: AgendaItem, data: dict, version) -> AgendaItem:
    """Change an item's details, refusing to overwrite someone else's save."""
    check_version(item, version)
    _check_open(item.meeting)
    if item.is_withdrawn:
        raise ServiceError("This item has been withdrawn, so it cannot be changed", "title")
    for key, value in _clean_item(data).items():
        setattr(item, key, value)
    db.session.flush()
    return item


def move_item(meeting: Meeting, item_id: int, direction: str) -> AgendaItem:
    """Swap an item with the one above ('up') or below ('down')."""
    if direction not in ("up", "down"):
        raise ServiceError("Choose whether to move the item up or down")
    serialise_on(meeting)
    _check_open(meeting)
    items = items_of(meeting)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise ServiceError("That item is no longer on the agenda")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        where = "first" if direction == "up" else "last"
        raise ServiceError(f"\"{items[index].title}\" is already the {where} item")
    item, neighbour = items[index], items[other]
    mine, theirs = item.position, neighbour.position
    _set_position(item, -item.id)  # out of the way: positions are unique per meeting
    _set_position(neighbour, mine)
    _set_position(item, theirs)
    return item


def remove_item(meeting: Meeting, item_id: int, actor: User | None) -> AgendaItem:
    """Take an item off the agenda; once the papers are issued it is withdrawn instead, and stays listed."""
    serialise_on(meeting)
    _check_open(meeting)
    items = items_of(meeting)
    item = next((i for i in items if i.id == item_id), None)
    if item is None or item.is_withdrawn:
        raise ServiceError("That item is no longer on the agenda")
    if meeting.papers_issued:
        item.withdrawn_at = clock.now()
        db.session.flush()
        return item
    for paper in db.session.execute(select(MeetingPaper).where(MeetingPaper.agenda_item_id == item.id)).scalars():
        db.session.delete(paper)
    db.session.delete(item)
    db.session.flush()
    for later in items:  # close the gap, lowest first: each moves into the place just freed
        if later.position > item.position:
            _set_position(later, later.position - 1)
    return item
