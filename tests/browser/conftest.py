"""Browser tests: Debian's chromium driven by Playwright; no browser is ever downloaded."""

import io
import os
from pathlib import Path

import pytest

from tests.snapshots import SqliteSnapshot

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Serve the live server from one thread when the test database is in-memory SQLite.

    pytest-django hands the server thread the test's own SQLite connection, and the default
    threaded server would run the page's parallel requests (images, scripts) on that one
    connection at once: "cannot start a transaction within a transaction" while a session is
    saved. The plain server answers them one after another (and closes each connection).
    """
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SingleThreadedServer(WSGIServer):
        # Requests are served in the server thread, which already uses the shared connection.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        LiveServerThread.server_class = SingleThreadedServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    # The console says "Failed to load resource" without the address: name it.
    page.on(
        "response",
        lambda response: response.status >= 400 and errors.append(f"{response.status} {response.url}"),
    )
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def restore_migrated_data():
    """Put back what the data migrations loaded: the flush that ends every transactional test
    (each browser test is one) empties every table, and the next test would otherwise run without
    the divisions, the seed workflows, the LDAR seal-point types, the power alarm rules… (the demo
    then raises no alarm events at all). Every seeder used here is idempotent."""
    from lantian.cases.models import Category, Workflow, WorkflowVersion
    from lantian.cases.seed import load_seed as load_cases
    from lantian.core.divisions import sync_divisions
    from lantian.core.models import Division
    from lantian.knowledge.models import Document
    from lantian.knowledge.seed import load_seed as load_documents
    from lantian.ldar.models import EmissionCoefficient, GuardRailRule, SealPointType
    from lantian.ldar.models.guardrails import seed_rules as seed_guardrails
    from lantian.ldar.seed import sync_seal_point_types
    from lantian.ldar.seed_emissions import sync_emission_coefficients
    from lantian.ops.seeds import seed_renhe_scheme
    from lantian.power.models import AlarmRule, CodeMapping
    from lantian.power.seed import seed_code_map, seed_rules

    sync_divisions(Division)  # core 0002
    load_cases(Workflow, WorkflowVersion, Category)  # cases 0002
    load_documents(Document)  # knowledge 0003
    sync_seal_point_types(SealPointType)  # ldar 0002
    seed_guardrails(GuardRailRule)  # ldar 0006
    sync_emission_coefficients(EmissionCoefficient)  # ldar 0008
    seed_renhe_scheme()  # ops 0002
    seed_code_map(CodeMapping)  # power 0002
    seed_rules(AlarmRule)


_demo = SqliteSnapshot()


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The demo city. Building it is most of a browser test's cost: on in-memory SQLite the first
    test of a process builds it and keeps a copy, later ones put the copy back (the demo writes no
    files and no cache entries, so the database is all of it)."""
    from django.core.management import call_command

    if not _demo.restore():
        restore_migrated_data()
        call_command("demo", stdout=io.StringIO())
        _demo.take()
    return live_server.url
