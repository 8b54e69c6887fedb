"""Flagging core: planted-signal data, explanations, persistence, errors, evaluation."""

from __future__ import annotations

import gc
import inspect
import json
import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
import skops.io as sio
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LinearRegression
from sklearn.metrics import average_precision_score, roc_auc_score

import flagging
from flagging import FlaggingError
from flagging.evaluate import ranking_metrics
from flagging.features import NAME_TOKEN, build_features, mask_names, repeat_contacts
from flagging.frame import TurnTable, parse_transcript, transcript_parts
from flagging.textvec import FlatLines, TurnPhrases, line_ngrams, token_hashes

FILLER = [
    "my internet is slow today",
    "I need help with my bill",
    "thanks for the help",
    "can you check my order",
    "the app does not open",
    "I moved house last month",
]
AGENT = ["let me check that for you", "is there anything else", "one moment please", "sure"]


def make_frame(n: int = 360, *, seed: int = 0, word: str = "frobnicate", start: str = "2024-01-01"):
    """Contacts where ~20 % positives have a customer saying `word` or a long hold.

    The planted phrase replaces a customer line (turn counts do not give it away).
    """
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz="UTC")
    rows = []
    for i in range(n):
        positive = bool(rng.random() < 0.2)
        turns, t = [], 0.0
        for _ in range(int(rng.integers(3, 7))):
            turns.append({"speaker": "customer", "text": str(rng.choice(FILLER)), "start_s": t})
            t += 4 + rng.random() * 4
            turns.append({"speaker": "agent", "text": str(rng.choice(AGENT)), "start_s": t})
            t += 4 + rng.random() * 4
        hold = float(rng.integers(0, 90))
        if positive and rng.random() < 0.75:
            turns[0]["text"] = f"{turns[0]['text']} {word}"
        elif positive:
            hold = float(rng.integers(320, 600))
        rows.append(
            {
                "external_id": f"x{i}",
                "channel": str(rng.choice(["call", "chat", "email"])),
                "agent_email": f"agent{rng.integers(8)}@example.com",
                "team": str(rng.choice(["red", "blue"])),
                "started_at": t0 + pd.Timedelta(hours=3 * i),
                "duration_seconds": float(rng.integers(60, 900)),
                "customer_id": f"c{rng.integers(200)}",
                "transcript": turns,
                "csat": float(rng.integers(1, 6)) if rng.random() < 0.6 else np.nan,
                "tenure_months": float(rng.integers(0, 60)),
                "hold_seconds": hold,
                "escalated": positive,
            }
        )
    return pd.DataFrame(rows)


FAST = {"c_grid": (1.0,), "n_splits": 2, "max_features": 2000}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture(scope="module")
def model(frame: pd.DataFrame) -> flagging.FlagModel:
    return flagging.train(frame.iloc[:280], "escalation", **FAST)


def test_ranks_planted_positives_on_held_out_rows(frame, model):
    held = frame.iloc[280:]
    probability = model.predict_proba(held)
    assert probability.shape == (len(held),)
    assert ((probability >= 0) & (probability <= 1)).all()
    assert roc_auc_score(held["escalated"], probability) > 0.9


def test_explanations_quote_the_turn_that_carries_the_planted_phrase(frame, model):
    held = frame.iloc[280:]
    said = held[held["transcript"].map(lambda t: "frobnicate" in t[0]["text"])]
    assert len(said) >= 5
    out = model.predict(said, top=3)
    assert list(out.columns) == ["probability", "flagged", "reasons", "explanation"]
    for reasons in out["reasons"]:
        assert 1 <= len(reasons) <= 3
        assert all(r["weight"] > 0 and r["strength"] in ("strong", "moderate", "weak")
                   for r in reasons)  # fmt: skip
        weights = [r["weight"] for r in reasons]
        assert weights == sorted(weights, reverse=True)
    for transcript, reasons in zip(said["transcript"], out["reasons"], strict=True):
        planted = [r for r in reasons if r["kind"] == "turn" and "frobnicate" in r["phrase"]]
        assert len(planted) == 1, reasons
        first = transcript[0]
        assert (planted[0]["speaker"], planted[0]["turn"]) == ("customer", 1)
        assert planted[0]["start_s"] == first["start_s"] and planted[0]["quote"] == first["text"]
        assert planted[0]["reason"] == f'customer said: "{first["text"]}"'
    held_long = held[(held["hold_seconds"] > 300) & ~held.index.isin(said.index)]
    if len(held_long):
        reasons = model.predict(held_long)["explanation"]
        assert reasons.str.contains("long hold: ").any()


