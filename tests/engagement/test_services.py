"""Engagement rules: submission, anonymity, statuses and their dates, working-day targets, publishing,
the public form's honeypot and rate limit, links to what a response led to, panels, and the report."""

import io
from datetime import date, datetime, timedelta

import pypdf
import pytest
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from governance.core import clock, tenancy
from governance.core.audit import AuditEntry
from governance.core.errors import EditConflict, ServiceError
from governance.core.outbox import OutboxMessage
from governance.documents.models import DocumentJob, IssuedDocument
from governance.engagement import feedback, links, panels, queue, report
from governance.engagement.models import (
    Feedback,
    FeedbackOriginal,
    FeedbackStatus,
    PublicFormUse,
)
from governance.engagement.workdays import add_working_days, is_working_day, working_days_between
from governance.extensions import db
from tests import factories
from tests.engagement.conftest import HIDDEN_NAME


def fields(error: ServiceError) -> dict[str, str]:
    return {problem.field: problem.message for problem in getattr(error, "problems", [error])}


def send(network, patient, show_name=False, **kw):
    data = {"about": feedback.GENERAL, "topic": "Phone lines", "body": "It took an hour to get through.",
            "feeling": 2, "show_name": show_name, "email_on_change": False}
    data.update(kw)
    return feedback.submit_feedback(network, data, patient.user)


def at(frozen_clock, day: date, hour: int = 10):
    frozen_clock.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=clock.LONDON))


# Working days ----------------------------------------------------------------------------------

def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    assert not is_working_day(date(2026, 12, 25)) and not is_working_day(date(2026, 12, 28))  # Boxing Day observed
    assert not is_working_day(date(2026, 8, 31))  # summer bank holiday (England and Wales, not Scotland)
    assert is_working_day(date(2026, 8, 3))  # Scotland's summer bank holiday is a working day here
    assert add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 31)
    assert add_working_days(date(2026, 11, 20), 3) == date(2026, 11, 25)  # Friday: over the weekend
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3


def test_targets_are_working_days_from_arrival_and_overdue_after_a_bank_holiday(app, network, patient, frozen_clock):
    at(frozen_clock, date(2026, 12, 24))
    item = send(network, patient)
    assert item.acknowledge_due == date(2026, 12, 31)
    assert item.respond_due == add_working_days(date(2026, 12, 24), 20) == date(2027, 1, 26)
    at(frozen_clock, date(2026, 12, 31))
    assert not queue.is_overdue(item, clock.today()) and queue.queue_counts().overdue == 0
    at(frozen_clock, date(2027, 1, 1))  # New Year's Day: the target has passed
    assert queue.is_overdue(item, clock.today()) and queue.queue_counts().overdue == 1
    assert db.session.execute(queue.queue_query(overdue=True)).scalars().all() == [item]


def test_targets_follow_the_network_setting_for_items_that_arrive_afterwards(app, network, patient):
    before = send(network, patient)
    feedback.update_settings(network, {"acknowledge_days": 2, "respond_days": 10, "privacy_notice": ""}, 0)
    after = send(network, patient)
    assert before.acknowledge_due == date(2026, 11, 26)
    assert after.acknowledge_due == date(2026, 11, 25) and after.respond_due == date(2026, 12, 7)
    with pytest.raises(ServiceError) as refused:
        feedback.update_settings(network, {"acknowledge_days": 10, "respond_days": 5, "privacy_notice": ""}, 1)
    assert "respond_days" in fields(refused.value)
    with pytest.raises(EditConflict):
        feedback.update_settings(network, {"acknowledge_days": 3, "respond_days": 20, "privacy_notice": ""}, 0)


# Submission and anonymity ----------------------------------------------------------------------

def test_a_patient_sends_feedback_about_a_workstream(app, network, patient, workstream):
    item = send(network, patient, about=workstream.id, topic="ignored", show_name=True, email_on_change=True)
    assert item.status == FeedbackStatus.RECEIVED and item.workstream_id == workstream.id and item.topic == ""
    assert item.shown_name == HIDDEN_NAME and item.about == "Virtual ward" and item.feeling_label == "Poor"
    assert db.session.execute(select(FeedbackOriginal.body)).scalar_one() == "It took an hour to get through."
    sender = feedback.sender_of(item)
    assert sender.user_id == patient.user_id and sender.email_on_change


