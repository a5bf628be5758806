"""MOU pages: status codes, permissions, tenancy, bad input and fixed query counts."""

import io
import re
from datetime import date, timedelta

import pypdf
import pytest
from sqlalchemy import select, text

from governance.core import tenancy
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.mous import comments, services
from governance.mous.models import (
    Mou,
    MouClause,
    MouComment,
    MouCommentInvitation,
    MouDecline,
    MouSignature,
    MouStatus,
)
from tests import factories
from tests.mous.conftest import pdf, png, sign

BASE = "/n/riverside-test/mous"
PNG = png()
ROLES = ["network_admin", "board_secretary", "board_member", "partner_representative", "patient_panel_member",
         "observer"]


def html(response) -> str:
    return response.get_data(as_text=True)


def version_of(mou, number=1):
    return services.get_version(mou, number)


def mou_data(partners, **changes):
    data = {"title": "Community pharmacy MOU", "parties": [p.id for p in partners], "purpose": "Working together",
            "start_date[day]": "1", "start_date[month]": "4", "start_date[year]": "2026",
            "end_date[day]": "31", "end_date[month]": "3", "end_date[year]": "2028", "end_date_kind": "end"}
    data.update(changes)
    return data


@pytest.fixture
def draft(network, parties, secretary):
    """An MOU never issued: only drafters and invited members may see it."""
    mou = factories.make_mou(network, list(parties), actor=secretary.user, title="Social prescribing MOU")
    db.session.commit()
    return mou


# ---------------------------------------------------------------- permissions

def _allowed(role, permission):
    from governance.core.permissions import Permission, role_can

    return role_can(role, Permission[permission])


ROUTES = [  # (method, path, permission needed)
    ("GET", "/", "MOUS_VIEW"),
    ("GET", "/new", "MOUS_DRAFT"),
    ("GET", "/reminders", "MOUS_DRAFT"),
    ("GET", "/awaiting-signature", "MOUS_SIGN"),
    ("GET", "/{mou}", "MOUS_VIEW"),
    ("GET", "/{mou}/edit", "MOUS_DRAFT"),
    ("GET", "/{mou}/draft", "MOUS_DRAFT"),  # others only when invited to comment
    ("GET", "/{mou}/draft.pdf", "MOUS_DRAFT"),
    ("GET", "/{mou}/clauses/new", "MOUS_DRAFT"),
    ("GET", "/{mou}/clauses/{clause}/edit", "MOUS_DRAFT"),
    ("POST", "/{mou}/clauses/{clause}/move/down", "MOUS_DRAFT"),
    ("GET", "/{mou}/commenters", "MOUS_DRAFT"),
    ("GET", "/{mou}/issue", "MOUS_DRAFT"),
    ("GET", "/{mou}/compare", "MOUS_VIEW"),
    ("GET", "/{mou}/end", "MOUS_DRAFT"),
    ("POST", "/{mou}/remind", "MOUS_DRAFT"),
    ("GET", "/{mou}/versions/1", "MOUS_VIEW"),
    ("GET", "/{mou}/versions/1.pdf", "MOUS_VIEW"),
    ("GET", "/{mou}/versions/1/sign", "MOUS_SIGN"),
    ("GET", "/{mou}/versions/1/decline", "MOUS_SIGN"),
    ("GET", "/{mou}/versions/1/wet-ink", "MOUS_DRAFT"),
    ("POST", "/{mou}/clauses/{clause}/delete", "MOUS_DRAFT"),
]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_enforces_its_permission(client, login_as, issued, role):
    login_as(role)
    clause = issued.clauses[0].id
    for method, path, permission in ROUTES:
        url = BASE + path.format(mou=issued.id, clause=clause)
        response = client.open(url, method=method, data={"body": "A comment"})
        if _allowed(role, permission):
            assert response.status_code not in (403, 404, 500), (method, path, response.status_code)
        else:
            assert response.status_code == 403, (method, path, response.status_code)


@pytest.mark.parametrize("role, invited, status", [
    ("observer", True, 403), ("patient_panel_member", False, 403), ("board_member", False, 403),
    ("partner_representative", False, 403), ("board_member", True, 302), ("board_secretary", False, 302)])
def test_commenting_needs_the_permission_and_an_invitation(client, login_as, draft, secretary, role, invited,
                                                           status):
    member = login_as(role)
    if invited:
        db.session.add(MouCommentInvitation(network_id=draft.network_id, mou_id=draft.id, user_id=member.user_id))
        db.session.commit()
    clause = draft.clauses[0]
    response = client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/comments",
                           data={f"clause-{clause.id}-body": "A comment"})
    assert response.status_code == status


