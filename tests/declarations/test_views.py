"""Declarations pages: every route for every role, outsiders, bad input, the meeting flow and its effects on the
quorum shown, withheld papers (page, download and board pack), the published register, fixed query counts."""

import io
import re

import pypdf
import pytest
from sqlalchemy import select

from governance.core import clock
from governance.declarations import register
from governance.declarations.models import InterestDeclaration, MeetingDeclaration
from governance.extensions import db
from governance.meetings import agenda
from tests import factories
from tests.declarations.conftest import INTEREST, scoped

ROLES = ["network_admin", "board_secretary", "board_member", "partner_representative", "patient_panel_member",
         "observer"]
MANAGERS = {"network_admin", "board_secretary"}
BASE = "/n/riverside-test/declarations"


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def records(network, board_setup, meeting):
    def make():
        gp = board_setup.seats["gp"]
        entry = register.declare_interest(network, gp.membership, INTEREST, None)
        return {"person": gp.membership_id, "entry": entry.id, "meeting": meeting.id}
    return scoped(network, make)


ROUTES = [  # (method, path, "manage" for secretaries and admins, "member" for every member)
    ("GET", "/", "manage"), ("GET", "/people/{person}", "manage"), ("GET", "/people/{person}/interests/new", "manage"),
    ("POST", "/people/{person}/interests/new", "manage"), ("GET", "/people/{person}/gifts/new", "manage"),
    ("POST", "/people/{person}/gifts/new", "manage"), ("POST", "/people/{person}/return", "manage"),
    ("GET", "/entries/{entry}/withhold", "manage"), ("POST", "/entries/{entry}/withhold", "manage"),
    ("POST", "/published", "manage"), ("POST", "/register.pdf", "manage"),
    ("GET", "/mine", "member"), ("POST", "/mine/return", "member"), ("GET", "/mine/interests/new", "member"),
    ("POST", "/mine/interests/new", "member"), ("GET", "/mine/gifts/new", "member"),
    ("POST", "/mine/gifts/new", "member"),
]
OWN_ENTRY = [("GET", "/entries/{entry}/edit"), ("POST", "/entries/{entry}/edit"), ("GET", "/entries/{entry}/end"),
             ("POST", "/entries/{entry}/end")]
MEETING = "/n/riverside-test/meetings/{meeting}/declarations"


def test_every_declarations_route_is_in_the_table(app):
    listed = {re.sub(r"\{\w+\}", "x", path) for _, path, _ in ROUTES} | {
        re.sub(r"\{\w+\}", "x", path) for _, path in OWN_ENTRY}
    rules = {re.sub(r"<[^>]+>", "x", rule.rule.removeprefix("/n/<network_slug>/declarations"))
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("declarations.")}
    assert rules == listed | {"/n/x/meetings/x/declarations", "/public/x/register-of-interests",
                              "/public/x/register-of-interests.pdf", "/gifts/x/correct",
                              "/n/x/meetings/x/declarations/x/correct"}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_policy_says(client, login_as, records, role):
    login_as(role)
    for method, path, who in ROUTES + [("GET", MEETING, "manage"), ("POST", MEETING, "manage")]:
        url = (path if path.startswith("/n/") else BASE + path).format(**records)
        allowed = who == "member" or role in MANAGERS
        if method == "GET":
            status = client.get(url).status_code
            assert (status == 200) if allowed else (status == 403), f"{role} {method} {url}: {status}"
        elif not allowed:
            assert client.post(url, data={}).status_code == 403, f"{role} {method} {url}"
    for method, path in OWN_ENTRY:  # someone else's entry: only the secretary and admin may change it
        url = BASE + path.format(**records)
        status = client.get(url).status_code if method == "GET" else client.post(url, data={}).status_code
        expected = ((200,) if method == "GET" else (200, 302)) if role in MANAGERS else (404,)
        assert status in expected, f"{role} {method} {url}: {status}"
        if status == 302:
            break  # the entry was ended: a new version replaces it


