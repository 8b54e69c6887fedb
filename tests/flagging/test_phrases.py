"""Only phrases associated with the target are kept, and their names follow."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from flagging.phrases import AssociatedPhrases

NAMES = ["hello", "third time", "thanks"]


def _data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    noise = rng.integers(0, 2, (400, 2))
    counts = sp.csr_matrix(np.column_stack([noise[:, 0], y, noise[:, 1]]).astype(float))
    return counts, y


def test_the_planted_phrase_is_kept():
    counts, y = _data()
    select = AssociatedPhrases(alpha=0.001).fit(counts, y)
    assert select.get_support().tolist() == [False, True, False]
    assert list(select.get_feature_names_out(NAMES)) == ["third time"]
    kept = select.transform(counts)
    assert kept.shape == (400, 1) and (kept.toarray()[:, 0] == y).all()


def test_one_class_or_no_labels_keep_everything():
    counts, _ = _data()
    for y in (np.ones(400), None):
        select = AssociatedPhrases(alpha=0.001).fit(counts, y)
        assert select.transform(counts).shape == (400, 3)


def test_the_strongest_phrase_survives_a_strict_threshold():
    counts, y = _data()
    select = AssociatedPhrases(alpha=1e-300).fit(counts, y)
    assert list(select.get_feature_names_out(NAMES)) == ["third time"]


def test_other_columns_are_refused():
    counts, y = _data()
    select = AssociatedPhrases().fit(counts, y)
    with pytest.raises(ValueError, match="X has 2 columns; fitted on 3"):
        select.transform(counts[:, :2])
