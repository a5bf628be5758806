"""Declarations at meetings: who declared what for which agenda item, and how the chair managed it.

The effects follow automatically through the meetings hooks: a member who leaves for an item is
not counted in its quorum; one who may not vote, leaves, or does not receive the papers is excluded
from its vote; one who does not receive the papers cannot open them (nor find them in the board
pack); and when the chair is conflicted on an item the vice-chair takes it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import g, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks, ServiceError
from governance.core.forms import optional_int
from governance.core.locking import serialise_on
from governance.core.text import clean_text
from governance.declarations import ledger_records, register
from governance.declarations.models import InterestDeclaration, Management, MeetingDeclaration
from governance.extensions import db
from governance.meetings import agenda, attendance, hooks
from governance.meetings.meeting_models import AgendaItem, Meeting, StandingItem
from governance.meetings.models import BoardMember, BoardRole

NEW_INTEREST = ""

# Filled by the minutes module: the day a meeting's minutes were approved (None while they are not).
_minutes_approved: list[Callable[[Meeting], date | None]] = []


def register_minutes_approved(read: Callable[[Meeting], date | None]) -> None:
    _minutes_approved.append(read)


def minutes_approved_on(meeting: Meeting) -> date | None:
    return next((day for read in _minutes_approved if (day := read(meeting)) is not None), None)


def all_declarations_at(meeting: Meeting) -> list[MeetingDeclaration]:
    """Every declaration recorded at the meeting, corrected ones included, with its register entry and seat.

    Read once a request (the quorum, the vote, withheld papers and the item notes all ask), so a
    meeting's page costs the same queries whether or not attendance or declarations are recorded.
    """
    cache = g.setdefault("declarations_at", {}) if has_request_context() else {}
    if meeting.id not in cache:
        cache[meeting.id] = list(db.session.execute(
            select(MeetingDeclaration).where(MeetingDeclaration.meeting_id == meeting.id)
            .options(selectinload(MeetingDeclaration.declaration), selectinload(MeetingDeclaration.seat))
            .order_by(MeetingDeclaration.id)).scalars())
    return cache[meeting.id]


def declarations_at(meeting: Meeting) -> list[MeetingDeclaration]:
    """The declarations made at the meeting as they now stand: a corrected one gives way to its correction."""
    rows = all_declarations_at(meeting)
    corrected = {row.corrects_id for row in rows if row.corrects_id}
    return [row for row in rows if row.id not in corrected]


def forget_read() -> None:
    if has_request_context():
        g.pop("declarations_at", None)


def _meeting_day(meeting: Meeting) -> date:
    return min(meeting.local_start.date(), clock.today())


def declarable_items(meeting: Meeting, items: list[AgendaItem]) -> list[AgendaItem]:
    """The items an interest can be declared on: business items still on the agenda."""
    standing = {StandingItem.WELCOME, StandingItem.DECLARATIONS}
    return [item for item in items if not item.is_withdrawn and item.standing_key not in standing]


def _check_entry(seat: BoardMember, entry_id, checks: Checks) -> InterestDeclaration | None:
    if entry_id in (None, NEW_INTEREST):
        return None
    entry = db.session.get(InterestDeclaration, entry_id) if entry_id != -1 else None
    if entry is None or entry.membership_id != seat.membership_id or not entry.is_interest:
        checks.add("Choose one of this member's interests on the register, or declare a new one", "declaration_id")
        return None
    if db.session.execute(select(InterestDeclaration.id).where(InterestDeclaration.replaces_id == entry.id)).first():
        checks.add("That entry has been updated since: choose its latest version", "declaration_id")
    return entry


def record_declaration(network, meeting: Meeting, data: dict, actor: User | None) -> MeetingDeclaration:
    """Record an interest declared at the meeting for an item (a new one goes on the register too)."""
    serialise_on(meeting)
    forget_read()
    if meeting.is_cancelled:
        raise ServiceError("This meeting was cancelled, so no declarations can be recorded")
    checks = Checks()
    items = {item.id: item for item in declarable_items(meeting, agenda.items_of(meeting))}
    item = items.get(optional_int(data.get("agenda_item_id")))
    if item is None:
        checks.add("Choose the agenda item the interest is declared on", "agenda_item_id")
    seats = {seat.id: seat for seat in attendance.seats_for(meeting)}
    seat = seats.get(optional_int(data.get("board_member_id")))
    if seat is None:
        checks.add(f"Choose a member of {meeting.board.name}", "board_member_id")
    if data.get("management") not in Management._value2member_map_:
        checks.add("Select how the chair managed the interest", "management")
    note = clean_text(data.get("note"))
    if len(note) > 1000:
        checks.add("The note must be 1,000 characters or fewer", "note")
    entry = _check_entry(seat, optional_int(data.get("declaration_id")) if data.get("declaration_id") else None,
                         checks) if seat else None
    checks.raise_any()
    if entry is None:
        how = f"Declared at {meeting}, item {item.position}: {Management(data['management']).label.lower()}"
        entry = register.declare_interest(network, seat.membership, {**data, "management": how}, actor,
                                          declared_on=_meeting_day(meeting))
    elif db.session.execute(select(MeetingDeclaration.id).where(
            MeetingDeclaration.agenda_item_id == item.id, MeetingDeclaration.board_member_id == seat.id,
            MeetingDeclaration.declaration_id == entry.id)).first():
        raise ServiceError(f"{seat.name} has already declared that interest on this item", "declaration_id")
    row = MeetingDeclaration(network_id=network.id, meeting_id=meeting.id, agenda_item_id=item.id,
                             board_member_id=seat.id, declaration_id=entry.id, management=data["management"],
                             note=note, recorded_by_id=actor.id if actor else None, recorded_at=clock.now())
    db.session.add(row)
    db.session.flush()
    ledger_records.record(row, "declaration.at_meeting",
                          f"{seat.name} declared an interest on item {item.position} of {meeting}: "
                          f"{row.management_enum.label.lower()}", row.recorded_by_id)
    return row


# The effects, through the meetings hooks ------------------------------------------------------------

def _why(row: MeetingDeclaration) -> str:
    """In words for the meeting's readers; an entry withheld from the published register keeps its details back."""
    entry = row.declaration
    details = "details withheld for a recorded reason" if entry.withheld else entry.description[:80]
    return f"declared a {entry.category_label.lower()} interest ({details})"