def test_a_member_of_another_network_finds_nothing_and_signed_out_visitors_sign_in(client, login_as, records):
    response = client.get(BASE + "/mine")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    other = factories.make_network(slug="elsewhere")
    login_as("network_admin", in_network=other)
    for method, path, _ in ROUTES + [(m, p, "") for m, p in OWN_ENTRY] + [("GET", MEETING, "")]:
        url = (path if path.startswith("/n/") else BASE + path).format(**records)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code == 404, f"{method} {url}"
    assert client.get(f"/n/elsewhere/declarations/people/{records['person']}").status_code == 404
    assert client.get(f"/n/elsewhere/declarations/entries/{records['entry']}/edit").status_code == 404


def test_a_member_declares_updates_and_ends_their_own_interest(client, login_as, network):
    member = login_as("board_member")
    page = client.get(BASE + "/mine/interests/new")
    once = re.search(r'name="once" value="([^"]+)"', html(page)).group(1)
    data = {"once": once, "category": "indirect", "description": "Brother owns a care home",
            "organisation": "Sunrise Care", "management": "Leaves for care home contracts"}
    response = client.post(BASE + "/mine/interests/new", data=data)
    assert response.status_code == 302 and response.location.endswith("/declarations/mine")
    assert client.post(BASE + "/mine/interests/new", data=data).status_code == 302  # a double click makes one
    entry = db.session.execute(select(InterestDeclaration)).scalar_one()
    assert entry.membership_id == member.id and not entry.direct
    mine = html(client.get(BASE + "/mine"))
    assert "Brother owns a care home" in mine and "My interests on the register are complete" in mine
    response = client.post(f"{BASE}/entries/{entry.id}/end", data={
        "once": "x" * 20, "to_date[day]": "1", "to_date[month]": "11", "to_date[year]": "2026"})
    assert response.status_code == 302
    assert client.get(f"{BASE}/entries/{entry.id}/end").status_code == 404  # replaced: no longer the latest
    assert "Past interests" in html(client.get(BASE + "/mine"))


@pytest.mark.parametrize("path, data, message", [
    ("/mine/interests/new", {"category": "", "description": ""}, "Select the category of the interest"),
    ("/mine/interests/new", {"category": "financial", "description": "x" * 2001}, "2,000 characters or fewer"),
    ("/mine/interests/new", {"category": "financial", "description": "Shares", "direct": "direct",
                             "from_date[day]": "31", "from_date[month]": "2", "from_date[year]": "2026"},
     "must be a real date"),
    ("/mine/gifts/new", {"giver": "", "value": "a lot"}, "Enter the estimated value in pounds and pence"),
    ("/mine/gifts/new", {"giver": "Supplier", "value": "99999999999"}, "Enter the estimated value"),
])
def test_bad_input_re_renders_with_the_error_summary(client, login_as, path, data, message):
    login_as("board_member")
    response = client.post(BASE + path, data=data)
    assert response.status_code == 200 and message in html(response)
    assert "nhsuk-error-summary" in html(response) and "<title>Error: " in html(response)


def test_a_board_member_makes_a_nil_return_in_two_clicks_from_the_overview(client, login_as, network, board_setup):
    membership = board_setup.seats["gp"].membership
    client.post("/sign-in", data={"email": membership.user.email, "password": factories.PASSWORD})
    overview = html(client.get("/n/riverside-test/"))
    assert "Your annual declaration is due" in overview
    mine = html(client.get(BASE + "/mine"))
    assert "I have no interests to declare" in mine
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', mine)
    response = client.post(BASE + "/mine/return", data={"csrf_token": token.group(1)} if token else {})
    assert response.status_code == 302
    assert "Your annual declaration is due" not in html(client.get("/n/riverside-test/"))
    row = db.session.execute(select(InterestDeclaration)).scalar_one()
    assert row.kind == "nil" and row.declared_on == clock.today()


