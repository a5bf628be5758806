"""Demo boards and meetings: Riverside's board with a year of monthly meetings, its committees; Northgate's board.

Everything goes through the services the app uses. Meetings already held had their papers issued a
week before (recorded as such, without mail); the next board meeting has its papers issued today.
One meeting was not quorate for its last items after a GP left. The papers are small PDFs made in
one WeasyPrint render and split into papers with pypdf, which keeps loading quick.
"""

import io
from datetime import date, timedelta

import pypdf
from markupsafe import escape
from sqlalchemy import select
from weasyprint import HTML

from governance.auth import services as auth_services
from governance.core import audit, clock, tenancy
from governance.extensions import db
from governance.meetings import agenda, attendance, boards, issuing, papers, scheduling, terms
from governance.meetings.meeting_models import MeetingStatus
from governance.networks import services as network_services
from governance.networks.models import Membership

# Board members who are not among the sign-in demo accounts: (email, name, job title, partner key)
RIVERSIDE_MEMBERS = [
    ("ruth.okonjo@riverside.example", "Dr Ruth Okonjo", "GP partner, Millstream Health Centre", "millstream"),
    ("ben.oduya@riverside.example", "Dr Ben Oduya", "GP partner, Harbour Lane Practice", "harbour_lane"),
    ("grace.ito@riverside.example", "Grace Ito", "Associate director, community mental health",
     "mental_health_trust"),
    ("daniel.price@riverside.example", "Daniel Price", "Head of adult social care", "social_care"),
    ("fatima.noor@riverside.example", "Fatima Noor", "Chief officer, Riverside CVS", "voluntary"),
]
NORTHGATE_MEMBERS = [
    ("omar.farouk@northgate.example", "Dr Omar Farouk", "Clinical director", "northgate_surgery"),
    ("lucy.evans@northgate.example", "Lucy Evans", "Practice manager", "northgate_millbrook"),
    ("sam.patel@northgate.example", "Dr Sam Patel", "GP partner", "northgate_family"),
]
# key, email, role, voting, partner key, from, to
BOARD_SEATS = [
    ("chair", "chair@riverside.example", "chair", True, "harbour_lane", date(2025, 4, 1), None),
    ("hale", "gp@riverside.example", "vice_chair", True, "quayside", date(2025, 4, 1), None),
    ("marsh", "signatory@riverside.example", "member", True, "practice", date(2025, 4, 1), None),
    ("oduya", "ben.oduya@riverside.example", "member", True, "harbour_lane", date(2025, 4, 1), date(2025, 9, 30)),
    ("okonjo", "ruth.okonjo@riverside.example", "member", True, "millstream", date(2025, 10, 1), None),
    ("ellison", "trust.signatory@riverside.example", "member", True, "trust", date(2025, 4, 1), None),
    ("ito", "grace.ito@riverside.example", "member", True, "mental_health_trust", date(2025, 4, 1), None),
    ("price", "daniel.price@riverside.example", "member", True, "social_care", date(2025, 4, 1), None),
    ("noor", "fatima.noor@riverside.example", "member", True, "voluntary", date(2025, 4, 1), None),
    ("adeyemi", "observer@riverside.example", "in_attendance", False, "icb", date(2025, 4, 1), None),
]
# Business items that come round in turn: (title, purpose, minutes, presenter, paper title, confidential)
BUSINESS = [
    ("Finance report", "decision", 20, "Mark Ellison, finance lead", "Finance report", False),
    ("Quality and performance dashboard", "assurance", 15, "Dr Tom Hale", "Quality dashboard", False),
    ("Integrated frailty service update", "discussion", 15, "Grace Ito", "Frailty service update", False),
    ("Workforce and additional roles", "decision", 15, "Dr Priya Raman", "Workforce plan", False),
    ("Patient participation group feedback", "information", 10, "Fatima Noor", "You said, we did", False),
    ("Risk register", "assurance", 10, "Sam Whitfield", "Risk register", False),
]
BOARD_TERMS = """# Purpose

The Riverside Primary Care Home Board leads the partnership. It sets the network's priorities for
the health of the Riverside valley's 42,000 registered patients, agrees how shared money is spent
and holds the partners to what they have agreed.

# Membership

- a GP representative of each member practice, one of whom chairs the board as clinical director;
- a director of Riverside Community Health NHS Trust;
- representatives of the mental health trust, adult social care and the voluntary sector;
- the integrated care board's primary care lead attends without a vote.

# Quorum

At least half of the voting members, including at least two GP practice representatives and the
chair or the vice-chair. A member who declares a conflict and leaves for an item does not count
towards the quorum for that item.

# Meetings

The board meets monthly. Papers are sent at least three clear days before each meeting. Urgent
decisions between meetings are taken by the chair and reported to the next meeting.

# Decisions

Decisions are taken by a majority of the voting members present; the chair has a casting vote.

# Reporting

The clinical governance committee and the finance subgroup report to the board after each meeting.
"""


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def _month_before(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def _paper_pdfs(network_name: str, titles: list[str]) -> dict[str, bytes]:
    """One small paper per title: rendered together in one go, then split into one PDF each."""
    pages = "".join(
        f'<section><p class="n">{escape(network_name)}</p><h1>{escape(title)}</h1>'
        "<p>This paper sets out the position for the board, the options considered and what the board is "
        "asked to do. Figures are for the period to the end of last month.</p>"
        "<ul><li>Summary of progress against plan.</li><li>Risks and how they are managed.</li>"
        "<li>The recommendation to the board.</li></ul></section>" for title in titles)
    style = ("@page{size:A4;margin:20mm}body{font-family:sans-serif;font-size:11pt}"
             "section{page-break-after:always}h1{color:#005eb8}.n{color:#4c6272}")
    combined = pypdf.PdfReader(io.BytesIO(HTML(string=f"<style>{style}</style>{pages}").write_pdf()))
    result = {}
    for title, page in zip(titles, combined.pages, strict=True):
        writer = pypdf.PdfWriter()
        writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        result[title] = out.getvalue()
    return result


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, filename: str):
        super().__init__(data)
        self.filename = filename