def _by_item(meeting: Meeting, managements: set[Management], words) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    for row in declarations_at(meeting):
        if Management(row.management) in managements:
            found.setdefault(row.agenda_item_id, {})[row.board_member_id] = words(row)
    return found


def quorum_exclusions(meeting) -> dict[int, dict[int, str]]:
    return _by_item(meeting, {Management.LEAVES}, lambda row: f"{_why(row)} and left for this item")


def vote_exclusions(meeting) -> dict[int, dict[int, str]]:
    return _by_item(meeting, {m for m in Management if m.excluded_from_vote},
                    lambda row: f"{_why(row)}: {row.management_enum.label.lower()}")


def withheld_papers(meeting) -> dict[int, dict[int, str]]:
    return _by_item(meeting, {Management.NO_PAPERS}, lambda row: _why(row).capitalize())


def who_chairs(meeting: Meeting, rows: list[MeetingDeclaration], seats: list[BoardMember], present: set[int]
               ) -> dict[int, str]:
    """For each item on which the chair is conflicted (anything but taking part), who takes it, in words."""
    chair = next((s for s in seats if s.role == BoardRole.CHAIR), None)
    if chair is None:
        return {}
    vice = next((s for s in seats if s.role == BoardRole.VICE_CHAIR), None)
    words = {}
    for row in rows:
        if row.board_member_id != chair.id or not Management(row.management).excluded_from_vote:
            continue
        conflicted = {r.board_member_id for r in rows if r.agenda_item_id == row.agenda_item_id
                      and Management(r.management).excluded_from_vote}
        if vice is not None and vice.id not in conflicted and (not present or vice.id in present):
            words[row.agenda_item_id] = (f"{vice.name}, vice-chair, chairs this item: the chair, {chair.name}, "
                                         "declared an interest.")
        else:
            words[row.agenda_item_id] = (f"The chair, {chair.name}, declared an interest and the vice-chair cannot "
                                         "take this item: the members present choose who chairs it.")
    return words