def test_empty_and_over_long_feedback_is_refused_with_every_problem_at_once(app, network, patient):
    with pytest.raises(ServiceError) as refused:
        send(network, patient, about=None, body="  ", show_name=None)
    assert fields(refused.value) == {"about": "Select what your feedback is about",
                                     "body": "Enter what happened or what you suggest",
                                     "show_name": "Select whether we may show your name to the board"}
    with pytest.raises(ServiceError) as refused:
        send(network, patient, body="x" * 2001, topic="")
    assert fields(refused.value) == {"body": "Your feedback must be 2,000 characters or fewer",
                                     "topic": "Enter what your feedback is about"}
    assert db.session.execute(select(func.count(Feedback.id))).scalar_one() == 0


def test_an_anonymous_item_holds_no_name_and_its_audit_entries_no_actor(app, network, patient):
    item = send(network, patient, show_name=False)
    assert item.shown_name == "" and item.from_label == "Anonymous"
    entries = db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "Feedback")).scalars().all()
    assert entries and all(entry.user_id is None for entry in entries)
    assert HIDDEN_NAME not in str([entry.changes for entry in entries] + [entry.summary for entry in entries])
    assert not db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "FeedbackSender")).first()


def test_what_the_patient_wrote_can_never_be_changed(app, network, patient):
    send(network, patient)
    db.session.commit()
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE feedback_originals SET body = 'rewritten'"))
        db.session.flush()
    db.session.rollback()
    assert db.session.execute(select(FeedbackOriginal.body)).scalar_one() == "It took an hour to get through."


# Statuses --------------------------------------------------------------------------------------

def test_status_runs_received_acknowledged_in_progress_responded_closed_each_dated(app, network, patient,
                                                                                     frozen_clock):
    item = send(network, patient)
    frozen_clock.shift(timedelta(days=1))
    queue.acknowledge(item)
    assert item.status == "acknowledged" and clock.local(item.acknowledged_at).date() == date(2026, 11, 24)
    with pytest.raises(ServiceError, match="already been acknowledged"):
        queue.acknowledge(item)
    with pytest.raises(ServiceError, match="Only feedback with a response"):
        queue.close(item)
    frozen_clock.shift(timedelta(days=1))
    queue.start_work(item)
    frozen_clock.shift(timedelta(days=1))
    with pytest.raises(ServiceError, match="Enter the response"):
        queue.respond(item, " ")
    queue.respond(item, "We have added two more people to answer the phones in the morning.")
    queue.close(item)
    assert item.status == "closed" and item.in_progress_at < item.responded_at <= item.closed_at
    assert queue.days_taken(item) == (1, 3)
    actions = db.session.execute(select(AuditEntry.changes).where(AuditEntry.entity_type == "Feedback",
                                                                  AuditEntry.action == "update")).scalars().all()
    assert [change["status"][1] for change in actions if "status" in change] == [
        "acknowledged", "in_progress", "responded", "closed"]


def test_responding_acknowledges_and_the_sender_is_emailed_when_they_asked(app, network, patient):
    item = send(network, patient, email_on_change=True)
    queue.respond(item, "Thank you. We have changed the phone menu.")
    assert item.acknowledged_at == item.responded_at
    mail = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "engagement_feedback_changed")
                              ).scalar_one()
    assert mail.to_address == patient.user.email and item.reference in mail.subject


def test_theme_and_owner(app, network, patient):
    secretary = factories.make_member(network, "board_secretary")
    item = send(network, patient)
    queue.update_handling(item, {"theme": "Access", "owner_id": secretary.id}, item.version)
    assert item.theme == "Access" and item.owner_id == secretary.id and queue.themes() == ["Access"]
    with pytest.raises(ServiceError) as refused:
        queue.update_handling(item, {"theme": "x" * 101, "owner_id": patient.id}, item.version)
    assert set(fields(refused.value)) == {"theme", "owner_id"}


# Publishing ------------------------------------------------------------------------------------

