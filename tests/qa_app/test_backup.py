"""``flask backup`` / ``flask restore``: an online copy of the SQLite database
with a manifest, restored only when every table matches it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func

from qa_app import backup
from qa_app.extensions import db
from qa_app.models import Interaction, Team, User
from tests.qa_app.conftest import BACKEND

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="the SQLite backup path")


def _live(app) -> Path:
    return backup.database_file(app)


def _facts(app) -> dict:
    conn = sqlite3.connect(_live(app))
    try:
        return backup.table_facts(conn)
    finally:
        conn.close()


def _count(model) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model))


@pytest.fixture
def data(make, users):
    agent = users["agent"]
    for n in range(3):
        make.interaction(agent, external_id=f"before-{n}")
    return agent


@sqlite_only
def test_backup_change_restore_gives_back_the_same_rows_and_checksums(app, runner, data, tmp_path):
    target = tmp_path / "copies" / "qa.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    manifest = json.loads(backup.manifest_path(target).read_text())
    before = _facts(app)
    assert manifest["tables"] == before
    assert manifest["tables"]["interactions"]["rows"] == 3
    assert manifest["tables"]["users"]["rows"] == 4
    assert manifest["revision"] and manifest["sha256"] == backup.file_sha256(target)

    agent_id = data.id
    # Change the data every way: insert, update, delete.
    db.session.add(Team(name="After the backup"))
    data.name = "Renamed"
    db.session.delete(db.session.scalar(db.select(Interaction)))
    db.session.commit()
    assert _facts(app) != before

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert "every table matched its manifest" in result.output
    assert _facts(app) == before  # row counts and checksums of every table
    assert _count(Interaction) == 3 and _count(Team) == 1
    assert db.session.scalar(db.select(User.name).where(User.id == agent_id)) != "Renamed"
    assert (_live(app).parent / (_live(app).name + ".pre-restore")).exists()


@sqlite_only
def test_backup_is_a_consistent_snapshot_while_another_process_writes(app, data, tmp_path):
    writer = sqlite3.connect(_live(app))
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO teams (name, created_at) VALUES ('uncommitted', '2026-01-01')")
    try:
        manifest = backup.backup(app, tmp_path / "during.sqlite")
    finally:
        writer.rollback()
        writer.close()
    assert manifest["tables"]["teams"]["rows"] == 1
    assert manifest["tables"] == _facts(app)


@sqlite_only
def test_backup_goes_to_the_instance_folder_by_default_and_never_overwrites(app, runner, data):
    app.instance_path = str(Path(_live(app)).parent / "instance")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    (made,) = (Path(app.instance_path) / "backups").glob("qa-*.sqlite")
    assert backup.manifest_path(made).exists()
    again = runner.invoke(args=["backup", str(made)])
    assert again.exit_code != 0 and "exists already" in again.output


@sqlite_only
@pytest.mark.parametrize("damage", ["file", "manifest_rows", "manifest_missing", "not_sqlite"])
def test_restore_refuses_a_backup_that_does_not_match_and_changes_nothing(
    app, runner, data, tmp_path, damage
):
    target = tmp_path / "qa.sqlite"
    backup.backup(app, target)
    manifest_file = backup.manifest_path(target)
    manifest = json.loads(manifest_file.read_text())
    if damage == "file":
        conn = sqlite3.connect(target)
        conn.execute("UPDATE users SET name = 'tampered'")
        conn.commit()
        conn.close()
    elif damage == "manifest_rows":
        manifest["tables"]["users"]["rows"] = 99
        manifest_file.write_text(json.dumps(manifest))
    elif damage == "manifest_missing":
        manifest_file.unlink()
    else:
        target.write_bytes(b"not a database at all" * 100)
        manifest["sha256"] = backup.file_sha256(target)
        manifest_file.write_text(json.dumps(manifest))
    db.session.add(Team(name="Kept"))
    db.session.commit()
    before = _facts(app)
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code != 0
    assert "Error:" in result.output and "Traceback" not in result.output
    assert _facts(app) == before


@sqlite_only
def test_restore_asks_before_replacing(app, runner, data, tmp_path):
    target = tmp_path / "qa.sqlite"
    backup.backup(app, target)
    db.session.add(Team(name="Kept"))
    db.session.commit()
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code != 0 and "Replace" in result.output
    assert _count(Team) == 2


@pytest.mark.skipif(BACKEND == "sqlite", reason="the PostgreSQL refusal")
def test_postgresql_points_to_pg_dump(runner, tmp_path):
    path = str(tmp_path / "x.sqlite")
    for args in (["backup", path], ["restore", path, "--yes"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert "pg_dump" in result.output and "pg_restore" in result.output
