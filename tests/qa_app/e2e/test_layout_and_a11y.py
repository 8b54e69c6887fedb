"""Every page of the route list, as each role allowed to open it, on a laptop
(1366x768) and a phone (390x844): nothing runs off the screen, no text is cut
by its box or broken mid-word, and axe-core finds no serious or critical
accessibility violation. A screenshot of each page is kept as a test artefact
(the folder is printed at the end of the run)."""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from qa_app.models import ROLES
from tests.qa_app.conftest import BACKEND
from tests.qa_app.e2e import layout_site
from tests.qa_app.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.qa_app.e2e.layout_site import AXE, SIZES, browse_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        BACKEND != "sqlite",
        reason="layout does not depend on the database: checked on the SQLite pass only",
    ),
]

CHECKS = (Path(__file__).parent / "layout_checks.js").read_text()
BLOCKING = {"serious", "critical"}
# Browsers working at once (one per thread); CI machines have a few cores.
WORKERS = int(os.environ.get("QA_LAYOUT_WORKERS") or min(4, max(2, (os.cpu_count() or 2) // 2)))


@pytest.fixture(scope="module")
def artefacts(request) -> Path:
    folder = (
        Path(os.environ.get("QA_TEST_ARTIFACTS", layout_site.ROOT / "test-artifacts")) / "layout"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def site(layout_site_served):
    return layout_site_served


@pytest.fixture(scope="module")
def sweep(request, browser, site, artefacts):
    """Browse every (role, size) once, a few at a time: each worker thread
    drives its own Chromium (Playwright's sync API is per thread). Returns
    (role, size) -> {page: problems}; axe-core's tally and the timing are
    written to summary.json in the artefact folder and printed."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make assets` (npm ci)")
    todo: queue.Queue = queue.Queue()
    for combo in [(role, size) for role in ROLES for size in SIZES]:
        todo.put(combo)
    results: dict = {}
    tally: Counter = Counter()
    lock = threading.Lock()

    def work() -> None:
        with sync_playwright() as playwright:
            own = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            try:
                while True:
                    try:
                        role, size = todo.get_nowait()
                    except queue.Empty:
                        return
                    found: Counter = Counter()
                    try:
                        outcome = sweep_one(own, site, artefacts, role, size, found)
                    except Exception as exc:  # reported by the combination's test
                        outcome = {"(sweep)": [f"{type(exc).__name__}: {exc}"]}
                    with lock:
                        results[role, size] = outcome
                        tally.update(found)
            finally:
                own.close()

    started = time.monotonic()
    workers = [threading.Thread(target=work) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.monotonic() - started
    views = sum(len(site.pages[role]) for role in ROLES) * len(SIZES)
    summary = {
        "page_views": views,
        "pages_per_role": {role: len(site.pages[role]) for role in ROLES},
        "sizes": {name: f"{w}x{h}" for name, (w, h) in SIZES.items()},
        "seconds": round(seconds, 1),
        "browsers": WORKERS,
        "axe_violations_pages": {
            f"{rule} ({impact})": pages for (rule, impact), pages in sorted(tally.items())
        },
    }
    (artefacts / "summary.json").write_text(json.dumps(summary, indent=2))
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter and capture:
        with capture.global_and_fixture_disabled():  # shown even when output is captured
            reporter.write_line(
                f"\nlayout sweep: {views} page views ({len(ROLES)} roles x {len(SIZES)} sizes) "
                f"in {seconds:.0f} s with {WORKERS} browsers; "
                f"screenshots and summary.json in {artefacts}"
            )
    return results


def sweep_one(browser, site, artefacts, role: str, size: str, tally: Counter) -> dict:
    """Every page of the role at the size: its problems, by page; a screenshot each."""
    context, page = browse_as(browser, site, role, size)
    shots = artefacts / f"{role}-{size}"
    shots.mkdir(exist_ok=True)
    failures = {}
    try:
        for endpoint, url in site.pages[role]:
            response = page.goto(url)
            if response is None or not response.ok:
                failures[f"{endpoint} {url}"] = [f"answered {response and response.status}"]
                continue
            shot = shots / f"{endpoint}.jpg"
            page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=60)
            if found := problems_on(page, tally):
                failures[f"{endpoint} {url}"] = found
    finally:
        context.close()
    return failures


def problems_on(page, axe_found: Counter) -> list[str]:
    """The checks of one page; axe-core's findings of any impact are counted."""
    layout = page.evaluate(CHECKS)
    found = []
    if layout["scrollWidth"] > layout["viewport"]:
        found.append(f"page scrolls sideways: {layout['scrollWidth']} > {layout['viewport']} px")
    found += [f"past the edge: {w}" for w in layout["wide"][:5]]
    found += [f"clipped: {c}" for c in layout["clipped"][:5]]
    found += [f"broken word: {b}" for b in layout["broken"][:5]]
    axe = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    for violation in axe:
        axe_found[(violation["id"], violation["impact"])] += 1
        if violation["impact"] in BLOCKING:
            found.append(f"axe {violation['id']} ({violation['impact']}): {violation['nodes'][:3]}")
    return found


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_and_passes_axe(site, sweep, role, size):
    assert len(site.pages[role]) >= 10, "too few pages found: is the route list right?"
    assert not sweep[role, size], json.dumps(sweep[role, size], indent=1)
