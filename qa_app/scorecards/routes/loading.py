"""What the scorecard pages share: the card a URL names, the text of an upload."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from qa_app.extensions import db
from qa_app.models import Scorecard


def card(scorecard_id: int) -> Scorecard:
    """The scorecard with this id, or a 404 page."""
    return db.get_or_404(Scorecard, scorecard_id)


def upload_text(storage: FileStorage) -> str | None:
    """An uploaded file as text (UTF-8, with or without a byte-order mark);
    None when it is not UTF-8, for the page to say so."""
    raw = storage.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
