"""The AutoQA page: per scorecard question, where its auto-answers come from,
how well they agree with the reviewers on the held-out period, whether they
are trusted, and the disagreements to look at."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DecimalField
from wtforms.validators import InputRequired, NumberRange

from qa_app.access import roles_required
from qa_app.autoqa import services
from qa_app.extensions import db
from qa_app.interactions.transcript import clock
from qa_app.models import Scorecard

bp = Blueprint("autoqa", __name__, url_prefix="/autoqa")
LEADS = ("admin", "executive")

# For ``autoqa/_evidence.html``: a turn's time as on the interaction page (mm:ss).
bp.add_app_template_global(clock, "autoqa_clock")


class ThresholdForm(FlaskForm):
    threshold = DecimalField(
        "Threshold (Krippendorff's alpha)",
        places=3,
        validators=[InputRequired("Enter a threshold."),
                    NumberRange(0, 1, "The threshold is an alpha between 0 and 1.")],
    )  # fmt: skip


def _card() -> Scorecard | None:
    cards = services.published_scorecards()
    wanted = request.args.get("scorecard", type=int)
    if wanted is None:
        return cards[0] if cards else None
    found = next((c for c in cards if c.id == wanted), None)
    if found is None:
        abort(404)
    return found


@bp.route("/")
@roles_required(*LEADS)
def index():
    card = _card()
    form = ThresholdForm(threshold=card.autoqa_threshold if card else None)
    return _page(card, form)


def _page(card: Scorecard | None, form: ThresholdForm, status: int = 200):
    rows = services.question_rows(card, current_user) if card else []
    return render_template(
        "autoqa/index.html",
        cards=services.published_scorecards(),
        card=card,
        rows=rows,
        form=form,
        owner=card is not None and services.sees_untrusted(current_user, card),
    ), status


@bp.route("/<int:scorecard_id>/threshold", methods=["POST"])
@roles_required(*LEADS)
def threshold(scorecard_id: int):
    card = db.get_or_404(Scorecard, scorecard_id)
    form = ThresholdForm()
    if not form.validate_on_submit():
        return _page(card, form, 422)
    trusted = services.set_threshold(current_user, card, float(form.threshold.data))
    flash(f"Threshold set to {card.autoqa_threshold:.3f}: {trusted} question(s) trusted.",
          "success")  # fmt: skip
    return redirect(url_for("autoqa.index", scorecard=card.id))
