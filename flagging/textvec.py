"""A TfidfVectorizer fast enough to score a million contacts.

scikit-learn analyses each document in Python, feature by feature (about a
millisecond per transcript with char n-grams). Scoring must run at 20,000
interactions/s, so ``FastTfidfVectorizer`` replaces only the counting step
(``_count_vocab``, used by both fit and transform) and computes the *same* counts
from the distinct whitespace-separated words of the batch:

- ``char_wb`` n-grams never cross a whitespace-separated word, so a document's
  counts are (document x word counts) @ (word x n-gram counts). A word's n-grams
  come from scikit-learn's own ``_char_wb_ngrams``, computed once per distinct
  word (and cached for scoring); the product is a sparse multiply in C.
- ``word`` 1-2 grams: the default token pattern never matches across whitespace,
  so each distinct word is tokenised once; bigrams are integer pairs of tokens.

Vocabulary selection (min_df, max_features) and tf-idf weighting stay
scikit-learn's own code. Other settings fall back to scikit-learn entirely.
Equality with TfidfVectorizer, fit and transform, is checked in the tests.
"""

from __future__ import annotations

import re
from itertools import chain, pairwise

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_CACHE_LIMIT = 500_000


def _split(docs: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Whitespace words: (document of each occurrence, word code, distinct words)."""
    words_per_doc = [doc.split() for doc in docs]
    lengths = np.fromiter(map(len, words_per_doc), dtype=np.int64, count=len(docs))
    words = list(chain.from_iterable(words_per_doc))
    codes, uniques = pd.factorize(pd.Series(words, dtype=object), sort=False)
    return np.repeat(np.arange(len(docs)), lengths), codes, uniques.tolist()


def _expand(codes: np.ndarray, per_unique: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate per-distinct-word arrays over the occurrences: (values, occurrence)."""
    lengths = np.fromiter(map(len, per_unique), dtype=np.int64, count=len(per_unique))
    flat = np.concatenate(per_unique) if lengths.sum() else np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    occ_len = lengths[codes]
    total = int(occ_len.sum())
    first = np.repeat(np.cumsum(occ_len) - occ_len, occ_len)
    index = np.repeat(starts[codes], occ_len) + (np.arange(total) - first)
    return flat[index], np.repeat(np.arange(len(codes)), occ_len)


class FastTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer with vectorised counting for the word and char_wb analyzers."""

    def __getstate__(self) -> dict:
        # The lookup caches are derived data: never persist them.
        state = super().__getstate__()
        return {k: v for k, v in state.items() if not k.startswith("_fast")}

    def _fast_supported(self) -> bool:
        plain = (
            self.input == "content"
            and self.lowercase
            and self.preprocessor is None
            and self.tokenizer is None
            and self.stop_words is None
            and self.strip_accents is None
        )
        if not plain:
            return False
        if self.analyzer == "char_wb":
            return True
        return (
            self.analyzer == "word"
            and self.token_pattern == _DEFAULT_TOKEN_PATTERN
            and tuple(self.ngram_range) in ((1, 1), (1, 2))
        )

    def _cache(self, name: str, fixed_vocab: bool) -> dict:
        """A per-word cache valid for the current fitted vocabulary (fresh when fitting)."""
        if not fixed_vocab:
            return {}
        key = f"_fast_{name}"
        owner, cache = self.__dict__.get(key, (None, None))
        if owner is not self.vocabulary_ or len(cache) > _CACHE_LIMIT:
            cache = {}
            self.__dict__[key] = (self.vocabulary_, cache)
        return cache

    def _count_vocab(self, raw_documents: object, fixed_vocab: bool) -> tuple[dict, sp.csr_array]:
        docs = list(raw_documents)
        if not self._fast_supported() or not all(isinstance(d, str) for d in docs):
            return super()._count_vocab(docs, fixed_vocab)
        docs = [doc.lower() for doc in docs]
        vocabulary: dict[str, int] = self.vocabulary_ if fixed_vocab else {}
        doc_of_word, codes, uniques = _split(docs)
        self._fast_n_docs = len(docs)
        if self.analyzer == "char_wb":
            counts = self._char_counts(vocabulary, doc_of_word, codes, uniques, fixed_vocab)
        else:
            counts = self._word_counts(vocabulary, doc_of_word, codes, uniques, fixed_vocab)
        if not fixed_vocab and not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        shape = (len(docs), len(vocabulary))
        if counts is None:
            return vocabulary, sp.csr_array(shape, dtype=self.dtype)
        matrix = sp.csr_array(counts, shape=shape, dtype=self.dtype)
        if not fixed_vocab:
            matrix.sort_indices()  # scoring skips this: nothing downstream needs it
        return vocabulary, matrix

    def _char_counts(self, vocabulary, doc_of_word, codes, uniques, fixed_vocab):
        cache = self._cache("char", fixed_vocab)
        rows = []
        for word in uniques:
            ids = cache.get(word)
            if ids is None:
                grams = self._char_wb_ngrams(word)
                if fixed_vocab:
                    found = (vocabulary.get(g, -1) for g in grams)
                    ids = np.fromiter((i for i in found if i >= 0), dtype=np.int64)
                else:
                    ids = np.fromiter(
                        (vocabulary.setdefault(g, len(vocabulary)) for g in grams), dtype=np.int64
                    )
                cache[word] = ids
            rows.append(ids)
        if not rows:
            return None
        indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
        indices = np.concatenate(rows)
        word_grams = sp.csr_array(
            (np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocabulary))
        )
        doc_words = sp.csr_array(
            (np.ones(len(codes)), (doc_of_word, codes)), shape=(self._fast_n_docs, len(rows))
        )
        return doc_words @ word_grams

    def _word_counts(self, vocabulary, doc_of_word, codes, uniques, fixed_vocab):
        """Counts of word 1-2 grams; in fit, `vocabulary` is filled as terms are met."""
        findall = re.compile(self.token_pattern).findall
        token_cache = self.__dict__.setdefault("_fast_tokens", {})
        if len(token_cache) > _CACHE_LIMIT:
            token_cache.clear()
        per_word = []
        for word in uniques:
            tokens = token_cache.get(word)
            if tokens is None:
                tokens = token_cache[word] = tuple(findall(word))
            per_word.append(tokens)
        tokens = list(chain.from_iterable(per_word))
        if not tokens:
            return None
        tcodes, tuniques = pd.factorize(pd.Series(tokens, dtype=object), sort=False)
        bounds = np.cumsum([0, *map(len, per_word)])
        per_unique = [tcodes[a:b] for a, b in pairwise(bounds)]
        token, occurrence = _expand(codes, per_unique)
        doc = doc_of_word[occurrence]
        terms = tuniques.tolist()
        if fixed_vocab:
            unigram = np.fromiter((vocabulary.get(t, -1) for t in terms), dtype=np.int64)
        else:
            unigram = np.fromiter(
                (vocabulary.setdefault(t, len(vocabulary)) for t in terms), dtype=np.int64
            )
        uni = unigram[token]
        rows, cols = [doc[uni >= 0]], [uni[uni >= 0]]
        if tuple(self.ngram_range) == (1, 2) and len(token) > 1:
            same = doc[:-1] == doc[1:]
            keys = token[:-1][same] * len(terms) + token[1:][same]
            pairs, inverse = np.unique(keys, return_inverse=True)
            names = (f"{terms[k // len(terms)]} {terms[k % len(terms)]}" for k in pairs.tolist())
            if fixed_vocab:
                ids = np.fromiter((vocabulary.get(n, -1) for n in names), dtype=np.int64)
            else:
                ids = np.fromiter(
                    (vocabulary.setdefault(n, len(vocabulary)) for n in names), dtype=np.int64
                )
            bigram = ids[inverse]
            rows.append(doc[:-1][same][bigram >= 0])
            cols.append(bigram[bigram >= 0])
        row, col = np.concatenate(rows), np.concatenate(cols)
        return (np.ones(len(row)), (row, col))
