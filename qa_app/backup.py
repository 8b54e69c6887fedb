"""``flask backup`` / ``flask restore``: the embedded SQLite database, copied
while the application runs and put back only after the copy is proven whole.

Backup uses SQLite's online backup API (a consistent snapshot even while other
processes write), runs ``PRAGMA integrity_check`` on the copy and writes a
manifest beside it: the Alembic revision, the file's SHA-256, and per table the
row count and a checksum of its rows in primary-key order. Restore re-reads the
backup, refuses it unless file, integrity and every table match the manifest,
then swaps it in with an atomic rename (the previous file stays beside it as
``<name>.pre-restore``). PostgreSQL deployments use ``pg_dump``/``pg_restore``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask

from qa_app.extensions import db

FORMAT = 1
POSTGRES_HINT = (
    "The database is PostgreSQL: back it up with pg_dump and restore with pg_restore "
    "(see the README, 'Backup and restore')."
)


class BackupError(RuntimeError):
    """A backup or restore that was refused, with the reason for the operator."""


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def database_file(app: Flask) -> Path:
    """The live SQLite file, or ``BackupError`` for any other database."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_HINT)
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory; there is no file to back up.")
    return Path(url.database).resolve()


def default_target(app: Flask) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(app.instance_path) / "backups" / f"qa-{stamp}.sqlite"


def backup(app: Flask, target: Path | None = None) -> dict[str, Any]:
    """Copy the live database to ``target`` and write its manifest; return it."""
    source = database_file(app)
    target = (target or default_target(app)).resolve()
    if target == source:
        raise BackupError("The backup cannot overwrite the database itself.")
    if target.exists():
        raise BackupError(f"{target} exists already; choose another file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        live = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy)  # all pages in one step: one consistent snapshot
            _check_integrity(copy, target)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "source": str(source),
                "file": target.name,
                "revision": _revision(copy),
                "tables": table_facts(copy),
            }
        finally:
            copy.close()
            live.close()
        manifest["sha256"] = file_sha256(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _write_json(manifest_path(target), manifest)
    return manifest


def restore(app: Flask, backup_file: Path) -> dict[str, Any]:
    """Verify ``backup_file`` against its manifest, then make it the live database."""
    live = database_file(app)
    backup_file = backup_file.resolve()
    manifest = verify(backup_file)
    staged = live.with_name(f".{live.name}.restore")
    staged.unlink(missing_ok=True)
    try:
        with backup_file.open("rb") as src, staged.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if file_sha256(staged) != manifest["sha256"]:
            raise BackupError(
                "The copy made for the restore differs from the backup; nothing changed."
            )
        db.session.remove()
        db.engine.dispose()  # no pooled connection may keep the old file open
        _settle(live)
        if live.exists():
            keep = live.with_name(live.name + ".pre-restore")
            keep.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # no hard links here: no safety copy
                os.link(live, keep)
        os.replace(staged, live)  # atomic: the database is the old or the new file
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
    finally:
        staged.unlink(missing_ok=True)
    return manifest


def verify(backup_file: Path) -> dict[str, Any]:
    """The manifest of ``backup_file`` if the file matches it in every respect."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist.")
    try:
        manifest = json.loads(manifest_path(backup_file).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(
            f"No manifest {manifest_path(backup_file).name} beside the backup."
        ) from exc
    except ValueError as exc:
        raise BackupError(f"The manifest is not valid JSON: {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The manifest is not one this version of the platform wrote.")
    if file_sha256(backup_file) != manifest.get("sha256"):
        raise BackupError(
            "The backup file's checksum differs from its manifest; it was changed or damaged."
        )
    copy = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        _check_integrity(copy, backup_file)
        facts = table_facts(copy)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup_file.name} is not a readable SQLite database: {exc}.") from exc
    finally:
        copy.close()
    expected = manifest.get("tables", {})
    for name in sorted(set(expected) | set(facts)):
        if expected.get(name) != facts.get(name):
            raise BackupError(f"Table {name} differs from the manifest; the backup is not trusted.")
    return manifest


def table_facts(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per table: row count and SHA-256 of its rows in rowid (primary-key) order."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    facts = {}
    for name in names:
        digest, count = hashlib.sha256(), 0
        quoted = '"' + name.replace('"', '""') + '"'
        for row in conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):
            digest.update(repr(tuple(row)).encode("utf-8"))
            digest.update(b"\n")
            count += 1
        facts[name] = {"rows": count, "sha256": digest.hexdigest()}
    return facts


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_integrity(conn: sqlite3.Connection, name: Path) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"Integrity check of {name.name} failed: {'; '.join(result[:5])}")


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.DatabaseError, TypeError):
        return None


def _settle(live: Path) -> None:
    """Fold a write-ahead log into the old file and make sure nobody is mid-write."""
    if not live.exists():
        return
    conn = sqlite3.connect(live, timeout=5)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("BEGIN EXCLUSIVE")
        conn.rollback()
    except sqlite3.OperationalError as exc:
        raise BackupError(f"The database is busy ({exc}); stop the application and retry.") from exc
    finally:
        conn.close()


def _write_json(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)
