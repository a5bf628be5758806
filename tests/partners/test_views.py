"""Partner pages: permissions per role, tenancy, bad input, edit conflicts, import, export, PDF, queries."""

import html
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from governance.core import tenancy
from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.partners import sections, services
from governance.partners.models import ListSize, Partner, PartnerContact, PartnerStatusChange
from tests import factories

BASE = "/n/riverside-test/partners"
EDITORS = ["network_admin", "board_secretary"]
READERS = ["board_member", "partner_representative", "patient_panel_member", "observer"]


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def practice(network):
    partner = factories.make_practice(network, 10_000, name="Oak Lane Surgery", ods_code="A81010")
    contact = factories.make_contact(partner, name="Jo Bloggs")
    db.session.commit()
    partner.contact_id = contact.id
    return partner


def read_routes(p):
    return [f"{BASE}/", f"{BASE}/?q=oak&kind=gp_practice&status=active&page=1", f"{BASE}/{p.id}",
            f"{BASE}/population", f"{BASE}/population?page=2", f"{BASE}/population/history", f"{BASE}/export.csv"]


def edit_get_routes(p):
    return [f"{BASE}/new", f"{BASE}/{p.id}/edit", f"{BASE}/{p.id}/status", f"{BASE}/{p.id}/list-size",
            f"{BASE}/{p.id}/contacts/new", f"{BASE}/{p.id}/contacts/{p.contact_id}", f"{BASE}/import",
            f"{BASE}/import/list-sizes-template.csv", f"{BASE}/membership-schedule",
            f"{BASE}/membership-schedule/preview.pdf"]


def edit_post_routes(p):
    return [url for url in edit_get_routes(p) if not url.endswith((".csv", ".pdf"))] + [
        f"{BASE}/{p.id}/contacts/{p.contact_id}/remove", f"{BASE}/import/confirm"]


def partner_form(**kw):
    data = {"name": "Elm Tree Practice", "kind": "gp_practice", "ods_code": "A81020", "address": "2 Elm Road",
            "website": "", "notes": "", "status": "active", "status_from[day]": "1",
            "status_from[month]": "4", "status_from[year]": "2025", "decision_reference": "Board minute 2025/3",
            "list_size": "7,400", "list_size_as_of[day]": "1", "list_size_as_of[month]": "4",
            "list_size_as_of[year]": "2025"}
    data.update(kw)
    return data


# Permissions and tenancy --------------------------------------------------------------------

@pytest.mark.parametrize("role", EDITORS + READERS)
def test_every_role_reads_every_partner_page(client, login_as, practice, role):
    login_as(role)
    for url in read_routes(practice):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", READERS)
def test_read_only_roles_are_refused_every_change(client, login_as, practice, role):
    login_as(role)
    partners = count(Partner)
    for url in edit_get_routes(practice):
        assert client.get(url).status_code == 403, url
    for url in edit_post_routes(practice):
        assert client.post(url, data=partner_form()).status_code == 403, url
    assert count(Partner) == partners and count(IssuedDocument) == 0 and count(PartnerContact) == 1
    page = client.get(f"{BASE}/{practice.id}").get_data(as_text=True)
    assert "Change details" not in page and "Add a partner" not in client.get(f"{BASE}/").get_data(as_text=True)


@pytest.mark.parametrize("role", EDITORS)
def test_editors_open_every_form(client, login_as, practice, role):
    login_as(role)
    for url in edit_get_routes(practice):
        assert client.get(url).status_code == 200, url


def test_signed_out_visitors_are_sent_to_sign_in(client, practice):
    response = client.get(f"{BASE}/{practice.id}")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_another_networks_partners_are_not_found(client, login_as, network):
    other = factories.make_network(slug="elsewhere")
    theirs = factories.make_practice(other, name="Their Practice")
    theirs.contact_id = factories.make_contact(theirs).id
    mine = factories.make_practice(network)
    db.session.commit()
    login_as("board_secretary")
    assert client.get(f"{BASE}/{theirs.id}").status_code == 404
    for url in [u for u in edit_post_routes(theirs) if f"/{theirs.id}/" in u]:
        assert client.get(url).status_code in (404, 405), url  # the remove route is POST only
        assert client.post(url, data=partner_form()).status_code == 404, url
    # their contact reached through my partner's address
    assert client.get(f"{BASE}/{mine.id}/contacts/{theirs.contact_id}").status_code == 404
    assert client.get(f"{BASE}/not-a-number").status_code == 404
    assert "Their Practice" not in client.get(f"{BASE}/").get_data(as_text=True)
    assert "Their Practice" not in client.get(f"{BASE}/export.csv").get_data(as_text=True)


def test_a_contact_of_another_partner_is_not_found(client, login_as, network, practice):
    other = factories.make_partner(network)
    db.session.commit()
    login_as("board_secretary")
    assert client.get(f"{BASE}/{other.id}/contacts/{practice.contact_id}").status_code == 404
    assert client.post(f"{BASE}/{other.id}/contacts/{practice.contact_id}/remove").status_code == 404


