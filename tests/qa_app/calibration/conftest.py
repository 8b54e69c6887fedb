"""Fixtures of the calibration tests."""

import pytest

from tests.qa_app.calibration.support import Calib, build
from tests.qa_app.rollup_check import rollups_equal_rebuild  # noqa: F401  (autouse)


@pytest.fixture
def calib(make, users) -> Calib:
    return build(make, users)
