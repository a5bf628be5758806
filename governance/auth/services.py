"""Accounts: sign-in with throttling, passwords, password reset links."""

import functools
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import String, delete, func, insert, literal, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from governance.auth import passwords, sessions
from governance.auth.models import LoginAttempt, PasswordResetRequest, PasswordResetToken, User
from governance.core import audit, clock, tokens
from governance.core.db import UTCDateTime
from governance.core.errors import ServiceError
from governance.core.outbox import external_url, queue_mail
from governance.core.tasks import periodic_task
from governance.core.text import clean_line
from governance.extensions import db

GENERIC_LOGIN_ERROR = "Enter a correct email address and password"
THROTTLED_ERROR = "Too many failed sign-in attempts. Wait 15 minutes, then try again"
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH

@functools.cache
def _dummy_hash() -> str:
    """A real hash to check against when the account does not exist, so timing reveals nothing."""
    return generate_password_hash("not-a-real-password", method="scrypt")


def normalise_email(email: str) -> str:
    """Trimmed, lower case, without control characters, and no longer than any stored address."""
    return clean_line(email).lower()[:254]


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def create_user(email: str, full_name: str, password: str | None, *, site_admin: bool = False) -> User:
    """Create an account; the email must not already be registered."""
    email = normalise_email(email)
    if find_user(email):
        raise ServiceError("An account with this email address already exists", "email")
    user = User(email=email, full_name=clean_line(full_name), is_site_admin=site_admin)
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def check_password_strength(password: str) -> None:
    passwords.check(password)


def set_password(user: User, password: str) -> None:
    """Set a new password (long enough, not a common one); every other session of the user ends."""
    check_password_strength(password)
    user.password_hash = generate_password_hash(password, method="scrypt")
    if user.id is not None:
        sessions.revoke_all(user, keep_current=True)


def verify_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return False
    return check_password_hash(user.password_hash, password or "")


def _recent_failures(column, value) -> int:
    since = clock.now() - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])
    with db.engine.connect() as connection:  # a fresh read: it sees every attempt committed so far
        return connection.execute(
            select(func.count(LoginAttempt.id)).where(
                column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since)
        ).scalar_one()


def _throttled_after_recording(email: str, ip_address: str) -> tuple[int, bool]:
    """Record an attempt as failed until proven otherwise, then count: atomic under concurrency.

    The attempt is committed in its own short transaction before the count, so of any number of
    simultaneous attempts, at most the configured number are allowed to try a password.
    """
    with db.engine.begin() as connection:
        attempt_id = connection.execute(
            insert(LoginAttempt).values(email=email, ip_address=ip_address[:64], attempted_at=clock.now(),
                                        succeeded=False).returning(LoginAttempt.id)
        ).scalar_one()
    cfg = current_app.config
    throttled = (_recent_failures(LoginAttempt.email, email) > cfg["LOGIN_FAILURES_PER_ACCOUNT"]
                 or _recent_failures(LoginAttempt.ip_address, ip_address[:64]) > cfg["LOGIN_FAILURES_PER_ADDRESS"])
    return attempt_id, throttled


def _mark_succeeded(attempt_id: int) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=True))


def check_password(user: User, password: str, ip_address: str, field: str = "password") -> None:
    """Re-check a signed-in user's password (e.g. to sign); wrong ones count towards throttling.

    Call it before the request writes anything: the attempt is kept in its own transaction.
    """
    attempt_id, throttled = _throttled_after_recording(user.email, ip_address)
    if throttled:
        raise ServiceError(THROTTLED_ERROR, field)
    if not verify_password(user, password):
        raise ServiceError("The password is not correct", field)
    _mark_succeeded(attempt_id)


