"""Render any print template to PDF with WeasyPrint.

Print templates extend `pdf/base.html`, which sets A4 pages, the network name and
document title in the header, "Page X of Y" and the generation date in the footer,
and a DRAFT watermark for drafts. The URL fetcher serves only the app's own static
files: no file:// and no outside addresses.
"""

import mimetypes
from pathlib import Path

from flask import current_app, render_template

from governance.core import clock

PDF_BASE_URL = "https://accord.pdf.invalid/"


class RefusedURL(ValueError):
    pass


def static_only_fetcher(url: str, *args, **kwargs) -> dict:
    """Serve `/static/...` from the app's static folder and refuse everything else."""
    prefix = PDF_BASE_URL + "static/"
    if not url.startswith(prefix):
        raise RefusedURL(f"PDF rendering may not fetch {url}")
    static_root = Path(current_app.static_folder).resolve()
    target = (static_root / url[len(prefix):].split("?")[0]).resolve()
    if static_root not in target.parents or not target.is_file():
        raise RefusedURL(f"PDF rendering may not fetch {url}")
    mime_type, _ = mimetypes.guess_type(target.name)
    return {"string": target.read_bytes(), "mime_type": mime_type, "redirected_url": url}


def render_pdf(template: str, *, title: str, network_name: str, draft: bool = False, ledger_head=None,
               **context) -> bytes:
    """Render a print template to PDF bytes; `ledger_head` (a LedgerEntry) is printed when given."""
    html = render_template(
        template,
        document_title=title,
        network_name=network_name,
        draft=draft,
        generated_at=clock.now(),
        ledger_head=ledger_head,
        **context,
    )
    from weasyprint import HTML  # imported when a PDF is made, not when the app starts

    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=static_only_fetcher)
    return document.write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False):
    """A download response for PDF bytes."""
    from flask import Response

    disposition = "inline" if inline else "attachment"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})
