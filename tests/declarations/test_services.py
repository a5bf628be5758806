"""The register's rules: append-only versions, returns and when they are due, gifts in exact pence,
declarations at meetings and their effects on quorum, vote and papers, the ledger, the published register."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from governance.core import clock, ledger, tenancy
from governance.core.audit import AuditEntry
from governance.core.errors import ServiceError
from governance.declarations import at_meetings, duties, publishing, register
from governance.declarations.models import InterestDeclaration
from governance.extensions import db
from governance.meetings import agenda, attendance, hooks
from tests import factories
from tests.declarations.conftest import INTEREST


def _member(network):
    return factories.make_member(network, "board_member")


def test_an_update_is_a_new_version_and_the_old_stays_on_the_register(in_network):
    member = _member(in_network)
    first = register.declare_interest(in_network, member, INTEREST, None)
    second = register.update_interest(first, {**INTEREST, "description": "Partner and premises owner"}, None)
    rows = register.declarations_of([member.id])
    assert [r.id for r in rows] == [second.id, first.id] and second.replaces_id == first.id
    assert register.current_interests(rows, clock.today()) == [second]
    with pytest.raises(ServiceError, match="already been updated"):
        register.update_interest(first, INTEREST, None)
    ended = register.end_interest(second, clock.today() - timedelta(days=1), None)
    rows = register.declarations_of([member.id])
    assert register.current_interests(rows, clock.today()) == []
    assert register.past_interests(rows, clock.today()) == [ended]


def test_bad_interests_are_refused_with_every_problem_at_once(in_network):
    with pytest.raises(ServiceError) as raised:
        register.declare_interest(in_network, _member(in_network), {
            "category": "bribes", "description": "", "direct": "",
            "from_date": clock.today() + timedelta(days=2)}, None)
    fields = {problem.field for problem in raised.value.problems}
    assert fields == {"category", "description", "direct", "from_date"}


def test_the_database_refuses_to_change_or_delete_a_declaration(in_network):
    register.declare_interest(in_network, _member(in_network), INTEREST, None)
    db.session.commit()
    for statement in ("UPDATE interest_declarations SET description = 'Nothing'", "DELETE FROM interest_declarations"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
        db.session.rollback()


def test_a_nil_return_and_an_annual_confirmation_set_the_next_due_date(in_network, board_setup):
    seat = board_setup.seats["gp"]  # sits since 1 April 2025, has declared nothing
    member = seat.membership
    duty = duties.duty_of(member)
    assert duty.overdue and duty.due_on == date(2025, 4, 29)
    nil = register.annual_return(in_network, member, None)
    assert nil.kind == "nil" and duties.duty_of(member).due_on == date(2027, 11, 23)
    assert not duties.duty_of(member).due_soon
    with pytest.raises(ServiceError, match="already recorded today"):
        register.annual_return(in_network, member, None)
    register.declare_interest(in_network, member, INTEREST, None)
    assert register.annual_return(in_network, member, None).kind == "confirmed"
    observer = board_setup.seats["observer"].membership  # in attendance: not a decision-maker
    assert duties.duty_of(observer).due_on is None


def test_gifts_are_kept_in_exact_pence_and_bad_values_refused(in_network):
    member = _member(in_network)
    gift = register.declare_gift(in_network, member, {"received_on": clock.today(), "giver": "A supplier",
                                                      "description": "Dinner", "value": "£1,234.56",
                                                      "accepted": "declined"}, None)
    assert gift.value_pence == 123456 and not gift.accepted
    assert register.pence("0.1") == 10 and register.pence("12.345") is None and register.pence("-3") is None
    with pytest.raises(ServiceError) as raised:
        register.declare_gift(in_network, member, {"received_on": None, "giver": "", "description": "",
                                                   "value": "lots", "accepted": "maybe"}, None)
    assert {p.field for p in raised.value.problems} == {"received_on", "giver", "description", "value", "accepted"}


def _declare(network, meeting, seat, management, item_title="Finance report", entry=None):
    item = next(i for i in agenda.items_of(meeting) if i.title == item_title)
    data = {**INTEREST, "agenda_item_id": str(item.id), "board_member_id": str(seat.id), "management": management,
            "declaration_id": str(entry.id) if entry else ""}
    return item, at_meetings.record_declaration(network, meeting, data, None)


def test_a_member_who_leaves_is_not_counted_in_the_item_s_quorum_nor_in_its_vote(in_network, board_setup, meeting):
    for key, seat in board_setup.seats.items():
        factories.make_attendance(meeting, seat, "apologies" if key == "gp2" else "present")
    gp = board_setup.seats["gp"]
    item, row = _declare(in_network, meeting, gp, "leaves")
    assert row.declaration.membership_id == gp.membership_id  # a new interest went on the register
    assert hooks.exclusions(meeting)[item.id] == {gp.id: at_meetings.quorum_exclusions(meeting)[item.id][gp.id]}
    assert gp.id in hooks.vote_exclusions(meeting)[item.id]
    items = agenda.items_of(meeting)
    result = attendance.meeting_quorum(meeting, items, attendance.records_of(meeting), attendance.seats_for(meeting))
    assert not result.by_item[item.id].quorate  # two GP representatives needed, one left
    assert result.by_item[item.id].not_counted[0][0] == gp.name
    other = next(i for i in items if i.title == "Practice merger")
    assert result.by_item[other.id].quorate


@pytest.mark.parametrize("management, vote, quorum, papers", [
    ("takes_part", False, False, False), ("no_vote", True, False, False), ("leaves", True, True, False),
    ("no_papers", True, False, True)])
def test_each_way_of_managing_an_interest_has_its_effects(in_network, board_setup, meeting, management, vote, quorum,
                                                         papers):
    trust = board_setup.seats["trust"]
    item, _ = _declare(in_network, meeting, trust, management)
    assert (trust.id in hooks.vote_exclusions(meeting).get(item.id, {})) is vote
    assert (trust.id in hooks.exclusions(meeting).get(item.id, {})) is quorum
    assert (trust.id in hooks.withheld_papers(meeting).get(item.id, {})) is papers


def test_when_the_chair_is_conflicted_the_vice_chair_takes_the_item(in_network, board_setup, meeting):
    item, _ = _declare(in_network, meeting, board_setup.seats["chair"], "no_vote")
    notes = hooks.item_notes(meeting)[item.id]
    vice = board_setup.seats["gp2"]
    assert notes[0].startswith(f"{vice.name}, vice-chair, chairs this item")
    _declare(in_network, meeting, vice, "leaves")
    assert "the members present choose who chairs it" in hooks.item_notes(meeting)[item.id][0]


def test_a_declaration_at_a_meeting_is_checked(in_network, board_setup, meeting):
    outsider = factories.make_member(in_network)
    other_entry = register.declare_interest(in_network, outsider, INTEREST, None)
    with pytest.raises(ServiceError) as raised:
        at_meetings.record_declaration(in_network, meeting, {
            "agenda_item_id": "999999", "board_member_id": str(board_setup.seats["gp"].id),
            "declaration_id": str(other_entry.id), "management": "wave"}, None)
    assert {p.field for p in raised.value.problems} == {"agenda_item_id", "management", "declaration_id"}
    entry = register.declare_interest(in_network, board_setup.seats["gp"].membership, INTEREST, None)
    _declare(in_network, meeting, board_setup.seats["gp"], "no_vote", entry=entry)
    with pytest.raises(ServiceError, match="already declared"):
        _declare(in_network, meeting, board_setup.seats["gp"], "leaves", entry=entry)


def test_declarations_go_on_the_ledger_and_a_row_changed_with_sql_is_caught(in_network, board_setup, meeting):
    gp = board_setup.seats["gp"]
    entry = register.declare_interest(in_network, gp.membership, INTEREST, None)
    register.annual_return(in_network, gp.membership, None)
    register.declare_gift(in_network, gp.membership, {"received_on": clock.today(), "giver": "A supplier",
                                                      "description": "Pen", "value": "2", "accepted": "accepted"}, None)
    _declare(in_network, meeting, gp, "leaves", entry=entry)
    db.session.commit()
    result = ledger.verify(in_network.id)
    assert result.ok and result.checked == 4
    audited = db.session.execute(select(AuditEntry.entity_type).where(AuditEntry.action == "create")).scalars().all()
    assert {"InterestDeclaration", "GiftDeclaration", "MeetingDeclaration"} <= set(audited)
    assert [e.event for e in db.session.execute(select(ledger.LedgerEntry).order_by(ledger.LedgerEntry.sequence))
            .scalars()] == ["declaration.made", "declaration.confirmed", "gift.declared", "declaration.at_meeting"]
    factories.drop_append_only_guard("meeting_declarations")
    db.session.execute(text("UPDATE meeting_declarations SET management = 'takes_part'"))
    db.session.commit()
    result = ledger.verify(in_network.id)
    assert result.broken.sequence == 4
    assert result.problem == "the MeetingDeclaration it records has been changed in the database"


def test_the_published_register_leaves_out_withheld_entries_other_networks_and_non_decision_makers(
        in_network, board_setup):
    gp, trust = board_setup.seats["gp"], board_setup.seats["trust"]
    shown = register.declare_interest(in_network, gp.membership, INTEREST, None)
    hidden = register.declare_interest(in_network, gp.membership, {**INTEREST, "description": "Secret"}, None)
    register.withhold(hidden, "Would identify a patient", None)
    register.annual_return(in_network, trust.membership, None)
    register.declare_interest(in_network, factories.make_member(in_network), {**INTEREST, "description": "Not a "
                                                                               "decision-maker"}, None)
    other = factories.make_network(slug="other")
    tenancy.activate(other.id)
    register.declare_interest(other, factories.make_member(other), {**INTEREST, "description": "Elsewhere"}, None)
    tenancy.activate(in_network.id)
    rows = {row.duty.membership.id: row for row in publishing.published_rows()}
    assert [e.id for e in rows[gp.membership_id].interests] == [shown.id]
    assert rows[trust.membership_id].nil
    described = {e.description for row in rows.values() for e in row.interests}
    assert described == {"Partner in a GP practice"}
    assert set(rows) == {s.membership_id for key, s in board_setup.seats.items() if key != "observer"}
    assert publishing.is_published(in_network)
    publishing.set_published(in_network, False)
    assert not publishing.is_published(in_network)
    assert db.session.execute(select(InterestDeclaration).where(InterestDeclaration.withheld_reason != "")).scalar_one()


def test_the_meeting_page_keeps_back_the_details_of_a_withheld_entry(in_network, board_setup, meeting):
    gp = board_setup.seats["gp"]
    entry = register.withhold(register.declare_interest(in_network, gp.membership, INTEREST, None),
                              "Safety of a family member", None)
    item, _ = _declare(in_network, meeting, gp, "takes_part", entry=entry)
    note = hooks.item_notes(meeting)[item.id][0]
    assert "details withheld for a recorded reason" in note and "Partner in a GP practice" not in note


# Corrections ----------------------------------------------------------------------------------

GIFT = {"received_on": date(2026, 11, 2), "giver": "A supplier", "description": "Dinner", "value": "450.00",
        "accepted": "accepted"}


def test_a_gift_is_corrected_by_a_new_entry_that_points_at_it_once(in_network):
    from governance.declarations import corrections
    from governance.declarations.models import GiftDeclaration

    member = _member(in_network)
    first = register.declare_gift(in_network, member, GIFT, None)
    fixed = corrections.correct_gift(first, {**GIFT, "value": "45.00", "reason": "Typed £450 for £45"}, None)
    assert (fixed.corrects_id, fixed.value_pence, fixed.correction_reason) == (first.id, 4500, "Typed £450 for £45")
    assert fixed.declared_on == first.declared_on and first.value_pence == 45000  # the original stays as it was
    rows = register.gifts_of([member.id])
    assert corrections.current_gifts(rows) == [fixed] and corrections.corrections_among(rows) == {first.id: fixed}
    with pytest.raises(ServiceError, match="already been corrected"):
        corrections.correct_gift(first, {**GIFT, "reason": "Again"}, None)
    db.session.add(GiftDeclaration(network_id=in_network.id, membership_id=member.id, corrects_id=first.id,
                                   correction_reason="A fork", received_on=first.received_on, giver="x",
                                   description="x", value_pence=1, accepted=True, declared_on=first.declared_on))
    with pytest.raises(DatabaseError):  # one correction at most, whatever the service says
        db.session.flush()
    db.session.rollback()


def test_a_bad_gift_correction_is_refused_with_every_problem_at_once(in_network):
    from governance.declarations import corrections

    gift = register.declare_gift(in_network, _member(in_network), GIFT, None)
    with pytest.raises(ServiceError) as raised:
        corrections.correct_gift(gift, {"received_on": None, "giver": "", "description": "", "value": "lots",
                                        "accepted": "maybe", "reason": ""}, None)
    assert {p.field for p in raised.value.problems} == {"received_on", "giver", "description", "value", "accepted",
                                                        "reason"}
    with pytest.raises(ServiceError, match="says the same"):
        corrections.correct_gift(gift, {**GIFT, "reason": "No change"}, None)


def test_a_corrected_declaration_at_a_meeting_changes_the_quorum_and_the_vote(in_network, board_setup, meeting):
    from governance.declarations import corrections

    for key, seat in board_setup.seats.items():
        factories.make_attendance(meeting, seat, "apologies" if key == "gp2" else "present")
    gp = board_setup.seats["gp"]
    item, row = _declare(in_network, meeting, gp, "takes_part")
    assert gp.id not in hooks.vote_exclusions(meeting).get(item.id, {})
    fixed = corrections.correct_meeting_declaration(row, {"agenda_item_id": str(item.id), "management": "leaves",
                                                          "note": "", "reason": "The chair asked him to leave"}, None)
    assert at_meetings.declarations_at(meeting) == [fixed] and fixed.corrects_id == row.id
    assert gp.id in hooks.vote_exclusions(meeting)[item.id] and gp.id in hooks.exclusions(meeting)[item.id]
    items = agenda.items_of(meeting)
    result = attendance.meeting_quorum(meeting, items, attendance.records_of(meeting), attendance.seats_for(meeting))
    assert not result.by_item[item.id].quorate
    page = at_meetings.meeting_page(meeting)
    entry = next(e for e in page.items if e.item.id == item.id)
    assert entry.rows == [fixed] and entry.corrected == [(row, fixed)] and page.count == 1
    with pytest.raises(ServiceError, match="already been corrected"):
        corrections.correct_meeting_declaration(row, {"agenda_item_id": str(item.id), "management": "no_vote",
                                                      "reason": "x"}, None)
    other = next(i for i in items if i.title == "Practice merger")
    moved = corrections.correct_meeting_declaration(fixed, {"agenda_item_id": str(other.id), "management": "leaves",
                                                            "reason": "Declared on the merger, not the finance"}, None)
    assert item.id not in hooks.exclusions(meeting) and gp.id in hooks.exclusions(meeting)[other.id]
    assert moved.corrects_id == fixed.id


def test_a_bad_correction_at_a_meeting_is_refused_with_every_problem_at_once(in_network, board_setup, meeting):
    from governance.declarations import corrections

    item, row = _declare(in_network, meeting, board_setup.seats["gp"], "no_vote")
    with pytest.raises(ServiceError) as raised:
        corrections.correct_meeting_declaration(row, {"agenda_item_id": "999999", "management": "wave",
                                                      "note": "x" * 1001, "reason": ""}, None)
    assert {p.field for p in raised.value.problems} == {"agenda_item_id", "management", "note", "reason"}
    with pytest.raises(ServiceError, match="says the same"):
        corrections.correct_meeting_declaration(row, {"agenda_item_id": str(item.id), "management": "no_vote",
                                                      "reason": "Nothing"}, None)


def test_corrections_go_on_the_ledger_and_the_audit_trail(in_network, board_setup, meeting):
    from governance.declarations import corrections

    gp = board_setup.seats["gp"]
    gift = register.declare_gift(in_network, gp.membership, GIFT, None)
    corrections.correct_gift(gift, {**GIFT, "accepted": "declined", "reason": "It was declined"}, None)
    item, row = _declare(in_network, meeting, gp, "takes_part")
    corrections.correct_meeting_declaration(row, {"agenda_item_id": str(item.id), "management": "no_vote",
                                                  "reason": "Recorded wrongly"}, None)
    db.session.commit()
    events = [e.event for e in db.session.execute(select(ledger.LedgerEntry).order_by(ledger.LedgerEntry.sequence))
              .scalars()]
    assert events[-2:] == ["declaration.at_meeting", "declaration.at_meeting.corrected"]
    assert "gift.corrected" in events and ledger.verify(in_network.id).ok
    created = db.session.execute(select(AuditEntry.entity_type).where(AuditEntry.action == "create")).scalars().all()
    assert created.count("GiftDeclaration") == 2 and created.count("MeetingDeclaration") == 2
    factories.drop_append_only_guard("gift_declarations")
    db.session.execute(text("UPDATE gift_declarations SET correction_reason = 'Quietly changed' "
                            "WHERE corrects_id IS NOT NULL"))
    db.session.commit()
    assert ledger.verify(in_network.id).problem == "the GiftDeclaration it records has been changed in the database"


def test_a_declaration_corrected_after_the_minutes_are_approved_says_the_minutes_keep_the_original(
        in_network, board_setup, meeting, monkeypatch):
    monkeypatch.setattr(at_meetings, "_minutes_approved", [lambda m: date(2026, 11, 20)])
    assert at_meetings.meeting_page(meeting).minutes_approved_on == date(2026, 11, 20)
    monkeypatch.setattr(at_meetings, "_minutes_approved", [])
    assert at_meetings.meeting_page(meeting).minutes_approved_on is None