def test_the_secretary_records_a_declaration_and_the_quorum_shown_updates(client, login_as, network, board_setup,
                                                                         meeting):
    def attend():
        for key, seat in board_setup.seats.items():
            factories.make_attendance(meeting, seat, "apologies" if key == "gp2" else "present")
    scoped(network, attend)
    login_as("board_secretary")
    item = scoped(network, lambda: next(i for i in agenda.items_of(meeting) if i.title == "Finance report"))
    page = html(client.get(f"/n/riverside-test/meetings/{meeting.id}"))
    assert "Record declarations of interest" in page and "Not quorate" not in page
    gp = board_setup.seats["gp"]
    response = client.post(f"/n/riverside-test/meetings/{meeting.id}/declarations", data={
        "once": "y" * 20, "agenda_item_id": str(item.id), "board_member_id": str(gp.id), "declaration_id": "",
        "category": "financial", "description": "Practice bids for the service", "direct": "direct",
        "management": "leaves"})
    assert response.status_code == 302
    page = html(client.get(f"/n/riverside-test/meetings/{meeting.id}"))
    assert "Not quorate" in page and "Practice bids for the service" in page and "left for this item" in page
    declarations_page = html(client.get(f"/n/riverside-test/meetings/{meeting.id}/declarations"))
    assert "Leaves the meeting for the item" in declarations_page and "Not quorate" in declarations_page
    bad = client.post(f"/n/riverside-test/meetings/{meeting.id}/declarations", data={"once": "z" * 20})
    assert bad.status_code == 200 and "Choose the agenda item" in html(bad) and "Select how the chair" in html(bad)


def test_papers_withheld_by_a_declared_interest_cannot_be_opened_and_leave_the_board_pack(
        app, client, login_as, network, board_setup, meeting):
    from governance.meetings import issuing

    gp = board_setup.seats["gp"]

    def setup():
        item = next(i for i in agenda.items_of(meeting) if i.title == "Finance report")
        from governance.declarations import at_meetings
        at_meetings.record_declaration(network, meeting, {**INTEREST, "agenda_item_id": str(item.id),
                                                          "board_member_id": str(gp.id), "management": "no_papers"},
                                       None)
        issuing.record_issue(meeting, None, clock.now())
        from governance.meetings import packs
        packs.request_pack(network, meeting, None)
        return item, item.papers[0].id
    item, paper_id = scoped(network, setup)
    client.post("/sign-in", data={"email": gp.membership.user.email, "password": factories.PASSWORD})
    page = html(client.get(f"/n/riverside-test/meetings/{meeting.id}"))
    assert "withheld from you because of a declared interest" in page
    assert f"/papers/{paper_id}.pdf" not in page
    assert client.get(f"/n/riverside-test/meetings/{meeting.id}/papers/{paper_id}.pdf").status_code == 403
    response = client.get(f"/n/riverside-test/meetings/{meeting.id}/board-pack.pdf")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "was withheld from you because of a declared interest" in text
    assert "Month 7 finance report" not in text.split("Agenda")[-1].split("withheld")[-1]
    from governance.documents.models import IssuedDocument
    pack_id = scoped(network, lambda: db.session.execute(select(IssuedDocument.id)).scalar_one())
    assert client.get(f"/n/riverside-test/documents/{pack_id}.pdf").status_code == 404  # not the full pack
    as_issued = client.get(f"/n/riverside-test/meetings/{meeting.id}/as-issued")
    assert as_issued.status_code == 200 and f"/papers/{paper_id}.pdf" not in html(as_issued)
    full = scoped(network, lambda: db.session.execute(select(MeetingDeclaration)).scalar_one())
    assert full.management == "no_papers"
    client.post("/sign-out")
    login_as("board_secretary")
    whole = client.get(f"/n/riverside-test/meetings/{meeting.id}/board-pack.pdf")
    assert len(pypdf.PdfReader(io.BytesIO(whole.data)).pages) == len(reader.pages)
    whole_text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(whole.data)).pages)
    assert "withheld from you" not in whole_text


