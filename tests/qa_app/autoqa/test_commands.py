"""``flask autoqa run | train | export``: each rule kind answers hand-written
contacts end to end, the auto-QA score counts trusted questions only, and the
export has the promised columns."""

from __future__ import annotations

import csv

import pytest

import scorecards
from qa_app.extensions import db
from qa_app.models import AutoAnswer, AutoQaModel, AutoScore, Evaluation
from tests.qa_app.autoqa.support import BAD, CARD, GOOD, contacts, recording, submitted

KEYS = ("greet", "apology", "close", "dead_air", "prompt", "hold", "mood", "spelling")


@pytest.fixture
def card(make):
    return make.scorecard(CARD)


def answers_of(interaction) -> dict[str, AutoAnswer]:
    rows = db.session.scalars(
        db.select(AutoAnswer).where(AutoAnswer.interaction_id == interaction.id)
    )
    return {row.question_key: row for row in rows}


def test_each_rule_kind_answers_hand_written_contacts(runner, make, users, card):
    good = make.interaction(users["agent"], channel="chat", transcript=GOOD)
    bad = make.interaction(users["agent"], channel="chat", transcript=BAD)
    recording(good, [[20.0, 50.0]])  # the agent asked first ("put you on hold")
    recording(bad, [[92.0, 120.0]])  # nobody asked
    result = runner.invoke(args=["autoqa", "run", "--all"])
    assert result.exit_code == 0, result.output
    assert "Auto-scored 2 interaction(s)" in result.output
    good_answers, bad_answers = answers_of(good), answers_of(bad)
    assert {k: good_answers[k].value for k in KEYS} == {
        "greet": "yes", "apology": "yes", "close": "yes", "dead_air": "yes", "prompt": "yes",
        "hold": "yes", "mood": "yes", "spelling": "yes",
    }  # fmt: skip
    assert {k: bad_answers[k].value for k in KEYS} == {
        "greet": "no", "apology": "no", "close": "no", "dead_air": "no", "prompt": "no",
        "hold": "no", "mood": "no", "spelling": "no",
    }  # fmt: skip
    # The turn that decided, quoted, with its time; the rule that held.
    assert good_answers["greet"].evidence == {
        "turn": 0, "speaker": "agent", "text": "Thank you for calling, this is Sam.",
        "start_s": 0.0,
    }  # fmt: skip
    assert (good_answers["greet"].source, good_answers["greet"].rule_index) == ("rule", 0)
    assert (bad_answers["greet"].rule_index, bad_answers["greet"].evidence["turn"]) == (1, None)
    assert bad_answers["prompt"].evidence["turn"] == 1
    assert "90 s" in bad_answers["prompt"].evidence["text"]
    assert bad_answers["hold"].evidence["start_s"] == 92.0
    assert bad_answers["mood"].source == "detector"
    assert bad_answers["spelling"].source == "detector"
    assert "problm" in bad_answers["spelling"].evidence["text"]
    # No rules and no trained model: no answer at all.
    assert "empathy" not in good_answers


def test_spelling_is_not_judged_on_a_call(runner, make, users, card):
    call = make.interaction(users["agent"], channel="call", transcript=BAD)
    runner.invoke(args=["autoqa", "run", "--all"])
    assert answers_of(call)["spelling"].rule_index == 1  # "otherwise": not the detector


def test_the_auto_score_counts_trusted_questions_only(runner, make, users, card):
    bad = make.interaction(users["agent"], channel="chat", transcript=BAD)
    for key, trusted in (("greet", True), ("close", True), ("compliance", False)):
        db.session.add(AutoQaModel(scorecard_id=card.id, question_key=key, source="rule",
                                   threshold=0.667, trusted=trusted))  # fmt: skip
    db.session.commit()
    runner.invoke(args=["autoqa", "run", "--all"])
    stored = db.session.scalars(db.select(AutoScore)).one()
    assert stored.questions == ["close", "greet"]
    definition = scorecards.from_dict(card.versions[0].definition)
    expected = scorecards.score(definition, {"greet": "no", "close": "no"})
    assert (stored.total, stored.auto_failed) == (expected.total, expected.auto_failed)
    assert stored.total == 0.0
    # The untrusted critical "no" (card number asked) is stored but never fails the score.
    assert answers_of(bad)["compliance"].value == "no"
    assert stored.auto_failed is False
    # Trusting it too: the engine's auto-fail rule applies.
    db.session.scalars(
        db.select(AutoQaModel).filter_by(question_key="compliance")
    ).one().trusted = True
    db.session.commit()
    runner.invoke(args=["autoqa", "run", "--all"])
    again = db.session.scalars(db.select(AutoScore)).one()
    assert again.auto_failed is True and again.total == 0.0
    # Stored apart: no evaluation was written.
    assert db.session.scalar(db.select(db.func.count(Evaluation.id))) == 0


