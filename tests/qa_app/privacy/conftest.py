"""The privacy tests reuse the feedback fixtures: a small scorecard and
evaluations submitted through the evaluation service."""

from tests.qa_app.feedback.conftest import card, submit  # noqa: F401