def test_the_published_register_needs_no_sign_in_and_shows_only_what_may_be_published(client, login_as, network,
                                                                                      board_setup):
    def setup():
        gp = board_setup.seats["gp"]
        register.declare_interest(network, gp.membership, INTEREST, None)
        hidden = register.declare_interest(network, gp.membership, {**INTEREST, "description": "Hidden"}, None)
        register.withhold(hidden, "Safety of a family member", None)
    scoped(network, setup)
    other = factories.make_network(slug="other-net")
    scoped(other, lambda: register.declare_interest(other, factories.make_member(other),
                                                    {**INTEREST, "description": "Other network"}, None))
    page = client.get("/public/riverside-test/register-of-interests")
    assert page.status_code == 200
    text = html(page)
    assert "Partner in a GP practice" in text and "Hidden" not in text and "Safety of a family" not in text
    assert "Other network" not in text
    pdf = client.get("/public/riverside-test/register-of-interests.pdf")
    pdf_text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Partner in a GP practice" in pdf_text and "Hidden" not in pdf_text and "Other network" not in pdf_text
    assert client.get("/public/no-such-network/register-of-interests").status_code == 404
    login_as("board_secretary")
    assert client.post(BASE + "/published", data={"published": "no"}).status_code == 302
    client.post("/sign-out")
    assert client.get("/public/riverside-test/register-of-interests").status_code == 404
    assert client.get("/public/riverside-test/register-of-interests.pdf").status_code == 404


def test_the_secretary_withholds_an_entry_and_issues_the_full_register(client, login_as, network, records):
    login_as("board_secretary")
    bad = client.post(f"{BASE}/entries/{records['entry']}/withhold", data={"once": "w" * 20, "reason": ""})
    assert bad.status_code == 200 and "Enter why the entry is withheld" in html(bad)
    response = client.post(f"{BASE}/entries/{records['entry']}/withhold",
                           data={"once": "v" * 20, "reason": "Safety of a family member"})
    assert response.status_code == 302
    assert "Withheld from the published register" in html(client.get(f"{BASE}/people/{records['person']}"))
    response = client.post(BASE + "/register.pdf")
    assert response.status_code == 302 and "/documents/jobs/" in response.location
    from governance.documents.models import IssuedDocument
    document = scoped(network, lambda: db.session.execute(select(IssuedDocument)).scalar_one())
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(document.pdf)).pages)
    assert "Safety of a family member" in " ".join(text.split())
    client.post("/sign-out")
    login_as("board_member")
    assert client.get(f"/n/riverside-test/documents/{document.id}.pdf").status_code == 404


def test_the_register_costs_the_same_queries_however_many_members(client, login_as, network, board_setup,
                                                                  count_queries):
    def add(count):
        def make():
            for _ in range(count):
                seat = factories.make_seat(board_setup.board)
                register.declare_interest(network, seat.membership, INTEREST, None)
                register.declare_gift(network, seat.membership, {"received_on": clock.today(), "giver": "Supplier",
                                                                  "description": "Pen", "value": "1.00",
                                                                  "accepted": "declined"}, None)
        scoped(network, make)

    def counts():
        client.get(BASE + "/")
        found = []
        for url in (BASE + "/", "/public/riverside-test/register-of-interests"):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter.count)
        return found

    login_as("board_secretary")
    add(2)
    small = counts()
    add(10)
    assert counts() == small


# Corrections ----------------------------------------------------------------------------------

@pytest.fixture
def corrigible(network, board_setup, meeting):
    """A gift of the GP's, and a declaration the GP made at the meeting."""
    def make():
        from governance.declarations import at_meetings
        gp = board_setup.seats["gp"]
        gift = register.declare_gift(network, gp.membership, {
            "received_on": clock.today(), "giver": "A supplier", "description": "Dinner", "value": "450",
            "accepted": "accepted"}, None)
        item = next(i for i in agenda.items_of(meeting) if i.title == "Finance report")
        row = at_meetings.record_declaration(network, meeting, {
            **INTEREST, "agenda_item_id": str(item.id), "board_member_id": str(gp.id), "management": "takes_part"},
            None)
        return {"gift": gift.id, "row": row.id, "item": item.id, "meeting": meeting.id, "person": gp.membership_id,
                "email": gp.membership.user.email}
    return scoped(network, make)


@pytest.mark.parametrize("role", ROLES)
def test_only_secretaries_and_admins_correct_other_people_s_entries(client, login_as, corrigible, role):
    login_as(role)
    gift = f"{BASE}/gifts/{corrigible['gift']}/correct"
    at_meeting = f"/n/riverside-test/meetings/{corrigible['meeting']}/declarations/{corrigible['row']}/correct"
    assert client.get(gift).status_code == (200 if role in MANAGERS else 404)  # someone else's gift
    assert client.post(gift, data={}).status_code == (200 if role in MANAGERS else 404)
    assert client.get(at_meeting).status_code == (200 if role in MANAGERS else 403)
    assert client.post(at_meeting, data={}).status_code == (200 if role in MANAGERS else 403)


