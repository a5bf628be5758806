"""Scans of pages signed in wet ink: which files are accepted, and how they join the executed PDF.

A PDF scan may not carry anything that acts when it is opened (JavaScript, automatic actions,
launching programs, embedded files, forms that send data): it is refused, with the reason.
"""

import io
import warnings

from flask import current_app, render_template

from governance.core.errors import ServiceError

EVIDENCE_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
# Dictionary keys and action types that make a PDF do something when it is opened or clicked.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles",
                         "/EmbeddedFile", "/RichMedia", "/XFA"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR",
                            "/RichMediaExecute", "/Rendition"})
MAX_OBJECTS = 200_000  # more than any scan has; bounds the walk over a crafted file
ACTIVE_CONTENT = ("The selected PDF contains scripts, automatic actions or embedded files. Scan the signed "
                  "page again, or save it as a plain PDF, PNG or JPEG")
UNREADABLE = "The selected PDF could not be read. Scan the signed page again as a PDF, PNG or JPEG"


def sniff(data: bytes) -> tuple[str, str]:
    """The MIME type and extension of an uploaded scan, from its first bytes; refuse anything else."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not data:
        raise ServiceError("The selected file is empty", "evidence")
    if len(data) > limit:
        raise ServiceError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB", "evidence")
    for magic, mime, extension in EVIDENCE_TYPES:
        if data.startswith(magic):
            if mime == "application/pdf":
                check_pdf(data)
            return mime, extension
    raise ServiceError("The selected file must be a PDF, PNG or JPEG", "evidence")


def _reader(data: bytes):
    import pypdf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ServiceError("The selected PDF is password protected. Save it without a password", "evidence")
            reader.trailer  # noqa: B018 - reading the trailer parses the cross-reference table
            return reader
    except ServiceError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a damaged file
        raise ServiceError(UNREADABLE, "evidence") from error


def active_content(data: bytes) -> list[str]:
    """The names of active content found in a PDF (empty for a plain document)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = _reader(data)
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            while stack:
                item = stack.pop()
                visited += 1
                if visited > MAX_OBJECTS:
                    raise ServiceError(UNREADABLE, "evidence")
                if isinstance(item, IndirectObject):
                    key = (item.idnum, item.generation)
                    if key not in seen:
                        seen.add(key)
                        stack.append(item.get_object())
                elif isinstance(item, DictionaryObject):
                    found.update(k for k in item if k in ACTIVE_KEYS)
                    action = item.get("/S")
                    if isinstance(action, NameObject) and action in ACTIVE_ACTIONS:
                        found.add(str(action))
                    stack.extend(item.values())
                elif isinstance(item, ArrayObject):
                    stack.extend(item)
    except ServiceError:
        raise
    except Exception as error:
        raise ServiceError(UNREADABLE, "evidence") from error
    return sorted(found)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF scan that is unreadable or carries active content."""
    if active_content(data):
        raise ServiceError(ACTIVE_CONTENT, "evidence")


SCAN_URL = "https://accord.pdf.invalid/scan"


def image_page(image: bytes, mime: str, caption: str) -> bytes:
    """A scanned image (PNG or JPEG) as a one-page PDF, captioned."""
    from weasyprint import HTML

    def fetch_only_the_scan(url: str, *args, **kwargs) -> dict:
        if url != SCAN_URL:
            raise ValueError(f"PDF rendering may not fetch {url}")
        return {"string": image, "mime_type": mime, "redirected_url": url}

    html = render_template("mous/pdf/scan.html", caption=caption, scan_url=SCAN_URL)
    return HTML(string=html, base_url="https://accord.pdf.invalid/", url_fetcher=fetch_only_the_scan).write_pdf()


def with_scans(pdf: bytes, scans: list[tuple[bytes, str, str]]) -> bytes:
    """The PDF followed by each scan (bytes, MIME type, caption): PDF pages as they are, images as pages."""
    if not scans:
        return pdf
    import pypdf

    writer = pypdf.PdfWriter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        writer.append(pypdf.PdfReader(io.BytesIO(pdf)))
        for data, mime, caption in scans:
            page = data if mime == "application/pdf" else image_page(data, mime, caption)
            writer.append(pypdf.PdfReader(io.BytesIO(page)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
