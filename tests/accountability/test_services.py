"""Accountability rules: workstreams, exactly one Accountable with dated history, lead roles, gaps, people."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from governance.accountability import gaps, lead_roles, people, raci, workstreams
from governance.accountability.gaps import GapKind
from governance.accountability.lead_roles import RoleStatus
from governance.accountability.matrix import full_matrix
from governance.accountability.models import STANDARD_LEAD_ROLES, LeadRole, RaciRole, WorkstreamAssignment
from governance.accountability.pdfs import accountable_histories
from governance.core.audit import AuditEntry
from governance.core.errors import EditConflict, InputErrors, ServiceError
from governance.core.forms import NO_SUCH_RECORD
from governance.core.labels import saved_details
from governance.extensions import db
from tests import factories
from tests.accountability.conftest import outside

TODAY = date(2026, 11, 23)  # the frozen test clock
MARCH_1 = date(2026, 3, 1)


def fields(error: ServiceError) -> dict[str, str]:
    return {problem.field: problem.message for problem in getattr(error, "problems", [error])}


def accountable(workstream, partner=None, member=None, day=date(2026, 1, 5), actor=None, **kw):
    data = {"partner_id": partner and partner.id, "membership_id": member and member.id, "valid_from": day}
    data.update(kw)
    return raci.assign_accountable(workstream, data, actor)


def open_accountables(workstream) -> list[WorkstreamAssignment]:
    return list(db.session.execute(select(WorkstreamAssignment).where(
        WorkstreamAssignment.workstream_id == workstream.id, WorkstreamAssignment.role == "A",
        WorkstreamAssignment.valid_to.is_(None))).scalars())


def kinds(found) -> list[tuple[GapKind, str]]:
    return [(gap.kind, gap.subject) for gap in found]


# Workstreams ----------------------------------------------------------------------------------

def test_a_workstream_is_created_with_every_detail_and_audited_in_users_words(network, practice, secretary):
    workstream = workstreams.create_workstream(network, {
        "name": "  Proactive frailty service ", "description": "Finds people at risk", "status": "active",
        "population": "People aged 65 and over", "lead_partner_id": practice.id,
        "start_date": date(2025, 10, 1), "end_date": None}, secretary.user)
    assert (workstream.name, workstream.lead_partner.name, workstream.status) == (
        "Proactive frailty service", "Riverside Medical Centre", "active")
    assert workstream.established_by_decision_id is None
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "Workstream")).scalar_one()
    assert entry.action == "create" and entry.summary == "Proactive frailty service"
    assert dict(saved_details(workstream))["Lead partner"] == "Riverside Medical Centre"
    assert dict(saved_details(workstream))["Status"] == "Active"


def test_every_problem_with_a_workstream_is_reported_at_once(network):
    with outside():
        other = factories.make_partner(factories.make_network())
    with pytest.raises(InputErrors) as refused:
        workstreams.create_workstream(network, {
            "name": "", "status": "closed", "start_date": date(2026, 5, 1), "end_date": None,
            "population": "x" * 301, "lead_partner_id": other.id}, None)
    assert fields(refused.value) == {
        "name": "Enter the workstream's name", "end_date": "Enter the date the workstream closed",
        "population": "Target population group must be 300 characters or fewer",
        "lead_partner_id": "Choose a partner of this network"}
    with pytest.raises(InputErrors) as refused:
        workstreams.create_workstream(network, {"name": "Ward", "status": "sleeping", "lead_partner_id": NO_SUCH_RECORD,
                                                "start_date": date(2026, 5, 1), "end_date": date(2026, 4, 1)}, None)
    assert fields(refused.value) == {
        "status": "Select the workstream's status", "lead_partner_id": "Choose a partner of this network",
        "end_date": "The end date must be the same as or after the start date"}


def test_workstream_names_are_unique_in_a_network_whatever_their_case(network, workstream):
    with pytest.raises(InputErrors, match="There is already a workstream called VIRTUAL WARD"):
        workstreams.create_workstream(network, {"name": "VIRTUAL WARD", "status": "active"}, None)
    with outside():
        elsewhere = factories.make_network()
        assert workstreams.create_workstream(elsewhere, {"name": "Virtual ward", "status": "active"}, None).id
    saved = workstreams.update_workstream(workstream, {"name": "Virtual Ward", "status": "paused"}, workstream.version)
    assert (saved.name, saved.status, saved.lead_partner_id) == ("Virtual Ward", "paused", None)


def test_a_partner_that_has_left_cannot_become_a_lead_but_an_unchanged_lead_does_not_block_a_save(
        network, workstream, practice, trust):
    factories.make_status_change(trust, "left", date(2026, 6, 1))
    with pytest.raises(InputErrors, match="Riverside Community Trust left the partnership on 1 June 2026"):
        workstreams.update_workstream(workstream, {"name": "Virtual ward", "status": "active",
                                                   "lead_partner_id": trust.id}, workstream.version)
    factories.make_status_change(practice, "left", date(2026, 7, 1))
    saved = workstreams.update_workstream(workstream, {"name": "Virtual ward", "status": "paused",
                                                       "lead_partner_id": practice.id}, workstream.version)
    assert saved.status == "paused" and saved.lead_partner_id == practice.id


def test_a_stale_workstream_form_is_refused(workstream):
    with pytest.raises(EditConflict):
        workstreams.update_workstream(workstream, {"name": "Renamed", "status": "active"}, workstream.version - 1)
    assert workstream.name == "Virtual ward"


def test_other_modules_choose_among_open_workstreams(network, workstream):
    factories.make_workstream(network, name="Old pilot", status="closed", end_date=date(2026, 3, 31))
    assert workstreams.workstream_choices() == [(workstream.id, "Virtual ward")]
    assert [name for _, name in workstreams.workstream_choices(include_closed=True)] == ["Old pilot", "Virtual ward"]
    assert set(workstreams.workstreams_by_id([workstream.id, None])) == {workstream.id}


# Exactly one Accountable, with dated history ---------------------------------------------------

def test_a_change_of_accountable_ends_the_last_one_the_day_before_and_history_answers_by_date(
        workstream, practice, trust, member, secretary):
    first = accountable(workstream, practice, member, actor=secretary.user)
    second = accountable(workstream, trust, day=date(2026, 6, 1), actor=secretary.user, note="Board decided")
    db.session.refresh(first)
    assert (first.valid_to, first.last_day, first.end_note) == (
        date(2026, 6, 1), date(2026, 5, 31), "Replaced by Riverside Community Trust")
    assert first.ended_by_id == secretary.user_id and second.note == "Board decided"
    assert raci.accountable_on(workstream, MARCH_1).party_name == "Dr Priya Raman (Riverside Medical Centre)"
    assert raci.accountable_on(workstream, date(2026, 5, 31)).id == first.id
    assert raci.accountable_on(workstream, date(2026, 6, 1)).id == second.id
    assert raci.accountable_on(workstream, TODAY).party_name == "Riverside Community Trust"
    assert raci.accountable_on(workstream, date(2026, 1, 4)) is None  # before the first
    assert [a.id for a in open_accountables(workstream)] == [second.id]
    assert str(second) == "Riverside Community Trust: accountable for Virtual ward from 1 June 2026"
    trail = {(e.action, e.entity_id): e for e in db.session.execute(
        select(AuditEntry).where(AuditEntry.entity_type == "WorkstreamAssignment")).scalars()}
    assert trail[("create", second.id)].summary == str(second)
    assert trail[("update", first.id)].changes["valid_to"] == [None, "2026-06-01"]
    assert dict(saved_details(first))["Until"] == "1 June 2026" and dict(saved_details(first))["Role"] == "Accountable"


def test_the_same_accountable_again_or_one_starting_before_the_current_is_refused(workstream, practice, trust):
    accountable(workstream, practice, day=date(2026, 2, 1))
    with pytest.raises(InputErrors, match="Riverside Medical Centre is already accountable for Virtual ward"):
        accountable(workstream, practice, day=date(2026, 3, 1))
    with pytest.raises(InputErrors) as refused:
        accountable(workstream, trust, day=date(2026, 1, 31))
    assert fields(refused.value) == {"valid_from": "Riverside Medical Centre became accountable on 1 February 2026: "
                                                   "the new Accountable must start on or after that date"}
    assert len(open_accountables(workstream)) == 1


def test_a_correction_on_the_same_day_withdraws_the_first_which_never_held_the_role(workstream, practice, trust):
    wrong = accountable(workstream, practice, day=TODAY)
    right = accountable(workstream, trust, day=TODAY)
    db.session.refresh(wrong)
    assert wrong.never_in_force and not wrong.in_force_on(TODAY)
    assert raci.accountable_on(workstream, TODAY).id == right.id


def test_a_change_recorded_ahead_applies_from_its_date(workstream, practice, trust):
    accountable(workstream, practice)
    later = accountable(workstream, trust, day=TODAY + timedelta(days=30))
    assert raci.accountable_on(workstream, TODAY).partner_id == practice.id
    assert raci.accountable_on(workstream, TODAY + timedelta(days=30)).id == later.id
    assert [a.id for a in raci.planned(workstream, TODAY)] == [later.id]


def test_the_accountable_must_be_someone_of_this_network_still_in_it(network, workstream, practice, member):
    with pytest.raises(InputErrors, match="Choose a partner, a member, or both"):
        accountable(workstream)
    with outside():
        other_network = factories.make_network()
        theirs, their_member = factories.make_partner(other_network), factories.make_member(other_network)
    with pytest.raises(InputErrors) as refused:
        raci.assign_accountable(workstream, {"partner_id": theirs.id, "membership_id": their_member.id,
                                             "valid_from": TODAY}, None)
    assert fields(refused.value) == {"partner_id": "Choose a partner of this network",
                                     "membership_id": "Choose a member of this network"}
    member.active = False
    factories.make_status_change(practice, "left", date(2026, 9, 1))
    with pytest.raises(InputErrors) as refused:
        accountable(workstream, practice, member, day=TODAY)
    assert fields(refused.value) == {
        "partner_id": "Riverside Medical Centre left the partnership on 1 September 2026: choose a current partner",
        "membership_id": "Dr Priya Raman is no longer an active member of the network"}
    assert accountable(workstream, practice, day=date(2026, 8, 1)).partner_id == practice.id  # before it left


def test_dates_must_be_given_and_no_more_than_a_year_ahead(workstream, practice):
    with pytest.raises(InputErrors, match="Enter the date they become accountable"):
        accountable(workstream, practice, day=None)
    with pytest.raises(InputErrors, match="no more than a year from today"):
        accountable(workstream, practice, day=date(2062, 1, 1))


def test_a_closed_workstream_keeps_its_accountabilities_as_they_were(network, practice):
    closed = factories.make_workstream(network, status="closed", end_date=date(2026, 3, 31))
    with pytest.raises(ServiceError, match="is closed: reopen it"):
        accountable(closed, practice)
    with pytest.raises(ServiceError, match="is closed"):
        raci.add_assignment(closed, {"role": "R", "partner_id": practice.id, "valid_from": TODAY}, None)


def test_responsible_consulted_and_informed_come_and_go_with_dates(workstream, practice, trust, member):
    responsible = raci.add_assignment(workstream, {"role": "R", "partner_id": trust.id, "valid_from": MARCH_1}, None)
    raci.add_assignment(workstream, {"role": "C", "partner_id": trust.id, "valid_from": MARCH_1}, None)
    raci.add_assignment(workstream, {"role": "I", "membership_id": member.id, "valid_from": MARCH_1}, None)
    with pytest.raises(InputErrors, match="Riverside Community Trust is already responsible for Virtual ward "
                                          "from 1 March 2026"):
        raci.add_assignment(workstream, {"role": "R", "partner_id": trust.id, "valid_from": TODAY}, None)
    with pytest.raises(InputErrors, match="Select Responsible, Consulted or Informed"):
        raci.add_assignment(workstream, {"role": "A", "partner_id": practice.id, "valid_from": TODAY}, None)
    raci.end_assignment(responsible, date(2026, 8, 31), "Handed over", None)
    assert responsible.in_force_on(date(2026, 8, 31)) and not responsible.in_force_on(date(2026, 9, 1))
    on_day = raci.by_role(raci.assignments_on(TODAY, [workstream.id]))
    assert [a.party_name for a in on_day[RaciRole.CONSULTED]] == ["Riverside Community Trust"]
    assert [a.party_name for a in on_day[RaciRole.INFORMED]] == ["Dr Priya Raman"]
    assert on_day[RaciRole.RESPONSIBLE] == []
    again = raci.add_assignment(workstream, {"role": "R", "partner_id": trust.id, "valid_from": TODAY}, None)
    assert again.in_force_on(TODAY)  # after the last ended, the same party can come back


def test_ending_is_for_responsible_consulted_and_informed_only_and_only_once(workstream, practice, trust):
    boss = accountable(workstream, practice)
    with pytest.raises(ServiceError, match="assign the new Accountable instead"):
        raci.end_assignment(boss, TODAY, "", None)
    informed = raci.add_assignment(workstream, {"role": "I", "partner_id": trust.id, "valid_from": MARCH_1}, None)
    with pytest.raises(InputErrors, match="the last day must be the same or later"):
        raci.end_assignment(informed, date(2026, 2, 1), "", None)
    with pytest.raises(InputErrors, match="Enter the last day it applies"):
        raci.end_assignment(informed, None, "", None)
    raci.end_assignment(informed, date(2026, 2, 28), "Recorded by mistake", None)  # the day before it started
    assert informed.never_in_force
    with pytest.raises(ServiceError, match="This already ended"):
        raci.end_assignment(informed, TODAY, "", None)


# Lead roles ------------------------------------------------------------------------------------

def test_every_network_starts_with_the_standard_lead_roles(app):
    with outside():
        network = factories.make_network()
        roles = list(db.session.execute(select(LeadRole).where(LeadRole.network_id == network.id)
                                        .order_by(LeadRole.position)).scalars())
    assert [r.name for r in roles] == [name for _, name, _ in STANDARD_LEAD_ROLES]
    assert len(roles) == 11 and all(r.required and r.is_standard for r in roles)
    assert {"Clinical Director", "Caldicott Guardian", "Senior Information Risk Owner",
            "Safeguarding lead (children)", "Information governance lead"} <= {r.name for r in roles}


def test_appointing_and_reappointing_keeps_every_term_and_answers_by_date(network, practice, member, secretary):
    role = factories.standard_role(network)
    first = lead_roles.appoint(role, {"membership_id": member.id, "partner_id": practice.id,
                                      "term_start": date(2024, 10, 1), "term_end": date(2026, 9, 30)}, secretary.user)
    assert lead_roles.status_of(role, first, TODAY) == RoleStatus.TERM_EXPIRED
    renewed = lead_roles.appoint(role, {"membership_id": member.id, "term_start": TODAY,
                                        "term_end": date(2028, 11, 22)}, secretary.user)
    db.session.refresh(first)
    assert (first.ended_on, first.last_day, first.end_note) == (TODAY, TODAY - timedelta(days=1),
                                                                "Succeeded by Dr Priya Raman")
    assert lead_roles.holder_on(role, MARCH_1).id == first.id
    assert lead_roles.holder_on(role, TODAY).id == renewed.id
    assert lead_roles.holder_on(role, date(2024, 9, 30)) is None
    assert lead_roles.status_of(role, renewed, TODAY) == RoleStatus.FILLED
    assert str(renewed) == "Dr Priya Raman: Caldicott Guardian from 23 November 2026"
    created = db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "LeadRoleAppointment",
                                                          AuditEntry.entity_id == renewed.id)).scalar_one()
    assert created.summary == str(renewed)


def test_a_holder_is_a_member_or_a_named_person_not_both_and_terms_run_forwards(network, member):
    role = factories.standard_role(network, "data_protection_officer")
    with pytest.raises(InputErrors) as refused:
        lead_roles.appoint(role, {"term_start": None}, None)
    assert fields(refused.value) == {
        "term_start": "Enter the date the term starts",
        "membership_id": "Choose a member, or enter the name of someone without an Accord account"}
    with pytest.raises(InputErrors) as refused:
        lead_roles.appoint(role, {"membership_id": member.id, "person_name": "Priya Sandhu", "term_start": TODAY,
                                  "term_end": TODAY - timedelta(days=1)}, None)
    assert fields(refused.value) == {"term_end": "The end of the term must be the same as or after its start",
                                     "person_name": "Choose a member or enter a name, not both"}
    named = lead_roles.appoint(role, {"person_name": " Priya Sandhu ", "term_start": MARCH_1}, None)
    assert (named.holder_name, named.membership_id, named.term_end) == ("Priya Sandhu", None, None)
    with pytest.raises(InputErrors, match="Priya Sandhu's term started on 1 March 2026: the new term must start"):
        lead_roles.appoint(role, {"person_name": "Someone Else", "term_start": date(2026, 2, 1)}, None)


def test_a_holder_who_stands_down_leaves_the_role_vacant_from_the_next_day(network):
    role = factories.standard_role(network, "safeguarding_children")
    holder = factories.make_appointment(role, person_name="Dr Ben Oduya")
    lead_roles.end_appointment(role, date(2026, 8, 31), "Moved away", None)
    assert holder.ended_on == date(2026, 9, 1) and holder.end_note == "Moved away"
    assert lead_roles.holder_on(role, date(2026, 8, 31)).id == holder.id
    assert lead_roles.holder_on(role, date(2026, 9, 1)) is None
    assert lead_roles.role_rows([role], TODAY)[0].status == RoleStatus.VACANT
    with pytest.raises(ServiceError, match="Nobody holds the role of Safeguarding lead \\(children\\)"):
        lead_roles.end_appointment(role, TODAY, "", None)


@pytest.mark.parametrize("term_end, status", [
    (TODAY - timedelta(days=1), RoleStatus.TERM_EXPIRED),
    (TODAY, RoleStatus.ENDING_SOON),
    (TODAY + timedelta(days=60), RoleStatus.ENDING_SOON),
    (TODAY + timedelta(days=61), RoleStatus.FILLED),
    (None, RoleStatus.FILLED),
])
def test_a_term_is_out_of_date_once_past_and_ending_soon_within_60_days(network, term_end, status):
    role = factories.standard_role(network, "finance_lead")
    holder = factories.make_appointment(role, term_end=term_end) if term_end else factories.make_appointment(role)
    if term_end is None:
        holder.term_end = None
    assert lead_roles.status_of(role, holder, TODAY) == status


def test_the_networks_own_roles_can_be_added_renamed_and_removed_until_held(network):
    role = lead_roles.create_lead_role(network, {"name": "Medicines optimisation lead", "required": True})
    assert not role.is_standard and role.position == 1000
    with pytest.raises(InputErrors, match="There is already a lead role called Caldicott guardian"):
        lead_roles.create_lead_role(network, {"name": "Caldicott guardian"})
    lead_roles.update_lead_role(role, {"name": "Prescribing lead", "description": "Safe prescribing"}, role.version)
    assert (role.name, role.required) == ("Prescribing lead", False)
    standard = factories.standard_role(network, "chair")
    lead_roles.update_lead_role(standard, {"name": "Big boss", "required": False}, standard.version)
    assert standard.name == "Chair" and not standard.required  # standard names stay
    with pytest.raises(ServiceError, match="Chair is a standard role"):
        lead_roles.remove_lead_role(standard)
    factories.make_appointment(role)
    with pytest.raises(ServiceError, match="has been held, so its history is kept"):
        lead_roles.remove_lead_role(role)
    unused = factories.make_lead_role(network, name="Digital lead")
    lead_roles.remove_lead_role(unused)
    assert db.session.get(LeadRole, unused.id) is None


# Gaps: each kind -----------------------------------------------------------------------------

@pytest.fixture
def filled_roles(network):
    """Every standard role filled for a long term, so that gap tests see only what they make."""
    for key, _, _ in STANDARD_LEAD_ROLES:
        factories.make_appointment(factories.standard_role(network, key))


def test_a_workstream_with_no_accountable_is_a_gap_until_one_is_assigned(network, workstream, practice,
                                                                           filled_roles):
    factories.make_workstream(network, name="Closed pilot", status="closed", end_date=date(2026, 3, 31))
    assert kinds(gaps.find_gaps()) == [(GapKind.NO_ACCOUNTABLE, "Virtual ward")]
    gap = gaps.find_gaps()[0]
    assert gap.message == "Nobody is accountable for Virtual ward."
    assert (gap.fix, gap.fix_endpoint, gap.values) == ("Assign an Accountable", "accountability.assign_accountable",
                                                       {"workstream_id": workstream.id})
    accountable(workstream, practice, day=TODAY)
    assert gaps.find_gaps() == []
    assert kinds(gaps.find_gaps(MARCH_1)) == [(GapKind.NO_ACCOUNTABLE, "Virtual ward")]  # as it stood then


def test_a_vacant_required_role_is_a_gap_and_an_optional_one_is_not(network):
    found = gaps.find_gaps()
    assert len(found) == 11 and {g.kind for g in found} == {GapKind.ROLE_VACANT}
    for key, _, _ in STANDARD_LEAD_ROLES[1:]:
        factories.standard_role(network, key).required = False
    assert [(g.kind, g.subject, g.message) for g in gaps.find_gaps()] == [
        (GapKind.ROLE_VACANT, "Clinical Director", "Nobody holds the role of Clinical Director.")]


def test_a_term_past_its_end_and_one_ending_within_60_days_are_gaps(network, filled_roles):
    guardian = factories.standard_role(network, "caldicott_guardian")
    lead_roles.appoint(guardian, {"person_name": "Dr Helen Marsh", "term_start": date(2025, 10, 1),
                                  "term_end": date(2026, 9, 30)}, None)
    adults = factories.standard_role(network, "safeguarding_adults")
    lead_roles.appoint(adults, {"person_name": "Dr Tom Hale", "term_start": date(2026, 4, 1),
                                "term_end": date(2027, 1, 15)}, None)
    found = gaps.find_gaps()
    assert [(g.kind, g.message) for g in found] == [
        (GapKind.TERM_EXPIRED, "Dr Helen Marsh's term as Caldicott Guardian ended on 30 September 2026."),
        (GapKind.TERM_ENDING, "Dr Tom Hale's term as Safeguarding lead (adults) ends on 15 January 2027, "
                              "in 53 days.")]
    assert kinds(gaps.find_gaps(date(2026, 11, 15))) == [(GapKind.TERM_EXPIRED, "Caldicott Guardian")]


def test_an_accountable_or_lead_who_left_the_network_or_was_deactivated_is_a_gap(network, workstream, member,
                                                                                    filled_roles):
    accountable(workstream, member=member)
    siro = factories.standard_role(network, "siro")
    holder = factories.make_member(network, "network_admin", user=factories.make_user(full_name="Amara Okafor"))
    lead_roles.appoint(siro, {"membership_id": holder.id, "term_start": TODAY}, None)
    assert gaps.find_gaps() == []
    member.active = False
    holder.user.active = False
    assert [(g.kind, g.message) for g in gaps.find_gaps()] == [
        (GapKind.PERSON_LEFT, "Amara Okafor, Senior Information Risk Owner, has had their account deactivated."),
        (GapKind.PERSON_LEFT, "Dr Priya Raman, accountable for Virtual ward, has left the network.")]


def test_a_partner_that_left_but_is_still_responsible_accountable_or_lead_is_a_gap(network, workstream, practice,
                                                                                     trust, filled_roles):
    accountable(workstream, trust)
    raci.add_assignment(workstream, {"role": "R", "partner_id": trust.id, "valid_from": MARCH_1}, None)
    raci.add_assignment(workstream, {"role": "C", "partner_id": practice.id, "valid_from": MARCH_1}, None)
    factories.make_status_change(trust, "left", date(2026, 10, 1))
    factories.make_status_change(practice, "left", date(2026, 10, 1))  # lead partner; only consulted
    found = [(g.kind, g.message) for g in gaps.find_gaps()]
    assert found == [
        (GapKind.PARTNER_LEFT, "Riverside Community Trust left the partnership on 1 October 2026 but is still "
                               "accountable for Virtual ward."),
        (GapKind.PARTNER_LEFT, "Riverside Community Trust left the partnership on 1 October 2026 but is still "
                               "responsible for Virtual ward."),
        (GapKind.PARTNER_LEFT, "Riverside Medical Centre left the partnership on 1 October 2026 but is still the "
                               "lead partner for Virtual ward.")]
    assert gaps.counts(gaps.find_gaps()) == [(GapKind.PARTNER_LEFT, 3)]
    assert gaps.find_gaps(date(2026, 9, 30)) == []


# People, the matrix and the framework --------------------------------------------------------

def test_my_accountabilities_and_a_partners_list_what_each_holds_today(network, workstream, practice, trust):
    rep = factories.make_signatory(network, practice, user=factories.make_user(full_name="Dr Helen Marsh"))
    accountable(workstream, practice, rep)
    raci.add_assignment(workstream, {"role": "R", "partner_id": practice.id, "valid_from": MARCH_1}, None)
    raci.add_assignment(workstream, {"role": "I", "partner_id": trust.id, "valid_from": MARCH_1}, None)
    factories.make_appointment(factories.standard_role(network), membership=rep, partner_id=practice.id)
    mine = people.member_accountabilities(rep, TODAY)
    assert [(a.workstream.name, a.role) for a in mine.assignments] == [("Virtual ward", "A")]
    assert [a.role_name for a in mine.roles] == ["Caldicott Guardian"]
    assert [a.role for a in mine.partner_assignments] == ["R"]  # the practice's, not hers again
    assert [w.name for w in mine.leads] == ["Virtual ward"] and not mine.is_empty
    theirs = people.partner_accountabilities(trust, TODAY)
    assert [(a.role, a.workstream.name) for a in theirs.partner_assignments] == [("I", "Virtual ward")]
    assert theirs.roles == [] and theirs.leads == []
    assert people.member_accountabilities(factories.make_member(network), TODAY).is_empty


def test_the_full_matrix_puts_letters_in_partner_cells_and_named_members_aside(network, workstream, practice,
                                                                               trust, member):
    accountable(workstream, member=member)
    raci.add_assignment(workstream, {"role": "R", "partner_id": practice.id, "valid_from": MARCH_1}, None)
    raci.add_assignment(workstream, {"role": "C", "partner_id": practice.id, "valid_from": MARCH_1}, None)
    raci.add_assignment(workstream, {"role": "I", "partner_id": trust.id, "valid_from": MARCH_1}, None)
    factories.make_workstream(network, name="Old pilot", status="closed", end_date=date(2026, 3, 31))
    grid = full_matrix(TODAY)
    assert [row.workstream.name for row in grid.rows] == ["Virtual ward"]
    assert [p.name for p in grid.partners] == ["Riverside Community Trust", "Riverside Medical Centre"]
    row = grid.rows[0]
    assert row.cells == {practice.id: [RaciRole.RESPONSIBLE, RaciRole.CONSULTED], trust.id: [RaciRole.INFORMED]}
    assert [a.person_name for a in row.people] == ["Dr Priya Raman"] and grid.has_people
    assert full_matrix(date(2026, 2, 1)).rows[0].cells == {}


def test_each_workstreams_accountable_history_for_the_framework(workstream, practice, trust):
    first = accountable(workstream, practice)
    second = accountable(workstream, trust, day=date(2026, 6, 1))
    [history] = accountable_histories([workstream], TODAY)
    assert history.current.id == second.id and [a.id for a in history.changes] == [second.id, first.id]


# The decisions behind workstreams, RACI changes and lead role appointments ------------------------

def decision(network, reference, **kw):
    return factories.make_decision(network, reference=reference, **kw)


def test_a_workstream_cites_the_decision_that_established_it_by_reference(network, practice, member):
    established = decision(network, "RIV-2026-014")
    made = workstreams.create_workstream(network, {"name": "Care planning", "status": "active",
                                                   "decision_reference": " riv-2026-014 "}, member.user)
    assert made.established_by_decision_id == established.id and made.decision_reference == "RIV-2026-014"
    later = decision(network, "RIV-2026-015")
    workstreams.update_workstream(made, {"name": "Care planning", "status": "active",
                                         "decision_reference": "RIV-2026-015"}, made.version)
    assert made.established_by == later
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "Workstream")
                               .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.changes["established_by_decision_id"] == [established.id, later.id]
    assert ("Established by decision", str(later)) in saved_details(made)
    workstreams.update_workstream(made, {"name": "Care planning", "status": "active", "decision_reference": ""},
                                  made.version)
    assert made.established_by_decision_id is None


@pytest.mark.parametrize(("typed", "message"), [
    ("RIV-2026-099", "There is no decision RIV-2026-099 in this network: check the decision that established the "
                     "workstream in the decision log"),
    ("NTH-2026-001", "There is no decision NTH-2026-001 in this network: check the decision that established the "
                     "workstream in the decision log"),
    ("RIV-2026-002", "Decision RIV-2026-002 was rejected, so it cannot be the decision that established the "
                     "workstream"),
    ("RIV-2026-003", "Decision RIV-2026-003 was deferred, so it cannot be the decision that established the "
                     "workstream"),
    ("minute 14", "Enter the decision that established the workstream as a decision reference, like RIV-2026-014"),
    ("RIV-2026-" + "1" * 40, "Enter the decision that established the workstream as a decision reference, like "
                             "RIV-2026-014"),
])
def test_a_decision_reference_must_name_a_decision_of_this_network_that_decided(network, typed, message):
    decision(network, "RIV-2026-002", outcome="rejected")
    decision(network, "RIV-2026-003", outcome="deferred")
    with outside():
        decision(factories.make_network(), "NTH-2026-001")
    with pytest.raises(InputErrors) as error:
        workstreams.create_workstream(network, {"name": "Care planning", "status": "active",
                                                "decision_reference": typed}, None)
    assert fields(error.value) == {"decision_reference": message}


def test_noted_decisions_may_be_cited(network):
    noted = decision(network, "RIV-2026-004", outcome="noted")
    made = workstreams.create_workstream(network, {"name": "Care planning", "status": "active",
                                                   "decision_reference": "RIV-2026-004"}, None)
    assert made.established_by == noted


def test_a_change_of_accountable_cites_its_decision_which_also_ends_the_previous_term(network, workstream, practice,
                                                                                      trust):
    first = accountable(workstream, practice, decision_reference="")
    handover = decision(network, "RIV-2026-020")
    second = accountable(workstream, trust, day=date(2026, 6, 1), decision_reference="RIV-2026-020")
    assert second.started_by == handover and first.ended_by_decision == handover
    assert first.started_by is None
    history = list(db.session.execute(raci.history_query(workstream)).scalars())
    assert [(a.started_by_reference, a.ended_by_reference) for a in history] == [("RIV-2026-020", ""),
                                                                                ("", "RIV-2026-020")]


def test_a_refused_decision_leaves_the_accountable_unchanged(network, workstream, practice, trust):
    first = accountable(workstream, practice)
    decision(network, "RIV-2026-021", outcome="rejected")
    with pytest.raises(InputErrors) as error:
        accountable(workstream, trust, day=date(2026, 6, 1), decision_reference="RIV-2026-021")
    assert fields(error.value) == {"decision_reference": "Decision RIV-2026-021 was rejected, so it cannot be the "
                                                         "decision behind this change"}
    assert open_accountables(workstream) == [first]


def test_raci_assignments_cite_the_decisions_that_started_and_ended_them(network, workstream, trust):
    start, end = decision(network, "RIV-2026-030"), decision(network, "RIV-2026-031")
    added = raci.add_assignment(workstream, {"role": "C", "partner_id": trust.id, "valid_from": date(2026, 2, 1),
                                             "decision_reference": "RIV-2026-030"}, None)
    with pytest.raises(InputErrors) as error:
        raci.end_assignment(added, date(2026, 6, 30), "", None, "RIV-2026-999")
    assert fields(error.value) == {"decision_reference": "There is no decision RIV-2026-999 in this network: check "
                                                         "the decision behind the ending in the decision log"}
    assert added.is_open
    raci.end_assignment(added, date(2026, 6, 30), "No longer needed", None, "riv-2026-031")
    assert (added.started_by, added.ended_by_decision, added.valid_to) == (start, end, date(2026, 7, 1))


def test_lead_role_appointments_cite_the_decisions_that_appointed_and_ended_them(network, member):
    role = factories.standard_role(network)
    appointing, successor, ending = (decision(network, f"RIV-2026-04{n}") for n in range(3))
    first = lead_roles.appoint(role, {"person_name": "Dr Helen Marsh", "term_start": date(2025, 4, 1),
                                      "decision_reference": appointing.reference}, None)
    second = lead_roles.appoint(role, {"membership_id": member.id, "term_start": date(2026, 4, 1),
                                       "decision_reference": successor.reference}, None)
    assert (first.appointed_by, first.ended_by_decision, second.appointed_by) == (appointing, successor, successor)
    decision(network, "RIV-2026-050", outcome="deferred")
    with pytest.raises(InputErrors) as error:
        lead_roles.end_appointment(role, date(2026, 10, 31), "", None, "RIV-2026-050")
    assert fields(error.value) == {"decision_reference": "Decision RIV-2026-050 was deferred, so it cannot be the "
                                                         "decision behind the ending"}
    lead_roles.end_appointment(role, date(2026, 10, 31), "Stood down", None, ending.reference)
    assert second.ended_by_decision == ending and second.ended_on == date(2026, 11, 1)
    with pytest.raises(InputErrors) as error:
        lead_roles.appoint(role, {"person_name": "Jo", "term_start": date(2026, 11, 2),
                                  "decision_reference": "Board minute 12"}, None)
    assert "decision_reference" in fields(error.value)
