"""Journeys through the partner pages, with axe-core checks on every page visited: the board secretary adds
a practice and sees the population change, imports and updates partners from CSV, issues the membership
schedule; a patient panel member reads a partner's page without its staff's contact details."""

from pathlib import Path

import pytest

from governance.extensions import db
from tests import factories
from tests.e2e.conftest import AXE, sign_in

pytestmark = pytest.mark.e2e

BELOW = "Registered population 25,000 is below the 30,000 expected for a primary care home."


def check_button_names(page) -> None:
    """axe's label-content-name-mismatch (experimental, so not in the WCAG run): every control whose
    accessible name differs from its text still starts with what it shows."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'rule', values: ['label-content-name-mismatch']}})")
    assert result["violations"] == [], [node["html"] for v in result["violations"] for node in v["nodes"]]


def riverside(role: str = "board_secretary", email: str = "secretary@example.org"):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    practice = factories.make_practice(network, 25_000, name="Riverside Medical Centre", ods_code="A81001")
    factories.make_contact(practice, name="Jo Bloggs", email="jo.bloggs@riverside.example", phone="01632 960 111")
    user = factories.make_user(email=email, full_name="Sam Whitfield")
    factories.make_member(network, role, user=user)
    db.session.commit()
    return network, practice


def test_secretary_adds_a_practice_and_the_population_warning_changes(live_app, live_server, browser_page):
    riverside()
    page = browser_page

    sign_in(page, "secretary@example.org", factories.PASSWORD)
    assert page.get_by_text(BELOW).is_visible()  # the overview card warns the staff
    page.get_by_role("link", name="Partners").first.click()
    page.check()
    page.get_by_role("link", name="Registered population and each practice's share").click()
    page.check()
    assert page.get_by_text(BELOW).is_visible()

    page.visit("/n/riverside/partners/")
    page.get_by_role("button", name="Add a partner").click()
    page.check()
    page.get_by_label("Name", exact=True).fill("N" * 201)
    page.get_by_label("ODS code (optional)").fill("A8101")
    page.get_by_label("Website (optional)").fill("nope")
    page.get_by_role("button", name="Add partner").click()  # three problems: all shown at once
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    for message in ("Name must be 200 characters or fewer",
                    "A GP practice's ODS code is a letter followed by 5 numbers",
                    "Enter a website address in the correct format, like www.example.nhs.uk"):
        assert page.get_by_role("link", name=message).is_visible(), message
    page.get_by_label("Name", exact=True).fill("Oak Lane Surgery")
    page.get_by_label("Kind of organisation").select_option(label="GP practice")
    page.get_by_label("ODS code (optional)").fill("A81010")
    page.get_by_label("Website (optional)").fill("")
    page.get_by_label("Active").check()
    page.get_by_label("Registered list size (GP practices only, optional)").fill("4,000")
    page.locator('input[name="list_size_as_of[day]"]').fill("1")
    page.locator('input[name="list_size_as_of[month]"]').fill("4")
    page.locator('input[name="list_size_as_of[year]"]').fill("2026")
    page.get_by_role("button", name="Add partner").click()
    page.check()
    assert page.get_by_text("Oak Lane Surgery has been added.").is_visible()
    assert page.get_by_role("heading", level=1, name="Oak Lane Surgery").is_visible()

    page.visit("/n/riverside/partners/population")
    assert page.get_by_text("Registered population 29,000 is below the 30,000 expected").first.is_visible()

    page.get_by_role("link", name="Oak Lane Surgery").first.click()
    page.check()
    page.get_by_role("link", name="Record a new list size").click()
    page.check()
    page.get_by_label("Registered list size").fill("lots")
    page.locator('input[name="as_of[year]"]').fill("2099")
    page.get_by_role("button", name="Record list size").click()  # the number and the date: both at once
    page.check()
    assert page.get_by_role("link", name="Enter the list size as a whole number, like 9200").is_visible()
    assert page.get_by_role("link", name="The date the list size was taken must be today or in the past").is_visible()
    page.get_by_label("Registered list size").fill("6000")
    page.locator('input[name="as_of[year]"]').fill("2026")
    page.get_by_role("button", name="Record list size").click()
    page.check()
    assert page.get_by_text("list size of 6,000 has been recorded").is_visible()

    page.visit("/n/riverside/partners/population")
    assert page.get_by_text("Registered population 31,000 is within the size expected for a primary care "
                            "home: 30,000 to 50,000.").is_visible()
    assert page.get_by_text("is below the 30,000 expected").count() == 0
    assert page.get_by_role("cell", name="+6,000").first.is_visible()  # Oak Lane joined today with 6,000
    page.get_by_role("link", name="The whole history of the registered population").click()
    page.check()
    assert page.get_by_role("cell", name="+6,000").first.is_visible()


def test_partner_pages_work_on_a_phone(live_app, live_server, phone_page):
    network, practice = riverside("board_member", "member@example.org")
    sign_in(phone_page, "member@example.org", factories.PASSWORD)
    for path in ("/n/riverside/partners/", f"/n/riverside/partners/{practice.id}", "/n/riverside/partners/population",
                 "/n/riverside/partners/population/history"):
        phone_page.visit(path)
        assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    phone_page.visit(f"/n/riverside/partners/{practice.id}")
    assert phone_page.get_by_text("jo.bloggs@riverside.example").is_visible()  # a board member is staff


def test_a_patient_panel_member_reads_a_partner_without_its_staffs_contact_details(live_app, live_server,
                                                                                    browser_page):
    network, practice = riverside("patient_panel_member", "patient@example.org")
    sign_in(browser_page, "patient@example.org", factories.PASSWORD)
    # a patient's overview is short: no population figures or warnings meant for staff
    assert browser_page.get_by_text("Registered population").count() == 0
    assert browser_page.get_by_text("expected").count() == 0
    browser_page.visit(f"/n/riverside/partners/{practice.id}")
    assert browser_page.get_by_text("Jo Bloggs").is_visible()
    assert browser_page.get_by_text("jo.bloggs@riverside.example").count() == 0
    assert browser_page.get_by_text("01632 960 111").count() == 0
    assert browser_page.get_by_text("Contact details are shown to network staff only.").is_visible()


def upload(page, content: bytes, what: str = "Partners: new ones are added, and partners with the same ODS code "
                                             "are updated", name: str = "partners.csv") -> None:
    page.visit("/n/riverside/partners/import")
    check_button_names(page)
    page.get_by_label(what).check()
    page.locator('input[type="file"][name="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    check_button_names(page)
    page.get_by_role("button", name="Check the file").click()
    page.check()


def test_secretary_imports_partners_after_fixing_the_file_then_updates_them(live_app, live_server, browser_page):
    riverside()
    page = browser_page
    sign_in(page, "secretary@example.org", factories.PASSWORD)

    upload(page, b"name,kind,ods_code,list_size,website\nOak Lane Surgery,GP practice,A8101,lots,nope\n"
                 b"Vale Trust,Spaceship,,,\n")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    for problem in ("Row 2: List size 'lots' is not a whole number", "Row 2: A GP practice's ODS code is a letter",
                    "Row 2: Enter a website address in the correct format", "Row 3: Unknown kind 'Spaceship'"):
        assert page.get_by_role("link", name=problem).is_visible(), problem  # each problem on its own
    assert page.get_by_role("button", name="Import").count() == 0

    upload(page, b"name,kind,ods_code,list_size\nOak Lane Surgery,GP practice,A81010,6000\n"
                 b"Vale Trust,Acute trust,RXX,\n")
    check_button_names(page)
    page.get_by_role("button", name="Import 2 partners").click()
    page.check()
    assert page.get_by_text("2 partners added.").is_visible()
    assert page.get_by_role("link", name="Oak Lane Surgery").is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all partners (CSV)").click()
    exported = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    upload(page, exported.replace("Vale Trust", "Vale Acute Trust").encode())
    assert page.get_by_text("Name: 'Vale Trust' to 'Vale Acute Trust'").is_visible()
    page.get_by_role("button", name="Import 1 partner").click()
    page.check()
    assert page.get_by_text("1 partner updated.").is_visible()
    assert page.get_by_role("link", name="Vale Acute Trust").is_visible()

    upload(page, b"name,kind\n" + b"A,Other\n" * 40_000)  # 320 KB: the import's own page, inside the layout
    assert page.get_by_role("heading", name="The file is too large to import").is_visible()
    assert page.get_by_text("must be smaller than 200 KB").is_visible()
    page.get_by_role("link", name="Go back to import from a CSV file").click()
    page.check()


def test_secretary_previews_and_issues_the_membership_schedule_once(live_app, live_server, browser_page):
    riverside()
    page = browser_page
    sign_in(page, "secretary@example.org", factories.PASSWORD)
    page.visit("/n/riverside/partners/")
    page.get_by_role("link", name="Preview and issue the membership schedule (PDF)").click()
    page.check()
    preview = page.get_by_role("link", name="Preview the schedule as a draft (PDF)").get_attribute("href")
    response = page.request.get(preview)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    page.get_by_role("button", name="Issue the membership schedule").click()
    page.check()  # the progress page
    assert page.get_by_role("heading", name="Partnership membership schedule").is_visible()
    page.visit("/n/riverside/partners/membership-schedule")
    assert page.get_by_role("heading", name="This schedule was already issued today").first.is_visible()
    page.get_by_role("button", name="Issue it again").click()
    page.check()
    assert page.get_by_role("link", name="The same schedule was issued").is_visible()  # asked first
    page.get_by_label("Issue it again: I want another copy of the same schedule").check()
    page.get_by_role("button", name="Issue it again").click()
    page.check()
    assert page.get_by_role("heading", name="Partnership membership schedule").is_visible()
