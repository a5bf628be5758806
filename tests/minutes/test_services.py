import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from governance.core import ledger, tenancy
from governance.core.errors import EditConflict, ServiceError
from governance.core.outbox import OutboxAttachment, OutboxMessage
from governance.decisions import records
from governance.decisions.models import MeetingDecisionsLock
from governance.declarations import at_meetings
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.meetings.access import Viewer
from governance.minutes import pages, services
from governance.minutes.models import ApprovedMinutes, MinutesStatus
from tests import factories
from tests.decisions.conftest import decision_data
from tests.declarations.conftest import INTEREST


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _draft(setting, **summaries):
    meeting = setting.held.meeting
    data = {"opening": "The chair welcomed everyone."}
    data.update({f"summary_{setting.held.item.id}": "The board discussed winter demand.",
                 f"summary_{setting.held.other.id}": "The merger was discussed in private."})
    data.update(summaries)
    return services.save_minutes(meeting, data, None, setting.held.secretary.user)


def _approved(setting):
    minutes = _draft(setting)
    services.circulate(setting.held.network, minutes, None)
    return services.approve(setting.held.network, minutes, setting.approving.id, None)


def test_the_content_is_prefilled_from_the_meeting(setting):
    held = setting.held
    decision = records.record_decision(held.meeting, held.item, decision_data(votes_against="0"), None)
    content = services.content(held.meeting, _draft(setting))
    names = {key: seat.name for key, seat in held.seats.items()}
    assert names["chair"] in content["attendance"]["present"]
    assert content["attendance"]["apologies"] == [names["trust"]]
    assert content["opening"] == "The chair welcomed everyone."
    item = next(i for i in content["items"] if i["id"] == held.item.id)
    assert item["summary"] == "The board discussed winter demand."
    assert item["quorum"] and "quorate" in item["quorum"].lower()
    assert [d["reference"] for d in item["decisions"]] == [decision.reference]
    assert [i["title"] for i in content["items"] if i["confidential"]] == ["Practice merger"]


def _declare(setting, seat_key, item, management):
    held = setting.held
    data = {**INTEREST, "agenda_item_id": str(item.id), "board_member_id": str(held.seats[seat_key].id),
            "management": management, "declaration_id": "", "note": "Left the room at 10:40."}
    return at_meetings.record_declaration(held.network, held.meeting, data, None)


def test_declarations_and_how_they_were_managed_are_prefilled_and_left_out_when_confidential(setting):
    held = setting.held
    _declare(setting, "gp", held.item, "leaves")
    _declare(setting, "gp2", held.other, "no_vote")
    content = services.content(held.meeting, _draft(setting))
    by_name = {d["name"]: d for d in content["declarations"]}
    gp = by_name[held.seats["gp"].name]
    assert gp["item"].endswith("Winter access plan") and "Partner in a GP practice" in gp["interest"]
    assert gp["managed"] == "Leaves the meeting for the item. Left the room at 10:40."
    assert held.seats["gp2"].name in by_name
    public = services.public_content(content)
    assert [d["name"] for d in public["declarations"]] == [held.seats["gp"].name]
    words = pdf_text(services.draft_pdf(held.network, held.meeting, services.minutes_of(held.meeting)))
    assert "Leaves the meeting for the item" in words


def test_a_meeting_not_yet_held_has_no_minutes(setting):
    future = factories.make_meeting(setting.held.board)
    with pytest.raises(ServiceError, match="once the meeting has been held"):
        services.save_minutes(future, {}, None, None)


def test_an_edit_from_an_old_version_is_a_conflict(setting):
    minutes = _draft(setting)
    db.session.commit()
    tenancy.activate(setting.held.network.id)
    services.save_minutes(setting.held.meeting, {"opening": "First"}, minutes.version, None)
    db.session.commit()
    tenancy.activate(setting.held.network.id)
    with pytest.raises(EditConflict):
        services.save_minutes(setting.held.meeting, {"opening": "Second"}, minutes.version - 1, None)
    with pytest.raises(EditConflict):  # opened before a colleague started the minutes
        services.save_minutes(setting.held.meeting, {"opening": "Third"}, "", None)


