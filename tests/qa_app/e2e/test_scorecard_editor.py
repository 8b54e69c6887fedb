"""An executive builds a scorecard in the browser and publishes two versions."""

from pathlib import Path

import pytest

import scorecards
from qa_app.extensions import db
from qa_app.models import ScorecardVersion
from tests.qa_app.e2e.conftest import nav_to, sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser
TEN_MISTAKES = Path(__file__).parents[2] / "scorecards" / "fixtures" / "ten_mistakes.yaml"


def _add_question(
    page,
    section_title,
    key,
    text,
    *,
    points="1",
    allow_na=False,
    critical=None,
    fail_on="",
    family="",
):
    page.get_by_role("link", name=f"Add question to {section_title}").click()
    page.get_by_label("Question", exact=True).fill(text)
    page.get_by_label("Key").fill(key)
    page.get_by_label("Points", exact=True).fill(points)
    if allow_na:
        page.get_by_label("N/A allowed").check()
    if critical:
        page.get_by_label("Critical", exact=True).select_option(critical)
        page.get_by_label("Failing answers").fill(fail_on)
    if family:
        page.get_by_label("Critical-error family").select_option(family)
    # The live preview follows what is typed.
    preview = page.get_by_test_id("live-preview")
    preview.get_by_text(text).wait_for()
    page.get_by_role("button", name="Save question").click()
    page.get_by_test_id(f"question-{key}").wait_for()


def _versions_count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(ScorecardVersion))


def test_build_publish_edit_and_publish_again(page, users):
    sign_in_page(page, users["executive"].email, PASSWORD)
    nav_to(page, "Scorecards")
    page.get_by_role("link", name="New scorecard").click()
    page.get_by_label("Name").fill("Chat basics")
    page.get_by_role("button", name="Create draft").click()

    # Weighted sections: turn weighting on, then rename the first section.
    page.get_by_text("Scorecard settings").click()
    page.get_by_label("Weight sections").check()
    page.get_by_role("button", name="Save settings").click()
    page.get_by_role("link", name="Edit section").first.click()
    page.get_by_label("Title").fill("Opening")
    page.get_by_label("Key").fill("opening")
    page.get_by_label("Weight").fill("2")
    page.get_by_role("button", name="Save section").click()

    _add_question(page, "Opening", "greet", "Did the agent greet the customer?")
    _add_question(
        page,
        "Opening",
        "verify",
        "Was identity verified?",
        points="2",
        allow_na=True,
        critical="scorecard",
        fail_on="no",
        family="compliance",
    )
    assert page.get_by_test_id("problem-count").inner_text() == "Ready to publish"
    page.get_by_role("button", name="Publish as v1").click()
    # Publishing cannot be undone: a confirmation step says so first.
    assert "cannot be undone" in page.get_by_test_id("publish-warning").inner_text()
    assert _versions_count() == 0
    page.get_by_test_id("confirm-publish").click()
    page.get_by_text("Published version 1.").wait_for()
    assert page.get_by_test_id("versions").get_by_role("link", name="v1").is_visible()

    v1 = db.session.scalar(db.select(ScorecardVersion).where(ScorecardVersion.number == 1))
    card_v1 = scorecards.from_dict(v1.definition)
    assert card_v1.weighted and card_v1.sections[0].weight == 2
    assert card_v1.question("verify").allow_na
    assert card_v1.question("verify").critical.fail_on == ("no",)
    frozen = dict(v1.definition)

    page.get_by_role("link", name="Edit (new draft)").click()
    _add_question(page, "Opening", "close", "Did the agent close the chat properly?")
    page.get_by_role("button", name="Publish as v2").click()
    assert "close" in page.get_by_test_id("diff").inner_text()  # the changes, before confirming
    page.get_by_test_id("confirm-publish").click()
    page.get_by_text("Published version 2.").wait_for()
    page.get_by_role("link", name="changes from v1").click()
    assert "close" in page.get_by_test_id("diff").inner_text()

    db.session.expire_all()
    assert db.session.get(ScorecardVersion, v1.id).definition == frozen


def test_importing_a_file_with_ten_mistakes_lists_them_all(page, users, make):
    card = make.scorecard(versions=0)
    sign_in_page(page, users["executive"].email, PASSWORD)
    page.goto(f"/scorecards/{card.id}/edit")
    page.get_by_label("YAML or JSON file").set_input_files(str(TEN_MISTAKES))
    page.get_by_role("button", name="Replace draft with file").click()
    problems = page.get_by_test_id("import-problems").get_by_role("listitem")
    assert problems.count() == 10
    page.console_errors.clear()  # the 422 answer itself