def test_shuffling_agent_identity_and_team_changes_nothing(frame, model):
    shuffled = frame.copy()
    shuffled["agent_email"] = np.random.default_rng(1).permutation(shuffled["agent_email"].values)
    shuffled["team"] = "other team"
    np.testing.assert_array_equal(model.predict_proba(frame), model.predict_proba(shuffled))


def test_text_transcripts_and_missing_optional_columns(frame, model):
    text = "[00:01] Agent: hello\n[00:09] Customer: please frobnicate my account\n[05:30] Agent: ok"
    minimal = pd.DataFrame(
        {
            "channel": ["call", "fax"],
            "started_at": pd.to_datetime(["2024-03-01T10:00:00+01:00"] * 2),
            "duration_seconds": [300, None],
            "transcript": [text, None],
        }
    )
    out = model.predict(minimal)
    assert out["probability"].between(0, 1).all()
    assert parse_transcript(text)[1] == "please frobnicate my account"
    assert parse_transcript(text)[4] > 300  # the silence before [05:30]


def test_repeat_contacts_counts_only_the_past_30_days():
    times = pd.to_datetime(
        ["2024-01-01", "2024-01-10", "2024-01-20", "2024-03-01", "2024-01-05"], utc=True
    )
    counts = repeat_contacts(pd.Series(["a", "a", "a", "a", "b"]), pd.Series(times))
    assert counts.tolist() == [0, 1, 2, 0, 0]


def test_save_load_round_trip(tmp_path, frame, model):
    path = model.save(tmp_path / "model.flag")
    loaded = flagging.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(frame), model.predict_proba(frame))
    assert loaded.metadata["target"] == "escalation"
    assert loaded.metadata["versions"]["sklearn"] == sklearn.__version__
    assert loaded.metadata["positives"] == model.metadata["positives"]


def _rewrite(path, metadata=None, payload=None):
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("flagging.json"))
        body = archive.read("model.skops")
    meta.update(metadata or {})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("flagging.json", json.dumps(meta))
        archive.writestr("model.skops", payload if payload is not None else body)


def test_refuses_other_scikit_learn_version(tmp_path, model):
    path = model.save(tmp_path / "model.flag")
    _rewrite(path, {"versions": {"sklearn": "1.5.0"}})
    expected = rf"scikit-learn 1\.5\.0 but this is scikit-learn {sklearn.__version__}"
    with pytest.raises(FlaggingError, match=expected):
        flagging.load(path)


def test_refuses_bad_files(tmp_path, model):
    random_bytes = tmp_path / "random.flag"
    random_bytes.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(FlaggingError, match="not a flagging model"):
        flagging.load(random_bytes)

    pickled = tmp_path / "pickled.flag"
    pickled.write_bytes(pickle.dumps(model.pipeline))
    with pytest.raises(FlaggingError, match="pickle files are never loaded"):
        flagging.load(pickled)

    bare = tmp_path / "bare.skops"
    sio.dump(LinearRegression(), bare)
    with pytest.raises(FlaggingError, match=r"no flagging\.json"):
        flagging.load(bare)

    truncated = tmp_path / "truncated.flag"
    truncated.write_bytes(model.save(tmp_path / "ok.flag").read_bytes()[:-300])
    with pytest.raises(FlaggingError, match="corrupted"):
        flagging.load(truncated)

    flipped = model.save(tmp_path / "flipped.flag")
    _rewrite(flipped, payload=b"\x00" + sio.dumps(model.pipeline)[1:])
    with pytest.raises(FlaggingError, match="checksum"):
        flagging.load(flipped)


