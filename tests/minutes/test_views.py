"""Minutes pages: every route for every role, outsiders, drafting with an edit conflict, circulation,
the draft PDF, approval, the public version and the board's list."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from governance.core import tenancy
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.minutes import services
from governance.minutes.models import ApprovedMinutes
from tests import factories
from tests.minutes.conftest import make_setting

ROLES = ["network_admin", "board_secretary", "board_member", "partner_representative", "patient_panel_member",
         "observer"]
RECORDERS = {"network_admin", "board_secretary"}
READERS = RECORDERS | {"board_member", "partner_representative", "observer"}
M = "/n/riverside-test/minutes"


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def ids(network):
    setting = make_setting(network)
    tenancy.activate(network.id)
    services.save_minutes(setting.held.meeting, {"opening": "Welcome."}, None, None)
    db.session.commit()
    tenancy.activate(None)
    return {"meeting": setting.held.meeting.id, "board": setting.held.board.id, "later": setting.later.id,
            "setting": setting}


ROUTES = [
    ("GET", M + "/boards/{board}", "read"), ("GET", M + "/meetings/{meeting}", "member"),
    ("GET", M + "/meetings/{meeting}/edit", "record"), ("POST", M + "/meetings/{meeting}/edit", "record"),
    ("POST", M + "/meetings/{meeting}/circulate", "record"), ("POST", M + "/meetings/{meeting}/approve", "record"),
]
ROW_RULED = [("GET", M + "/meetings/{meeting}/draft.pdf"), ("GET", M + "/meetings/{meeting}/public"),
             ("GET", M + "/meetings/{meeting}/corrections/new")]


def _allowed(who, role):
    return who == "member" or (who == "read" and role in READERS) or role in RECORDERS


def test_every_route_is_in_the_table(app):
    listed = {re.sub(r"\{\w+\}", "x", path) for _, path, _ in ROUTES} | {
        re.sub(r"\{\w+\}", "x", path) for _, path in ROW_RULED}
    rules = {re.sub(r"<[^>]+>", "x", rule.rule).replace("/n/x", "/n/riverside-test")
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("minutes.")}
    assert rules == listed


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_policy_says(client, login_as, ids, role):
    login_as(role)
    for method, path, who in ROUTES:
        url = path.format(**ids)
        if method == "GET":
            status = client.get(url).status_code
            assert status == (200 if _allowed(who, role) else 403), f"{role} {url}: {status}"
        elif not _allowed(who, role):
            assert client.post(url, data={}).status_code == 403, f"{role} POST {url}"
    for _, path in ROW_RULED:
        url = path.format(**ids)
        assert client.get(url).status_code in (200, 403, 404), f"{role} {url}"
    assert client.get(M + "/meetings/{meeting}/public".format(**ids)).status_code == 404  # not approved yet


def test_board_members_read_the_draft_and_others_do_not(client, login_as, ids):
    login_as("observer")
    page = html(client.get(M + "/meetings/{meeting}".format(**ids)))
    assert "have not been approved yet" in page and "Welcome." not in page
    assert client.get(M + "/meetings/{meeting}/draft.pdf".format(**ids)).status_code == 404


def test_a_member_of_another_network_finds_nothing(client, login_as, ids):
    other = factories.make_network(slug="elsewhere")
    login_as("network_admin", in_network=other)
    for method, path, _ in ROUTES + [(m, p, "") for m, p in ROW_RULED]:
        url = path.format(**ids)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code == 404, f"{method} {url}"


def test_signed_out_visitors_are_sent_to_sign_in(client, ids):
    response = client.get(M + "/meetings/{meeting}".format(**ids))
    assert response.status_code == 302 and response.location.startswith("/sign-in")


@pytest.mark.parametrize("bad", ["0", "999999", "99999999999"])
def test_unknown_records_are_not_found(client, login_as, ids, bad):
    login_as("board_secretary")
    for path in ("/meetings/{bad}", "/meetings/{bad}/edit", "/boards/{bad}", "/meetings/{bad}/draft.pdf"):
        assert client.get(M + path.format(bad=bad)).status_code == 404


def _form(setting, version, **kw):
    data = {"version": str(version), "opening": "The chair welcomed everyone.",
            f"summary_{setting.held.item.id}": "Winter demand was discussed."}
    data.update(kw)
    return data


def test_the_secretary_drafts_circulates_and_approves(client, login_as, ids):
    setting = ids["setting"]
    login_as("board_secretary")
    url = M + "/meetings/{meeting}".format(**ids)
    form = html(client.get(url + "/edit"))
    assert "Winter access plan" in form and setting.held.seats["chair"].name in form
    assert client.post(url + "/edit", data=_form(setting, 1)).status_code == 302
    page = html(client.get(url))
    assert "Winter demand was discussed." in page and "Draft" in page
    pdf = client.get(url + "/draft.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.post(url + "/circulate").status_code == 302
    tenancy.activate(setting.held.network.id)
    assert db.session.execute(select(OutboxMessage.template)).scalars().all().count("minutes_circulated") == 5
    tenancy.activate(None)
    page = html(client.get(url))
    assert setting.approving.reference in page
    assert client.post(url + "/approve", data={"decision": "nonsense"}).status_code == 400
    assert client.post(url + "/approve", data={"decision": str(setting.approving.id)}).status_code == 302
    page = html(client.get(url))
    assert "Approved" in page and "(public)" in page
    public = html(client.get(url + "/public"))
    assert "Winter access plan" in public and "Practice merger" not in public
    assert client.post(url + "/edit", data=_form(setting, 2)).status_code == 200  # refused: approved
    tenancy.activate(setting.held.network.id)
    assert db.session.execute(select(ApprovedMinutes)).scalar_one().content["opening"] == \
        "The chair welcomed everyone."


def test_an_edit_conflict_shows_the_latest_saved_details(client, login_as, ids):
    setting = ids["setting"]
    login_as("board_secretary")
    url = M + "/meetings/{meeting}/edit".format(**ids)
    assert client.post(url, data=_form(setting, 1, opening="Mine")).status_code == 302
    response = client.post(url, data=_form(setting, 1, opening="Theirs"))
    page = html(response)
    assert response.status_code == 200 and "Error: " in page and "Mine" in page
    assert "latest saved" in page.lower() or "saved" in page.lower()


def test_bad_input_is_shown_on_the_form(client, login_as, ids):
    setting = ids["setting"]
    login_as("board_secretary")
    response = client.post(M + "/meetings/{meeting}/edit".format(**ids),
                           data=_form(setting, "abc", opening="x" * 20_001))
    page = html(response)
    assert response.status_code == 200 and "20,000 characters or fewer" in page


def test_the_meeting_page_links_to_its_minutes(client, login_as, ids):
    login_as("board_secretary")
    page = html(client.get("/n/riverside-test/meetings/{meeting}".format(**ids)))
    assert "/minutes/meetings/{meeting}".format(**ids) in page


def _more_meetings(network, board, count, start):
    tenancy.activate(network.id)
    for n in range(start, start + count):
        factories.make_meeting(board, day=date(2026, 10, 1) - timedelta(days=n), title=f"Old meeting {n}")
    db.session.commit()
    tenancy.activate(None)


def test_the_board_list_costs_the_same_queries_however_many_meetings(client, login_as, network, ids,
                                                                     count_queries):
    login_as("board_secretary")
    board = ids["setting"].held.board
    url = M + "/boards/{board}".format(**ids)
    _more_meetings(network, board, 2, 0)
    with count_queries() as few:
        first = html(client.get(url))
    _more_meetings(network, board, 30, 2)
    with count_queries() as many:
        page = html(client.get(url))
    assert few.count == many.count, many.statements
    assert "Draft" in first and "No minutes yet" in first and "Showing 1 to 25 of 34" in page
    assert "&lt;" not in page


# Corrections to approved minutes ------------------------------------------------------------------

@pytest.fixture
def approved_ids(network, ids):
    """The minutes approved, and a second decision of the later meeting that agrees a correction."""
    from governance.decisions import records
    from tests.decisions.conftest import decision_data

    setting = ids["setting"]
    tenancy.activate(network.id)
    minutes = services.save_minutes(setting.held.meeting, {
        "opening": "Welcome.", f"summary_{setting.held.item.id}": "Winter demand was discussed."}, 1, None)
    services.circulate(network, minutes, None)
    services.approve(network, minutes, setting.approving.id, None)
    item = factories.make_item(setting.later, title="Correction to the minutes", purpose="decision")
    decision = records.record_decision(setting.later, item, decision_data(
        title="Correct the minutes", votes_against="0"), None)
    db.session.commit()
    tenancy.activate(None)
    return {**ids, "decision": decision.id, "reference": decision.reference, "item": setting.held.item.id,
            "other": setting.held.other.id}


@pytest.mark.parametrize("role", ROLES)
def test_only_secretaries_and_admins_record_a_correction(client, login_as, approved_ids, role):
    login_as(role)
    url = M + "/meetings/{meeting}/corrections/new".format(**approved_ids)
    expected = 200 if role in RECORDERS else 403
    assert client.get(url).status_code == expected
    assert client.post(url, data={}).status_code == expected
    page = html(client.get(M + "/meetings/{meeting}".format(**approved_ids)))
    assert ("Record a correction to these minutes" in page) is (role in RECORDERS)


def test_the_secretary_records_a_correction_and_it_shows_after_the_minutes(client, login_as, approved_ids):
    login_as("board_secretary")
    url = M + "/meetings/{meeting}/corrections/new".format(**approved_ids)
    form = html(client.get(url))
    assert approved_ids["reference"] in form and "Winter access plan" in form
    bad = client.post(url, data={"once": "a" * 20, "section": "nonsense", "passage": "", "corrected_wording": "",
                                 "reason": "x" * 2001, "decision": ""})
    text = html(bad)
    assert bad.status_code == 200 and "nhsuk-error-summary" in text and "<title>Error: " in text
    for message in ("Choose the part of the minutes", "Enter the passage", "Enter the corrected wording",
                    "2,000 characters or fewer", "Choose the decision of a later meeting"):
        assert message in text, message
    response = client.post(url, data={
        "once": "b" * 20, "section": "item-{item}".format(**approved_ids), "passage": "Winter demand was discussed.",
        "corrected_wording": "Winter demand and the flu clinics were discussed.", "reason": "The clinics were left out",
        "decision": str(approved_ids["decision"])})
    assert response.status_code == 302 and response.location.endswith("#corrections")
    page = html(client.get(M + "/meetings/{meeting}".format(**approved_ids)))
    assert "Corrections" in page and "Winter demand and the flu clinics were discussed." in page
    assert page.index("Winter demand was discussed.") < page.index("the flu clinics")  # the original stays first
    assert "with corrections" in page  # the minutes issued again
    public = html(client.get(M + "/meetings/{meeting}/public".format(**approved_ids)))
    decision_link = "decisions/{decision}\"".format(**approved_ids)
    assert "the flu clinics" in public and decision_link in public
    client.post("/sign-out")
    login_as("patient_panel_member")  # reads the public minutes but not the decision log: no link to it
    public = html(client.get(M + "/meetings/{meeting}/public".format(**approved_ids)))
    assert "the flu clinics" in public and approved_ids["reference"] in public and decision_link not in public
    tenancy.activate(approved_ids["setting"].held.network.id)
    assert db.session.execute(select(ApprovedMinutes)).scalar_one().content["items"]  # unchanged, still there
    tenancy.activate(None)


def test_minutes_not_yet_approved_cannot_be_corrected(client, login_as, ids):
    login_as("board_secretary")
    assert client.get(M + "/meetings/{meeting}/corrections/new".format(**ids)).status_code == 404
    assert client.post(M + "/meetings/{meeting}/corrections/new".format(**ids), data={}).status_code == 404
