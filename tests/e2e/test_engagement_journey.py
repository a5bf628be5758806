"""Journey on a phone: a patient panel member gives feedback one question at a time; the secretary
acknowledges it, responds and publishes it; the patient reads the response; the public "You said, we
did" page shows it to anyone. axe-core checks every page visited."""

import pytest

from governance.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _riverside():
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    practice = factories.make_partner(network, name="Quayside Surgery", ods_code="A81002")
    factories.make_workstream(network, name="Virtual ward", lead_partner_id=practice.id)
    factories.make_member(network, "patient_panel_member",
                          user=factories.make_user(email="patient@example.org", full_name="Joan Pritchard"))
    factories.make_member(network, "board_secretary",
                          user=factories.make_user(email="secretary@example.org", full_name="Sam Whitfield"))
    db.session.commit()


def _continue(page):
    page.get_by_role("button", name="Continue").click()
    page.check()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.url


def test_feedback_from_a_patient_to_you_said_we_did(live_app, live_server, phone_page):
    _riverside()
    page = phone_page
    sign_in(page, "patient@example.org", factories.PASSWORD)
    page.visit("/n/riverside/engagement/my-feedback/")
    assert page.get_by_role("heading", level=1, name="Your feedback").is_visible()
    page.get_by_role("button", name="Give feedback").click()
    page.check()
    assert page.get_by_text("Do not include medical details").is_visible()
    page.get_by_role("button", name="Start").click()
    page.check()

    assert page.get_by_role("heading", level=1, name="What is your feedback about?").is_visible()
    _continue(page)  # nothing chosen
    assert page.get_by_role("link", name="Select what your feedback is about").is_visible()
    page.get_by_label("Virtual ward").check()
    _continue(page)

    assert page.get_by_text("Do not include medical details").is_visible()
    page.get_by_label("What happened, or what do you suggest?").fill(
        "Nobody told us what time the nurse would come each day.")
    _continue(page)
    page.get_by_label("Good", exact=True).check()
    _continue(page)
    page.get_by_label("No, keep my name private", exact=False).check()
    _continue(page)
    page.get_by_label("Yes, email me").check()
    _continue(page)

    assert page.get_by_role("heading", level=1, name="Check your answers before sending your feedback").is_visible()
    page.get_by_role("button", name="Send feedback").click()
    page.check()
    assert page.get_by_text("Your feedback has been sent").is_visible()
    assert page.get_by_text("We have not replied yet").is_visible()
    page.context.clear_cookies()

    sign_in(page, "secretary@example.org", factories.PASSWORD)
    page.visit("/n/riverside/engagement/")
    assert page.get_by_text("Anonymous").first.is_visible()
    assert page.get_by_text("Joan Pritchard").count() == 0
    page.get_by_role("link", name="F00001").click()
    page.check()
    page.get_by_role("button", name="Acknowledge").click()
    page.check()
    assert page.get_by_text("F00001 has been acknowledged.").is_visible()
    page.get_by_role("button", name="Respond").click()
    page.check()
    page.get_by_label("Response").fill("We now text a two-hour window the evening before each visit.")
    page.get_by_role("button", name="Save the response").click()
    page.check()
    page.get_by_role("link", name="Publish on \"You said, we did\"").click()
    page.check()
    page.get_by_label("What the patient said, as it will be published").fill(
        "Nobody told us what time the nurse would come.")
    page.get_by_role("button", name="Publish").click()
    page.check()
    assert page.get_by_text("is published on").is_visible()
    assert page.get_by_text("Joan Pritchard").count() == 0
    page.context.clear_cookies()

    sign_in(page, "patient@example.org", factories.PASSWORD)
    page.visit("/n/riverside/engagement/my-feedback/")
    page.get_by_role("link", name="Virtual ward").click()
    page.check()
    assert page.get_by_text("We now text a two-hour window the evening before each visit.").is_visible()
    page.context.clear_cookies()

    page.visit("/p/riverside/you-said-we-did")
    assert page.get_by_role("heading", level=1, name="You said, we did").is_visible()
    assert page.get_by_text("Nobody told us what time the nurse would come.").is_visible()
    assert page.get_by_text("We now text a two-hour window the evening before each visit.").is_visible()
    assert page.get_by_text("each day").count() == 0  # the original wording stays private
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