def test_refuses_skops_payload_holding_another_object(tmp_path, model):
    import hashlib

    for other in (LinearRegression(), {"a": 1}):
        path = model.save(tmp_path / "other.flag")
        payload = sio.dumps(other)
        _rewrite(path, {"sha256": hashlib.sha256(payload).hexdigest()}, payload)
        with pytest.raises(FlaggingError, match="does not hold a flagging pipeline"):
            flagging.load(path)


def test_clear_errors_for_bad_training_data(frame):
    with pytest.raises(FlaggingError, match="single class"):
        flagging.train(frame.assign(escalated=False), "escalation")
    with pytest.raises(FlaggingError, match=r"too few labelled rows.*30 \(need at least 50\)"):
        flagging.train(frame.iloc[:30], "escalation")
    few = frame.assign(escalated=[i < 5 for i in range(len(frame))])
    with pytest.raises(FlaggingError, match=r"too few positive labels.*: 5 of 360 rows.*20"):
        flagging.train(few, "escalation")
    with pytest.raises(FlaggingError, match=r"missing required column.*transcript"):
        flagging.train(frame.drop(columns=["transcript"]), "escalation")
    with pytest.raises(FlaggingError, match="missing label column 'escalated'"):
        flagging.train(frame.drop(columns=["escalated"]), "escalation")
    with pytest.raises(FlaggingError, match="missing required column"):
        flagging.train(frame.drop(columns=["channel", "started_at"]), "escalation")


def test_evaluate_beats_baselines_and_matches_sklearn(frame):
    result = flagging.evaluate(frame, "escalation", **FAST)
    data = result.to_dict()
    json.dumps(data)  # storable as JSON
    assert result.train_end < result.test_start
    assert data["test_rows"] == 72 and data["train_rows"] == 288
    model, keyword, rand = data["model"], data["baselines"]["keyword"], data["baselines"]["random"]
    assert model["pr_auc"] > keyword["pr_auc"] and model["pr_auc"] > rand["pr_auc"]
    assert rand["pr_auc"] == pytest.approx(data["base_rate"])
    assert rand["recall_at_budget"] == pytest.approx(4 / 72)  # ceil(5 % of 72) rows
    # evaluate counts repeat contacts over the whole frame (earlier contacts may be in training)
    full = frame.assign(
        prior_contacts_30d=repeat_contacts(frame["customer_id"], frame["started_at"])
    )
    test = full.iloc[288:]
    probability = result.flag_model.predict_proba(test)
    y = test["escalated"].to_numpy(dtype=int)
    assert model["pr_auc"] == pytest.approx(average_precision_score(y, probability))
    assert model["roc_auc"] == pytest.approx(roc_auc_score(y, probability))
    assert sum(b["count"] for b in data["reliability"]) == 72
    assert {row["group"] for row in data["per_team"]} == {"blue", "red"}
    assert set(data["fairness"]) == {"team", "tenure_band"}


def test_ranking_metrics_at_budget():
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    score = np.arange(10, 0, -1, dtype=float)  # row 0 highest
    figures = ranking_metrics(y, score, budget=0.2)
    assert figures["flagged"] == 2
    assert figures["precision_at_budget"] == 0.5
    assert figures["recall_at_budget"] == pytest.approx(1 / 3)


def test_holdout_never_trains_on_later_rows():
    early = make_frame(300, seed=2, word="frobnicate")
    late = make_frame(75, seed=3, word="zorblax", start="2024-06-01")
    late["hold_seconds"] = 30.0  # only the (unseen) word marks positives later
    result = flagging.evaluate(pd.concat([early, late], ignore_index=True), "escalation", **FAST)
    assert result.test_start >= "2024-06-01"
    assert result.train_rows == 300  # the earliest 80 % of 375 rows: all early ones
    vocabulary = result.flag_model.pipeline.named_steps["columns"].named_transformers_
    assert "zorblax" not in vocabulary["customer_words"].named_steps["phrases"].vocabulary_
    assert result.model["roc_auc"] < 0.8  # nothing learned about the later word


