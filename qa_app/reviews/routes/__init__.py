"""The review pages' blueprint: the queue, sampling rules, the scoring page.

Laid out as microblog's ``app/main``: the blueprint and who may open its pages
are defined here; each page module does ``from qa_app.reviews.routes import bp``
and is imported at the bottom so that its views are registered. Page modules
never import one another. The pages live in this subpackage rather than in
``qa_app/reviews/__init__.py`` because the review services (``evaluations``,
``policy``) are imported across the app, down to ``qa_app.audit``; importing
them must not load the pages, whose own imports lead back to those modules.
"""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
REVIEWERS = ("admin", "executive", "reviewer")  # the queue and the scoring page
LEADS = ("admin", "executive")  # everyone's queue, reassigning, sampling rules

from qa_app.reviews.routes import queue, rules, scoring  # noqa: E402, F401  (register the views)