def test_a_member_corrects_their_own_gift_and_sees_the_original_marked_corrected(client, corrigible):
    client.post("/sign-in", data={"email": corrigible["email"], "password": factories.PASSWORD})
    url = f"{BASE}/gifts/{corrigible['gift']}/correct"
    form = html(client.get(url))
    assert 'value="450.00"' in form and "Correct a gift or hospitality entry" in form
    bad = client.post(url, data={"once": "b" * 20, "giver": "", "value": "lots", "received_on[day]": "31",
                                 "received_on[month]": "2", "received_on[year]": "2026"})
    text = html(bad)
    assert bad.status_code == 200 and "nhsuk-error-summary" in text and "<title>Error: " in text
    assert "must be a real date" in text and "Enter who offered it" in text
    assert "Enter why the entry is corrected" in text
    response = client.post(url, data={"once": "c" * 20, "received_on[day]": "23", "received_on[month]": "11",
                                      "received_on[year]": "2026", "giver": "A supplier", "description": "Dinner",
                                      "value": "45.00", "accepted": "accepted", "reason": "Typed £450 for £45"})
    assert response.status_code == 302 and "/declarations/mine#gift-" in response.location
    mine = html(client.get(BASE + "/mine"))
    assert "Corrected on 23 November 2026 (Typed £450 for £45)" in mine and "£45.00" in mine
    assert client.get(url).status_code == 404  # corrected: only its latest version can be corrected


def test_the_secretary_corrects_a_declaration_at_a_meeting_and_the_quorum_follows(
        client, login_as, network, board_setup, meeting, corrigible):
    def attend():
        for key, seat in board_setup.seats.items():
            factories.make_attendance(meeting, seat, "apologies" if key == "gp2" else "present")
    scoped(network, attend)
    login_as("board_secretary")
    url = f"/n/riverside-test/meetings/{meeting.id}/declarations/{corrigible['row']}/correct"
    bad = client.post(url, data={"once": "d" * 20, "agenda_item_id": "0", "management": "wave", "reason": ""})
    text = html(bad)
    assert bad.status_code == 200 and "nhsuk-error-summary" in text
    assert "Choose the agenda item" in text and "Select how the chair" in text and "Enter why" in text
    assert "Not quorate" not in html(client.get(f"/n/riverside-test/meetings/{meeting.id}/declarations"))
    response = client.post(url, data={"once": "e" * 20, "agenda_item_id": str(corrigible["item"]),
                                      "management": "leaves", "reason": "The chair asked him to leave"})
    assert response.status_code == 302
    page = html(client.get(f"/n/riverside-test/meetings/{meeting.id}/declarations"))
    assert "Not quorate" in page and "Corrected on 23 November 2026 (The chair asked him to leave)" in page
    assert client.get(url).status_code == 404
    rows = scoped(network, lambda: db.session.execute(select(MeetingDeclaration).order_by(MeetingDeclaration.id))
                  .scalars().all())
    assert [r.corrects_id for r in rows] == [None, rows[0].id]
    person = html(client.get(f"{BASE}/people/{corrigible['person']}"))
    assert "Corrected on 23 November 2026" in person


def test_the_meeting_declarations_cannot_be_corrected_from_another_meeting_or_network(
        client, login_as, network, meeting, corrigible):
    login_as("board_secretary")
    other = scoped(network, lambda: factories.make_meeting(meeting.board).id)
    assert client.get(f"/n/riverside-test/meetings/{other}/declarations/{corrigible['row']}/correct"
                      ).status_code == 404
    elsewhere = factories.make_network(slug="elsewhere")
    login_as("network_admin", in_network=elsewhere)
    assert client.get(f"/n/elsewhere/declarations/gifts/{corrigible['gift']}/correct").status_code == 404
    assert client.get(f"/n/elsewhere/meetings/{corrigible['meeting']}/declarations/{corrigible['row']}/correct"
                      ).status_code == 404
