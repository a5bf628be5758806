"""Journey: a patient panel member on a phone reads the partnership, and sees nothing they may not."""

import pytest

from governance.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_patient_panel_member_reads_the_partnership_on_a_phone(live_app, live_server, phone_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    practice = factories.make_partner(network, name="Quayside Surgery", ods_code="A81002")
    factories.make_member(network, "patient_panel_member",
                          user=factories.make_user(email="patient@example.org", full_name="Joan Pritchard"))
    db.session.commit()
    page = phone_page

    sign_in(page, "patient@example.org", factories.PASSWORD)
    assert page.get_by_role("heading", level=1, name="Riverside Primary Care Home").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # a plain, short home: no codes, financial year or population warnings meant for staff
    assert page.get_by_text("You are a member of the patient panel").is_visible()
    for staff_only in ("ODS code", "Financial year", "Registered population"):
        assert page.get_by_text(staff_only).count() == 0, staff_only

    page.visit("/n/riverside/partners/")
    page.get_by_role("link", name="Quayside Surgery").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Quayside Surgery").is_visible()
    assert page.get_by_role("link", name="Edit").count() == 0
    assert page.get_by_text("MOUs and signatures").count() == 0

    page.visit("/n/riverside/partners/population")
    assert page.get_by_role("heading", level=1).is_visible()

    for forbidden in ("/n/riverside/mous/", "/n/riverside/documents/", f"/n/riverside/partners/{practice.id}/edit"):
        response = page.goto(live_server.url + forbidden)
        assert response.status == 403, forbidden
        page.check()
        assert page.get_by_role("heading", name="You do not have permission to see this page").is_visible()
