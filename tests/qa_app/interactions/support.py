"""Builders for import files, shared by the interaction tests and the role matrix."""

from __future__ import annotations

import atexit
import csv
import io
import json
import shutil
import tempfile
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from qa_app.interactions import importer, uploads
from qa_app.models import User

COLUMNS = [
    "external_id",
    "channel",
    "agent_email",
    "team",
    "started_at",
    "duration_seconds",
    "customer_id",
    "transcript",
    "csat",
    "escalated",
]


def row(n: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid CSV row for the ``users`` fixture's agent; override any field."""
    values = {
        "external_id": f"c-{n}",
        "channel": "call",
        "agent_email": "agent@example.test",
        "team": "Support",
        "started_at": f"2026-03-{1 + n % 28:02d}T09:{n % 60:02d}:00+01:00",
        "duration_seconds": "300",
        "customer_id": f"cust-{n}",
        "transcript": "[00:00] Agent: Hello, how can I help?\n[00:04] Customer: My parcel is late.",
        "csat": "4",
        "escalated": "no",
    }
    values.update(fields)
    return values


def csv_bytes(rows: list[dict[str, Any]], columns: list[str] | None = None, **kw: Any) -> bytes:
    """CSV as a spreadsheet would save it (``lineterminator`` defaults to CRLF)."""
    names = columns or list(dict.fromkeys(k for r in rows for k in r)) or COLUMNS
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore", **kw)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def jsonl_bytes(objects: list[Any]) -> bytes:
    return "".join(json.dumps(o) + "\n" for o in objects).encode("utf-8")


def sample_upload(owner: User, agent_email: str = "agent@example.test") -> str:
    """An upload of ``owner`` already imported partly, with a rejects file: its
    pages all answer 200 for the owner (the role matrix's sample token)."""
    if not current_app.config.get("INTERACTION_UPLOADS_DIR"):
        folder = tempfile.mkdtemp(prefix="qa-uploads-")
        atexit.register(shutil.rmtree, folder, True)
        current_app.config["INTERACTION_UPLOADS_DIR"] = folder
    data = csv_bytes([row(1, agent_email=agent_email), row(2, channel="fax")])
    storage = FileStorage(stream=io.BytesIO(data), filename="sample.csv")
    saved = uploads.save(storage, owner, fmt="csv", source="matrix")
    summary = importer.import_file(
        saved.path, source="matrix", fmt="csv", partial=True, rejects_path=saved.rejects_path
    )
    uploads.mark_imported(saved, {"created": summary.created, "updated": 0,
                                  "rejected": summary.rejected, "problems": [],
                                  "problem_count": 0, "agents_created": 0,
                                  "teams_created": []})  # fmt: skip
    return saved.token
