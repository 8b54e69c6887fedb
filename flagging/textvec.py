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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, pairwise, repeat

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from flagging.features import TURN_SEPARATOR, mask_names
from flagging.phrases import keep_associated

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


# ---- vectorised tokenising for scoring: 64-bit hashes of tokens, no Python per word ----

_P = 0x100000001B3  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_BIGRAM = np.uint64(0x9E3779B97F4A7C15)
_WORD = re.compile(r"\w")
_ASCII_WORD = np.array([bool(_WORD.match(chr(c))) for c in range(128)])
_POWERS: dict[str, np.ndarray] = {}


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**j and P**-j modulo 2**64 for j < n (grown on demand, shared)."""
    if len(_POWERS.get("p", ())) < n:
        size = max(n, 2 * len(_POWERS.get("p", ())), 1 << 16)
        with np.errstate(over="ignore"):
            for key, base in (("p", _P), ("inv", _P_INV)):
                steps = np.full(size, base, dtype=np.uint64)
                steps[0] = 1
                _POWERS[key] = np.cumprod(steps)
    return _POWERS["p"][:n], _POWERS["inv"][:n]


def _joined(lines: list[str]) -> str:
    """The lines joined by TURN_SEPARATOR (a separator inside a line becomes a space)."""
    text = TURN_SEPARATOR.join(lines)
    if text.count(TURN_SEPARATOR) != max(len(lines) - 1, 0):
        text = TURN_SEPARATOR.join(line.replace(TURN_SEPARATOR, " ") for line in lines)
    return text


def token_hashes(lines: list[str], *, mask: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The default-pattern tokens (``\\b\\w\\w+\\b``) of the lower-cased lines, in
    order, as (line of each token, 64-bit hash of each token), without making a
    Python string per token. With `mask`, proper names are masked first
    (``mask_names``, in one pass over the batch)."""
    text = _joined(lines)
    if mask:
        text = mask_names(text)
    text = text.lower()
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    word = np.zeros(len(codes), dtype=bool)
    ascii_ = codes < 128
    word[ascii_] = _ASCII_WORD[codes[ascii_]]
    if not ascii_.all():  # Unicode letters are word characters, "£" is not
        other = np.flatnonzero(~ascii_)
        distinct, inverse = np.unique(codes[other], return_inverse=True)
        classes = np.array([bool(_WORD.match(chr(c))) for c in distinct.tolist()])
        word[other] = classes[inverse]
    edges = np.diff(np.concatenate([[0], word.view(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = ends - starts >= 2
    starts, ends = starts[keep], ends[keep]
    power, inverse_power = _powers(len(codes) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
        np.cumsum(codes * power[: len(codes)], out=prefix[1:])
        hashes = (prefix[ends] - prefix[starts]) * inverse_power[starts]
    line = np.searchsorted(np.flatnonzero(codes == 0), starts)
    return line, hashes


def bigram_hashes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (first * _BIGRAM + second) ^ (first >> np.uint64(31))


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


def _masked_lower(lines: list[str]) -> list[str]:
    """Each line with names masked and lower-cased (one regex pass over the batch)."""
    return mask_names(_joined(lines)).lower().split(TURN_SEPARATOR)


def line_ngrams(
    doc: str | list[str], pattern: str = _DEFAULT_TOKEN_PATTERN, bigrams: bool = True
) -> list[str]:
    """Reference analyzer of ``LineTfidfVectorizer``: lower-cased word 1-2 grams of
    each line with proper names masked (``mask_names``), never across lines. A
    document is a list of lines (turns) or a string whose lines are separated by
    newlines."""
    findall = re.compile(pattern).findall
    out: list[str] = []
    for line in doc.split("\n") if isinstance(doc, str) else doc:
        tokens = findall(mask_names(line.replace(TURN_SEPARATOR, " ")).lower())
        out += tokens
        if bigrams:
            out += [f"{a} {b}" for a, b in pairwise(tokens)]
    return out


@dataclass(frozen=True)
class FlatLines:
    """Documents as one flat list of lines and the number of lines of each document:
    what ``LineTfidfVectorizer`` works on anyway. Scoring passes this instead of one
    list per document (``TurnTable.flat_lines``), which saves building and then
    flattening again a list per contact."""

    lines: list[str]
    lengths: np.ndarray

    def __len__(self) -> int:
        return len(self.lengths)

    def documents(self) -> list[list[str]]:
        """One list of lines per document (the ordinary input)."""
        bounds = np.concatenate([[0], np.cumsum(self.lengths)]).tolist()
        return [self.lines[a:b] for a, b in pairwise(bounds)]


class LineTfidfVectorizer(FastTfidfVectorizer):
    """Tf-idf of word 1-2 grams *within lines* (turns are joined by newlines), with
    proper names masked (``flagging.features.mask_names``).

    A transcript is mostly stock phrases, so most lines of a batch are repeats:
    each distinct line is tokenised once, and a document's counts are
    (document x distinct line counts) @ (distinct line x n-gram counts), a sparse
    product in C. ``build_analyzer`` returns the plain-Python equivalent
    (``line_ngrams``), which scikit-learn's own counting uses for unsupported
    settings; equality of both is checked in the tests.

    ``select_alpha``: when fitted with labels ``y`` (``fit(docs, y)``, as the
    ColumnTransformer does when given them), the vocabulary keeps only the n-grams
    whose chi-squared association with ``y`` has a p-value below it (after min_df
    and max_features; the best one at least). Without labels, or with None, nothing
    is selected. The fitted vectoriser is an ordinary one with a smaller
    vocabulary: scoring, explanations and persistence work as before.
    """

    def __init__(
        self,
        *,
        input="content",
        encoding="utf-8",
        decode_error="strict",
        strip_accents=None,
        lowercase=True,
        preprocessor=None,
        tokenizer=None,
        analyzer="word",
        stop_words=None,
        token_pattern=_DEFAULT_TOKEN_PATTERN,
        ngram_range=(1, 1),
        max_df=1.0,
        min_df=1,
        max_features=None,
        vocabulary=None,
        binary=False,
        dtype=np.float64,
        norm="l2",
        use_idf=True,
        smooth_idf=True,
        sublinear_tf=False,
        select_alpha=None,
    ):
        super().__init__(
            input=input,
            encoding=encoding,
            decode_error=decode_error,
            strip_accents=strip_accents,
            lowercase=lowercase,
            preprocessor=preprocessor,
            tokenizer=tokenizer,
            analyzer=analyzer,
            stop_words=stop_words,
            token_pattern=token_pattern,
            ngram_range=ngram_range,
            max_df=max_df,
            min_df=min_df,
            max_features=max_features,
            vocabulary=vocabulary,
            binary=binary,
            dtype=dtype,
            norm=norm,
            use_idf=use_idf,
            smooth_idf=smooth_idf,
            sublinear_tf=sublinear_tf,
        )
        self.select_alpha = select_alpha

    @contextmanager
    def _labels(self, y: object) -> Iterator[None]:
        self.__dict__["_fast_target"] = y  # read by _limit_features, never persisted
        try:
            yield
        finally:
            self.__dict__.pop("_fast_target", None)

    def fit(self, raw_documents: object, y: object = None) -> LineTfidfVectorizer:
        with self._labels(y):
            return super().fit(raw_documents)

    def fit_transform(self, raw_documents: object, y: object = None) -> sp.csr_array:
        with self._labels(y):
            return super().fit_transform(raw_documents)

    def _limit_features(self, X, vocabulary, high=None, low=None, limit=None):  # noqa: N803
        """scikit-learn's min_df/max_df/max_features pruning, then the chi-squared
        selection of ``select_alpha`` (in fit, given labels)."""
        pruned = super()._limit_features(X, vocabulary, high, low, limit)
        # Some scikit-learn versions return (X, removed terms): answered in kind.
        X, rest = (pruned[0], pruned[1:]) if isinstance(pruned, tuple) else (pruned, None)  # noqa: N806
        y = self.__dict__.get("_fast_target")
        if self.select_alpha is not None and y is not None:
            X = keep_associated(X, y, vocabulary, self.select_alpha)  # noqa: N806
        return X if rest is None else (X, *rest)

    def build_analyzer(self):
        if self.analyzer != "word" or not self._fast_supported():
            return super().build_analyzer()
        pattern, bigrams = self.token_pattern, tuple(self.ngram_range) == (1, 2)
        return lambda doc: line_ngrams(doc, pattern, bigrams)

    def _count_vocab(self, raw_documents: object, fixed_vocab: bool) -> tuple[dict, sp.csr_array]:
        if isinstance(raw_documents, FlatLines):
            lines, lengths = raw_documents.lines, raw_documents.lengths
            if self.analyzer != "word" or not self._fast_supported():
                return self._count_vocab(raw_documents.documents(), fixed_vocab)
        else:
            docs = list(raw_documents)
            per_doc = [doc.split("\n") if isinstance(doc, str) else doc for doc in docs]
            if self.analyzer != "word" or not self._fast_supported():
                texts = [d if isinstance(d, str) else "\n".join(map(str, d)) for d in docs]
                return super()._count_vocab(texts, fixed_vocab)
            lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(docs))
            lines = list(chain.from_iterable(per_doc))
        vocabulary: dict[str, int] = self.vocabulary_ if fixed_vocab else {}
        n_docs = len(lengths)
        if not all(map(isinstance, lines, repeat(str))):
            lines = ["" if line is None else str(line) for line in lines]
        line_codes, distinct = pd.factorize(pd.Series(lines, dtype=object), sort=False)
        table = self._hash_table() if fixed_vocab else None
        if table is not None:
            distinct_lines = distinct.tolist()
            counts = self._hashed_counts(table, distinct_lines)
        else:
            distinct_lines = _masked_lower(distinct.tolist())
            line_of_word, word_codes, words = _split(distinct_lines)
            counts = self._word_counts(vocabulary, line_of_word, word_codes, words, fixed_vocab)
        if not fixed_vocab and not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        shape = (n_docs, len(vocabulary))
        if counts is None:
            return vocabulary, sp.csr_array(shape, dtype=self.dtype)
        line_grams = sp.csr_array(counts, shape=(len(distinct_lines), len(vocabulary)))
        # Built from its row pointers: no COO conversion, no sort (the product sums
        # a line repeated within a document all the same).
        doc_lines = sp.csr_array(
            (
                np.ones(len(line_codes)),
                line_codes,
                np.concatenate([[0], np.cumsum(lengths)]),
            ),
            shape=(n_docs, len(distinct_lines)),
        )
        matrix = sp.csr_array(doc_lines @ line_grams, dtype=self.dtype)
        if not fixed_vocab:
            matrix.sort_indices()
        return vocabulary, matrix

    def _hash_table(self) -> tuple[pd.Index, np.ndarray] | None:
        """64-bit hashes of the vocabulary's terms and their column ids (derived
        from ``vocabulary_``, rebuilt when it changes, never persisted); None when two
        terms share a hash (then the exact string path is used)."""
        owner, table = self.__dict__.get("_fast_hash", (None, None))
        if owner is self.vocabulary_:
            return table
        terms = list(self.vocabulary_)
        parts = [term.split(" ") for term in terms]
        tokens = list(chain.from_iterable(parts))
        line, hashes = token_hashes(tokens)
        table = None
        if len(hashes) == len(tokens) and np.array_equal(line, np.arange(len(tokens))):
            sizes = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
            at = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
            two = sizes == 2
            term_hash = hashes[at]
            term_hash[two] = bigram_hashes(hashes[at[two]], hashes[at[two] + 1])
            ids = np.fromiter(self.vocabulary_.values(), dtype=np.int64, count=len(terms))
            index = pd.Index(term_hash)
            if (sizes <= 2).all() and index.is_unique:
                table = (index, ids)
        self.__dict__["_fast_hash"] = (self.vocabulary_, table)
        return table

    def _hashed_counts(self, table, lines: list[str]):
        """Counts of vocabulary 1-2 grams per line, by hash lookup (scoring only)."""
        index, ids = table
        line, hashes = token_hashes(lines, mask=True)
        if not len(ids):
            return None

        def lookup(keys: np.ndarray) -> np.ndarray:
            at = index.get_indexer(keys)
            return np.where(at >= 0, ids[at], -1)

        uni = lookup(hashes)
        rows, cols = [line[uni >= 0]], [uni[uni >= 0]]
        if tuple(self.ngram_range) == (1, 2) and len(hashes) > 1:
            same = line[1:] == line[:-1]
            bi = lookup(bigram_hashes(hashes[:-1][same], hashes[1:][same]))
            rows.append(line[1:][same][bi >= 0])
            cols.append(bi[bi >= 0])
        row, col = np.concatenate(rows), np.concatenate(cols)
        return (np.ones(len(row)), (row, col))
