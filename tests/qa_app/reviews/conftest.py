"""Fixtures of the review workflow tests."""

from tests.qa_app.rollup_check import rollups_equal_rebuild  # noqa: F401  (autouse)