def test_a_summary_that_is_too_long_is_refused(setting):
    with pytest.raises(ServiceError) as error:
        _draft(setting, opening="x" * 20_001)
    assert "20,000 characters or fewer" in str(error.value.problems[0].message)


def test_circulating_mails_the_board_with_the_draft_pdf(setting):
    minutes = _draft(setting)
    sent = services.circulate(setting.held.network, minutes, None)
    assert sent == len(setting.held.seats) and minutes.status == MinutesStatus.CIRCULATED
    mail = db.session.execute(select(OutboxMessage)).scalars().all()
    assert {m.template for m in mail} == {"minutes_circulated"} and len(mail) == sent
    assert "Draft minutes of November board meeting" in mail[0].subject
    attachment = db.session.execute(select(OutboxAttachment)).scalars().first()
    words = pdf_text(attachment.content)
    assert "DRAFT" in words and "The board discussed winter demand." in words


def test_the_draft_pdf_is_watermarked(setting):
    words = pdf_text(services.draft_pdf(setting.held.network, setting.held.meeting, _draft(setting)))
    assert "DRAFT" in words and "Winter access plan" in words


def test_minutes_are_approved_only_once_circulated_and_by_a_later_decision(setting):
    held = setting.held
    minutes = _draft(setting)
    with pytest.raises(ServiceError, match="Circulate the draft"):
        services.approve(held.network, minutes, setting.approving.id, None)
    services.circulate(held.network, minutes, None)
    own = records.record_decision(held.meeting, held.item, decision_data(votes_against="0"), None)
    for wrong in (own.id, "", "abc", 999999):
        with pytest.raises(ServiceError, match="Choose the decision"):
            services.approve(held.network, minutes, wrong, None)
    assert [d.id for d in services.approving_choices(held.meeting)] == [setting.approving.id]


def test_approval_locks_the_minutes_and_the_meetings_decisions(setting):
    held = setting.held
    approved = _approved(setting)
    summaries = {i["id"]: i["summary"] for i in approved.content["items"]}
    assert summaries[held.item.id] == "The board discussed winter demand."
    assert db.session.execute(select(MeetingDecisionsLock.meeting_id)).scalars().all() == [held.meeting.id]
    with pytest.raises(ServiceError, match="decisions are locked"):
        records.record_decision(held.meeting, held.item, decision_data(votes_against="0"), None)
    with pytest.raises(ServiceError, match="approved, so they can no longer be changed"):
        _draft(setting)
    with pytest.raises(ServiceError, match="approved"):
        services.circulate(held.network, services.minutes_of(held.meeting), None)
    with pytest.raises(ServiceError, match="already been approved"):
        services.approve(held.network, services.minutes_of(held.meeting), setting.approving.id, None)


def test_approval_issues_the_minutes_and_a_public_version_without_confidential_items(setting):
    approved = _approved(setting)
    documents = services.documents_of(approved)
    assert set(documents) == {services.KIND, services.PUBLIC_KIND}
    full = pdf_text(documents[services.KIND].pdf)
    public = pdf_text(documents[services.PUBLIC_KIND].pdf)
    assert "Practice merger" in full and "The merger was discussed in private." in full
    assert "Practice merger" not in public and "discussed in private" not in public
    assert "Winter access plan" in public and "DRAFT" not in public and "DRAFT" not in full
    assert "governance record stood at entry" in full
    content = services.public_content(approved.content)
    assert all(not item["confidential"] for item in content["items"]) and content["withheld"] == 1


def test_approved_minutes_are_append_only_in_the_database(setting):
    approved = _approved(setting)
    db.session.commit()
    tenancy.activate(setting.held.network.id)
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE approved_minutes SET decision_id = decision_id WHERE id = :id"),
                           {"id": approved.id})
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM approved_minutes WHERE id = :id"), {"id": approved.id})
    db.session.rollback()


