"""Only phrases associated with the target are kept, and the vocabulary follows."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from flagging.phrases import keep_associated


def _data():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    noise = rng.integers(0, 2, (400, 2))
    counts = sp.csr_array(np.column_stack([noise[:, 0], y, noise[:, 1]]).astype(float))
    return counts, y


def test_the_planted_phrase_is_kept_and_renumbered():
    counts, y = _data()
    vocabulary = {"hello": 0, "third time": 1, "thanks": 2}
    kept = keep_associated(counts, y, vocabulary, alpha=0.001)
    assert vocabulary == {"third time": 0}
    assert kept.shape == (400, 1)
    assert (kept.toarray()[:, 0] == y).all()


def test_one_class_keeps_everything():
    counts, _ = _data()
    vocabulary = {"hello": 0, "third time": 1, "thanks": 2}
    kept = keep_associated(counts, np.ones(400), vocabulary, alpha=0.001)
    assert kept.shape == (400, 3) and len(vocabulary) == 3


def test_the_strongest_phrase_survives_a_strict_threshold():
    counts, y = _data()
    vocabulary = {"hello": 0, "third time": 1, "thanks": 2}
    keep_associated(counts, y, vocabulary, alpha=1e-300)
    assert vocabulary == {"third time": 0}
