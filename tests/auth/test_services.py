"""Accounts: scrypt passwords, sign-in with throttling, one-time expiring reset links."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from governance.auth import services
from governance.auth.models import LoginAttempt, PasswordResetToken
from governance.core import clock, tokens
from governance.core.errors import ServiceError
from governance.extensions import db
from tests import factories

IP = "192.0.2.10"


def test_passwords_are_stored_as_scrypt_hashes(app):
    user = services.create_user("  Amara.Okafor@Example.ORG ", "Amara Okafor", "a long passphrase")
    assert user.email == "amara.okafor@example.org"
    assert user.password_hash.startswith("scrypt:")
    assert "a long passphrase" not in user.password_hash
    assert services.verify_password(user, "a long passphrase")
    assert not services.verify_password(user, "a long passphrasE")
    assert not services.verify_password(None, "anything")


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 10 characters"), ("password123", "too common"), ("PASSWORD123 ", "too common"),
    ("1q2w3e4r5t", "too common"), ("x" * 201, "200 characters or fewer")])
def test_weak_passwords_are_refused(app, password, message):
    with pytest.raises(ServiceError, match=message) as error:
        services.create_user("weak@example.org", "Weak", password)
    assert error.value.field == "password"


def test_the_common_password_list_is_the_10000_commonest():
    from governance.auth import passwords

    listed = passwords.common_passwords()
    assert len(listed) == 10_000 and {"123456", "password", "password123", "qwertyuiop"} <= listed
    assert not passwords.is_common("coffee train fish") and not passwords.is_common("accord-demo")


def test_short_passwords_and_duplicate_emails_are_refused(app):
    with pytest.raises(ServiceError, match="at least 10 characters"):
        services.create_user("a@example.org", "A", "short")
    services.create_user("a@example.org", "A", "long enough password")
    with pytest.raises(ServiceError, match="already exists"):
        services.create_user("A@EXAMPLE.org", "A again", "long enough password")


def test_authenticate_records_every_attempt(app):
    user = factories.make_user(email="gp@example.org")
    db.session.commit()
    assert services.authenticate("GP@example.org ", factories.PASSWORD, IP) == user
    assert user.last_login_at is not None
    with pytest.raises(ServiceError) as error:
        services.authenticate("gp@example.org", "wrong password", IP)
    assert error.value.message == services.GENERIC_LOGIN_ERROR
    attempts = db.session.execute(select(LoginAttempt.succeeded).order_by(LoginAttempt.id)).scalars()
    assert list(attempts) == [True, False]


def _fail(email, ip=IP, times=1, minutes_ago=0):
    for _ in range(times):
        db.session.add(LoginAttempt(email=email, ip_address=ip, succeeded=False,
                                    attempted_at=clock.now() - timedelta(minutes=minutes_ago)))
    db.session.commit()


def _throttled(email, ip=IP) -> bool:
    """Whether a sign-in with the right password is refused as throttled (it counts as an attempt)."""
    try:
        services.authenticate(email, factories.PASSWORD, ip)
    except ServiceError as error:
        return error.message == services.THROTTLED_ERROR
    finally:
        db.session.commit()
    return False


def test_throttling_counts_only_recent_failures(app):
    factories.make_user(email="chair@example.org")
    _fail("chair@example.org", times=10, minutes_ago=16)
    _fail("chair@example.org", times=4)
    assert not _throttled("chair@example.org")  # the 5th recent attempt may try, and succeeds
    _fail("chair@example.org")
    assert _throttled("chair@example.org")
    assert _throttled("CHAIR@example.org", "198.51.100.1")  # per account, from anywhere


def test_throttling_per_address_spans_accounts(app):
    factories.make_user(email="someone@example.org")
    for n in range(18):
        _fail(f"guess{n}@example.org")
    assert not _throttled("someone@example.org")  # 19 failures then this attempt: under the limit of 20
    _fail("guess-last@example.org")
    _fail("guess-later@example.org")
    assert _throttled("someone@example.org")
    assert not _throttled("someone@example.org", "198.51.100.1")


def test_concurrent_attempts_never_try_more_passwords_than_the_limit(app):
    """Thirty simultaneous guesses at one account: at most five get to try a password."""
    import threading

    factories.make_user(email="target@example.org")
    db.session.commit()
    barrier, outcomes = threading.Barrier(10), []

    def guess():
        with app.app_context():
            barrier.wait()
            for _ in range(3):
                try:
                    services.authenticate("target@example.org", "wrong password", IP)
                except ServiceError as error:
                    outcomes.append(error.message)

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 30
    assert outcomes.count(services.GENERIC_LOGIN_ERROR) <= app.config["LOGIN_FAILURES_PER_ACCOUNT"]


def test_a_reset_link_is_stored_only_as_a_hash_and_works_once(app, caplog):
    user = factories.make_user(email="secretary@example.org")
    db.session.commit()
    services.request_password_reset("Secretary@example.org", IP)
    db.session.commit()  # the outbox sends once the transaction commits
    raw = caplog.text.split("/reset-password/")[1].split()[0]
    stored = db.session.execute(select(PasswordResetToken)).scalar_one()
    assert stored.token_hash == tokens.hash_token(raw) and raw not in stored.token_hash
    assert timedelta(hours=1, minutes=59) < stored.expires_at - clock.now() <= timedelta(hours=2)

    services.reset_password(raw, "a brand new password")
    assert services.verify_password(user, "a brand new password")
    with pytest.raises(ServiceError, match="expired or has already been used"):
        services.reset_password(raw, "yet another password")


def test_an_expired_reset_link_is_refused(app):
    user = factories.make_user()
    raw, hashed = tokens.new_token()
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=hashed,
                                      expires_at=clock.now() - timedelta(seconds=1)))
    db.session.flush()
    assert services.find_reset_token(raw) is None
    with pytest.raises(ServiceError):
        services.reset_password(raw, "a brand new password")


def test_no_reset_link_for_unknown_or_deactivated_accounts(app, caplog):
    factories.make_user(email="gone@example.org", active=False)
    db.session.commit()  # as in a request: nothing written yet when the request is recorded
    services.request_password_reset("nobody@example.org", IP)
    db.session.commit()
    services.request_password_reset("gone@example.org", IP)
    db.session.commit()
    assert db.session.execute(select(func.count(PasswordResetToken.id))).scalar_one() == 0
    assert "/reset-password/" not in caplog.text
    assert caplog.text.count("no Accord account uses it") == 2  # each address is told, the same way


def test_old_sign_in_attempts_and_reset_requests_are_purged_nightly(app, frozen_clock):
    from governance.auth.models import PasswordResetRequest
    from governance.core.tasks import huey

    old = clock.now() - timedelta(days=1, minutes=1)
    for minutes_ago in (0, 60 * 23):
        db.session.add(LoginAttempt(email="a@example.org", ip_address=IP, succeeded=False,
                                    attempted_at=clock.now() - timedelta(minutes=minutes_ago)))
        db.session.add(PasswordResetRequest(email="a@example.org", ip_address=IP,
                                            requested_at=clock.now() - timedelta(minutes=minutes_ago)))
    for _ in range(3):
        db.session.add(LoginAttempt(email="b@example.org", ip_address=IP, succeeded=True, attempted_at=old))
        db.session.add(PasswordResetRequest(email="b@example.org", ip_address=IP, requested_at=old))
    db.session.commit()
    assert services.purge_login_attempts.call_local() == 6
    assert set(db.session.execute(select(LoginAttempt.email)).scalars()) == {"a@example.org"}
    assert db.session.execute(select(func.count(PasswordResetRequest.id))).scalar_one() == 2
    # the worker runs it every night at 03:17
    from datetime import datetime

    task = services.purge_login_attempts.task_class
    assert task in huey._registry._periodic_tasks
    assert task().validate_datetime(datetime(2026, 11, 24, 3, 17))
    assert not task().validate_datetime(datetime(2026, 11, 24, 4, 17))


def test_ended_sessions_are_purged_after_30_days(app):
    from governance.auth import sessions
    from governance.auth.models import UserSession

    user = factories.make_user()
    now = clock.now()
    for n, (expires, revoked) in enumerate([(now + timedelta(hours=1), None),
                                            (now - timedelta(days=31), None),
                                            (now + timedelta(days=5), now - timedelta(days=31)),
                                            (now - timedelta(days=2), None)]):
        db.session.add(UserSession(user_id=user.id, key_hash=f"k{n}", expires_at=expires, revoked_at=revoked))
    db.session.commit()
    assert sessions.purge_sessions.call_local() == 2
    assert set(db.session.execute(select(UserSession.key_hash)).scalars()) == {"k0", "k3"}


def test_using_one_reset_link_retires_the_others(app, caplog):
    factories.make_user(email="chair@example.org")
    db.session.commit()
    services.request_password_reset("chair@example.org", IP)
    db.session.commit()
    services.request_password_reset("chair@example.org", IP)
    db.session.commit()
    first, second = (part.split()[0] for part in caplog.text.split("/reset-password/")[1:3])
    services.reset_password(second, "a brand new password")
    assert services.find_reset_token(first) is None
    with pytest.raises(ServiceError, match="expired or has already been used"):
        services.reset_password(first, "an attacker's password")
