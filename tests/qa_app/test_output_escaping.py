"""Hostile text in every user-text field is shown as text on every page.

The role matrix's sample data (one of everything, for every id-taking URL) is
given a hostile payload in each field people type or import: script tags,
event-handler attributes, ``javascript:`` URLs, entities, bidi and zero-width
characters, a template expression and a very long line. Then every page is
fetched as each role. No page may carry the markup unescaped, and each field's
escaped payload must appear on at least one page (so the field really was
rendered, not merely absent).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from qa_app.extensions import db
from qa_app.models import (
    ROLES,
    Answer,
    CalibrationItem,
    CalibrationNote,
    CalibrationSession,
    CoachingItem,
    CoachingSession,
    Dispute,
    DisputeItem,
    Evaluation,
    Flag,
    FlagModel,
    Interaction,
    Notification,
    SamplingRule,
    Scorecard,
    Team,
    User,
    utcnow,
)
from tests.qa_app.helpers import Factory
from tests.qa_app.test_role_matrix import _rules, _samples, _url

LONG_LINE = "W" * 5000
FIELDS: dict[str, str] = {}  # tag -> the field it was written to


def hostile(field: str) -> str:
    """A payload for ``field``, tagged so a leak names its field; <= 120 chars."""
    tag = f"F{len(FIELDS):02d}"
    FIELDS[tag] = field
    return (
        f"<script>alert({tag})</script><img src=x onerror=alert({tag})>{{{{7*7}}}}"
        ' "\'><a href="javascript:alert(1)">j</a> &amp; \u202eevil\u200b'
    )


def escaped_forms(tag: str) -> tuple[str, ...]:
    """How the payload's start looks once escaped: HTML text or a JSON attribute."""
    return (f"&lt;script&gt;alert({tag})&lt;/script&gt;", f"\\u003cscript\\u003ealert({tag})")


class HostileFactory(Factory):
    """The matrix's factory, but every scorecard's texts are hostile."""

    def scorecard(self, definition: dict[str, Any] | None = None, **kwargs: Any) -> Scorecard:
        import scorecards

        card = copy.deepcopy(
            definition or scorecards.to_dict(scorecards.load_library("inbound_support_call"))
        )
        card["name"] = hostile("scorecard name")
        card["description"] = hostile("scorecard description")
        for section in card["sections"]:
            section["title"] = hostile(f"section {section['key']} title")
            for question in section["questions"]:
                question["text"] = hostile(f"question {question['key']} text")
                question["guidance"] = hostile(f"question {question['key']} guidance")
                for option in question.get("options") or ():
                    option["label"] = hostile(f"option {option['key']} label")
        return super().scorecard(card, **kwargs)


def _set(rows, **fields: str) -> None:
    for row in rows:
        for name, label in fields.items():
            setattr(row, name, hostile(f"{type(row).__name__}.{label}"))


def _all(model) -> list:
    return list(db.session.scalars(db.select(model)))


def _poison() -> None:
    """Write a payload into every user-text field of the sample data."""
    _set(_all(User), name="name")
    _set(_all(Team), name="name")
    for item in _all(Interaction):
        item.transcript = [
            {"speaker": "agent", "text": hostile("transcript turn"), "start_s": 0},
            {"speaker": "customer", "text": LONG_LINE, "start_s": 4},
        ]
        item.meta = {"note": hostile("interaction metadata")}
        item.customer_ref = hostile("interaction customer reference")
    _set(_all(Evaluation), comment="comment", acknowledgement_comment="acknowledgement")
    for evaluation in _all(Evaluation):
        evaluation.acknowledged_at = evaluation.submitted_at
    _set(_all(Answer), comment="comment")
    # Dispute.reason is not shown: the agent's reasons are per item (below).
    for dispute in _all(Dispute):  # a second, resolved dispute shows its decision
        db.session.add(
            Dispute(
                evaluation_id=dispute.evaluation_id,
                agent_id=dispute.agent_id,
                status="resolved",
                outcome="upheld",
                resolved_at=utcnow(),
                resolution_note=hostile("dispute decision"),
            )
        )
    _set(_all(DisputeItem), reason="reason", note="decision note")
    _set(_all(CoachingSession), notes="notes", agent_comment="agent comment")
    _set(_all(CoachingItem), text="text")
    _set(_all(CalibrationSession), title="title")
    _set(_all(SamplingRule), name="name")
    _set(_all(Notification), title="title", body="body")
    for card in _all(Scorecard):
        card.name, card.description = hostile("Scorecard.name"), hostile("Scorecard.description")
    for flag in _all(Flag):
        flag.reasons = [{"reason": hostile("flag reason"), "weight": 1.0}]
    for model in _all(FlagModel):
        model.active = True  # the queue lists an active model's flags
    for session in _all(CalibrationSession):
        session.status, session.revealed_at = "revealed", utcnow()  # notes show after reveal
    for item in _all(CalibrationItem):
        db.session.add(
            CalibrationNote(
                session_id=item.session_id,
                interaction_id=item.interaction_id,
                question_key="greeting",
                note=hostile("calibration note"),
            )
        )
    db.session.commit()


DANGEROUS = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img src=x", re.I),
    re.compile(r"<a href=\"javascript:", re.I),
    re.compile(r"href=[\"']?\s*javascript:", re.I),
]


def test_hostile_text_is_shown_as_text_on_every_page_for_every_role(
    app, users, client_as, monkeypatch
):
    FIELDS.clear()
    samples = _samples(users, HostileFactory())
    _poison()
    seen: set[str] = set()
    pages = 0
    for role in ROLES:
        visitor = client_as(role)
        for rule in _rules(app):
            if "GET" not in rule.methods:
                continue
            url = _url(app, rule, samples)
            response = visitor.get(url)
            assert response.status_code < 500, f"GET {url} as {role}"
            if response.mimetype != "text/html" or response.status_code >= 300:
                continue
            pages += 1
            html = response.get_data(as_text=True)
            for pattern in DANGEROUS:
                match = pattern.search(html)
                assert match is None, (
                    f"unescaped payload on GET {url} as {role}: "
                    f"{html[max(0, match.start() - 80) : match.end() + 40]!r}"
                )
            for tag in FIELDS:
                if any(form in html for form in escaped_forms(tag)):
                    seen.add(tag)
                    assert "{{7*7}}" in html  # shown literally, never evaluated
    never = sorted({FIELDS[t] for t in FIELDS} - {FIELDS[t] for t in seen})
    assert never == [], f"fields never rendered on any page: {never}"
    kinds = len(set(FIELDS.values()))
    print(f"\nhostile corpus: {len(FIELDS)} values in {kinds} kinds of field, {pages} pages")
    assert pages > 100
