"""Decisions and actions pages: every route for every role, outsiders, the secretary's flows, a member's
vote and action update, bad input, CSV, PDFs, and the overview card."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from governance.core import ledger, tenancy
from governance.decisions import actions, records, resolutions
from governance.decisions.models import ActionUpdate, BoardAction, Decision, WrittenResolution
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.partners.models import Partner
from tests import factories
from tests.decisions.conftest import decision_data, make_held

ROLES = ["network_admin", "board_secretary", "board_member", "partner_representative", "patient_panel_member",
         "observer"]
RECORDERS = {"network_admin", "board_secretary"}
READERS = RECORDERS | {"board_member", "partner_representative", "observer"}
D, A = "/n/riverside-test/decisions", "/n/riverside-test/actions"


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def ids(network):
    held = make_held(network)
    tenancy.activate(network.id)
    decision = records.record_decision(held.meeting, held.item, decision_data(), None)
    action = actions.create_action(held.meeting, held.item, None, {
        "description": "Draft the plan", "owner_id": held.seats["gp"].membership_id, "due_on": date(2026, 11, 1)},
        None)
    resolution = resolutions.circulate(held.board, decision_data(title="Pilot"), None)
    db.session.commit()
    tenancy.activate(None)
    return {"decision": decision.id, "meeting": held.meeting.id, "item": held.item.id, "action": action.id,
            "resolution": resolution.id, "held": held}


# (method, path, who may: "read" decision readers, "record" secretaries and admins, "member" every member)
ROUTES = [
    ("GET", D + "/", "read"), ("GET", D + "/log.csv", "read"), ("POST", D + "/log.pdf", "record"),
    ("GET", D + "/{decision}", "read"), ("GET", D + "/meetings/{meeting}", "read"),
    ("GET", D + "/meetings/{meeting}/items/{item}/decide", "record"),
    ("POST", D + "/meetings/{meeting}/items/{item}/decide", "record"),
    ("GET", D + "/meetings/{meeting}/actions/new", "record"), ("POST", D + "/meetings/{meeting}/actions/new", "record"),
    ("GET", D + "/{decision}/actions/new", "record"), ("POST", D + "/{decision}/actions/new", "record"),
    ("GET", D + "/chairs-actions/new", "record"), ("POST", D + "/chairs-actions/new", "record"),
    ("GET", D + "/resolutions", "read"), ("GET", D + "/resolutions/new", "record"),
    ("POST", D + "/resolutions/new", "record"), ("GET", D + "/resolutions/{resolution}", "read"),
    ("GET", A + "/", "read"), ("POST", A + "/log.pdf", "record"), ("GET", A + "/mine", "member"),
    ("GET", A + "/{action}/edit", "record"), ("POST", A + "/{action}/edit", "record"),
]
ROW_RULED = [("GET", A + "/{action}"), ("POST", A + "/{action}"), ("POST", D + "/resolutions/{resolution}")]


def _allowed(who, role):
    return who == "member" or (who == "read" and role in READERS) or role in RECORDERS


def test_every_route_is_in_the_table(app):
    listed = {re.sub(r"\{\w+\}", "x", path) for _, path, _ in ROUTES} | {
        re.sub(r"\{\w+\}", "x", path) for _, path in ROW_RULED}
    rules = {re.sub(r"<[^>]+>", "x", rule.rule).replace("/n/x", "/n/riverside-test")
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("decisions.")}
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
    for method, path in ROW_RULED:
        url = path.format(**ids)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code < 500, f"{role} {method} {url}"


def test_a_member_of_another_network_finds_nothing(client, login_as, ids):
    other = factories.make_network(slug="elsewhere")
    login_as("network_admin", in_network=other)
    for method, path, _ in ROUTES + [(m, p, "") for m, p in ROW_RULED]:
        url = path.format(**ids)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code == 404, f"{method} {url}"
    assert client.get(f"/n/elsewhere/decisions/{ids['decision']}").status_code == 404
    assert client.get(f"/n/elsewhere/actions/{ids['action']}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, ids):
    response = client.get(D + "/")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


@pytest.mark.parametrize("bad", ["0", "999999", "99999999999"])
def test_unknown_records_are_not_found(client, login_as, ids, bad):
    login_as("board_secretary")
    for path in (D + "/{bad}", A + "/{bad}", D + "/resolutions/{bad}", D + "/meetings/{bad}"):
        assert client.get(path.format(bad=bad)).status_code == 404


# The secretary's flows --------------------------------------------------------------------------

def test_the_secretary_records_a_decision_with_votes_by_name(client, login_as, ids):
    login_as("board_secretary")
    held = ids["held"]
    url = f"{D}/meetings/{ids['meeting']}/items/{ids['item']}/decide"
    page = client.get(url)
    assert "Quorate" in html(page) and held.seats["gp"].name in html(page)
    seats = held.seats
    response = client.post(url, data={
        "title": "Adopt the plan", "resolution": "Adopted.", "outcome": "approved", "by_name": "y",
        f"vote_{seats['chair'].id}": "for", f"vote_{seats['gp'].id}": "for",
        f"vote_{seats['trust'].id}": "abstain", "once": "token-1"})
    assert response.status_code == 302
    tenancy.activate(held.network.id)
    decision = db.session.execute(select(Decision).where(Decision.title == "Adopt the plan")).scalar_one()
    assert decision.reference == "RIV-2026-002" and (decision.votes_for, decision.abstentions) == (2, 1)
    tenancy.activate(None)
    shown = html(client.get(f"{D}/{decision.id}"))
    assert "RIV-2026-002" in shown and "2 for, 0 against, 1 abstaining" in shown
    assert "Adopt the plan" in html(client.get(f"{D}/meetings/{ids['meeting']}"))


def test_bad_decision_input_is_shown_on_the_form(client, login_as, ids):
    login_as("board_secretary")
    url = f"{D}/meetings/{ids['meeting']}/items/{ids['item']}/decide"
    response = client.post(url, data={"title": "", "resolution": "", "outcome": "", "votes_for": "x", "once": "t"})
    page = html(response)
    assert response.status_code == 200 and "Error: " in page
    for message in ("Enter the title", "Enter the resolution", "Select the outcome",
                    "Votes for must be a whole number"):
        assert message in page
    response = client.post(url, data={**decision_data(), "effective_on[day]": "31", "effective_on[month]": "2",
                                      "effective_on[year]": "2026", "once": "t2"})
    assert "Effective from (optional) must be a real date" in html(response)


def test_an_inquorate_item_shows_why_and_refuses(client, login_as, network):
    held = make_held(network, attend=False)
    tenancy.activate(network.id)
    factories.make_attendance(held.meeting, held.seats["trust"])
    db.session.commit()
    tenancy.activate(None)
    login_as("board_secretary")
    url = f"{D}/meetings/{held.meeting.id}/items/{held.item.id}/decide"
    assert "not quorate" in html(client.get(url))
    response = client.post(url, data={**decision_data(), "once": "x"})
    assert response.status_code == 200 and "not quorate" in html(response)
    tenancy.activate(network.id)
    assert db.session.execute(select(func.count(Decision.id))).scalar() == 0


def test_chairs_action_and_ratification_through_the_pages(client, login_as, ids):
    login_as("board_secretary")
    held = ids["held"]
    response = client.post(D + "/chairs-actions/new", data={
        "board_id": held.board.id, "decided_on[day]": "2", "decided_on[month]": "11", "decided_on[year]": "2026",
        "title": "Sign the lease", "resolution": "Signed.", "once": "c1"})
    assert response.status_code == 302
    assert "Sign the lease" in html(client.get(D + "/"))  # awaiting ratification
    response = client.post(f"{D}/meetings/{ids['meeting']}/items/{ids['item']}/decide", data={
        **decision_data(title="Ratify the lease"), "relation": "ratifies", "related_reference": "RIV-2026-002",
        "once": "c2"})
    assert response.status_code == 302
    tenancy.activate(held.network.id)
    action = db.session.execute(select(Decision).where(Decision.reference == "RIV-2026-002")).scalar_one()
    tenancy.activate(None)
    assert "Ratified by" in html(client.get(f"{D}/{action.id}"))
    assert client.post(D + "/chairs-actions/new", data={"once": "c3"}).status_code == 200


def test_circulating_and_voting_on_a_written_resolution(client, login_as, ids, app):
    held = ids["held"]
    login_as("board_secretary")
    response = client.post(D + "/resolutions/new", data={"board_id": held.board.id, "title": "Buy a defibrillator",
                                                          "resolution": "Approved.", "once": "w1"})
    assert response.status_code == 302
    tenancy.activate(held.network.id)
    resolution = db.session.execute(select(WrittenResolution).where(
        WrittenResolution.title == "Buy a defibrillator")).scalar_one()
    chair = held.seats["chair"].membership
    tenancy.activate(None)
    voter = app.test_client()
    voter.post("/sign-in", data={"email": chair.user.email, "password": factories.PASSWORD})
    url = f"{D}/resolutions/{resolution.id}"
    assert "Do you agree to this resolution?" in html(voter.get(url))
    assert "Select whether you agree" in html(voter.post(url, data={"vote": ""}))
    assert voter.post(url, data={"vote": "for"}).status_code == 302
    assert "You have voted" in html(voter.get(url))
    assert "Only the voting members" in html(client.get(url)) or "Do you agree" not in html(client.get(url))


def test_the_owner_updates_an_action_on_its_page_and_others_cannot(client, login_as, ids, app):
    held = ids["held"]
    owner = held.seats["gp"].membership
    mine = app.test_client()
    mine.post("/sign-in", data={"email": owner.user.email, "password": factories.PASSWORD})
    assert "Draft the plan" in html(mine.get(A + "/mine"))
    assert "Overdue" in html(mine.get(A + "/mine"))
    url = f"{A}/{ids['action']}"
    response = mine.post(url, data={"status": "done", "note": "Drafted and sent", "once": "u1"})
    assert response.status_code == 302
    tenancy.activate(held.network.id)
    assert db.session.get(BoardAction, ids["action"]).status == "done"
    tenancy.activate(None)
    login_as("board_member")
    response = client.post(url, data={"status": "open", "note": "No", "once": "u2"})
    assert "Only the action&#39;s owner" in html(response)
    tenancy.activate(held.network.id)
    assert db.session.execute(select(func.count(ActionUpdate.id))).scalar() == 1


def test_a_secretary_adds_and_changes_an_action(client, login_as, ids):
    login_as("board_secretary")
    owner = ids["held"].seats["trust"].membership_id
    response = client.post(f"{D}/meetings/{ids['meeting']}/actions/new", data={
        "agenda_item_id": ids["item"], "description": "Book the room", "owner_id": owner,
        "due_on[day]": "1", "due_on[month]": "12", "due_on[year]": "2026", "once": "a1"})
    assert response.status_code == 302
    bad = client.post(f"{D}/meetings/{ids['meeting']}/actions/new", data={"description": "", "once": "a2"})
    assert "Enter what needs to be done" in html(bad) and "Choose who owns the action" in html(bad)
    edit = client.get(f"{A}/{ids['action']}/edit")
    assert edit.status_code == 200
    tenancy.activate(ids["held"].network.id)
    version = db.session.get(BoardAction, ids["action"]).version
    tenancy.activate(None)
    response = client.post(f"{A}/{ids['action']}/edit", data={
        "description": "Draft the plan, v2", "owner_id": owner, "due_on[day]": "5", "due_on[month]": "12",
        "due_on[year]": "2026", "version": version})
    assert response.status_code == 302
    assert "Draft the plan, v2" in html(client.get(A + "/?status=outstanding"))


def test_the_log_filters_export_and_pdfs(client, login_as, ids):
    login_as("board_secretary")
    page = html(client.get(D + "/?q=winter&outcome=approved&start[day]=1&start[month]=11&start[year]=2026"))
    assert "RIV-2026-001" in page and "The record has not been verified yet" in page
    ledger.check_all()  # the worker's hourly check
    db.session.commit()
    page = html(client.get(D + "/?q=winter&outcome=approved&start[day]=1&start[month]=11&start[year]=2026"))
    assert "RIV-2026-001" in page and re.search(r"Record verified up to entry \d+, <span", page)
    assert "RIV-2026-001" not in html(client.get(D + "/?outcome=rejected"))
    assert client.get(D + "/?start[day]=99&start[month]=1&start[year]=2026&board=abc&page=-3").status_code == 200
    csv = client.get(D + "/log.csv")
    assert csv.mimetype == "text/csv" and "RIV-2026-001" in html(csv)
    for url in (D + "/log.pdf", A + "/log.pdf"):
        response = client.post(url)
        assert response.status_code == 302 and "/documents/jobs/" in response.location
    tenancy.activate(ids["held"].network.id)
    kinds = db.session.execute(select(IssuedDocument.kind)).scalars().all()
    assert sorted(kinds) == ["action_log", "decision_log"]
    assert "Overdue" in html(client.get(A + "/?status=overdue"))


def test_the_overview_card_shows_my_actions_and_votes(app, ids):
    owner = ids["held"].seats["gp"].membership
    client = app.test_client()
    client.post("/sign-in", data={"email": owner.user.email, "password": factories.PASSWORD})
    page = html(client.get("/n/riverside-test/"))
    assert "My actions" in page and "1 overdue" in page and "Your vote is needed" in page


def test_confidential_decisions_are_hidden_from_members_off_the_board(client, login_as, ids):
    held = ids["held"]
    tenancy.activate(held.network.id)
    secret = records.record_decision(held.meeting, held.other, decision_data(title="Merger terms"), None)
    db.session.commit()
    tenancy.activate(None)
    login_as("board_member")
    assert "Merger terms" not in html(client.get(D + "/"))
    assert client.get(f"{D}/{secret.id}").status_code == 404


def test_a_partners_membership_change_links_to_the_decision_that_approved_it(client, login_as, network, ids):
    decision = db.session.get(Decision, ids["decision"])
    partner = ids["held"].seats["gp"].partner_id
    login_as("board_secretary")
    base = f"/n/{network.slug}/partners/{partner}"
    response = client.post(f"{base}/status", data={
        "status": "left", "effective_on[day]": "1", "effective_on[month]": "12", "effective_on[year]": "2026",
        "decision_reference": decision.reference.lower(), "note": ""})
    assert response.status_code == 302
    page = html(client.get(base))
    assert f'<a href="/n/{network.slug}/decisions/{decision.id}">{decision.reference}</a>' in page
    response = client.post(f"{base}/status", data={
        "status": "left", "effective_on[day]": "2", "effective_on[month]": "12", "effective_on[year]": "2026",
        "decision_reference": "RIV-2031-001", "note": ""})
    assert response.status_code == 200 and "There is no decision RIV-2031-001 in this network" in html(response)


# What a decision affects: workstreams (registered by accountability), and the partner page's decisions --------

def test_a_decision_can_affect_workstreams_and_the_pages_link_both_ways(client, login_as, network, ids):
    held = ids["held"]
    ward = factories.make_workstream(network, name="Virtual ward")
    partner_id = held.seats["gp"].partner_id
    theirs = factories.make_workstream(factories.make_network(), name="Their ward")
    db.session.commit()
    login_as("board_secretary")
    form = html(client.get(D + "/chairs-actions/new"))
    assert "Workstreams it affects (optional)" in form and f'value="workstream:{ward.id}"' in form
    assert "Their ward" not in form
    data = {"board_id": held.board.id, "decided_on[day]": "2", "decided_on[month]": "11",
            "decided_on[year]": "2026", "title": "Start the virtual ward", "resolution": "Agreed."}
    for bad in (f"workstream:{theirs.id}", "workstream:abc", "nonsense:1", f"workstream:{10**11}"):
        response = client.post(D + "/chairs-actions/new", data={**data, "affected": bad, "once": f"b{bad}"})
        assert response.status_code == 200 and "Choose records of this network from the lists" in html(response)
    response = client.post(D + "/chairs-actions/new", data={**data, "affected": f"workstream:{ward.id}",
                                                              "partner_ids": str(partner_id), "once": "a1"})
    assert response.status_code == 302
    tenancy.activate(network.id)
    decision = db.session.execute(select(Decision).where(Decision.title == "Start the virtual ward")).scalar_one()
    tenancy.activate(None)
    assert {"kind": "workstream", "id": ward.id, "name": "Virtual ward"} in decision.affects
    page = html(client.get(f"{D}/{decision.id}"))
    assert f'<a href="/n/{network.slug}/accountability/workstreams/{ward.id}">Virtual ward</a> (workstream)' in page
    link = f'<a href="/n/{network.slug}/decisions/{decision.id}">{decision.reference}</a>'
    assert link in html(client.get(f"/n/{network.slug}/accountability/workstreams/{ward.id}"))
    assert link in html(client.get(f"/n/{network.slug}/partners/{partner_id}"))
    other_partner = held.seats["chair"].partner_id
    assert "No decisions about" in html(client.get(f"/n/{network.slug}/partners/{other_partner}"))


@pytest.mark.postgres  # the filter reads inside the JSON list with SQL written per database
def test_the_partner_page_lists_its_decisions_newest_first_with_the_log_filtered_for_more(client, login_as,
                                                                                          network, ids):
    held = ids["held"]
    partner = db.session.get(Partner, held.seats["gp"].partner_id)
    partner_id = partner.id
    about = [{"kind": "partner", "id": partner_id, "name": partner.name}]
    for n in range(7):
        factories.make_decision(network, reference=f"RIV-2026-1{n:02d}", title=f"About the practice {n}",
                                decided_on=date(2026, 1, 1 + n), affects=about, board_id=held.board.id,
                                confidential=n == 6)
    db.session.commit()
    login_as("board_secretary")
    page = html(client.get(f"/n/{network.slug}/partners/{partner_id}"))
    shown = re.findall(r"About the practice (\d)", page)
    assert shown == ["6", "5", "4", "3", "2"]
    assert f'href="{D}/?affects=partner:{partner_id}"' in page and "See all 7 decisions about" in page
    log = html(client.get(f"{D}/?affects=partner:{partner_id}"))
    assert sorted(set(re.findall(r"About the practice (\d)", log))) == [str(n) for n in range(7)]
    assert "Approve the winter access plan" not in log and "Showing only the decisions about" in log
    everything = html(client.get(f"{D}/?affects=partner:999999"))
    assert "a record that is not in this network" in everything
    assert html(client.get(f"{D}/log.csv?affects=partner:{partner_id}")).count("About the practice") == 7
    assert "Approve the winter access plan" in html(client.get(f"{D}/?affects=rubbish"))
    client.post("/sign-out")
    login_as("patient_panel_member")
    assert "About the practice" not in html(client.get(f"/n/{network.slug}/partners/{partner_id}"))
    client.post("/sign-out")
    login_as("observer")
    page = html(client.get(f"/n/{network.slug}/partners/{partner_id}"))
    assert "About the practice 6" not in page and "See all 6 decisions about" in page  # confidential: no seat
