"""Phrases said in a speaker's turns, as 0/1 features fast enough to score a million
contacts.

``TurnPhrases`` is an ordinary scikit-learn transformer (the public
``BaseEstimator``/``TransformerMixin`` contract, nothing of scikit-learn's internals):
the lower-cased word 1-2 grams of each turn (never across turns), proper names masked
(``mask_names``), 1 when the contact holds the phrase, else 0. ``line_ngrams`` is the
plain-Python definition; ``CountVectorizer(analyzer=line_ngrams, binary=True)`` gives
the same vocabulary and values (checked in the tests), but analyses each contact
feature by feature in Python: scoring with it ran at about 7,400 contacts per
CPU-second on the benchmark (bench/flagging.py, seed 0), where it must reach 20,000
(with ``TurnPhrases``: about 35,000). So the counting is vectorised:

- a transcript is mostly stock phrases, so most turns of a batch are repeats: each
  distinct turn is analysed once, and a contact's phrases are
  (contact x distinct turn) @ (distinct turn x phrase), a sparse product in C;
- when scoring (the vocabulary is fixed), tokens are 64-bit hashes computed with
  numpy over the whole batch (``token_hashes``), looked up in a hash table of the
  vocabulary: no Python string per token.

The selection of the phrases associated with the target is the next pipeline step
(``phrases.AssociatedPhrases``, see ``model.build_pipeline``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, pairwise, repeat

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from flagging.features import TURN_SEPARATOR, mask_names

_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


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


def _masked_lower(lines: list[str]) -> list[str]:
    """Each line with names masked and lower-cased (one regex pass over the batch)."""
    return mask_names(_joined(lines)).lower().split(TURN_SEPARATOR)


def line_ngrams(doc: str | list[str], bigrams: bool = True) -> list[str]:
    """What ``TurnPhrases`` counts, in plain Python (the reference of the tests): the
    lower-cased word 1-2 grams of each line with proper names masked (``mask_names``),
    never across lines. A document is a list of lines (turns) or a string whose lines
    are separated by newlines."""
    findall = re.compile(_DEFAULT_TOKEN_PATTERN).findall
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
    what ``TurnPhrases`` works on anyway. Scoring passes this instead of one
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


def _line_terms(
    lines: list[str], bigrams: bool, vocabulary: dict[str, int] | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The terms (word 1-2 grams) of each line, as (line, term id) pairs, one per
    occurrence. `lines` are masked and lower-cased already. With `vocabulary` the ids
    are its ids and other terms are skipped; without, every term met gets an id
    (unigrams first), and the terms are returned in id order."""
    line_of_word, codes, words = _split(lines)
    findall = re.compile(_DEFAULT_TOKEN_PATTERN).findall
    per_word = [tuple(findall(word)) for word in words]  # each distinct word once
    tokens = list(chain.from_iterable(per_word))
    empty = np.zeros(0, dtype=np.int64)
    if not tokens:
        return empty, empty, []
    tcodes, tuniques = pd.factorize(pd.Series(tokens, dtype=object), sort=False)
    bounds = np.cumsum([0, *map(len, per_word)])
    token, occurrence = _expand(codes, [tcodes[a:b] for a, b in pairwise(bounds)])
    line = line_of_word[occurrence]
    names = tuniques.tolist()
    new_terms: list[str] = []

    def ids(terms: list[str]) -> np.ndarray:
        if vocabulary is not None:
            return np.fromiter((vocabulary.get(t, -1) for t in terms), np.int64, len(terms))
        start = len(new_terms)
        new_terms.extend(terms)
        return np.arange(start, len(new_terms), dtype=np.int64)

    uni = ids(names)[token]
    rows, cols = [line[uni >= 0]], [uni[uni >= 0]]
    if bigrams and len(token) > 1:
        same = line[:-1] == line[1:]
        keys = token[:-1][same] * len(names) + token[1:][same]
        pairs, inverse = np.unique(keys, return_inverse=True)
        n = len(names)
        bi = ids([f"{names[k // n]} {names[k % n]}" for k in pairs.tolist()])[inverse]
        rows.append(line[:-1][same][bi >= 0])
        cols.append(bi[bi >= 0])
    return np.concatenate(rows), np.concatenate(cols), new_terms


def _documents(raw: object) -> tuple[list[str], np.ndarray]:
    """Any accepted input as one flat list of lines and the line count per document."""
    if isinstance(raw, FlatLines):
        lines, lengths = raw.lines, raw.lengths
    else:
        if isinstance(raw, str):
            raise ValueError("TurnPhrases takes a list of documents, not one string")
        per_doc = [doc.split("\n") if isinstance(doc, str) else doc for doc in raw]
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        lines = list(chain.from_iterable(per_doc))
    if not all(map(isinstance, lines, repeat(str))):
        lines = ["" if line is None else str(line) for line in lines]
    return lines, lengths


