"""The feedback pages' blueprint: the agent's pages, disputes, coaching.

Laid out as microblog's ``app/main``: the blueprint is defined here; each page
module does ``from qa_app.feedback.routes import bp`` and is imported at the
bottom so that its views are registered. Page modules never import one
another. The pages live in this subpackage so that importing the feedback
services (``services``, ``coaching``, ``presenters``, used by other features)
does not load them.
"""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback", cli_group="feedback")

from qa_app.feedback.routes import agent, coaching_sessions, disputes  # noqa: E402, F401  (register the views)
