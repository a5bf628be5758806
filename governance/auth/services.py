"""Accounts: sign-in with throttling, passwords, password reset links."""

import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from governance.auth.models import LoginAttempt, PasswordResetToken, User
from governance.core import audit, clock, tokens
from governance.core.errors import ServiceError
from governance.core.mail import external_url, send_mail
from governance.core.text import clean_line
from governance.extensions import db

GENERIC_LOGIN_ERROR = "Enter a correct email address and password"
THROTTLED_ERROR = "Too many failed sign-in attempts. Wait 15 minutes, then try again"
MIN_PASSWORD_LENGTH = 10

# A real hash to check against when the account does not exist, so timing reveals nothing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


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
        check_password_hash(_DUMMY_HASH, password or "")
        return False
    return check_password_hash(user.password_hash, password or "")


def _recent_failures(column, value) -> int:
    since = clock.now() - timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])
    return db.session.execute(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since
        )
    ).scalar_one()


def is_throttled(email: str, ip_address: str) -> bool:
    cfg = current_app.config
    return (
        _recent_failures(LoginAttempt.email, normalise_email(email)) >= cfg["LOGIN_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.ip_address, ip_address) >= cfg["LOGIN_FAILURES_PER_ADDRESS"]
    )


def authenticate(email: str, password: str, ip_address: str) -> User:
    """Return the user for these credentials, or raise a message that reveals nothing."""
    email = normalise_email(email)
    if is_throttled(email, ip_address):
        raise ServiceError(THROTTLED_ERROR)
    user = find_user(email)
    ok = verify_password(user, password) and user is not None and user.active
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=ok))
    if not ok:
        db.session.flush()
        raise ServiceError(GENERIC_LOGIN_ERROR)
    user.last_login_at = clock.now()
    return user


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
    link = external_url("auth.reset_password", token=raw)
    send_mail(user.email, "Reset your Accord password",
              f"Hello {user.full_name},\n\nUse this link within {hours} hours to choose a new "
              f"password for Accord:\n\n{link}\n\nIf you did not ask for this, ignore this email.\n")


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
