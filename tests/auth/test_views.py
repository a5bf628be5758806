"""Sign-in, sign-out and password reset over HTTP, with a real SMTP server for the emails."""

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from governance.auth.models import PasswordResetRequest, PasswordResetToken, User, UserSession
from governance.auth.services import GENERIC_LOGIN_ERROR, THROTTLED_ERROR
from governance.core import clock
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from tests import factories


@pytest.fixture
def member(network):
    membership = factories.make_member(network, "board_member")
    db.session.commit()
    return membership


def sign_in(client, email, password=factories.PASSWORD, ip="127.0.0.1", **extra):
    return client.post("/sign-in", data={"email": email, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": ip})


def signed_in(client, ip="127.0.0.1") -> bool:
    return client.get("/sign-out", environ_base={"REMOTE_ADDR": ip}).status_code == 200


def error_text(response) -> str:
    """The error summary's text, without the echoed email address."""
    page = response.get_data(as_text=True)
    match = re.search(r'<div class="nhsuk-error-summary".*?</div>\s*</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[0])).strip() if match else ""


def test_sign_in_takes_a_member_to_their_network(client, network, member):
    response = sign_in(client, member.user.email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/networks?start=1"
    response = client.get("/networks?start=1")
    assert response.headers["Location"] == f"/n/{network.slug}/"
    assert client.get(f"/n/{network.slug}/").status_code == 200


def test_login_errors_never_reveal_whether_an_account_exists(client, member):
    gone = factories.make_user(email="gone@example.org", active=False)
    db.session.commit()
    unknown = sign_in(client, "nobody@example.org", "wrong password", ip="192.0.2.2")
    wrong = sign_in(client, member.user.email, "wrong password", ip="192.0.2.3")
    deactivated = sign_in(client, gone.email, factories.PASSWORD, ip="192.0.2.4")
    assert unknown.status_code == wrong.status_code == deactivated.status_code == 200
    assert error_text(unknown) == error_text(wrong) == error_text(deactivated)
    assert GENERIC_LOGIN_ERROR in error_text(unknown)
    assert not signed_in(client)


def test_throttled_after_5_failures_for_one_account_even_with_the_right_password(client, member):
    for n in range(5):
        assert GENERIC_LOGIN_ERROR in error_text(sign_in(client, member.user.email, "wrong", ip=f"192.0.2.{n}"))
    response = sign_in(client, member.user.email, ip="198.51.100.7")
    assert response.status_code == 200
    assert THROTTLED_ERROR in error_text(response)
    assert not signed_in(client, ip="198.51.100.7")
    # an unknown account is throttled with the very same words
    for _ in range(5):
        sign_in(client, "nobody@example.org", "wrong", ip="203.0.113.5")
    assert error_text(sign_in(client, "nobody@example.org", ip="203.0.113.6")) == error_text(response)


def test_throttled_after_20_failures_from_one_address_even_with_the_right_password(client, member):
    others = [factories.make_user() for _ in range(4)]
    db.session.commit()
    for user in others:  # 4 accounts x 5 failures: under the per-account limit, at the per-address one
        for _ in range(5):
            assert GENERIC_LOGIN_ERROR in error_text(sign_in(client, user.email, "wrong", ip="203.0.113.9"))
    response = sign_in(client, member.user.email, ip="203.0.113.9")
    assert THROTTLED_ERROR in error_text(response)
    assert not signed_in(client, ip="203.0.113.9")
    assert sign_in(client, member.user.email, ip="203.0.113.10").status_code == 302


def test_a_deactivated_account_cannot_sign_in_or_keep_using_its_session(client, network, member):
    assert sign_in(client, member.user.email).status_code == 302
    assert client.get(f"/n/{network.slug}/").status_code == 200
    member.user.active = False
    db.session.commit()
    response = client.get(f"/n/{network.slug}/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert not signed_in(client)
    assert GENERIC_LOGIN_ERROR in error_text(sign_in(client, member.user.email))


@pytest.mark.parametrize("target", ["/n/riverside-test/", "/n/riverside-test/audit?page=2"])
def test_next_takes_you_back_to_a_page_on_this_site(client, member, target):
    response = client.post(f"/sign-in?next={target.replace('?', '%3F').replace('=', '%3D')}",
                           data={"email": member.user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "//evil.example", "///evil.example", "http://evil.example", "https://evil.example/n/x/",
    "https:evil.example", "javascript:alert(1)", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", " //evil.example", "evil.example",
])
def test_next_never_redirects_off_site(client, member, target):
    response = client.post("/sign-in", query_string={"next": target},
                           data={"email": member.user.email, "password": factories.PASSWORD})
    assert_stays_on_site(response)
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD,
                                              "next": target})
    assert_stays_on_site(response)


def assert_stays_on_site(response):
    """Where a browser would go: a path on this site (browsers read a backslash as a slash)."""
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert not re.search(r"[\\\s]", location)
    assert urlsplit(location.replace("\\", "/")).netloc == ""


def test_the_sign_in_page_keeps_next_for_the_form(client):
    page = client.get("/sign-in?next=/n/riverside-test/").get_data(as_text=True)
    assert 'name="next" value="/n/riverside-test/"' in page


def _cookie(response, name):
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")), None)


def test_remember_me_is_off_unless_asked_for(client, member):
    response = sign_in(client, member.user.email)
    assert _cookie(response, "accord_remember") is None and _cookie(response, "remember_token") is None
    client.post("/sign-out")
    response = sign_in(client, member.user.email, remember="y")
    cookie = _cookie(response, "accord_remember")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie)[1])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=5)  # as the form says
    assert _cookie(response, "remember_token") is None  # Flask-Login's unexpiring cookie is never used
    client.post("/sign-out")
    form = client.get("/sign-in").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="remember"[^>]*>', form)[0]
    assert "checked" not in box


