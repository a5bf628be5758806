"""Plain factory functions: each makes one record with sensible defaults and flushes."""

import itertools

from werkzeug.security import generate_password_hash

from governance.auth.models import User
from governance.core import clock
from governance.core.permissions import Role
from governance.extensions import db
from governance.networks.models import Membership, Network
from governance.partners.models import Partner, PartnerKind

PASSWORD = "correct-horse-battery"
# Still scrypt, at a lower cost than production so that signing in takes milliseconds in tests.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:4096:8:1")
_seq = itertools.count(1)


def make_network(**kw) -> Network:
    n = next(_seq)
    values = {"name": f"Test Network {n}", "slug": f"test-network-{n}",
              "care_model": "primary_care_home", "financial_year_start": 2026, "footprint": ""}
    values.update(kw)
    network = Network(**values)
    db.session.add(network)
    db.session.flush()
    return network


def make_user(**kw) -> User:
    n = next(_seq)
    values = {"email": f"user{n}@example.org", "full_name": f"Test User {n}",
              "password_hash": _PASSWORD_HASH}
    values.update(kw)
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    return user


def make_partner(network: Network, **kw) -> Partner:
    n = next(_seq)
    values = {"network_id": network.id, "name": f"Partner {n}", "kind": PartnerKind.GP_PRACTICE.value,
              "ods_code": f"G{n % 100000:05d}"}  # a letter no test or demo code uses: never a clash
    values.update(kw)
    partner = Partner(**values)
    db.session.add(partner)
    db.session.flush()
    return partner


def make_member(network: Network, role: Role | str = Role.BOARD_MEMBER, user: User | None = None,
                **kw) -> Membership:
    role = Role(role)
    if role == Role.PARTNER_REPRESENTATIVE and "partner_id" not in kw:
        kw["partner_id"] = make_partner(network).id
    membership = Membership(network_id=network.id, user_id=(user or make_user()).id, role=role.value, **kw)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_invitation(network: Network, email: str | None = None, role: Role | str = Role.BOARD_MEMBER,
                    **kw):
    """An invitation to `network`; returns (invitation, raw token for the link)."""
    from datetime import timedelta

    from governance.core import tokens
    from governance.networks.models import Invitation

    raw, hashed = tokens.new_token()
    values = {"network_id": network.id, "email": email or f"invitee{next(_seq)}@example.org",
              "role": Role(role).value, "token_hash": hashed, "expires_at": clock.now() + timedelta(days=7)}
    values.update(kw)
    invitation = Invitation(**values)
    db.session.add(invitation)
    db.session.flush()
    return invitation, raw


def make_document(network: Network, title: str = "Board terms of reference", pdf: bytes | None = None,
                  **kw):
    """An archived (issued) document with placeholder PDF bytes."""
    from governance.documents.services import archive_document

    kw.setdefault("kind", "terms_of_reference")
    kw.setdefault("actor", None)
    return archive_document(network, title=title, pdf=pdf or b"%PDF-1.7 test " + title.encode(), **kw)


def _next_revision(model, partner: Partner, day) -> int:
    """A second entry for the same partner and date is a correction: the next revision."""
    from sqlalchemy import func, select

    column = model.effective_on if hasattr(model, "effective_on") else model.as_of
    latest = db.session.execute(select(func.max(model.revision)).where(
        model.partner_id == partner.id, column == day).execution_options(all_networks=True)).scalar_one()
    return (latest or 0) + 1


def make_status_change(partner: Partner, status: str = "active", effective_on=None, **kw):
    """A membership status change for a partner (default: active from 1 April 2025)."""
    from datetime import date

    from governance.partners.models import PartnerStatusChange

    effective_on = effective_on or date(2025, 4, 1)
    kw.setdefault("revision", _next_revision(PartnerStatusChange, partner, effective_on))
    change = PartnerStatusChange(network_id=partner.network_id, partner_id=partner.id, status=status,
                                 effective_on=effective_on, **kw)
    db.session.add(change)
    db.session.flush()
    db.session.expire(partner, ["status_changes"])
    return change