def authenticate(email: str, password: str, ip_address: str) -> User:
    """Return the user for these credentials, or raise a message that reveals nothing.

    The attempt is written in its own transaction, so it counts even though the request that
    refuses it rolls back.
    """
    email = normalise_email(email)
    attempt_id, throttled = _throttled_after_recording(email, ip_address)
    if throttled:
        raise ServiceError(THROTTLED_ERROR)
    user = find_user(email)
    if not (verify_password(user, password) and user is not None and user.active):
        raise ServiceError(GENERIC_LOGIN_ERROR)
    _mark_succeeded(attempt_id)
    user.last_login_at = clock.now()
    return user


@periodic_task(crontab(minute="17", hour="3"))
def purge_login_attempts() -> int:
    """Nightly: forget sign-in attempts and reset requests older than a day; the limits look back
    at most an hour. Returns how many rows went."""
    cutoff = clock.now() - timedelta(days=1)
    with db.engine.begin() as connection:
        attempts = connection.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff)).rowcount
        requests = connection.execute(
            delete(PasswordResetRequest).where(PasswordResetRequest.requested_at < cutoff)).rowcount
    return attempts + requests


def _reset_requests_over_limit(email: str, ip_address: str) -> bool:
    """Record a reset request (in its own transaction, so it counts whatever happens), then count."""
    now = clock.now()
    with db.engine.begin() as connection:
        connection.execute(insert(PasswordResetRequest).values(email=email, ip_address=ip_address[:64],
                                                               requested_at=now))
    since = now - timedelta(hours=1)
    cfg = current_app.config
    with db.engine.connect() as connection:
        def count(column, value):
            return connection.execute(select(func.count(PasswordResetRequest.id)).where(
                column == value, PasswordResetRequest.requested_at >= since)).scalar_one()

        return (count(PasswordResetRequest.email, email) > cfg["PASSWORD_RESETS_PER_EMAIL"]
                or count(PasswordResetRequest.ip_address, ip_address[:64]) > cfg["PASSWORD_RESETS_PER_ADDRESS"])


def request_password_reset(email: str, ip_address: str = "unknown") -> None:
    """Email a one-time reset link, or, for an address without an account, say so to that address.

    Either way the request does the same work (one token, one message in the outbox, sent by the
    worker after the request), so neither the page nor its timing tells whether an account
    exists. A few requests an hour per email address and per client address are mailed; the
    rest are quietly dropped.
    """
    email = normalise_email(email)
    if _reset_requests_over_limit(email, ip_address):
        return
    user = find_user(email)
    raw, hashed = tokens.new_token()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    now = clock.now()
    # One statement whether or not the account exists: it writes a token only for an active one.
    db.session.execute(insert(PasswordResetToken).from_select(
        ["user_id", "token_hash", "created_at", "expires_at"],
        select(User.id, literal(hashed, String), literal(now, UTCDateTime),
               literal(now + timedelta(hours=hours), UTCDateTime))
        .where(User.email == email, User.active.is_(True))))
    if user is not None and user.active:
        queue_mail(user.email, "password_reset", secret=True, full_name=user.full_name, hours=hours,
                   link=external_url("auth.reset_password", token=raw))
    else:
        queue_mail(email, "password_reset_no_account", secret=True, hours=hours,
                   link=external_url("auth.forgot_password"))


def find_reset_token(raw: str) -> PasswordResetToken | None:
    token = db.session.execute(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == tokens.hash_token(raw))
    ).scalar_one_or_none()
    if token is None or token.used_at is not None or token.expires_at < clock.now():
        return None
    return token


def reset_password(raw: str, password: str) -> User:
    """Use a reset link once to set a new password."""
    token = find_reset_token(raw)
    if token is None:
        raise ServiceError("This link has expired or has already been used")
    user = db.session.get(User, token.user_id)
    set_password(user, password)
    now = clock.now()
    # Using one link retires every other outstanding link for the account.
    for other in db.session.execute(select(PasswordResetToken).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))).scalars():
        other.used_at = now
    audit.record_event(user, "password_reset", f"{user.full_name} reset their password")
    return user
