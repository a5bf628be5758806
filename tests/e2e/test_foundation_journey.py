"""Journeys: sign in, switch network, sign out; the same pages on a phone; accepting an invitation."""

import re

import pytest

from governance.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_sign_in_switch_network_sign_out(live_app, live_server, browser_page):
    first = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    second = factories.make_network(name="Northgate Primary Care Network", slug="northgate",
                                    care_model="primary_care_network")
    user = factories.make_user(email="chair@example.org", full_name="Priya Raman")
    factories.make_member(first, "board_member", user=user)
    factories.make_member(second, "board_secretary", user=user)
    db.session.commit()
    page = browser_page

    sign_in(page, "chair@example.org", factories.PASSWORD)
    assert page.get_by_role("heading", name="Your networks").is_visible()

    page.get_by_role("link", name="Riverside Primary Care Home").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Riverside Primary Care Home").is_visible()

    page.get_by_role("link", name="Switch network").click()
    page.check()
    page.get_by_role("link", name="Northgate Primary Care Network").click()
    page.check()
    assert page.get_by_role("heading", level=1, name="Northgate Primary Care Network").is_visible()
    assert "/n/northgate/" in page.url

    # one click: the header's Sign out button
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    page.check()
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto(live_server.url + "/n/northgate/")
    assert "/sign-in" in page.url

    # signing in again returns to the network used last
    sign_in(page, "chair@example.org", factories.PASSWORD)
    assert "/n/northgate/" in page.url
    assert page.get_by_role("heading", level=1, name="Northgate Primary Care Network").is_visible()


def test_sign_in_error_summary_is_accessible(live_app, live_server, browser_page):
    page = browser_page
    page.visit("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()


def _no_sideways_scrolling(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_sign_in_and_dashboard_on_a_phone(live_app, live_server, phone_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    factories.make_member(network, "patient_panel_member",
                          user=factories.make_user(email="patient@example.org", full_name="Joan Pritchard"))
    db.session.commit()
    page = phone_page

    page.visit("/sign-in")
    _no_sideways_scrolling(page)
    page.get_by_label("Email address").fill("patient@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    page.wait_for_url("**/n/riverside/")
    page.check()
    assert page.get_by_role("heading", level=1, name="Riverside Primary Care Home").is_visible()
    _no_sideways_scrolling(page)
    # the menu is reachable on a small screen, and offers a patient only what they may open
    menu = page.get_by_role("navigation", name="Network menu")
    assert menu.count() == 1
    assert page.get_by_role("link", name="Documents").count() == 0


def test_an_invited_person_accepts_and_joins_with_their_role(live_app, live_server, browser, browser_page,
                                                             caplog):
    from tests.e2e.conftest import AccessiblePage

    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    factories.make_member(network, "network_admin",
                          user=factories.make_user(email="admin@example.org", full_name="Amara Okafor"))
    db.session.commit()
    admin = browser_page

    sign_in(admin, "admin@example.org", factories.PASSWORD)
    admin.get_by_role("link", name="Members").first.click()
    admin.check()
    admin.get_by_role("link", name="Invite someone to this network").click()
    admin.check()
    admin.get_by_label("Email address").fill("sam@example.org")
    admin.get_by_label("Full name").fill("Sam Whitfield")
    admin.get_by_label("Role").select_option("board_secretary")
    admin.get_by_role("button", name="Send invitation").click()
    admin.check()
    assert admin.get_by_text("Invitation sent to sam@example.org.").is_visible()
    assert admin.get_by_role("cell", name="sam@example.org", exact=True).is_visible()

    link = re.search(r"http://\S+(/invitations/\S+)", caplog.text)[1]
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    try:
        invitee = AccessiblePage(context.new_page(), live_server.url)
        invitee.visit(link)
        assert invitee.get_by_role("heading", level=1, name="Join Riverside Primary Care Home").is_visible()
        assert invitee.get_by_label("Full name").input_value() == "Sam Whitfield"
        invitee.get_by_label("Create a password").fill("a long passphrase")
        invitee.get_by_label("Confirm password").fill("a long passphrase")
        invitee.get_by_role("button", name="Accept invitation").click()
        invitee.check()
        assert invitee.get_by_text("Welcome to Riverside Primary Care Home.").is_visible()
        assert invitee.get_by_text("You are signed in as board secretary.").is_visible()
        assert invitee.get_by_role("link", name="Audit trail").count() >= 1  # the secretary's menu

        invitee.visit(link)  # the link works once
        assert invitee.get_by_role("heading", name="This link has expired or has already been used").is_visible()
    finally:
        context.close()


def test_the_audit_trail_and_its_filters_are_accessible(live_app, live_server, browser_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    factories.make_member(network, "network_admin",
                          user=factories.make_user(email="admin@example.org", full_name="Amara Okafor"))
    member = factories.make_member(network, "board_member", user=factories.make_user(full_name="Dr Helen Marsh"))
    db.session.commit()
    page = browser_page
    sign_in(page, "admin@example.org", factories.PASSWORD)
    page.visit(f"/n/riverside/admin/members/{member.id}")
    page.get_by_label("Role").select_option("board_secretary")
    page.get_by_role("button", name="Save role").click()
    page.check()

    # the header menu moves what does not fit under "More": follow the menu's link wherever it sits
    page.visit(page.locator("header a", has_text="Audit trail").first.get_attribute("href"))
    page.check()  # includes axe's summary-name rule: the Changes expander has a name
    expander = page.get_by_text("What changed (1 field)").first
    expander.click()
    page.check()
    assert page.get_by_text("Board member → Board secretary").is_visible()
    assert page.get_by_text("Dr Helen Marsh's membership").is_visible()

    page.get_by_label("From").fill("2026-11-20")
    page.get_by_label("To").fill("2026-11-01")
    page.get_by_role("button", name="Filter").click()
    page.check()
    assert page.title().startswith("Error: ")
    assert page.get_by_role("link", name="To date must be the same as or after the From date").is_visible()


def test_the_documents_page_fits_a_phone(live_app, live_server, phone_page):
    network = factories.make_network(name="Riverside Primary Care Home", slug="riverside")
    factories.make_member(network, "board_secretary",
                          user=factories.make_user(email="secretary@example.org", full_name="Sam Whitfield"))
    for n in range(3):
        factories.make_document(network, title=f"Partnership membership schedule {n} for the Riverside valley "
                                               "practices, community trust and voluntary sector partners",
                                covers="1 April 2026 to 31 March 2027, all active partners")
    db.session.commit()
    page = phone_page
    sign_in(page, "secretary@example.org", factories.PASSWORD)
    page.visit("/n/riverside/documents/")
    _no_sideways_scrolling(page)
    link = page.get_by_role("link", name=re.compile("Partnership membership schedule 0")).first
    assert link.is_visible()
    assert page.get_by_role("link", name=re.compile("^Download")).count() == 3
