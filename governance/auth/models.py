from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.core import clock
from governance.core.db import Audited, Timestamped, UTCDateTime, Versioned
from governance.extensions import db


class User(UserMixin, Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "users"
    audit_exclude = ("updated_at", "version", "password_hash", "last_login_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    record_label = "Account"
    field_labels = {"full_name": "Full name", "email": "Email address", "active": "Can sign in",
                    "is_site_admin": "Site administrator"}

    # Set by auth.sessions when a session starts: what Flask-Login keeps in the signed cookie.
    session_key = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The key of the server-side session this user object was signed in with (see auth.sessions)."""
        return self.session_key or ""

    def __str__(self) -> str:
        return self.full_name


class LoginAttempt(db.Model):
    """One sign-in attempt, kept to throttle repeated failures per account and per address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip_address: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class UserSession(db.Model):
    """A signed-in device: the Flask session carries a random key whose hash is kept here.

    Signing out revokes the row, so the old cookie no longer works; "remember me" is a second
    random token for the same row, with its own expiry, revoked with it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    @property
    def remembered(self) -> bool:
        return self.remember_hash is not None

    @property
    def device(self) -> str:
        """The browser and system in a few words, from the user agent."""
        return describe_device(self.user_agent)


def describe_device(user_agent: str) -> str:
    agent = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                             ("Safari/", "Safari")) if key in agent), "A browser")
    system = next((name for key, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                            ("Windows", "Windows"), ("Mac OS", "Mac"), ("Linux", "Linux"))
                   if key in agent), "")
    return f"{browser} on {system}" if system else browser


class PasswordResetRequest(db.Model):
    """A 'forgotten password' request, kept to limit them per email address and per client address."""

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip_address: Mapped[str] = mapped_column(String(64), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