def test_the_approval_is_on_the_ledger_and_an_sql_edit_is_caught(setting):
    approved = _approved(setting)
    db.session.commit()
    network_id = setting.held.network.id
    tenancy.activate(network_id)
    entries = db.session.execute(select(ledger.LedgerEntry).where(
        ledger.LedgerEntry.subject_type == "ApprovedMinutes")).scalars().all()
    assert [e.event for e in entries] == ["minutes.approved"]
    assert ledger.verify(network_id).ok
    factories.drop_append_only_guard("approved_minutes")
    db.session.execute(text("UPDATE approved_minutes SET content = :c WHERE id = :id"),
                       {"c": '{"items": []}', "id": approved.id})
    db.session.commit()
    result = ledger.verify(network_id)
    assert not result.ok and result.broken.subject_type == "ApprovedMinutes"
    assert result.broken.subject_id == approved.id


def test_readers_outside_the_board_see_only_the_approved_public_version(setting):
    held = setting.held
    _draft(setting)
    manager, observer = Viewer(None, "board_secretary", True), Viewer(None, "observer", False)
    assert pages.minutes_page(held.meeting, manager).content is not None
    assert pages.minutes_page(held.meeting, observer).content is None
    _approve_drafted(setting)
    page = pages.minutes_page(held.meeting, observer)
    assert "Practice merger" not in [i["title"] for i in page.content["items"]]
    assert set(page.documents) == {services.PUBLIC_KIND}
    assert "Practice merger" in [i["title"] for i in pages.minutes_page(held.meeting, manager).content["items"]]


def _approve_drafted(setting):
    minutes = services.minutes_of(setting.held.meeting)
    services.circulate(setting.held.network, minutes, None)
    services.approve(setting.held.network, minutes, setting.approving.id, None)


def test_the_board_list_has_a_status_per_held_meeting(setting, app):
    _draft(setting)
    with app.test_request_context("/"):
        rows = db.session.execute(services.board_minutes_query(setting.held.board.id)).all()
    statuses = {meeting.id: services.status_of(status) for meeting, status in rows}
    assert statuses == {setting.later.id: MinutesStatus.NONE, setting.held.meeting.id: MinutesStatus.DRAFT}
    assert db.session.execute(select(func.count(ApprovedMinutes.id))).scalar() == 0
    assert db.session.execute(select(func.count(IssuedDocument.id))).scalar() == 0


# Corrections to approved minutes ------------------------------------------------------------------

def _correcting(setting, **kw):
    """A second approved decision of the later meeting: the board agrees to correct the minutes."""
    item = factories.make_item(setting.later, title="Correction to the minutes", purpose="decision")
    data = {"title": "Correct the minutes of 19 November", "resolution": "The board agrees the correction.",
            "votes_against": "0", **kw}
    return records.record_decision(setting.later, item, decision_data(**data), None)


def _correction_data(setting, decision, **kw):
    data = {"section": f"item-{setting.held.item.id}", "passage": "The board discussed winter demand.",
            "corrected_wording": "The board discussed winter demand and the flu clinics.",
            "reason": "The flu clinics were left out.", "decision": str(decision.id)}
    data.update(kw)
    return data


def test_a_correction_is_recorded_after_the_approved_text_and_the_minutes_issued_again(setting):
    from governance.minutes import corrections

    approved = _approved(setting)
    first_issue = services.documents_of(approved)
    decision = _correcting(setting)
    correction = corrections.record_correction(setting.held.network, approved, _correction_data(setting, decision),
                                               setting.held.secretary.user)
    assert correction.section_title.endswith(". Winter access plan")
    assert not correction.confidential and correction.recorded_by_id == setting.held.secretary.user.id
    item = next(i for i in approved.content["items"] if i["id"] == setting.held.item.id)
    assert item["summary"] == "The board discussed winter demand."  # the approved text is unchanged
    assert corrections.corrections_of(approved) == [correction]
    documents = services.documents_of(approved)
    assert documents[services.KIND].id > first_issue[services.KIND].id  # issued again: the latest counts
    full, public = pdf_text(documents[services.KIND].pdf), pdf_text(documents[services.PUBLIC_KIND].pdf)
    for words in (full, public):
        assert "Corrections" in words and "the flu clinics" in words and decision.reference in words
        assert words.index("Corrections") > words.index("The board discussed winter demand.")
    page = pages.minutes_page(setting.held.meeting, Viewer(None, "observer", False))
    assert [c["corrected"] for c in page.corrections] == ["The board discussed winter demand and the flu clinics."]


