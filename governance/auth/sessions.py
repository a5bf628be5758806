"""Server-side sessions: signing in and out, "remember me", and signing out other devices.

The Flask session (a signed cookie) carries only a random key; the `user_sessions` table keeps
its hash, so a session ends on the server: signing out revokes the row and the old cookie no
longer works. "Remember me" is a second random token in its own cookie, stored hashed on the
same row with an expiry of its own (REMEMBER_COOKIE_DURATION), revoked with the session.
"""

from datetime import timedelta

from flask import current_app, g, has_request_context, request, session
from flask_login import login_user, logout_user
from huey import crontab
from sqlalchemy import delete, or_, select, update

from governance.auth.models import User, UserSession
from governance.core import clock, tokens
from governance.core.tasks import periodic_task
from governance.extensions import db, login_manager

CURRENT = "accord_session_id"
_SET_REMEMBER = "accord_set_remember"
_CLEAR_REMEMBER = "accord_clear_remember"
TOUCH_EVERY = timedelta(minutes=5)


def _cookie_name() -> str:
    return current_app.config["REMEMBER_ME_COOKIE_NAME"]


def sign_in(user: User, *, remember: bool = False) -> UserSession:
    """Start a new session for `user` on this device; a fresh session cookie and CSRF token."""
    session.clear()  # nothing from before signing in carries over, the CSRF token included
    g.pop("csrf_token", None)
    key, key_hash = tokens.new_token()
    now = clock.now()
    cfg = current_app.config
    row = UserSession(user_id=user.id, key_hash=key_hash, created_at=now, last_seen_at=now,
                      expires_at=now + (cfg["REMEMBER_COOKIE_DURATION"] if remember else _idle(cfg)),
                      ip_address=(request.remote_addr or "")[:64], user_agent=request.user_agent.string[:200])
    if remember:
        remember_raw, row.remember_hash = tokens.new_token()
        g.setdefault(_SET_REMEMBER, (remember_raw, row.expires_at))
    db.session.add(row)
    db.session.flush()
    user.session_key = key
    login_user(user, remember=False)  # Flask-Login's own remember cookie is never used
    setattr(g, CURRENT, row.id)
    return row


def _idle(cfg) -> timedelta:
    return timedelta(hours=cfg["SESSION_IDLE_HOURS"])


def _live(statement):
    now = clock.now()
    return statement.where(UserSession.revoked_at.is_(None), UserSession.expires_at > now,
                           User.active.is_(True))


def load_user(key: str) -> User | None:
    """Flask-Login's user loader: the user of a live session with this key, or None."""
    if not key or len(key) > 100:
        return None
    row = db.session.execute(_live(select(UserSession).join(User, UserSession.user_id == User.id)
                                   .where(UserSession.key_hash == tokens.hash_token(key)))).scalar_one_or_none()
    if row is None:
        return None
    _touch(row)
    g.setdefault(CURRENT, row.id)
    row.user.session_key = key
    return row.user


def _touch(row: UserSession) -> None:
    """Note the session was used (at most every few minutes); an idle session's expiry moves on."""
    now = clock.now()
    if now - row.last_seen_at < TOUCH_EVERY:
        return
    values = {"last_seen_at": now}
    if row.remember_hash is None:
        values["expires_at"] = now + _idle(current_app.config)
    with db.engine.begin() as connection:  # its own short transaction: reading a page writes nothing else
        connection.execute(update(UserSession).where(UserSession.id == row.id).values(**values))


def load_user_from_remember_cookie(req) -> User | None:
    """Flask-Login's request loader: a remembered device starts a new session key for its row."""
    raw = req.cookies.get(_cookie_name())
    if not raw or len(raw) > 100:
        return None
    row = db.session.execute(_live(select(UserSession).join(User, UserSession.user_id == User.id)
                                   .where(UserSession.remember_hash == tokens.hash_token(raw)))).scalar_one_or_none()
    if row is None:
        g.setdefault(_CLEAR_REMEMBER, True)
        return None
    key, key_hash = tokens.new_token()
    with db.engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.id == row.id)
                           .values(key_hash=key_hash, last_seen_at=clock.now()))
    session["_user_id"] = key
    session["_fresh"] = False
    session["_id"] = login_manager._session_identifier_generator()
    g.setdefault(CURRENT, row.id)
    row.user.session_key = key
    return row.user


def update_remember_cookie(response):
    """After each request: set or clear the remember-me cookie as signing in or out asked."""
    cfg = current_app.config
    attributes = {"path": "/", "secure": cfg.get("REMEMBER_COOKIE_SECURE", False),
                  "httponly": cfg["REMEMBER_COOKIE_HTTPONLY"], "samesite": cfg["REMEMBER_COOKIE_SAMESITE"]}
    if g.get(_SET_REMEMBER):
        raw, expires = g.get(_SET_REMEMBER)
        response.set_cookie(_cookie_name(), raw, expires=expires, **attributes)
    elif g.get(_CLEAR_REMEMBER):
        response.delete_cookie(_cookie_name(), **attributes)
    return response


def current_session_id() -> int | None:
    """The session of this request's device (None outside a request)."""
    return g.get(CURRENT) if has_request_context() else None


def sign_out() -> None:
    """End this device's session on the server, and forget it in the browser."""
    session_id = current_session_id()
    if session_id is not None:
        db.session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
                           .values(revoked_at=clock.now()))
    logout_user()
    session.clear()
    g.pop(_SET_REMEMBER, None)
    setattr(g, _CLEAR_REMEMBER, True)


def revoke_all(user: User, *, keep_current: bool = False) -> int:
    """Sign the user out everywhere (a new password), or everywhere but this device; how many ended."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep_current and current_session_id() is not None:
        query = query.where(UserSession.id != current_session_id())
    return db.session.execute(query.values(revoked_at=clock.now())).rowcount


def live_sessions(user: User) -> list[UserSession]:
    """The devices the user is signed in on, most recently used first."""
    return list(db.session.execute(_live(
        select(UserSession).join(User, UserSession.user_id == User.id).where(UserSession.user_id == user.id))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).scalars())


@periodic_task(crontab(minute="29", hour="3"))
def purge_sessions() -> int:
    """Nightly: forget sessions that ended (revoked or expired) more than 30 days ago."""
    cutoff = clock.now() - timedelta(days=30)
    with db.engine.begin() as connection:
        return connection.execute(delete(UserSession).where(or_(
            UserSession.expires_at < cutoff, UserSession.revoked_at < cutoff))).rowcount
