"""The privacy tests reuse the feedback fixtures: a small scorecard and
evaluations submitted through the evaluation service."""

import pytest

from tests.qa_app.feedback.conftest import card, submit  # noqa: F401


@pytest.fixture(autouse=True)
def _upload_folder(request, tmp_path):
    """`flask retention purge` also clears stale uploads: never the real instance folder."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["INTERACTION_UPLOADS_DIR"] = str(tmp_path / "uploads")
