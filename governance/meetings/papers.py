"""Meeting papers: PDF uploads checked by their content, kept in the database (app servers hold no files).

A paper is refused when it is empty, too large, not a PDF (whatever its name says), unreadable,
protected by a password, without pages, or when it carries JavaScript or actions that run by
themselves (opening the file, a page or a field). Once the papers are issued, a paper is never
deleted: it is withdrawn, so the papers as sent stay on record.
"""

import hashlib
import io
import logging

import pypdf
from flask import current_app
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from sqlalchemy import select
from sqlalchemy.orm import undefer
from werkzeug.utils import secure_filename

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import Checks, ServiceError
from governance.core.locking import serialise_on
from governance.core.text import clean_line
from governance.extensions import db
from governance.meetings.meeting_models import AgendaItem, Meeting, MeetingPaper

PDF_MAGIC = b"%PDF-"
ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA"}  # scripts, and additional (automatic) actions
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData"}
MAX_OBJECTS = 200_000
FIELD = "file"


def max_bytes() -> int:
    return current_app.config.get("MEETING_PAPER_MAX_BYTES") or current_app.config["UPLOAD_MAX_BYTES"]


def max_size_words() -> str:
    """The size limit as people read it: '5 MB', or '100 KB' below a megabyte."""
    limit = max_bytes()
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"


def _has_active_content(reader: pypdf.PdfReader) -> bool:
    """Walk every object reachable from the document catalogue looking for scripts or automatic actions."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer["/Root"]]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return True  # too tangled to check: refuse rather than guess
        if isinstance(node, DictionaryObject):
            if ACTIVE_KEYS & set(node.keys()):
                return True
            if node.get("/S") in ACTIVE_ACTIONS:
                return True
            stack.extend(value for name, value in node.items() if name not in ("/Parent", "/P"))
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def check_pdf(data: bytes) -> int:
    """The number of pages of an uploaded paper, or a ServiceError saying what is wrong with it."""
    if not data:
        raise ServiceError("The selected file is empty", FIELD)
    if len(data) > max_bytes():
        raise ServiceError(f"The selected file must be smaller than {max_size_words()}", FIELD)
    if PDF_MAGIC not in data[:1024]:
        raise ServiceError("The selected file must be a PDF", FIELD)
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ServiceError("The selected PDF is protected with a password. Save a copy without the "
                               "password and upload that", FIELD)
        pages = len(reader.pages)
        active = _has_active_content(reader)
    except ServiceError:
        raise
    except Exception:  # pypdf raises many kinds of error for a damaged file
        raise ServiceError("The selected file could not be read as a PDF. Save it again as a PDF and "
                           "upload that", FIELD) from None
    finally:
        quiet.setLevel(level)
    if pages == 0:
        raise ServiceError("The selected PDF has no pages", FIELD)
    if active:
        raise ServiceError("The selected PDF contains scripts or actions that run by themselves, which "
                           "Accord does not accept. Print it to a new PDF and upload that", FIELD)
    return pages


def _filename(upload, title: str) -> str:
    stem = secure_filename(getattr(upload, "filename", "") or "").rsplit(".", 1)[0][:100]
    return f"{stem or secure_filename(title)[:100] or 'paper'}.pdf"


def add_paper(meeting: Meeting, item: AgendaItem, upload, title: str, author: str, actor: User | None
              ) -> MeetingPaper:
    """Attach a PDF paper to an agenda item."""
    checks = Checks()
    title, author = clean_line(title)[:300], clean_line(author)[:200]
    if not title:
        checks.add("Enter the title of the paper", "title")
    if not author:
        checks.add("Enter who wrote the paper", "author")
    data = upload.read(max_bytes() + 1) if upload is not None else b""
    pages = checks.run(check_pdf, data)
    checks.raise_any()
    serialise_on(meeting)
    if meeting.is_cancelled or item.is_withdrawn:
        raise ServiceError("Papers cannot be added to a cancelled meeting or a withdrawn item", FIELD)
    paper = MeetingPaper(network_id=meeting.network_id, meeting_id=meeting.id, agenda_item_id=item.id,
                         title=title, author=author, filename=_filename(upload, title), content=data,
                         size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(), page_count=pages,
                         uploaded_by_id=actor.id if actor else None, uploaded_at=clock.now())
    db.session.add(paper)
    db.session.flush()
    return paper


def remove_paper(meeting: Meeting, paper: MeetingPaper, actor: User | None) -> MeetingPaper:
    """Take a paper off its item; once the papers are issued it is withdrawn instead, and kept."""
    serialise_on(meeting)
    db.session.refresh(paper)
    if paper.withdrawn_at is not None:
        raise ServiceError("That paper has already been withdrawn")
    if meeting.papers_issued:
        paper.withdrawn_at = clock.now()
        paper.withdrawn_by_id = actor.id if actor else None
    else:
        db.session.delete(paper)
    db.session.flush()
    return paper


def load_content(paper_id: int) -> MeetingPaper | None:
    """A paper with its PDF loaded."""
    return db.session.execute(select(MeetingPaper).where(MeetingPaper.id == paper_id)
                              .options(undefer(MeetingPaper.content))).scalar_one_or_none()


def contents(paper_ids: list[int]) -> dict[int, bytes]:
    """The PDFs of several papers, by id, in one query."""
    if not paper_ids:
        return {}
    rows = db.session.execute(select(MeetingPaper.id, MeetingPaper.content).where(MeetingPaper.id.in_(paper_ids)))
    return {row.id: row.content for row in rows}