def _members(demo, network, accounts) -> None:
    for email, name, job_title, partner_key in accounts:
        user = auth_services.create_user(email, name, None)  # board members who never sign in to the demo
        demo.users[email] = user
        network_services.add_member(network, user, "board_member", job_title=job_title,
                                    partner_id=demo.partners[partner_key].id)


def _membership(user) -> Membership:
    return db.session.execute(select(Membership).where(Membership.user_id == user.id)).scalar_one()


def _seat(demo, board, email, role, voting, partner_key, start, end=None):
    return boards.add_seat(board, {"membership_id": _membership(demo.users[email]).id, "role": role,
                                   "voting": voting, "partner_id": demo.partners[partner_key].id,
                                   "from_date": start, "to_date": end})


def _board(demo, network, secretary):
    board = boards.create_board(network, {
        "name": "Riverside Primary Care Home Board", "kind": "board", "frequency": "monthly",
        "purpose": "Leads the partnership: sets priorities, agrees shared spending and holds partners to "
                   "what they agreed."}, secretary)
    seats = {key: _seat(demo, board, email, role, voting, partner, start, end)
             for key, email, role, voting, partner, start, end in BOARD_SEATS}
    boards.set_quorum_rule(board, {"effective_from": date(2025, 4, 1), "fraction": "1/2",
                                   "kind_minimums": {"gp_practice": 2}, "chair_required": True}, secretary)
    draft = terms.save_draft(board, BOARD_TERMS, None, secretary)
    terms.approve(network, board, draft, date(2025, 4, 1), "Inaugural board meeting, 10 April 2025", secretary)
    return board, seats


def _committee(demo, network, board, secretary, name, kind, purpose, seats, rule):
    committee = boards.create_board(network, {"name": name, "kind": kind, "frequency": "quarterly",
                                              "reports_to_id": board.id, "purpose": purpose}, secretary)
    for email, role, voting, partner_key in seats:
        _seat(demo, committee, email, role, voting, partner_key, date(2025, 4, 1))
    boards.set_quorum_rule(committee, {"effective_from": date(2025, 4, 1), **rule}, secretary)
    return committee


