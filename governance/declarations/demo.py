"""Demo register of interests for Riverside: interests, nil returns, gifts, one member overdue, and a GP who
left the room at a past board meeting for an item about their own practice."""

from datetime import date, timedelta

from sqlalchemy import select

from governance.core import audit, clock, tenancy
from governance.declarations import at_meetings, register
from governance.declarations.models import InterestDeclaration
from governance.extensions import db
from governance.meetings import agenda
from governance.meetings.meeting_models import Meeting
from governance.meetings.models import BoardMember
from governance.networks.models import Membership

# email, category, description, organisation, direct, from
INTERESTS = [
    ("chair@riverside.example", "financial", "GP partner with a share of the practice's profits",
     "Harbour Lane Practice", True, date(2012, 4, 1)),
    ("chair@riverside.example", "non_financial_professional", "Clinical director of the network",
     "Riverside Primary Care Home", True, date(2025, 4, 1)),
    ("gp@riverside.example", "financial", "GP partner with a share of the practice's profits; the practice leases "
     "its premises from the partners", "Quayside Surgery", True, date(2016, 9, 1)),
    ("gp@riverside.example", "indirect", "Spouse is a director of a community pharmacy in the network area",
     "Quayside Pharmacy Ltd", False, date(2021, 1, 15)),
    ("trust.signatory@riverside.example", "non_financial_professional", "Director employed by a partner trust",
     "Riverside Community Health NHS Trust", True, date(2019, 3, 1)),
    ("ruth.okonjo@riverside.example", "financial", "GP partner", "Millstream Health Centre", True, date(2018, 8, 1)),
    ("grace.ito@riverside.example", "non_financial_personal", "Trustee of a local mental health charity",
     "Riverside Mind", True, date(2022, 5, 1)),
]
NIL_RETURNS = ["fatima.noor@riverside.example", "daniel.price@riverside.example"]
OVERDUE = "signatory@riverside.example"  # Dr Helen Marsh made a nil return 14 months ago, and nothing since


def _membership(network, demo, email) -> Membership:
    return db.session.execute(select(Membership).where(Membership.network_id == network.id,
                                                       Membership.user_id == demo.users[email].id)).scalar_one()


def _interests(network, demo, secretary, today):
    made = {}
    for email, category, description, organisation, direct, start in INTERESTS:
        made.setdefault(email, []).append(register.declare_interest(network, _membership(network, demo, email), {
            "category": category, "description": description, "organisation": organisation,
            "direct": "direct" if direct else "indirect", "from_date": start,
            "management": "Declared at each meeting; leaves for items where the interest is material"},
            secretary, declared_on=today - timedelta(days=120)))
    ended = register.declare_interest(network, _membership(network, demo, "trust.signatory@riverside.example"), {
        "category": "financial", "description": "Shares in a home care provider", "organisation": "CarePlus Homecare",
        "direct": "direct", "from_date": date(2015, 1, 1)}, secretary, declared_on=today - timedelta(days=300))
    register.end_interest(ended, today - timedelta(days=200), secretary)
    register.withhold(made["grace.ito@riverside.example"][0],
                      "Naming the charity would identify a family member's health condition", secretary)
    return made


def _returns(network, demo, secretary, today):
    for email in NIL_RETURNS:
        register.annual_return(network, _membership(network, demo, email), secretary)
    # A nil return 14 months ago and nothing since: overdue (written as it was then, so not through the service)
    db.session.add(InterestDeclaration(
        network_id=network.id, membership_id=_membership(network, demo, OVERDUE).id, kind="nil",
        role="Senior partner", declared_on=today - timedelta(days=420), recorded_at=clock.now(),
        recorded_by_id=secretary.id))
    db.session.flush()
    register.declare_gift(network, _membership(network, demo, "gp@riverside.example"), {
        "received_on": today - timedelta(days=60), "giver": "Northern Medical Supplies Ltd",
        "description": "Dinner after a product presentation", "value": "65.00", "accepted": "declined"}, secretary)
    register.declare_gift(network, _membership(network, demo, "chair@riverside.example"), {
        "received_on": today - timedelta(days=30), "giver": "Riverside patient participation group",
        "description": "Box of biscuits for the practice team", "value": "12.50", "accepted": "accepted"}, secretary)


def _left_the_room(network, demo, secretary, made):
    """At the board meeting with the premises lease item, Dr Hale declared his practice's interest and left."""
    for meeting in db.session.execute(select(Meeting).order_by(Meeting.starts_at)).scalars():
        item = next((i for i in agenda.items_of(meeting) if i.title == "Harbour Lane premises lease"), None)
        if item is None:
            continue
        seat = db.session.execute(select(BoardMember).where(
            BoardMember.board_id == meeting.board_id,
            BoardMember.membership_id == _membership(network, demo, "gp@riverside.example").id)).scalar_one()
        at_meetings.record_declaration(network, meeting, {
            "agenda_item_id": str(item.id), "board_member_id": str(seat.id),
            "declaration_id": str(made["gp@riverside.example"][0].id), "management": "leaves",
            "note": "Dr Hale's practice shares the premises landlord; he left the room for the item."}, secretary)
        return


def seed(demo) -> None:
    """Riverside's register of interests."""
    network = demo.riverside
    tenancy.activate(network.id)
    secretary = demo.users["secretary@riverside.example"]
    audit.set_actor(db.session, secretary.id)
    today = clock.today()
    made = _interests(network, demo, secretary, today)
    _returns(network, demo, secretary, today)
    _left_the_room(network, demo, secretary, made)
    audit.set_actor(db.session, None)
    tenancy.activate(None)
