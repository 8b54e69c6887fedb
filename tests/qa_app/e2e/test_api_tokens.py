"""A reviewer creates an API token in the browser, uses it, revokes it; the
API reference page renders under the strict CSP (no console errors)."""

import pytest

from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_create_use_and_revoke_a_token(page, users):
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    page.get_by_test_id("user-menu").get_by_role("button").click()  # the user menu
    page.get_by_test_id("api-tokens").click()
    page.get_by_label("Name").fill("Nightly export")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("secret").inner_text().strip()
    assert secret.startswith("qat_")

    bearer = {"Authorization": f"Bearer {secret}"}
    assert page.request.get("/api/v1/evaluations", headers=bearer).status == 200
    # The secret is only ever in the POST's response (never in the cookie
    # session, which is signed, not encrypted): opening the page again omits it.
    page.goto("/account/tokens/")
    assert secret not in page.content()

    page.get_by_role("button", name="Revoke").click()
    assert "revoked" in page.get_by_role("alert").inner_text()
    assert page.request.get("/api/v1/evaluations", headers=bearer).status == 401

    page.goto("/api/v1/docs")
    assert page.get_by_role("heading", name="Operations").is_visible()
