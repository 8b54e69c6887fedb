"""The coverage tests reuse the feedback fixtures (a small scorecard, evaluations
submitted through the evaluation service)."""

from tests.qa_app.feedback.conftest import card, submit  # noqa: F401
