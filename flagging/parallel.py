"""Scoring a large frame on several cores without shipping it to other processes.

``joblib``/``loky`` workers receive their input pickled: for interaction frames
(transcripts as lists of turns) pickling and unpickling cost about as much as
scoring. A forked child instead inherits the parent's memory (copy on write), so it
gets the model and the frame for free and sends back only one float per row. The
parent scores the first part itself while the children score the others. The
inherited objects are frozen out of the children's garbage collections first
(``gc.freeze``): a collection would touch, and so copy, every page of them.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from flagging.model import FlagModel

_SHARED: dict = {}
"""What forked children read: set just before the fork, cleared after."""


def _decisions(model: FlagModel, frame: pd.DataFrame, bound: tuple[int, int], chunk: int):
    start, stop = bound
    return np.concatenate(
        [
            model.decision_function(frame.iloc[i : min(i + chunk, stop)])
            for i in range(start, stop, chunk)
        ]
    )


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


def _quiet_child() -> None:
    # A collection in the child would visit (and so copy) every object it inherited.
    gc.disable()


def _child(bound: tuple[int, int]) -> np.ndarray:
    return _decisions(_SHARED["model"], _SHARED["frame"], bound, _SHARED["chunk"])


def scores(
    model: FlagModel, frame: pd.DataFrame, bounds: list[tuple[int, int]], chunk: int
) -> np.ndarray:
    """Decision values of rows [start, stop) for each bound, concatenated in order."""
    if len(bounds) == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return np.concatenate([_decisions(model, frame, b, chunk) for b in bounds])
    _SHARED.update(model=model, frame=frame, chunk=chunk)
    gc.freeze()  # inherited objects stay out of the children's collections (no copies)
    try:
        pool = multiprocessing.get_context("fork").Pool(len(bounds) - 1, _quiet_child)
        try:
            pending = pool.map_async(_child, bounds[1:])
            first = _decisions(model, frame, bounds[0], chunk)
            rest = pending.get()
        finally:
            pool.close()
            pool.join()
    finally:
        gc.unfreeze()
        _SHARED.clear()
    return np.concatenate([first, *rest])
