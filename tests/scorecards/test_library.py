"""The ready-made scorecards: valid, complete, realistic, and scorable."""

import random

import pytest
import yaml

import scorecards
from scorecards import library_path, list_library, load_library, score

SLUGS = ["chat_support", "collections_call", "email_support", "inbound_support_call"]


def test_list_library():
    listed = list_library()
    assert [slug for slug, _, _ in listed] == SLUGS
    assert ("collections_call", "Collections call (regulated)", "call") in listed
    assert {channel for _, _, channel in listed} == {"call", "chat", "email"}


@pytest.mark.parametrize("slug", SLUGS)
def test_each_library_card_validates_and_round_trips(slug):
    raw = yaml.safe_load(library_path(slug).read_text(encoding="utf-8"))
    assert scorecards.validate(raw) == []
    card = load_library(slug)
    assert scorecards.load(scorecards.dump(card)) == card
    for question in card.questions():
        if question.kind != "text":
            assert len(question.guidance) > 20 or len(question.text) > 40, question.key


@pytest.mark.parametrize("slug", SLUGS)
def test_each_library_card_scores(slug):
    card = load_library(slug)
    best = {q.key: max(q.answers(), key=q.points_for) for q in card.questions() if q.answers()}
    result = score(card, best)
    assert result.total == 100.0
    assert result.complete
    rng = random.Random(slug)
    for _ in range(50):
        answers = {}
        for q in card.questions():
            values = list(q.answers()) + (["na"] if q.allow_na else [])
            answers[q.key] = rng.choice(values) if values else "comment"
        result = score(card, answers)
        assert result.total is None or 0 <= result.total <= 100


def test_library_covers_the_features_teams_need():
    cards = [load_library(slug) for slug in SLUGS]
    questions = [q for c in cards for q in c.questions()]
    assert sum(c.weighted for c in cards) >= 2
    assert {q.kind for q in questions} == {"yes_no", "scale", "choice", "text"}
    assert any(q.allow_na for q in questions)
    assert {q.error_family for q in questions} >= {"customer", "business", "compliance"}
    collections = load_library("collections_call")
    scopes = {(q.critical.scope, q.error_family) for q in collections.questions() if q.critical}
    assert ("scorecard", "compliance") in scopes
    assert any(scope == "section" for scope, _ in scopes)


def test_collections_identity_failure_auto_fails_the_call():
    card = load_library("collections_call")
    answers = {q.key: "yes" for q in card.questions() if q.kind == "yes_no"}
    answers |= {"ability_to_pay": 5, "payment_outcome": "arrangement", "right_party": "no"}
    result = score(card, answers)
    assert result.total == 0.0
    assert result.auto_failed
    assert result.total_before_autofail == pytest.approx(100 * (1 - 5 / 21 * 0.4))
    assert result.critical_families == {"compliance"}


def test_unknown_slug():
    with pytest.raises(KeyError):
        load_library("no_such_card")
    with pytest.raises(KeyError):
        load_library("../scorecards/library/chat_support")
