"""Issue #20's layout items, each as a person would see it, on the seeded
site of the layout sweep (tests/qa_app/e2e/layout_site.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.qa_app.conftest import BACKEND
from tests.qa_app.e2e import layout_site
from tests.qa_app.e2e.layout_site import browse_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        BACKEND != "sqlite",
        reason="layout does not depend on the database: checked on the SQLite pass only",
    ),
]


@pytest.fixture
def site(layout_site_served):
    return layout_site_served


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
