"""Feedback from patients: the panel member's submission, the public form, and the sender's own pages.

A hidden name is never written where staff can read it: the item holds only `shown_name`, the
sender is kept in `feedback_senders`, and an anonymous submission is audited with no actor.
"""

import hashlib
from contextlib import nullcontext
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from governance.accountability.models import Workstream, WorkstreamStatus
from governance.auth.models import User
from governance.core import audit, clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks, ServiceError
from governance.core.tasks import periodic_task
from governance.core.text import clean_line, clean_text
from governance.engagement.models import (
    EngagementSettings,
    Feedback,
    FeedbackOriginal,
    FeedbackSender,
    FeedbackSource,
    Feeling,
    PublicFormUse,
)
from governance.engagement.workdays import add_working_days
from governance.extensions import db
from governance.networks.models import Network

BODY_LIMIT, TOPIC_LIMIT, NOTICE_LIMIT = 2000, 200, 5000
PUBLIC_LIMIT_PER_HOUR = 5
GENERAL = 0  # the "about" answer for a general topic rather than a workstream


def settings_for(network_id: int) -> EngagementSettings:
    """The network's engagement settings; the defaults (not saved) until someone changes them."""
    found = db.session.execute(select(EngagementSettings)
                               .where(EngagementSettings.network_id == network_id)).scalar_one_or_none()
    return found or EngagementSettings(network_id=network_id, acknowledge_days=3, respond_days=20,
                                       public_form_open=False, privacy_notice="", version=0)


def update_settings(network: Network, data: dict, version) -> EngagementSettings:
    """Change the feedback targets and whether the public form is open."""
    settings = settings_for(network.id)
    if settings.id is not None:
        check_version(settings, version)
    checks = Checks()
    acknowledge, respond = data.get("acknowledge_days"), data.get("respond_days")
    if not isinstance(acknowledge, int) or not 1 <= acknowledge <= 60:
        checks.add("Acknowledge within must be a whole number of working days from 1 to 60", "acknowledge_days")
    if not isinstance(respond, int) or not 1 <= respond <= 120:
        checks.add("Respond within must be a whole number of working days from 1 to 120", "respond_days")
    elif isinstance(acknowledge, int) and respond < acknowledge:
        checks.add("Respond within must be the same as or longer than acknowledge within", "respond_days")
    notice = clean_text(data.get("privacy_notice"))
    if len(notice) > NOTICE_LIMIT:
        checks.add(f"Privacy notice must be {NOTICE_LIMIT:,} characters or fewer", "privacy_notice")
    open_form = bool(data.get("public_form_open"))
    if open_form and not notice:
        checks.add("Enter the privacy notice people read before using the public form", "privacy_notice")
    checks.raise_any()
    if settings.id is None:
        settings.version = 1
        db.session.add(settings)
    settings.acknowledge_days, settings.respond_days = acknowledge, respond
    settings.public_form_open, settings.privacy_notice = open_form, notice
    db.session.flush()
    return settings


def workstream_options() -> list[tuple[int, str]]:
    """The workstreams feedback may be about (not closed), by name."""
    rows = db.session.execute(select(Workstream.id, Workstream.name)
                              .where(Workstream.status != WorkstreamStatus.CLOSED.value)
                              .order_by(func.lower(Workstream.name), Workstream.id))
    return [(row.id, row.name) for row in rows]


def clean_submission(data: dict, checks: Checks) -> dict:
    """What a submission means; every problem is added to `checks` in the patient's words."""
    about = data.get("about")
    workstream_id = None
    if about is None:
        checks.add("Select what your feedback is about", "about")
    elif about != GENERAL:
        if about not in {row[0] for row in workstream_options()}:
            checks.add("Select what your feedback is about", "about")
        else:
            workstream_id = about
    topic = clean_line(data.get("topic"))
    if about == GENERAL and not topic:
        checks.add("Enter what your feedback is about", "topic")
    elif len(topic) > TOPIC_LIMIT:
        checks.add(f"What it is about must be {TOPIC_LIMIT} characters or fewer", "topic")
    body = clean_text(data.get("body"))
    if not body:
        checks.add("Enter what happened or what you suggest", "body")
    elif len(body) > BODY_LIMIT:
        checks.add(f"Your feedback must be {BODY_LIMIT:,} characters or fewer", "body")
    feeling = data.get("feeling")
    if feeling is not None and feeling not in Feeling._value2member_map_:
        checks.add("Select how you felt, or leave it blank", "feeling")
    return {"workstream_id": workstream_id, "topic": topic if workstream_id is None else "", "body": body,
            "feeling": feeling}


