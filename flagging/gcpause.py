"""The garbage collector paused while a large frame is scored."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collections_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a scoring call, then restore it.

    Scoring builds hundreds of thousands of short-lived lists (turns per contact) and
    no reference cycles, yet each burst of allocations triggers collections, and the
    older generations they reach hold the caller's data: a frame of transcripts is
    millions of turn dicts, re-traversed again and again (a sixth of the scoring time
    on the benchmark). Reference counting still frees everything scoring makes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