def test_a_remembered_device_stays_signed_in_for_14_days_and_no_longer(app, client, network, member,
                                                                      frozen_clock):
    sign_in(client, member.user.email, remember="y")
    remember = client.get_cookie("accord_remember").value
    client.delete_cookie("session")  # the browser was closed
    for _ in range(3):  # every page, not only the first ("strong" session protection dropped it)
        assert client.get(f"/n/{network.slug}/", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200
    frozen_clock.shift(timedelta(days=13, hours=23))
    client.delete_cookie("session")
    assert client.get(f"/n/{network.slug}/").status_code == 200
    frozen_clock.shift(timedelta(hours=2))  # the token's own expiry, whatever the cookie says
    client.delete_cookie("session")
    client.set_cookie("accord_remember", remember)
    response = client.get(f"/n/{network.slug}/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "accord_remember=;" in (_cookie(response, "accord_remember") or "")  # the dead token is cleared


def test_signing_out_ends_the_session_on_the_server(client, network, member):
    sign_in(client, member.user.email, remember="y")
    stolen_session = client.get_cookie("session").value
    stolen_remember = client.get_cookie("accord_remember").value
    response = client.post("/sign-out")
    assert "accord_remember=;" in _cookie(response, "accord_remember")
    thief = client.application.test_client()
    thief.set_cookie("session", stolen_session)
    assert thief.get(f"/n/{network.slug}/").status_code == 302  # the old session cookie no longer works
    thief.delete_cookie("session")
    thief.set_cookie("accord_remember", stolen_remember)
    assert thief.get(f"/n/{network.slug}/").status_code == 302  # nor the remember-me token
    db.session.rollback()
    rows = db.session.execute(select(UserSession).where(UserSession.user_id == member.user_id)).scalars().all()
    assert len(rows) == 1 and rows[0].revoked_at is not None
    assert rows[0].key_hash != stolen_session and rows[0].remember_hash != stolen_remember  # hashes only


def test_sign_out_of_all_other_devices(app, client, network, member):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, member.user.email, remember="y")
    sign_in(laptop, member.user.email)
    sign_in(client, member.user.email)
    page = client.get("/sign-out").get_data(as_text=True)
    assert page.count("<tr") == 4 and "(this device)" in page and "Sign out of all other devices" in page
    response = client.post("/sign-out/other-devices")
    assert response.status_code == 302
    assert "You have signed out of every other device." in client.get("/sign-out").get_data(as_text=True)
    for device in (phone, laptop):
        device.delete_cookie("session")  # the phone would fall back on its remember-me token
        assert device.get(f"/n/{network.slug}/").status_code == 302
    assert client.get(f"/n/{network.slug}/").status_code == 200  # this device stays signed in
    response = client.post("/sign-out/other-devices")
    assert "You were not signed in on any other device." in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_a_session_survives_a_phone_changing_network_and_address(client, network, member):
    sign_in(client, member.user.email, ip="192.0.2.1")
    for n, agent in enumerate(["Mozilla/5.0 (iPhone)", "Mozilla/5.0 (iPhone) on wifi"]):
        response = client.get(f"/n/{network.slug}/", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
                              headers={"User-Agent": agent})
        assert response.status_code == 200


def test_an_idle_session_ends_after_12_hours(client, network, member, frozen_clock):
    sign_in(client, member.user.email)
    frozen_clock.shift(timedelta(hours=11))
    assert client.get(f"/n/{network.slug}/").status_code == 200  # using it keeps it going
    frozen_clock.shift(timedelta(hours=11))
    assert client.get(f"/n/{network.slug}/").status_code == 200
    frozen_clock.shift(timedelta(hours=12, minutes=1))
    assert client.get(f"/n/{network.slug}/").status_code == 302


def test_signing_in_issues_a_new_csrf_token(app, client, network, member):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/sign-in").get_data(as_text=True)
        before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        assert sign_in(client, member.user.email, csrf_token=before).status_code == 302
        assert client.post("/sign-out", data={"csrf_token": before}).status_code == 400  # the old one is dead
        page = client.get("/sign-out").get_data(as_text=True)
        after = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        assert after != before
        assert client.post("/sign-out", data={"csrf_token": after}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("email", ["gp\x00@example.org", "x" * 300 + "@example.org",
                                   "\u2028@example.org", "😀" * 100])
def test_hostile_emails_at_sign_in_are_refused_politely(client, email):
    response = sign_in(client, email, "some password here")
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


def test_sign_out_is_one_button_in_the_header(client, network, member):
    sign_in(client, member.user.email)
    page = client.get(f"/n/{network.slug}/").get_data(as_text=True)
    header = re.search(r'<form class="nhsuk-header__account-form" action="/sign-out" method="post".*?</form>',
                       page, re.S)[0]
    assert 'name="csrf_token"' in header and "Sign out" in header
    response = client.post("/sign-out")
    assert response.status_code == 302 and client.get(f"/n/{network.slug}/").status_code == 302


def test_sign_out_needs_a_post(client, network, member):
    sign_in(client, member.user.email)
    page = client.get("/sign-out")
    assert page.status_code == 200 and b"Sign out of Accord" in page.data
    assert client.get(f"/n/{network.slug}/").status_code == 200  # GET did not sign out
    response = client.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "You have signed out." in client.get("/sign-in").get_data(as_text=True)
    assert client.get(f"/n/{network.slug}/").status_code == 302


def test_sign_out_with_csrf_protection_needs_the_token(app, client, network, member):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        assert sign_in(client, member.user.email, csrf_token=token).status_code == 302
        assert client.post("/sign-out").status_code == 400
        assert client.get(f"/n/{network.slug}/").status_code == 200
        page = client.get("/sign-out").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
        assert client.get(f"/n/{network.slug}/").status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def body(message) -> str:
    return message_from_bytes(message.content, policy=policy.default).get_body().get_content()


def _link(message, path):
    return re.search(rf"https?://\S+({path}/\S+)", body(message))


def test_forgot_password_says_the_same_for_known_and_unknown_emails(client, member, smtp_server):
    known = client.post("/forgot-password", data={"email": member.user.email})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace(member.user.email, "EMAIL") == \
        unknown.get_data(as_text=True).replace("nobody@example.org", "EMAIL")
    # each address gets one message: a link for the account, a "no account uses this address" note
    assert [m.rcpt_tos for m in smtp_server] == [[member.user.email], ["nobody@example.org"]]
    assert "/reset-password/" in body(smtp_server[0]) and "/reset-password/" not in body(smtp_server[1])
    assert "no Accord account uses it" in body(smtp_server[1])


def test_forgot_password_does_the_same_work_for_known_and_unknown_emails(app, client, member,
                                                                        count_queries):
    """The timing cannot tell: the same statements run either way, and the mail waits in the outbox."""
    app.config["TASKS_IMMEDIATE"] = False
    from governance.core.tasks import huey

    huey.immediate = False
    try:
        statements = {}
        for email in (member.user.email, "nobody@example.org"):
            with count_queries() as counter:
                assert client.post("/forgot-password", data={"email": email},
                                   environ_base={"REMOTE_ADDR": f"192.0.2.{len(statements) + 1}"}).status_code == 200
            statements[email] = [re.sub(r"\s+", " ", s.split(" WHERE")[0]) for s in counter.statements]
    finally:
        huey.immediate = True
    known, unknown = statements.values()
    assert known == unknown and any(s.startswith("INSERT INTO outbox_messages") for s in known)
    assert any(s.startswith("INSERT INTO password_reset_tokens") for s in known)
    db.session.rollback()
    assert db.session.execute(select(PasswordResetToken.user_id)).scalars().all() == [member.user_id]
    assert db.session.execute(select(func.count(OutboxMessage.id))).scalar_one() == 2


def test_forgot_password_is_limited_per_address_and_per_account(app, client, member, smtp_server):
    for n in range(20):  # 20 requests for one account, from 20 addresses
        assert client.post("/forgot-password", data={"email": member.user.email},
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code == 200
    assert len(smtp_server) == app.config["PASSWORD_RESETS_PER_EMAIL"] == 3
    for n in range(20):  # 20 different addresses from one client
        response = client.post("/forgot-password", data={"email": f"someone{n}@example.org"},
                               environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert len(smtp_server) == 3 + app.config["PASSWORD_RESETS_PER_ADDRESS"]
    db.session.rollback()
    assert db.session.execute(select(func.count(PasswordResetRequest.id))).scalar_one() == 40


def test_password_reset_by_email_is_one_time(app, client, member, smtp_server):
    client.post("/forgot-password", data={"email": member.user.email})
    assert len(smtp_server) == 1
    message = smtp_server[0]
    assert message.rcpt_tos == [member.user.email]
    assert "Reset your Accord password" in message.content.decode()
    link = _link(message, "/reset-password")
    assert link[0].startswith(app.config["EXTERNAL_URL"])
    path = link[1]

    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a new passphrase", "confirm": "a new passphrase"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert GENERIC_LOGIN_ERROR in error_text(sign_in(client, member.user.email))
    assert sign_in(client, member.user.email, "a new passphrase").status_code == 302
    client.post("/sign-out")

    for method in ("get", "post"):
        reused = getattr(client, method)(path, data={"password": "third passphrase", "confirm": "third passphrase"})
        assert reused.status_code == 404 and b"This link has expired or has already been used" in reused.data
    assert sign_in(client, member.user.email, "third passphrase").status_code == 200


def test_an_expired_reset_link_is_refused(client, member, smtp_server):
    client.post("/forgot-password", data={"email": member.user.email})
    path = _link(smtp_server[0], "/reset-password")[1]
    token = db.session.execute(select(PasswordResetToken)).scalar_one()
    token.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(path, data={"password": "a new passphrase", "confirm": "a new passphrase"})
    assert response.status_code == 404
    db.session.rollback()
    assert not db.session.get(User, member.user_id).password_hash.endswith("a new passphrase")
    assert sign_in(client, member.user.email, "a new passphrase").status_code == 200


def test_a_bad_new_password_re_renders_the_form_with_every_error(client, member, caplog):
    client.post("/forgot-password", data={"email": member.user.email})
    path = re.search(r"(/reset-password/\S+)", caplog.text)[1]
    page = client.get(path).get_data(as_text=True)
    assert "three random words" in page and "coffee train fish" in page  # the NCSC's advice
    response = client.post(path, data={"password": "short", "confirm": "different"})
    assert response.status_code == 200
    assert "Password must be at least 10 characters" in error_text(response)
    assert "Passwords do not match" in error_text(response)
    for common in ("password123", "Password123", " qwertyuiop ", "1234567890"):
        response = client.post(path, data={"password": common, "confirm": common})
        assert "This password is too common" in error_text(response), common
    response = client.post(path, data={"password": "kettle puffin lantern", "confirm": "kettle puffin lantern"})
    assert response.status_code == 302
    assert sign_in(client, member.user.email, "kettle puffin lantern").status_code == 302


def test_without_a_mail_server_the_link_goes_to_the_log(app, client, member, caplog):
    assert app.config["MAIL_SERVER"] == ""
    client.post("/forgot-password", data={"email": member.user.email})
    assert "Mail not configured" in caplog.text
    assert re.search(r"http://127\.0\.0\.1:5000/reset-password/\S+", caplog.text)


def test_a_new_password_signs_out_every_other_session(app, network, login_as):
    from governance.auth import services as auth_services

    membership = login_as("board_member")  # signs in on the `client` fixture's session
    other_device = app.test_client()
    other_device.post("/sign-in", data={"email": membership.user.email, "password": factories.PASSWORD})
    assert other_device.get(f"/n/{network.slug}/").status_code == 200

    user = db.session.get(type(membership.user), membership.user_id)
    auth_services.set_password(user, "a completely new password")
    db.session.commit()
    response = other_device.get(f"/n/{network.slug}/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
