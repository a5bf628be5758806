"""Accountability pages: every route for every role and for outsiders, forms and bad input, fixed queries, the PDF."""

import html
import io
import itertools
import pathlib
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from governance.accountability.models import LeadRole, LeadRoleAppointment, Workstream, WorkstreamAssignment
from governance.core import tenancy
from governance.core.audit import AuditEntry
from governance.documents.models import IssuedDocument
from governance.extensions import db
from tests import factories

BASE = "/n/riverside-test/accountability"
EDITORS = ["network_admin", "board_secretary"]
READERS = ["board_member", "partner_representative", "observer"]
PATIENT = "patient_panel_member"
APRIL_2025 = date(2025, 4, 1)


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def text_of(response) -> str:
    """The page's words, without tags or runs of white space."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


@pytest.fixture
def setup(network, workstream, practice, trust, member):
    """The virtual ward with an Accountable, one of each other role, and a lead role with a holder."""
    accountable = factories.make_assignment(workstream, "A", practice, member, valid_from=date(2026, 1, 5))
    responsible = factories.make_assignment(workstream, "R", trust, valid_from=date(2026, 1, 5))
    role = factories.standard_role(network)
    factories.make_appointment(role, person_name="Dr Helen Marsh", term_end=date(2026, 9, 30))
    db.session.commit()
    return {"workstream": workstream, "accountable": accountable, "responsible": responsible, "role": role,
            "practice": practice, "trust": trust, "member": member}


def read_routes(s):
    w, r = s["workstream"].id, s["role"].id
    return [f"{BASE}/matrix", f"{BASE}/matrix?status=active&partner={s['trust'].id}&as_of[day]=1&as_of[month]=3"
            "&as_of[year]=2026", f"{BASE}/gaps", f"{BASE}/lead-roles", f"{BASE}/lead-roles/{r}",
            f"{BASE}/lead-roles/{r}?as_of[day]=1&as_of[month]=3&as_of[year]=2026", f"{BASE}/workstreams/{w}",
            f"{BASE}/workstreams/{w}?as_of[day]=1&as_of[month]=3&as_of[year]=2026"]


def summary_routes(s):
    return [f"{BASE}/", f"{BASE}/?q=ward&status=active&partner={s['practice'].id}&page=1", f"{BASE}/mine"]


def edit_routes(s):
    w, r, a = s["workstream"].id, s["role"].id, s["responsible"].id
    return [f"{BASE}/workstreams/new", f"{BASE}/workstreams/{w}/edit", f"{BASE}/workstreams/{w}/accountable",
            f"{BASE}/workstreams/{w}/assignments/new", f"{BASE}/workstreams/{w}/assignments/{a}/end",
            f"{BASE}/lead-roles/new", f"{BASE}/lead-roles/{r}/edit", f"{BASE}/lead-roles/{r}/appoint",
            f"{BASE}/lead-roles/{r}/end"]


def post_only_routes(s):
    return [f"{BASE}/lead-roles/{s['role'].id}/remove", f"{BASE}/framework"]


def records() -> tuple:
    return (count(Workstream), count(WorkstreamAssignment), count(LeadRole), count(LeadRoleAppointment),
            count(IssuedDocument))


# Permissions, for every role and for outsiders --------------------------------------------------

@pytest.mark.parametrize("role", EDITORS)
def test_secretaries_and_admins_open_every_page_and_form(client, login_as, setup, role):
    login_as(role)
    for url in summary_routes(setup) + read_routes(setup) + edit_routes(setup):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", READERS)
def test_other_members_read_everything_and_change_nothing(client, login_as, setup, role):
    login_as(role)
    for url in summary_routes(setup) + read_routes(setup):
        assert client.get(url).status_code == 200, url
    before = records()
    for url in edit_routes(setup):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"name": "Hijack", "partner_id": setup["trust"].id}).status_code == 403, url
    for url in post_only_routes(setup):
        assert client.post(url).status_code == 403, url
    assert records() == before
    page = client.get(f"{BASE}/workstreams/{setup['workstream'].id}").get_data(as_text=True)
    assert "Assign a new Accountable" not in page and "Change details" not in page


def test_patient_panel_members_see_workstream_names_and_leads_only(client, login_as, setup):
    login_as(PATIENT)
    response = client.get(f"{BASE}/")
    page = text_of(response)
    assert response.status_code == 200
    assert "Virtual ward" in page and "Riverside Medical Centre" in page  # the name and its lead
    assert "Dr Priya Raman" not in page and "Accountable" not in page and "Active" not in page
    assert f"/workstreams/{setup['workstream'].id}" not in response.get_data(as_text=True)
    assert client.get(f"{BASE}/mine").status_code == 200
    for url in read_routes(setup) + edit_routes(setup):
        assert client.get(url).status_code == 403, url
    for url in post_only_routes(setup):
        assert client.post(url).status_code == 403, url
    partner_page = text_of(client.get(f"/n/riverside-test/partners/{setup['practice'].id}"))
    assert "Riverside Medical Centre is the lead partner for Virtual ward" in partner_page
    assert "Accountable" not in partner_page and "Dr Priya Raman" not in partner_page


def test_outsiders_are_sent_to_sign_in_or_not_told_the_network_exists(app, client, login_as, setup):
    for url in summary_routes(setup) + read_routes(setup) + edit_routes(setup):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location, url
    stranger = factories.make_network(slug="elsewhere")
    login_as("network_admin", in_network=stranger)
    before = records()
    for url in summary_routes(setup) + read_routes(setup) + edit_routes(setup):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"name": "x"}).status_code in (404, 405), url
    for url in post_only_routes(setup):
        assert client.post(url).status_code == 404, url
    assert records() == before


def test_another_networks_records_are_not_found_through_this_networks_addresses(client, login_as, setup):
    other = factories.make_network(slug="other")
    theirs = factories.make_workstream(other, name="Their ward")
    their_assignment = factories.make_assignment(theirs, "R")
    their_role = factories.standard_role(other)
    db.session.commit()
    login_as("board_secretary")
    w = setup["workstream"].id
    for url in (f"{BASE}/workstreams/{theirs.id}", f"{BASE}/workstreams/{theirs.id}/edit",
                f"{BASE}/workstreams/{w}/assignments/{their_assignment.id}/end",
                f"{BASE}/lead-roles/{their_role.id}", f"{BASE}/lead-roles/{their_role.id}/appoint"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{BASE}/workstreams/99999999999").status_code == 404
    assert client.get(f"{BASE}/workstreams/{w}/assignments/{setup['accountable'].id}/end").status_code == 404
    assert "Their ward" not in client.get(f"{BASE}/matrix").get_data(as_text=True)


def test_everyone_finds_accountability_in_the_menu(client, login_as, setup):
    login_as(PATIENT)
    assert f'href="{BASE}/"' in client.get("/n/riverside-test/").get_data(as_text=True)


# Workstream forms ----------------------------------------------------------------------------

def workstream_form(**kw):
    data = {"name": "Diabetes pathway", "description": "Education and reviews", "population": "Adults with type 2",
            "lead_partner_id": "", "status": "active", "start_date[day]": "1", "start_date[month]": "4",
            "start_date[year]": "2025"}
    data.update(kw)
    return data


def test_a_secretary_adds_a_workstream_and_is_asked_to_assign_its_accountable(client, login_as, setup):
    secretary = login_as("board_secretary")
    response = client.post(f"{BASE}/workstreams/new", data=workstream_form(lead_partner_id=setup["trust"].id))
    workstream = db.session.execute(select(Workstream).where(Workstream.name == "Diabetes pathway")).scalar_one()
    assert response.status_code == 302 and response.location.endswith(f"/workstreams/{workstream.id}")
    page = text_of(client.get(response.location))
    assert "Diabetes pathway has been added. Now assign who is accountable for it." in page
    assert "Nobody is accountable for Diabetes pathway" in page and "Decision: not recorded" in page
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.entity_type == "Workstream",
                                                        AuditEntry.entity_id == workstream.id)).scalar_one()
    assert entry.user_id == secretary.user_id and entry.changes["lead_partner_id"] == [None, setup["trust"].id]


def test_bad_workstream_input_is_shown_on_the_form_and_never_a_500(client, login_as, setup):
    login_as("board_secretary")
    before = count(Workstream)
    cases = [
        ({"name": ""}, "Enter the workstream&#39;s name"),
        ({"name": "x" * 201}, "Name must be 200 characters or fewer"),
        ({"name": "Virtual Ward"}, "There is already a workstream called Virtual Ward"),
        ({"status": "closed"}, "Enter the date the workstream closed"),
        ({"status": "nonsense"}, "Select the workstream&#39;s status"),
        ({"lead_partner_id": "99999999999999"}, "Choose a partner of this network"),
        ({"lead_partner_id": "abc"}, "Choose a partner of this network"),
        ({"start_date[day]": "31", "start_date[month]": "2"}, "Start date (optional) must be a real date"),
        ({"end_date[day]": "1", "end_date[month]": "1", "end_date[year]": "2025"},
         "The end date must be the same as or after the start date"),
        ({"description": "x" * 5001}, "Description must be 5,000 characters or fewer"),
    ]
    for change, message in cases:
        response = client.post(f"{BASE}/workstreams/new", data=workstream_form(**change))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, (change, message)
        assert "<title>Error: " in page and "There is a problem" in page
    assert count(Workstream) == before


def test_script_in_a_workstream_is_shown_escaped_everywhere(client, login_as, setup):
    login_as("board_secretary")
    nasty = "<script>alert(1)</script>"
    client.post(f"{BASE}/workstreams/new", data=workstream_form(name=f"Ward {nasty}", population=nasty,
                                                                description=nasty))
    workstream = db.session.execute(select(Workstream).where(Workstream.name.contains("script"))).scalar_one()
    for url in (f"{BASE}/", f"{BASE}/matrix", f"{BASE}/gaps", f"{BASE}/workstreams/{workstream.id}",
                f"{BASE}/workstreams/{workstream.id}/edit", "/n/riverside-test/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;" in page, url


def test_a_stale_workstream_form_shows_what_a_colleague_saved_and_overwrites_nothing(client, login_as, setup):
    login_as("board_secretary")
    workstream = setup["workstream"]
    opened_at = workstream.version
    workstream.population = "Saved by a colleague"
    db.session.commit()
    response = client.post(f"{BASE}/workstreams/{workstream.id}/edit", data=workstream_form(
        name="Virtual ward", population="Mine", version=opened_at))
    page = text_of(response)
    assert response.status_code == 200 and "Someone else saved this record after you opened it" in page
    assert "The latest saved details" in page and "Saved by a colleague" in page
    db.session.expire_all()
    assert workstream.population == "Saved by a colleague"
    response = client.post(f"{BASE}/workstreams/{workstream.id}/edit", data=workstream_form(
        name="Virtual ward", population="Mine", status="paused", version=workstream.version))
    assert response.status_code == 302
    db.session.expire_all()
    assert (workstream.population, workstream.status) == ("Mine", "paused")


def test_the_new_workstream_form_makes_one_workstream_however_often_it_is_sent(client, login_as, setup):
    login_as("board_secretary")
    data = workstream_form(once="one-token-from-one-page")
    first, again = client.post(f"{BASE}/workstreams/new", data=data), client.post(f"{BASE}/workstreams/new", data=data)
    assert first.status_code == again.status_code == 302 and first.location == again.location
    assert count(Workstream, Workstream.name == "Diabetes pathway") == 1


# RACI forms ----------------------------------------------------------------------------------

def day_fields(name, day):
    return {f"{name}[day]": str(day.day), f"{name}[month]": str(day.month), f"{name}[year]": str(day.year)}


def test_a_new_accountable_replaces_the_last_and_the_dated_history_shows_both(client, login_as, setup):
    login_as("board_secretary")
    w = setup["workstream"].id
    response = client.post(f"{BASE}/workstreams/{w}/accountable", data={
        "partner_id": setup["trust"].id, "membership_id": "", "note": "Board, May 2026",
        **day_fields("valid_from", date(2026, 6, 1))})
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Riverside Community Trust is accountable for Virtual ward from 1 June 2026." in page
    page = text_of(client.get(f"{BASE}/workstreams/{w}?as_of[day]=1&as_of[month]=3&as_of[year]=2026"))
    assert ("On 1 March 2026, Dr Priya Raman (Riverside Medical Centre) was accountable for Virtual ward." in page)
    assert "5 January 2026 to 31 May 2026" in page and "From 1 June 2026" in page
    assert count(WorkstreamAssignment, WorkstreamAssignment.role == "A", WorkstreamAssignment.valid_to.is_(None)) == 1


def test_bad_accountable_input_is_refused_with_the_reason(client, login_as, setup):
    login_as("board_secretary")
    url = f"{BASE}/workstreams/{setup['workstream'].id}/accountable"
    before = count(WorkstreamAssignment)
    today = date(2026, 11, 23)
    cases = [
        ({}, "Choose a partner, a member, or both"),
        ({"partner_id": setup["practice"].id, "membership_id": setup["member"].id},
         "Dr Priya Raman (Riverside Medical Centre) is already accountable for Virtual ward"),
        ({"partner_id": setup["trust"].id, **day_fields("valid_from", date(2025, 12, 1))},
         "the new Accountable must start on or after that date"),
        ({"partner_id": setup["trust"].id, "valid_from[day]": "", "valid_from[month]": "", "valid_from[year]": ""},
         "Enter the date they become accountable"),
        ({"partner_id": setup["trust"].id, "valid_from[day]": ""}, "Accountable from must include a day"),
        ({"partner_id": setup["trust"].id, **day_fields("valid_from", date(2099, 1, 1))},
         "The date must be no more than a year from today"),
        ({"membership_id": "2147483648"}, "Choose a member of this network"),
        ({"partner_id": setup["trust"].id, "note": "x" * 2001}, "Note must be 2,000 characters or fewer"),
    ]
    for change, message in cases:
        data = {**day_fields("valid_from", today), **change}
        response = client.post(url, data=data)
        assert response.status_code == 200 and message in response.get_data(as_text=True), (change, message)
    assert count(WorkstreamAssignment) == before


def test_responsible_consulted_and_informed_are_added_and_ended_with_dates(client, login_as, setup):
    login_as("board_secretary")
    w = setup["workstream"].id
    response = client.post(f"{BASE}/workstreams/{w}/assignments/new", data={
        "role": "C", "partner_id": setup["practice"].id, **day_fields("valid_from", date(2026, 3, 1))})
    assert response.status_code == 302
    assert "Riverside Medical Centre is consulted for Virtual ward from 1 March 2026." in text_of(
        client.get(response.location))
    response = client.post(f"{BASE}/workstreams/{w}/assignments/new", data={
        "role": "C", "partner_id": setup["practice"].id, **day_fields("valid_from", date(2026, 11, 1))})
    assert "Riverside Medical Centre is already consulted for Virtual ward from 1 March 2026" in text_of(response)
    response = client.post(f"{BASE}/workstreams/{w}/assignments/new", data={
        "role": "A", "partner_id": setup["practice"].id, **day_fields("valid_from", date(2026, 11, 1))})
    assert "Select Responsible, Consulted or Informed" in text_of(response)
    end = f"{BASE}/workstreams/{w}/assignments/{setup['responsible'].id}/end"
    assert "Enter the last day it applies" in text_of(client.post(end, data={"last_day[day]": ""}))
    response = client.post(end, data={**day_fields("last_day", date(2026, 10, 31)), "note": "Handed over"})
    assert response.status_code == 302
    assert ("Riverside Community Trust is responsible for Virtual ward up to and including 31 October 2026."
            in text_of(client.get(response.location)))
    assert client.get(end).status_code == 404  # it has ended: nothing left to end


# Lead role forms -----------------------------------------------------------------------------

def test_a_secretary_appoints_renews_and_records_a_holder_standing_down(client, login_as, setup):
    login_as("board_secretary")
    role = setup["role"]
    response = client.post(f"{BASE}/lead-roles/{role.id}/appoint", data={
        "person_name": "Dr Helen Marsh", "partner_id": setup["practice"].id,
        **day_fields("term_start", date(2026, 10, 1)), **day_fields("term_end", date(2029, 9, 30))})
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Dr Helen Marsh is Caldicott Guardian from 1 October 2026." in page
    assert "1 April 2025 to 30 September 2026" in page and "Filled" in page
    response = client.post(f"{BASE}/lead-roles/{role.id}/end", data=day_fields("last_day", date(2026, 11, 22)))
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Dr Helen Marsh's last day as Caldicott Guardian is 22 November 2026." in page and "Vacant" in page
    assert client.get(f"{BASE}/lead-roles/{role.id}/end").status_code == 404


def test_bad_appointments_are_refused_with_the_reason(client, login_as, setup):
    login_as("board_secretary")
    url = f"{BASE}/lead-roles/{setup['role'].id}/appoint"
    before = count(LeadRoleAppointment)
    cases = [
        ({}, "Choose a member, or enter the name of someone without an Accord account"),
        ({"person_name": "A", "membership_id": setup["member"].id}, "Choose a member or enter a name, not both"),
        ({"person_name": "A", **day_fields("term_end", date(2026, 1, 1))},
         "The end of the term must be the same as or after its start"),
        ({"person_name": "A", **day_fields("term_start", date(2025, 1, 1))},
         "the new term must start on or after that date"),
        ({"person_name": "x" * 201}, "Name must be 200 characters or fewer"),
        ({"person_name": "A", "term_start[month]": "13"}, "Term starts must be a real date"),
    ]
    for change, message in cases:
        data = {**day_fields("term_start", date(2026, 11, 23)), **change}
        response = client.post(url, data=data)
        assert response.status_code == 200 and message in response.get_data(as_text=True), (change, message)
    assert count(LeadRoleAppointment) == before


def test_the_network_adds_edits_and_removes_its_own_lead_roles(client, login_as, setup):
    login_as("network_admin")
    response = client.post(f"{BASE}/lead-roles/new", data={"name": "Digital lead", "required": "y"})
    role = db.session.execute(select(LeadRole).where(LeadRole.name == "Digital lead")).scalar_one()
    assert response.status_code == 302 and role.required
    assert "There is already a lead role called Digital Lead" in client.post(
        f"{BASE}/lead-roles/new", data={"name": "Digital Lead"}).get_data(as_text=True)
    response = client.post(f"{BASE}/lead-roles/{role.id}/edit", data={"name": "Digital and data lead",
                                                                        "version": role.version})
    db.session.expire_all()
    assert response.status_code == 302 and (role.name, role.required) == ("Digital and data lead", False)
    response = client.post(f"{BASE}/lead-roles/{setup['role'].id}/remove")
    assert "is a standard role" in text_of(client.get(response.location))
    response = client.post(f"{BASE}/lead-roles/{role.id}/remove")
    assert response.location.endswith("/lead-roles") and db.session.get(LeadRole, role.id) is None


# The matrix, gaps, my accountabilities, the partner page and the overview ------------------------

def test_the_matrix_shows_letters_per_partner_a_phone_list_and_any_date(client, login_as, setup):
    login_as("board_member")
    factories.make_assignment(setup["workstream"], "C", setup["practice"], valid_from=date(2026, 6, 1))
    db.session.commit()
    html = client.get(f"{BASE}/matrix").get_data(as_text=True)
    grid = html[html.index('class="accord-matrix-grid"'):html.index('class="accord-matrix-list"')]
    assert "Riverside Community Trust" in grid and "Riverside Medical Centre" in grid
    assert re.search(r">C</span><span class=\"nhsuk-u-visually-hidden\">Consulted", grid)
    assert "Dr Priya Raman" not in grid  # accountable for the practice: in its column
    factories.make_assignment(setup["workstream"], "I", membership=factories.make_member(_network(), user=(
        factories.make_user(full_name="Joan Pritchard"))), valid_from=date(2026, 6, 1))
    db.session.commit()
    html = client.get(f"{BASE}/matrix").get_data(as_text=True)
    grid = html[html.index('class="accord-matrix-grid"'):html.index('class="accord-matrix-list"')]
    assert re.search(r"Joan Pritchard <span class=\"accord-raci accord-raci--i\"><span aria-hidden=\"true\">I", grid)
    phone = text_of(client.get(f"{BASE}/matrix"))
    assert "Accountable Dr Priya Raman (Riverside Medical Centre)" in phone
    march = client.get(f"{BASE}/matrix?as_of[day]=1&as_of[month]=3&as_of[year]=2026").get_data(as_text=True)
    march_grid = march[march.index('class="accord-matrix-grid"'):march.index('class="accord-matrix-list"')]
    assert "as it stood on 1 March 2026" in march and "Consulted" not in march_grid
    filtered = text_of(client.get(f"{BASE}/matrix?status=paused"))
    assert "No workstreams match." in filtered
    for junk in ("?as_of[day]=99&as_of[month]=99&as_of[year]=99999", "?partner=abc&status=%00",
                 "?page=-3", "?as_of[year]=1850&as_of[month]=1&as_of[day]=1", "?partner=99999999999999999"):
        assert client.get(f"{BASE}/matrix{junk}").status_code == 200, junk


def test_gaps_are_listed_with_how_to_put_them_right_and_disappear_when_fixed(client, login_as, setup):
    login_as("board_secretary")
    page = text_of(client.get(f"{BASE}/gaps"))
    assert "Term expired" in page and "Dr Helen Marsh's term as Caldicott Guardian ended on 30 September 2026." in page
    assert "Nobody holds the role of Clinical Director." in page and "Appoint someone for Clinical Director" in page
    overview = text_of(client.get("/n/riverside-test/"))
    assert "Gaps in the accountability framework" in overview and "All gaps in the accountability framework" in overview
    assert "gaps to put right" in text_of(client.get(f"{BASE}/"))
    second = factories.make_workstream(_network(), name="Care planning")
    db.session.commit()
    assert "Nobody is accountable for Care planning." in text_of(client.get(f"{BASE}/gaps"))
    client.post(f"{BASE}/workstreams/{second.id}/accountable", data={"partner_id": setup["practice"].id,
                                                                     **day_fields("valid_from", date(2026, 11, 23))})
    assert "Nobody is accountable for Care planning." not in text_of(client.get(f"{BASE}/gaps"))


def _network():
    from governance.networks.models import Network

    return db.session.execute(select(Network).where(Network.slug == "riverside-test")).scalar_one()


def test_only_secretaries_and_admins_get_the_gaps_card(client, login_as, setup):
    login_as("board_member")
    assert "Gaps in the accountability framework" not in text_of(client.get("/n/riverside-test/"))


def test_my_accountabilities_on_the_page_and_the_overview(client, login_as, setup):
    member = setup["member"]
    client.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
    page = text_of(client.get(f"{BASE}/mine"))
    assert "Virtual ward Role Accountable Who You Since 5 January 2026" in page
    factories.make_appointment(factories.standard_role(_network(), "chair"), membership=member,
                               term_start=date(2026, 4, 1), term_end=date(2027, 3, 31))
    db.session.commit()
    page = text_of(client.get(f"{BASE}/mine"))
    assert "Chair Role Lead role Who You Since 1 April 2026 Term ends 31 March 2027" in page
    assert "Accountable for Virtual ward" in text_of(client.get("/n/riverside-test/"))
    observer = factories.make_member(_network(), "observer")
    db.session.commit()
    other_client = client.application.test_client()
    other_client.post("/sign-in", data={"email": observer.user.email, "password": factories.PASSWORD})
    assert "My accountabilities" not in text_of(other_client.get("/n/riverside-test/"))  # nothing to show: no card


def test_the_partner_page_lists_its_accountabilities(client, login_as, setup):
    login_as("board_member")
    page = text_of(client.get(f"/n/riverside-test/partners/{setup['trust'].id}"))
    assert ("Accountabilities" in page and
            "Workstream Virtual ward Role Responsible Who The organisation Since 5 January 2026" in page)
    page = text_of(client.get(f"/n/riverside-test/partners/{setup['practice'].id}"))
    assert "Riverside Medical Centre is the lead partner for Virtual ward" in page
    assert "Workstream Virtual ward Role Accountable Who Dr Priya Raman" in page


# Fixed queries ---------------------------------------------------------------------------------

_grown = itertools.count()


def _grow(network, practice, n):
    ward = db.session.execute(select(Workstream).where(Workstream.network_id == network.id,
                                                       Workstream.name == "Virtual ward")).scalar_one()
    for _ in range(n):
        i = next(_grown)
        partner = factories.make_partner(network)
        factories.make_status_change(partner, "active", APRIL_2025)
        # each a decision about the practice and the virtual ward, cited by what it changed
        decision = factories.make_decision(network, affects=[
            {"kind": "partner", "id": practice.id, "name": practice.name},
            {"kind": "workstream", "id": ward.id, "name": ward.name}], confidential=i % 2 == 0)
        workstream = factories.make_workstream(network, name=f"Grown {i:03d}", lead_partner_id=partner.id,
                                               established_by_decision_id=decision.id)
        factories.make_assignment(workstream, "A", partner, factories.make_member(network),
                                  started_by_decision_id=decision.id)
        factories.make_assignment(workstream, "R", practice, valid_from=date(2026, 2, 1))
        factories.make_assignment(ward, "I", partner, valid_from=date(2025, 6, 1), started_by_decision_id=decision.id)
        role = factories.make_lead_role(network, name=f"Grown role {i:03d}")
        factories.make_appointment(role, membership=factories.make_member(network),
                                   appointed_by_decision_id=decision.id)
    db.session.commit()


@pytest.mark.parametrize("role", ["board_secretary", "observer", PATIENT])
@pytest.mark.postgres  # the filter reads inside the JSON list with SQL written per database
def test_lists_cost_the_same_queries_however_much_there_is(client, login_as, setup, count_queries, role):
    login_as(role)
    urls = [f"{BASE}/", f"{BASE}/mine", "/n/riverside-test/"]
    if role != PATIENT:
        urls += [f"{BASE}/matrix", f"{BASE}/gaps", f"{BASE}/lead-roles", f"{BASE}/workstreams/{setup['workstream'].id}",
                 f"{BASE}/lead-roles/{setup['role'].id}", f"/n/riverside-test/partners/{setup['practice'].id}"]
    network = _network()
    _grow(network, setup["practice"], 2)
    few, few_statements = {}, {}
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        few[url] = counter.count
        few_statements[url] = list(counter.statements)
    _grow(network, setup["practice"], 30)
    for url in urls:
        with count_queries() as counter:
            page = client.get(url).get_data(as_text=True)
        assert counter.count == few[url], (url, counter.statements, few_statements[url])
    if role != PATIENT:
        assert "Showing 1 to 25 of 33" in text_of(client.get(f"{BASE}/matrix"))
        assert "Showing 26 to 33 of 33" in text_of(client.get(f"{BASE}/?page=2"))
        seen = 32 if role == "board_secretary" else 16  # observers without a seat see no confidential decisions
        practice = setup["practice"]
        page = text_of(client.get(f"/n/riverside-test/partners/{practice.id}"))
        assert f"See all {seen} decisions about Riverside Medical Centre in the decision log" in page
        page = text_of(client.get(f"{BASE}/workstreams/{setup['workstream'].id}"))
        assert f"See all {seen} decisions about Virtual ward in the decision log" in page
        log = text_of(client.get(f"/n/riverside-test/decisions/?affects=partner:{practice.id}"))
        assert "Showing only the decisions about Riverside Medical Centre" in log and f"of {seen}" in log
    assert page


# The accountability framework PDF --------------------------------------------------------------

def test_the_framework_pdf_is_made_by_the_worker_issued_and_archived(client, login_as, setup):
    login_as("board_secretary")
    db.session.execute(WorkstreamAssignment.__table__.update()
                       .where(WorkstreamAssignment.id == setup["accountable"].id).values(valid_to=date(2026, 6, 1)))
    factories.make_assignment(setup["workstream"], "A", setup["trust"], valid_from=date(2026, 6, 1))
    db.session.commit()
    response = client.post(f"{BASE}/framework")
    assert response.status_code == 302 and "/documents/jobs/" in response.location
    progress = client.get(response.location).get_data(as_text=True)
    assert "Accountability framework" in progress and "Ready" in progress
    tenancy.activate(_network().id)
    document = db.session.execute(select(IssuedDocument)).scalar_one()
    tenancy.activate(None)
    assert document.kind == "accountability_framework" and document.covers == "As at 23 November 2026"
    pdf = client.get(f"/n/riverside-test/documents/{document.id}.pdf").data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("1. Lead roles", "Dr Helen Marsh 1 April 2025 to 30 September 2026 Term expired",
                     "2. Accountability matrix", "Virtual ward", "Riverside Community Trust",
                     "3. Who is accountable for each workstream", "Virtual ward R A",
                     "Accountable: Riverside Community Trust since 1 June 2026",
                     "Dr Priya Raman (Riverside Medical Centre)5 January 202631 May 2026Decision: not recorded",
                     "4. Open gaps", "Nobody holds the role of Clinical Director."):
        assert expected in text, expected


def test_a_stale_lead_role_form_overwrites_nothing(client, login_as, setup):
    login_as("board_secretary")
    role = setup["role"]
    opened_at = role.version
    role.description = "Saved by a colleague"
    db.session.commit()
    response = client.post(f"{BASE}/lead-roles/{role.id}/edit", data={"description": "Mine", "version": opened_at})
    assert response.status_code == 200 and "Saved by a colleague" in text_of(response)
    db.session.expire_all()
    assert role.description == "Saved by a colleague"


def test_other_modules_add_sections_to_a_workstreams_page(client, login_as, setup, app):
    from governance.accountability import sections

    app.jinja_loader.loaders[0].searchpath.append(str(pathlib.Path(__file__).parent / "templates"))  # the partial
    loaded = []

    def load(workstream):
        loaded.append(workstream.id)
        return {"said": "Patients asked for weekend visits"}

    sections.register(sections.WorkstreamSection(key="feedback", title="What patients said",
                                                 template="accountability_test/_section.html", load=load))
    try:
        login_as("board_member")
        page = text_of(client.get(f"{BASE}/workstreams/{setup['workstream'].id}"))
    finally:
        sections._SECTIONS.pop("feedback")
    assert loaded == [setup["workstream"].id]
    assert "What patients said Patients asked for weekend visits in Virtual ward" in page


# The decisions behind workstreams, RACI changes and lead roles -------------------------------------

def test_forms_take_a_decision_reference_and_the_pages_link_to_the_decision(client, login_as, setup):
    login_as("board_secretary")
    network, w = _network(), setup["workstream"].id
    made = {n: factories.make_decision(network, reference=f"RIV-2026-01{n}", title=f"Decision {n}") for n in range(6)}
    db.session.commit()
    link = lambda n: f'decision <a href="/n/riverside-test/decisions/{made[n].id}">RIV-2026-01{n}</a>'  # noqa: E731
    response = client.post(f"{BASE}/workstreams/new", data=workstream_form(decision_reference="riv-2026-010"))
    page = client.get(response.location).get_data(as_text=True)
    assert f"Established by {link(0)}" in page
    response = client.post(f"{BASE}/workstreams/{w}/accountable", data={
        "partner_id": setup["trust"].id, "decision_reference": "RIV-2026-011",
        **day_fields("valid_from", date(2026, 6, 1))})
    page = client.get(response.location).get_data(as_text=True)
    assert f"Decision {link(1).removeprefix('decision ')}" in page and f"Ended by {link(1)}" in page
    client.post(f"{BASE}/workstreams/{w}/assignments/new", data={
        "role": "I", "partner_id": setup["practice"].id, "decision_reference": "RIV-2026-012",
        **day_fields("valid_from", date(2026, 3, 1))})
    informed = db.session.execute(select(WorkstreamAssignment).where(WorkstreamAssignment.role == "I")).scalar_one()
    client.post(f"{BASE}/workstreams/{w}/assignments/{informed.id}/end", data={
        "decision_reference": "RIV-2026-013", **day_fields("last_day", date(2026, 10, 31))})
    page = text_of(client.get(f"{BASE}/workstreams/{w}"))
    assert "Ended by decision RIV-2026-013" in page
    # the decisions section: those that changed its RACI, newest first
    section = page.split("Decisions about Virtual ward")[1]
    assert section.index("RIV-2026-013") < section.index("RIV-2026-011")
    role = setup["role"].id
    client.post(f"{BASE}/lead-roles/{role}/appoint", data={
        "person_name": "Dr Helen Marsh", "decision_reference": "RIV-2026-014",
        **day_fields("term_start", date(2026, 10, 1))})
    client.post(f"{BASE}/lead-roles/{role}/end", data={
        "decision_reference": "RIV-2026-015", **day_fields("last_day", date(2026, 11, 22))})
    page = client.get(f"{BASE}/lead-roles/{role}").get_data(as_text=True)
    assert f"Decision {link(4).removeprefix('decision ')}" in page and f"Ended by {link(5)}" in page
    assert f"Ended by {link(4)}" in page  # the new appointment ended the last one


def test_a_bad_decision_reference_is_shown_on_each_form_and_nothing_is_saved(client, login_as, setup):
    login_as("board_secretary")
    network, w, r = _network(), setup["workstream"].id, setup["role"].id
    factories.make_decision(network, reference="RIV-2026-002", outcome="rejected")
    with_other = factories.make_network()
    factories.make_decision(with_other, reference="OTH-2026-001")
    db.session.commit()
    before = records()
    forms = [
        (f"{BASE}/workstreams/new", workstream_form(), "the decision that established the workstream"),
        (f"{BASE}/workstreams/{w}/edit", workstream_form(name="Virtual ward", version="1"),
         "the decision that established the workstream"),
        (f"{BASE}/workstreams/{w}/accountable", {"partner_id": setup["trust"].id,
                                                 **day_fields("valid_from", date(2026, 6, 1))},
         "the decision behind this change"),
        (f"{BASE}/workstreams/{w}/assignments/new", {"role": "C", "partner_id": setup["practice"].id,
                                                     **day_fields("valid_from", date(2026, 3, 1))},
         "the decision behind this change"),
        (f"{BASE}/workstreams/{w}/assignments/{setup['responsible'].id}/end",
         day_fields("last_day", date(2026, 10, 31)), "the decision behind the ending"),
        (f"{BASE}/lead-roles/{r}/appoint", {"person_name": "A", **day_fields("term_start", date(2026, 10, 1))},
         "the decision that appointed them"),
        (f"{BASE}/lead-roles/{r}/end", day_fields("last_day", date(2026, 10, 31)), "the decision behind the ending"),
    ]
    for url, data, label in forms:
        for typed, message in [
            ("OTH-2026-001", f"There is no decision OTH-2026-001 in this network: check {label} in the decision log"),
            ("RIV-2026-002", f"Decision RIV-2026-002 was rejected, so it cannot be {label}"),
            ("Board minute 4", f"Enter {label} as a decision reference, like RIV-2026-014"),
            ("x" * 31, "Decision reference must be 30 characters or fewer"),
        ]:
            response = client.post(url, data={**data, "decision_reference": typed})
            page = text_of(response)
            assert response.status_code == 200 and message in page and page.startswith("Error"), (url, typed, page)
    assert records() == before


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_decisions_but_may_not_use_the_forms(client, login_as, setup, role):
    network = _network()
    decision = factories.make_decision(network, reference="RIV-2026-016", title="Set up the virtual ward")
    setup["workstream"].established_by_decision_id = decision.id
    db.session.commit()
    login_as(role)
    page = text_of(client.get(f"{BASE}/workstreams/{setup['workstream'].id}"))
    assert "Established by decision RIV-2026-016" in page and "Set up the virtual ward" in page
    response = client.post(f"{BASE}/workstreams/{setup['workstream'].id}/accountable", data={
        "partner_id": setup["trust"].id, "decision_reference": "RIV-2026-016",
        **day_fields("valid_from", date(2026, 6, 1))})
    assert response.status_code == 403


def test_the_framework_pdf_names_the_decisions(client, login_as, setup):
    network = _network()
    decision = factories.make_decision(network, reference="RIV-2026-017")
    setup["workstream"].established_by_decision_id = decision.id
    factories.make_appointment(factories.make_lead_role(network, name="Frailty lead"), person_name="Jo Bloggs",
                               appointed_by_decision_id=decision.id)
    db.session.commit()
    login_as("board_secretary")
    assert client.post(f"{BASE}/framework").status_code == 302
    tenancy.activate(network.id)
    document = db.session.execute(select(IssuedDocument)).scalar_one()
    tenancy.activate(None)
    pdf = client.get(f"/n/riverside-test/documents/{document.id}.pdf").data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Established by decision RIV-2026-017" in text and "Decision RIV-2026-017" in text
