"""Uploads of these tests go to the test's own temporary folder."""

import pytest

from tests.qa_app.rollup_check import rollups_equal_rebuild  # noqa: F401  (autouse)


@pytest.fixture(autouse=True)
def _upload_folder(request, tmp_path):
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["INTERACTION_UPLOADS_DIR"] = str(tmp_path / "uploads")