def test_publishing_needs_a_response_and_keeps_the_original(app, network, patient):
    item = send(network, patient, body="Dr Smith at Quayside told me my test results in the waiting room.")
    with pytest.raises(ServiceError, match="Respond to the feedback before"):
        queue.publish(item, "A doctor discussed results in the waiting room.", item.version)
    assert not db.session.execute(queue.published_query()).scalars().all()
    queue.respond(item, "We have reminded every clinician to speak to patients in private.")
    queue.publish(item, "A doctor discussed results in the waiting room.", item.version)
    assert db.session.execute(queue.published_query()).scalars().all() == [item]
    assert item.published_wording == "A doctor discussed results in the waiting room."
    assert item.original.body == "Dr Smith at Quayside told me my test results in the waiting room."
    first_published = item.published_at
    queue.publish(item, "Results were discussed where others could hear.", item.version)
    assert item.published_at == first_published
    queue.unpublish(item)
    assert not db.session.execute(queue.published_query()).scalars().all()


# The public form -------------------------------------------------------------------------------

def open_public_form(network):
    feedback.update_settings(network, {"acknowledge_days": 3, "respond_days": 20, "public_form_open": True,
                                       "privacy_notice": "Riverside keeps feedback for two years."}, 0)


def test_the_public_form_is_closed_unless_the_network_opens_it(app, network):
    with pytest.raises(ServiceError, match="closed"):
        feedback.submit_public_feedback(network, {"topic": "Parking", "body": "No spaces."}, "192.0.2.1")
    with pytest.raises(ServiceError) as refused:
        feedback.update_settings(network, {"acknowledge_days": 3, "respond_days": 20, "public_form_open": True}, 0)
    assert "privacy_notice" in fields(refused.value)


def test_the_honeypot_keeps_nothing_and_the_rate_limit_is_per_address_in_the_database(app, network, frozen_clock):
    open_public_form(network)
    assert feedback.submit_public_feedback(network, {"topic": "x", "body": "spam", "website": "http://x"},
                                           "192.0.2.1") is None
    assert db.session.execute(select(func.count(Feedback.id))).scalar_one() == 0
    for _ in range(feedback.PUBLIC_LIMIT_PER_HOUR):
        item = feedback.submit_public_feedback(network, {"topic": "Parking", "body": "No spaces."}, "192.0.2.1")
    assert item.source == "public" and item.shown_name == ""
    with pytest.raises(ServiceError, match="several times in the last hour"):
        feedback.submit_public_feedback(network, {"topic": "Parking", "body": "No spaces."}, "192.0.2.1")
    assert feedback.submit_public_feedback(network, {"topic": "Parking", "body": "No spaces."}, "192.0.2.2")
    stored = db.session.execute(select(PublicFormUse.address_hash)).scalars().all()
    assert "192.0.2.1" not in str(stored) and len(stored) == 6
    frozen_clock.shift(timedelta(hours=1, minutes=1))
    assert feedback.submit_public_feedback(network, {"topic": "Parking", "body": "No spaces."}, "192.0.2.1")
    frozen_clock.shift(timedelta(days=2))
    db.session.commit()
    assert feedback.forget_old_uses.call_local() == 7
    assert db.session.execute(select(func.count(PublicFormUse.id))).scalar_one() == 0


# Links to what a response led to ----------------------------------------------------------------

def test_a_response_links_to_records_of_a_registered_kind_and_shows_their_status(app, network, patient,
                                                                                 fake_actions):
    item = send(network, patient)
    assert ("test_action:7", "Action: Extend the phone lines") in links.link_choices()
    links.add_link(item, "test_action:7")
    with pytest.raises(ServiceError, match="already linked"):
        links.add_link(item, "test_action:7")
    for bad in ("test_action:99", "nothing:7", "test_action:x", None):
        with pytest.raises(ServiceError, match="Select what the response led to"):
            links.add_link(item, bad)
    shown = links.links_for([item.id])[item.id]
    assert [(s.kind_label, s.title, s.status_text, s.url) for s in shown] == [
        ("Action", "Extend the phone lines", "Done", "/actions/7")]
    links.unregister_link_kind("test_action")
    assert links.links_for([item.id])[item.id][0].status_text == "No longer available"


# Panels ----------------------------------------------------------------------------------------