def test_signed_out_visitors_are_asked_to_sign_in(client, issued):
    response = client.get(f"{BASE}/{issued.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_another_networks_mous_are_not_found(client, login_as, secretary):
    other = factories.make_network()
    tenancy.activate(other.id)
    partners = [factories.make_partner(other), factories.make_partner(other)]
    foreign = factories.make_mou(other, partners, issued=True)
    comment_clause = foreign.clauses[0].id
    tenancy.activate(None)
    db.session.commit()
    login_as("board_secretary")
    for path in ("", "/edit", "/draft", "/draft.pdf", "/issue", "/compare", "/commenters", "/end",
                 "/versions/1", "/versions/1.pdf", "/versions/1/executed.pdf", "/versions/1/wet-ink",
                 f"/clauses/{comment_clause}/edit"):
        assert client.get(f"{BASE}/{foreign.id}{path}").status_code == 404, path
    for path in ("/remind", f"/clauses/{comment_clause}/delete", f"/clauses/{comment_clause}/comments"):
        assert client.post(f"{BASE}/{foreign.id}{path}").status_code == 404, path


def test_another_networks_mous_are_not_found_for_signatories(client, login_as, parties):
    other = factories.make_network()
    tenancy.activate(other.id)
    foreign = factories.make_mou(other, [factories.make_partner(other), factories.make_partner(other)],
                                 issued=True)
    tenancy.activate(None)
    db.session.commit()
    login_as("partner_representative", partner_id=parties[0].id, is_authorised_signatory=True)
    assert client.get(f"{BASE}/{foreign.id}/versions/1/sign").status_code == 404
    assert client.post(f"{BASE}/{foreign.id}/versions/1/decline", data={"reason": "x"}).status_code == 404


def test_unknown_ids_and_versions_are_not_found(client, login_as, issued):
    login_as("board_secretary")
    for path in ("/999", f"/{issued.id}/versions/9", f"/{issued.id}/versions/9.pdf", "/abc",
                 f"/{issued.id}/versions/1/executed.pdf", f"/{issued.id}/signatures/999/evidence",
                 f"/{issued.id}/clauses/999/edit"):
        assert client.get(BASE + path).status_code == 404, path


def test_numbers_too_big_for_the_database_are_not_found(client, login_as, issued):
    login_as("board_secretary")
    huge = 10**30
    for path in (f"/{huge}", f"/{issued.id}/clauses/{huge}/edit", f"/{issued.id}/versions/{huge}",
                 f"/{issued.id}/versions/{huge}.pdf",
                 f"/{issued.id}/versions/{huge}/wet-ink", f"/{issued.id}/versions/{huge}/executed.pdf",
                 f"/{issued.id}/signatures/{huge}/evidence"):
        assert client.get(BASE + path).status_code == 404, path
    assert client.post(f"{BASE}/{issued.id}/comments/{huge}/resolve").status_code == 404
    response = client.post(f"{BASE}/{issued.id}/commenters", data={"membership_ids": str(huge)})
    assert response.status_code == 200 and "Choose members who can comment" in html(response)


def test_a_draft_never_issued_is_hidden_from_members_not_invited(client, login_as, draft, secretary):
    member = login_as("board_member")
    assert client.get(f"{BASE}/{draft.id}").status_code == 403
    assert client.get(f"{BASE}/{draft.id}/draft").status_code == 403
    assert "Social prescribing MOU" not in html(client.get(f"{BASE}/"))
    comments.invite_commenter(draft, member.id, secretary.user)
    db.session.commit()
    assert client.get(f"{BASE}/{draft.id}/draft").status_code == 200
    assert "Social prescribing MOU" in html(client.get(f"{BASE}/"))


# ---------------------------------------------------------------- drafting

def test_secretary_starts_an_mou_from_the_library(client, login_as, parties):
    login_as("board_secretary")
    response = client.post(f"{BASE}/new", data=mou_data(parties))
    assert response.status_code == 302
    mou = db.session.execute(select(Mou)).scalar_one()
    assert response.headers["Location"].endswith(f"/mous/{mou.id}/draft")
    page = html(client.get(f"{BASE}/{mou.id}/draft"))
    assert "Financial arrangements and risk/gain share" in page and "Dispute resolution" in page


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Enter the title of the MOU"),
    ({"parties": []}, "Choose at least two parties"),
    ({"parties": ["abc"]}, "Choose parties from this network&#39;s partners"),
    ({"parties": ["1", str(10**30)]}, "Choose parties from this network&#39;s partners"),
    ({"varies_id": str(10**30)}, "Choose an MOU of this network"),
    ({"title": "x" * 301}, "Title must be 300 characters or fewer"),
    ({"start_date[day]": "31", "start_date[month]": "2"}, "Start date must be a real date"),
    ({"end_date[year]": "2025"}, "The end or review date must be after the start date"),
    ({"end_date_kind": "forever"}, "Choose whether the MOU ends or is reviewed"),
    ({"varies_id": "999"}, "Choose an MOU of this network"),
])
def test_bad_mou_details_re_render_with_the_error_summary(client, login_as, parties, changes, message):
    login_as("board_secretary")
    response = client.post(f"{BASE}/new", data=mou_data(parties, **changes))
    assert response.status_code == 200
    assert "There is a problem" in html(response) and message in html(response)


def test_editing_details_refuses_a_stale_form(client, login_as, draft, parties):
    login_as("board_secretary")
    data = mou_data(parties, title="Renamed", version=str(draft.version))
    assert client.post(f"{BASE}/{draft.id}/edit", data=data).status_code == 302
    response = client.post(f"{BASE}/{draft.id}/edit", data={**data, "title": "Again"})
    assert response.status_code == 200 and "Someone else saved this record" in html(response)


def test_clauses_are_added_edited_moved_and_removed(client, login_as, draft):
    login_as("board_secretary")
    assert "Enter the clause heading" in html(client.post(f"{BASE}/{draft.id}/clauses/new",
                                                          data={"heading": "", "body": "x"}))
    response = client.post(f"{BASE}/{draft.id}/clauses/new",
                           data={"heading": "Safeguarding", "body": "Each partner **follows** its policy."})
    assert response.status_code == 302
    clause = next(c for c in draft.clauses if c.heading == "Safeguarding")
    response = client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/edit",
                           data={"heading": "Safeguarding", "body": "<script>x</script>", "version": "1"})
    assert response.status_code == 302
    page = html(client.get(f"{BASE}/{draft.id}/draft"))
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/move/up").status_code == 302
    assert client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/move/sideways").status_code == 404
    assert client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/delete").status_code == 302
    db.session.expire_all()
    assert all(c.heading != "Safeguarding" for c in draft.clauses)


