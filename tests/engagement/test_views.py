"""Engagement pages: every route for every role and for outsiders, the patient's question pages, bad
input, anonymity in every page and export staff can reach, the public pages, fixed query counts."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from governance.core import clock
from governance.documents.models import DocumentJob
from governance.engagement import feedback
from governance.engagement.models import Feedback, FeedbackOriginal, FeedbackSender, PanelMember, PatientPanel
from governance.extensions import db
from tests import factories
from tests.engagement.conftest import HIDDEN_NAME

BASE = "/n/riverside-test/engagement"
MANAGERS = ["network_admin", "board_secretary"]
READERS = ["board_member", "partner_representative", "observer"]
PATIENT = "patient_panel_member"
SCRIPT = "<script>alert('x')</script>"


def text_of(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


@pytest.fixture
def setup(network, practice, workstream, patient):
    anonymous = factories.make_feedback(network, body=f"Hidden sender wrote this {SCRIPT}", sender=patient.user,
                                        workstream_id=workstream.id, topic="")
    named = factories.make_feedback(network, body="Named sender wrote this", shown_name="Winifred Openshaw",
                                    status="responded", theme="Access")
    panel = factories.make_panel(network, name="Riverside patient panel")
    member = PanelMember(network_id=network.id, panel_id=panel.id, name="Ann Lee", joined_on=date(2025, 6, 1))
    activity_id = _activity(network, workstream)
    db.session.add(member)
    db.session.commit()
    return {"anonymous": anonymous, "named": named, "panel": panel, "member": member, "activity_id": activity_id,
            "patient": patient, "workstream": workstream}


def _activity(network, workstream):
    from governance.engagement.models import ActivityAttachment, EngagementActivity

    activity = EngagementActivity(network_id=network.id, kind="focus_group", held_on=date(2026, 9, 1),
                                  topic="Virtual ward discharge", workstream_id=workstream.id, participants=8)
    db.session.add(activity)
    db.session.flush()
    pdf = factories.pdf_bytes()
    db.session.add(ActivityAttachment(network_id=network.id, activity_id=activity.id, title="Notes", filename="n.pdf",
                                      content=pdf, size_bytes=len(pdf), sha256="0" * 64, page_count=1))
    db.session.flush()
    return activity.id


def read_routes(s):
    item = s["anonymous"].id
    return [f"{BASE}/", f"{BASE}/feedback-queue.csv", f"{BASE}/feedback-queue/{item}", f"{BASE}/panels/",
            f"{BASE}/panels/{s['panel'].id}", f"{BASE}/activities/", f"{BASE}/activities/{s['activity_id']}",
            f"{BASE}/activities/{s['activity_id']}/attachments/1"]


def edit_routes(s):
    item, panel, activity = s["anonymous"].id, s["panel"].id, s["activity_id"]
    return [f"{BASE}/feedback-queue/{item}/respond", f"{BASE}/feedback-queue/{item}/handling",
            f"{BASE}/feedback-queue/{s['named'].id}/publish", f"{BASE}/feedback-queue/{item}/links",
            f"{BASE}/settings", f"{BASE}/panels/new", f"{BASE}/panels/{panel}/edit",
            f"{BASE}/panels/{panel}/members/new", f"{BASE}/panels/{panel}/profile", f"{BASE}/panels/list-profile",
            f"{BASE}/activities/new", f"{BASE}/activities/{activity}/edit",
            f"{BASE}/activities/{activity}/attachments/new"]


def post_only_routes(s):
    item = s["anonymous"].id
    return [f"{BASE}/feedback-queue/{item}/acknowledge", f"{BASE}/feedback-queue/{item}/start",
            f"{BASE}/feedback-queue/{item}/close", f"{BASE}/feedback-queue/{item}/unpublish",
            f"{BASE}/feedback-queue/{item}/links/1/remove",
            f"{BASE}/panels/{s['panel'].id}/members/{s['member'].id}/leave",
            f"{BASE}/activities/{s['activity_id']}/attachments/1/remove"]


def patient_routes(s):
    return [f"{BASE}/my-feedback/", f"{BASE}/my-feedback/{s['anonymous'].id}", f"{BASE}/my-feedback/new",
            f"{BASE}/my-feedback/new/about", f"{BASE}/my-feedback/new/details", f"{BASE}/my-feedback/new/feeling",
            f"{BASE}/my-feedback/new/name", f"{BASE}/my-feedback/new/updates"]


def counts():
    return [db.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Feedback, PatientPanel, PanelMember)]


def version_of(item) -> int:
    db.session.expire_all()
    return db.session.execute(select(Feedback.version).where(Feedback.id == item.id)).scalar_one()


def statuses():
    db.session.expire_all()
    return db.session.execute(select(Feedback.status).order_by(Feedback.id)).scalars().all()


# Permissions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", MANAGERS)
def test_secretaries_and_admins_open_every_page(client, login_as, setup, role):
    login_as(role)
    for url in read_routes(setup) + edit_routes(setup) + [f"{BASE}/report"]:
        assert client.get(url).status_code == 200, url
    for url in patient_routes(setup):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", READERS)
def test_the_board_reads_the_queue_and_changes_nothing(client, login_as, setup, role):
    login_as(role)
    for url in read_routes(setup):
        assert client.get(url).status_code == 200, url
    before = (counts(), statuses())
    for url in edit_routes(setup):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"response": "x", "name": "x"}).status_code == 403, url
    for url in post_only_routes(setup):
        assert client.post(url).status_code == 403, url
    assert (counts(), statuses()) == before
    page = client.get(f"{BASE}/feedback-queue/{setup['anonymous'].id}").get_data(as_text=True)
    assert "/acknowledge" not in page and "/respond" not in page and "/publish" not in page


def test_the_patient_engagement_lead_works_the_queue_whatever_their_role(client, login_as, setup, network):
    lead = login_as("board_member")
    factories.make_appointment(factories.standard_role(network, "patient_engagement_lead"), lead)
    db.session.commit()
    assert client.post(f"{BASE}/feedback-queue/{setup['anonymous'].id}/acknowledge").status_code == 302
    assert statuses()[0] == "acknowledged"
    assert client.get(f"{BASE}/settings").status_code == 200


def test_patients_see_only_their_own_pages(client, login_as, setup, network):
    login_as(PATIENT)
    for url in read_routes(setup) + edit_routes(setup):
        assert client.get(url).status_code == 403, url
    for url in post_only_routes(setup):
        assert client.post(url).status_code == 403, url
    assert client.get(f"{BASE}/my-feedback/").status_code == 200
    assert client.get(f"{BASE}/my-feedback/{setup['anonymous'].id}").status_code == 404  # not theirs
    assert "Hidden sender" not in text_of(client.get(f"{BASE}/my-feedback/"))


def test_outsiders_are_sent_to_sign_in_or_not_told_the_network_exists(client, login_as, setup):
    routes = read_routes(setup) + edit_routes(setup) + patient_routes(setup)
    for url in routes:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location, url
    login_as("network_admin", in_network=factories.make_network(slug="elsewhere"))
    before = (counts(), statuses())
    for url in routes:
        assert client.get(url).status_code == 404, url
    for url in post_only_routes(setup):
        assert client.post(url).status_code == 404, url
    assert (counts(), statuses()) == before


# The patient's question pages --------------------------------------------------------------------

def test_a_patient_gives_feedback_one_question_at_a_time(client, login_as, setup):
    patient = login_as(PATIENT)
    start = text_of(client.get(f"{BASE}/my-feedback/new"))
    assert "Do not include medical details" in start
    about = client.get(f"{BASE}/my-feedback/new/about").get_data(as_text=True)
    assert "Virtual ward" in about and "nhsuk-fieldset__heading" in about
    response = client.post(f"{BASE}/my-feedback/new/about", data={})
    assert "Select what your feedback is about" in text_of(response) and "Error:" in text_of(response)
    response = client.post(f"{BASE}/my-feedback/new/about", data={"about": str(feedback.GENERAL)})
    assert response.location.endswith("/my-feedback/new/topic")
    response = client.post(f"{BASE}/my-feedback/new/topic", data={"topic": "Parking"})
    assert response.location.endswith("/my-feedback/new/details")
    details = text_of(client.get(f"{BASE}/my-feedback/new/details"))
    assert "Do not include medical details" in details
    assert "Enter what happened or what you suggest" in text_of(
        client.post(f"{BASE}/my-feedback/new/details", data={"body": "  "}))
    assert "Your feedback must be 2,000 characters or fewer" in text_of(
        client.post(f"{BASE}/my-feedback/new/details", data={"body": "x" * 2001}))
    assert client.post(f"{BASE}/my-feedback/new/details", data={"body": f"The car park is full {SCRIPT}"}
                       ).location.endswith("/feeling")
    assert client.post(f"{BASE}/my-feedback/new/feeling", data={}).location.endswith("/name")
    assert "Select whether we may show your name" in text_of(client.post(f"{BASE}/my-feedback/new/name", data={}))
    client.post(f"{BASE}/my-feedback/new/name", data={"show_name": "no"})
    assert client.post(f"{BASE}/my-feedback/new/updates", data={"email_on_change": "yes"}
                       ).location.endswith("/my-feedback/new/check")
    check = client.get(f"{BASE}/my-feedback/new/check")
    assert "Parking" in text_of(check) and "No, keep my name private" in text_of(check)
    assert SCRIPT not in check.get_data(as_text=True) and "&lt;script&gt;" in check.get_data(as_text=True)
    response = client.post(f"{BASE}/my-feedback/new/check")
    assert response.status_code == 302
    item = db.session.execute(select(Feedback).order_by(Feedback.id.desc())).scalars().first()
    assert item.topic == "Parking" and item.shown_name == "" and item.feeling is None
    assert db.session.execute(select(FeedbackSender.email_on_change).where(FeedbackSender.feedback_id == item.id)
                              ).scalar_one() is True
    assert patient.user_id == db.session.execute(select(FeedbackSender.user_id).where(
        FeedbackSender.feedback_id == item.id)).scalar_one()
    mine = client.get(response.location)
    assert "Your feedback has been sent" in text_of(mine) and SCRIPT not in mine.get_data(as_text=True)
    # the draft is gone: the check page sends them back to the first question
    assert client.get(f"{BASE}/my-feedback/new/check").location.endswith("/my-feedback/new/about")


def test_unknown_question_pages_and_bad_answers_never_fail(client, login_as, setup):
    login_as(PATIENT)
    assert client.get(f"{BASE}/my-feedback/new/nonsense").status_code == 404
    for data in ({"about": "abc"}, {"about": "999999"}, {"about": "-1"}):
        assert "Select what your feedback is about" in text_of(client.post(f"{BASE}/my-feedback/new/about", data=data))
    assert client.post(f"{BASE}/my-feedback/new/feeling", data={"feeling": "9"}).status_code == 200


def test_the_sender_sees_the_response_and_what_it_led_to_and_chooses_emails(app, client, setup, fake_actions):
    from governance.core import tenancy
    from governance.engagement import links, queue

    tenancy.activate(setup["anonymous"].network_id)
    queue.respond(setup["anonymous"], "We are adding more discharge nurses.")
    links.add_link(setup["anonymous"], "test_action:8")
    tenancy.activate(None)
    db.session.commit()
    client.post("/sign-in", data={"email": setup["patient"].user.email, "password": factories.PASSWORD})
    url = f"{BASE}/my-feedback/{setup['anonymous'].id}"
    page = text_of(client.get(url))
    assert "We are adding more discharge nurses." in page and "Review the leaflet (Open)" in page
    assert "Responded" in text_of(client.get(f"{BASE}/my-feedback/"))
    assert client.post(url, data={"email_on_change": "y"}).status_code == 302
    assert db.session.execute(select(FeedbackSender.email_on_change)).scalar_one() is True


# Anonymity ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", MANAGERS + READERS)
def test_a_hidden_name_is_in_no_page_or_export_staff_and_the_board_can_reach(client, login_as, setup, role):
    login_as(role)
    pages = read_routes(setup)[:3] + [f"{BASE}/feedback-queue/{setup['named'].id}", "/n/riverside-test/audit/"]
    for url in pages:
        response = client.get(url)
        if response.status_code == 403:
            continue
        body = response.get_data(as_text=True)
        assert HIDDEN_NAME not in body and setup["patient"].user.email not in body, url
    queue_page = text_of(client.get(f"{BASE}/"))
    assert "Anonymous" in queue_page and "Winifred Openshaw" in queue_page
    assert f'<a href="{BASE}/feedback-queue/{setup["named"].id}">' in client.get(f"{BASE}/").get_data(as_text=True)
    csv = client.get(f"{BASE}/feedback-queue.csv").get_data(as_text=True)
    assert "Anonymous" in csv and "Winifred Openshaw" in csv and HIDDEN_NAME not in csv


def test_text_a_patient_wrote_is_shown_escaped_to_staff(client, login_as, setup):
    login_as("board_secretary")
    page = client.get(f"{BASE}/feedback-queue/{setup['anonymous'].id}").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


# Working the queue ------------------------------------------------------------------------------

def test_a_secretary_acknowledges_responds_publishes_and_closes(client, login_as, setup, fake_actions):
    login_as("board_secretary")
    item = setup["anonymous"]
    url = f"{BASE}/feedback-queue/{item.id}"
    assert client.post(f"{url}/acknowledge").status_code == 302
    assert "has already been acknowledged" in text_of(client.post(f"{url}/acknowledge", follow_redirects=True))
    assert "Respond to the feedback before publishing it" in text_of(
        client.post(f"{url}/publish", data={"published_wording": "x", "version": version_of(item)}))
    assert "Enter the response" in text_of(client.post(f"{url}/respond", data={"response": ""}))
    client.post(f"{url}/respond", data={"response": "We are adding more discharge nurses."})
    assert client.get(f"{url}/publish").status_code == 200
    client.post(f"{url}/publish", data={"published_wording": "The ward discharge was slow.",
                                        "version": version_of(item)})
    client.post(f"{url}/links", data={"target": "test_action:7"})
    client.post(f"{url}/handling", data={"theme": "Discharge", "owner_id": "", "version": version_of(item)})
    client.post(f"{url}/close")
    record = db.session.get(Feedback, item.id)
    db.session.refresh(record)
    assert record.status == "closed" and record.published and record.theme == "Discharge"
    assert db.session.execute(select(FeedbackOriginal.body).where(FeedbackOriginal.feedback_id == item.id)
                              ).scalar_one().startswith("Hidden sender wrote this")
    page = text_of(client.get(url))
    assert "Extend the phone lines" in page and "Done" in page
    overdue = text_of(client.get(f"{BASE}/?overdue=y"))
    assert "Virtual ward" not in overdue


def test_bad_queue_filters_and_settings_input_do_not_fail(client, login_as, setup):
    login_as("board_secretary")
    for query in ("?status=bogus", "?theme=%00", "?page=-3", "?overdue=maybe", "?page=99999999999"):
        assert client.get(f"{BASE}/{query}").status_code == 200, query
    assert client.get("/p/riverside-test/you-said-we-did?theme=%00&workstream=x").status_code == 200
    response = client.post(f"{BASE}/settings", data={"acknowledge_days": "three", "respond_days": "999",
                                                     "version": "0"})
    assert "Acknowledge within (working days) must be a whole number" in text_of(response)
    assert client.post(f"{BASE}/feedback-queue/{setup['anonymous'].id}/links", data={"target": "x:1"}
                       ).status_code == 200
    assert client.post(f"{BASE}/report", data={"start[day]": "1", "start[month]": "4", "start[year]": "2026",
                                               "end[day]": "31", "end[month]": "2", "end[year]": "2026"}
                       ).status_code == 200


def test_the_report_is_made_by_the_worker(client, login_as, setup):
    login_as("board_secretary")
    response = client.post(f"{BASE}/report", data={"start[day]": "1", "start[month]": "4", "start[year]": "2026",
                                                    "end[day]": "23", "end[month]": "11", "end[year]": "2026"})
    assert response.status_code == 302 and "/documents/jobs/" in response.location
    assert db.session.execute(select(DocumentJob.status)).scalar_one() == "done"


def test_panel_and_activity_forms(client, login_as, setup, practice):
    login_as("board_secretary")
    response = client.post(f"{BASE}/panels/new", data={"name": "Quayside PPG", "partner_id": practice.id})
    assert response.status_code == 302
    assert "Enter the panel's name" in text_of(client.post(f"{BASE}/panels/new", data={"name": ""}))
    panel_id = db.session.execute(select(PatientPanel.id).where(PatientPanel.name == "Quayside PPG")).scalar_one()
    assert client.post(f"{BASE}/panels/{panel_id}/members/new", data={
        "name": "Ann", "joined_on[day]": "1", "joined_on[month]": "5", "joined_on[year]": "2026"}).status_code == 302
    assert "must be a whole number" in text_of(client.post(f"{BASE}/panels/{panel_id}/profile",
                                                           data={"age_65_74": "lots"}))
    assert client.post(f"{BASE}/panels/{panel_id}/profile", data={"age_65_74": "4"}).status_code == 302
    assert client.post(f"{BASE}/activities/new", data={
        "kind": "survey", "held_on[day]": "1", "held_on[month]": "10", "held_on[year]": "2026",
        "topic": "Access survey", "participants": "120"}).status_code == 302
    assert "Enter the topic" in text_of(client.post(f"{BASE}/activities/new", data={"kind": "survey"}))
    response = client.post(f"{BASE}/activities/{setup['activity_id']}/attachments/new",
                           data={"title": "Not a PDF", "file": (__import__("io").BytesIO(b"hello"), "x.pdf")},
                           content_type="multipart/form-data")
    assert "The selected file must be a PDF" in text_of(response)
    assert client.get(f"{BASE}/activities/{setup['activity_id']}/attachments/1").mimetype == "application/pdf"


# The public pages -------------------------------------------------------------------------------

def test_you_said_we_did_shows_only_what_staff_published_for_that_network(app, client, setup, network):
    published = factories.make_feedback(network, body="Original private words", status="responded",
                                        theme="Access", published=True, published_at=clock.now(),
                                        published_wording="Edited public words", workstream_id=setup["workstream"].id)
    other = factories.make_network(slug="other")
    factories.make_feedback(other, status="responded", published=True, published_at=clock.now(),
                            published_wording="Another network's words")
    db.session.commit()
    page = text_of(client.get("/p/riverside-test/you-said-we-did"))
    assert "Edited public words" in page and "We have changed the phone menu." in page
    assert "Original private words" not in page and "Named sender wrote this" not in page
    assert "Another network's words" not in page and "Winifred" not in page and HIDDEN_NAME not in page
    assert "Edited public words" in text_of(client.get("/p/riverside-test/you-said-we-did?theme=Access"))
    assert "Edited public words" not in text_of(client.get("/p/riverside-test/you-said-we-did?theme=Other"))
    assert "Edited public words" in text_of(
        client.get(f"/p/riverside-test/you-said-we-did?workstream={setup['workstream'].id}"))
    assert client.get("/p/nowhere/you-said-we-did").status_code == 404
    assert published


def test_the_public_form_honeypot_and_rate_limit(app, client, network):
    assert client.get("/p/riverside-test/feedback").status_code == 404  # closed by default
    from governance.core import tenancy

    tenancy.activate(network.id)
    feedback.update_settings(network, {"acknowledge_days": 3, "respond_days": 20, "public_form_open": True,
                                       "privacy_notice": "We keep feedback for two years."}, 0)
    tenancy.activate(None)
    db.session.commit()
    form = client.get("/p/riverside-test/feedback")
    assert "We keep feedback for two years." in text_of(form) and "Do not include medical details" in text_of(form)
    assert "Enter what happened or what you suggest" in text_of(client.post("/p/riverside-test/feedback", data={}))
    robot = client.post("/p/riverside-test/feedback", data={"topic": "x", "body": "buy", "website": "spam"})
    assert robot.status_code == 302 and db.session.execute(select(func.count(Feedback.id))).scalar_one() == 0
    for _ in range(5):
        assert client.post("/p/riverside-test/feedback", data={"topic": "Parking", "body": "Full"},
                           environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302
    refused = client.post("/p/riverside-test/feedback", data={"topic": "Parking", "body": "Full"},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert refused.status_code == 200 and "several times in the last hour" in text_of(refused)
    assert client.post("/p/riverside-test/feedback", data={"topic": "Parking", "body": "Full"},
                       environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302
    assert db.session.execute(select(func.count(Feedback.id))).scalar_one() == 6
    assert "Thank you" in text_of(client.get("/p/riverside-test/feedback/sent"))


# Fixed query counts ----------------------------------------------------------------------------

def _grow(network, patient, workstream, n):
    for i in range(n):
        factories.make_feedback(network, sender=patient.user, workstream_id=workstream.id if i % 2 else None,
                                status=["received", "acknowledged", "responded", "closed"][i % 4],
                                theme="Access", published=bool(i % 2), published_at=clock.now(),
                                published_wording="Words", received_at=clock.now() - timedelta(days=i))
    db.session.commit()


def test_lists_cost_the_same_queries_however_much_there_is(client, login_as, setup, network, count_queries,
                                                            fake_actions):
    login_as("board_secretary")
    urls = [f"{BASE}/", f"{BASE}/panels/", f"{BASE}/activities/", "/p/riverside-test/you-said-we-did",
            f"{BASE}/feedback-queue.csv"]
    few = {}
    _grow(network, setup["patient"], setup["workstream"], 2)
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        few[url] = counter.count
    _grow(network, setup["patient"], setup["workstream"], 40)
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert counter.count == few[url], (url, counter.statements)


def test_the_patients_list_costs_the_same_queries_however_much_they_sent(app, network, setup, count_queries):
    client = app.test_client()
    client.post("/sign-in", data={"email": setup["patient"].user.email, "password": factories.PASSWORD})
    _grow(network, setup["patient"], setup["workstream"], 2)
    with count_queries() as counter:
        assert client.get(f"{BASE}/my-feedback/").status_code == 200
    few = counter.count
    _grow(network, setup["patient"], setup["workstream"], 30)
    with count_queries() as counter:
        page = client.get(f"{BASE}/my-feedback/")
    assert counter.count == few and "Showing 1 to 10" in text_of(page)


def test_the_overview_has_a_feedback_card_for_staff_and_for_patients(app, client, login_as, setup, network):
    factories.make_feedback(network, received_at=clock.now() - timedelta(days=30))  # past both targets
    db.session.commit()
    login_as("board_secretary")
    page = text_of(client.get("/n/riverside-test/"))
    assert "Feedback from patients" in page and "2 waiting for a response, 1 overdue" in page
    patient = app.test_client()
    patient.post("/sign-in", data={"email": setup["patient"].user.email, "password": factories.PASSWORD})
    page = text_of(patient.get("/n/riverside-test/"))
    assert "Your feedback" in page and "Feedback from patients" not in page
