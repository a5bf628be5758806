"""Interface and security: error pages, headers, cookies, size limit, CSRF, bad input, health check."""

import re

import pytest

from config import ProductionConfig
from governance import create_app
from governance.core.permissions import Permission, requires
from governance.extensions import db
from tests import factories
from tests.conftest import build_app
from tests.postgres import free_port

NHS_LAYOUT = ('class="nhsuk-header', 'class="nhsuk-footer', 'id="maincontent"')


def assert_nhs_page(response, status, heading):
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    for marker in NHS_LAYOUT:
        assert marker in page
    assert f"<h1>{heading}</h1>" in page
    assert "Traceback" not in page


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def test_404_and_403_pages_use_the_nhs_layout(client, network, login_as):
    assert_nhs_page(client.get("/no-such-page"), 404, "Page not found")
    login_as("patient_panel_member")
    assert_nhs_page(client.get(f"/n/{network.slug}/audit"), 403, "You do not have permission to see this page")
    assert_nhs_page(client.post("/networks"), 405, "Page not found")


def test_an_unexpected_error_shows_the_500_page_and_rolls_back(app, client, caplog):
    @requires(Permission.PUBLIC)
    def broken():
        factories.make_network(name="Half-saved")
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/broken")
    assert_nhs_page(response, 500, "Sorry, there is a problem with the service")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "boom" in caplog.text  # logged for the operators, not shown to the user
    from governance.networks.models import Network

    assert db.session.query(Network).filter_by(name="Half-saved").count() == 0


def test_security_headers_on_every_response(client, network, login_as):
    login_as("network_admin")
    for url in ("/sign-in", f"/n/{network.slug}/", "/no-such-page", "/static/css/accord.css", "/healthz"):
        with client.get(url) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, url
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert client.get(f"/n/{network.slug}/").headers["Cache-Control"] == "no-store"


def test_pages_carry_no_inline_scripts_or_styles(client, network, login_as):
    """The CSP forbids inline code, so the pages must not depend on any."""
    login_as("network_admin")
    for url in ("/sign-in", f"/n/{network.slug}/", f"/n/{network.slug}/admin/members",
                f"/n/{network.slug}/settings", f"/n/{network.slug}/audit"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "<style" not in page and " style=" not in page and " onclick=" not in page, url


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_session_cookie_is_httponly_and_samesite_lax(client, network):
    user = factories.make_user()
    db.session.commit()
    cookies = _set_cookies(client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD}))
    session = cookies["session"]
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Secure" not in session  # the testing config serves plain http
    assert "remember_token" not in cookies  # remember-me is off unless asked for


