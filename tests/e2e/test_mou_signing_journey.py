"""Journey: a partner's authorised signatory signs the MOU waiting for them and downloads the executed PDF."""

import io

import pypdf
import pytest

from governance.extensions import db
from governance.mous import services, signing
from governance.networks.models import Network
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _riverside():
    """Two parties, a signatory for each, and an MOU the trust has already signed."""
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    practice = factories.make_partner(network, name="Riverside Medical Centre", ods_code="A81001")
    trust = factories.make_partner(network, name="Riverside Community Health NHS Trust",
                                   kind="community_trust", ods_code="RYX")
    secretary = factories.make_member(network, "board_secretary")
    helen = factories.make_user(email="signatory@riverside.example", full_name="Dr Helen Marsh")
    factories.make_signatory(network, practice, user=helen, job_title="Senior partner")
    trust_signatory = factories.make_signatory(network, trust, job_title="Director of community services")
    mou = factories.make_mou(network, [practice, trust], issued=True, actor=secretary.user,
                             title="Integrated frailty service MOU")
    db.session.commit()  # signing re-checks the password in its own transaction, as a request would
    signing.sign_mou_version(network, services.get_version(mou, 1), trust_signatory,
                              full_name="Mark Ellison", job_title="Director of community services",
                              confirmed=True, password=factories.PASSWORD, ip_address="192.0.2.30",
                              user_agent="Test browser")
    db.session.commit()
    return mou


def test_signatory_signs_and_downloads_the_executed_pdf(live_app, live_server, browser_page):
    _riverside()
    page = browser_page

    sign_in(page, "signatory@riverside.example", factories.PASSWORD)
    page.get_by_role("link", name="MOUs", exact=True).first.click()
    page.check()
    assert page.get_by_role("heading", name="MOUs awaiting your signature").is_visible()

    page.get_by_role("link", name="Integrated frailty service MOU, version 1").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Sign version 1").is_visible()
    assert page.get_by_text("Riverside Medical Centre").first.is_visible()

    page.get_by_role("button", name="Sign version 1").click()  # nothing filled in yet
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()

    page.get_by_label("Your full name").fill("Dr Helen Marsh")
    page.get_by_label("Your job title").fill("Senior partner")
    page.get_by_label("I have read version 1").check()
    page.get_by_label("Your password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign version 1").click()
    page.check()
    assert page.get_by_text("You have signed version 1").is_visible()
    assert page.get_by_text("Integrity check passed").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the executed PDF").click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Signing certificate" in text
    assert "Dr Helen Marsh" in text and "Mark Ellison" in text

    page.get_by_role("link", name="Back to the MOU").click()
    page.check()
    assert page.get_by_text("Executed", exact=True).first.is_visible()


def test_drafting_pages_pass_accessibility_checks(live_app, live_server, browser_page):
    mou = _riverside()
    secretary = factories.make_user(email="secretary@riverside.example", full_name="Sam Whitfield")
    factories.make_member(db.session.get(Network, mou.network_id), "board_secretary", user=secretary)
    scope = next(c for c in mou.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "Frailty **only**."}, scope.version)
    db.session.commit()
    page = browser_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    base = f"/n/riverside/mous/{mou.id}"
    for path in ("/n/riverside/mous/", "/n/riverside/mous/new", "/n/riverside/mous/reminders", base,
                 f"{base}/draft", f"{base}/edit", f"{base}/clauses/new", f"{base}/commenters", f"{base}/issue",
                 f"{base}/compare", f"{base}/end", f"{base}/versions/1", f"{base}/versions/1/wet-ink"):
        page.visit(path)
    page.visit("/n/riverside/mous/new")
    page.get_by_role("button", name="Start the draft").click()
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    page.visit(f"{base}/draft")
    page.get_by_role("button", name="Add comment").first.click()
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
