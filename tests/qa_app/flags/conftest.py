"""Flagging tests train cheaply, inside the request (TEST_CONFIG runs jobs immediately)."""

import pytest

from tests.qa_app.flags.support import FAST


@pytest.fixture(autouse=True)
def _fast_sync_training(request):
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config.update(FLAG_TRAIN_OPTIONS=dict(FAST))
