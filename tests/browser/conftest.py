"""Voilà over the repository and a headless chromium, shared by the browser tests.

The server runs in tree mode as ``make app`` serves the workbook (:func:`simlib.ui.serve.voila_server`):
each notebook is at ``/voila/render/<name>.ipynb``. Every test in this folder is marked
``browser`` and skipped when chromium is missing. Screenshots go to the ``artifacts`` folder,
tests/artifacts/ (not committed); ``clean(page)`` checks that a page shows nothing gone wrong, and
``message(page)`` waits for an app's message.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from simlib.ui.serve import CHROMIUM, CHROMIUM_ARGS, PAGES, ROOT, voila_server

ARTIFACTS = ROOT / "tests" / "artifacts"   # gitignored
RENDER_TIMEOUT_MS = 180_000  # a cold kernel on a busy 2-core machine
BAD_TEXT = ("Traceback", "Error:", "Exception", "ScenarioError")
HERE = Path(__file__).resolve().parent
#: JavaScript ``name => JSON``: the traces (name, x, y) of the figure ``.sdw-fig-<name>`` on the page, or null
#: before it is drawn — ``page.evaluate(FIGURE_DATA, name)``, or inside ``page.wait_for_function``
FIGURE_DATA = """name => {
  const gd = document.querySelector(`.sdw-fig-${name}.js-plotly-plot, .sdw-fig-${name} .js-plotly-plot`);
  return gd && gd.data ? JSON.stringify(gd.data.map(t => [t.name, Array.from(t.x || []), Array.from(t.y || [])])) : null;
}"""


@pytest.hookimpl(tryfirst=True)   # before ``-m`` selects by marker
def pytest_collection_modifyitems(config, items):
    """Mark every test of tests/browser ``browser``, and skip it when chromium is missing."""
    missing = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason=f"{CHROMIUM} is missing (apt-get install chromium)")
    for item in items:
        if Path(item.path).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(missing)


def assert_clean(page, *, allow_alert: bool = True) -> None:
    """The page shows no traceback or error text, no stderr output and no page error; with
    ``allow_alert=False`` no message (``.sdw-message [role=alert]``) either."""
    body = page.locator("body").inner_text()
    for bad in BAD_TEXT:
        assert bad not in body, f"the page shows {bad!r}"
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    if not allow_alert:
        assert page.locator(".sdw-message [role=alert]").count() == 0
    assert not page.page_errors, page.page_errors


def wait_for_message(page) -> str:
    """Wait for the app's message (``.sdw-message [role=alert]``) and return its text; no traceback shows."""
    alert = page.locator(".sdw-message [role=alert]")
    alert.wait_for()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "ScenarioError" not in body
    return alert.inner_text()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and logs (tests/artifacts/, not committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def clean():
    """:func:`assert_clean`: ``clean(page)``; ``clean(page, allow_alert=False)`` fails on a message too."""
    return assert_clean


@pytest.fixture
def message():
    """:func:`wait_for_message`: ``message(page)`` is the text of the message the page shows."""
    return wait_for_message


@pytest.fixture(scope="session")
def voila_url(artifacts):
    """Start Voilà over the pages (``notebooks/``) on a free port; yield its base URL; stop it at the end
    (one server per pytest-xdist worker, each with its own log, and its own workshop database: ``$SDW_DB``
    for the pages is a new SQLite file in the artifacts folder, never the user's)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    log = artifacts / (f"voila-{worker}.log" if worker else "voila.log")
    db = artifacts / f"workshops-{worker or 'main'}.sqlite"
    for old in artifacts.glob(db.name + "*"):
        old.unlink()
    os.environ["SDW_DB"] = f"sqlite:///{db}"
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(voila_server(PAGES, timeout=90, log_path=log))
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"{exc}; see {log}")
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh tab that records page errors. Closing it does not stop its kernel (Voilà's shutdown
    request is refused, voila#1458): the server culls a closed page's kernel after 2 idle minutes
    (:func:`simlib.ui.serve.cull_args`)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1700}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(RENDER_TIMEOUT_MS)
    pg.page_errors = []
    pg.on("pageerror", lambda exc: pg.page_errors.append(str(exc)))
    yield pg
    with contextlib.suppress(Exception):
        pg.close(run_before_unload=True)
    context.close()
