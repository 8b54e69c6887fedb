"""Simulated reviews give complete, valid answers that follow the hidden truth."""

import random

import pytest

import scorecards
from qa_app.demo.activity import plan_reviews, simulated_answers

GOOD = {
    "greeted": True,
    "verified_identity": True,
    "identity_required": True,
    "resolved": True,
    "empathy": 0.9,
    "wrong_information": False,
    "held": True,
    "hold_etiquette": True,
    "summarised": True,
    "closed_properly": True,
}
BAD = dict(
    GOOD,
    greeted=False,
    verified_identity=False,
    resolved=False,
    empathy=0.1,
    wrong_information=True,
    hold_etiquette=False,
    summarised=False,
    closed_properly=False,
)


@pytest.mark.parametrize("slug", [slug for slug, _, _ in scorecards.list_library()])
def test_answers_are_complete_and_valid_for_every_library_card(slug):
    card = scorecards.load_library(slug)
    for seed in range(20):
        result = scorecards.score(card, simulated_answers(card, GOOD, 0.8, random.Random(seed)))
        assert result.complete


def test_good_contacts_score_higher_than_bad_ones():
    card = scorecards.load_library("inbound_support_call")
    good = [
        scorecards.score(
            card, simulated_answers(card, GOOD, 0.8, random.Random(s))
        ).total_before_autofail
        for s in range(30)
    ]
    bad = [
        scorecards.score(
            card, simulated_answers(card, BAD, 0.2, random.Random(s))
        ).total_before_autofail
        for s in range(30)
    ]
    assert sum(good) / 30 > sum(bad) / 30 + 30


def test_plan_reviews_takes_about_the_share_from_the_right_team():
    class Item:
        def __init__(self, n):
            self.team = "A" if n % 2 else "B"

    items = [Item(n) for n in range(2000)]
    plan = plan_reviews(items, {"A": ["a@x"], "B": ["b@x"]}, share=0.1, seed=3)
    assert 150 < len(plan) < 250
    assert all((item.team == "A") == (email == "a@x") for item, email in plan)
