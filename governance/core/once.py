"""Forms that make a record are sent once: a double click or a replayed post makes one record.

A `OnceForm` carries a fresh random token. Submitting it claims the token in the request's
transaction (a unique row); a second submission of the same form finds the claim and is sent
to wherever the first one led (the new record's page), instead of making a second record. If
the first request failed, its claim rolled back with it, so sending the form again works.
"""

import re
import secrets
from datetime import datetime, timedelta

from flask import abort, flash, g, redirect
from flask_wtf import FlaskForm
from huey import crontab
from sqlalchemy import ForeignKey, String, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from governance.core import clock, uow
from governance.core.db import UTCDateTime
from governance.core.tasks import periodic_task
from governance.extensions import db

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
ALREADY_SENT = "You have already sent this form. Check what was saved before sending it again."


class FormSubmission(db.Model):
    """A claimed one-time form token and where its request led."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    location: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


class OnceForm(FlaskForm):
    """A form that makes a record: it is accepted once."""

    once = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.once.data:
            self.once.data = secrets.token_urlsafe(24)


def claim(form: OnceForm, user_id: int | None) -> None:
    """Claim the form's token for this request; a repeat is redirected to where the first led."""
    token = form.once.data or ""
    if not TOKEN.fullmatch(token):  # not one this app made (tampered, or a page from before): no claim
        return
    try:  # the first write of the request: a repeat waits here until the first commits, then fails
        db.session.execute(insert(FormSubmission).values(token=token, user_id=user_id, created_at=clock.now()))
    except IntegrityError:
        uow.discard()
        location = db.session.execute(select(FormSubmission.location)
                                      .where(FormSubmission.token == token)).scalar_one_or_none()
        if location:
            flash("That was already saved. This is what was saved.")
            abort(redirect(location))
        form.form_errors.append(ALREADY_SENT)
        raise AlreadySent() from None
    g.accord_once_token = token


class AlreadySent(Exception):
    """The same form was sent before and its first request has not led anywhere."""


def remember_location(location: str | None) -> None:
    """Called by the unit of work before commit: where this request's redirect leads."""
    token = g.get("accord_once_token")
    if token and location:
        db.session.execute(FormSubmission.__table__.update().where(FormSubmission.token == token)
                           .values(location=location[:500]))


@periodic_task(crontab(minute="23", hour="3"))
def forget_old_submissions() -> int:
    """Nightly: a token only matters while someone might click twice; keep a week of them."""
    cutoff = clock.now() - timedelta(days=7)
    with db.engine.begin() as connection:
        return connection.execute(delete(FormSubmission).where(FormSubmission.created_at < cutoff)).rowcount
