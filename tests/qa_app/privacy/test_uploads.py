"""Raw import uploads do not linger: stale ones are removed by the retention run,
a running import's upload is left alone."""

import io
import json
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from qa_app.interactions import uploads
from qa_app.models import utcnow
from qa_app.privacy.uploads import purge_stale_uploads


def _upload(owner, age_hours: float):
    storage = FileStorage(io.BytesIO(b"external_id,transcript\n1,4111 1111 1111 1111\n"), "a.csv")
    saved = uploads.save(storage, owner, fmt="csv", source="a")
    saved.created_at = (utcnow() - timedelta(hours=age_hours)).isoformat(timespec="seconds")
    saved.save_meta()
    saved.rejects_path.write_text("row,problems\n")
    return saved


def test_stale_uploads_are_reported_then_removed(app, users, tmp_path, runner):
    app.config["INTERACTION_UPLOADS_DIR"] = str(tmp_path)
    old = _upload(users["admin"], 30)
    fresh = _upload(users["admin"], 1)
    running = _upload(users["admin"], 30)
    assert uploads.claim(running)

    dry = purge_stale_uploads(dry_run=True)
    assert (dry.uploads, dry.dry_run) == (1, True) and dry.bytes > 0
    assert old.path.exists()

    result = runner.invoke(args=["retention", "purge", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 stale import upload(s)" in result.output
    assert not list(tmp_path.glob(f"{old.token}.*"))
    assert fresh.path.exists() and running.path.exists()
    assert json.loads((tmp_path / f"{fresh.token}.json").read_text())["token"] == fresh.token


def test_a_removed_upload_answers_404(app, users, tmp_path, client_as):
    app.config["INTERACTION_UPLOADS_DIR"] = str(tmp_path)
    old = _upload(users["admin"], 48)
    purge_stale_uploads(dry_run=False)
    assert client_as("admin").get(f"/interactions/import/{old.token}").status_code == 404