def make_list_size(partner: Partner, patients: int = 10_000, as_of=None, **kw):
    """A registered list size for a GP practice (default: as of 1 April 2025)."""
    from datetime import date

    from governance.partners.models import ListSize

    as_of = as_of or date(2025, 4, 1)
    kw.setdefault("revision", _next_revision(ListSize, partner, as_of))
    size = ListSize(network_id=partner.network_id, partner_id=partner.id, patients=patients, as_of=as_of, **kw)
    db.session.add(size)
    db.session.flush()
    db.session.expire(partner, ["list_sizes"])
    return size


def make_contact(partner: Partner, **kw):
    from governance.partners.models import PartnerContact

    n = next(_seq)
    values = {"network_id": partner.network_id, "partner_id": partner.id, "name": f"Contact {n}",
              "job_title": "Practice manager", "email": f"contact{n}@example.org", "phone": "01632 960 000"}
    values.update(kw)
    contact = PartnerContact(**values)
    db.session.add(contact)
    db.session.flush()
    return contact


def make_practice(network: Network, patients: int = 10_000, joined=None, as_of=None, **kw) -> Partner:
    """An active GP practice with one list size."""
    practice = make_partner(network, kind=PartnerKind.GP_PRACTICE.value, **kw)
    make_status_change(practice, "active", joined)
    make_list_size(practice, patients, as_of)
    return practice


def make_signatory(network: Network, partner: Partner, user: User | None = None, **kw) -> Membership:
    """A partner representative who is an authorised signatory for `partner`."""
    kw.setdefault("job_title", "Chief executive")
    return make_member(network, Role.PARTNER_REPRESENTATIVE, user=user, partner_id=partner.id,
                       is_authorised_signatory=True, **kw)


def make_mou(network: Network, parties: list[Partner] | None = None, *, issued: bool = False,
             actor: User | None = None, **kw):
    """A draft MOU started from the clause library; issued for signature when `issued`."""
    from datetime import date

    from governance.mous import services as mou_services

    parties = parties or [make_partner(network), make_partner(network)]
    data = {"title": f"Test MOU {next(_seq)}", "purpose": "Working together on frailty care",
            "start_date": date(2026, 4, 1), "end_date": date(2028, 3, 31), "end_date_kind": "end",
            "parties": [p.id for p in parties]}
    data.update(kw)
    mou = mou_services.create_mou(network, data, actor)
    if issued:
        mou_services.issue_version(network, mou, actor, "127.0.0.1")
    return mou


def drop_append_only_guard(table: str) -> None:
    """What someone with direct database access does first to change an append-only row."""
    from sqlalchemy import text

    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
    else:
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def make_workstream(network: Network, **kw):
    """An active workstream (no RACI yet)."""
    from datetime import date

    from governance.accountability.models import Workstream

    values = {"network_id": network.id, "name": f"Workstream {next(_seq)}", "status": "active",
              "start_date": date(2025, 4, 1), "population": "Adults registered with the practices"}
    values.update(kw)
    workstream = Workstream(**values)
    db.session.add(workstream)
    db.session.flush()
    return workstream


def make_assignment(workstream, role: str = "R", partner: Partner | None = None,
                    membership: Membership | None = None, valid_from=None, valid_to=None, **kw):
    """A RACI assignment of a workstream (default: from 1 April 2025, open); a partner is made if nobody is named."""
    from datetime import date

    from governance.accountability.models import WorkstreamAssignment

    if partner is None and membership is None:
        partner = make_partner(db.session.get(Network, workstream.network_id))
    assignment = WorkstreamAssignment(
        network_id=workstream.network_id, workstream_id=workstream.id, role=role,
        partner_id=partner.id if partner else None, membership_id=membership.id if membership else None,
        valid_from=valid_from or date(2025, 4, 1), valid_to=valid_to, **kw)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def standard_role(network: Network, key: str = "caldicott_guardian"):
    """One of the standard lead roles every network starts with."""
    from sqlalchemy import select

    from governance.accountability.models import LeadRole

    return db.session.execute(select(LeadRole).where(LeadRole.network_id == network.id, LeadRole.key == key)
                              .execution_options(all_networks=True)).scalar_one()


