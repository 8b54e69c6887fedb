"""Scorecard questions answered automatically, with evidence: the ``auto:``
rules of a question (``scorecards.auto``) evaluated on a contact's turns.

Pure package: uses ``scorecards``; never imports Flask, SQLAlchemy or qa_app.
"""

from autoqa.rules import AutoAnswer, Evidence, answer

__all__ = ["AutoAnswer", "Evidence", "answer"]
