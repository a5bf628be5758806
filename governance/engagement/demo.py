"""Riverside's patient engagement: the network panel and two practice groups, a year of activities, and
40 pieces of feedback in every status (some anonymous, some published, some overdue), several of them
from patient@riverside.example. Northgate has a panel of its own and nothing else."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from governance.accountability.models import Workstream
from governance.core import audit, clock, tenancy
from governance.engagement import feedback as feedback_services
from governance.engagement import panels
from governance.engagement.models import (
    EngagementActivity,
    Feedback,
    FeedbackOriginal,
    FeedbackSender,
    PanelMember,
)
from governance.engagement.workdays import add_working_days
from governance.extensions import db
from governance.networks.models import Membership

PRIVACY_NOTICE = (
    "Riverside Primary Care Home keeps what you send for two years to improve its services. Staff and the board "
    "read it; we never ask for your name. We may publish what you said, with personal details taken out, on our "
    "\"You said, we did\" page. Questions: engagement@riverside.example.")

# topic or workstream, what the patient said, theme, the response
STORIES = [
    ("Virtual ward", "My dad was looked after at home on the virtual ward. The daily video calls were reassuring but "
     "nobody told us what time the nurse would come.", "Communication",
     "We now send a text message with a two-hour window the evening before each visit."),
    ("Extended access", "Saturday appointments are brilliant, but I could not book one online, only by phone.",
     "Access", "Saturday appointments can now be booked in the NHS App and on the practice websites."),
    ("Phone lines", "It took 45 minutes to get through to Quayside at 8am on Monday.", "Access",
     "Quayside has added two staff to the phones from 8am to 10am and a call-back option."),
    ("Diabetes pathway", "The education sessions were really helpful. Could they be held in the evening too?",
     "Access", "From January there will be an evening session every month at Millstream Health Centre."),
    ("Social prescribing", "The link worker helped me join a walking group. I feel much less alone.",
     "Wellbeing", "Thank you. We have shared this with the link workers and the walking group."),
    ("Proactive frailty service", "My mother was given three different phone numbers and none of them answered.",
     "Communication",
     "There is now one number for the frailty team, answered from 8am to 8pm, printed on the care plan."),
    ("Car park", "The car park at Riverside Medical Centre is always full by 9am.", "Premises",
     "The council has agreed 10 more spaces at the leisure centre next door for patients."),
    ("Care planning", "I was asked the same questions by three different people for my care plan.",
     "Joined-up care", "Care plans are now shared between the practices, the trust and social care."),
    ("Repeat prescriptions", "Repeat prescriptions took a week to reach the pharmacy.", "Medicines",
     "The practices and Quay Pharmacy now aim for two working days, and check it each month."),
    ("Waiting room", "The screen in the waiting room calls names too quietly to hear.", "Premises",
     "The volume has been raised and names now show on the screen as well."),
]
STATUS_CYCLE = ["closed", "responded", "closed", "in_progress", "responded", "closed", "acknowledged", "closed",
                "responded", "closed"]
ACTIVITIES = [
    ("panel_meeting", 340, "Quarterly panel meeting: the year ahead", None, 14),
    ("survey", 300, "Access survey across the five practices", "Extended access", 612),
    ("focus_group", 260, "What matters to people living with frailty", "Proactive frailty service", 9),
    ("panel_meeting", 250, "Quarterly panel meeting: access and phones", None, 12),
    ("co_design", 210, "Designing the virtual ward leaflet with patients and carers", "Virtual ward", 11),
    ("public_event", 180, "Health fair at the leisure centre", "Social prescribing", 140),
    ("panel_meeting", 160, "Quarterly panel meeting: diabetes education", "Diabetes pathway", 13),
    ("online_consultation", 120, "Online consultation on evening appointments", "Extended access", 287),
    ("focus_group", 90, "Care planning: telling your story once", "Care planning", 8),
    ("panel_meeting", 70, "Quarterly panel meeting: representativeness review", None, 15),
    ("survey", 40, "Friends and Family Test themes for the year", None, 1_034),
    ("co_design", 14, "Winter plan: keeping well at home", "Proactive frailty service", 10),
]
LEARNED = "People want one number to call, clear times for visits, and to tell their story once."
NETWORK_PANEL = [("Joan Pritchard", "practice", date(2024, 5, 1)), ("Arthur Bell", "quayside", date(2024, 5, 1)),
                 ("Mina Kaur", "millstream", date(2024, 9, 12)), ("Grace O'Neill", "harbour_lane", date(2025, 1, 8)),
                 ("Tunde Bakare", "valley_view", date(2025, 6, 4)), ("Lily Chen", "practice", date(2025, 11, 2)),
                 ("Peter Holt", "quayside", date(2026, 2, 19)), ("Sadia Rahman", "millstream", date(2026, 7, 1))]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.LONDON)


def _panels(demo, network) -> None:
    partners = demo.partners
    network_panel = panels.create_panel(network, {
        "name": "Riverside Patient Panel", "last_review_on": date(2026, 5, 12),
        "description": "Patients from all five practices who advise the board and shape new services."})
    for name, practice, joined in NETWORK_PANEL:
        db.session.add(PanelMember(network_id=network.id, panel_id=network_panel.id, name=name, joined_on=joined,
                                   partner_id=partners[practice].id))
    quayside = panels.create_panel(network, {"name": "Quayside Surgery PPG", "partner_id": partners["quayside"].id,
                                             "last_review_on": date(2025, 3, 20)})  # a review is overdue
    central = panels.create_panel(network, {"name": "Riverside Medical Centre PPG",
                                            "partner_id": partners["practice"].id, "last_review_on": date(2025, 11, 4)})
    for panel, names in ((quayside, ["Ray Dunn", "Elsie Ward", "Kofi Mensah", "Nora Blake"]),
                         (central, ["Iris Patel", "George Hume", "Beth Lowe", "Sam Ortiz", "Alan Firth"])):
        for i, name in enumerate(names):
            db.session.add(PanelMember(network_id=network.id, panel_id=panel.id, name=name,
                                       joined_on=date(2024 + i % 2, 3 + i, 1), partner_id=panel.partner_id))
    panels.save_profile(network, network_panel, {"age_under_25": 0, "age_25_44": 1, "age_45_64": 2, "age_65_74": 3,
                                                 "age_75_plus": 2, "sex_female": 5, "sex_male": 3})
    panels.save_profile(network, None, {"age_under_25": 12_400, "age_25_44": 11_300, "age_45_64": 10_200,
                                        "age_65_74": 4_600, "age_75_plus": 3_500, "sex_female": 21_300,
                                        "sex_male": 20_700})
    db.session.flush()


def _activities(network, workstreams, today) -> None:
    for kind, days_ago, topic, workstream, people in ACTIVITIES:
        db.session.add(EngagementActivity(
            network_id=network.id, kind=kind, held_on=today - timedelta(days=days_ago), topic=topic,
            workstream_id=workstreams[workstream].id if workstream else None, participants=people,
            summary=f"{topic}. Notes were shared with the board.", learned=LEARNED))
    db.session.flush()


RECENT_STATUSES = ["received", "received", "acknowledged", "in_progress", "received", "acknowledged",
                   "responded", "in_progress"]
ORDER = ["received", "acknowledged", "in_progress", "responded", "closed"]
SHOWN_NAMES = ["Arthur Bell", "Mina Kaur", "Tunde Bakare", "Grace O'Neill"]


def _shown_name(index: int, sender) -> str:
    if index % 3 == 1 or index % 11 == 5:  # anonymous, or from the public form
        return ""
    return sender.full_name if sender is not None else SHOWN_NAMES[index % 4]


def _progress(item: Feedback, index: int, received_on: date, said: str, response: str) -> None:
    """Date each step the item has reached; items 1, 4 and 9 are overdue or were answered late."""
    reached, late = ORDER.index(item.status), index in (1, 4, 9)
    if reached >= 1:
        item.acknowledged_at = _at(add_working_days(received_on, 5 if late else 1))
    if reached >= 2:
        item.in_progress_at = _at(add_working_days(received_on, 6 if late else 3))
    if reached >= 3:
        item.responded_at = _at(add_working_days(received_on, 25 if late else 12))
        item.response = response
        if index % 2 == 0:
            item.published, item.published_at = True, item.responded_at + timedelta(days=2)
            item.published_wording = said
    if reached >= 4:
        item.closed_at = item.responded_at + timedelta(days=7)


def _item(network, index, story, workstreams, today, sender, owner) -> None:
    about, said, theme, response = story
    status = STATUS_CYCLE[index % len(STATUS_CYCLE)] if index >= 8 else RECENT_STATUSES[index]
    received_on = today - timedelta(days=3 + index * 9)
    item = Feedback(network_id=network.id, source="public" if index % 11 == 5 else "panel",
                    workstream_id=workstreams[about].id if about in workstreams else None,
                    topic="" if about in workstreams else about, feeling=[4, 2, 5, 3, 1, None][index % 6],
                    shown_name=_shown_name(index, sender), status=status, theme=theme if status != "received" else "",
                    received_at=_at(received_on, 9 + index % 8), owner_id=owner.id if status != "received" else None,
                    acknowledge_due=add_working_days(received_on, 3), respond_due=add_working_days(received_on, 20))
    _progress(item, index, received_on, said, response)
    db.session.add(item)
    db.session.flush()
    db.session.add(FeedbackOriginal(network_id=network.id, feedback_id=item.id, body=said,
                                    written_at=item.received_at))
    if sender is not None:
        db.session.add(FeedbackSender(network_id=network.id, feedback_id=item.id, user_id=sender.id,
                                      email_on_change=index == 0))


def _feedback(demo, network, workstreams, today) -> None:
    patient = demo.users["patient@riverside.example"]
    secretary_membership = db.session.execute(select(Membership).where(
        Membership.user_id == demo.users["secretary@riverside.example"].id)).scalar_one()
    for index in range(40):
        _item(network, index, STORIES[index % len(STORIES)], workstreams, today, patient if index % 7 == 0 else None,
              secretary_membership)
    db.session.flush()


def seed(demo) -> None:
    """Add Riverside's panels, activities and feedback, and Northgate's panel."""
    network = demo.riverside
    tenancy.activate(network.id)
    audit.set_actor(db.session, demo.users["secretary@riverside.example"].id)
    today = clock.today()
    feedback_services.update_settings(network, {"acknowledge_days": 3, "respond_days": 20, "public_form_open": True,
                                                "privacy_notice": PRIVACY_NOTICE}, 0)
    workstreams = {w.name: w for w in db.session.execute(select(Workstream)).scalars()}
    _panels(demo, network)
    _activities(network, workstreams, today)
    audit.set_actor(db.session, None)  # what patients sent is never put to a staff member's name
    _feedback(demo, network, workstreams, today)
    tenancy.activate(demo.northgate.id)
    audit.set_actor(db.session, demo.users["secretary@northgate.example"].id)
    panels.create_panel(demo.northgate, {"name": "Northgate Patient Panel"})
    tenancy.activate(None)
    db.session.flush()
