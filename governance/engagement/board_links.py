"""Feedback responses link to the board's decisions and actions (what the feedback led to).

Only decisions and actions the whole network may read can be chosen (none on a confidential item);
their titles and statuses show through on the feedback pages, and link to the record for members
who may open it (a patient sees the words, not a link into the board's pages)."""

from flask import has_request_context, url_for
from sqlalchemy import or_, select

from governance.core import clock
from governance.core.formatting import format_date
from governance.core.permissions import Permission, can
from governance.decisions.models import ActionStatus, BoardAction, Decision, Outcome
from governance.engagement.links import register_link_kind
from governance.extensions import db
from governance.meetings.meeting_models import AgendaItem

CHOICES_SHOWN = 200  # the most recent, newest first


def _decisions(ids: list[int]) -> dict:
    rows = db.session.execute(select(Decision).where(Decision.id.in_(ids), Decision.confidential.is_(False)))
    linked = _may_open()
    return {d.id: (f"{d.reference}: {d.title}", f"{Outcome(d.outcome).label} on {format_date(d.decided_on)}",
                   url_for("decisions.show", decision_id=d.id) if linked else None) for d in rows.scalars()}


def _decision_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Decision.id, Decision.reference, Decision.title)
                              .where(Decision.confidential.is_(False))
                              .order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(CHOICES_SHOWN))
    return [(row.id, f"{row.reference}: {row.title}") for row in rows]


def _open_to_all():
    confidential = select(AgendaItem.id).where(AgendaItem.confidential.is_(True))
    return or_(BoardAction.agenda_item_id.is_(None), BoardAction.agenda_item_id.not_in(confidential))


def _actions(ids: list[int]) -> dict:
    if not ids:
        return {}
    rows = db.session.execute(select(BoardAction).where(BoardAction.id.in_(ids), _open_to_all()))
    linked = _may_open()
    today = clock.today()
    found = {}
    for action in rows.scalars():
        status = ActionStatus(action.status).label
        if not ActionStatus(action.status).is_closed and action.due_on < today:
            status = f"{status}, overdue"
        found[action.id] = (action.description[:200], status,
                            url_for("decisions.action", action_id=action.id) if linked else None)
    return found


def _action_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(BoardAction.id, BoardAction.description).where(_open_to_all())
                              .order_by(BoardAction.id.desc()).limit(CHOICES_SHOWN))
    return [(row.id, row.description[:120]) for row in rows]


def _may_open() -> bool:
    """Whether the signed-in member may open the board's records (patients and the public may not)."""
    return has_request_context() and can(Permission.DECISIONS_VIEW)


register_link_kind("decision", "Decision", _decisions, choices=_decision_choices)
register_link_kind("action", "Action", _actions, choices=_action_choices)
