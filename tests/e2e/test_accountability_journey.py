"""Journeys: the secretary assigns an Accountable and sees the gap disappear; the matrix read on a phone.

Both run on Riverside's demo data (six workstreams, eleven partners, the lead roles with their gaps),
with axe-core checks on every page visited.
"""

import pytest

from governance.core import tenancy
from governance.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.demo]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _riverside_with_a_new_workstream():
    seeded = factories.demo_records()
    tenancy.activate(seeded.riverside.id)
    factories.make_workstream(seeded.riverside, name="Care home support", lead_partner_id=seeded.partners["trust"].id,
                              population="Residents of the valley's nine care homes")
    tenancy.activate(None)
    db.session.commit()


def test_the_secretary_assigns_an_accountable_and_the_gap_disappears(live_app, live_server, browser_page):
    _riverside_with_a_new_workstream()
    page = browser_page
    sign_in(page, "secretary@riverside.example", factories.PASSWORD)
    assert page.get_by_role("heading", name="Gaps in the accountability framework").is_visible()
    assert page.get_by_text("Nobody is accountable for Care home support.").is_visible()

    page.get_by_role("link", name="Accountability", exact=True).first.click()
    page.check()
    page.get_by_role("link", name="See the gaps and put them right").click()
    page.check()
    assert page.get_by_text("Nobody is accountable for Care home support.").is_visible()
    assert page.get_by_text("Dr Helen Marsh's term as Caldicott Guardian ended on 30 September 2026.").is_visible()

    page.get_by_role("link", name="Assign an Accountable for Care home support").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Assign the Accountable").is_visible()
    page.get_by_role("button", name="Assign Accountable").click()  # nobody chosen yet
    page.check()
    assert page.get_by_role("link", name="Choose a partner, a member, or both").is_visible()

    page.get_by_label("Partner", exact=True).select_option(label="Riverside Community Health NHS Trust")
    page.get_by_label("Named member").select_option(label="Mark Ellison, Director of community services")
    page.get_by_role("button", name="Assign Accountable").click()
    page.check()
    assert page.get_by_text("Mark Ellison (Riverside Community Health NHS Trust) is accountable for Care home "
                            "support from 23 November 2026.").is_visible()
    assert page.get_by_role("heading", level=1, name="Care home support").is_visible()

    page.get_by_role("link", name="Gaps", exact=True).click()
    page.check()
    assert page.get_by_text("Nobody is accountable for Care home support.").count() == 0
    assert page.get_by_text("Nobody holds the role of Safeguarding lead (children).").is_visible()

    page.get_by_role("link", name="Accountability matrix").click()
    page.check()
    assert page.locator(".accord-matrix-grid").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)  # a wide grid scrolls inside its own region, not the page
    assert page.get_by_role("link", name="Care home support").first.is_visible()

    page.get_by_role("link", name="Virtual ward").first.click()
    page.check()
    page.locator('input[name="as_of[day]"]').fill("1")
    page.locator('input[name="as_of[month]"]').fill("3")
    page.locator('input[name="as_of[year]"]').fill("2026")
    page.get_by_role("button", name="Show").click()
    page.check()
    assert page.get_by_text("On 1 March 2026, Dr Helen Marsh (Riverside Medical Centre) was accountable for "
                            "Virtual ward.").is_visible()

    page.visit("/n/riverside/accountability/lead-roles")
    page.get_by_role("link", name="Safeguarding lead (children)").click()
    page.check()
    page.get_by_role("link", name="Appoint someone").click()
    page.check()
    page.get_by_label("Or the name of someone without an Accord account").fill("Dr Amal Nasser")
    page.get_by_role("button", name="Appoint").click()
    page.check()
    assert page.get_by_text("Dr Amal Nasser is Safeguarding lead (children) from 23 November 2026.").is_visible()
    page.visit("/n/riverside/accountability/gaps")
    assert page.get_by_text("Nobody holds the role of Safeguarding lead (children).").count() == 0


def test_the_matrix_reads_as_a_list_per_workstream_on_a_phone(live_app, live_server, phone_page):
    page = phone_page
    sign_in(page, "gp@riverside.example", factories.PASSWORD)
    page.visit("/n/riverside/accountability/matrix")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the matrix page scrolls sideways at 375 px"
    assert not page.locator(".accord-matrix-grid").is_visible()
    assert page.locator(".accord-matrix-list").is_visible()
    frailty = page.locator(".nhsuk-card", has=page.get_by_role("link", name="Proactive frailty service"))
    assert frailty.get_by_text("Mark Ellison (Riverside Community Health NHS Trust)").is_visible()
    assert frailty.get_by_text("Riverside Borough Council Adult Social Care").is_visible()
    for path in ("/n/riverside/accountability/", "/n/riverside/accountability/lead-roles",
                 "/n/riverside/accountability/gaps", "/n/riverside/accountability/mine",
                 "/n/riverside/accountability/matrix?as_of[day]=1&as_of[month]=3&as_of[year]=2026"):
        page.visit(path)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at 375 px"
    assert page.get_by_text("as it stood on 1 March 2026").is_visible()
    virtual_ward = page.locator(".nhsuk-card", has=page.get_by_role("link", name="Virtual ward"))
    assert virtual_ward.get_by_text("Dr Helen Marsh (Riverside Medical Centre)").is_visible()
    page.get_by_role("link", name="Virtual ward").click()
    page.check()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.get_by_role("heading", level=1, name="Virtual ward").is_visible()
