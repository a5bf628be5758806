"""Journeys on the demo data: the secretary records a declaration at a past board meeting and how the chair
managed it, and sees the quorum shown change; a board member makes a nil annual return on a phone."""

import re

import pytest

from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.demo]


@pytest.fixture
def demo_data(live_app):
    return factories.demo_records()


def test_secretary_records_a_declaration_and_the_quorum_shown_updates(demo_data, live_server, browser_page):
    page = browser_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    page.get_by_role("link", name="Meetings", exact=True).first.click()
    page.check()
    page.get_by_role("link", name="Past meetings").first.click()
    page.check()
    page.get_by_role("link", name=re.compile("^Riverside Primary Care Home Board meeting")).first.click()
    page.check()
    meeting_url = page.url
    assert not page.get_by_text("Dr Ruth Okonjo is not counted").is_visible()
    page.get_by_role("link", name="Record declarations of interest").click()
    page.check()
    page.get_by_role("button", name="Record the declaration").click()  # nothing chosen: every problem at once
    page.check()
    assert page.get_by_role("link", name="Choose the agenda item the interest is declared on").is_visible()
    assert page.get_by_role("link", name="Select how the chair managed the interest").is_visible()
    item = page.get_by_label("Agenda item").locator("option").nth(1).inner_text()
    page.get_by_label("Agenda item").select_option(label=item)
    page.get_by_label("Who declared it?").select_option(label="Dr Ruth Okonjo, member")
    page.get_by_label("Financial", exact=True).check()
    page.get_by_label("Describe the new interest").fill("Her practice would host the new service")
    page.get_by_label("Leaves the meeting for the item").check()
    page.get_by_label("Note for the minutes (optional)").fill("Dr Okonjo left the room for the discussion.")
    page.get_by_role("button", name="Record the declaration").click()
    page.check()
    assert page.get_by_text("Dr Ruth Okonjo's declaration on item").is_visible()
    assert page.get_by_role("cell", name="Her practice would host the new service", exact=False).first.is_visible()
    assert page.get_by_text("Dr Ruth Okonjo is not counted").first.is_visible()
    page.visit(meeting_url.removeprefix(live_server.url))
    assert page.get_by_text("Dr Ruth Okonjo is not counted").first.is_visible()
    assert page.get_by_text("The chair's decision: leaves the meeting for the item").first.is_visible()
    page.get_by_role("link", name="Interests", exact=True).first.click()
    page.check()
    assert page.get_by_text("1 member is overdue").is_visible()


def test_a_board_member_makes_a_nil_annual_return_on_a_phone(demo_data, live_server, phone_page):
    page = phone_page
    sign_in(page, "signatory@riverside.example", factories.PASSWORD)
    assert page.get_by_role("heading", name="Your annual declaration is due").is_visible()
    page.get_by_role("link", name="Make your declaration").click()  # the first click
    page.check()
    page.get_by_role("button", name="I have no interests to declare").click()  # the second
    page.check()
    assert page.get_by_text("Thank you. Your nil return is recorded").is_visible()
    assert page.get_by_text("Up to date").first.is_visible()
    page.visit("/n/riverside/")
    assert not page.get_by_role("heading", name="Your annual declaration is due").is_visible()
    page.visit("/public/riverside/register-of-interests")
    assert page.get_by_role("heading", name="Register of interests").is_visible()
    assert page.get_by_text("Nil return: nothing to declare").first.is_visible()