def item_notes(meeting) -> dict[int, list[str]]:
    """Lines under each item of the meeting's page: who declared what, how it was managed, who chairs."""
    rows = declarations_at(meeting)
    if not rows:
        return {}
    notes: dict[int, list[str]] = {}
    for row in rows:
        notes.setdefault(row.agenda_item_id, []).append(
            f"{row.seat.name} {_why(row)}. The chair's decision: {row.management_enum.label.lower()}.")
    seats = attendance.seats_for(meeting)
    present = {r.board_member_id for r in attendance.records_of(meeting) if r.status in attendance.IN_THE_ROOM}
    for item_id, words in who_chairs(meeting, rows, seats, present).items():
        notes[item_id].insert(0, words)
    return notes


def manage_links(meeting) -> list[tuple[str, str]]:
    if meeting.is_cancelled:
        return []
    return [("Record declarations of interest", url_for("declarations.meeting", meeting_id=meeting.id))]


hooks.register_exclusions(quorum_exclusions)
hooks.register_vote_exclusions(vote_exclusions)
hooks.register_withheld_papers(withheld_papers)
hooks.register_item_notes(item_notes)
hooks.register_manage_links(manage_links)


# The page of a meeting's declarations ----------------------------------------------------------------

@dataclass
class ItemDeclarations:
    item: AgendaItem
    rows: list[MeetingDeclaration]
    chaired_by: str = ""
    quorum: object = None
    corrected: list[tuple[MeetingDeclaration, MeetingDeclaration]] = field(default_factory=list)  # (old, new)


@dataclass
class MeetingDeclarationsPage:
    meeting: Meeting
    items: list[ItemDeclarations]
    seats: list[BoardMember]
    entries: dict[int, list[InterestDeclaration]] = field(default_factory=dict)  # seat id -> current interests
    minutes_approved_on: date | None = None  # approved minutes record the declarations as they stood then

    @property
    def count(self) -> int:
        return sum(len(entry.rows) for entry in self.items)

    def entry_choices(self) -> list[tuple[str, str]]:
        choices = [(NEW_INTEREST, "A new interest, not yet on the register (describe it below)")]
        for seat in self.seats:
            for entry in self.entries.get(seat.id, []):
                choices.append((str(entry.id), f"{seat.name}: {entry.category_label}, {entry.description[:70]}"))
        return choices


def meeting_page(meeting: Meeting) -> MeetingDeclarationsPage:
    """The declarations of every item, who chairs it, its quorum, and each member's current interests."""
    items = agenda.items_of(meeting)
    seats = attendance.seats_for(meeting)
    rows = declarations_at(meeting)
    records = attendance.records_of(meeting)
    present = {r.board_member_id for r in records if r.status in attendance.IN_THE_ROOM}
    chairs = who_chairs(meeting, rows, seats, present)
    meeting_quorum = attendance.meeting_quorum(meeting, items, records, seats)
    declared = register.declarations_of([seat.membership_id for seat in seats])
    day = meeting.local_start.date()
    entries = {seat.id: register.current_interests([r for r in declared if r.membership_id == seat.membership_id],
                                                   max(day, clock.today()))
               for seat in seats}
    every = all_declarations_at(meeting)
    by_id = {row.id: row for row in every}
    corrected = [(by_id[row.corrects_id], row) for row in every if row.corrects_id in by_id]
    return MeetingDeclarationsPage(
        meeting, [ItemDeclarations(item, [r for r in rows if r.agenda_item_id == item.id], chairs.get(item.id, ""),
                                   meeting_quorum.by_item.get(item.id),
                                   [(old, new) for old, new in corrected if old.agenda_item_id == item.id])
                  for item in declarable_items(meeting, items)], seats, entries, minutes_approved_on(meeting))
