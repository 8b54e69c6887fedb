"""Fixtures of the demo tests: the seed's evaluations reach the report roll-ups."""

from tests.qa_app.rollup_check import rollups_equal_rebuild  # noqa: F401  (autouse)
