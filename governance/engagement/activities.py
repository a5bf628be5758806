"""Engagement activities (panel meetings, surveys, focus groups, workshops, events, consultations)
and their attachments, which are checked exactly as meeting papers are."""

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer
from werkzeug.utils import secure_filename

from governance.auth.models import User
from governance.core import clock
from governance.core.concurrency import check_version
from governance.core.errors import Checks
from governance.core.text import clean_line, clean_text
from governance.engagement.feedback import workstream_options
from governance.engagement.models import ActivityAttachment, ActivityKind, EngagementActivity
from governance.extensions import db
from governance.meetings.papers import check_pdf, max_bytes
from governance.networks.models import Network

TOPIC_LIMIT, TEXT_LIMIT = 300, 10_000


def activities_query(kind: str | None = None, start: date | None = None, end: date | None = None):
    """Activities, newest first; optionally of one kind or between two dates."""
    statement = (select(EngagementActivity).options(selectinload(EngagementActivity.workstream))
                 .order_by(EngagementActivity.held_on.desc(), EngagementActivity.id.desc()))
    if kind in ActivityKind._value2member_map_:
        statement = statement.where(EngagementActivity.kind == kind)
    if start:
        statement = statement.where(EngagementActivity.held_on >= start)
    if end:
        statement = statement.where(EngagementActivity.held_on <= end)
    return statement


def load_activity(activity: EngagementActivity) -> EngagementActivity:
    return db.session.execute(select(EngagementActivity).where(EngagementActivity.id == activity.id).options(
        selectinload(EngagementActivity.workstream), selectinload(EngagementActivity.attachments))).scalar_one()


def _clean(data: dict, checks: Checks) -> dict:
    kind = data.get("kind")
    if kind not in ActivityKind._value2member_map_:
        checks.add("Select the kind of activity", "kind")
    held_on = data.get("held_on")
    if held_on is None:
        checks.add("Enter the date of the activity", "held_on")
    topic = clean_line(data.get("topic"))
    if not topic:
        checks.add("Enter the topic", "topic")
    elif len(topic) > TOPIC_LIMIT:
        checks.add(f"Topic must be {TOPIC_LIMIT} characters or fewer", "topic")
    workstream_id = data.get("workstream_id")
    if workstream_id is not None and workstream_id not in {row[0] for row in workstream_options()}:
        checks.add("Select one of the network's workstreams", "workstream_id")
    participants = data.get("participants")
    if participants is None:
        participants = 0
    elif not isinstance(participants, int) or not 0 <= participants <= 1_000_000:
        checks.add("Number of participants must be a whole number, 0 or more", "participants")
    summary, learned = clean_text(data.get("summary")), clean_text(data.get("learned"))
    for value, field, label in ((summary, "summary", "Summary"), (learned, "learned", "What was learned")):
        if len(value) > TEXT_LIMIT:
            checks.add(f"{label} must be {TEXT_LIMIT:,} characters or fewer", field)
    return {"kind": kind, "held_on": held_on, "topic": topic, "workstream_id": workstream_id,
            "participants": participants, "summary": summary, "learned": learned}


def create_activity(network: Network, data: dict) -> EngagementActivity:
    """Record an engagement activity and what was learned from it."""
    checks = Checks()
    values = _clean(data, checks)
    checks.raise_any()
    activity = EngagementActivity(network_id=network.id, **values)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(activity: EngagementActivity, data: dict, version) -> EngagementActivity:
    """Change an activity's details."""
    check_version(activity, version)
    checks = Checks()
    values = _clean(data, checks)
    checks.raise_any()
    for key, value in values.items():
        setattr(activity, key, value)
    db.session.flush()
    db.session.expire(activity, ["workstream"])
    return activity


def add_attachment(activity: EngagementActivity, upload, title: str, actor: User | None) -> ActivityAttachment:
    """Attach a PDF (notes, a survey report) after checking it as meeting papers are checked."""
    checks = Checks()
    title = clean_line(title)
    if not title:
        checks.add("Enter the title of the attachment", "title")
    elif len(title) > 300:
        checks.add("Title must be 300 characters or fewer", "title")
    data = upload.read(max_bytes() + 1) if upload is not None else b""
    pages = checks.run(check_pdf, data)
    checks.raise_any()
    stem = secure_filename(getattr(upload, "filename", "") or "").rsplit(".", 1)[0][:100]
    attachment = ActivityAttachment(
        network_id=activity.network_id, activity_id=activity.id, title=title,
        filename=f"{stem or secure_filename(title)[:100] or 'attachment'}.pdf", content=data, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), page_count=pages, uploaded_by_id=actor.id if actor else None,
        uploaded_at=clock.now())
    db.session.add(attachment)
    db.session.flush()
    return attachment


def attachment_content(attachment_id: int) -> ActivityAttachment | None:
    return db.session.execute(select(ActivityAttachment).where(ActivityAttachment.id == attachment_id)
                              .options(undefer(ActivityAttachment.content))).scalar_one_or_none()


def remove_attachment(attachment: ActivityAttachment) -> None:
    db.session.delete(attachment)
    db.session.flush()