def make_lead_role(network: Network, **kw):
    """One of the network's own lead roles."""
    from governance.accountability.models import LeadRole

    values = {"network_id": network.id, "name": f"Lead role {next(_seq)}", "required": True}
    values.update(kw)
    role = LeadRole(**values)
    db.session.add(role)
    db.session.flush()
    return role


def make_appointment(role, membership: Membership | None = None, person_name: str = "", term_start=None,
                     term_end=None, **kw):
    """Someone holding a lead role (default: a named person from 1 April 2025, term to 31 March 2028)."""
    from datetime import date

    from governance.accountability.models import LeadRoleAppointment

    appointment = LeadRoleAppointment(
        network_id=role.network_id, lead_role_id=role.id, membership_id=membership.id if membership else None,
        person_name=person_name or ("" if membership else f"Named Person {next(_seq)}"),
        term_start=term_start or date(2025, 4, 1),
        term_end=term_end if term_end is not None else date(2028, 3, 31), **kw)
    db.session.add(appointment)
    db.session.flush()
    return appointment
# Meetings ------------------------------------------------------------------------------------

def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    """A small valid PDF of blank A4 pages (pypdf), for meeting papers."""
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_board(network: Network, **kw):
    """A board (by default the network's board, meeting monthly)."""
    from governance.meetings.models import Board

    n = next(_seq)
    values = {"network_id": network.id, "name": f"Board {n}", "kind": "board", "frequency": "monthly",
              "purpose": "Oversees the network"}
    values.update(kw)
    board = Board(**values)
    db.session.add(board)
    db.session.flush()
    return board


def make_seat(board, membership: Membership | None = None, partner: Partner | None = None, **kw):
    """A seat on a board for a member (a new board member if none is given), from 1 April 2025."""
    from datetime import date

    from governance.meetings.models import BoardMember

    network = db.session.get(Network, board.network_id)
    membership = membership or make_member(network, Role.BOARD_MEMBER)
    values = {"network_id": board.network_id, "board_id": board.id, "membership_id": membership.id,
              "partner_id": partner.id if partner else None, "role": "member", "voting": True,
              "from_date": date(2025, 4, 1)}
    values.update(kw)
    seat = BoardMember(**values)
    db.session.add(seat)
    db.session.flush()
    return seat


def make_quorum_rule(board, **kw):
    """A quorum rule in force since 1 April 2025 (default: half the voting members)."""
    from datetime import date

    from governance.meetings.models import QuorumRule

    values = {"network_id": board.network_id, "board_id": board.id, "effective_from": date(2025, 4, 1),
              "fraction_numerator": 1, "fraction_denominator": 2, "kind_minimums": {}}
    values.update(kw)
    rule = QuorumRule(**values)
    db.session.add(rule)
    db.session.flush()
    return rule


def make_meeting(board, day=None, start: str = "10:00", end: str = "12:00", **kw):
    """A meeting of the board with the standing items (default: Thursday 10 December 2026, 10:00 to 12:00)."""
    from datetime import date

    from governance.meetings import scheduling

    network = db.session.get(Network, board.network_id)
    data = {"board_id": board.id, "day": day or date(2026, 12, 10), "start_time": start, "end_time": end,
            "place": "Riverside House, room 2", "video_link": "", "title": ""}
    data.update(kw)
    return scheduling.create_meeting(network, data, None)


def make_item(meeting, **kw):
    """An agenda item added before any other business."""
    from governance.meetings import agenda

    values = {"title": f"Item {next(_seq)}", "presenter": "", "purpose": "discussion", "duration_minutes": 15,
              "description": "", "confidential": False, "papers_public": False}
    values.update(kw)
    return agenda.add_item(meeting, values, None)


def make_paper(item, pages: int = 1, **kw):
    """A PDF paper on an agenda item."""
    import hashlib

    from governance.meetings.meeting_models import MeetingPaper

    content = kw.pop("content", None) or pdf_bytes(pages, text=kw.get("title", ""))
    values = {"network_id": item.network_id, "meeting_id": item.meeting_id, "agenda_item_id": item.id,
              "title": f"Paper {next(_seq)}", "author": "Finance lead", "filename": "paper.pdf",
              "content": content, "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
              "page_count": pages, "uploaded_at": clock.now()}
    values.update(kw)
    paper = MeetingPaper(**values)
    db.session.add(paper)
    db.session.flush()
    return paper