def test_build_features_without_optional_columns(frame):
    features = build_features(frame[["channel", "started_at", "duration_seconds", "transcript"]])
    assert (features["repeat_contacts"] == 0).all()
    assert (features["tenure_band"] == "unknown").all()
    assert (features["csat_missing"] == 1).all()


def test_turn_table_equals_parse_transcript_row_by_row():
    transcripts = list(make_frame(40)["transcript"])
    transcripts += [
        "[00:01] Agent: hello\n[00:09] Customer: please help\nwrapped line\n[05:30] Agent: ok",
        None,
        float("nan"),
        [],
        [{"speaker": " Customer ", "text": None, "start_s": "3"}, "junk"],
        [{"speaker": "system", "text": "queued", "start_s": 0}, {"speaker": "agent", "text": 5}],
        ({"speaker": "agent", "text": "a b c", "start_s": 1.0},),
    ]
    series = pd.Series(transcripts, dtype=object)
    parts = transcript_parts(series)
    expected = pd.DataFrame([parse_transcript(v) for v in transcripts], columns=parts.columns)
    pd.testing.assert_frame_equal(parts, expected, check_dtype=False)


def test_turn_phrases_equal_scikit_learn_with_the_reference_analyzer():
    """TurnPhrases is CountVectorizer(analyzer=line_ngrams, binary=True), only faster:
    same vocabulary, same 0/1 values, on fit and on the scoring (hash) path."""
    frame = make_frame(120)
    turns = TurnTable.parse(frame["transcript"])
    docs = turns.lines(1)
    docs += [[], [""], ["a"], ["Été à l'école, TCK-1234! £20", "two\nlines here"], ["x_y zz"]]
    docs += [["My name is Priya.", "Thanks.\n\nPriya", "Ok\x00 Priya Shah"], ["Hi Priya, hello"]]
    ours = TurnPhrases(min_df=2)
    theirs = CountVectorizer(analyzer=line_ngrams, binary=True, min_df=2, dtype=np.float64)
    a, b = ours.fit_transform(docs[:100]), theirs.fit_transform(docs[:100])
    assert ours.vocabulary_ == theirs.vocabulary_
    assert abs(a - b).max() == 0
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert ours._hash_table() is not None  # scoring uses the vectorised hash path
    assert abs(ours.transform(docs) - theirs.transform(docs)).max() == 0
    assert ours.transform([["help help help", "help"]]).sum() == 1  # said: 1, however often
    # joined text (one turn a line) gives the same features as the list of turns
    joined = ["\n".join(d) for d in docs]
    assert abs(ours.transform(joined) - ours.transform(docs)).max() == 0
    # so do all the turns in one flat list (the scoring fast path)
    flat = FlatLines([line for d in docs for line in d], np.array([len(d) for d in docs]))
    assert flat.documents() == docs
    assert abs(ours.transform(flat) - ours.transform(docs)).max() == 0
    # and the exact string path, used when two phrases share a hash
    ours.__dict__["_hash"] = (ours.vocabulary_, None)
    assert abs(ours.transform(docs) - theirs.transform(docs)).max() == 0
    # a copy restricted to some columns counts those, in order (phrases + selection)
    keep = np.arange(len(ours.vocabulary_)) % 3 == 0
    restricted = ours.restricted(keep).transform(flat)
    assert abs(restricted - ours.transform(docs)[:, np.flatnonzero(keep)]).max() == 0
    unigrams = TurnPhrases(bigrams=False).fit(docs)
    assert (
        unigrams.vocabulary_
        == CountVectorizer(analyzer=lambda d: line_ngrams(d, bigrams=False)).fit(docs).vocabulary_
    )
    # shared tokens: the last-turns block is the end of the same parsed turns
    assert turns.lines(1, last=2)[0] == turns.lines(1)[0][-2:]


