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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        BACKEND != "sqlite",
        reason="layout does not depend on the database: checked on the SQLite pass only",
    ),
]

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHECKS = (Path(__file__).parent / "layout_checks.js").read_text()
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
BLOCKING = {"serious", "critical"}
# Browsers working at once (one per thread); CI machines have a few cores.
WORKERS = int(os.environ.get("QA_LAYOUT_WORKERS") or min(4, max(1, (os.cpu_count() or 2) // 2)))


@pytest.fixture(scope="module")
def artefacts(request) -> Path:
    folder = Path(os.environ.get("QA_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def site(database, tmp_path_factory):
    with layout_site.serve(database, tmp_path_factory.mktemp("layout")) as served:
        yield served


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


def browse_as(browser, site, role: str, size: str):
    """A signed-in tab for ``role`` at ``size``; the CSP is bypassed only so
    that the test can inject axe-core into each page."""
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": height}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))  # parsed once per page, before the page's own scripts
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(site.emails[role])
    page.get_by_label("Password").fill(layout_site.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page


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


# Each numbered item of issue #20's layout part, as a person would see it.


@pytest.fixture
def laptop(browser, site):
    def open_as(role: str, size: str = "laptop"):
        context, page = browse_as(browser, site, role, size)
        opened.append(context)
        return page

    opened: list = []
    yield open_as
    for context in opened:
        context.close()


WORDS_ON_ONE_LINE = """els => els.flatMap(el => {
  const broken = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\S+/g)) {
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  const style = getComputedStyle(el);
  if (style.wordBreak === 'break-all' || style.overflowWrap === 'anywhere') broken.push('style');
  return broken;
})"""


def test_a_long_coaching_note_leaves_the_points_in_view(site, laptop):
    """Issue #20.2: the note widened the table, the question column shrank
    to ~90 px and the points ran under the transcript card."""
    page = laptop("reviewer")
    page.goto(f"/reviews/evaluations/{site.ids['long_note']}")
    transcript = page.get_by_text("Transcript", exact=True).locator("xpath=..").bounding_box()
    tables = page.locator("table[data-testid^=breakdown-]")
    assert tables.count() >= 2
    for table in tables.all():
        card = table.locator("xpath=..").bounding_box()
        box = table.bounding_box()
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 1
        assert box["x"] + box["width"] <= transcript["x"]
        for points in table.locator("td:last-child").all():
            cell = points.bounding_box()
            assert cell["x"] + cell["width"] <= card["x"] + card["width"] + 1
        question = table.locator("td:first-child").first.bounding_box()
        assert question["width"] > 0.5 * box["width"]
    assert page.get_by_text(layout_site.TOKEN[:32]).first.is_visible()


def test_report_tiles_keep_their_words_whole(laptop):
    """Issue #20.3: "Complianc e accuracy" on the Quality tab's tiles."""
    page = laptop("executive")
    page.goto("/reports/")
    labels = page.get_by_test_id("headline").locator(".card .small")
    assert labels.count() == 7
    assert "Compliance accuracy" in labels.all_inner_texts()
    assert labels.evaluate_all(WORDS_ON_ONE_LINE) == []


@pytest.mark.parametrize("width", [1280, 1366])
def test_the_flagged_channel_select_shows_its_whole_choice(browser, site, width):
    """Issue #20.3: the channel filter read "Any cha"."""
    context, page = browse_as(browser, site, "reviewer", "laptop")
    try:
        page.set_viewport_size({"width": width, "height": 768})
        page.goto("/flags/")
        select = page.get_by_label("Channel", exact=True)
        assert select.evaluate("s => s.options[s.selectedIndex].text") == "Any channel"
        room, needs = select.evaluate(
            """s => { const st = getComputedStyle(s);
              const c = document.createElement('canvas').getContext('2d');
              c.font = st.fontWeight + ' ' + st.fontSize + ' ' + st.fontFamily;
              return [s.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight),
                      c.measureText(s.options[s.selectedIndex].text).width]; }"""
        )
        assert needs <= room
    finally:
        context.close()


def test_a_long_email_reads_in_days_and_hours(site, laptop):
    """Issue #20.3: an e-mail thread of 538,141 s read "8969:01"."""
    page = laptop("executive")
    page.goto("/interactions/?channel=email")
    assert page.get_by_role("cell", name="6 d 5 h", exact=True).count() >= 1
    assert page.get_by_text("8969:01").count() == 0
    page.goto(f"/interactions/{site.ids['long_email']}")
    assert page.get_by_role("row", name="Duration").inner_text().split()[-4:] == [
        "6",
        "d",
        "5",
        "h",
    ]


def test_the_live_score_rounds_as_the_submitted_page(site, laptop):
    """Issue #20.3: 62.5 % read 63 % live (JavaScript) and 62 % once
    submitted (Python); both now round ties away from zero."""
    page = laptop("reviewer")
    score_page = f"/reviews/evaluations/{site.ids['tie_draft']}/score"
    page.goto(score_page)
    page.get_by_role("radiogroup", name="Worth five points?").get_by_text("Yes").click()
    page.get_by_role("radiogroup", name="Worth three points?").get_by_text("No").click()
    expect_text(page.locator('[data-section-percent="tie"]'), "63%")
    assert page.locator("#running-total").inner_text() == "62.5"
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/reviews/evaluations/*")
    header = page.get_by_test_id("breakdown-tie").locator("xpath=preceding-sibling::div[1]")
    assert header.inner_text().endswith("5 / 8 · 63%")
    assert page.get_by_test_id("total").inner_text() == "62.5"
    # The rule itself, on the same cases in the browser and in Python.
    from qa_app import display

    page.goto(score_page)  # a submitted evaluation's page, with the same script
    cases = [[62.5, 0], [2.5, 0], [0.5, 0], [62.25, 1], [0.15, 1], [1.005, 2], [-0.04, 1]]
    in_browser = page.evaluate("cases => cases.map(([v, d]) => window.QA.fixed(v, d))", cases)
    assert in_browser == [display.fixed(v, d) for v, d in cases]
    assert page.locator('[data-section-percent="tie"]').inner_text() == "63%"  # as rendered


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_text(text)


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(laptop):
    """Issue #20.4: thirteen Tab presses through the bar before the scoring form."""
    page = laptop("reviewer")
    page.goto("/reviews/queue")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.dataset.testid")
    assert focused == "skip-link"
    assert page.get_by_test_id("skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