def test_under_production_config_cookies_are_secure(monkeypatch, sqlite_template, tmp_path):
    import shutil

    monkeypatch.setenv("SECRET_KEY", "production-secret-" + "x" * 40)
    path = tmp_path / "prod.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app(ProductionConfig(), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        email = user.email
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", data={"email": email, "password": factories.PASSWORD,
                                             "remember": "y", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    for name in ("session", "accord_remember"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert "Strict-Transport-Security" in client.get("/sign-in").headers
    with app.app_context():
        db.engine.dispose()


def test_development_and_tests_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers  # plain http locally


def test_only_a_unique_violation_is_a_conflict_other_refusals_are_logged_bugs(any_app, caplog):
    """A duplicate lost to a concurrent save is the 409 page; a broken link or a missing value is a
    bug: the 500 page, rolled back and logged. On both databases, with their real errors."""
    from governance.networks.models import Membership, Network

    client = any_app.test_client()
    any_app.config["PROPAGATE_EXCEPTIONS"] = False
    network = factories.make_network(slug="taken")
    db.session.commit()

    @requires(Permission.PUBLIC)
    def duplicate():
        db.session.add(Network(name="Again", slug="taken", care_model="ics", financial_year_start=2026))
        db.session.flush()

    @requires(Permission.PUBLIC)
    def broken_link():
        db.session.add(Membership(network_id=network.id, user_id=999_999, role="observer"))
        db.session.flush()

    any_app.add_url_rule("/duplicate", "duplicate", duplicate)
    any_app.add_url_rule("/broken-link", "broken_link", broken_link)
    assert_nhs_page(client.get("/duplicate"), 409, "Someone else saved this at the same time")
    assert "The database refused a write" not in caplog.text
    assert_nhs_page(client.get("/broken-link"), 500, "Sorry, there is a problem with the service")
    assert "The database refused a write" in caplog.text


def test_a_request_over_the_size_limit_gets_the_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x" * 5000})
    assert_nhs_page(response, 413, "The file or form you sent is too large")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_post_without_a_csrf_token_is_refused(app, client, network, login_as, csrf_on):
    user = factories.make_user()
    admin = factories.make_member(network, "network_admin")
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert_nhs_page(response, 400, "Sorry, there is a problem with your request")
    assert "session" not in _set_cookies(response) or "_user_id" not in str(response.headers)

    page = client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in", data={"email": admin.user.email, "password": factories.PASSWORD,
                                         "csrf_token": csrf_token(page)}).status_code == 302
    response = client.post(f"/n/{network.slug}/settings", data={
        "name": "Forged", "care_model": "other", "financial_year_start": 2026, "version": network.version})
    assert response.status_code == 400
    response = client.post(f"/n/{network.slug}/settings", data={
        "name": "Forged", "care_model": "other", "financial_year_start": 2026, "version": network.version,
        "csrf_token": "made-up"})
    assert response.status_code == 400
    assert client.post("/sign-out").status_code == 400
    db.session.rollback()
    assert network.name == "Riverside Test Network"
    assert client.get(f"/n/{network.slug}/").status_code == 200  # still signed in


BAD_INPUT = [
    ("/sign-in", {"email": "", "password": ""}, "Enter your email address"),
    ("/forgot-password", {"email": "not-an-email"}, "Enter an email address in the correct format"),
    ("/n/{slug}/settings", {"name": "", "care_model": "pacs", "ods_code": "??", "financial_year_start": "abc",
                            "version": "1"}, "Enter the network name"),
    ("/n/{slug}/settings", {"name": "x" * 300, "care_model": "not-a-model", "financial_year_start": "1850",
                            "version": "1"}, "Enter a year between 2000 and 2100"),
    ("/n/{slug}/admin/invitations", {"email": "nobody", "role": "network_admin"}, "correct format"),
    ("/n/{slug}/admin/invitations", {"email": "rep@example.org", "role": "partner_representative",
                                     "partner_id": ""}, "Select the partner organisation"),
    ("/n/{slug}/admin/invitations", {"email": "x@example.org", "role": "emperor", "partner_id": "abc"},
     "Not a valid choice"),
    ("/admin/networks", {"name": "", "slug": "Bad Slug!", "care_model": "pcn", "admin_email": "x"},
     "There is a problem"),
]


@pytest.mark.parametrize(("path", "data", "message"), BAD_INPUT)
def test_bad_input_re_renders_the_form_with_the_error_summary(client, network, login_as, path, data, message):
    if path.startswith(("/n/", "/admin/")):
        admin = login_as("network_admin")
        admin.user.is_site_admin = True
        db.session.commit()
    response = client.post(path.format(slug=network.slug), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:300]
    assert "nhsuk-error-summary" in page and "There is a problem" in page
    assert message in page


def test_garbage_query_arguments_never_cause_a_500(client, network, login_as):
    login_as("network_admin")
    for url in ("/audit?page=abc&user_id=xyz&date_from=2026-13-45&date_to=tomorrow&entity_type=%00",
                "/audit?page=-5", "/audit?page=99999", "/documents/?page=0&kind=%27%22",
                "/admin/members?page=1e9", "/admin/invitations?page=%ff"):
        assert client.get(f"/n/{network.slug}{url}").status_code == 200, url


