"""Recordings named by an import manifest (``flask interactions import
--recordings DIR``): the column ``recording`` names a file in DIR.

Every named file is checked before the import writes anything, so a bad file
stops the whole import with its reason (nothing half stored); once the rows
are in, each file is attached to its interaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa_app.extensions import db
from qa_app.interactions import parsing
from qa_app.models import Interaction
from qa_app.recordings import services, settings
from speech import decode as audio_decode


@dataclass(frozen=True)
class Named:
    row: int
    external_id: str
    path: Path


def named_in(manifest: Path, fmt: str, folder: Path) -> tuple[list[Named], list[str]]:
    """The recordings the manifest names, and the problems (row, file, reason)."""
    found, problems = [], []
    with manifest.open("rb") as stream:
        for record in parsing.read(stream, fmt):
            if not isinstance(record, parsing.Record):
                continue  # the import itself reports bad rows
            name = str((record.meta or {}).get("recording") or "").strip()
            if not name:
                continue
            path = (folder / name).resolve()
            if folder.resolve() not in path.parents or not path.is_file():
                problems.append(f"row {record.row}, recording: no file {name!r} in {folder}.")
                continue
            try:
                limit = float(settings.get("RECORDING_MAX_SECONDS"))
                audio_decode.decode(path.read_bytes(), max_seconds=limit)
            except audio_decode.AudioError as exc:
                problems.append(f"row {record.row}, recording {name}: {exc}")
                continue
            found.append(Named(record.row, record.external_id, path))
    return found, problems


def attach_all(named: list[Named], source: str) -> int:
    """Attach each checked file to the interaction its row created or updated."""
    done = 0
    for entry in named:
        item = db.session.scalar(
            db.select(Interaction).where(
                Interaction.source == source, Interaction.external_id == entry.external_id
            )
        )
        if item is None:  # its row was rejected (partial import)
            continue
        services.attach(item, entry.path.read_bytes(), entry.path.name, None)
        done += 1
    return done
