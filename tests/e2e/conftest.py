"""Browser journeys: the app served on a loopback port, Playwright driving Debian's Chromium.

Every page a journey visits is checked with axe-core for WCAG 2.2 AA violations
(`browser_page.check()` after each navigation, or `visit(url)`).
"""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from governance.extensions import db as _db
from tests.conftest import running_app, sqlite_start
from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_app(request, tmp_path):
    """An app on its own database (the demo's for tests marked `demo`); create data in it before
    starting the live server."""
    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_start(request), path)
    with running_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True, TESTING=False) as app:
        yield app


@pytest.fixture
def live_server(live_app):
    _db.session.commit()
    server = LiveServer(live_app).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class AccessiblePage:
    """A Playwright page plus an axe-core check of every page visited."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []

    def visit(self, path: str):
        self.page.goto(self.base_url + path)
        self.check()

    def check(self):
        result = self._run_axe()
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                        for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert not violations, f"axe-core found WCAG 2.2 AA violations on {self.page.url}:\n" + "\n".join(
            violations)
        self.checked.append(self.page.url)

    def _run_axe(self, attempts: int = 3):
        """axe-core's results for the page; retried when a click's navigation lands mid-check."""
        from playwright.sync_api import Error

        for attempt in range(attempts):
            self.page.wait_for_load_state("load")
            try:
                self.page.add_script_tag(path=str(AXE))
                return self.page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
            except Error as error:
                if "context was destroyed" not in str(error) or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def __getattr__(self, name):
        return getattr(self.page, name)


def _open_page(browser, live_server, **context_options):
    """A fresh browser context and page; fails the test on any JavaScript error."""
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, **context_options)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield AccessiblePage(page, live_server.url)
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def browser_page(browser, live_server):
    yield from _open_page(browser, live_server)


@pytest.fixture
def phone_page(browser, live_server):
    """A small-screen page (iPhone SE size), to check pages work on a phone."""
    yield from _open_page(browser, live_server, viewport={"width": 375, "height": 667}, is_mobile=True,
                          has_touch=True)


def sign_in(page: AccessiblePage, email: str, password: str) -> None:
    page.visit("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.check()