def test_panels_review_every_financial_year_and_compare_with_the_list_profile(app, network, practice):
    panel = panels.create_panel(network, {"name": "Quayside PPG", "partner_id": practice.id,
                                          "last_review_on": date(2025, 3, 10)})
    assert panel.kind == "practice"
    assert panels.review_due(panel) == date(2026, 3, 31) and panels.review_overdue(panel)
    panels.update_panel(panel, {"name": "Quayside PPG", "partner_id": practice.id,
                                "last_review_on": date(2026, 5, 1)}, panel.version)
    assert panels.review_due(panel) == date(2028, 3, 31) and not panels.review_overdue(panel)
    with pytest.raises(ServiceError) as refused:
        panels.create_panel(network, {"name": "quayside ppg", "partner_id": -1, "last_review_on": date(2027, 1, 1)})
    assert set(fields(refused.value)) == {"name", "partner_id", "last_review_on"}
    member = panels.add_member(panel, {"name": "Ann Lee", "joined_on": date(2025, 6, 1), "partner_id": practice.id})
    panels.member_leaves(member, date(2026, 10, 1))
    assert panels.panel_rows()[0].members == 0
    panels.save_profile(network, panel, {"age_65_74": 3, "age_25_44": 1, "sex_female": 3, "sex_male": 1})
    panels.save_profile(network, None, {"age_65_74": 1000, "age_25_44": 3000})
    rows = {row.label: row for row in panels.representativeness(panels.profile_of(panel.id), panels.profile_of(None))}
    assert rows["Aged 65 to 74"].panel_share == 75 and rows["Aged 65 to 74"].list_share == 25
    assert rows["Female"].panel_share == 75 and rows["Female"].list_share is None


# The report ------------------------------------------------------------------------------------

def test_the_report_is_issued_and_archived_and_never_names_a_hidden_sender(app, network, patient, practice):
    named = factories.make_user(full_name="Winifred Openshaw")
    item = send(network, patient)
    factories.make_feedback(network, shown_name=named.full_name, status="responded", theme="Access",
                            published=True, published_at=clock.now(), published_wording="Phones are slow.")
    queue.acknowledge(item)
    panels.create_panel(network, {"name": "Riverside patient panel"})
    job = report.request_report(network, date(2026, 4, 1), date(2026, 11, 30), None)
    db.session.commit()
    job = db.session.get(DocumentJob, job.id)
    assert job.status == "done", job.error
    document = db.session.get(IssuedDocument, job.document_id)
    assert document.kind == "engagement_report" and document.covers == "1 April 2026 to 30 November 2026"
    words = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document.pdf)).pages)
    assert "Phones are slow." in words and "Riverside patient panel" in words and "Access" in words
    assert HIDDEN_NAME not in words
    with pytest.raises(ServiceError) as refused:
        report.request_report(network, date(2026, 4, 1), date(2026, 3, 1), None)
    assert "end" in fields(refused.value)


def test_the_public_rate_limit_key_depends_on_the_secret(app):
    assert feedback._address_hash("192.0.2.1") != "192.0.2.1" and current_app.config["SECRET_KEY"]


def test_a_response_links_to_the_boards_decisions_and_actions_but_never_confidential_ones(app, network, patient):
    from governance.decisions import actions, records
    from tests.decisions.conftest import decision_data, make_held

    held = make_held(network)
    tenancy.activate(network.id)
    decision = records.record_decision(held.meeting, held.item, decision_data(), None)
    secret = records.record_decision(held.meeting, held.other, decision_data(title="Merge two practices"), None)
    action = actions.create_action(held.meeting, held.item, None, {
        "description": "Publish the winter access plan", "owner_id": held.secretary.id,
        "due_on": date(2026, 11, 20)}, None)
    item = send(network, patient)
    choices = dict(links.link_choices())
    assert f"decision:{decision.id}" in choices and f"decision:{secret.id}" not in choices
    assert choices[f"action:{action.id}"] == "Action: Publish the winter access plan"
    links.add_link(item, f"decision:{decision.id}")
    links.add_link(item, f"action:{action.id}")
    with pytest.raises(ServiceError):
        links.add_link(item, f"decision:{secret.id}")
    shown = {s.kind_label: s for s in links.links_for([item.id])[item.id]}
    assert shown["Decision"].title == f"{decision.reference}: Approve the winter access plan"
    assert shown["Decision"].status_text == "Approved on 19 November 2026" and shown["Decision"].url is None
    assert shown["Action"].status_text.endswith("overdue")  # due 20 November, today is 23 November
