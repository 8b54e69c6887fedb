"""Recordings in through the page, the API and the import; served with range
requests to those who may see the interaction, and to nobody else."""

import io

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEvent, Recording
from tests.qa_app.helpers import csrf_token
from tests.speech.sounds import encode, tones


def _upload(client, item_id, data, name="call.wav"):
    token = csrf_token(client, f"/interactions/{item_id}")
    return client.post(f"/interactions/{item_id}/recording", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})  # fmt: skip


def _get(client, path, **kwargs):
    """A GET whose body is read and whose file is closed (send_file streams it)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def _stored(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_upload_on_the_page_is_stored_with_its_checksum(client_as, users, make,
                                                           recordings_folder):  # fmt: skip
    item = make.interaction(users["agent"])
    data = encode(tones(2.0, 8000, 2), 8000, "wav-mulaw")
    response = _upload(client_as("executive"), item.id, data)
    assert response.status_code == 302
    rec = db.session.scalar(db.select(Recording))
    assert (rec.codec, rec.channels, rec.sample_rate, rec.agent_channel) == (
        "mu-law",
        2,
        8000,
        "left",
    )
    assert rec.duration_s == pytest.approx(2.0) and rec.size_bytes == len(data)
    # A random name: nothing of the upload's name or the interaction's id in it.
    assert _stored(recordings_folder) == [rec.storage_name]
    assert "call" not in rec.storage_name and len(rec.storage_name) >= 24
    assert (recordings_folder / rec.storage_name).read_bytes() == data
    assert rec.measures["agent_talk_s"] == pytest.approx(2.0, abs=0.1)
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.action == "recording.attached")) == "recording.attached"  # fmt: skip
    page = client_as("executive").get(f"/interactions/{item.id}").get_data(as_text=True)
    assert 'data-testid="recording-audio"' in page and "agent on the left channel" in page


def test_mono_is_said_to_have_no_sides(client_as, users, make):
    item = make.interaction(users["agent"])
    _upload(client_as("admin"), item.id, encode(tones(1.0, 16000, 1), 16000, "mp3"), "a.mp3")
    page = client_as("reviewer").get(f"/interactions/{item.id}").get_data(as_text=True)
    assert "speakers not told apart" in page


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"hello", "not a readable audio file"),
     (encode(tones(2.0, 8000, 2), 8000, "wav-pcm")[:9000], "truncated"),
     (encode(tones(1.0, 8000, 2) * 0, 8000, "flac"), "silent")],
    ids=["not-audio", "truncated", "silent"],
)  # fmt: skip
def test_a_bad_file_is_refused_and_nothing_is_stored(client_as, users, make, recordings_folder,
                                                     data, reason):  # fmt: skip
    item = make.interaction(users["agent"])
    response = _upload(client_as("admin"), item.id, data)
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Recording)) == 0
    assert _stored(recordings_folder) == []


def test_too_long_is_refused(app, client_as, users, make):
    app.config["RECORDING_MAX_SECONDS"] = 60
    item = make.interaction(users["agent"])
    response = _upload(client_as("admin"), item.id, encode(tones(61, 8000, 1), 8000, "mp3"))
    assert response.status_code == 422 and "the maximum is 1:00" in response.get_data(as_text=True)


def test_a_replaced_recording_leaves_only_the_new_file(client_as, users, make, recordings_folder):
    item = make.interaction(users["agent"])
    admin = client_as("admin")
    _upload(admin, item.id, encode(tones(1.0, 8000, 2), 8000, "wav-pcm"))
    _upload(admin, item.id, encode(tones(1.0, 8000, 2), 8000, "flac"), "b.flac")
    rec = db.session.scalar(db.select(Recording))
    assert rec.codec == "FLAC" and _stored(recordings_folder) == [rec.storage_name]


def test_agents_and_reviewers_cannot_upload(client_as, users, make):
    item = make.interaction(users["agent"])
    for role in ("agent", "reviewer"):
        assert _upload(client_as(role), item.id, b"x").status_code in (403, 404)


@pytest.fixture
def stored(client_as, users, make):
    item = make.interaction(users["agent"])
    data = encode(tones(1.0, 8000, 2), 8000, "wav-pcm")
    _upload(client_as("admin"), item.id, data)
    return item, data


def test_the_audio_is_served_in_ranges_and_never_cached(client_as, stored):
    item, data = stored
    client = client_as("reviewer")
    whole = _get(client, f"/interactions/{item.id}/recording/audio")
    assert whole.status_code == 200 and whole.data == data
    assert whole.headers["Cache-Control"] == "private, no-store"
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = _get(
        client, f"/interactions/{item.id}/recording/audio", headers={"Range": "bytes=100-199"}
    )
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert part.data == data[100:200]
    assert part.headers["Cache-Control"] == "private, no-store"


def test_an_agent_hears_their_own_call_and_no_one_elses(app, client_as, users, make, stored):
    item, _ = stored
    assert _get(client_as("agent"), f"/interactions/{item.id}/recording/audio").status_code == 200
    other = make.user("agent", team=users["agent"].team, email="other@example.test")
    theirs = make.interaction(other)
    from qa_app.recordings import services

    services.attach(theirs, encode(tones(1.0, 8000, 1), 8000, "wav-pcm"), "x.wav", users["admin"])
    assert _get(client_as("agent"), f"/interactions/{theirs.id}/recording/audio").status_code == 404
    assert client_as("agent").get(f"/api/v1/interactions/{theirs.id}/recording").status_code in (
        401,
        404,
    )


def test_a_file_changed_on_disk_is_not_served(client_as, stored, recordings_folder):
    item, data = stored
    rec = db.session.scalar(db.select(Recording))
    (recordings_folder / rec.storage_name).write_bytes(data[:-2] + b"\x00\x01")
    assert _get(client_as("admin"), f"/interactions/{item.id}/recording/audio").status_code == 409


def _api(app, users, role="admin"):
    from qa_app.api import tokens

    secret = tokens.create(users[role], "test").secret
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_takes_a_multipart_upload(app, client, users, make, recordings_folder):
    item = make.interaction(users["agent"])
    headers = _api(app, users)
    data = encode(tones(1.0, 16000, 2), 16000, "m4a")
    response = client.post(f"/api/v1/interactions/{item.id}/recording", headers=headers,
                           data={"file": (io.BytesIO(data), "call.m4a")})  # fmt: skip
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["codec"] == "AAC" and response.get_json()["channels"] == 2
    bad = client.post(f"/api/v1/interactions/{item.id}/recording", headers=headers,
                      data={"file": (io.BytesIO(b"not audio"), "x.wav")})  # fmt: skip
    assert bad.status_code == 422 and bad.get_json()["code"] == "recording_refused"
    unknown = client.post("/api/v1/interactions/999999/recording", headers=headers,
                          data={"file": (io.BytesIO(data), "call.m4a")})  # fmt: skip
    assert unknown.status_code == 404
    assert len(_stored(recordings_folder)) == 1


def test_the_import_attaches_the_recordings_its_manifest_names(app, runner, users, tmp_path):
    folder = tmp_path / "audio"
    folder.mkdir()
    (folder / "a.wav").write_bytes(encode(tones(1.0, 8000, 2), 8000, "wav-alaw"))
    (folder / "bad.wav").write_bytes(b"nope")
    head = "external_id,channel,agent_email,started_at,transcript,recording\n"
    row = "c1,call,agent@example.test,2026-11-02T09:30:00Z,Agent: Hello,{}\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(head + row.format("a.wav") + row.replace("c1", "c2").format("bad.wav"))
    refused = runner.invoke(args=["interactions", "import", str(bad), "--recordings", str(folder)])
    assert refused.exit_code != 0 and "row 3, recording bad.wav" in refused.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Recording)) == 0
    good = tmp_path / "good.csv"
    good.write_text(head + row.format("a.wav"))
    done = runner.invoke(args=["interactions", "import", str(good), "--recordings", str(folder)])
    assert done.exit_code == 0, done.output
    rec = db.session.scalar(db.select(Recording))
    assert rec is not None and rec.codec == "A-law"