def test_invited_member_comments_and_secretary_resolves(client, login_as, draft, secretary):
    member = login_as("board_member")
    comments.invite_commenter(draft, member.id, secretary.user)
    db.session.commit()
    clause = draft.clauses[1]
    url = f"{BASE}/{draft.id}/clauses/{clause.id}/comments"
    response = client.post(url, data={f"clause-{clause.id}-body": ""})
    assert response.status_code == 200 and "There is a problem" in html(response)
    assert "Enter your comment" in html(response)
    response = client.post(url, data={f"clause-{clause.id}-body": "Add the weekend hours."})
    assert response.status_code == 302
    comment = db.session.execute(select(MouComment)).scalar_one()
    assert comment.author_id == member.user_id and comment.is_open
    client.post("/sign-out")
    login_as("board_secretary")
    assert client.post(f"{BASE}/{draft.id}/comments/{comment.id}/resolve").status_code == 302
    db.session.expire_all()
    assert not comment.is_open
    assert "Resolved" in html(client.get(f"{BASE}/{draft.id}/draft"))


def test_secretary_invites_a_commenter(client, login_as, network, draft):
    login_as("board_secretary")
    reader = factories.make_member(network, "board_member")
    db.session.commit()
    response = client.post(f"{BASE}/{draft.id}/commenters", data={"membership_ids": str(reader.id)})
    assert response.status_code == 302
    assert reader.user.full_name in html(client.get(f"{BASE}/{draft.id}/commenters"))
    response = client.post(f"{BASE}/{draft.id}/commenters", data={})  # no box ticked
    assert response.status_code == 200 and "Choose at least one member to invite" in html(response)
    response = client.post(f"{BASE}/{draft.id}/commenters", data={"membership_ids": "99999"})
    assert response.status_code == 200 and "Choose members who can comment" in html(response)


# ---------------------------------------------------------------- issuing and comparing

def test_issuing_freezes_a_version_and_shows_its_integrity(client, login_as, draft):
    login_as("board_secretary")
    assert "Issue version 1 for signature" in html(client.get(f"{BASE}/{draft.id}/issue"))
    response = client.post(f"{BASE}/{draft.id}/issue")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{draft.id}/versions/1")
    page = html(client.get(f"{BASE}/{draft.id}/versions/1"))
    assert "Integrity check passed" in page and version_of(draft).content_hash in page
    response = client.post(f"{BASE}/{draft.id}/issue")
    assert response.status_code == 200 and "Nothing has changed since version 1" in html(response)


def test_compare_shows_clause_by_clause_changes(client, login_as, network, issued, secretary):
    scope = next(c for c in issued.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "Frailty only."}, scope.version)
    db.session.commit()
    login_as("board_secretary")
    page = html(client.get(f"{BASE}/{issued.id}/compare"))
    assert "Current draft" in page and "accord-diff" in page
    assert "<ins><span class=\"nhsuk-u-visually-hidden\">added: </span>Frailty" in page
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    db.session.commit()
    page = html(client.get(f"{BASE}/{issued.id}/compare?old=1&new=2"))
    assert "<del>" in page and "Frailty" in page
    assert client.get(f"{BASE}/{issued.id}/compare?old=zzz&new=%00").status_code == 200


# ---------------------------------------------------------------- signing

def test_signatory_sees_waiting_mous_and_signs(client, login_as, network, issued, parties, signatories):
    client.environ_base["HTTP_USER_AGENT"] = "Firefox test"
    member = login_as("partner_representative", partner_id=parties[0].id, is_authorised_signatory=True)
    assert "MOUs awaiting your signature" in html(client.get(f"{BASE}/"))
    assert "Frailty service MOU" in html(client.get(f"{BASE}/awaiting-signature"))
    page = html(client.get(f"{BASE}/{issued.id}/versions/1/sign"))
    assert "You are signing for" in page and "Riverside Medical Centre" in page and "Parties" in page
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data={
        "full_name": "Dr Helen Marsh", "job_title": "Senior partner", "confirm": "y", "different_name": "y",
        "password": factories.PASSWORD})
    assert response.status_code == 302
    signature = db.session.execute(select(MouSignature)).scalar_one()
    assert signature.user_id == member.user_id and signature.user_agent == "Firefox test"
    assert signature.ip_address == "127.0.0.1"
    assert "Nothing is waiting for your signature" in html(client.get(f"{BASE}/awaiting-signature"))


@pytest.mark.parametrize("changes, message", [
    ({"password": "wrong-password"}, "The password is not correct"),
    ({"password": ""}, "Enter your password"),
    ({"confirm": ""}, "Confirm that you have read this version"),
    ({"full_name": ""}, "Enter your full name"),
    ({"job_title": "   "}, "Enter your job title"),
])
def test_bad_signing_input_re_renders_with_the_error_summary(client, login_as, issued, parties, changes, message):
    login_as("partner_representative", partner_id=parties[0].id, is_authorised_signatory=True)
    data = {"full_name": "Dr Helen Marsh", "job_title": "Senior partner", "confirm": "y", "different_name": "y",
            "password": factories.PASSWORD, **changes}
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data=data)
    assert response.status_code == 200
    assert "There is a problem" in html(response) and message in html(response)
    assert db.session.execute(select(MouSignature)).first() is None


