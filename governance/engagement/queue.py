"""The staff queue: acknowledge, tag a theme, assign an owner, respond, close, publish; lists and CSV.

Status runs received -> acknowledged -> in progress -> responded -> closed; each step is dated on
the item and audited. Targets are working days from the day it arrived, fixed when it arrived.
Nothing here reads who sent an item (see engagement.models).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from governance.accountability.models import Workstream
from governance.auth.models import User
from governance.core import clock, outbox
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.formatting import format_date
from governance.core.locking import serialise_on
from governance.core.permissions import Role
from governance.core.text import clean_line, clean_text
from governance.engagement import feedback as feedback_services
from governance.engagement.models import Feedback, FeedbackStatus
from governance.engagement.workdays import working_days_between
from governance.extensions import db
from governance.networks.models import Membership, Network

RESPONSE_LIMIT, THEME_LIMIT = 5000, 100
OPEN = (FeedbackStatus.RECEIVED.value, FeedbackStatus.ACKNOWLEDGED.value, FeedbackStatus.IN_PROGRESS.value)
STAFF_ROLES = (Role.NETWORK_ADMIN.value, Role.BOARD_SECRETARY.value, Role.BOARD_MEMBER.value,
               Role.PARTNER_REPRESENTATIVE.value)


def overdue_clause(today: date):
    """Items past a target: not acknowledged by its day, or not answered by its day."""
    return or_(and_(Feedback.status == FeedbackStatus.RECEIVED.value, Feedback.acknowledge_due < today),
               and_(Feedback.status.in_(OPEN), Feedback.respond_due < today))


def is_overdue(item: Feedback, today: date) -> bool:
    if item.status == FeedbackStatus.RECEIVED and item.acknowledge_due < today:
        return True
    return item.status in OPEN and item.respond_due < today


def due_text(item: Feedback, today: date) -> str:
    """What the item waits for and by when, in words."""
    if item.status == FeedbackStatus.RECEIVED:
        return f"Acknowledge by {format_date(item.acknowledge_due)}"
    if item.status in OPEN:
        return f"Respond by {format_date(item.respond_due)}"
    return ""


def queue_query(status: str | None = None, theme: str | None = None, overdue: bool = False):
    """The queue, oldest waiting first; optionally by status, by theme, or overdue only."""
    statement = (select(Feedback).options(selectinload(Feedback.workstream), selectinload(Feedback.owner)
                                          .selectinload(Membership.user))
                 .order_by(Feedback.received_at, Feedback.id))
    if status in FeedbackStatus._value2member_map_:
        statement = statement.where(Feedback.status == status)
    theme = clean_line(theme)[:THEME_LIMIT]
    if theme:
        statement = statement.where(Feedback.theme == theme)
    if overdue:
        statement = statement.where(overdue_clause(clock.today()))
    return statement


@dataclass
class QueueCounts:
    by_status: dict[str, int]
    overdue: int


def queue_counts() -> QueueCounts:
    """How many items are in each status, and how many are overdue: two queries."""
    rows = db.session.execute(select(Feedback.status, func.count(Feedback.id)).group_by(Feedback.status))
    by_status = {status.value: 0 for status in FeedbackStatus}
    by_status.update({row[0]: row[1] for row in rows})
    overdue = db.session.execute(select(func.count(Feedback.id)).where(overdue_clause(clock.today()))).scalar_one()
    return QueueCounts(by_status, overdue)


def themes() -> list[str]:
    """The themes staff have used, for filtering and tagging."""
    rows = db.session.execute(select(Feedback.theme).where(Feedback.theme != "").distinct().order_by(Feedback.theme))
    return [row[0] for row in rows]


def owner_choices() -> list[tuple[int, str]]:
    """Active staff members who may own an item (not patient panel members or observers)."""
    rows = db.session.execute(select(Membership.id, User.full_name).join(User, User.id == Membership.user_id)
                              .where(Membership.active.is_(True), Membership.role.in_(STAFF_ROLES))
                              .order_by(func.lower(User.full_name), Membership.id))
    return [(row.id, row.full_name) for row in rows]


def load_item(item: Feedback) -> Feedback:
    """An item with what its page shows (workstream, owner, original words)."""
    return db.session.execute(select(Feedback).where(Feedback.id == item.id).options(
        selectinload(Feedback.workstream), selectinload(Feedback.owner).selectinload(Membership.user),
        selectinload(Feedback.original))).scalar_one()


# ------------------------------------------------------------------------------------ moving an item on

def _tell_sender(item: Feedback, what: str) -> None:
    sender = feedback_services.sender_of(item)
    if sender is None or not sender.email_on_change:
        return
    user = db.session.get(User, sender.user_id)
    if user is None or not user.email:
        return
    outbox.queue_mail(user.email, "engagement_feedback_changed", network_id=item.network_id,
                      reference=item.reference, status=item.status_enum.label, what=what,
                      link=outbox.external_url("engagement.my_item", network_slug=item_network_slug(item),
                                               feedback_id=item.id))


def item_network_slug(item: Feedback) -> str:
    return db.session.get(Network, item.network_id).slug


def _step(item: Feedback, allowed: tuple[str, ...], refusal: str) -> None:
    serialise_on(item)
    if item.status not in allowed:
        raise ServiceError(refusal)


def acknowledge(item: Feedback) -> Feedback:
    """Tell the sender their feedback has been received and is being looked at."""
    _step(item, (FeedbackStatus.RECEIVED.value,), "This feedback has already been acknowledged")
    item.status, item.acknowledged_at = FeedbackStatus.ACKNOWLEDGED.value, clock.now()
    db.session.flush()
    _tell_sender(item, "We have read your feedback and will reply.")
    return item


def start_work(item: Feedback) -> Feedback:
    """Mark that someone is working on it."""
    _step(item, (FeedbackStatus.ACKNOWLEDGED.value,), "Only acknowledged feedback can be marked as in progress")
    item.status, item.in_progress_at = FeedbackStatus.IN_PROGRESS.value, clock.now()
    db.session.flush()
    _tell_sender(item, "Someone is working on your feedback.")
    return item


def respond(item: Feedback, text: str | None) -> Feedback:
    """Record the response (acknowledging it too, if nobody had)."""
    response = clean_text(text)
    if not response:
        raise ServiceError("Enter the response", "response")
    if len(response) > RESPONSE_LIMIT:
        raise ServiceError(f"Response must be {RESPONSE_LIMIT:,} characters or fewer", "response")
    _step(item, OPEN, "This feedback already has a response")
    now = clock.now()
    item.acknowledged_at = item.acknowledged_at or now
    item.status, item.responded_at, item.response = FeedbackStatus.RESPONDED.value, now, response
    db.session.flush()
    _tell_sender(item, "We have replied to your feedback.")
    return item


def close(item: Feedback) -> Feedback:
    """Close an item that has its response."""
    _step(item, (FeedbackStatus.RESPONDED.value,), "Only feedback with a response can be closed")
    item.status, item.closed_at = FeedbackStatus.CLOSED.value, clock.now()
    db.session.flush()
    return item


def update_handling(item: Feedback, data: dict, version) -> Feedback:
    """Tag a theme and assign an owner."""
    check_version(item, version)
    checks = Checks()
    theme = clean_line(data.get("theme"))
    if len(theme) > THEME_LIMIT:
        checks.add(f"Theme must be {THEME_LIMIT} characters or fewer", "theme")
    owner_id = data.get("owner_id")
    if owner_id is not None and owner_id not in {row[0] for row in owner_choices()}:
        checks.add("Select an owner from the network's staff", "owner_id")
    checks.raise_any()
    item.theme, item.owner_id = theme, owner_id
    db.session.flush()
    db.session.expire(item, ["owner"])
    return item


def publish(item: Feedback, wording: str | None, version) -> Feedback:
    """Put the item on the public "You said, we did" page, in wording staff checked for privacy."""
    check_version(item, version)
    text = clean_text(wording)
    if not text:
        raise ServiceError("Enter what the patient said, as it will be published", "published_wording")
    if len(text) > 2000:
        raise ServiceError("Published wording must be 2,000 characters or fewer", "published_wording")
    if item.status not in (FeedbackStatus.RESPONDED.value, FeedbackStatus.CLOSED.value):
        raise ServiceError("Respond to the feedback before publishing it", "published_wording")
    item.published_wording = text
    if not item.published:
        item.published, item.published_at = True, clock.now()
    db.session.flush()
    return item


def publish_prefill(item: Feedback) -> dict:
    """What the publish form starts with: the wording published before, else what the patient wrote."""
    if item.published_wording:
        return {}
    return {"published_wording": item.original.body if item.original is not None else ""}


def unpublish(item: Feedback) -> Feedback:
    """Take the item off the public page (the wording is kept for next time)."""
    serialise_on(item)
    if not item.published:
        raise ServiceError("This feedback is not published")
    item.published, item.published_at = False, None
    db.session.flush()
    return item


# ------------------------------------------------------------------------------------ measures and export

def days_taken(item: Feedback) -> tuple[int | None, int | None]:
    """Working days from arrival to acknowledgement, and to the response (None while waiting)."""
    received = clock.local(item.received_at).date()
    acknowledged = clock.local(item.acknowledged_at).date() if item.acknowledged_at else None
    responded = clock.local(item.responded_at).date() if item.responded_at else None
    return (working_days_between(received, acknowledged) if acknowledged else None,
            working_days_between(received, responded) if responded else None)


CSV_HEAD = ["Reference", "Received", "From", "Source", "About", "Feeling", "Feedback", "Status", "Theme", "Owner",
            "Acknowledge by", "Acknowledged", "Respond by", "Responded", "Closed", "Overdue", "Response",
            "Published"]


def _when(moment) -> str:
    return format_date(clock.local(moment).date()) if moment else ""


def _csv_cell(value: str) -> str:
    # A cell a spreadsheet would run as a formula is prefixed so it shows as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def queue_csv(statement) -> str:
    """The queue as CSV for a spreadsheet; a hidden name is never in it (it is not on the item)."""
    today = clock.today()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEAD)
    rows = db.session.execute(statement.options(selectinload(Feedback.original))).scalars()
    for item in rows:
        owner = item.owner.user.full_name if item.owner is not None else ""
        writer.writerow([_csv_cell(str(value)) for value in (
            item.reference, _when(item.received_at), item.from_label, item.source, item.about, item.feeling_label,
            item.original.body if item.original else "", item.status_enum.label, item.theme, owner,
            format_date(item.acknowledge_due), _when(item.acknowledged_at), format_date(item.respond_due),
            _when(item.responded_at), _when(item.closed_at), "Yes" if is_overdue(item, today) else "No",
            item.response, "Yes" if item.published else "No")])
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ "You said, we did"

def published_query(theme: str | None = None, workstream_id: int | None = None):
    """Published items, newest first; optionally one theme or workstream."""
    statement = (select(Feedback).where(Feedback.published.is_(True)).options(selectinload(Feedback.workstream))
                 .order_by(Feedback.published_at.desc(), Feedback.id.desc()))
    theme = clean_line(theme)[:THEME_LIMIT]
    if theme:
        statement = statement.where(Feedback.theme == theme)
    if workstream_id:
        statement = statement.where(Feedback.workstream_id == workstream_id)
    return statement


def published_filters() -> tuple[list[str], list[tuple[int, str]]]:
    """The themes and workstreams that published items have, for the public page's filters."""
    themes_rows = db.session.execute(select(Feedback.theme).where(Feedback.published.is_(True), Feedback.theme != "")
                                     .distinct().order_by(Feedback.theme))
    ws_rows = db.session.execute(select(Workstream.id, Workstream.name).where(Workstream.id.in_(
        select(Feedback.workstream_id).where(Feedback.published.is_(True)))).order_by(Workstream.name))
    return [row[0] for row in themes_rows], [(row.id, row.name) for row in ws_rows]
