"""Recording files: written once under a random name, read back only after
their checksum matched the one in the database.

Names are 144 random bits (``secrets``) plus the format's extension, created
with O_EXCL: two uploads cannot collide, and nobody can guess a file's name.
A file is written to a temporary name and renamed, so a crash never leaves a
half file under a real name.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from pathlib import Path

from qa_app.recordings import settings


class ChecksumError(RuntimeError):
    """The file on disk is not the one that was stored (changed or damaged)."""


_VERIFIED: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256
_LOCK = threading.Lock()


def save(data: bytes, extension: str) -> tuple[str, str]:
    """Store ``data``; its (storage name, sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    base = settings.folder()
    while True:
        name = f"{secrets.token_urlsafe(18)}.{extension}"
        try:
            fd = os.open(base / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # pragma: no cover - 2**-144
            continue
        break
    temp = base / f".{name}.part"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, base / name)
    except BaseException:
        temp.unlink(missing_ok=True)
        (base / name).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return name, digest


def path_of(name: str) -> Path:
    if "/" in name or "\\" in name or name.startswith("."):
        raise ChecksumError("not a storage name")
    return settings.folder() / name


def verified(name: str, sha256: str) -> Path:
    """The file's path once its content hashes to ``sha256`` (remembered per
    size and modification time, so range requests do not re-read the file)."""
    path = path_of(name)
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise ChecksumError("the recording's file is missing") from exc
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        known = _VERIFIED.get(key)
    if known is None:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
        known = digest.hexdigest()
        with _LOCK:
            _VERIFIED[key] = known
    if known != sha256:
        raise ChecksumError("the recording's file does not match its checksum")
    return path


def read(name: str, sha256: str) -> bytes:
    return verified(name, sha256).read_bytes()


def remove(name: str | None) -> None:
    if name:
        path_of(name).unlink(missing_ok=True)
