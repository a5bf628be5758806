"""Journeys on the demo data: the secretary schedules a meeting, builds its agenda, uploads a paper, issues the
papers, records attendance and sees the quorum change when a member leaves; the chair opens the board pack
on a phone."""

import io
import re

import pypdf
import pytest

from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.demo]


@pytest.fixture
def demo_data(live_app):
    return factories.demo_records()


def _fill_date(page, name, day, month, year):
    page.locator(f'input[name="{name}[day]"]').fill(str(day))
    page.locator(f'input[name="{name}[month]"]').fill(str(month))
    page.locator(f'input[name="{name}[year]"]').fill(str(year))


def _attendance(page, statuses: dict[str, str], left: tuple[str, str] | None = None):
    """Set each named member's attendance (by the label of their radio), and who left at which item."""
    page.get_by_role("link", name="Record attendance").first.click()
    page.check()
    for name, status in statuses.items():
        page.get_by_role("group", name=f"Attendance of {name}").get_by_label(status, exact=True).check()
    if left:
        who, item = left
        group = page.get_by_role("group", name=re.compile(f"^{who}"))
        group.get_by_label("Left at item").select_option(label=item)
    page.get_by_role("button", name="Save attendance").click()
    page.check()


def test_secretary_builds_a_meeting_and_sees_the_quorum_change(demo_data, live_server, browser_page):
    page = browser_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    page.get_by_role("link", name="Meetings", exact=True).first.click()
    page.check()
    assert page.get_by_role("heading", name="Upcoming meetings").is_visible()

    page.get_by_role("button", name="Schedule a meeting").click()
    page.check()
    page.get_by_role("button", name="Schedule the meeting").click()  # nothing filled in: every problem at once
    page.check()
    assert page.get_by_role("link", name="Choose the board or committee that is meeting").is_visible()
    assert page.get_by_role("link", name="Enter the date of the meeting").is_visible()
    page.get_by_label("Board or committee").select_option(label="Riverside Primary Care Home Board")
    _fill_date(page, "day", 14, 1, 2027)
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("Place (optional if there is a video link)").fill("Riverside House, Quay Street")
    page.get_by_role("button", name="Schedule the meeting").click()
    page.check()
    assert page.get_by_text("Thursday 14 January 2027, 10:00 to 12:00").first.is_visible()
    assert page.get_by_role("heading", name="5. Any other business").is_visible()

    page.get_by_role("link", name="Add an item").click()
    page.check()
    page.get_by_label("Title", exact=True).fill("Urgent care hub proposal")
    page.get_by_label("Presented by (optional)").fill("Dr Tom Hale")
    page.get_by_label("For decision").check()
    page.get_by_label("Time allowed, in minutes").fill("25")
    page.get_by_role("button", name="Add the item").click()
    page.check()
    assert page.get_by_role("heading", name="5. Urgent care hub proposal").is_visible()
    assert page.get_by_text("10:30 · 25 minutes · For decision · Presented by Dr Tom Hale").is_visible()
    page.get_by_role("button", name="Move up item 5, Urgent care hub proposal").click()  # no JavaScript needed
    page.check()
    assert page.get_by_role("heading", name="4. Urgent care hub proposal").is_visible()
    assert page.get_by_text("10:20 · 25 minutes").is_visible()

    page.get_by_role("link", name="Add a paper to item 4").click()
    page.check()
    page.get_by_label("Title of the paper").fill("Urgent care hub business case")
    page.get_by_label("Author").fill("Dr Tom Hale")
    page.locator('input[type="file"]').set_input_files(files=[
        {"name": "business-case.pdf", "mimeType": "application/pdf", "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * 50}])
    page.get_by_role("button", name="Upload the paper").click()
    page.check()
    assert page.get_by_role("link", name="The selected file must be a PDF").is_visible()
    page.locator('input[type="file"]').set_input_files(files=[
        {"name": "business-case.pdf", "mimeType": "application/pdf", "buffer": factories.pdf_bytes(3)}])
    page.get_by_role("button", name="Upload the paper").click()
    page.check()
    assert page.get_by_text("\"Urgent care hub business case\" (3 pages) has been added to item 4.").is_visible()

    page.get_by_role("link", name="Issue the papers").click()
    page.check()
    assert page.get_by_text("Sent today, the members have").is_visible()
    page.get_by_role("button", name="Issue the papers").click()
    page.check()
    assert page.get_by_text("The papers have been issued and 9 members were told.").is_visible()

    everyone = {name: "Present" for name in ("Dr Priya Raman", "Dr Tom Hale", "Daniel Price", "Dr Ruth Okonjo",
                                             "Fatima Noor", "Grace Ito", "Mark Ellison", "Olu Adeyemi")}
    _attendance(page, {**everyone, "Dr Helen Marsh": "Apologies"})
    assert page.get_by_text("The attendance has been saved.").is_visible()
    assert page.get_by_text("Quorate for every item.").is_visible()
    assert page.get_by_text("3 GP practice representatives (at least 2 needed)").first.is_visible()

    _attendance(page, {"Dr Ruth Okonjo": "Apologies"}, left=("Dr Tom Hale", "4. Urgent care hub proposal"))
    assert page.get_by_text("Not quorate for 3 items:").is_visible()
    item = page.locator("li#" + page.get_by_role("heading", name="4. Urgent care hub proposal")
                        .locator("xpath=..").get_attribute("id"))
    assert item.get_by_text("Not quorate", exact=True).is_visible()
    assert item.get_by_text("Dr Tom Hale left the meeting at this item.").is_visible()
    assert item.get_by_text("1 GP practice representative (at least 2 needed)").is_visible()
    assert len(page.checked) >= 14


def test_the_chair_opens_the_board_pack_on_a_phone(demo_data, live_server, phone_page):
    page = phone_page
    sign_in(page, "chair@riverside.example", factories.PASSWORD)
    assert page.get_by_role("heading", name="Your next meetings").is_visible()
    page.get_by_role("link", name="Riverside Primary Care Home Board meeting").first.click()
    page.check()
    assert page.get_by_role("heading", name="Practice merger proposal").first.is_visible()  # part 2: the chair sees it
    assert page.get_by_text("You sit on Riverside Primary Care Home Board as chair").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board pack (PDF)").click()
    pack = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    titles = [entry.title for entry in pack.outline if not isinstance(entry, list)]
    assert titles[:2] == ["Cover", "Agenda"] and any(t.endswith("Practice merger proposal") for t in titles)
    assert len(pack.pages) >= 7  # the cover, the agenda and five papers
    page.visit("/n/riverside/meetings/mine")
    assert page.get_by_role("heading", name="My meetings").is_visible()
    page.get_by_role("link", name="Calendar subscription").click()
    page.check()
    page.get_by_role("button", name="Make my calendar address").click()
    page.check()
    assert page.get_by_label("Your calendar address").input_value().endswith(".ics")
