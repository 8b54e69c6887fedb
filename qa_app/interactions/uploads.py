"""Uploaded files waiting between preview and confirm, in ``instance/uploads/``.

Confirming hands a copy of the file to an import job (stored with the job, so a
worker on another machine can read it); the upload remembers the job's id.

Each upload is ``<token>.data`` plus ``<token>.json`` (owner, name, format,
status, summary). The token is random and bound to the uploading user: any
other user gets a 404. Confirming takes ``<token>.claim`` with ``O_EXCL``, so
two clicks (or two workers on this machine) can never import the same file twice.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import abort, current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from qa_app.models import User, utcnow

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Upload:
    token: str
    user_id: int
    filename: str
    fmt: str
    source: str
    size: int
    created_at: str
    status: str = "pending"  # "pending" | "importing" (job_id runs it) | "imported"
    summary: dict[str, Any] | None = None
    job_id: int | None = None

    @property
    def path(self) -> Path:
        return root() / f"{self.token}.data"

    @property
    def rejects_path(self) -> Path:
        return root() / f"{self.token}.rejects.csv"

    @property
    def has_rejects(self) -> bool:
        return self.rejects_path.exists()

    def save_meta(self) -> None:
        target = root() / f"{self.token}.json"
        temp = target.with_suffix(".tmp")
        temp.write_text(json.dumps(asdict(self)))
        temp.replace(target)  # atomic: a reader never sees half a file


def root() -> Path:
    """``INTERACTION_UPLOADS_DIR`` if configured (tests), else ``instance/uploads``."""
    configured = current_app.config.get("INTERACTION_UPLOADS_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_source(filename: str) -> str:
    stem = Path(secure_filename(filename) or "upload").stem
    return stem[:60] or "upload"


def save(storage: FileStorage, owner: User, *, fmt: str, source: str) -> Upload:
    token = secrets.token_urlsafe(24)
    upload = Upload(
        token=token,
        user_id=owner.id,
        filename=(storage.filename or "upload")[:200],
        fmt=fmt,
        source=source,
        size=0,
        created_at=utcnow().isoformat(timespec="seconds"),
    )
    storage.save(upload.path)
    upload.size = upload.path.stat().st_size
    upload.save_meta()
    return upload


def load(token: str, owner: User) -> Upload:
    """The owner's upload, or 404 (unknown token, malformed token, someone else's)."""
    if not _TOKEN.match(token):
        abort(404)
    meta = root() / f"{token}.json"
    try:
        upload = Upload(**json.loads(meta.read_text()))
    except FileNotFoundError:
        abort(404)
    if upload.user_id != owner.id:
        abort(404)
    return upload


def claim(upload: Upload) -> bool:
    """Take the right to import this upload; False if someone already has it."""
    try:
        fd = os.open(root() / f"{upload.token}.claim", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def release(upload: Upload) -> None:
    (root() / f"{upload.token}.claim").unlink(missing_ok=True)


def mark_importing(upload: Upload, job_id: int) -> None:
    upload.status = "importing"
    upload.job_id = job_id
    upload.save_meta()


def reopen(upload: Upload) -> None:
    """The import wrote nothing: the user may confirm again with other options."""
    upload.status = "pending"
    upload.job_id = None
    upload.save_meta()
    release(upload)


def mark_imported(upload: Upload, summary: dict[str, Any]) -> None:
    upload.status = "imported"
    upload.summary = summary
    upload.save_meta()
    upload.path.unlink(missing_ok=True)  # imported: the rows live in the database now
