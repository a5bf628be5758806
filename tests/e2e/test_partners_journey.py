"""Journey: the board secretary adds a GP practice, updates its list size and sees the population warning change."""

import pytest

from governance.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

BELOW = "Registered population 25,000 is below the 30,000 expected for a primary care home."


def test_secretary_adds_a_practice_and_the_population_warning_changes(live_app, live_server, browser_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    factories.make_practice(network, 25_000, name="Riverside Medical Centre", ods_code="A81001")
    user = factories.make_user(email="secretary@example.org", full_name="Sam Whitfield")
    factories.make_member(network, "board_secretary", user=user)
    db.session.commit()
    page = browser_page

    sign_in(page, "secretary@example.org", factories.PASSWORD)
    page.get_by_role("link", name="Partners").first.click()
    page.check()
    page.get_by_role("link", name="Registered population and each practice's share").click()
    page.check()
    assert page.get_by_text(BELOW).is_visible()

    page.visit("/n/riverside/partners/")
    page.get_by_role("button", name="Add a partner").click()
    page.check()
    page.get_by_label("ODS code (optional)").fill("A8101")
    page.get_by_role("button", name="Add partner").click()  # no name, and a bad ODS code
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("link", name="Enter the organisation's name").is_visible()  # every problem at once
    assert page.get_by_role("link", name="A GP practice's ODS code is a letter followed by 5 numbers").is_visible()
    page.get_by_label("Name", exact=True).fill("Oak Lane Surgery")
    page.get_by_label("Kind of organisation").select_option(label="GP practice")
    page.get_by_label("ODS code (optional)").fill("A81010")
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
    assert page.get_by_text("Registered population 29,000 is below the 30,000 expected").is_visible()

    page.get_by_role("link", name="Oak Lane Surgery").first.click()
    page.check()
    page.get_by_role("link", name="Record a new list size").click()
    page.check()
    page.get_by_label("Registered list size").fill("lots")
    page.get_by_role("button", name="Record list size").click()
    page.check()
    assert page.get_by_role("link", name="Enter the list size as a whole number, like 9200").is_visible()
    page.get_by_label("Registered list size").fill("6000")
    page.get_by_role("button", name="Record list size").click()
    page.check()
    assert page.get_by_text("list size of 6,000 has been recorded").is_visible()

    page.visit("/n/riverside/partners/population")
    assert page.get_by_text("Registered population 31,000 is within the size expected for a primary care "
                            "home: 30,000 to 50,000.").is_visible()
    assert page.get_by_text("is below the 30,000 expected").count() == 0
    assert page.get_by_role("cell", name="+6,000").first.is_visible()  # Oak Lane joined today with 6,000


def test_partner_pages_work_on_a_phone(live_app, live_server, phone_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    practice = factories.make_practice(network, 12_000, name="Riverside Medical Centre", ods_code="A81001")
    factories.make_contact(practice, name="Jo Bloggs")
    user = factories.make_user(email="member@example.org")
    factories.make_member(network, "board_member", user=user)
    db.session.commit()
    sign_in(phone_page, "member@example.org", factories.PASSWORD)
    for path in ("/n/riverside/partners/", f"/n/riverside/partners/{practice.id}",
                 "/n/riverside/partners/population"):
        phone_page.visit(path)
    assert phone_page.get_by_text("Registered population 12,000 is below").is_visible()


def test_secretary_imports_partners_after_fixing_the_file(live_app, live_server, browser_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    user = factories.make_user(email="secretary@example.org")
    factories.make_member(network, "board_secretary", user=user)
    db.session.commit()
    page = browser_page
    sign_in(page, "secretary@example.org", factories.PASSWORD)

    def upload(content: bytes):
        page.visit("/n/riverside/partners/import")
        page.get_by_label("New partner organisations").check()
        page.locator('input[type="file"][name="file"]').set_input_files(
            files=[{"name": "partners.csv", "mimeType": "text/csv", "buffer": content}])
        page.get_by_role("button", name="Check the file").click()
        page.check()

    upload(b"name,kind,ods_code,list_size\nOak Lane Surgery,GP practice,A81010,lots\nVale Trust,Spaceship,,\n")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("link", name="Row 2: List size 'lots' is not a whole number").is_visible()
    assert page.get_by_role("button", name="Import").count() == 0

    upload(b"name,kind,ods_code,list_size\nOak Lane Surgery,GP practice,A81010,6000\nVale Trust,Acute trust,RXX,\n")
    page.get_by_role("button", name="Import 2 partners").click()
    page.check()
    assert page.get_by_text("2 partners imported.").is_visible()
    assert page.get_by_role("link", name="Oak Lane Surgery").is_visible()
