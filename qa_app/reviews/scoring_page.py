"""The scoring page's per-version HTML, rendered once and reused.

Reviewers open the scoring page all day; most of its markup (each question's
legend and badges, its radio buttons, its guidance) depends only on the
scorecard version, which never changes once published, and on which answer is
chosen. Rendering that per request was about half the page's Python work. Here
it is rendered once per version, for every possible answer, from the macros in
``reviews/_question_parts.html``; the page template picks the pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from markupsafe import Markup

import scorecards
from qa_app.reviews.forms import radio_choices


@dataclass(frozen=True, slots=True)
class QuestionParts:
    legend: Markup
    guidance: Markup
    # chosen value ("" for none) -> the radio group with that value checked
    radios: dict[str, Markup]

    def radio_group(self, value: object) -> Markup:
        """The group with ``value`` checked; none checked for no or an unknown value."""
        return self.radios.get(value if isinstance(value, str) else "", self.radios[""])


def question_parts(card: scorecards.Scorecard) -> dict[str, QuestionParts]:
    """Question key -> its pre-rendered parts (cached per version)."""
    return _parts(card, current_app.jinja_env)


@lru_cache(maxsize=128)
def _parts(card: scorecards.Scorecard, env: object) -> dict[str, QuestionParts]:
    macros = env.get_template("reviews/_question_parts.html").module
    choices = radio_choices(card)
    out: dict[str, QuestionParts] = {}
    for q in card.questions():
        options = choices.get(q.key, ())
        radios = {v: Markup(macros.radios(q, options, v)) for v in ["", *(v for v, _ in options)]}
        out[q.key] = QuestionParts(Markup(macros.legend(q)), Markup(macros.guidance(q)), radios)
    return out
