"""Evaluations for the API tests, scored through the real service."""

from __future__ import annotations

from qa_app.reviews import evaluations


def submitted(reviewer, interaction, version, **answers_override):
    """A submitted standard evaluation answering every question (first answer)."""
    evaluation = evaluations.start(reviewer, interaction, version)
    answers = {
        q.key: ("na" if q.allow_na else q.answers()[0]) if q.kind != "text" else "ok"
        for q in evaluations.card_for(version).questions()
    }
    answers.update(answers_override)
    return evaluations.save(
        reviewer, evaluation, answers, lock_version=evaluation.lock_version, submit=True
    ).evaluation