def test_list_size_page_is_only_for_practices(client, login_as, network):
    trust = factories.make_partner(network, kind="community_trust", ods_code="RYX")
    db.session.commit()
    login_as("board_secretary")
    assert client.get(f"{BASE}/{trust.id}/list-size").status_code == 404
    assert "Record a new list size" not in client.get(f"{BASE}/{trust.id}").get_data(as_text=True)


# Creating and editing -----------------------------------------------------------------------

def test_secretary_adds_a_practice(client, login_as, network):
    login_as("board_secretary")
    response = client.post(f"{BASE}/new", data=partner_form())
    assert response.status_code == 302
    partner = db.session.execute(select(Partner)).scalar_one()
    assert response.location.endswith(f"/partners/{partner.id}")
    assert partner.list_sizes[0].patients == 7_400
    assert partner.status_changes[0].decision_reference == "Board minute 2025/3"
    page = client.get(response.location).get_data(as_text=True)
    assert "Elm Tree Practice has been added." in page
    assert "7,400 patients as of 1 April 2025" in page


@pytest.mark.parametrize(("changes", "messages"), [
    ({"name": "", "ods_code": "A8102"}, ["Enter the organisation"]),
    ({"ods_code": "A8102"}, ["letter followed by 5 numbers"]),
    ({"list_size": "lots"}, ["Enter the list size as a whole number, like 9200"]),
    ({"status_from[day]": "31", "status_from[month]": "2"}, ["Date this status starts must be a real date"]),
    ({"status_from[day]": "", "status_from[month]": "", "status_from[year]": ""},
     ["Enter the date this status starts"]),
    ({"kind": "acute_trust", "ods_code": "RXX"}, ["Only GP practices have a registered list size"]),
    ({"kind": "<script>"}, ["Select the kind of organisation"]),
    ({"website": "javascript:alert(1)"}, ["Enter a website address in the correct format"]),
    ({"list_size_as_of[year]": "2099"}, ["today or in the past"]),
    ({"list_size": "\u00b2"}, ["Enter the list size as a whole number, like 9200"]),
    ({"name": "N" * 201}, ["Name must be 200 characters or fewer"]),
    ({"list_size": "9" * 5000}, ["List size must be between 0 and 1,000,000"]),
    ({"list_size": "5000", "list_size_as_of[day]": "", "list_size_as_of[month]": "",
      "list_size_as_of[year]": ""}, ['href="#list_size_as_of', "Enter the date the list size was taken"]),
    ({"name": "", "ods_code": "bad!", "website": "nope", "status_from[day]": "", "status_from[month]": "",
      "status_from[year]": ""}, ["Enter the organisation&#39;s name", "letter followed by 5", "website address in",
                                 "Enter the date this status starts"]),
])
def test_bad_input_re_renders_with_the_error_summary(client, login_as, network, changes, messages):
    login_as("network_admin")
    response = client.post(f"{BASE}/new", data=partner_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error: " in page
    for message in messages:
        assert message in page
    assert count(Partner) == 0


@pytest.mark.parametrize("patients", ["\u00b2", "\u0663", "9" * 5000, "-5", "5.5"])
def test_odd_list_sizes_are_refused_on_the_form(client, login_as, practice, patients):
    login_as("board_secretary")
    response = client.post(f"{BASE}/{practice.id}/list-size", data={
        "patients": patients, "as_of[day]": "1", "as_of[month]": "4", "as_of[year]": "2026"})
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert count(ListSize) == 1


def test_duplicate_ods_code_is_refused_on_the_form(client, login_as, practice):
    login_as("board_secretary")
    page = client.post(f"{BASE}/new", data=partner_form(ods_code="a81010")).get_data(as_text=True)
    assert "Oak Lane Surgery already uses ODS code A81010" in page
    assert 'href="#ods_code"' in page


def test_edit_conflict_keeps_both_edits(client, login_as, practice):
    login_as("board_secretary")
    opened = client.get(f"{BASE}/{practice.id}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in opened
    # a colleague saves first
    services.update_partner(practice, {"name": "Oak Lane Surgery", "kind": "gp_practice", "ods_code": "A81010",
                                       "address": "Their new address"}, 1)
    db.session.commit()
    mine = {"name": "Oak Lane Medical Centre", "kind": "gp_practice", "ods_code": "A81010",
            "address": "", "website": "", "notes": "My note", "version": "1"}
    response = client.post(f"{BASE}/{practice.id}/edit", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in page
    assert "Their new address" in page  # the latest saved values are shown
    assert 'value="Oak Lane Medical Centre"' in page and "My note" in page  # my changes stay in the form
    assert 'name="version" value="2"' in page
    db.session.expire_all()
    assert db.session.get(Partner, practice.id).name == "Oak Lane Surgery"
    response = client.post(f"{BASE}/{practice.id}/edit", data={**mine, "version": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Partner, practice.id)
    assert (saved.name, saved.notes, saved.version) == ("Oak Lane Medical Centre", "My note", 3)


def test_contact_edit_conflict_shows_the_latest_saved_details_and_keeps_mine(client, login_as, practice):
    login_as("board_secretary")
    url = f"{BASE}/{practice.id}/contacts/{practice.contact_id}"
    assert 'name="version" value="1"' in client.get(url).get_data(as_text=True)
    contact = db.session.get(PartnerContact, practice.contact_id)
    services.update_contact(contact, {"name": "Jo Bloggs", "phone": "01632 960999"}, 1)
    db.session.commit()
    mine = {"name": "Joanne Bloggs", "job_title": "Practice manager", "email": "", "phone": "", "version": "1"}
    page = client.post(url, data=mine).get_data(as_text=True)
    assert "Someone else saved this record after you opened it" in page
    assert "01632 960999" in page and 'value="Joanne Bloggs"' in page and 'name="version" value="2"' in page
    assert client.post(url, data={**mine, "version": "2"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PartnerContact, practice.contact_id).name == "Joanne Bloggs"


def test_edit_with_a_missing_or_garbled_version_is_a_conflict(client, login_as, practice):
    login_as("board_secretary")
    data = {"name": "X Surgery", "kind": "gp_practice", "ods_code": "A81010", "version": "abc"}
    assert "Someone else saved" in client.post(f"{BASE}/{practice.id}/edit", data=data).get_data(as_text=True)


def test_status_change_and_list_size(client, login_as, practice):
    login_as("board_secretary")
    response = client.post(f"{BASE}/{practice.id}/status", data={
        "status": "left", "effective_on[day]": "31", "effective_on[month]": "3", "effective_on[year]": "2026",
        "decision_reference": "Board minute 2026/14", "note": "Merged"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "left from 31 March 2026" in page and "Board minute 2026/14" in page
    assert count(Partner) == 1  # leaving deletes nothing
    response = client.post(f"{BASE}/{practice.id}/status", data={"status": "left", "effective_on[day]": "1",
                                                                  "effective_on[month]": "5",
                                                                  "effective_on[year]": "2026"})
    assert "already left on 1 May 2026" in response.get_data(as_text=True)
    response = client.post(f"{BASE}/{practice.id}/status", data={
        "effective_on[day]": "", "effective_on[month]": "", "effective_on[year]": ""})
    page = response.get_data(as_text=True)
    assert "Select the new membership status" in page and "Enter the date the change takes effect" in page

    response = client.post(f"{BASE}/{practice.id}/list-size", data={
        "patients": "10 250", "as_of[day]": "1", "as_of[month]": "10", "as_of[year]": "2025"})
    assert response.status_code == 302
    assert [s.patients for s in db.session.execute(select(ListSize).order_by(ListSize.id)).scalars()] == [
        10_000, 10_250]
    page = client.post(f"{BASE}/{practice.id}/list-size", data={
        "patients": "-5", "as_of[day]": "", "as_of[month]": "", "as_of[year]": ""}).get_data(as_text=True)
    assert "Enter the list size as a whole number" in page and "Enter the date the list size was taken" in page
    assert count(PartnerStatusChange) == 2


def test_contacts_add_change_remove(client, login_as, practice):
    login_as("board_secretary")
    response = client.post(f"{BASE}/{practice.id}/contacts/new", data={"name": "Sam Lee", "email": "bad"})
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)
    response = client.post(f"{BASE}/{practice.id}/contacts/new", data={
        "name": "Sam Lee", "job_title": "Practice manager", "email": "sam@example.org", "phone": "01632 960 999"})
    assert response.status_code == 302
    assert "sam@example.org" in client.get(f"{BASE}/{practice.id}").get_data(as_text=True)
    url = f"{BASE}/{practice.id}/contacts/{practice.contact_id}"
    response = client.post(url, data={"name": "Jo Bloggs-Smith", "version": "1"})
    assert response.status_code == 302
    stale = client.post(url, data={"name": "Stale", "version": "1"}).get_data(as_text=True)
    assert "Someone else saved this record" in stale
    assert client.post(f"{url}/remove").status_code == 302
    assert [c.name for c in db.session.execute(select(PartnerContact)).scalars()] == ["Sam Lee"]


def test_partner_page_shows_representatives_and_signatories(client, login_as, practice):
    rep = login_as("partner_representative", partner_id=practice.id, is_authorised_signatory=True,
                   job_title="Senior partner")
    page = client.get(f"{BASE}/{practice.id}").get_data(as_text=True)
    assert rep.user.full_name in page and "Yes, can sign MOUs for Oak Lane Surgery" in page
    assert "Senior partner" in page and "Jo Bloggs" in page and "10,000 patients as of 1 April 2025" in page


def test_other_modules_add_sections_to_the_partner_page(client, login_as, practice):
    loaded = []
    section = sections.PartnerSection("test-section", "MOUs and signatures", "partners/_partials.html",
                                      lambda partner: loaded.append(partner.id) or {"count": 0})
    sections.register(section)
    try:
        login_as("observer")
        page = client.get(f"{BASE}/{practice.id}").get_data(as_text=True)
    finally:
        sections._SECTIONS.pop("test-section")
    assert loaded == [practice.id]
    assert '<h2 id="test-section-heading">MOUs and signatures</h2>' in page


# Population ---------------------------------------------------------------------------------

def test_population_page_warns_in_plain_words(client, login_as, network):
    factories.make_practice(network, 20_000)
    factories.make_practice(network, 7_400)
    db.session.commit()
    login_as("patient_panel_member")
    page = client.get(f"{BASE}/population").get_data(as_text=True)
    assert "Registered population 27,400 is below the 30,000 expected for a primary care home." in page
    assert "100.00%" in page


# Lists and queries --------------------------------------------------------------------------

def _add_partners(network, how_many):
    for _ in range(how_many):
        partner = factories.make_practice(network, 5_000)
        factories.make_list_size(partner, 5_100, date(2026, 1, 1))
        factories.make_contact(partner)
    db.session.commit()


def test_partner_list_costs_the_same_queries_however_many_partners(client, login_as, network, count_queries):
    login_as("board_member")
    _add_partners(network, 3)
    with count_queries() as few:
        assert client.get(f"{BASE}/").status_code == 200
    _add_partners(network, 27)
    with count_queries() as many:
        page = client.get(f"{BASE}/").get_data(as_text=True)
    assert few.count == many.count, many.statements
    assert "Showing 1 to 25 of 30" in page
    with count_queries() as second_page:
        page = client.get(f"{BASE}/?page=2").get_data(as_text=True)
    assert second_page.count == few.count and "Showing 26 to 30 of 30" in page


def test_partner_page_and_population_cost_fixed_queries(client, login_as, network, count_queries, practice):
    login_as("board_member")
    url = f"{BASE}/{practice.id}"
    with count_queries() as before:
        client.get(url)
    with count_queries() as population_before:
        client.get(f"{BASE}/population")
    for day in range(1, 9):
        factories.make_list_size(practice, 10_000 + day, date(2025, 5, day))
        factories.make_contact(practice)
    _add_partners(network, 5)
    with count_queries() as after:
        client.get(url)
    with count_queries() as population_after:
        client.get(f"{BASE}/population")
    assert before.count == after.count
    assert population_before.count == population_after.count


def test_search_and_filters(client, login_as, network):
    factories.make_practice(network, name="Oak Lane Surgery", ods_code="A81010")
    factories.make_partner(network, name="Vale Trust", kind="acute_trust", ods_code="RXX")
    db.session.commit()
    login_as("board_member")
    page = client.get(f"{BASE}/?q=oak").get_data(as_text=True)
    assert "Oak Lane Surgery" in page and "Vale Trust" not in page
    page = client.get(f"{BASE}/?kind=acute_trust&status=").get_data(as_text=True)
    assert "Vale Trust" in page and "Oak Lane Surgery" not in page
    assert "No partners match your search" in client.get(f"{BASE}/?q=zzz").get_data(as_text=True)
    assert client.get(f"{BASE}/?q=" + "x" * 500 + "&kind=%00&status=%ff&page=-3").status_code == 200


# Import and export --------------------------------------------------------------------------

def post_file(client, data: bytes, filename="partners.csv", what="partners"):
    return client.post(f"{BASE}/import", data={"what": what, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def hidden_fields(page: str) -> dict:
    """The hidden fields of the page's form (the confirm form of an import preview)."""
    fields = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in fields}


def confirm(client, preview_page: str, **changes):
    return client.post(f"{BASE}/import/confirm", data={**hidden_fields(preview_page), **changes},
                       content_type="multipart/form-data")


GOOD = b"name,kind,ods_code,list_size,list_size_as_of\nElm Tree Practice,GP practice,A81020,7400,2025-04-01\n" \
       b"Vale Trust,Acute trust,RXX,,\n"


def test_import_preview_then_confirm_once(client, login_as, network):
    login_as("board_secretary")
    response = post_file(client, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "All 2 rows are correct" in page and "Import 2 partners" in page
    assert count(Partner) == 0  # nothing saved by the preview
    response = confirm(client, page)
    assert response.status_code == 302
    assert "2 partners added." in client.get(response.location).get_data(as_text=True)
    assert count(Partner) == 2 and count(ListSize) == 1
    again = confirm(client, page)  # the same confirm sent twice: saved once
    assert again.status_code == 302 and count(Partner) == 2


def test_import_with_errors_saves_nothing_and_lists_every_problem(client, login_as, practice):
    login_as("board_secretary")
    bad = (b"name,kind,ods_code,list_size,website,contact_name,contact_email\n"
           b"New Surgery,GP practice,A81030,1000,,,\n"
           b"Copy,GP practice,A8101,x,nope,,bad-email\n")
    page = post_file(client, bad).get_data(as_text=True)
    assert "There is a problem" in page and "Nothing has been imported" in page
    summary = page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    for problem in ("Row 3: A GP practice&#39;s ODS code is a letter followed by 5 numbers",
                    "Row 3: List size &#39;x&#39; is not a whole number", "Row 3: Enter a website address",
                    "Row 3: Enter the contact&#39;s name", "Row 3: Enter an email address in the correct format"):
        assert problem in summary, problem
    assert summary.count('href="#row-3"') == 5
    assert re.search(r"Import \d", page) is None
    # confirming a tampered file re-checks it and still saves nothing
    response = confirm(client, page, what="partners", csv_text=bad.decode(), once="another")
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert count(Partner) == 1


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"name,kind\nA,Other\n", "partners.txt", "must be a CSV file"),
    (b"\x00\x01\x02garbage", "partners.csv", "not a CSV file"),
    ("name,kind\nA,Other\n".encode("utf-16"), "partners.csv", "not a CSV file"),
    (b"A,Other\nB,Other\n", "partners.csv", "Missing: name, kind"),
    (b"", "partners.csv", "The selected file is empty"),
    (b"x" * (200 * 1024 + 10), "partners.csv", "smaller than 200 KB"),
    (b'name,kind\n"unterminated,Other\nB,Other\n', "partners.csv",
     "Row 2 has a quote mark (&#34;) that is never closed"),
    (b'name,kind\n"A"B,Other\n', "partners.csv", "has more text after its closing quote mark"),
    (b"name," + b",".join(b"c%d" % i for i in range(60)) + b"\n", "partners.csv", "Row 1 has 61 columns"),
])
def test_import_never_fails_on_a_bad_file(client, login_as, network, data, filename, message):
    login_as("board_secretary")
    response = post_file(client, data, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "There is a problem" in page
    assert count(Partner) == 0


def test_a_file_over_the_limit_gets_the_imports_own_page(client, login_as, network):
    login_as("board_secretary")
    response = post_file(client, b"name,kind\n" + b"A,Other\n" * 40_000)  # 320 KB
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "must be smaller than 200 KB" in page and f'href="{BASE}/import"' in page
    assert '<header class="nhsuk-header' in page  # inside the layout
    assert count(Partner) == 0


def test_confirm_refuses_oversized_csv_text(client, login_as, network):
    login_as("board_secretary")
    big = "name,kind\n" + "A,Other\n" * 30_000  # 240,000 characters: more than any file we accept
    response = client.post(f"{BASE}/import/confirm", data={"what": "partners", "csv_text": big, "once": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "The file must be smaller than 200 KB" in response.get_data(as_text=True)
    huge = "name,kind\n" + "A,Other\n" * 100_000  # 800 KB: refused before it is read
    response = client.post(f"{BASE}/import/confirm", data={"what": "partners", "csv_text": huge})
    assert response.status_code == 413
    assert count(Partner) == 0


def test_import_without_a_file_or_with_a_bad_confirm(client, login_as, network):
    login_as("board_secretary")
    page = client.post(f"{BASE}/import", data={"what": "partners"}).get_data(as_text=True)
    assert "Select a CSV file" in page
    assert "Select what you are importing" in post_file(client, GOOD, what="nope").get_data(as_text=True)
    response = client.post(f"{BASE}/import/confirm", data={"what": "nope", "csv_text": GOOD.decode()})
    assert response.status_code == 302 and response.location.endswith("/partners/import")
    assert count(Partner) == 0


def test_import_list_sizes_through_the_page(client, login_as, practice):
    login_as("network_admin")
    csv_text = b"ods_code,list_size,as_of\nA81010,10500,2026-04-01\n"
    page = post_file(client, csv_text, what="list_sizes").get_data(as_text=True)
    assert "The row is correct" in page and re.search(r"Import 1 list size\s*<", page)
    response = confirm(client, page)
    assert response.status_code == 302 and count(ListSize) == 2
    assert "1 list size imported." in client.get(response.location).get_data(as_text=True)


def test_the_list_size_template_downloads_and_imports_back(client, login_as, network, practice):
    factories.make_partner(network, kind="other", ods_code="RYX")
    factories.make_practice(network, ods_code=None)
    db.session.commit()
    login_as("board_secretary")
    response = client.get(f"{BASE}/import/list-sizes-template.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="riverside-test-list-sizes.csv"' in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True)[1:].splitlines()
    assert lines == ["ods_code,practice,list_size,as_of", "A81010,Oak Lane Surgery,,"]
    filled = ("\n".join(lines) + "\n").replace("A81010,Oak Lane Surgery,,", "A81010,Oak Lane Surgery,10600,2026-10-01")
    page = post_file(client, filled.encode(), what="list_sizes").get_data(as_text=True)
    assert "Import 1 list size" in page
    sizes = count(ListSize)
    assert confirm(client, page).status_code == 302 and count(ListSize) == sizes + 1
    blank = post_file(client, response.data, what="list_sizes").get_data(as_text=True)
    assert "Nothing to import" in blank and count(ListSize) == sizes + 1


def test_the_export_imports_back_to_update_partners(client, login_as, practice):
    login_as("board_secretary")
    exported = client.get(f"{BASE}/export.csv").data
    unchanged = post_file(client, exported).get_data(as_text=True)
    assert "Nothing to import: every row is already in Accord as it is in the file" in unchanged
    edited = exported.decode("utf-8-sig").replace("Oak Lane Surgery", "Oak Lane Medical Centre").replace(
        ",10000,", ",10200,")
    page = post_file(client, edited.encode()).get_data(as_text=True)
    assert "Update" in page and "Name: &#39;Oak Lane Surgery&#39; to &#39;Oak Lane Medical Centre&#39;" in page
    assert "List size as of 1 April 2025: 10,200 (corrects 10,000)" in page
    assert count(ListSize) == 1  # nothing saved by the preview
    response = confirm(client, page)
    assert response.status_code == 302
    assert "1 partner updated." in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    partner = db.session.get(Partner, practice.id)
    assert partner.name == "Oak Lane Medical Centre" and partner.list_size_on(date(2026, 1, 1)).patients == 10_200


def test_an_import_whose_partners_changed_after_the_preview_saves_nothing(client, login_as, practice):
    login_as("board_secretary")
    edited = client.get(f"{BASE}/export.csv").data.decode("utf-8-sig").replace("Oak Lane Surgery", "Oak Lane One")
    page = post_file(client, edited.encode()).get_data(as_text=True)
    services.update_partner(practice, {"name": "Oak Lane Two", "kind": "gp_practice", "ods_code": "A81010"}, 1)
    db.session.commit()  # a colleague renames it meanwhile
    response = confirm(client, page)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "the partners changed after you checked the file" in text
    assert "Name: &#39;Oak Lane Two&#39; to &#39;Oak Lane One&#39;" in text  # the changes as they are now
    db.session.expire_all()
    assert db.session.get(Partner, practice.id).name == "Oak Lane Two"


@pytest.mark.parametrize("role", EDITORS + READERS)
def test_export_csv_shows_contact_details_only_to_staff(client, login_as, practice, role):
    login_as(role)
    response = client.get(f"{BASE}/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="riverside-test-partners.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so that Excel reads the file as UTF-8
    lines = text[1:].splitlines()
    assert lines[0].startswith("name,kind,ods_code")
    assert lines[1].startswith("Oak Lane Surgery,GP practice,A81010,")
    public = role in ("patient_panel_member", "observer")
    assert ("contact_email" in lines[0]) is not public and ("@example.org" in text) is not public


# The membership schedule PDF ----------------------------------------------------------------

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def words(text: str) -> str:
    return " ".join(text.split())


def issue(client, **data):
    page = client.get(f"{BASE}/membership-schedule").get_data(as_text=True)
    return client.post(f"{BASE}/membership-schedule", data={**hidden_fields(page), **data})


def test_secretary_previews_then_issues_the_membership_schedule(client, login_as, network, practice):
    factories.make_practice(network, 22_000, name="Elm Tree Practice")
    db.session.commit()
    member = login_as("board_secretary")
    page = client.get(f"{BASE}/membership-schedule").get_data(as_text=True)
    assert "Preview the schedule as a draft (PDF)" in page and "MS-20261123-" in page
    preview = client.get(f"{BASE}/membership-schedule/preview.pdf")
    assert preview.mimetype == "application/pdf" and preview.headers["Content-Disposition"].startswith("inline")
    draft = words(" ".join(pdf_pages(preview.data)))
    assert "DRAFT" in draft and "None: this is a draft, not issued" in draft
    assert f"Previewed by {member.user.full_name}, board secretary" in draft
    assert count(IssuedDocument) == 0  # a preview archives nothing

    response = issue(client)
    assert response.status_code == 302 and "/documents/jobs/" in response.location
    progress = client.get(response.location).get_data(as_text=True)
    assert "Partnership membership schedule" in progress and "Ready" in progress
    assert 'http-equiv="refresh"' not in progress  # finished: the page stops refreshing
    tenancy.activate(network.id)
    document = db.session.execute(select(IssuedDocument)).scalar_one()
    pages = pdf_pages(client.get(f"/n/riverside-test/documents/{document.id}.pdf").data)
    text = words(" ".join(pages))
    reference = re.search(r"MS-20261123-[0-9A-F]{6}", page).group()
    assert re.search(f"Document reference ?{reference}", text) and document.covers.endswith(reference)
    assert f"Issued by {member.user.full_name}, board secretary, 23 November 2026 at 09:30" in text
    assert "Oak Lane Surgery" in text and "Elm Tree Practice" in text
    assert "Total registered population 32,000" in text
    assert len(pages) == 1 and pages[0].count("Riverside Test Network") == 1  # the network's name once
    assert not re.search(rf"\b\d{{1,2}} ({MONTHS})\s*\n\s*\d{{4}}", "\n".join(pages))  # no wrapped dates


def test_issuing_the_same_schedule_again_the_same_day_asks_first(client, login_as, network, practice):
    login_as("board_secretary")
    assert issue(client).status_code == 302
    page = client.get(f"{BASE}/membership-schedule").get_data(as_text=True)
    assert "This schedule was already issued today" in page and "Issue it again" in page
    refused = issue(client)
    assert refused.status_code == 200 and count(IssuedDocument) == 1
    assert "The same schedule was issued 23 November 2026 at 09:30" in refused.get_data(as_text=True)
    assert 'href="#again"' in refused.get_data(as_text=True)
    assert issue(client, again="y").status_code == 302 and count(IssuedDocument) == 2
    factories.make_list_size(practice, 10_400, date(2026, 11, 1))  # the content changes: no question
    db.session.commit()
    assert "already issued today" not in client.get(f"{BASE}/membership-schedule").get_data(as_text=True)
    assert issue(client).status_code == 302 and count(IssuedDocument) == 3


# Who sees what --------------------------------------------------------------------------------

@pytest.mark.parametrize("role", EDITORS + READERS)
def test_contact_details_and_sign_in_emails_are_for_staff_only(client, login_as, network, practice, role):
    signatory = factories.make_signatory(network, practice)
    db.session.commit()
    login_as(role)
    page = client.get(f"{BASE}/{practice.id}").get_data(as_text=True)
    contact = db.session.get(PartnerContact, practice.contact_id)
    public = role in ("patient_panel_member", "observer")
    assert "Jo Bloggs" in page and signatory.user.full_name in page  # names are not contact details
    assert (contact.email in page) is not public
    assert (contact.phone in page) is not public
    assert (signatory.user.email in page) is not public
    assert ("Contact details are shown to network staff only." in page) is public


def test_the_overview_card_warns_staff_and_tells_observers_plainly(client, login_as, network):
    factories.make_practice(network, 20_000)
    db.session.commit()
    login_as("board_secretary")
    staff = client.get("/n/riverside-test/").get_data(as_text=True)
    assert "Registered population 20,000 is below the 30,000 expected" in staff and "nhsuk-card--warning" in staff
    readers = {}
    for role in ("observer", "patient_panel_member"):
        reader = client.application.test_client()
        member = factories.make_member(network, role)
        db.session.commit()
        reader.post("/sign-in", data={"email": member.user.email, "password": factories.PASSWORD})
        readers[role] = reader.get("/n/riverside-test/").get_data(as_text=True)
    observer = readers["observer"]
    assert "20,000 patients are registered with the network" in observer
    assert "expected" not in observer.split("Registered population")[1][:400] and "nhsuk-card--warning" not in observer
    assert "Registered population" not in readers["patient_panel_member"]  # a patient's overview is short


# Forms: every problem at once, in the NHS.UK words ------------------------------------------

WTFORMS_DEFAULTS = ("This field is required", "Field cannot be longer", "Field must be", "Not a valid",
                    "Invalid email", "Invalid input", "Invalid value")


def test_every_problem_of_the_new_partner_form_shows_in_one_round(client, login_as, network):
    login_as("board_secretary")
    page = client.post(f"{BASE}/new", data=partner_form(**{
        "name": "N" * 201, "ods_code": "A8102", "website": "nope", "address": "a" * 1001, "list_size": "lots",
        "status_from[day]": "31", "status_from[month]": "2", "list_size_as_of[month]": ""})).get_data(as_text=True)
    summary = page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    for message, anchor in [("Name must be 200 characters or fewer", "#name"),
                            ("letter followed by 5 numbers", "#ods_code"),
                            ("Address must be 1,000 characters or fewer", "#address"),
                            ("Enter a website address in the correct format", "#website"),
                            ("Date this status starts must be a real date", "#status_from-day"),
                            ("Enter the list size as a whole number, like 9200", "#list_size"),
                            ("Date the list size was taken must include a month", "#list_size_as_of-day")]:
        assert message in summary and f'href="{anchor}"' in summary, message
    assert count(Partner) == 0


@pytest.mark.parametrize(("patients", "day", "month", "year", "messages"), [
    ("lots", "31", "2", "2026", ["Enter the list size as a whole number", "Date the list size was taken must be a "
                                                                          "real date"]),
    ("lots", "1", "1", "2027", ["Enter the list size as a whole number",
                                "The date the list size was taken must be today or in the past"]),
    ("", "", "", "", ["Enter the registered list size", "Enter the date the list size was taken"]),
    ("9200", "1", "4", "1999", ["Year must be 2000 or later"]),
    ("9200", "1", "4", "26", ["Year must include 4 numbers"]),
    ("9200", "", "4", "2026", ["Date the list size was taken must include a day"]),
    ("9200", "", "", "2026", ["Date the list size was taken must include a day and month"]),
    ("-5", "1", "4", "2026", ["Enter the list size as a whole number"]),
])
def test_every_problem_of_the_list_size_form_shows_in_one_round(client, login_as, practice, patients, day, month,
                                                                year, messages):
    login_as("board_secretary")
    page = client.post(f"{BASE}/{practice.id}/list-size", data={
        "patients": patients, "as_of[day]": day, "as_of[month]": month, "as_of[year]": year}).get_data(as_text=True)
    assert "<title>Error: " in page
    summary = page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    for message in messages:
        assert message in summary
    assert summary.count("<li>") == len(messages)
    assert count(ListSize) == 1


def test_a_second_list_size_for_a_date_must_say_it_corrects_the_first(client, login_as, practice):
    login_as("board_secretary")
    data = {"patients": "10,100", "as_of[day]": "1", "as_of[month]": "4", "as_of[year]": "2025"}
    page = client.post(f"{BASE}/{practice.id}/list-size", data=data).get_data(as_text=True)
    assert "already has a list size of 10,000 as of 1 April 2025. To replace it, say that this corrects it" in page
    assert 'href="#corrects"' in page and count(ListSize) == 1
    same = client.post(f"{BASE}/{practice.id}/list-size", data={**data, "patients": "10000", "corrects": "y"})
    assert "A list size of 10,000 as of 1 April 2025 is already recorded" in same.get_data(as_text=True)
    assert client.post(f"{BASE}/{practice.id}/list-size", data={**data, "corrects": "y"}).status_code == 302
    page = client.get(f"{BASE}/{practice.id}").get_data(as_text=True)
    assert "10,100 patients as of 1 April 2025" in page and "1 April 2025 (correction)" in page


def test_no_partner_form_answers_with_a_wtforms_default_message(client, login_as, practice):
    login_as("board_secretary")
    junk = {key: "\x00" + "x" * 6000 for key in ("name", "kind", "ods_code", "address", "website", "notes", "status",
                                                  "decision_reference", "note", "list_size", "patients", "job_title",
                                                  "email", "phone", "what", "corrects", "again")}
    junk.update({f"{field}[{part}]": "x" for field in ("status_from", "list_size_as_of", "effective_on", "as_of")
                 for part in ("day", "month", "year")})
    for url in edit_get_routes(practice):
        if url.endswith((".csv", ".pdf")):
            continue
        response = client.post(url, data=junk)
        assert response.status_code < 500, url
        page = response.get_data(as_text=True)
        assert not [d for d in WTFORMS_DEFAULTS if d in page], url


def test_partner_text_is_escaped_on_every_partner_page(client, login_as, network):
    nasty = "<b>bold</b>"
    partner = factories.make_partner(network, name=f"Practice {nasty}", kind="other", ods_code=None,
                                     address=f"</textarea>{nasty}", notes=nasty)
    factories.make_status_change(partner, "active", decision_reference=nasty)
    factories.make_contact(partner, name=nasty, job_title=nasty)
    db.session.commit()
    login_as("board_secretary")
    for url in (f"{BASE}/", f"{BASE}/{partner.id}", f"{BASE}/{partner.id}/edit", f"{BASE}/population",
                f"{BASE}/{partner.id}/status", f"{BASE}/{partner.id}/contacts/{partner.contacts[0].id}"):
        assert "<b>bold" not in client.get(url).get_data(as_text=True), url
    conflict = client.post(f"{BASE}/{partner.id}/edit", data={
        "name": "Other name", "kind": "other", "address": nasty, "notes": nasty, "version": "0"})
    assert "Someone else saved" in conflict.get_data(as_text=True)
    assert "<b>bold" not in conflict.get_data(as_text=True)
    preview = post_file(client, b"name,kind\n<b>bold</b>,<b>bold</b>\n").get_data(as_text=True)
    assert "Unknown kind" in preview and "<b>bold" not in preview


def test_partner_pages_write_tables_summaries_and_cards_through_the_macros():
    """Issue 7: no hand-written tables, summary lists or cards are left in the partner templates."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "templates" / "partners"
    templates = [path for path in folder.glob("*.html")]
    assert len(templates) >= 10
    for path in templates:
        source = path.read_text()
        for hand_written in ("<table", "<tr", 'class="nhsuk-card', "nhsuk-summary-list", "summaryList("):
            assert hand_written not in source, f"{path.name}: {hand_written}"


@pytest.mark.parametrize(("path", "data", "model"), [
    ("contacts/new", {"name": "Sam Lee", "email": "sam@example.org"}, PartnerContact),
    ("status", {"status": "suspended", "effective_on[day]": "1", "effective_on[month]": "6",
                "effective_on[year]": "2026"}, PartnerStatusChange),
    ("list-size", {"patients": "10,500", "as_of[day]": "1", "as_of[month]": "6", "as_of[year]": "2026"}, ListSize),
])
def test_every_form_that_makes_a_record_is_accepted_once(client, login_as, practice, path, data, model):
    login_as("board_secretary")
    url = f"{BASE}/{practice.id}/{path}"
    token = hidden_fields(client.get(url).get_data(as_text=True))["once"]
    before = count(model)
    first = client.post(url, data={**data, "once": token})
    again = client.post(url, data={**data, "once": token})
    assert first.status_code == again.status_code == 302 and again.location == first.location
    assert count(model) == before + 1
