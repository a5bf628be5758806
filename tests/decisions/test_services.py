"""The rules of decisions and actions: numbering, quorum, exclusions, votes, chair's actions, written
resolutions, supersession, append-only records, the ledger, and the logs' query counts."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from governance.core import ledger, tenancy
from governance.core.errors import ServiceError
from governance.core.ledger import LedgerEntry
from governance.core.outbox import OutboxMessage
from governance.decisions import actions, logs, records, resolutions
from governance.decisions.models import ActionUpdate, Decision, ResolutionStatus
from governance.extensions import db
from governance.meetings import hooks
from governance.meetings.access import Viewer
from tests import factories
from tests.decisions.conftest import decision_data, make_held

EVERYONE = Viewer(None, None, True)


def _decide(held, item=None, **kw):
    return records.record_decision(held.meeting, item or held.item, decision_data(**kw), None)


def _problems(error) -> list[str]:
    return [p.message for p in getattr(error.value, "problems", [error.value])]


# Numbering --------------------------------------------------------------------------------------

def test_references_run_per_network_and_year_without_gaps(held):
    first, second = _decide(held), _decide(held, title="Second")
    assert (first.reference, second.reference) == ("RIV-2026-001", "RIV-2026-002")
    db.session.commit()
    tenancy.activate(held.network.id)
    with pytest.raises(ServiceError):
        _decide(held, title="")  # refused before a number is taken
    db.session.rollback()
    tenancy.activate(held.network.id)
    earlier = records.record_chairs_action(held.board, {**decision_data(), "decided_on": date(2025, 12, 1)}, None)
    assert earlier.reference == "RIV-2025-001"
    assert _decide(held, title="Third").reference == "RIV-2026-003"


def test_two_decisions_saved_at_once_get_consecutive_numbers(app, held):
    board_id, network_id = held.board.id, held.network.id
    tenancy.activate(None)
    db.session.commit()
    barrier, made, errors = threading.Barrier(2), [], []

    def save(title):
        with app.app_context():
            try:
                tenancy.activate(network_id)
                board = db.session.get(type(held.board), board_id)
                barrier.wait()
                decision = records.record_chairs_action(
                    board, {**decision_data(title=title), "decided_on": date(2026, 11, 20)}, None)
                made.append(decision.reference)
                db.session.commit()
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(f"Urgent {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(made) == ["RIV-2026-001", "RIV-2026-002"]
    tenancy.activate(network_id)
    assert db.session.execute(select(func.count(Decision.id))).scalar() == 2


# Quorum, exclusions, votes ---------------------------------------------------------------------

def test_an_item_that_is_not_quorate_is_refused_with_the_reason(network):
    held = make_held(network, attend=False)
    tenancy.activate(network.id)
    factories.make_attendance(held.meeting, held.seats["trust"])
    factories.make_attendance(held.meeting, held.seats["gp"])
    with pytest.raises(ServiceError) as error:
        _decide(held)
    assert "not quorate" in error.value.message
    assert "neither the chair nor the vice-chair is present" in error.value.message


def test_no_attendance_means_no_decision(network):
    held = make_held(network, attend=False)
    tenancy.activate(network.id)
    with pytest.raises(ServiceError, match="Record the meeting's attendance first"):
        _decide(held)


def test_a_member_excluded_by_a_declared_conflict_cannot_vote(held):
    gp = held.seats["gp"]

    def provider(meeting):
        return {held.item.id: {gp.id: f"{gp.name} may speak but not vote: a partner in the practice"}}

    hooks.register_vote_exclusions(provider)
    try:
        with pytest.raises(ServiceError) as error:
            _decide(held, by_name=True, named={gp.id: "for", held.seats["chair"].id: "for"})
        assert any("may not vote on this item" in p for p in _problems(error))
        db.session.rollback()
        tenancy.activate(held.network.id)
        decision = _decide(held, by_name=True, named={held.seats["chair"].id: "for", held.seats["trust"].id: "for",
                                                      held.seats["gp2"].id: "against"})
        assert (decision.votes_for, decision.votes_against) == (2, 1)
        assert decision.excluded == [{"seat": gp.id, "name": gp.name, "why": provider(None)[held.item.id][gp.id]}]
        with pytest.raises(ServiceError, match="More votes are recorded than the 3 voting members"):
            _decide(held, votes_for="4", votes_against="0")
    finally:
        hooks._VOTE_EXCLUSIONS.remove(provider)


def test_the_casting_vote_is_needed_on_a_tie_and_only_then(held):
    with pytest.raises(ServiceError, match="record the chair's casting vote"):
        _decide(held, votes_for="2", votes_against="2")
    db.session.rollback()
    tenancy.activate(held.network.id)
    decision = _decide(held, votes_for="2", votes_against="2", casting_vote="for")
    assert decision.casting_vote == "for" and "casting vote" in decision.votes_words
    with pytest.raises(ServiceError, match="only when the votes are tied"):
        _decide(held, votes_for="3", votes_against="1", casting_vote="for")


@pytest.mark.parametrize("values, message", [
    ({"outcome": "approved", "votes_for": "1", "votes_against": "3"}, "cannot be approved"),
    ({"outcome": "won"}, "Select the outcome"),
    ({"votes_for": "lots"}, "Votes for must be a whole number"),
    ({"title": "x" * 301}, "Title must be 300 characters or fewer"),
    ({"resolution": ""}, "Enter the resolution"),
    ({"effective_on": date(2026, 12, 1), "review_on": date(2026, 11, 1)}, "review date must be on or after"),
    ({"relation": "supersedes", "related_reference": "RIV-2020-001"}, "There is no decision RIV-2020-001"),
    ({"partner_ids": [999_999]}, "Choose partners and MOUs of this network"),
])
def test_bad_decisions_are_refused_in_words(held, values, message):
    with pytest.raises(ServiceError) as error:
        _decide(held, **values)
    assert any(message in p for p in _problems(error))


def test_a_meeting_not_yet_held_or_cancelled_decides_nothing(held):
    future = factories.make_meeting(held.board)
    item = factories.make_item(future, title="Later")
    with pytest.raises(ServiceError, match="once the meeting has started"):
        records.record_decision(future, item, decision_data(), None)


def test_what_a_decision_affects_is_kept(held):
    partner = factories.make_partner(held.network, name="Riverside Pharmacy")
    decision = _decide(held, partner_ids=[partner.id])
    assert decision.affects == [{"kind": "partner", "id": partner.id, "name": "Riverside Pharmacy"}]


# Chair's actions, supersession, locking --------------------------------------------------------

def test_a_chairs_action_is_pending_until_a_meeting_ratifies_it(held):
    action = records.record_chairs_action(held.board, {**decision_data(), "decided_on": date(2026, 11, 2)}, None)
    assert "Taken by" in action.quorum_words and action.route == "chairs_action"
    assert records.pending_chairs_actions(held.board.id) == [action]
    ratifying = _decide(held, title="Ratify the chair's action", relation="ratifies",
                        related_reference=action.reference.lower())
    assert ratifying.related_id == action.id
    assert records.pending_chairs_actions(held.board.id) == []
    with pytest.raises(ServiceError, match="already been ratified"):
        _decide(held, relation="ratifies", related_reference=action.reference)
    events = db.session.execute(select(LedgerEntry.event).order_by(LedgerEntry.sequence)).scalars().all()
    assert "chairs_action.ratified" in events


def test_only_a_chairs_action_can_be_ratified(held):
    plain = _decide(held)
    with pytest.raises(ServiceError, match="is not a chair's action"):
        _decide(held, relation="ratifies", related_reference=plain.reference)


def test_a_superseding_decision_names_the_one_it_replaces_and_both_pages_show_it(held):
    first = _decide(held)
    second = _decide(held, title="Revised plan", relation="supersedes", related_reference=first.reference)
    assert second.related.reference == first.reference
    assert logs.followed_by([first])[first.id] == [second]
    assert logs.is_superseded(first.id)
    from governance.decisions import pages

    page = pages.decision_page(first)
    assert page.superseded_by == second
    with pytest.raises(ServiceError, match="already been superseded"):
        _decide(held, relation="supersedes", related_reference=first.reference)


def test_locking_a_meetings_decisions_refuses_more_and_is_on_the_ledger(held):
    decision = _decide(held)
    records.lock_meeting_decisions(held.meeting, None)
    assert records.lock_meeting_decisions(held.meeting, None) is not None  # twice is harmless
    with pytest.raises(ServiceError, match="decisions are locked"):
        _decide(held, title="Late addition")
    entry = ledger.head(held.network.id)
    assert entry.event == "decisions.locked" and entry.content["decisions"] == [decision.reference]


def test_decisions_are_append_only_in_the_database(held):
    decision = _decide(held)
    db.session.commit()
    tenancy.activate(held.network.id)
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE decisions SET title = 'Changed' WHERE id = :id"), {"id": decision.id})
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM decisions WHERE id = :id"), {"id": decision.id})
    db.session.rollback()


# The ledger ------------------------------------------------------------------------------------

def test_the_ledger_verifies_and_names_a_decision_changed_with_sql(held):
    _decide(held)
    tampered = _decide(held, title="To be tampered with")
    db.session.commit()
    assert ledger.verify(held.network.id).ok
    factories.drop_append_only_guard("decisions")
    db.session.execute(text("UPDATE decisions SET outcome = 'rejected' WHERE id = :id"), {"id": tampered.id})
    db.session.commit()
    result = ledger.verify(held.network.id)
    assert not result.ok
    assert result.broken.subject_id == tampered.id and result.broken.subject_type == "Decision"
    assert "has been changed in the database" in result.problem
    assert logs.verified_head(held.network.id).check is None  # pages never walk the chain themselves
    ledger.check_all()
    head = logs.verified_head(held.network.id)
    assert not head.check.ok and head.check.broken_sequence == result.broken.sequence
    assert "has been changed in the database" in head.check.problem


# Written resolutions ---------------------------------------------------------------------------

def _member(held, key):
    return held.seats[key].membership


def _resolution(held):
    return resolutions.circulate(held.board, decision_data(title="Extend the pharmacy pilot"), None)


def test_a_written_resolution_goes_to_the_voting_members_of_the_day(held):
    resolution = _resolution(held)
    assert len(resolution.voters) == 4 and resolution.needed == 3
    assert resolution.closes_at - resolution.circulated_at == timedelta(days=28)
    mail = db.session.execute(select(OutboxMessage.to_address)).scalars().all()
    assert sorted(mail) == sorted(_member(held, k).user.email for k in ("chair", "gp", "gp2", "trust"))


def test_it_passes_when_more_than_half_agree_and_records_the_decision(held):
    resolution = _resolution(held)
    resolutions.cast_vote(resolution, _member(held, "chair"), "for", _member(held, "chair").user)
    resolutions.cast_vote(resolution, _member(held, "gp"), "against", _member(held, "gp").user)
    resolutions.cast_vote(resolution, _member(held, "gp2"), "for", _member(held, "gp2").user)
    assert resolution.is_open  # 2 of 4 agree: not more than half
    resolutions.cast_vote(resolution, _member(held, "trust"), "for", _member(held, "trust").user)
    assert resolution.status == ResolutionStatus.PASSED
    decision = resolution.decision
    assert (decision.route, decision.outcome, decision.votes_for, decision.votes_against) == \
        ("written_resolution", "approved", 3, 1)
    assert {v["name"] for v in decision.named_votes} == {s.name for k, s in held.seats.items() if k != "observer"}
    events = db.session.execute(select(LedgerEntry.event).order_by(LedgerEntry.sequence)).scalars().all()
    assert events.count("written_resolution.vote") == 4 and "decision.recorded" in events
    assert ledger.verify(held.network.id).ok


def test_it_fails_once_too_few_can_still_agree(held):
    resolution = _resolution(held)
    for key in ("chair", "gp"):
        resolutions.cast_vote(resolution, _member(held, key), "against", _member(held, key).user)
    assert resolution.status == ResolutionStatus.NOT_PASSED and resolution.decision.outcome == "rejected"


def test_votes_are_refused_from_outsiders_twice_and_after_closing(held):
    resolution = _resolution(held)
    observer = _member(held, "observer")
    with pytest.raises(ServiceError, match="Only the voting members"):
        resolutions.cast_vote(resolution, observer, "for", observer.user)
    chair = _member(held, "chair")
    resolutions.cast_vote(resolution, chair, "for", chair.user)
    with pytest.raises(ServiceError, match="already voted"):
        resolutions.cast_vote(resolution, chair, "against", chair.user)
    with pytest.raises(ServiceError, match="Select whether you agree"):
        resolutions.cast_vote(resolution, _member(held, "gp"), "maybe", chair.user)


def test_a_member_who_joins_later_does_not_vote(held):
    resolution = _resolution(held)
    newcomer = factories.make_seat(held.board, from_date=date(2026, 11, 23))
    with pytest.raises(ServiceError, match="Only the voting members"):
        resolutions.cast_vote(resolution, newcomer.membership, "for", newcomer.membership.user)


def test_it_lapses_after_28_days_on_read_and_by_the_periodic_task(held, frozen_clock):
    first, second = _resolution(held), _resolution(held)
    chair = _member(held, "chair")
    resolutions.cast_vote(first, chair, "for", chair.user)
    db.session.commit()
    frozen_clock.shift(timedelta(days=27, hours=23))
    tenancy.activate(held.network.id)
    assert not resolutions.settle_if_due(first)
    frozen_clock.shift(timedelta(hours=2))
    assert resolutions.settle_if_due(first) and first.status == ResolutionStatus.LAPSED
    with pytest.raises(ServiceError, match="Voting has closed"):
        resolutions.cast_vote(first, _member(held, "gp"), "for", chair.user)
    db.session.rollback()
    tenancy.activate(None)
    assert resolutions.lapse_written_resolutions.call_local() == 2  # neither lapse was committed above
    tenancy.activate(held.network.id)
    assert db.session.get(type(second), second.id).status == ResolutionStatus.LAPSED
    assert db.session.execute(select(func.count(Decision.id))).scalar() == 0
    events = db.session.execute(select(LedgerEntry.event)).scalars().all()
    assert events.count("written_resolution.lapsed") == 2


# Actions ---------------------------------------------------------------------------------------

def _action(held, owner=None, due=date(2026, 12, 31), decision=None):
    owner = owner or _member(held, "gp")
    return actions.create_action(held.meeting if decision is None else None, held.item if decision is None else None,
                                 decision, {"description": "Write the winter plan", "owner_id": owner.id,
                                            "due_on": due}, None)


def test_an_owner_updates_their_action_and_others_cannot(held):
    action = _action(held)
    gp, chair = _member(held, "gp"), _member(held, "chair")
    with pytest.raises(ServiceError, match="Only the action's owner"):
        actions.record_progress(action, {"status": "done"}, chair.user, membership=chair, manages=False)
    actions.record_progress(action, {"status": "in_progress", "note": "Drafted"}, gp.user, membership=gp,
                            manages=False)
    assert action.status == "in_progress" and action.completed_on is None
    actions.record_progress(action, {"status": "done", "note": "Sent to the board"}, gp.user, membership=gp,
                            manages=False)
    assert action.status == "done" and action.completed_on == date(2026, 11, 23)
    assert db.session.execute(select(func.count(ActionUpdate.id))).scalar() == 2
    with pytest.raises(ServiceError, match="Enter what has happened"):
        actions.record_progress(action, {"status": "done"}, gp.user, membership=gp, manages=False)


def test_an_action_arising_from_a_decision_and_bad_input(held):
    decision = _decide(held)
    action = _action(held, decision=decision)
    assert (action.decision_id, action.meeting_id, action.agenda_item_id) == (decision.id, held.meeting.id,
                                                                               held.item.id)
    with pytest.raises(ServiceError) as error:
        actions.create_action(held.meeting, None, None, {"description": "", "owner_id": None, "due_on": None}, None)
    assert _problems(error) == ["Enter what needs to be done", "Choose who owns the action",
                                "Enter the date the action is due by"]


def test_overdue_actions_are_counted_and_filtered(held):
    gp = _member(held, "gp")
    _action(held, due=date(2026, 11, 1))
    _action(held, due=date(2026, 12, 1))
    assert logs.overdue_count(gp) == (2, 1)
    overdue = db.session.execute(logs.actions_query(logs.ActionFilters(status="overdue"))).scalars().all()
    assert [a.due_on for a in overdue] == [date(2026, 11, 1)] and overdue[0].is_overdue


# The logs: filters, confidentiality, CSV, query counts -----------------------------------------

def test_the_decision_log_filters_and_hides_confidential_items_from_others(held):
    _decide(held, title="Open decision")
    _decide(held, item=held.other, title="Merger terms", outcome="deferred", votes_for="", votes_against="")

    def titles(filters, reader=EVERYONE):
        return [d.title for d in db.session.execute(logs.decisions_query(filters, reader)).scalars()]

    assert titles(logs.DecisionFilters()) == ["Merger terms", "Open decision"]
    assert titles(logs.DecisionFilters(outcome="deferred")) == ["Merger terms"]
    assert titles(logs.DecisionFilters(words="MERGER")) == ["Merger terms"]
    assert titles(logs.DecisionFilters(words="100%")) == []
    assert titles(logs.DecisionFilters(start=date(2026, 11, 20))) == []
    outsider = Viewer(1, "board_member", False, [])
    assert titles(logs.DecisionFilters(), outsider) == ["Open decision"]
    assert titles(logs.DecisionFilters(), Viewer(1, "board_member", False, [held.seats["gp"]])) == \
        ["Merger terms", "Open decision"]


def test_the_csv_cannot_run_formulas(held):
    _decide(held, title="=HYPERLINK(\"http://evil\")", reasons="+1", options_considered="@SUM(A1)")
    body = logs.decisions_csv(logs.DecisionFilters(), EVERYONE)
    assert "'=HYPERLINK" in body and ",'+1," in body and "'@SUM(A1)" in body
    assert body.splitlines()[0].startswith("Reference,Date,Board or committee")


def _log_queries(held, count_queries) -> int:
    db.session.commit()
    tenancy.activate(held.network.id)
    db.session.expire_all()
    with count_queries() as counter:
        page = db.session.execute(logs.decisions_query(logs.DecisionFilters(), EVERYONE).limit(20)).scalars().all()
        followed = logs.followed_by(page)
        _ = [(d.board.name, d.meeting and d.meeting.title, d.related and d.related.reference,
              len(followed.get(d.id, []))) for d in page]
        listed = db.session.execute(logs.actions_query(logs.ActionFilters()).limit(20)).scalars().all()
        _ = [(a.board.name, a.owner_name, a.decision and a.decision.reference, a.item and a.item.title)
             for a in listed]
    return counter.count


def test_the_logs_take_a_fixed_number_of_queries_at_two_sizes(held, count_queries):
    first = _decide(held)
    counts = []
    for size in (2, 14):
        for n in range(size):
            tenancy.activate(held.network.id)
            decision = _decide(held, title=f"Decision {n}", relation="amends", related_reference=first.reference)
            _action(held, decision=decision, owner=_member(held, "gp" if n % 2 else "trust"))
        counts.append(_log_queries(held, count_queries))
    assert counts[0] == counts[1] <= 12


# A partner's membership change cites the decision that approved it --------------------------------

def test_a_membership_change_citing_a_decision_links_to_it(held):
    from governance.partners import services as partner_services

    decision = _decide(held)
    partner = factories.make_partner(held.network)
    change = partner_services.record_status_change(partner, "left", date(2026, 12, 1), None,
                                                   decision_reference=f"  {decision.reference.lower()} ")
    assert (change.decision_id, change.decision_reference) == (decision.id, decision.reference)
    kept = partner_services.record_status_change(partner, "active", date(2027, 1, 1), None,
                                                 decision_reference="Board minute 2025/03")
    assert (kept.decision_id, kept.decision_reference) == (None, "Board minute 2025/03")
    with pytest.raises(ServiceError, match="There is no decision RIV-2026-999 in this network"):
        partner_services.record_status_change(partner, "left", date(2027, 2, 1), None,
                                              decision_reference="riv-2026-999")


def test_a_decision_of_another_network_is_never_linked(held):
    from governance.partners import services as partner_services

    decision = _decide(held)
    db.session.commit()
    other = factories.make_network()
    tenancy.activate(other.id)
    partner = factories.make_partner(other)
    with pytest.raises(ServiceError, match="There is no decision"):
        partner_services.record_status_change(partner, "left", date(2026, 12, 1), None,
                                              decision_reference=decision.reference)
