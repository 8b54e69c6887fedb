"""Ready-made scorecards shipped with the package (``scorecards/library/*.yaml``).

A team starts from one of these and edits it in the application; the files
themselves are never changed by the application.
"""

from __future__ import annotations

from pathlib import Path

from scorecards.io import load
from scorecards.model import Scorecard

_LIBRARY = Path(__file__).parent / "library"


def library_path(slug: str | None = None) -> Path:
    """The library folder, or the file of one scorecard (``slug`` = file name stem)."""
    return _LIBRARY if slug is None else _LIBRARY / f"{slug}.yaml"


def list_library() -> list[tuple[str, str, str]]:
    """(slug, name, channel) of every library scorecard, sorted by slug."""
    out = []
    for path in sorted(_LIBRARY.glob("*.yaml")):
        card = load(path)
        out.append((path.stem, card.name, card.channel))
    return out


def load_library(slug: str) -> Scorecard:
    """Load one library scorecard by slug; ``KeyError`` if there is no such card."""
    path = library_path(slug)
    if "/" in slug or "\\" in slug or not path.is_file():
        raise KeyError(slug)
    return load(path)