class TurnPhrases(TransformerMixin, BaseEstimator):
    """0/1 features: which word 1-2 grams (1-grams only without `bigrams`) each
    document says within one of its lines, names masked, lower-cased.

    A document is a list of lines (a contact's turns of one speaker), a string whose
    lines are separated by newlines, or a whole batch as ``FlatLines``.
    Fitting keeps the phrases said in at least `min_df` documents and, of those, the
    `max_features` said in the most documents (ties: alphabetical order); columns
    are in alphabetical order of the phrases, as scikit-learn's vectorisers do.
    """

    def __init__(self, *, min_df: int = 1, max_features: int | None = None, bigrams: bool = True):
        self.min_df = min_df
        self.max_features = max_features
        self.bigrams = bigrams

    def __getstate__(self) -> dict:
        # The hash table is derived from vocabulary_: never persisted.
        return {k: v for k, v in super().__getstate__().items() if k != "_hash"}

    def fit(self, raw_documents: object, y: object = None) -> TurnPhrases:
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents: object, y: object = None) -> sp.csr_matrix:
        if not (isinstance(self.min_df, int | np.integer) and self.min_df >= 1):
            raise ValueError(
                f"min_df must be a whole number of documents >= 1, not {self.min_df!r}"
            )
        if self.max_features is not None and not (
            isinstance(self.max_features, int | np.integer) and self.max_features >= 1
        ):
            raise ValueError(f"max_features must be None or >= 1, not {self.max_features!r}")
        lines, lengths = _documents(raw_documents)
        line_codes, distinct = pd.factorize(pd.Series(lines, dtype=object), sort=False)
        rows, cols, terms = _line_terms(_masked_lower(distinct.tolist()), self.bigrams)
        counts = self._per_document(line_codes, lengths, len(distinct), rows, cols, len(terms))
        counts.data[:] = 1.0
        frequency = np.bincount(counts.indices, minlength=len(terms))
        names = np.asarray(terms, dtype=object)
        keep = np.flatnonzero(frequency >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            alphabetical = np.argsort(np.argsort(names[keep]))
            keep = keep[np.lexsort((alphabetical, -frequency[keep]))[: self.max_features]]
        if not len(keep):
            raise ValueError(
                "no phrases remain: the documents hold no word said in at least "
                f"{self.min_df} of them"
            )
        keep = keep[np.argsort(names[keep])]
        self.vocabulary_ = {str(term): i for i, term in enumerate(names[keep].tolist())}
        return sp.csr_matrix(counts[:, keep])

    def transform(self, raw_documents: object) -> sp.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        lines, lengths = _documents(raw_documents)
        line_codes, distinct = pd.factorize(pd.Series(lines, dtype=object), sort=False)
        table = self._hash_table()
        if table is not None:
            rows, cols = self._hashed_terms(table, distinct.tolist())
        else:  # two phrases share a hash: the exact string path
            rows, cols, _ = _line_terms(
                _masked_lower(distinct.tolist()), self.bigrams, self.vocabulary_
            )
        n_terms = len(self.vocabulary_)
        counts = self._per_document(line_codes, lengths, len(distinct), rows, cols, n_terms)
        counts.data[:] = 1.0
        return counts

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "vocabulary_")
        names = np.empty(len(self.vocabulary_), dtype=object)
        for term, i in self.vocabulary_.items():
            names[i] = term
        return names

    def restricted(self, keep: np.ndarray) -> TurnPhrases:
        """A fitted copy that counts only the phrases of the columns `keep` (a boolean
        mask), in their order: this step and a selection after it, as one step. Scoring
        uses it: a smaller hash table and no columns built only to be dropped."""
        copy = clone(self)
        names = self.get_feature_names_out()[np.asarray(keep, dtype=bool)]
        copy.vocabulary_ = {term: i for i, term in enumerate(names.tolist())}
        return copy

    @staticmethod
    def _per_document(line_codes, lengths, n_lines, rows, cols, n_terms) -> sp.csr_matrix:
        """(document x distinct line) @ (distinct line x term): occurrences per document
        (the product holds each (document, term) once; its indices are not sorted)."""
        line_terms = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_lines, n_terms))
        # Built from its row pointers: no COO conversion, no sort (the product sums a
        # line repeated within a document all the same).
        doc_lines = sp.csr_matrix(
            (np.ones(len(line_codes)), line_codes, np.concatenate([[0], np.cumsum(lengths)])),
            shape=(len(lengths), n_lines),
        )
        counts = sp.csr_matrix(doc_lines @ line_terms)
        return counts

    def _hash_table(self) -> tuple[pd.Index, np.ndarray] | None:
        """64-bit hashes of the vocabulary's terms and their column ids (derived from
        ``vocabulary_``, rebuilt when it changes, never persisted); None when two terms
        share a hash (then the exact string path is used)."""
        owner, table = self.__dict__.get("_hash", (None, None))
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
        self.__dict__["_hash"] = (self.vocabulary_, table)
        return table

    def _hashed_terms(self, table, lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(line, term id) of the vocabulary's 1-2 grams per line, by hash lookup."""
        index, ids = table
        line, hashes = token_hashes(lines, mask=True)

        def lookup(keys: np.ndarray) -> np.ndarray:
            at = index.get_indexer(keys)
            return np.where(at >= 0, ids[at], -1)

        uni = lookup(hashes)
        rows, cols = [line[uni >= 0]], [uni[uni >= 0]]
        if self.bigrams and len(hashes) > 1:
            same = line[1:] == line[:-1]
            bi = lookup(bigram_hashes(hashes[:-1][same], hashes[1:][same]))
            rows.append(line[1:][same][bi >= 0])
            cols.append(bi[bi >= 0])
        return np.concatenate(rows), np.concatenate(cols)
