"""Actions arising from an agenda item or a decision: who does what by when, and how it is going.

Secretaries record and reassign actions; an action's owner updates their own (a dated progress
note and a status). Every update is kept (append-only); the action holds the latest status.
"""

from datetime import date

from sqlalchemy import select

from governance.auth.models import User
from governance.core import clock, ledger
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.text import clean_text
from governance.decisions.models import ActionStatus, ActionUpdate, BoardAction, Decision
from governance.extensions import db
from governance.meetings.meeting_models import AgendaItem, Meeting
from governance.networks.models import Membership

DESCRIPTION_LIMIT = 2_000
NOTE_LIMIT = 5_000


def member_choices() -> list[tuple[int, str]]:
    """Active members of the network, by name, for choosing an action's owner."""
    members = db.session.execute(select(Membership).where(Membership.active.is_(True))).scalars()
    return sorted(((m.id, m.user.full_name) for m in members), key=lambda pair: pair[1].lower())


def _clean(data: dict, checks: Checks) -> dict:
    description = clean_text(data.get("description"))
    if not description:
        checks.add("Enter what needs to be done", "description")
    elif len(description) > DESCRIPTION_LIMIT:
        checks.add(f"The action must be {DESCRIPTION_LIMIT:,} characters or fewer", "description")
    owner = db.session.get(Membership, data.get("owner_id")) if data.get("owner_id") else None
    if owner is None or not owner.active:
        checks.add("Choose who owns the action", "owner_id")
    if not data.get("due_on"):
        checks.add("Enter the date the action is due by", "due_on")
    return {"description": description, "owner_id": owner.id if owner else None, "due_on": data.get("due_on")}


def create_action(meeting: Meeting | None, item: AgendaItem | None, decision: Decision | None, data: dict,
                  actor: User | None) -> BoardAction:
    """Record an action arising from a meeting's item or from a decision."""
    checks = Checks()
    values = _clean(data, checks)
    if item is not None and meeting is not None and item.meeting_id != meeting.id:
        checks.add("Choose an item of this meeting's agenda", "agenda_item_id")
    checks.raise_any()
    board_id = decision.board_id if decision is not None else meeting.board_id
    action = BoardAction(network_id=(decision or meeting).network_id, board_id=board_id,
                         meeting_id=meeting.id if meeting else (decision.meeting_id if decision else None),
                         agenda_item_id=item.id if item else (decision.agenda_item_id if decision else None),
                         decision_id=decision.id if decision else None, created_by_id=actor.id if actor else None,
                         status=ActionStatus.OPEN.value, **values)
    db.session.add(action)
    db.session.flush()
    return action


def update_action(action: BoardAction, data: dict, version) -> BoardAction:
    """A secretary changes what the action is, who owns it or when it is due."""
    check_version(action, version)
    checks = Checks()
    values = _clean(data, checks)
    checks.raise_any()
    for key, value in values.items():
        setattr(action, key, value)
    db.session.flush()
    return action


def may_update(action: BoardAction, membership: Membership | None, manages: bool) -> bool:
    """Owners update their own actions; secretaries and admins update any."""
    return manages or (membership is not None and action.owner_id == membership.id)


def record_progress(action: BoardAction, data: dict, actor: User, *, membership: Membership | None,
                    manages: bool) -> ActionUpdate:
    """A dated progress note and the status it leaves the action in; done or dropped closes it."""
    if not may_update(action, membership, manages):
        raise ServiceError("Only the action's owner or the board secretary can update it")
    checks = Checks()
    status = data.get("status") or ""
    if status not in ActionStatus._value2member_map_:
        checks.add("Select the action's status", "status")
    note = clean_text(data.get("note"))
    if len(note) > NOTE_LIMIT:
        checks.add(f"The progress note must be {NOTE_LIMIT:,} characters or fewer", "note")
    on: date = data.get("recorded_on") or clock.today()
    if on > clock.today():
        checks.add("The date of the update must be today or in the past", "recorded_on")
    if not note and status == action.status:
        checks.add("Enter what has happened, or change the status", "note")
    checks.raise_any()
    update = ActionUpdate(network_id=action.network_id, action_id=action.id, note=note, status=status,
                          recorded_on=on, recorded_at=clock.now(), recorded_by_id=actor.id)
    db.session.add(update)
    action.status = status
    action.completed_on = on if ActionStatus(status).is_closed else None
    db.session.flush()
    if ActionStatus(status).is_closed:
        ledger.record(action.network_id, f"action.{status}", "ActionUpdate", update.id,
                      {"action": action.id, "description": action.description, "status": status,
                       "on": on.isoformat(), "note": note},
                      summary=f"Action {action.reference} {ActionStatus(status).label.lower()}", actor_id=actor.id)
    return update