def _agenda(meeting, business: list[tuple], pdfs, secretary) -> None:
    for title, purpose, minutes, presenter, paper_title, confidential in business:
        item = agenda.add_item(meeting, {"title": title, "purpose": purpose, "duration_minutes": minutes,
                                         "presenter": presenter, "confidential": confidential,
                                         "papers_public": title.startswith("Patient")}, secretary)
        if paper_title:
            papers.add_paper(meeting, item, _Upload(pdfs[paper_title], f"{paper_title}.pdf"), paper_title,
                             presenter.split(",")[0], secretary)


def _periods(seats: dict) -> dict:
    """key -> (seat id, from, to), read once: the services re-read records after each lock."""
    return {key: (seat.id, seat.from_date, seat.to_date) for key, seat in seats.items()}


def _held(meeting, periods, secretary, *, apologies=(), left=None) -> None:
    """Papers issued a week before, the attendance recorded, the meeting marked as held."""
    day = meeting.local_start.date()
    issuing.record_issue(meeting, secretary, meeting.starts_at - timedelta(days=7))
    items = agenda.items_of(meeting)
    entries = {}
    for key, (seat_id, start, end) in periods.items():
        if start <= day and (end is None or day <= end):
            entries[seat_id] = {"status": "apologies" if key in apologies else "present", "deputy_name": ""}
    if left is not None:
        who, at_title = left
        entries[periods[who][0]]["left_at_item_id"] = next(i.id for i in items if i.title == at_title)
    attendance.record_attendance(meeting, entries, secretary)
    meeting.status = MeetingStatus.HELD.value
    db.session.flush()


def _board_year(network, board, seats, secretary, pdfs, today: date):
    """A board meeting on the second Thursday of each of the last twelve months."""
    meetings, periods = [], _periods(seats)
    for back in range(12, 0, -1):
        year, month = _month_before(today, back - 1)
        day = _second_thursday(year, month)
        if day >= today - timedelta(days=1):
            continue
        meeting = scheduling.create_meeting(network, {
            "board_id": board.id, "day": day, "start_time": "10:00", "end_time": "12:00",
            "place": "Riverside House, Quay Street", "video_link": "https://meet.example/riverside-board"}, secretary)
        picks = [BUSINESS[(back + n) % len(BUSINESS)] for n in range(3)]
        if back == 4:  # the meeting a GP left early: the last items were not quorate
            picks.append(("Harbour Lane premises lease", "decision", 20, "Dr Priya Raman", "Premises lease", True))
        _agenda(meeting, picks, pdfs, secretary)
        absent = ("marsh", "okonjo", "oduya", "price") if back == 4 else (("ito",) if back % 3 == 0 else ())
        _held(meeting, periods, secretary, apologies=absent,
              left=("hale", "Harbour Lane premises lease") if back == 4 else None)
        meetings.append(meeting)
    return meetings


def _next_board_meeting(network, board, secretary, pdfs, today: date):
    year, month = today.year, today.month
    day = _second_thursday(year, month)
    while day < today + timedelta(days=5):  # far enough ahead for the papers to go on time
        year, month = _month_before(day, -1)
        day = _second_thursday(year, month)
    meeting = scheduling.create_meeting(network, {
        "board_id": board.id, "day": day, "start_time": "10:00", "end_time": "12:30",
        "place": "Riverside House, Quay Street", "video_link": "https://meet.example/riverside-board"}, secretary)
    _agenda(meeting, [BUSINESS[0], BUSINESS[1], BUSINESS[4],
                      ("Winter plan", "decision", 20, "Dr Tom Hale", "Winter plan", False),
                      ("Practice merger proposal", "decision", 20, "Dr Helen Marsh", "Merger business case", True)],
            pdfs, secretary)
    issuing.issue_papers(network, meeting, secretary)
    return meeting