def test_a_correction_to_a_confidential_item_stays_out_of_the_public_version(setting):
    from governance.minutes import corrections

    approved = _approved(setting)
    decision = _correcting(setting)
    corrections.record_correction(setting.held.network, approved, _correction_data(
        setting, decision, section=f"item-{setting.held.other.id}", passage="The merger was discussed in private.",
        corrected_wording="The merger was discussed in private and deferred."), None)
    documents = services.documents_of(approved)
    assert "deferred" in pdf_text(documents[services.KIND].pdf)
    assert "deferred" not in pdf_text(documents[services.PUBLIC_KIND].pdf)
    observer = pages.minutes_page(setting.held.meeting, Viewer(None, "observer", False))
    manager = pages.minutes_page(setting.held.meeting, Viewer(None, "board_secretary", True))
    assert observer.corrections == [] and len(manager.corrections) == 1 and manager.can_correct


def test_a_bad_correction_is_refused_with_every_problem_at_once(setting):
    from governance.minutes import corrections

    approved = _approved(setting)
    with pytest.raises(ServiceError) as raised:
        corrections.record_correction(setting.held.network, approved, {
            "section": "item-999999", "passage": "", "corrected_wording": "", "reason": "x" * 2001,
            "decision": str(setting.approving.id)}, None)  # the approving decision cannot also correct
    assert {p.field for p in raised.value.problems} == {"section", "passage", "corrected_wording", "reason",
                                                        "decision"}
    decision = _correcting(setting)
    with pytest.raises(ServiceError, match="must differ"):
        corrections.record_correction(setting.held.network, approved, _correction_data(
            setting, decision, corrected_wording="The board discussed winter demand."), None)
    assert corrections.corrections_of(approved) == []


def test_a_correction_needs_a_later_meeting_s_approved_decision(setting):
    from governance.minutes import corrections

    approved = _approved(setting)
    rejected = _correcting(setting, outcome="rejected", votes_for="1", votes_against="3")
    with pytest.raises(ServiceError, match="later meeting of the board that agreed"):
        corrections.record_correction(setting.held.network, approved, _correction_data(setting, rejected), None)


def test_corrections_are_append_only_in_the_database_and_on_the_ledger(setting):
    from governance.minutes import corrections

    approved = _approved(setting)
    correction = corrections.record_correction(setting.held.network, approved,
                                               _correction_data(setting, _correcting(setting)), None)
    db.session.commit()
    network_id = setting.held.network.id
    tenancy.activate(network_id)
    for statement in ("UPDATE minutes_corrections SET reason = 'Nothing' WHERE id = :id",
                      "DELETE FROM minutes_corrections WHERE id = :id"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement), {"id": correction.id})
        db.session.rollback()
    events = db.session.execute(select(ledger.LedgerEntry.event).order_by(ledger.LedgerEntry.sequence)).scalars().all()
    assert "minutes.corrected" in events and events[-2:] == ["document.issued", "document.issued"]
    assert ledger.verify(network_id).ok
    factories.drop_append_only_guard("minutes_corrections")
    db.session.execute(text("UPDATE minutes_corrections SET corrected_wording = 'Rewritten' WHERE id = :id"),
                       {"id": correction.id})
    db.session.commit()
    result = ledger.verify(network_id)
    assert not result.ok and result.broken.subject_type == "MinutesCorrection"


def test_a_declaration_corrected_after_approval_leaves_the_approved_minutes_as_they_were(setting):
    from governance.declarations import corrections as declaration_corrections

    held = setting.held
    row = _declare(setting, "gp", held.item, "takes_part")
    approved = _approved(setting)
    assert at_meetings.minutes_approved_on(held.meeting) is not None
    assert at_meetings.meeting_page(held.meeting).minutes_approved_on == at_meetings.minutes_approved_on(held.meeting)
    declaration_corrections.correct_meeting_declaration(row, {"agenda_item_id": str(held.item.id),
                                                              "management": "leaves", "reason": "Recorded wrongly"},
                                                        None)
    db.session.refresh(approved)
    assert approved.content["declarations"][0]["managed"].startswith("Takes part")
    assert services.content(held.meeting, services.minutes_of(held.meeting))["declarations"][0]["managed"].startswith(
        "Leaves")
