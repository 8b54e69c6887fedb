"""Recordings go to a folder of the test's own; nothing is transcribed on upload
unless a test asks for it."""

import pytest


@pytest.fixture(autouse=True)
def recordings_folder(app, tmp_path):
    folder = tmp_path / "recordings"
    app.config.update(RECORDINGS_FOLDER=str(folder), TRANSCRIBE_ON_UPLOAD=False)
    return folder
