"""Accounts: sign-in with throttling, passwords, password reset links."""

import functools
import hmac
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from governance.auth.models import LoginAttempt, PasswordResetToken, User
from governance.core import audit, clock, tokens
from governance.core.errors import ServiceError
from governance.core.outbox import external_url, queue_mail
from governance.core.tasks import periodic_task
from governance.core.text import clean_line
from governance.extensions import db

GENERIC_LOGIN_ERROR = "Enter a correct email address and password"
THROTTLED_ERROR = "Too many failed sign-in attempts. Wait 15 minutes, then try again"
MIN_PASSWORD_LENGTH = 10



@functools.cache
def _dummy_hash() -> str:
    """A real hash to check against when the account does not exist, so timing reveals nothing."""
    return generate_password_hash("not-a-real-password", method="scrypt")


def normalise_email(email: str) -> str:
    """Trimmed, lower case, without control characters, and no longer than any stored address."""
    return clean_line(email).lower()[:254]


def load_user(session_id: str) -> User | None:
    """The user a session belongs to, unless their password has changed since it began."""
    user_id, _, fingerprint = (session_id or "").partition(":")
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or not hmac.compare_digest(fingerprint, user.session_fingerprint):
        return None
    return user


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
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters", "password")


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = generate_password_hash(password, method="scrypt")


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
    """Nightly: forget sign-in attempts older than a day; throttling looks back only minutes."""
    cutoff = clock.now() - timedelta(days=1)
    with db.engine.begin() as connection:
        return connection.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff)).rowcount


def request_password_reset(email: str) -> None:
    """Email a one-time reset link when the account exists; say nothing either way."""
    user = find_user(email)
    if user is None or not user.active:
        return
    raw, hashed = tokens.new_token()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=hashed,
                                      expires_at=clock.now() + timedelta(hours=hours)))
    db.session.flush()
    queue_mail(user.email, "password_reset", secret=True, full_name=user.full_name, hours=hours,
               link=external_url("auth.reset_password", token=raw))


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
