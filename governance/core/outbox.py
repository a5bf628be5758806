"""The mail outbox: messages are rows written in the transaction that caused them.

`queue_mail` renders a template from `templates/mail/` and adds the message to the session;
when that transaction commits, the new messages are handed to the background worker, which
sends them (a rolled-back transaction sends nothing). A message that cannot be sent is tried
again with a growing delay (`flask send-mail`, and the worker every minute) and, after
MAX_ATTEMPTS, marked failed for site admins to see and send again.
"""

import contextlib
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum

from flask import current_app
from huey import crontab
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from governance.core import clock
from governance.core.db import UTCDateTime
from governance.core.tasks import enqueue_after_commit, periodic_task, task
from governance.extensions import db

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300
_PENDING_KEY = "accord_outbox_new"
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "Waiting to send", "sent": "Sent", "failed": "Not sent"}[self.value]

    @property
    def tag_colour(self) -> str:
        return {"pending": "yellow", "sent": "green", "failed": "red"}[self.value]


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(80))
    secret: Mapped[bool] = mapped_column(default=False)  # the body holds a one-time link: cleared once sent
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        order_by="OutboxAttachment.id", cascade="all, delete-orphan")

    @property
    def status_enum(self) -> MailStatus:
        return MailStatus(self.status)


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, from EXTERNAL_URL; works outside requests (CLI, worker)."""
    path = current_app.url_map.bind("accord.invalid").build(endpoint, values)
    return current_app.config["EXTERNAL_URL"].rstrip("/") + path


def one_line(text: str, limit: int = 300) -> str:
    """Header-safe text: no control characters or Unicode line separators."""
    return _LINE_BREAKS.sub(" ", str(text or "")).strip()[:limit]


def queue_mail(to: str, template: str, *, network_id: int | None = None, secret: bool = False,
               attachments: tuple[tuple[str, str, bytes], ...] = (), **context) -> OutboxMessage | None:
    """Render `mail/<template>.txt` (its `subject` is a `{% set %}` at the top) into the outbox.

    The message is sent after the current transaction commits. `secret` marks a body holding a
    one-time link, cleared once sent. Returns None when mail is suppressed (the demo).
    """
    if current_app.config.get("MAIL_SUPPRESS"):
        return None
    template_object = current_app.jinja_env.get_template(f"mail/{template}.txt")
    module = template_object.make_module({"product": "Accord", **context})
    message = OutboxMessage(network_id=network_id, to_address=one_line(to, 254), template=template,
                            subject=one_line(getattr(module, "subject", "Accord")),
                            body=str(module).strip() + "\n", secret=secret)
    for filename, mime_type, content in attachments:
        message.attachments.append(OutboxAttachment(filename=filename, mime_type=mime_type, content=content))
    db.session.add(message)
    db.session.flush()
    _send_after_commit(message.id)
    return message


def _send_after_commit(message_id: int) -> None:
    """Collect the transaction's new messages; one `deliver` job takes them all after commit."""
    ids = db.session.info.get(_PENDING_KEY)
    if ids is None:
        ids = db.session.info[_PENDING_KEY] = []
        enqueue_after_commit(db.session, _deliver_list, ids)
    ids.append(message_id)


def _deliver_list(ids: list[int]) -> None:
    if ids:
        deliver(list(ids))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _start_a_new_batch(session):
    session.info.pop(_PENDING_KEY, None)


def _claim(message_id: int, now: datetime, only_due: bool) -> bool:
    """Take one pending message for sending, so two workers never send it twice."""
    conditions = [OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.PENDING.value,
                  or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)]
    if only_due:
        conditions.append(OutboxMessage.next_attempt_at <= now)
    result = db.session.execute(update(OutboxMessage).where(*conditions)
                                .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
    db.session.commit()
    return result.rowcount == 1


def backoff(attempts: int) -> timedelta:
    """How long to wait after the nth failed attempt: 1, 2, 4 ... minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def due_message_ids(limit: int = 200) -> list[int]:
    now = clock.now()
    return list(db.session.execute(
        select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.PENDING.value,
                                       OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).scalars())


def pending_message_ids(limit: int = 500) -> list[int]:
    return list(db.session.execute(
        select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.PENDING.value)
        .order_by(OutboxMessage.id).limit(limit)).scalars())


def send_messages(message_ids: list[int], *, only_due: bool = False) -> dict[str, int]:
    """Send these messages, each in its own short transaction; returns counts of sent and failed."""
    counts = {"sent": 0, "failed": 0}
    with _Mailer() as mailer:
        for message_id in message_ids:
            if not _claim(message_id, clock.now(), only_due):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                mailer.send(build_email(message))
            except Exception as error:  # any failure is recorded on the message, never raised
                _record_failure(message, error)
                counts["failed"] += 1
            else:
                _record_sent(message)
                counts["sent"] += 1
            db.session.commit()
    return counts


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return email


def _record_sent(message: OutboxMessage) -> None:
    message.status = MailStatus.SENT.value
    message.sent_at = clock.now()
    message.claimed_until = None
    message.attempts += 1
    message.last_error = ""
    if message.secret:
        message.body = "(This message held a one-time link; its text was cleared once sent.)\n"
    message.attachments.clear()


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    message.attempts += 1
    message.claimed_until = None
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED.value
        current_app.logger.error("Gave up sending mail %s to %s: %s", message.id, message.to_address,
                                 message.last_error)
    else:
        message.next_attempt_at = clock.now() + backoff(message.attempts)
        current_app.logger.warning("Could not send mail %s (attempt %s): %s", message.id, message.attempts,
                                   message.last_error)


def retry(message: OutboxMessage) -> None:
    """A site admin sends a message that was given up on again."""
    message.status = MailStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = clock.now()
    message.claimed_until = None
    db.session.flush()
    _send_after_commit(message.id)


def problem_messages_query():
    """Messages that failed at least once and are not sent: what site admins should look at."""
    return (select(OutboxMessage).where(OutboxMessage.status != MailStatus.SENT.value,
                                        OutboxMessage.attempts > 0)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


class _Mailer:
    """One SMTP connection for a batch, opened on first use; without MAIL_SERVER, the log."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
        return False

    def send(self, email: EmailMessage) -> None:
        cfg = current_app.config
        if not cfg["MAIL_SERVER"]:
            current_app.logger.warning("Mail not configured; message to %s:\n%s\n%s", email["To"],
                                       email["Subject"], email.get_body().get_content())
            return
        if self.smtp is None:
            smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10)
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            self.smtp = smtp
        try:
            self.smtp.send_message(email)
        except (OSError, smtplib.SMTPServerDisconnected):
            self.smtp = None  # reconnect for the next message
            raise


@task()
def deliver(message_ids: list[int]) -> dict[str, int]:
    """Send messages just committed (the worker's first job)."""
    return send_messages(message_ids)


@periodic_task(crontab(minute="*"))
def send_due_mail() -> dict[str, int]:
    """Every minute: send what is due again after a failure."""
    return send_messages(due_message_ids(), only_due=True)