def test_refused_signatories_see_why(client, login_as, network, issued, parties, signatories):
    login_as("partner_representative", partner_id=parties[0].id, is_authorised_signatory=False)
    page = html(client.get(f"{BASE}/{issued.id}/versions/1/sign"))
    assert "You cannot sign this version" in page and "not an authorised signatory" in page
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data={
        "full_name": "A", "job_title": "B", "confirm": "y", "password": factories.PASSWORD})
    assert response.status_code == 200 and "not an authorised signatory" in html(response)
    outsider = factories.make_partner(network, name="Northgate Surgery")
    db.session.commit()
    client.post("/sign-out")
    login_as("partner_representative", partner_id=outsider.id, is_authorised_signatory=True)
    assert "Northgate Surgery is not a party" in html(client.get(f"{BASE}/{issued.id}/versions/1/sign"))


def test_double_signing_is_refused_in_the_page(client, login_as, network, issued, parties, signatories):
    sign(network, version_of(issued), signatories[0])
    db.session.commit()
    login_as("partner_representative", partner_id=parties[0].id, is_authorised_signatory=True)
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data={
        "full_name": "A", "job_title": "B", "confirm": "y", "password": factories.PASSWORD})
    assert response.status_code == 200 and "has already signed version 1" in html(response)


def test_decline_with_a_reason(client, login_as, issued, parties):
    login_as("partner_representative", partner_id=parties[1].id, is_authorised_signatory=True)
    response = client.post(f"{BASE}/{issued.id}/versions/1/decline", data={"reason": ""})
    assert response.status_code == 200 and "Enter the reason for declining" in html(response)
    response = client.post(f"{BASE}/{issued.id}/versions/1/decline", data={"reason": "Finance clause unclear"})
    assert response.status_code == 302
    assert db.session.execute(select(MouDecline)).scalar_one().reason == "Finance clause unclear"
    client.post("/sign-out")
    login_as("board_secretary")
    page = html(client.get(f"{BASE}/{issued.id}"))
    assert "Declined" in page and "Finance clause unclear" in page


