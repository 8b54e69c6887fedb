"""The scorecard pages' blueprint: the list, versions, export, diff, the editor.

Laid out as microblog's ``app/main``: the blueprint and who may open its pages
are defined here; each page module does ``from qa_app.scorecards.routes import
bp`` and is imported at the bottom so that its views are registered. What the
page modules share (loading a card, reading an upload) is in ``loading``; page
modules never import one another. The pages live in this subpackage so that
importing the scorecard services (used by the API) does not load them.
"""

from flask import Blueprint

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")
EDITORS = ("admin", "executive")
READERS = ("admin", "executive", "reviewer")

from qa_app.scorecards.routes import cards, editor  # noqa: E402, F401  (register the views)