def test_max_features_keeps_the_phrases_said_in_most_documents():
    docs = [["late refund"], ["late"], ["late again"], ["refund again"], ["zebra"]]
    kept = TurnPhrases(max_features=3).fit(docs)
    # "late" in 3 documents, "again" and "refund" in 2 (ties: alphabetical order)
    assert list(kept.get_feature_names_out()) == ["again", "late", "refund"]
    assert kept.transform([["late again zebra"]]).toarray().tolist() == [[1.0, 1.0, 0.0]]
    with pytest.raises(ValueError, match="no phrases remain"):
        TurnPhrases(min_df=9).fit(docs)
    with pytest.raises(ValueError, match="min_df must be a whole number"):
        TurnPhrases(min_df=0.5).fit(docs)


def test_token_hashes_match_the_token_pattern():
    lines = ["Hello, World hello", "", "é-à b_c 12 x", "£19.99 ok"]
    line, hashes = token_hashes(lines)
    tokens = [(i, t) for i, s in enumerate(lines) for t in re.findall(r"(?u)\b\w\w+\b", s.lower())]
    assert line.tolist() == [i for i, _ in tokens]
    by_token = {}
    for (_, token), h in zip(tokens, hashes.tolist(), strict=True):
        assert by_token.setdefault(token, h) == h  # same token, same hash
    assert len(set(by_token.values())) == len(by_token)


def test_chunked_scoring_equals_one_pass_in_the_calling_thread(frame, model):
    whole = model.predict_proba(frame, chunk_rows=len(frame))
    np.testing.assert_allclose(model.predict_proba(frame, chunk_rows=37), whole, rtol=1e-12)
    assert model.predict_proba(frame.iloc[:0]).shape == (0,)
    # no forked scorers: the job worker that scores is threaded
    assert "n_jobs" not in inspect.signature(model.predict_proba).parameters


def test_block_by_block_scoring_equals_the_pipeline(frame, model):
    """predict_proba sums each block's contribution instead of stacking the blocks:
    the same log-odds as the scikit-learn Pipeline, and the same as predict."""
    np.testing.assert_allclose(
        model.decision_function(frame), model.pipeline.decision_function(frame), rtol=1e-10
    )
    np.testing.assert_allclose(
        model.predict(frame)["probability"], model.predict_proba(frame), rtol=1e-10
    )


def test_metadata_categories_are_features_and_unknown_values_ignored(frame):
    with_topic = frame.assign(topic=np.where(frame["escalated"], "billing", "delivery"))
    trained = flagging.train(with_topic.iloc[:280], "escalation", **FAST)
    held = with_topic.iloc[280:]
    assert roc_auc_score(held["escalated"], trained.predict_proba(held)) > 0.9
    unknown = held.assign(topic="never seen", queue=None)
    assert trained.predict_proba(unknown).shape == (len(held),)
    reasons = trained.predict(held[held["escalated"]])["explanation"]
    assert reasons.str.contains("topic: billing").any()


def test_refuses_older_format_version(tmp_path, model):
    path = model.save(tmp_path / "model.flag")
    for older in (1, flagging.FORMAT_VERSION - 1):
        _rewrite(path, {"format_version": older})
        expected = f"format version {older}; this code reads version {flagging.FORMAT_VERSION}"
        with pytest.raises(FlaggingError, match=f"{expected}: retrain the model"):
            flagging.load(path)