def test_executed_mou_offers_the_archived_pdf(client, login_as, network, issued, signatories):
    for member in signatories:
        sign(network, version_of(issued), member)
    db.session.commit()
    login_as("observer")
    page = html(client.get(f"{BASE}/{issued.id}"))
    assert "Executed" in page and "Executed PDF with signing certificate" in page
    response = client.get(f"{BASE}/{issued.id}/versions/1/executed.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert len(response.headers["X-Content-SHA256"]) == 64
    pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "Signing certificate" in pdf_text
    for member in signatories:
        assert member.user.full_name in pdf_text


def test_pdfs_of_draft_and_version(client, login_as, issued):
    login_as("board_secretary")
    for path in ("/draft.pdf", "/versions/1.pdf"):
        response = client.get(f"{BASE}/{issued.id}{path}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), path


def test_purpose_keeps_its_paragraphs_and_inline_forms_repeat_no_ids(app, client, login_as, network, parties):
    login_as("board_secretary")
    mou = factories.make_mou(network, list(parties), purpose="First line\nsecond line\n\nNext")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in: the page's one-button forms carry real tokens
    page = html(client.get(f"{BASE}/{mou.id}/draft"))
    assert "<p>First line<br>second line</p><p>Next</p>" in page
    assert page.count('name="csrf_token"') > len(mou.clauses)
    assert 'id="csrf_token"' not in page  # many one-button forms on the page: an id would repeat


def test_tampered_version_page_shows_failed_integrity(client, login_as, issued):
    factories.drop_append_only_guard("mou_versions")
    db.session.execute(text("UPDATE mou_versions SET title = 'Altered' WHERE mou_id = :id"), {"id": issued.id})
    db.session.commit()
    login_as("board_member")
    page = html(client.get(f"{BASE}/{issued.id}/versions/1"))
    assert "Integrity check failed" in page


def test_a_signature_changed_in_the_database_fails_integrity_on_the_version_page(client, login_as, network,
                                                                                 issued, signatories):
    signature = sign(network, version_of(issued), signatories[0], full_name="Dr Helen Marsh")
    db.session.commit()
    login_as("board_member")
    page = html(client.get(f"{BASE}/{issued.id}/versions/1"))
    assert "Integrity check passed" in page and "every signature and decline still matches" in page
    factories.drop_append_only_guard("mou_signatures")
    db.session.execute(text("UPDATE mou_signatures SET signatory_title = 'Chair' WHERE id = :id"),
                       {"id": signature.id})
    db.session.commit()
    page = html(client.get(f"{BASE}/{issued.id}/versions/1"))
    assert "Integrity check failed" in page and "Integrity check passed" not in page
    assert "Signature for Riverside Medical Centre by Dr Helen Marsh: the record has changed" in page
    assert signature.record_hash in page
    assert "stored content no longer matches" not in page  # the text itself is untouched


# ---------------------------------------------------------------- wet ink, reminders, ending

def wet_ink_data(partner, data=PNG, filename="scan.png", **changes):
    today = date.today()
    values = {"partner_id": str(partner.id), "signatory_name": "Jo Bloggs", "signatory_title": "Director",
              "signed_on[day]": str(today.day), "signed_on[month]": str(today.month),
              "signed_on[year]": str(today.year), "evidence": (io.BytesIO(data), filename)}
    values.update(changes)
    return values


def test_secretary_records_a_wet_ink_signature_with_its_scan(client, login_as, issued, parties):
    login_as("board_secretary")
    url = f"{BASE}/{issued.id}/versions/1/wet-ink"
    response = client.post(url, data=wet_ink_data(parties[0], b"MZ fake executable", "scan.pdf"),
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "must be a PDF, PNG or JPEG" in html(response)
    response = client.post(url, data={k: v for k, v in wet_ink_data(parties[0]).items() if k != "evidence"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "Choose the scan of the signed page" in html(response)
    response = client.post(url, data=wet_ink_data(parties[0]), content_type="multipart/form-data")
    assert response.status_code == 302
    signature = db.session.execute(select(MouSignature)).scalar_one()
    evidence = client.get(f"{BASE}/{issued.id}/signatures/{signature.id}/evidence")
    assert evidence.status_code == 200 and evidence.mimetype == "image/png" and evidence.data == PNG
    assert "attachment" in evidence.headers["Content-Disposition"]


def test_reminders_and_sending_them(client, login_as, issued, signatories):
    login_as("board_secretary")
    page = html(client.get(f"{BASE}/reminders"))
    assert "Riverside Medical Centre" in page and "Riverside Community Trust" in page and "0 days" in page
    response = client.post(f"{BASE}/{issued.id}/remind?next={BASE}/reminders")
    assert response.status_code == 302 and response.headers["Location"].endswith("/mous/reminders")
    assert "Reminder sent to 2 signatories" in html(client.get(f"{BASE}/reminders"))


def test_ending_an_mou(client, login_as, issued):
    login_as("board_secretary")
    response = client.post(f"{BASE}/{issued.id}/end", data={"outcome": "exploded", "reason": ""})
    assert response.status_code == 200 and "There is a problem" in html(response)
    assert "Choose whether the MOU was terminated or superseded" in html(response)
    response = client.post(f"{BASE}/{issued.id}/end", data={"outcome": "terminated", "reason": "Service closed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert issued.status == MouStatus.TERMINATED
    assert "Service closed" in html(client.get(f"{BASE}/{issued.id}"))


# ---------------------------------------------------------------- lists: paginated, fixed queries

def _make_mous(network, parties, secretary, count):
    for n in range(count):
        factories.make_mou(network, list(parties), issued=True, actor=secretary.user, title=f"MOU {n:03d}")
    db.session.commit()


@pytest.mark.parametrize("role, path", [
    ("board_secretary", "/"), ("board_member", "/"), ("board_secretary", "/reminders"),
    ("partner_representative", "/awaiting-signature"),
])
def test_lists_use_a_fixed_number_of_queries(client, login_as, count_queries, network, parties, secretary,
                                             role, path):
    fields = {"partner_id": parties[0].id, "is_authorised_signatory": True} \
        if role == "partner_representative" else {}
    login_as(role, **fields)
    counts = []
    for size in (3, 30):
        _make_mous(network, parties, secretary, size - (counts and 3 or 0))
        with count_queries() as counter:
            response = client.get(BASE + path)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert "Showing 1 to" in html(response) and "Next" in html(response)


def test_mou_pages_use_a_fixed_number_of_queries(client, login_as, count_queries, network, issued, signatories,
                                                 secretary):
    """More versions, clauses, comments and signatures do not mean more queries."""
    login_as("board_secretary")
    paths = ["", "/draft", "/versions/1", "/issue", "/compare", "/versions/1/wet-ink"]

    def grow(start):
        for n in range(start, start + 3):
            services.add_clause(issued, f"Extra {n}", "Text")
            comments.add_comment(issued, issued.clauses[n], "A comment", secretary)
            services.issue_version(network, issued, secretary.user, "127.0.0.1")
        sign(network, version_of(issued, issued.issued_count), signatories[0])
        db.session.commit()

    def measure():
        counts = {}
        for path in paths:
            with count_queries() as counter:
                assert client.get(f"{BASE}/{issued.id}{path}").status_code == 200
            counts[path] = counter.count
        return counts

    grow(0)
    before = measure()
    grow(3)
    assert measure() == before


def test_partner_page_shows_the_partners_mous(client, login_as, network, issued, parties, signatories):
    sign(network, version_of(issued), signatories[0])
    login_as("board_member")
    page = client.get(f"/n/{network.slug}/partners/{parties[0].id}").get_data(as_text=True)
    assert "MOUs and signatures" in page
    assert "Frailty service MOU" in page and "Signed version 1" in page and "Partly signed" in page


def test_partner_page_hides_mous_from_roles_that_cannot_read_them(client, login_as, network, issued, parties):
    login_as("patient_panel_member")
    page = client.get(f"/n/{network.slug}/partners/{parties[0].id}").get_data(as_text=True)
    assert "MOUs and signatures" not in page and "Frailty service MOU" not in page


def test_the_issue_page_warns_about_library_placeholders_left_in_the_draft(client, login_as, draft):
    from governance.mous import services as mou_services
    from governance.mous import text as mou_text

    login_as("board_secretary")
    page = html(client.get(f"{BASE}/{draft.id}/issue"))
    assert "Some clauses still have placeholders" in page and "[quarterly]" in page
    for clause in draft.clauses:
        filled = mou_text.PLACEHOLDER.sub(lambda m: m[1], clause.body)
        mou_services.update_clause(clause, {"heading": clause.heading, "body": filled}, clause.version)
    db.session.commit()
    assert "Some clauses still have placeholders" not in html(client.get(f"{BASE}/{draft.id}/issue"))


def test_issuing_refuses_a_draft_that_changed_after_the_page_was_opened(client, login_as, draft):
    import re

    login_as("board_secretary")
    page = html(client.get(f"{BASE}/{draft.id}/issue"))
    shown = re.search(r'name="draft_fingerprint" value="([0-9a-f]{64})"', page)[1]
    scope = next(c for c in draft.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "Changed by someone else."}, scope.version)
    db.session.commit()

    response = client.post(f"{BASE}/{draft.id}/issue", data={"draft_fingerprint": shown})
    assert response.status_code == 200 and "Someone changed the draft after you opened this page" in html(response)
    assert draft.issued_count == 0
    fresh = re.search(r'name="draft_fingerprint" value="([0-9a-f]{64})"', html(response))[1]
    assert fresh != shown
    response = client.post(f"{BASE}/{draft.id}/issue", data={"draft_fingerprint": fresh})
    assert response.status_code == 302


# ---------------------------------------------------------------- issue 7: the clause form after an edit conflict

def test_a_second_editor_sees_the_colleagues_clause_and_overwrites_nothing(client, login_as, draft):
    login_as("board_secretary")
    clause = next(c for c in draft.clauses if c.key == "scope")
    url = f"{BASE}/{draft.id}/clauses/{clause.id}/edit"
    opened_at = str(clause.version)  # both editors open the form
    first = client.post(url, data={"heading": "Scope", "body": "The colleague's scope.", "version": opened_at})
    assert first.status_code == 302

    second = client.post(url, data={"heading": "Scope", "body": "My own scope.", "version": opened_at})
    page = html(second)
    assert second.status_code == 200 and "Someone else saved this record" in page
    assert "The latest saved details" in page and "The colleague&#39;s scope." in page
    assert "My own scope." in page  # the form keeps what I typed
    db.session.expire_all()
    assert db.session.get(MouClause, clause.id).body == "The colleague's scope."

    fresh = re.search(r'name="version" value="(\d+)"', page)[1]
    assert client.post(url, data={"heading": "Scope", "body": "My own scope.", "version": fresh}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MouClause, clause.id).body == "My own scope."


# ---------------------------------------------------------------- issue 9: clauses

def test_removing_a_clause_asks_first(client, login_as, draft):
    login_as("board_secretary")
    clause = next(c for c in draft.clauses if c.key == "workforce")
    page = html(client.get(f"{BASE}/{draft.id}/draft"))
    assert "nhsuk-button--warning" not in page  # no red button under every clause
    assert f'href="{BASE}/{draft.id}/clauses/{clause.id}/delete"' in page
    confirm_page = html(client.get(f"{BASE}/{draft.id}/clauses/{clause.id}/delete"))
    assert "Remove the clause &#34;Workforce&#34;?" in confirm_page or 'Remove the clause "Workforce"?' in confirm_page
    assert "No, keep it" in confirm_page
    db.session.expire_all()
    assert any(c.key == "workforce" for c in draft.clauses)  # asking removed nothing
    assert client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/delete").status_code == 302
    db.session.expire_all()
    assert all(c.key != "workforce" for c in draft.clauses)


def test_add_a_clause_from_the_library(client, login_as, draft):
    login_as("board_secretary")
    services.delete_clause(next(c for c in draft.clauses if c.key == "conflicts"))
    db.session.commit()
    page = html(client.get(f"{BASE}/{draft.id}/clauses/new"))
    assert f"{BASE}/{draft.id}/clauses/new?from=conflicts" in page and "Conflicts of interest" in page
    form = html(client.get(f"{BASE}/{draft.id}/clauses/new?from=conflicts"))
    assert 'value="Conflicts of interest"' in form and "Board members declare their interests" in form
    assert 'name="library_key" value="conflicts"' in form
    response = client.post(f"{BASE}/{draft.id}/clauses/new", data={
        "heading": "Conflicts of interest", "body": "Declared at every meeting.", "library_key": "conflicts"})
    assert response.status_code == 302
    db.session.expire_all()
    assert next(c for c in draft.clauses if c.heading == "Conflicts of interest").key == "conflicts"
    assert "Start from the clause library" not in html(client.get(f"{BASE}/{draft.id}/clauses/new"))


def test_a_clause_with_no_text_is_flagged_and_cannot_be_issued(client, login_as, draft):
    login_as("board_secretary")
    scope = next(c for c in draft.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": ""}, scope.version)
    db.session.commit()
    assert "This clause has no text yet" in html(client.get(f"{BASE}/{draft.id}/draft"))
    assert "Some clauses have no text" in html(client.get(f"{BASE}/{draft.id}/issue"))
    response = client.post(f"{BASE}/{draft.id}/issue")
    assert response.status_code == 200 and "has no text. Write its text or remove the clause" in html(response)
    assert draft.issued_count == 0


def test_issuing_twice_with_one_form_makes_one_version(client, login_as, draft):
    login_as("board_secretary")
    page = html(client.get(f"{BASE}/{draft.id}/issue"))
    data = {"draft_fingerprint": re.search(r'name="draft_fingerprint" value="([0-9a-f]{64})"', page)[1],
            "once": re.search(r'name="once" value="([^"]+)"', page)[1]}
    first, again = client.post(f"{BASE}/{draft.id}/issue", data=data), client.post(f"{BASE}/{draft.id}/issue",
                                                                                  data=data)
    assert first.status_code == again.status_code == 302 and again.location == first.location
    db.session.expire_all()
    assert draft.issued_count == 1 and len(services.versions_of(draft)) == 1


def test_compare_shows_rendered_text_and_a_clause_changed_too_much_as_replaced(client, login_as, network, issued,
                                                                              secretary):
    scope = next(c for c in issued.clauses if c.key == "scope")
    words = ("care", "team", "plan")
    services.update_clause(scope, {"heading": scope.heading, "body": " ".join(words[i % 3] for i in range(1040))},
                           scope.version)
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    services.update_clause(scope, {"heading": scope.heading, "body": " ".join(
        "role" if i % 3 == 1 else words[i % 3] for i in range(1040))}, scope.version)
    finance = next(c for c in issued.clauses if c.key == "finance")
    services.update_clause(finance, {"heading": finance.heading, "body": "Funded by **the ICB**."}, finance.version)
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    db.session.commit()
    login_as("board_member")
    page = html(client.get(f"{BASE}/{issued.id}/compare?old=2&new=3"))
    assert "1 clause changed too much to show word by word" in page and "(shown as replaced)" in page
    assert "the ICB" in page and "**the ICB**" not in page


# ---------------------------------------------------------------- issue 8: readers see only what was issued

def test_unissued_draft_changes_do_not_reach_readers(client, login_as, network, issued, parties):
    newcomer = factories.make_partner(network, name="Northgate Pharmacy")
    services.update_mou(issued, {"title": "Secret new title", "purpose": "P", "start_date": date(2027, 1, 1),
                                 "end_date": date(2031, 12, 31), "end_date_kind": "end",
                                 "parties": [p.id for p in (*parties, newcomer)]}, issued.version)
    db.session.commit()
    login_as("board_member")
    pages_seen = [html(client.get(url)) for url in (
        f"{BASE}/", f"{BASE}/{issued.id}", f"{BASE}/{issued.id}/compare", f"{BASE}/{issued.id}/versions/1",
        f"/n/{network.slug}/partners/{newcomer.id}", f"/n/{network.slug}/partners/{parties[0].id}")]
    for page in pages_seen:
        assert "Secret new title" not in page and "31 December 2031" not in page
    assert "Frailty service MOU" in pages_seen[0] and "Northgate Pharmacy" not in pages_seen[0]
    assert "Northgate Pharmacy" not in pages_seen[1]
    assert "Frailty service MOU" not in pages_seen[4]  # the new party's page: not a party to anything issued
    client.post("/sign-out")
    login_as("board_secretary")
    assert "Secret new title" in html(client.get(f"{BASE}/{issued.id}/draft"))


# ---------------------------------------------------------------- issue 9: in force, variations

def test_the_mou_page_shows_the_version_in_force_and_its_variations(client, login_as, network, issued, parties,
                                                                   signatories, secretary):
    for member in signatories:
        sign(network, version_of(issued), member)
    services.add_clause(issued, "Safeguarding", "Each partner follows its own policy.")
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    variation = factories.make_mou(network, list(parties), issued=True, actor=secretary.user, title="weekend cover",
                                   varies_id=issued.id)
    db.session.commit()
    login_as("board_member")
    page = html(client.get(f"{BASE}/{issued.id}"))
    assert "In force: version 1 (executed 23 November 2026); version 2 awaiting signatures" in page
    assert "Variations" in page and "Frailty service MOU — variation 1: weekend cover" in page
    assert "In force until version 2 is executed" in html(client.get(f"{BASE}/{issued.id}/versions/1"))
    partner_page = html(client.get(f"/n/{network.slug}/partners/{parties[0].id}"))
    assert "In force: version 1, executed 23 November 2026. Version 2 awaiting signature" in partner_page
    variation_page = html(client.get(f"{BASE}/{variation.id}"))
    assert "Variation 1 of" in variation_page and "Frailty service MOU — variation 1: weekend cover" in variation_page
    client.post("/sign-out")
    login_as("board_secretary")
    services.add_clause(issued, "Data", "Shared under the data sharing agreement.")
    db.session.commit()
    issue_page = html(client.get(f"{BASE}/{issued.id}/issue"))
    assert "Version 1 is the executed agreement (executed 23 November 2026)" in issue_page
    assert "It stays in force, and the parties remain bound by it, until version 3 is executed" in issue_page
    assert "Version 2 will be superseded" in issue_page


# ---------------------------------------------------------------- issue 9: commenting

def test_invite_several_withdraw_set_a_deadline_and_reply(client, login_as, network, draft, frozen_clock):
    login_as("board_secretary")
    readers = [factories.make_member(network, "board_member") for _ in range(2)]
    db.session.commit()
    response = client.post(f"{BASE}/{draft.id}/commenters", data={
        "membership_ids": [str(r.id) for r in readers], "due_on[day]": "4", "due_on[month]": "12",
        "due_on[year]": "2026"})
    assert response.status_code == 302
    page = html(client.get(f"{BASE}/{draft.id}/commenters"))
    assert all(r.user.full_name in page for r in readers) and "2 members invited to comment" in page
    invitation = db.session.execute(select(MouCommentInvitation).where(
        MouCommentInvitation.user_id == readers[0].user_id)).scalar_one()
    assert client.post(f"{BASE}/{draft.id}/commenters/{invitation.id}/withdraw").status_code == 302
    assert db.session.execute(select(MouCommentInvitation)).scalars().all()[0].user_id == readers[1].user_id
    response = client.post(f"{BASE}/{draft.id}/comments-due", data={
        "due_on[day]": "1", "due_on[month]": "1", "due_on[year]": "2020"})
    assert response.status_code == 200 and "today or in the future" in html(response)

    client.post("/sign-out")
    client.post("/sign-in", data={"email": readers[1].user.email, "password": factories.PASSWORD})
    assert "Comments are due by 4 December 2026" in html(client.get(f"{BASE}/{draft.id}/draft"))
    clause = draft.clauses[1]
    client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/comments", data={f"clause-{clause.id}-body": "Which hours?"})
    question = db.session.execute(select(MouComment)).scalar_one()
    response = client.post(f"{BASE}/{draft.id}/comments/{question.id}/reply",
                           data={f"reply-{question.id}-body": ""})
    assert response.status_code == 200 and "Enter your reply" in html(response)
    response = client.post(f"{BASE}/{draft.id}/comments/{question.id}/reply",
                           data={f"reply-{question.id}-body": "Also weekends?"})
    assert response.status_code == 302
    reply = db.session.execute(select(MouComment).where(MouComment.reply_to_id == question.id)).scalar_one()
    assert f'id="comment-{reply.id}"' in html(client.get(f"{BASE}/{draft.id}/draft"))

    frozen_clock.shift(timedelta(days=12))  # after 4 December
    client.post("/sign-in", data={"email": readers[1].user.email, "password": factories.PASSWORD})  # idle: ended
    page = html(client.get(f"{BASE}/{draft.id}/draft"))
    assert "Comments closed on 4 December 2026" in page and "Add comment" not in page
    response = client.post(f"{BASE}/{draft.id}/clauses/{clause.id}/comments",
                           data={f"clause-{clause.id}-body": "Too late"})
    assert response.status_code == 200 and "Comments on this draft closed on 4 December 2026" in html(response)


# ---------------------------------------------------------------- issue 9: reminders

def test_reminders_page_flags_parties_without_a_signatory_and_reminds_once_a_day(client, login_as, network, parties,
                                                                                signatories, secretary):
    hospice = factories.make_partner(network, name="Riverside Hospice")
    mou = factories.make_mou(network, [*parties, hospice], issued=True, actor=secretary.user)
    db.session.commit()
    login_as("board_secretary")
    page = html(client.get(f"{BASE}/reminders"))
    assert "None recorded" in page and "Not yet" in page
    client.post(f"{BASE}/{mou.id}/remind?next={BASE}/reminders")
    page = html(client.get(f"{BASE}/reminders"))
    assert "Reminder sent to 2 signatories" in page and "Not reminded: Riverside Hospice" in page
    assert "23 November 2026" in page  # last reminded
    client.post(f"{BASE}/{mou.id}/remind")
    show = html(client.get(f"{BASE}/{mou.id}"))
    assert "already reminded today" in show and "Last reminded 23 November 2026" in show
    assert "No authorised signatory" in show


# ---------------------------------------------------------------- issue 9: signatures tied to people

def test_the_sign_page_is_prefilled_and_says_who_signs_and_how(client, login_as, issued, parties):
    member = login_as("partner_representative", partner_id=parties[0].id, is_authorised_signatory=True,
                      job_title="Senior partner")
    page = html(client.get(f"{BASE}/{issued.id}/versions/1/sign"))
    assert f'value="{member.user.full_name}"' in page and 'value="Senior partner"' in page
    assert 'href="#signature"' in page and 'id="signature"' in page
    assert "you agree to sign this MOU electronically" in page and member.user.email in page
    assert "and I agree to sign it electronically" in page
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data={
        "full_name": "Mickey Mouse", "job_title": "Chief Mouse", "confirm": "y", "password": factories.PASSWORD})
    page = html(response)
    assert response.status_code == 200 and "not the name on your Accord account" in page
    assert "I sign under the name I typed" in page
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data={
        "full_name": "Mickey Mouse", "job_title": "Chief Mouse", "confirm": "y", "different_name": "y",
        "password": factories.PASSWORD})
    assert response.status_code == 302 and response.location.endswith("#next-steps")
    page = html(client.get(f"{BASE}/{issued.id}/versions/1"))
    assert "What happens next" in page and "1 of 2 parties have signed. Still to sign: Riverside Community" in page
    assert f"Account: {member.user.full_name} ({member.user.email})" in page
    assert "re-entered their password" in page and "The typed name is not the account's name" in page


def test_a_new_version_shows_what_changed_since_the_version_signed(client, login_as, network, issued, parties,
                                                                  signatories, secretary):
    sign(network, version_of(issued), signatories[0])
    scope = next(c for c in issued.clauses if c.key == "scope")
    services.update_clause(scope, {"heading": scope.heading, "body": "The frailty service, seven days a week."},
                           scope.version)
    services.issue_version(network, issued, secretary.user, "127.0.0.1")
    db.session.commit()
    client.post("/sign-in", data={"email": signatories[0].user.email, "password": factories.PASSWORD})
    page = html(client.get(f"{BASE}/{issued.id}/versions/2/sign"))
    assert "What has changed since version 1, which Riverside Medical Centre signed" in page
    assert "seven days a week" in page and "(changed)" in page


def test_everyone_is_told_when_the_mou_is_executed(client, login_as, network, issued, parties, signatories):
    sign(network, version_of(issued), signatories[1])
    db.session.commit()
    client.post("/sign-in", data={"email": signatories[0].user.email, "password": factories.PASSWORD})
    response = client.post(f"{BASE}/{issued.id}/versions/1/sign", data={
        "full_name": signatories[0].user.full_name, "job_title": "Partner", "confirm": "y",
        "password": factories.PASSWORD})
    assert response.status_code == 302
    page = html(client.get(f"{BASE}/{issued.id}/versions/1"))
    assert "version 1 is executed and is now the version in force" in page
    assert "have been emailed the executed PDF" in page
    sent = db.session.execute(select(OutboxMessage).where(OutboxMessage.template == "mou_executed")).scalars().all()
    assert {m.to_address for m in sent} >= {s.user.email for s in signatories}


def test_a_wet_ink_pdf_with_javascript_is_refused_in_the_form(client, login_as, issued, parties):
    login_as("board_secretary")
    response = client.post(f"{BASE}/{issued.id}/versions/1/wet-ink",
                           data=wet_ink_data(parties[0], pdf(javascript="app.alert(1)"), "scan.pdf"),
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "contains scripts, automatic actions or embedded files" in html(response)
    assert db.session.execute(select(MouSignature)).first() is None
