"""Flagging: which interactions most need a human look, and why.

Pure core (pandas + scikit-learn, no Flask): train a calibrated linear model per
target (``escalation``, ``coaching``) on interaction frames in the import format,
evaluate it on a later period against a keyword rule and random sampling,
explain each flag, and save/load versioned artefacts safely (skops, no pickle).
"""

from flagging.evaluate import Evaluation, evaluate
from flagging.frame import FlaggingError
from flagging.keywords import keyword_scores
from flagging.model import FlagModel, train
from flagging.persist import FORMAT_VERSION, load

__all__ = [
    "FORMAT_VERSION",
    "Evaluation",
    "FlagModel",
    "FlaggingError",
    "evaluate",
    "keyword_scores",
    "load",
    "train",
]
