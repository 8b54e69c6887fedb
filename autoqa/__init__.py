"""Scorecard questions answered automatically, with evidence: the ``auto:``
rules of a question (``scorecards.auto``) evaluated on a contact's turns,
detectors (sentiment, spelling), models learned per question key from people's
answers, and the agreement gate that decides which of them to trust.

Pure package: uses ``scorecards``; never imports Flask, SQLAlchemy or qa_app.
"""

from autoqa.gate import Agreement, Verdict, agreement, held_out, verdict
from autoqa.learned import Trained, predict, split_turns, train
from autoqa.rules import AutoAnswer, Evidence, answer, answer_all

__all__ = [
    "Agreement",
    "AutoAnswer",
    "Evidence",
    "Trained",
    "Verdict",
    "agreement",
    "answer",
    "answer_all",
    "held_out",
    "predict",
    "split_turns",
    "train",
    "verdict",
]