def test_healthz_is_ok_with_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("uri", [
    "sqlite:////nonexistent-accord-dir/sub/accord.sqlite3",
    "postgresql://nobody@127.0.0.1:{port}/accord",
])
def test_healthz_is_503_when_the_database_is_unreachable(uri):
    app = build_app(uri.format(port=free_port()))  # a port nothing listens on
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
    with app.app_context():
        db.engine.dispose()


FOUNDATION_BLUEPRINTS = ("system", "auth", "networks", "audit", "documents")
JUNK = [{}, {"version": "x", "role": "emperor", "care_model": "??", "financial_year_start": "soon",
             "partner_id": "abc", "email": "@@", "password": "p", "confirm": "q", "full_name": "x" * 500,
             "name": "\x00", "slug": "../..", "admin_email": " ", "next": "//evil.example"}]


@pytest.mark.parametrize("data", JUNK, ids=["empty", "junk"])
def test_no_foundation_form_answers_500_to_junk(app, client, network, login_as, data):
    admin = login_as("network_admin")
    admin.user.is_site_admin = True
    member = factories.make_member(network, "board_member")
    invitation, raw = factories.make_invitation(network)
    db.session.commit()
    ids = {"membership_id": member.id, "invitation_id": invitation.id, "token": raw, "message_id": 1, "job_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        if (rule.endpoint.split(".")[0] not in FOUNDATION_BLUEPRINTS or "POST" not in rule.methods
                or rule.endpoint == "auth.logout"):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: network.slug if m[1] == "network_slug" else str(ids[m[1]]),
                     rule.rule)
        response = client.post(url, data=data)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        checked += 1
    assert checked >= 10
    assert client.get(f"/n/{network.slug}/admin/members").status_code == 200  # still signed in throughout


@pytest.mark.parametrize("path", [
    "/n/riverside-test/admin/members/3000000000",  # fits 64 bits, not PostgreSQL's INTEGER
    "/n/riverside-test/admin/members/99999999999999999999999",
    "/n/riverside-test/admin/members/-1",
    "/n/riverside-test/partners/99999999999999999999999",
    "/n/riverside-test/documents/99999999999999999999999.pdf",
])
def test_ids_beyond_any_primary_key_are_404_not_500(client, network, login_as, path):
    login_as("network_admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999999", "-3", "0", "abc"])
def test_absurd_page_numbers_show_a_page_not_a_500(client, network, login_as, page):
    login_as("network_admin")
    assert client.get(f"/n/riverside-test/admin/members?page={page}").status_code == 200
    assert client.get(f"/n/riverside-test/audit?page={page}").status_code == 200


def test_a_date_with_an_absurd_year_is_a_form_error(app):
    from werkzeug.datastructures import MultiDict

    from governance.core.forms import DateInputField
    from governance.networks.forms import FlaskForm

    class DateForm(FlaskForm):
        class Meta:
            csrf = False

        when = DateInputField("Date of the change")

    with app.test_request_context():
        form = DateForm(MultiDict({"when[day]": "1", "when[month]": "1", "when[year]": "9" * 30}))
        assert not form.validate()
        assert form.when.errors == ["Date of the change must be a real date"]


def test_a_mail_outage_does_not_lose_the_invitation(app, client, network, login_as, caplog):
    from governance.core.outbox import OutboxMessage
    from governance.networks.models import Invitation

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    login_as("network_admin")
    response = client.post("/n/riverside-test/admin/invitations",
                           data={"email": "new.member@example.org", "role": "observer", "partner_id": ""})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.execute(db.select(Invitation.email)).scalars().all() == ["new.member@example.org"]
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert message.to_address == "new.member@example.org" and "/invitations/" in message.body
    assert message.status == "pending" and message.attempts == 1 and "Could not send mail" in caplog.text