def _riverside(demo, pdfs):
    network = demo.riverside
    tenancy.activate(network.id)
    secretary = demo.users["secretary@riverside.example"]
    audit.set_actor(db.session, secretary.id)
    _members(demo, network, RIVERSIDE_MEMBERS)
    board, seats = _board(demo, network, secretary)
    today = clock.today()
    _board_year(network, board, seats, secretary, pdfs, today)
    _next_board_meeting(network, board, secretary, pdfs, today)
    governance = _committee(
        demo, network, board, secretary, "Clinical governance committee", "committee",
        "Assures the board on the quality and safety of the network's services.",
        [("gp@riverside.example", "chair", True, "quayside"), ("chair@riverside.example", "member", True,
                                                                "harbour_lane"),
         ("ruth.okonjo@riverside.example", "vice_chair", True, "millstream"),
         ("grace.ito@riverside.example", "member", True, "mental_health_trust"),
         ("patient@riverside.example", "in_attendance", False, "practice")],
        {"minimum_present": 3, "chair_required": True})
    finance = _committee(
        demo, network, board, secretary, "Finance subgroup", "subgroup",
        "Oversees the network's funding, spending and risk and gain share, and reports to the board.",
        [("trust.signatory@riverside.example", "chair", True, "trust"),
         ("signatory@riverside.example", "member", True, "practice"),
         ("daniel.price@riverside.example", "member", True, "social_care")],
        {"minimum_present": 2})
    terms.save_draft(finance, terms.draft_text(finance), None, secretary)
    coming = scheduling.create_meeting(network, {  # papers not yet issued: the secretary's overview says when
        "board_id": governance.id, "day": today + timedelta(days=(3 - today.weekday()) % 7 + 14),
        "start_time": "14:00", "end_time": "15:30", "place": "", "video_link": "https://meet.example/riverside-cgc"},
        secretary)
    _agenda(coming, [BUSINESS[1], BUSINESS[4]], pdfs, secretary)
    for committee, start in ((governance, "14:00"), (finance, "09:00")):
        meeting = scheduling.create_meeting(network, {
            "board_id": committee.id, "day": _second_thursday(*_month_before(today, 1)) - timedelta(days=7),
            "start_time": start, "end_time": "15:30" if start == "14:00" else "10:30", "place": "",
            "video_link": f"https://meet.example/riverside-{committee.id}"}, secretary)
        _agenda(meeting, [BUSINESS[1] if committee is governance else BUSINESS[0]], pdfs, secretary)
        _held(meeting, _periods({s.id: s for s in boards.seats_on(committee.id, meeting.local_start.date())}),
              secretary)


def _northgate(demo, pdfs):
    network = demo.northgate
    tenancy.activate(network.id)
    secretary = demo.users["secretary@northgate.example"]
    audit.set_actor(db.session, secretary.id)
    _members(demo, network, NORTHGATE_MEMBERS)
    board = boards.create_board(network, {
        "name": "Northgate PCN Board", "kind": "board", "frequency": "monthly",
        "purpose": "The member practices' board under the network agreement."}, secretary)
    seats = {email: _seat(demo, board, email, "chair" if n == 0 else "member", True, partner, date(2024, 7, 1))
             for n, (email, _, _, partner) in enumerate(NORTHGATE_MEMBERS)}
    boards.set_quorum_rule(board, {"effective_from": date(2024, 7, 1), "minimum_present": 2,
                                   "chair_required": True}, secretary)
    today = clock.today()
    last = scheduling.create_meeting(network, {
        "board_id": board.id, "day": _second_thursday(*_month_before(today, 1)), "start_time": "13:00",
        "end_time": "14:00", "place": "Northgate Surgery meeting room", "video_link": ""}, secretary)
    _agenda(last, [BUSINESS[0]], pdfs, secretary)
    _held(last, _periods(seats), secretary)
    scheduling.create_meeting(network, {
        "board_id": board.id, "day": _second_thursday(*_month_before(today, -1)), "start_time": "13:00",
        "end_time": "14:00", "place": "Northgate Surgery meeting room", "video_link": ""}, secretary)


def seed(demo) -> None:
    """Riverside's board, committees and a year of meetings; Northgate's board."""
    titles = [paper for *_, paper, _ in BUSINESS] + ["Premises lease", "Winter plan", "Merger business case"]
    pdfs = _paper_pdfs(demo.riverside.name, titles)
    _riverside(demo, pdfs)
    _northgate(demo, pdfs)
    audit.set_actor(db.session, None)
    tenancy.activate(None)