def test_mask_names_masks_names_and_keeps_ordinary_words():
    cases = {
        "Thank you for calling Northwind, my name is Priya, how can I help?": (
            f"Thank you for calling {NAME_TOKEN}, my name is {NAME_TOKEN}, how can I help?"
        ),
        "Hi Priya. Sure, it's Ben Okafor.": (
            f"Hi {NAME_TOKEN}. Sure, it's {NAME_TOKEN} {NAME_TOKEN}."
        ),
        "It's Ben.Okafor at my email": f"It's {NAME_TOKEN}.{NAME_TOKEN} at my email",
        "Kind regards,\nPriya\nNorthwind Support": (
            f"Kind regards,\n{NAME_TOKEN}\n{NAME_TOKEN} {NAME_TOKEN}"
        ),
        "Thanks for your help.\n\nPriya": f"Thanks for your help.\n\n{NAME_TOKEN}",
        # Sentence starts, shouting, short words and mixed case are not names.
        "Sure. The bill is wrong! Why? I am NOT happy, OK": None,
        "Sure": None,
        "Hello\nThis is the third time": None,
        "router Aero3 and McDonald": None,
    }
    for text, expected in cases.items():
        assert mask_names(text) == (text if expected is None else expected), text
    # Turns joined by the separator are masked as separate turns: a turn start is kept.
    assert mask_names("Sure\x00Okay then\x00Bye Priya") == f"Sure\x00Okay then\x00Bye {NAME_TOKEN}"


def test_agent_names_never_reach_the_vocabulary(frame):
    """The agent's identity is not a feature: names in greetings are masked."""
    names = ["Priya", "Tomasz", "Keiko", "Emeka"]
    greetings = [f"Hello, my name is {names[i % 4]}." for i in range(len(frame))]
    greeted = frame.assign(
        transcript=[
            [{"speaker": "agent", "text": greeting, "start_s": 0.0}, *turns]
            for greeting, turns in zip(greetings, frame["transcript"], strict=True)
        ]
    )
    trained = flagging.train(greeted.iloc[:280], "escalation", **FAST)
    block = trained.pipeline.named_steps["columns"].named_transformers_["agent_words"]
    # The vocabulary before the selection by the labels holds the masked greeting.
    unselected = block.named_steps["phrases"].vocabulary_
    assert f"is {NAME_TOKEN}" in unselected
    for vocabulary in (unselected, block.get_feature_names_out()):
        assert not {n.lower() for n in names} & set(" ".join(vocabulary).split())
    # Reasons quote the transcript as it is, but no reason comes from a name.
    out = trained.predict(greeted.iloc[280:])["reasons"]
    features = " ".join(r["feature"] for reasons in out for r in reasons)
    assert not any(n in features or n.lower() in features for n in names)


def test_scoring_restores_the_garbage_collector(frame, model):
    assert gc.isenabled()
    model.predict_proba(frame, chunk_rows=100)
    assert gc.isenabled()
    gc.disable()
    try:
        model.predict_proba(frame.iloc[:10])
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_each_text_block_keeps_the_phrases_associated_with_the_labels():
    """The phrases step counts every phrase; the select step keeps those associated
    with y (p < SELECT_ALPHA), and the block's feature names follow."""
    rng = np.random.default_rng(0)
    y = rng.random(400) < 0.3
    docs = [
        ["this is the third time" if label else "thanks for the help", f"order {i % 7}"]
        for i, label in enumerate(y)
    ]
    columns = flagging.model.build_pipeline().named_steps["columns"]
    block = clone(dict((n, t) for n, t, _ in columns.transformers)["customer_words"])
    x = block.fit_transform(docs, y.astype(int))
    kept = list(block.get_feature_names_out())
    assert "third time" in kept and "thanks" in kept and "order" not in kept
    assert "order" in block.named_steps["phrases"].vocabulary_
    assert x.shape == (400, len(kept))
    assert (x[:, [kept.index("third time")]].toarray().ravel() == y).all()
    assert block.named_steps["select"].alpha == flagging.model.SELECT_ALPHA


def test_a_model_saved_by_the_format_5_code_asks_to_be_retrained():
    """A stored artefact of the removed LineTfidfVectorizer is refused before skops
    reads it, with the reason and what to do."""
    path = Path(__file__).parent / "data" / "format5_line_tfidf.qaflag"
    with zipfile.ZipFile(path) as archive:
        untrusted = sio.get_untrusted_types(data=archive.read("model.skops"))
    assert "flagging.textvec.LineTfidfVectorizer" in untrusted
    with pytest.raises(FlaggingError, match=r"format version 5; .*: retrain the model"):
        flagging.load(path)
