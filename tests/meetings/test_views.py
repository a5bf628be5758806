"""Meetings pages: every route for every role and a non-member, who reads which papers, the secretary's
flows end to end, bad input, the public calendar feed, and fixed query counts at two sizes."""

import io
import re
from datetime import UTC, date, datetime

import pypdf
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from governance.core import tenancy
from governance.core.outbox import OutboxMessage
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.meetings import agenda, issuing
from governance.meetings.meeting_models import AgendaItem, Meeting, MeetingAttendance, MeetingPaper
from governance.meetings.models import Board, BoardMember, QuorumRule, TermsOfReference
from tests import factories
from tests.meetings.conftest import make_decision

ROLES = ["network_admin", "board_secretary", "board_member", "partner_representative", "patient_panel_member",
         "observer"]
MANAGERS = {"network_admin", "board_secretary"}
BASE = "/n/riverside-test/meetings"


def html(response) -> str:
    return response.get_data(as_text=True)


def scoped(network, make):
    tenancy.activate(network.id)
    try:
        return make()
    finally:
        tenancy.activate(None)


@pytest.fixture
def records(network, board_setup, meeting):
    """Ids for the URLs: the board, a seat, the meeting, an item, a paper, a guest, a draft ToR version."""
    def make():
        items = {item.title: item for item in agenda.items_of(meeting)}
        guest = MeetingAttendance(network_id=network.id, meeting_id=meeting.id, guest_name="Jo Guest",
                                  status="in_attendance")
        db.session.add(guest)
        draft = TermsOfReference(network_id=network.id, board_id=board_setup.board.id, number=1, body="# Purpose")
        db.session.add(draft)
        db.session.commit()
        finance = items["Finance report"]
        return {"board": board_setup.board.id, "seat": board_setup.seats["gp"].id, "meeting": meeting.id,
                "item": finance.id, "paper": finance.papers[0].id, "guest": guest.id, "number": 1}
    return scoped(network, make)


# (method, path, who may: "view" every member, "manage" secretaries and admins)
ROUTES = [
    ("GET", "/", "view"), ("GET", "/past", "view"), ("GET", "/mine", "view"), ("GET", "/new", "manage"),
    ("POST", "/new", "manage"), ("GET", "/calendar", "view"),
    ("GET", "/{meeting}", "view"), ("GET", "/{meeting}/edit", "manage"), ("POST", "/{meeting}/edit", "manage"),
    ("GET", "/{meeting}/cancel", "manage"), ("POST", "/{meeting}/cancel", "manage"),
    ("POST", "/{meeting}/held", "manage"), ("GET", "/{meeting}/meeting.ics", "view"),
    ("GET", "/{meeting}/agenda.pdf", "view"), ("GET", "/{meeting}/items/new", "manage"),
    ("POST", "/{meeting}/items/new", "manage"), ("GET", "/{meeting}/items/{item}/edit", "manage"),
    ("POST", "/{meeting}/items/{item}/edit", "manage"), ("POST", "/{meeting}/items/{item}/move", "manage"),
    ("POST", "/{meeting}/items/{item}/remove", "manage"), ("GET", "/{meeting}/items/{item}/papers/new", "manage"),
    ("POST", "/{meeting}/items/{item}/papers/new", "manage"), ("POST", "/{meeting}/papers/{paper}/remove", "manage"),
    ("GET", "/{meeting}/issue", "manage"), ("POST", "/{meeting}/issue", "manage"),
    ("POST", "/{meeting}/send-update", "manage"),
    ("GET", "/{meeting}/attendance", "manage"), ("POST", "/{meeting}/attendance", "manage"),
    ("POST", "/{meeting}/attendance/guests", "manage"), ("POST", "/{meeting}/attendance/everyone-present", "manage"),
    ("POST", "/{meeting}/attendance/guests/{guest}/remove", "manage"),
    ("GET", "/boards/", "view"), ("GET", "/boards/new", "manage"), ("POST", "/boards/new", "manage"),
    ("GET", "/boards/{board}", "view"), ("GET", "/boards/{board}/edit", "manage"),
    ("POST", "/boards/{board}/edit", "manage"), ("GET", "/boards/{board}/members", "view"),
    ("GET", "/boards/{board}/members/new", "manage"), ("POST", "/boards/{board}/members/new", "manage"),
    ("GET", "/boards/{board}/members/{seat}/edit", "manage"), ("POST", "/boards/{board}/members/{seat}/edit", "manage"),
    ("GET", "/boards/{board}/members/{seat}/end", "manage"), ("POST", "/boards/{board}/members/{seat}/end", "manage"),
    ("GET", "/boards/{board}/quorum", "manage"), ("POST", "/boards/{board}/quorum", "manage"),
    ("GET", "/boards/{board}/terms", "view"), ("GET", "/boards/{board}/terms/draft", "manage"),
    ("POST", "/boards/{board}/terms/draft", "manage"), ("GET", "/boards/{board}/terms/{number}/approve", "manage"),
    ("POST", "/boards/{board}/terms/{number}/approve", "manage"),
    ("GET", "/boards/{board}/register", "view"), ("GET", "/boards/{board}/register.csv", "view"),
]
ROW_RULED = [  # open to every member by role, then decided by the seats they hold (tested below)
    ("GET", "/{meeting}/papers/{paper}.pdf"), ("GET", "/{meeting}/board-pack"), ("GET", "/{meeting}/board-pack.pdf"),
    ("POST", "/{meeting}/board-pack"), ("POST", "/{meeting}/apologies"), ("POST", "/calendar"),
    ("GET", "/boards/{board}/terms/{number}"), ("GET", "/boards/{board}/terms.pdf"), ("GET", "/{meeting}/as-issued"),
    ("GET", "/boards/{board}/terms/{number}/draft.pdf"),
]


