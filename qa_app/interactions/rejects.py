"""Rejected rows of an import: kept on disk as they come, written out as a CSV.

A file may have a hundred thousand bad rows; holding each one's fields in
memory until the end grew a worker by hundreds of megabytes. A ``Spool`` writes
each rejected row to a temporary file as one JSON line and reads them back,
as often as needed, when the rejects CSV is written.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qa_app.interactions.parsing import Rejected, RowProblem
from qa_app.spreadsheet import neutralise


class Spool:
    """Rejected rows in a temporary file (deleted on ``close``), in order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self.count = 0

    def add(self, item: Rejected) -> None:
        problems = [[p.column, p.message] for p in item.problems]
        # ensure_ascii (the default) keeps a lone surrogate as its \\u escape.
        self._file.write(json.dumps([item.row, item.raw, problems]) + "\n")
        self.count += 1

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[Rejected]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            row, raw, problems = json.loads(line)
            yield Rejected(row, raw, [RowProblem(row, c, m) for c, m in problems])
        self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()


def write_rejects(target: Path, rejects: Iterable[Rejected]) -> None:
    """Original fields of each rejected row, then its row number and problems.

    ``rejects`` is read twice (the columns first), so a ``Spool`` or a list."""
    columns: dict[str, None] = {}
    for item in rejects:
        columns.update(dict.fromkeys(item.raw))
    names = [c for c in columns if c not in ("row", "problems")] + ["row", "problems"]
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed into place: a download (from any
    # worker) never reads half a file. backslashreplace: a rejected JSON line may
    # hold a lone surrogate ("\ud800"), which UTF-8 cannot encode; the file shows
    # it as the escape instead.
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with partial.open("w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writerow({name: neutralise(name) for name in names})
        for item in rejects:
            cells = {k: _cell(v) for k, v in item.raw.items() if k in names}
            cells["row"] = item.row
            cells["problems"] = neutralise(
                "; ".join(
                    f"{p.column}: {p.message}" if p.column else p.message for p in item.problems
                )
            )
            writer.writerow(cells)
    partial.replace(target)


def _cell(value: Any) -> Any:
    """A rejected field as the rejects CSV shows it (opened in a spreadsheet)."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value)
