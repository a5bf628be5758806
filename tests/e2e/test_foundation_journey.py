"""Journey: a member of two networks signs in, switches network and signs out."""

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

    page.get_by_role("link", name="Sign out").click()
    page.check()
    page.get_by_role("button", name="Sign out").click()
    page.check()
    assert page.get_by_text("You have signed out.").is_visible()
    page.goto(live_server.url + "/n/northgate/")
    assert "/sign-in" in page.url


def test_sign_in_error_summary_is_accessible(live_app, live_server, browser_page):
    page = browser_page
    page.visit("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.check()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