def test_every_meetings_route_is_in_the_table(app):
    listed = {re.sub(r"\{\w+\}", "x", path) for _, path, _ in ROUTES} | {
        re.sub(r"\{\w+\}", "x", path) for _, path in ROW_RULED}
    rules = {re.sub(r"<[^>]+>", "x", rule.rule.removeprefix("/n/<network_slug>/meetings"))
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("meetings.")}
    assert rules - {"/calendar/x/x.ics"} == listed


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_policy_says(client, login_as, records, role):
    login_as(role)
    for method, path, who in ROUTES:
        url = BASE + path.format(**records)
        allowed = who == "view" or role in MANAGERS
        if method == "GET":
            status = client.get(url).status_code
            assert (status == 200) if allowed else (status == 403), f"{role} {method} {url}: {status}"
        elif not allowed:  # the allowed posts are exercised with real data in the flows below
            assert client.post(url, data={}).status_code == 403, f"{role} {method} {url}"
    for method, path in ROW_RULED:
        url = BASE + path.format(**records)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code < 500, f"{role} {method} {url}"


def test_a_member_of_another_network_finds_nothing(client, login_as, records):
    other = factories.make_network(slug="elsewhere")
    login_as("network_admin", in_network=other)
    for method, path, _ in ROUTES + [(m, p, "") for m, p in ROW_RULED]:
        url = BASE + path.format(**records)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        assert response.status_code == 404, f"{method} {url}"
    assert client.get(f"/n/elsewhere/meetings/{records['meeting']}").status_code == 404
    assert client.get(f"/n/elsewhere/meetings/boards/{records['board']}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, records):
    response = client.get(f"{BASE}/{records['meeting']}")
    assert response.status_code == 302 and response.location.startswith("/sign-in")


# Who reads which papers ------------------------------------------------------------------------

@pytest.fixture
def public_paper(network, meeting):
    def make():
        item = factories.make_item(meeting, title="Patient survey results", papers_public=True)
        paper = factories.make_paper(item, title="Survey results")
        db.session.commit()
        return paper.id
    return scoped(network, make)


@pytest.mark.parametrize("role, sits, reads_in_full", [
    ("network_admin", False, True), ("board_secretary", False, True),
    ("board_member", True, True), ("board_member", False, False),
    ("partner_representative", True, True), ("partner_representative", False, False),
    ("patient_panel_member", True, False), ("patient_panel_member", False, False),
    ("observer", True, False), ("observer", False, False),
])
def test_papers_and_part_two_items_follow_the_seats_and_the_role(client, login_as, network, board_setup, meeting,
                                                                 public_paper, role, sits, reads_in_full):
    member = login_as(role)
    if sits:
        scoped(network, lambda: factories.make_seat(board_setup.board, membership=member))
        db.session.commit()
    items = scoped(network, lambda: {i.title: i for i in agenda.items_of(meeting)})
    open_paper = items["Finance report"].papers[0].id
    secret_paper = items["Practice merger"].papers[0].id
    page = html(client.get(f"{BASE}/{meeting.id}"))
    assert "Finance report" in page and "Patient survey results" in page
    assert ("Practice merger" in page) is reads_in_full
    assert ("Month 7 finance report" in page) is reads_in_full
    if not reads_in_full:
        assert "1 confidential item is (part 2) not shown" in page
        assert "1 paper, for members of Riverside board only." in page
    assert client.get(f"{BASE}/{meeting.id}/papers/{open_paper}.pdf").status_code == (200 if reads_in_full else 403)
    assert client.get(f"{BASE}/{meeting.id}/papers/{secret_paper}.pdf").status_code == (
        200 if reads_in_full else 404)
    public = client.get(f"{BASE}/{meeting.id}/papers/{public_paper}.pdf")
    assert public.status_code == 200 and public.data.startswith(b"%PDF-")
    assert client.get(f"{BASE}/{meeting.id}/board-pack").status_code == (200 if reads_in_full else 403)
    agenda_text = pypdf.PdfReader(io.BytesIO(client.get(f"{BASE}/{meeting.id}/agenda.pdf").data)).pages[0]
    assert ("Practice merger" in agenda_text.extract_text()) is reads_in_full


def sign_in(app, membership):
    client = app.test_client()
    client.post("/sign-in", data={"email": membership.user.email, "password": factories.PASSWORD})
    return client


def test_an_archived_board_pack_is_refused_through_the_documents_archive_to_those_who_may_not_read_it(
        app, network, board_setup, meeting):
    scoped(network, lambda: issuing.issue_papers(network, meeting, None))
    db.session.commit()
    document = db.session.execute(select(IssuedDocument.id).where(IssuedDocument.kind == "board_pack")).scalar_one()
    observer, member = factories.make_member(network, "observer"), factories.make_member(network, "board_member")
    db.session.commit()
    outsider = sign_in(app, observer)
    assert outsider.get(f"/n/{network.slug}/documents/{document}.pdf").status_code == 404
    assert outsider.get(f"/n/{network.slug}/documents/{document}/download").status_code == 404
    listing = outsider.get(f"/n/{network.slug}/documents/").get_data(as_text=True)
    assert f"/documents/{document}.pdf" not in listing and "Only members who may read it in full" in listing
    client = sign_in(app, member)
    assert client.get(f"/n/{network.slug}/documents/{document}.pdf").status_code == 404
    scoped(network, lambda: factories.make_seat(board_setup.board, membership=member))
    db.session.commit()
    response = client.get(f"/n/{network.slug}/documents/{document}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert f"/documents/{document}.pdf" in client.get(f"/n/{network.slug}/documents/").get_data(as_text=True)


# The secretary's flows --------------------------------------------------------------------------

def test_secretary_schedules_builds_issues_and_records_attendance(client, login_as, network, board_setup):
    login_as("board_secretary")
    board = board_setup.board
    response = client.post(f"{BASE}/new", data={
        "board_id": board.id, "day[day]": "14", "day[month]": "1", "day[year]": "2027", "start_time": "9:30",
        "end_time": "11am", "place": "Riverside House", "video_link": "https://meet.example/rb"})
    assert response.status_code == 302
    meeting_id = int(response.location.rsplit("/", 1)[1])
    page = html(client.get(response.location))
    assert "Thursday 14 January 2027, 09:30 to 11:00" in page and "Any other business" in page

    response = client.post(f"{BASE}/{meeting_id}/items/new", data={
        "title": "Winter plan", "presenter": "Ops lead", "purpose": "decision", "duration_minutes": "20"})
    assert response.status_code == 302
    item = scoped(network, lambda: db.session.execute(select(AgendaItem).where(AgendaItem.title == "Winter plan"))
                  .scalar_one())
    assert item.position == 5
    upload = {"title": "Winter plan 2026/27", "author": "Ops lead",
              "file": (io.BytesIO(factories.pdf_bytes(2)), "winter.pdf")}
    response = client.post(f"{BASE}/{meeting_id}/items/{item.id}/papers/new", data=upload,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    response = client.post(f"{BASE}/{meeting_id}/items/{item.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    page = html(client.get(f"{BASE}/{meeting_id}"))
    assert "&#34;Winter plan&#34; is now item 4." in page or '"Winter plan" is now item 4.' in page
    assert "09:50 · 20 minutes · For decision · Presented by Ops lead" in page

    issue_page = html(client.get(f"{BASE}/{meeting_id}/issue"))
    assert "Sent today, the members have 51 clear days to read the papers." in issue_page
    response = client.post(f"{BASE}/{meeting_id}/issue", data={"late_confirmed": ""})
    assert response.status_code == 302
    page = html(client.get(f"{BASE}/{meeting_id}"))
    assert "The papers have been issued and 5 members were told. The board pack is being made." in page
    assert "Download the board pack (PDF)" in page
    pack = client.get(f"{BASE}/{meeting_id}/board-pack.pdf")
    assert pack.status_code == 200 and len(pypdf.PdfReader(io.BytesIO(pack.data)).pages) == 4

    seats = board_setup.seats
    winter = item.id
    client.post(f"{BASE}/{meeting_id}/attendance/everyone-present")
    page = html(client.get(f"{BASE}/{meeting_id}/attendance"))
    assert "5 members recorded as present." in page and page.count('value="present" checked') == 5
    data = {f"status_{seat.id}": "present" for seat in seats.values()}
    data[f"status_{seats['trust'].id}"] = "apologies"
    data[f"left_{seats['gp'].id}"] = str(winter)
    data[f"status_{seats['gp2'].id}"] = "represented"
    data[f"deputy_{seats['gp2'].id}"] = "Dr Deputy"
    response = client.post(f"{BASE}/{meeting_id}/attendance", data=data)
    assert response.status_code == 302
    page = html(client.get(f"{BASE}/{meeting_id}"))
    assert "Quorate: 2 voting members present (at least 2 needed); 2 GP practice representatives" in page
    assert "Not quorate for 3 items:" in page  # from the Winter plan on, once the GP left
    assert f"{seats['gp'].name} left the meeting at this item." in page
    assert "(represented by Dr Deputy)" in page


@pytest.mark.parametrize("data, message", [
    ({"day[day]": "31", "day[month]": "2", "day[year]": "2027"}, "Date must be a real date"),
    ({"start_time": "noonish"}, "Enter the time the meeting starts like 10:00 or 2:30pm"),
    ({"end_time": "8:00"}, "The meeting must end after it starts"),
    ({"board_id": "abc"}, "Choose the board or committee that is meeting"),
    ({"board_id": str(2**40)}, "Choose the board or committee that is meeting"),
    ({"place": "", "video_link": "ftp://x"}, "Enter the video link as a web address starting https://"),
])
def test_bad_meeting_details_re_render_with_the_error_summary(client, login_as, board_setup, data, message):
    login_as("board_secretary")
    form = {"board_id": board_setup.board.id, "day[day]": "14", "day[month]": "1", "day[year]": "2027",
            "start_time": "9:30", "end_time": "11:00", "place": "Riverside House", **data}
    response = client.post(f"{BASE}/new", data=form)
    assert response.status_code == 200
    page = html(response)
    assert "There is a problem" in page and message in page and "<title>Error: " in page


@pytest.mark.parametrize("upload, message", [
    ((b"", "empty.pdf"), "The selected file is empty"),
    ((b"GIF89a" + b"\x00" * 40, "paper.pdf"), "The selected file must be a PDF"),
    ((b"%PDF-1.4 nonsense", "paper.pdf"), "The selected file could not be read as a PDF"),
    (None, "The selected file is empty"),
])
def test_bad_paper_uploads_are_refused_by_name(client, login_as, records, upload, message):
    login_as("board_secretary")
    data = {"title": "Finance", "author": "Finance lead"}
    if upload:
        data["file"] = (io.BytesIO(upload[0]), upload[1])
    response = client.post(f"{BASE}/{records['meeting']}/items/{records['item']}/papers/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200 and message in html(response)
    assert db.session.execute(select(func.count(MeetingPaper.id))).scalar() == 2


def test_a_paper_over_the_limit_is_refused_without_an_error_page(app, client, login_as, records):
    app.config["MEETING_PAPER_MAX_BYTES"] = 100 * 1024  # small: the test client spools big uploads to files
    login_as("board_secretary")
    data = {"title": "Finance", "author": "Finance lead",
            "file": (io.BytesIO(b"%PDF-1.7\n" + b"0" * (100 * 1024 + 10)), "big.pdf")}
    response = client.post(f"{BASE}/{records['meeting']}/items/{records['item']}/papers/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "The selected file must be smaller than 100 KB" in html(response)


def test_issuing_late_shows_the_warning_first(client, login_as, records, frozen_clock):
    frozen_clock.move_to(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    login_as("board_secretary")
    page = html(client.get(f"{BASE}/{records['meeting']}/issue"))
    assert "The papers are late" in page and "It is now 1 clear day before the meeting" in page
    assert "They were due by Sunday 6 December 2026." in page and "Issue the papers late" in page
    assert client.post(f"{BASE}/{records['meeting']}/issue", data={"late_confirmed": "yes"}).status_code == 302
    page = html(client.get(f"{BASE}/{records['meeting']}"))
    assert "Papers issued late" in page and "later than 3 clear days before the meeting" in page


def test_a_paper_added_after_issue_is_marked_so(client, login_as, network, records, frozen_clock):
    login_as("board_secretary")
    client.post(f"{BASE}/{records['meeting']}/issue", data={"late_confirmed": ""})
    frozen_clock.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    login_as("board_secretary")  # a week later: the idle session has ended
    client.post(f"{BASE}/{records['meeting']}/items/{records['item']}/papers/new",
                data={"title": "Month 7 appendix", "author": "Finance lead",
                      "file": (io.BytesIO(factories.pdf_bytes()), "appendix.pdf")}, content_type="multipart/form-data")
    page = html(client.get(f"{BASE}/{records['meeting']}"))
    assert "Paper added after issue on 3 December 2026" in page
    assert "Board pack: out of date, make it again" in page
    issued = html(client.get(f"{BASE}/{records['meeting']}/as-issued"))
    assert "Month 7 finance report" in issued and "Month 7 appendix" not in issued
    assert client.get(f"{BASE}/{records['meeting']}/issue").status_code == 302  # already issued
    client.post(f"{BASE}/{records['meeting']}/send-update")
    update = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "meeting_papers_updated")
                                ).scalars().all()
    assert len(update) == 5
    assert update[0].subject == "Update to the papers for Riverside board meeting on 10 December 2026"
    assert ("- Item 5, Finance report, paper \"Month 7 appendix\": Paper added after issue on 3 December 2026"
            in update[0].body)


def test_board_seat_quorum_and_terms_pages_save(client, login_as, network, board_setup):
    login_as("board_secretary")
    board = board_setup.board
    member = factories.make_member(network, "board_member")
    db.session.commit()
    response = client.post(f"/n/{network.slug}/meetings/boards/{board.id}/members/new", data={
        "membership_id": member.id, "role": "member", "voting": "y",
        "from_date[day]": "1", "from_date[month]": "11", "from_date[year]": "2026"})
    assert response.status_code == 302
    response = client.post(f"/n/{network.slug}/meetings/boards/{board.id}/quorum", data={
        "effective_from[day]": "23", "effective_from[month]": "11", "effective_from[year]": "2026",
        "fraction": "2/3", "min_gp_practice": "3", "chair_required": "y"})
    assert response.status_code == 302
    page = html(client.get(f"/n/{network.slug}/meetings/boards/{board.id}"))
    assert "At least two thirds of the voting members: 4 of the 5 voting members today" in page
    assert "At least 3 GP practice representatives among the voting members present" in page
    response = client.post(f"/n/{network.slug}/meetings/boards/{board.id}/quorum", data={
        "effective_from[day]": "1", "effective_from[month]": "12", "effective_from[year]": "2026",
        "minimum_present": "lots"})
    assert "Enter the minimum number as a whole number, like 4" in html(response)
    response = client.post(f"/n/{network.slug}/meetings/boards/{board.id}/terms/draft",
                           data={"body": "# Purpose\n\nTo lead the network.", "version": ""})
    assert response.status_code == 302
    response = client.post(f"/n/{network.slug}/meetings/boards/{board.id}/terms/1/approve", data={
        "approved_on[day]": "19", "approved_on[month]": "11", "approved_on[year]": "2026",
        "note": "Board meeting of 19 November 2026"})
    assert response.status_code == 302 and "/documents/jobs/" in response.location
    assert "Ready" in html(client.get(response.location))
    pdf = client.get(f"/n/{network.slug}/meetings/boards/{board.id}/terms.pdf")
    assert pdf.status_code == 200
    assert "To lead the network." in pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    page = html(client.get(f"/n/{network.slug}/meetings/boards/{board.id}/members?on%5Bday%5D=1"
                           "&on%5Bmonth%5D=11&on%5Byear%5D=2026"))
    assert "On 1 November 2026" in page and member.user.full_name in page.split("On 1 November 2026")[0]


def test_members_send_apologies_from_the_meeting_page(client, login_as, network, board_setup, meeting):
    member = board_setup.seats["trust"].membership
    client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
    page = html(client.get(f"{BASE}/{meeting.id}"))
    assert "Send my apologies" in page
    client.post(f"{BASE}/{meeting.id}/apologies")
    page = html(client.get(f"{BASE}/{meeting.id}"))
    assert "Your apologies have been recorded." in page and "Send my apologies" not in page
    assert "You have sent your apologies" in page


# Calendars ---------------------------------------------------------------------------------------

def test_the_calendar_address_is_shown_once_and_a_new_one_stops_the_old(app, client, network, board_setup,
                                                                        meeting):
    member = board_setup.seats["trust"].membership
    client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
    page = html(client.post(f"{BASE}/calendar"))
    address = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    path = address.split("127.0.0.1:5000", 1)[1]
    assert "Copy your calendar address now" in page
    assert address not in html(client.get(f"{BASE}/calendar"))
    anonymous = app.test_client()
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")] == ["Riverside board meeting"]
    client.post(f"{BASE}/calendar")
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(path.replace(".ics", "x.ics")).status_code == 404


# Fixed numbers of queries -------------------------------------------------------------------------

def _more_meetings(network, board, count, start_day):
    def make():
        for n in range(count):
            meeting = factories.make_meeting(board, day=date(2027, 1, 1).replace(day=1 + (start_day + n) % 28),
                                             title=f"Extra {start_day + n}")
            factories.make_paper(factories.make_item(meeting), pages=1)
        db.session.commit()
    scoped(network, make)


@pytest.mark.parametrize("path", ["/", "/mine", "/boards/"])
def test_lists_cost_the_same_queries_however_many_meetings(client, login_as, network, board_setup, count_queries,
                                                           path):
    member = login_as("board_member")
    scoped(network, lambda: factories.make_seat(board_setup.board, membership=member))
    db.session.commit()
    _more_meetings(network, board_setup.board, 3, 0)
    with count_queries() as few:
        assert client.get(BASE + path).status_code == 200
    _more_meetings(network, board_setup.board, 27, 3)
    with count_queries() as many:
        page = html(client.get(BASE + path))
    if path == "/boards/":
        for n in range(30):
            scoped(network, lambda n=n: factories.make_seat(factories.make_board(network, name=f"Group {n:02}")))
        db.session.commit()
        with count_queries() as many:
            page = html(client.get(BASE + path))
        assert "Showing 1 to 25 of 31" in page
    assert few.count == many.count, many.statements
    assert "&lt;" not in page  # links in the table are links, not escaped text
    if path != "/boards/":
        assert "Showing 1 to 25 of 30" in page
        assert re.search(r'<a href="/n/riverside-test/meetings/\d+">Extra \d+</a>', page)


def test_past_meetings_page_costs_the_same_queries(client, login_as, network, board_setup, count_queries,
                                                   frozen_clock):
    _more_meetings(network, board_setup.board, 3, 0)
    frozen_clock.move_to(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    login_as("observer")
    with count_queries() as few:
        client.get(f"{BASE}/past")
    _more_meetings(network, board_setup.board, 27, 3)
    with count_queries() as many:
        page = html(client.get(f"{BASE}/past?page=2"))
    assert few.count == many.count and "Showing 26 to 30 of 30" in page


def test_the_meeting_page_costs_the_same_queries_as_the_agenda_grows(client, login_as, network, board_setup, meeting,
                                                                     count_queries):
    login_as("board_secretary")
    url = f"{BASE}/{meeting.id}"
    client.post(f"{url}/issue", data={"late_confirmed": ""})
    with count_queries() as few:
        assert client.get(url).status_code == 200

    def grow():
        for n in range(6):
            item = factories.make_item(meeting, title=f"Extra item {n}")
            factories.make_paper(item, pages=1)
            factories.make_paper(item, pages=2)
        for key, seat in board_setup.seats.items():
            factories.make_attendance(meeting, seat, "present" if key != "trust" else "apologies")
        db.session.commit()
    scoped(network, grow)
    with count_queries() as many:
        page = html(client.get(url))
    assert few.count == many.count, many.statements
    assert "Extra item 5" in page


# The overview card and the partner's page --------------------------------------------------------

def test_the_overview_shows_a_member_their_next_meetings_and_the_partner_page_their_seat(client, network,
                                                                                        board_setup, meeting):
    member = board_setup.seats["gp"].membership
    client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
    page = html(client.get(f"/n/{network.slug}/"))
    assert "Your next meetings" in page and "Thursday 10 December 2026, 10:00 to 12:00" in page
    page = html(client.get(f"/n/{network.slug}/partners/{board_setup.practices[1].id}"))
    assert "Seats on boards and committees" in page and member.user.full_name in page


def test_a_count_of_everything_made_by_the_module_is_kept_in_its_network(network, records):
    for model in (Board, BoardMember, QuorumRule, Meeting, AgendaItem, MeetingPaper):
        ids = db.session.execute(select(model.network_id).distinct()).scalars().all()
        assert ids == [network.id]


@pytest.mark.parametrize("role, sits, sees_link", [
    ("board_secretary", False, True), ("patient_panel_member", True, True), ("patient_panel_member", False, False),
    ("board_member", False, False), ("observer", True, True)])
def test_the_video_link_is_for_those_who_may_join(client, login_as, network, board_setup, meeting, role, sits,
                                                  sees_link):
    meeting.video_link = "https://meet.example/riverside-board"
    db.session.commit()
    member = login_as(role)
    if sits:
        scoped(network, lambda: factories.make_seat(board_setup.board, membership=member, role="in_attendance",
                                                    voting=False))
        db.session.commit()
    page = html(client.get(f"{BASE}/{meeting.id}"))
    event = Calendar.from_ical(client.get(f"{BASE}/{meeting.id}/meeting.ics").data).walk("VEVENT")[0]
    description = str(event["DESCRIPTION"])
    assert ("meet.example/riverside-board" in page) is sees_link
    assert ("Join online: https://meet.example/riverside-board" in description) is sees_link
    assert str(event["SUMMARY"]) == "Riverside board meeting" and "Practice merger" not in description


# Terms of reference: approved by a decision, and the draft as a PDF ------------------------------

def _terms_url(board, tail=""):
    return f"{BASE}/boards/{board.id}/terms{tail}"


def test_the_secretary_records_the_decision_that_approved_the_terms(client, login_as, network, board_setup):
    board = board_setup.board
    decision = scoped(network, lambda: make_decision(board, board_setup.seats.values()))
    db.session.commit()
    login_as("board_secretary")
    client.post(_terms_url(board, "/draft"), data={"body": "# Purpose\n\nTo lead the network.", "version": ""})
    form = html(client.get(_terms_url(board, "/1/approve")))
    assert "Decision that approved them" in form and "a decision of Riverside board" in form
    response = client.post(_terms_url(board, "/1/approve"), data={"decision_reference": "RIV-2099-7"})
    page = html(response)
    assert page.count("There is no decision RIV-2099-7 in this network") == 2  # the summary and the field
    assert "<title>Error: " in page and db.session.execute(
        select(TermsOfReference.approved_at)).scalar_one() is None
    response = client.post(_terms_url(board, "/1/approve"), data={
        "decision_reference": decision.reference, "approved_on[day]": "32", "approved_on[month]": "11",
        "approved_on[year]": "2026"})
    assert "<title>Error: " in html(response) and db.session.execute(
        select(TermsOfReference.approved_at)).scalar_one() is None
    response = client.post(_terms_url(board, "/1/approve"), data={"decision_reference": f" {decision.reference} "})
    assert response.status_code == 302 and "/documents/jobs/" in response.location
    expected = f"Approved on 19 November 2026 by decision {decision.reference}"
    link = f'by decision <a href="/n/{network.slug}/decisions/{decision.id}">{decision.reference}</a>'
    for page in (html(client.get(_terms_url(board))), html(client.get(_terms_url(board, "/1")))):
        assert link in page
    pdf = client.get(_terms_url(board, ".pdf"))
    assert expected in " ".join(pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert client.get(_terms_url(board, "/1/draft.pdf")).status_code == 404  # approved: no draft any more


@pytest.mark.parametrize("role, sits, reads", [
    ("network_admin", False, True), ("board_secretary", False, True), ("board_member", True, True),
    ("board_member", False, False), ("partner_representative", False, False), ("observer", False, False),
    ("patient_panel_member", True, True),
])
def test_a_draft_of_the_terms_reads_as_a_pdf_for_secretaries_and_the_board_only(
        client, login_as, network, board_setup, role, sits, reads):
    board = board_setup.board
    scoped(network, lambda: terms_draft(board))
    member = login_as(role)
    if sits:
        scoped(network, lambda: factories.make_seat(board, membership=member))
        db.session.commit()
    before = db.session.execute(select(func.count(IssuedDocument.id))).scalar()
    response = client.get(_terms_url(board, "/1/draft.pdf"))
    assert response.status_code == (200 if reads else 404)
    if reads:
        text = " ".join(pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
        assert "DRAFT" in text and "Draft version 1, not yet approved" in text
        assert "Download the draft as a PDF" in html(client.get(_terms_url(board, "/1")))
    assert db.session.execute(select(func.count(IssuedDocument.id))).scalar() == before
    assert client.get(_terms_url(board, "/9/draft.pdf")).status_code == 404


def terms_draft(board):
    from governance.meetings import terms

    terms.save_draft(board, "# Purpose\n\nTo lead the network.", None, None)
    db.session.commit()