def make_attendance(meeting, seat, status: str = "present", **kw):
    from governance.meetings.meeting_models import MeetingAttendance

    values = {"network_id": meeting.network_id, "meeting_id": meeting.id, "board_member_id": seat.id,
              "status": status}
    values.update(kw)
    record = MeetingAttendance(**values)
    db.session.add(record)
    db.session.flush()
    return record


def make_feedback(network: Network, body: str = "The new phone line is much easier to get through on.", *,
                  sender: User | None = None, shown_name: str = "", status: str = "received", received_at=None,
                  **kw):
    """A feedback item with its original words (and its sender, when given); status dates filled in."""
    from datetime import timedelta

    from governance.engagement.models import Feedback, FeedbackOriginal, FeedbackSender

    received = received_at or clock.now()
    order = ["received", "acknowledged", "in_progress", "responded", "closed"]
    reached = order.index(status)
    values = {"network_id": network.id, "source": "panel", "topic": "Appointments", "shown_name": shown_name,
              "status": status, "received_at": received,
              "acknowledge_due": clock.local(received).date() + timedelta(days=3),
              "respond_due": clock.local(received).date() + timedelta(days=28),
              "acknowledged_at": received + timedelta(days=1) if reached >= 1 else None,
              "in_progress_at": received + timedelta(days=2) if reached >= 2 else None,
              "responded_at": received + timedelta(days=5) if reached >= 3 else None,
              "closed_at": received + timedelta(days=6) if reached >= 4 else None,
              "response": "We have changed the phone menu." if reached >= 3 else ""}
    values.update(kw)
    item = Feedback(**values)
    db.session.add(item)
    db.session.flush()
    db.session.add(FeedbackOriginal(network_id=network.id, feedback_id=item.id, body=body))
    if sender is not None:
        db.session.add(FeedbackSender(network_id=network.id, feedback_id=item.id, user_id=sender.id))
    db.session.flush()
    return item


def make_panel(network: Network, partner: Partner | None = None, **kw):
    from governance.engagement.models import PatientPanel

    values = {"network_id": network.id, "name": f"Panel {next(_seq)}", "kind": "practice" if partner else "network",
              "partner_id": partner.id if partner else None}
    values.update(kw)
    panel = PatientPanel(**values)
    db.session.add(panel)
    db.session.flush()
    return panel


def demo_records():
    """The demo's networks, accounts and foundation partners, read back from a test marked `demo`."""
    from sqlalchemy import select

    from governance.demo import Demo

    def network(slug):
        return db.session.execute(select(Network).where(Network.slug == slug)).scalar_one()

    seeded = Demo(riverside=network("riverside"), northgate=network("northgate"), password=PASSWORD)
    seeded.users = {user.email: user for user in db.session.execute(select(User)).scalars()}
    partners = db.session.execute(select(Partner).where(Partner.network_id == seeded.riverside.id)
                                  .execution_options(all_networks=True)).scalars()
    by_name = {partner.name: partner for partner in partners}
    seeded.partners = {"practice": by_name["Riverside Medical Centre"],
                       "trust": by_name["Riverside Community Health NHS Trust"]}
    return seeded


def make_decision(network: Network, reference: str | None = None, **kw):
    """A decision recorded as a chair's action of a board of the network (default: approved, 2 November 2026)."""
    from datetime import date

    from governance.decisions.models import Decision

    board_id = kw.pop("board_id", None) or make_board(network).id
    decided_on = kw.pop("decided_on", date(2026, 11, 2))
    number = next(_seq)
    values = {"network_id": network.id, "board_id": board_id, "route": "chairs_action", "decided_on": decided_on,
              "year": decided_on.year, "number": number,
              "reference": reference or f"TST-{decided_on.year}-{number:03d}",
              "title": f"Decision {number}", "resolution": "The board agrees.", "outcome": "approved",
              "affects": []}
    values.update(kw)
    decision = Decision(**values)
    db.session.add(decision)
    db.session.flush()
    return decision
