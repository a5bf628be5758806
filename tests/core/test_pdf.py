"""PDF rendering: A4 pages, running header and footer, DRAFT watermark, repeated table headers,
embedded fonts, and a URL fetcher that serves only the app's own static files."""

import io
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pypdf
import pytest
from jinja2 import FileSystemLoader

from config import TestingConfig
from governance import create_app
from governance.core.formatting import format_date
from governance.core.pdf import PDF_BASE_URL, RefusedURL, render_pdf, static_only_fetcher

TEMPLATES = Path(__file__).parent / "templates"
A4_POINTS = (595.28, 841.89)
NETWORK = "Riverside & District <Primary> Care Home"
TITLE = 'Register of "interests" 2026/27'


@pytest.fixture(scope="module")
def pdf_app():
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.jinja_loader.loaders.append(FileSystemLoader(str(TEMPLATES)))
    with app.app_context():
        yield app


def render(draft=False, rows=120, images=()):
    return pypdf.PdfReader(io.BytesIO(render_pdf(
        "test_pdf/long_table.html", title=TITLE, network_name=NETWORK, draft=draft, rows=rows,
        images=list(images))))


@pytest.fixture(scope="module")
def final(pdf_app):
    return render(draft=False)


@pytest.fixture(scope="module")
def draft(pdf_app):
    return render(draft=True, rows=60)


def test_pages_are_a4_and_the_table_runs_over_several(final):
    assert len(final.pages) >= 3
    for page in final.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == pytest.approx(A4_POINTS, abs=0.5)


def test_every_page_has_the_network_and_title_in_the_header_and_page_x_of_y_in_the_footer(final):
    total = len(final.pages)
    today = format_date(datetime.now(UTC))
    for number, page in enumerate(final.pages, start=1):
        text = page.extract_text()
        assert NETWORK in text, f"page {number}"
        assert TITLE in text, f"page {number}"
        assert "&amp;" not in text and "&lt;" not in text and "&#" not in text
        assert f"Page {number} of {total}" in text
        assert f"Generated {today}" in text


def test_table_headers_repeat_on_every_page(final):
    for number, page in enumerate(final.pages, start=1):
        assert "Member Interest declared Value" in page.extract_text(), f"page {number}"
    rows = "".join(page.extract_text() for page in final.pages)
    assert "Member 0 " in rows and "Member 119 " in rows


def test_the_draft_watermark_appears_on_drafts_only(final, draft):
    for page in draft.pages:
        assert page.extract_text().count("DRAFT") >= 2  # the watermark and the footer note
    for page in final.pages:
        assert "DRAFT" not in page.extract_text()


def _font_descriptors(reader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            yield font["/BaseFont"], font["/FontDescriptor"].get_object()


def test_fonts_are_embedded(final):
    descriptors = list(_font_descriptors(final))
    assert descriptors
    for name, descriptor in descriptors:
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{name} is not embedded"


def test_the_fetcher_serves_the_apps_static_files(pdf_app):
    fetched = static_only_fetcher(PDF_BASE_URL + "static/css/print.css")
    assert b"@page" in fetched["string"]
    assert fetched["mime_type"] == "text/css"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file:///" + str(Path(__file__).resolve()),
    "http://127.0.0.1/static/css/print.css",
    "https://example.com/static/css/print.css",
    PDF_BASE_URL + "config.py",
    PDF_BASE_URL + "static/../config.py",
    PDF_BASE_URL + "static/css/../../config.py",
    PDF_BASE_URL + "static/%2e%2e/config.py",
    PDF_BASE_URL + "static/../../../../etc/passwd",
    PDF_BASE_URL + "static/",
    PDF_BASE_URL + "static/css/missing.css",
    PDF_BASE_URL.replace("https", "http") + "static/css/print.css",
])
def test_the_fetcher_refuses_everything_else(pdf_app, url):
    with pytest.raises(RefusedURL):
        static_only_fetcher(url)


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server API
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_rendering_never_fetches_outside_addresses_or_local_files(pdf_app, caplog):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        outside = f"http://127.0.0.1:{server.server_port}/tracker.png"
        reader = render(rows=3, images=[outside, "file:///etc/hostname", "/static/../config.py",
                                        "/static/vendor/nhsuk/assets/images/favicon.svg"])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert _Recorder.hits == []
    assert len(reader.pages) == 1
    refused = " ".join(record.getMessage() for record in caplog.records)
    assert "tracker.png" in refused and "/etc/hostname" in refused
