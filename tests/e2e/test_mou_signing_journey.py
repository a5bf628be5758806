"""Journeys: a partner's signatory signs the MOU waiting for them; a secretary drafts, invites and issues.

Every page visited is checked with axe-core.
"""

import io

import pypdf
import pytest

from governance.extensions import db
from governance.mous import comments, services, signing
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
    mark = factories.make_user(email="trust.signatory@riverside.example", full_name="Mark Ellison")
    trust_signatory = factories.make_signatory(network, trust, user=mark, job_title="Director of community services")
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
    mou = _riverside()
    page = browser_page

    sign_in(page, "signatory@riverside.example", factories.PASSWORD)
    page.get_by_role("link", name="MOUs", exact=True).first.click()
    page.check()
    assert page.get_by_role("heading", name="MOUs awaiting your signature").is_visible()

    page.get_by_role("link", name="Integrated frailty service MOU, version 1").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Sign version 1").is_visible()
    assert page.get_by_text("Riverside Medical Centre").first.is_visible()
    assert page.get_by_label("Your full name").input_value() == "Dr Helen Marsh"  # from the profile
    assert page.get_by_label("Your job title").input_value() == "Senior partner"
    assert page.get_by_text("you agree to sign this MOU electronically").is_visible()

    page.get_by_role("link", name="Go to the signature").click()
    page.get_by_label("Your full name").fill("Helen Marsh-Jones")
    page.get_by_role("button", name="Sign version 1").click()  # a name not the account's, nothing else
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_text("not the name on your Accord account, Dr Helen Marsh").first.is_visible()

    page.get_by_label("Your full name").fill("Dr Helen Marsh")
    page.get_by_label("I have read version 1").check()
    page.get_by_label("Your password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign version 1").click()
    page.check()
    assert page.get_by_text("You have signed version 1").is_visible()
    assert page.get_by_role("heading", name="What happens next").is_visible()
    assert page.get_by_text("version 1 is executed and is now the version in force").is_visible()
    assert page.get_by_text("Integrity check passed").is_visible()
    assert page.get_by_text("Account: Dr Helen Marsh (signatory@riverside.example)").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the executed PDF").click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Signing certificate" in text and "Times are UK time" in text
    assert "Dr Helen Marsh" in text and "Mark Ellison" in text and "signatory@riverside.example" in text

    page.get_by_role("link", name="Back to the MOU").click()
    page.check()
    assert page.get_by_text("Executed", exact=True).first.is_visible()
    assert page.get_by_text("In force: version 1").is_visible()
    page.visit(f"/n/riverside/partners/{mou.parties[0].id}")
    assert page.get_by_role("heading", name="MOUs and signatures").is_visible()


def test_drafting_pages_pass_accessibility_checks(live_app, live_server, browser_page):
    mou = _riverside()
    network = db.session.get(Network, mou.network_id)
    secretary = factories.make_user(email="secretary@riverside.example", full_name="Sam Whitfield")
    secretary_member = factories.make_member(network, "board_secretary", user=secretary)
    reader = factories.make_member(network, "board_member",
                                   user=factories.make_user(full_name="Dr Priya Raman"))
    scope = next(c for c in mou.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "Frailty **only**."}, scope.version)
    services.delete_clause(next(c for c in mou.clauses if c.key == "conflicts"))
    comments.invite_commenters(mou, [reader.id], secretary)
    question = comments.add_comment(mou, scope, "Which practices?", reader)
    comments.add_comment(mou, scope, "All four.", secretary_member, reply_to=question)
    variation = factories.make_mou(network, list(mou.parties), title="weekend cover", varies_id=mou.id)
    db.session.commit()
    page = browser_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    base = f"/n/riverside/mous/{mou.id}"
    workforce = next(c for c in mou.clauses if c.key == "workforce")
    for path in ("/n/riverside/mous/", "/n/riverside/mous/new", "/n/riverside/mous/reminders", base,
                 f"{base}/draft", f"{base}/edit", f"{base}/clauses/new", f"{base}/clauses/new?from=conflicts",
                 f"{base}/clauses/{workforce.id}/delete", f"{base}/commenters", f"{base}/issue",
                 f"{base}/compare", f"{base}/compare?old=1&new=draft", f"{base}/end", f"{base}/versions/1",
                 f"{base}/versions/1/wet-ink", f"/n/riverside/mous/{variation.id}",
                 f"/n/riverside/mous/{variation.id}/draft"):
        page.visit(path)
    page.visit("/n/riverside/mous/new")
    page.get_by_role("button", name="Start the draft").click()
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()

    page.visit(f"{base}/draft")
    page.get_by_text("Reply to Dr Priya Raman", exact=True).click()  # a details element: works without JavaScript
    page.get_by_role("button", name="Reply").first.click()
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()

    page.visit(f"{base}/clauses/{workforce.id}/delete")
    page.get_by_role("button", name="Remove the clause").click()
    page.check()
    assert page.get_by_text('Clause "Workforce" removed from the draft.').is_visible()

    page.visit(f"{base}/commenters")
    page.get_by_role("button", name="Withdraw").first.click()
    page.check()
    assert page.get_by_text("Dr Priya Raman is no longer invited to comment.").is_visible()


def test_the_draft_on_a_phone_has_no_red_button_under_each_clause(live_app, live_server, phone_page):
    mou = _riverside()
    secretary = factories.make_user(email="secretary@riverside.example", full_name="Sam Whitfield")
    factories.make_member(db.session.get(Network, mou.network_id), "board_secretary", user=secretary)
    db.session.commit()
    sign_in(phone_page, "secretary@riverside.example", factories.PASSWORD)
    phone_page.visit(f"/n/riverside/mous/{mou.id}/draft")
    assert phone_page.locator(".nhsuk-button--warning").count() == 0
    assert phone_page.get_by_role("link", name="Remove clause 1, Parties").is_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the draft scrolls sideways on a phone ({width} px)"
