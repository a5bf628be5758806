"""Correcting a gift or hospitality, or a declaration made at a meeting, that was recorded wrongly.

Nothing is rewritten. A correction is a new row that `corrects_id` the one it corrects (at most one
correction each, a unique constraint: the history never forks) and says why; the latest version is
the one that counts everywhere (the register, the meeting's quorum and vote exclusions, the minutes
drafted from now on). The corrected row stays, shown as "Corrected on …". Both go on the ledger and
the audit trail.

A declaration at a meeting can still be corrected after the meeting's minutes are approved (the
register of interests must be right), but the approved minutes are never changed by it: they record
the original, and the secretary is told so and pointed at a correction to the minutes.
"""

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks, ServiceError
from governance.core.forms import optional_int
from governance.core.locking import serialise_on
from governance.core.text import clean_text
from governance.declarations import at_meetings, ledger_records, register
from governance.declarations.models import GiftDeclaration, Management, MeetingDeclaration
from governance.extensions import db
from governance.meetings import agenda
from governance.meetings.meeting_models import Meeting

REASON_LIMIT = 1000
GIFT_FIELDS = ("received_on", "giver", "description", "value_pence", "accepted")


def _reason(data: dict, checks: Checks) -> str:
    reason = clean_text(data.get("reason"))
    if not reason:
        checks.add("Enter why the entry is corrected", "reason")
    elif len(reason) > REASON_LIMIT:
        checks.add(f"The reason must be {REASON_LIMIT:,} characters or fewer", "reason")
    return reason


def _refuse_if_corrected(model, old) -> None:
    if db.session.execute(select(model.id).where(model.corrects_id == old.id)).first():
        raise ServiceError("That entry has already been corrected. Open it again to correct its latest version")


def correction_of(model, row) -> object | None:
    return db.session.execute(select(model).where(model.corrects_id == row.id)).scalar_one_or_none()


def is_latest(model, row) -> bool:
    return correction_of(model, row) is None


# Gifts and hospitality ------------------------------------------------------------------------

def correct_gift(old: GiftDeclaration, data: dict, actor: User | None) -> GiftDeclaration:
    """A corrected version of a gift or hospitality entry; the entry as first recorded stays, marked corrected."""
    serialise_on(old)
    _refuse_if_corrected(GiftDeclaration, old)
    checks = Checks()
    values = register.gift_values(data, checks)
    reason = _reason(data, checks)
    checks.raise_any()
    if all(values[name] == getattr(old, name) for name in GIFT_FIELDS):
        raise ServiceError("Change at least one detail: the correction says the same as the entry", "giver")
    row = GiftDeclaration(network_id=old.network_id, membership_id=old.membership_id, declared_on=old.declared_on,
                          corrects_id=old.id, correction_reason=reason, recorded_at=clock.now(),
                          recorded_by_id=actor.id if actor else None, **values)
    db.session.add(row)
    db.session.flush()
    ledger_records.record(row, "gift.corrected", f"A gift or hospitality entry of {old.membership.user.full_name} "
                          f"was corrected: {reason[:120]}", row.recorded_by_id)
    return row


def gift_form_data(gift: GiftDeclaration) -> dict:
    """The entry as the correction form starts from it."""
    return {"received_on": gift.received_on, "giver": gift.giver, "description": gift.description,
            "value": f"{gift.value_pence // 100}.{gift.value_pence % 100:02d}",
            "accepted": "accepted" if gift.accepted else "declined"}


def current_gifts(rows: list[GiftDeclaration]) -> list[GiftDeclaration]:
    """Of a list holding every version, the latest version of each gift."""
    corrected = {row.corrects_id for row in rows if row.corrects_id}
    return [row for row in rows if row.id not in corrected]


def corrections_among(rows: list) -> dict[int, object]:
    """For each corrected row of the list, the row that corrects it."""
    return {row.corrects_id: row for row in rows if row.corrects_id}


# Declarations at meetings ---------------------------------------------------------------------

def correctable_items(meeting: Meeting):
    return at_meetings.declarable_items(meeting, agenda.items_of(meeting))


def correct_meeting_declaration(old: MeetingDeclaration, data: dict, actor: User | None) -> MeetingDeclaration:
    """A corrected version of a declaration at a meeting (item, how the chair managed it, note); the quorum and
    vote exclusions follow the correction. Approved minutes keep the original."""
    meeting = old.meeting
    serialise_on(meeting)
    _refuse_if_corrected(MeetingDeclaration, old)
    checks = Checks()
    items = {item.id: item for item in correctable_items(meeting)}
    item = items.get(optional_int(data.get("agenda_item_id")))
    if item is None:
        checks.add("Choose the agenda item the interest was declared on", "agenda_item_id")
    management = data.get("management")
    if management not in Management._value2member_map_:
        checks.add("Select how the chair managed the interest", "management")
    note = clean_text(data.get("note"))
    if len(note) > 1000:
        checks.add("The note must be 1,000 characters or fewer", "note")
    reason = _reason(data, checks)
    checks.raise_any()
    if (item.id, management, note) == (old.agenda_item_id, old.management, old.note):
        raise ServiceError("Change at least one detail: the correction says the same as the declaration",
                           "management")
    if item.id != old.agenda_item_id and any(
            r.agenda_item_id == item.id and r.board_member_id == old.board_member_id
            and r.declaration_id == old.declaration_id for r in at_meetings.declarations_at(meeting) if r.id != old.id):
        raise ServiceError(f"{old.seat.name} has already declared that interest on that item", "agenda_item_id")
    row = MeetingDeclaration(network_id=old.network_id, meeting_id=old.meeting_id, agenda_item_id=item.id,
                             board_member_id=old.board_member_id, declaration_id=old.declaration_id,
                             management=management, note=note, corrects_id=old.id, correction_reason=reason,
                             recorded_by_id=actor.id if actor else None, recorded_at=clock.now())
    db.session.add(row)
    db.session.flush()
    at_meetings.forget_read()
    ledger_records.record(row, "declaration.at_meeting.corrected",
                          f"The declaration of {old.seat.name} on item {item.position} of {meeting} was corrected: "
                          f"{row.management_enum.label.lower()}", row.recorded_by_id)
    return row