def test_run_by_default_answers_only_what_has_no_score(runner, make, users, card):
    make.interaction(users["agent"], transcript=GOOD)
    assert "Auto-scored 1" in runner.invoke(args=["autoqa", "run"]).output
    assert "Auto-scored 0" in runner.invoke(args=["autoqa", "run"]).output
    assert "not both" in runner.invoke(args=["autoqa", "run", "--all", "--since",
                                             "2026-01-01"]).output  # fmt: skip


def test_export_writes_the_promised_columns(runner, make, users, card, tmp_path):
    item = make.interaction(users["agent"], channel="chat", transcript=GOOD, external_id="=X1")
    runner.invoke(args=["autoqa", "run", "--all"])
    target = tmp_path / "auto.csv"
    result = runner.invoke(args=["autoqa", "export", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["external_id", "scorecard", "question_key", "answer", "confidence",
                       "source"]  # fmt: skip
    greet = next(r for r in rows[1:] if r[2] == "greet")
    assert greet == ["'=X1", "auto_card", "greet", "yes", "1.0", "rule"]
    assert len(rows) - 1 == len(answers_of(item))


def test_train_measures_rules_against_people_and_gates_them(runner, make, users, card, app):
    """300 contacts, the reviewers agree with the greeting rule everywhere and
    with the closing rule nowhere; 60 held-out pairs each."""
    app.config["AUTOQA_RESAMPLES"] = 100
    version = card.versions[0]
    reviewer = users["reviewer"]
    for item in contacts(users["agent"], 300):
        greeted = item.transcript == GOOD
        submitted(version, item, reviewer, {"greet": "yes" if greeted else "no",
                                            "close": "no" if greeted else "yes",
                                            "empathy": "yes" if greeted else "no"})  # fmt: skip
    db.session.commit()
    result = runner.invoke(args=["autoqa", "train", "--scorecard", "auto_card"])
    assert result.exit_code == 0, result.output
    rows = {r.question_key: r for r in db.session.scalars(db.select(AutoQaModel))}
    greet, close = rows["greet"], rows["close"]
    assert greet.trusted and greet.source == "rule"
    assert greet.figures["rule"]["pairs"] == 60
    assert greet.figures["rule"]["alpha"]["value"] == pytest.approx(1.0)
    assert not close.trusted and "below the threshold" in close.reason
    assert close.figures["rule"]["percent"]["value"] == pytest.approx(0.0)
    assert len(close.disagreements) == 50 and close.disagreements[0]["evidence"]["text"]
    # Questions nobody answered: not reliable yet (no pairs).
    assert not rows["apology"].trusted and "0 held-out pairs" in rows["apology"].reason
    # A question without rules gets a learned model, judged the same way.
    empathy = rows["empathy"]
    assert empathy.source == "model" and empathy.artefact
    assert empathy.figures["model"]["pairs"] == 60
    # The model's answers are used by run, from the stored artefact.
    runner.invoke(args=["autoqa", "run", "--all"])
    first = db.session.scalars(db.select(AutoAnswer).filter_by(question_key="empathy")).first()
    assert first.source == "model" and first.model_id == empathy.id
    assert 0.5 <= first.confidence <= 1.0


def test_an_unknown_scorecard_is_a_clear_error(runner, card):
    result = runner.invoke(args=["autoqa", "train", "--scorecard", "nope"])
    assert result.exit_code != 0 and "no scorecard 'nope' (known: auto_card)" in result.output
