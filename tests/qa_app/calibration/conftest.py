"""Fixtures of the calibration tests."""

import pytest

from tests.qa_app.calibration.support import Calib, build


@pytest.fixture
def calib(make, users) -> Calib:
    return build(make, users)
