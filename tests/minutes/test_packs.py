"""The board pack ends with the minutes of the board's previous meeting: the draft (watermarked) until they
are approved, then the approved minutes; the public version for a reader who may not read them in full."""

import io
from datetime import date

import pypdf
from sqlalchemy import select

from governance.documents.models import IssuedDocument
from governance.extensions import db
from governance.meetings import agenda, packs
from governance.meetings.access import Viewer
from governance.minutes import services
from tests import factories
from tests.meetings.test_packs_and_calendars import outline
from tests.minutes.test_services import _draft, pdf_text


def _pack_of(setting, meeting) -> bytes:
    packs.request_pack(setting.held.network, meeting, None)
    db.session.commit()  # the worker runs once the request commits (at once, in tests)
    document = db.session.execute(select(IssuedDocument).where(IssuedDocument.kind == packs.PACK_KIND)
                                  .order_by(IssuedDocument.id.desc())).scalars().first()
    db.session.refresh(document, ["pdf"])
    return document.pdf


def _next_meeting(setting):
    meeting = factories.make_meeting(setting.held.board, day=date(2026, 12, 10))
    factories.make_paper(factories.make_item(meeting, title="Finance report"), pages=3, title="Month 8 finance")
    db.session.commit()
    return meeting


def test_without_previous_minutes_nothing_is_appended(setting):
    reader = pypdf.PdfReader(io.BytesIO(_pack_of(setting, _next_meeting(setting))))
    assert len(reader.pages) == 2 + 3
    titles = [entry[0] for entry in outline(reader) if isinstance(entry, tuple)]
    assert not any(title.startswith("Minutes of the previous meeting (") for title in titles)
    assert ("3. Minutes of the previous meeting", 2) in outline(reader)


def test_the_pack_ends_with_the_draft_minutes_of_the_previous_meeting(setting):
    _draft(setting)
    meeting = _next_meeting(setting)  # the "extra" meeting of 21 November has no minutes: 19 November's count
    draft = pypdf.PdfReader(io.BytesIO(services.draft_pdf(setting.held.network, setting.held.meeting,
                                                          services.minutes_of(setting.held.meeting))))
    reader = pypdf.PdfReader(io.BytesIO(_pack_of(setting, meeting)))
    minutes_pages = len(draft.pages)
    assert len(reader.pages) == 2 + 3 + minutes_pages
    marks = outline(reader)
    assert marks[-1] == ("Minutes of the previous meeting (19 November 2026)", 6)
    assert ("3. Minutes of the previous meeting", 6) in marks
    assert ("5. Finance report", 3) in marks
    tail = "\n".join(page.extract_text() for page in reader.pages[5:])
    assert "DRAFT" in tail and "Winter access plan" in tail and "Practice merger" in tail
    agenda_text = " ".join(reader.pages[1].extract_text().split())
    assert "Minutes of the previous meeting (19 November 2026), draft: at the end of this pack" in agenda_text
    cover = " ".join(reader.pages[0].extract_text().split())
    assert f"Page 1 of {5 + minutes_pages}" in cover
    assert "ends with the minutes of the previous meeting (19 November 2026), in draft" in cover


def test_once_approved_the_pack_has_the_approved_minutes_and_an_older_pack_goes_stale(setting):
    minutes = _draft(setting)
    meeting = _next_meeting(setting)
    _pack_of(setting, meeting)
    assert packs.pack_state(meeting, agenda.items_of(meeting)).status == "ready"
    services.circulate(setting.held.network, minutes, None)
    services.approve(setting.held.network, minutes, setting.approving.id, None)
    db.session.commit()
    assert packs.pack_state(meeting, agenda.items_of(meeting)).status == "stale"
    reader = pypdf.PdfReader(io.BytesIO(_pack_of(setting, meeting)))
    tail = "\n".join(page.extract_text() for page in reader.pages[5:])
    assert "DRAFT" not in tail and f"Approved by decision {setting.approving.reference}" in tail
    assert outline(reader)[-1] == ("Minutes of the previous meeting (19 November 2026)", 6)


def test_a_reader_who_may_not_read_the_previous_meeting_in_full_gets_the_minutes_without_confidential_items(
        setting):
    _draft(setting)
    meeting = _next_meeting(setting)
    full = _pack_of(setting, meeting)
    items = agenda.items_of(meeting)
    # joins the board on the day of the next meeting: reads that meeting in full, not the one of 19 November
    newcomer = factories.make_seat(setting.held.board, from_date=date(2026, 12, 10))
    reader = Viewer(newcomer.membership_id, "board_member", False, [newcomer])
    assert reader.reads_in_full(meeting) and not reader.reads_in_full(setting.held.meeting)
    assert not packs.reads_previous_minutes_in_full(reader, meeting)
    copy = pypdf.PdfReader(io.BytesIO(packs.copy_for(setting.held.network, full, meeting, items, reader)))
    tail = "\n".join(page.extract_text() for page in copy.pages[5:])
    assert "Winter access plan" in tail and "Practice merger" not in tail and "discussed in private" not in tail
    assert "DRAFT" in tail and "1 confidential item is left out" in " ".join(tail.split())
    assert outline(copy)[-1] == ("Minutes of the previous meeting (19 November 2026)", 6)
    assert ("5. Finance report", 3) in outline(copy)
    chair = setting.held.seats["chair"]
    sitting = Viewer(chair.membership_id, "board_member", False, [chair])
    assert packs.copy_for(setting.held.network, full, meeting, items, sitting) == full
    assert "Practice merger" in pdf_text(full)


def test_the_newcomer_downloads_the_pack_with_public_minutes_and_not_the_archived_copy(app, network):
    from governance.core import tenancy
    from tests.meetings.test_views import sign_in
    from tests.minutes.conftest import make_setting

    setting = make_setting(network)
    tenancy.activate(network.id)
    _draft(setting)
    meeting = _next_meeting(setting)
    _pack_of(setting, meeting)
    document = db.session.execute(select(IssuedDocument.id).where(IssuedDocument.kind == packs.PACK_KIND)
                                  .order_by(IssuedDocument.id.desc())).scalars().first()
    newcomer = factories.make_seat(setting.held.board, from_date=date(2026, 12, 10))
    chair = setting.held.seats["chair"]
    db.session.commit()
    memberships = (newcomer.membership, chair.membership)
    tenancy.activate(None)
    client, sitting = sign_in(app, memberships[0]), sign_in(app, memberships[1])
    base = f"/n/{network.slug}/meetings/{meeting.id}/board-pack.pdf"
    copy = client.get(base)
    assert copy.status_code == 200
    text = pdf_text(copy.data)
    assert "Winter access plan" in text and "discussed in private" not in text
    assert "discussed in private" in pdf_text(sitting.get(base).data)
    assert client.get(f"/n/{network.slug}/documents/{document}.pdf").status_code == 404
    assert sitting.get(f"/n/{network.slug}/documents/{document}.pdf").status_code == 200
