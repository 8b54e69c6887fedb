"""Flagging tests train synchronously and cheaply."""

import pytest

from tests.qa_app.flags.support import FAST


@pytest.fixture(autouse=True)
def _fast_sync_training(request):
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config.update(FLAG_TRAINING_SYNC=True, FLAG_TRAIN_OPTIONS=dict(FAST))
