"""What no database text or JSON column takes, named once for the import's
checks and the job runner's results. Pure: no Flask, no database."""

from __future__ import annotations

import re
from typing import Any

# NUL, and lone UTF-16 surrogates (which JSON's \ud800 escapes can produce).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """``value`` with unstorable characters replaced by U+FFFD: a job result
    quoting a hostile file's rejected cells must not make the job fail to save."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value