def _new_item(network_id: int, source: FeedbackSource, values: dict, shown_name: str) -> Feedback:
    settings = settings_for(network_id)
    day = clock.today()
    item = Feedback(network_id=network_id, source=source.value, workstream_id=values["workstream_id"],
                    topic=values["topic"], feeling=values["feeling"], shown_name=shown_name,
                    received_at=clock.now(), acknowledge_due=add_working_days(day, settings.acknowledge_days),
                    respond_due=add_working_days(day, settings.respond_days))
    db.session.add(item)
    db.session.flush()
    db.session.add(FeedbackOriginal(network_id=network_id, feedback_id=item.id, body=values["body"]))
    return item


def submit_feedback(network: Network, data: dict, sender: User) -> Feedback:
    """A patient panel member's feedback; their name is kept from staff unless they agreed to show it."""
    checks = Checks()
    values = clean_submission(data, checks)
    if data.get("show_name") not in (True, False):
        checks.add("Select whether we may show your name to the board", "show_name")
    checks.raise_any()
    shown = sender.full_name[:200] if data["show_name"] else ""
    with audit.unnamed_actor(db.session) if not shown else nullcontext():
        item = _new_item(network.id, FeedbackSource.PANEL, values, shown)
        db.session.add(FeedbackSender(network_id=network.id, feedback_id=item.id, user_id=sender.id,
                                      email_on_change=bool(data.get("email_on_change"))))
        db.session.flush()
    return item


def _address_hash(address: str) -> str:
    key = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{key}|{address}".encode()).hexdigest()


def submit_public_feedback(network: Network, data: dict, address: str) -> Feedback | None:
    """Feedback from the public form; None (nothing kept) when the hidden field was filled in by a robot."""
    if not settings_for(network.id).public_form_open:
        raise ServiceError("This network's feedback form is closed")
    if (data.get("website") or "").strip():
        return None
    digest = _address_hash(address)
    since = clock.now() - timedelta(hours=1)
    used = db.session.execute(select(func.count(PublicFormUse.id)).where(
        PublicFormUse.network_id == network.id, PublicFormUse.address_hash == digest,
        PublicFormUse.used_at >= since)).scalar_one()
    if used >= PUBLIC_LIMIT_PER_HOUR:
        raise ServiceError("You have sent feedback several times in the last hour. Try again in an hour.")
    checks = Checks()
    values = clean_submission({**data, "about": GENERAL}, checks)
    checks.raise_any()
    db.session.add(PublicFormUse(network_id=network.id, address_hash=digest, used_at=clock.now()))
    with audit.unnamed_actor(db.session):
        item = _new_item(network.id, FeedbackSource.PUBLIC, values, "")
        db.session.flush()
    return item


@periodic_task(crontab(minute="41", hour="3"))
def forget_old_uses() -> int:
    """Nightly: remove public form uses older than a day; the rate limit needs only the last hour."""
    cutoff = clock.now() - timedelta(days=1)
    with db.engine.begin() as connection:
        return connection.execute(delete(PublicFormUse).where(PublicFormUse.used_at < cutoff)).rowcount


# ------------------------------------------------------------------------------------ the sender's own pages

def own_items_query(user: User):
    """The items this member sent, newest first (their sender rows are read here and nowhere staff go)."""
    return (select(Feedback).join(FeedbackSender, FeedbackSender.feedback_id == Feedback.id)
            .where(FeedbackSender.user_id == user.id)
            .options(selectinload(Feedback.workstream), selectinload(Feedback.original))
            .order_by(Feedback.received_at.desc(), Feedback.id.desc()))


def own_item(user: User, feedback_id: int) -> Feedback | None:
    """One item this member sent, or None when it is not theirs."""
    return db.session.execute(own_items_query(user).where(Feedback.id == feedback_id)).scalar_one_or_none()


def sender_of(item: Feedback) -> FeedbackSender | None:
    """Who to tell when the item changes (for the outbox only; never shown to staff)."""
    return db.session.execute(select(FeedbackSender).where(FeedbackSender.feedback_id == item.id)).scalar_one_or_none()


def set_email_on_change(user: User, item: Feedback, wanted: bool) -> None:
    """The sender asks for (or stops) an email each time their item changes."""
    sender = sender_of(item)
    if sender is None or sender.user_id != user.id:
        raise ServiceError("You can only change updates for feedback you sent")
    sender.email_on_change = bool(wanted)
    db.session.flush()
