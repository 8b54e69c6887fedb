"""Why a contact was flagged, as reasons a reviewer can act on.

In a linear model the log-odds are a sum of (coefficient x feature value), so a
feature's contribution is exactly that product. Text features are 0/1 (the phrase
was said or not) and one-hot features 0/1, so their contributions are relative to
"absent". Numeric features are standardised, so theirs are relative to the
training average: a CSAT of 1 pushes up because it is below the average CSAT.
Only positive contributions explain a flag.

A reason is one of two kinds:

- ``turn``: the turn of the transcript that carries the signal. The positive
  contributions of the phrases a speaker said are traced back to the turns that
  contain them, and turns are chosen greedily: the turn whose phrases add up to
  the most, then the turn that adds the most *new* phrases, and so on. The reason
  quotes the turn (trimmed around its strongest phrase), gives its speaker, number
  and start time, and names the behaviour when ``behaviours.BEHAVIOURS`` knows it.
  Phrases a reviewer cannot act on (stop words, contraction pieces, names,
  numbers: ``behaviours.reason_terms``) keep their weight in the score but never
  make or pick a turn.
- ``fact``: a named fact about the contact ("long hold: 7 min", "CSAT 1 of 5",
  "3 earlier contacts in 30 days"). Facts that only say something is absent
  ("no hold over 3 minutes") or describe the data ("no turn timestamps") are not
  reasons.

Each reason carries its weight (for ordering) and a strength word; pages show the
word, never the coefficient.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer

from flagging import behaviours
from flagging.features import TEXT_SPEAKERS
from flagging.frame import TurnTable
from flagging.textvec import FlatLines

STRENGTHS: tuple[tuple[float, str], ...] = ((1.0, "strong"), (0.4, "moderate"), (0.0, "weak"))
"""Weight (log-odds added) -> word: 1.0 multiplies the odds by e (2.7), 0.4 by 1.5."""
SPEAKER_NAMES = {0: "agent", 1: "customer"}


def strength(weight: float) -> str:
    return next(word for floor, word in STRENGTHS if weight >= floor)


def feature_labels(columns: ColumnTransformer) -> list[tuple[str, str]]:
    """(kind, detail) per output column of the fitted ColumnTransformer."""
    labels: list[tuple[str, str]] = [("", "")] * int(
        max(s.stop for s in columns.output_indices_.values())
    )
    for name, transformer, source in columns.transformers_:
        if name == "remainder":
            continue
        piece = columns.output_indices_[name]
        if name == "category":
            names = [
                (col, str(value))
                for col, values in zip(source, transformer.categories_, strict=True)
                for value in values
            ]
        elif name == "metadata":
            names = []
            for output in transformer.get_feature_names_out(source):
                column = next(c for c in source if output.startswith(f"{c}_"))
                value = output[len(column) + 1 :].replace("infrequent_sklearn", "(rare value)")
                names.append((column, value))
        elif name == "numeric":
            names = [(col, col) for col in source]
        else:
            vocabulary = transformer.get_feature_names_out()
            names = [(name, str(term)) for term in vocabulary]
        labels[piece] = names
    return labels


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{round(seconds / 60)} min"


def _numeric_fact(name: str, row: _Row, above: bool) -> str | None:
    """A numeric feature in words; `above`: the value is above the training average."""
    value = float(row[name])
    if name in ("hold_s", "hold_over_3min"):
        hold = float(row["hold_s"])
        return f"long hold: {_duration(hold)}" if above and hold > 0 else None
    if name == "longest_gap_s":
        return f"long silence: {value:.0f} s" if above and value > 0 else None
    if name == "duration_s":
        return f"{'long' if above else 'short'} contact: {_duration(value)}"
    if name == "turns":
        return f"{'many' if above else 'few'} turns: {int(value)}"
    if name == "agent_turn_ratio":
        return f"the {'agent' if above else 'customer'} took most of the turns"
    if name in ("csat", "csat_low") and not row["csat_missing"]:
        return None if name == "csat_low" and not value else f"CSAT {row['csat']:.0f} of 5"
    if name == "csat_missing":
        return "no CSAT answer" if value else None
    if name == "repeat_contacts":
        earlier = _plural(int(value), "earlier contact")
        return f"{earlier} in 30 days" if above and value > 0 else None
    return None  # timing_missing and any other: a property of the data, not a reason


def fact_text(kind: str, detail: str, row: _Row, above: bool) -> str | None:
    """One fact about the contact in words, or None when it is no reason to look."""
    if kind in ("topic", "queue", "issue"):
        return None if detail in ("(none)", "(rare value)") else f"{kind}: {detail}"
    if kind == "channel":
        return f"channel: {detail}"
    if kind == "tenure_band":
        return None if detail == "unknown" else f"agent tenure {detail}"
    return _numeric_fact(kind, row, above)


def _facts(csr, coef, labels, readable: pd.DataFrame, text: np.ndarray) -> list[list[dict]]:
    values = _Row({name: readable[name].to_numpy() for name in readable.columns})
    other = np.flatnonzero(~text)
    facts = sp.csr_array(csr[:, other])
    out: list[list[dict]] = []
    for i in range(facts.shape[0]):
        lo, hi = facts.indptr[i], facts.indptr[i + 1]
        cols = other[facts.indices[lo:hi]]
        scaled = facts.data[lo:hi]
        weights = scaled * coef[cols]
        values.i = i
        merged: dict[str, dict] = {}
        for col, value, weight in zip(
            cols.tolist(), scaled.tolist(), weights.tolist(), strict=True
        ):
            if weight <= 0:
                continue
            kind, detail = labels[col]
            said = fact_text(kind, detail, values, value > 0)
            if said is None:
                continue
            entry = merged.setdefault(said, {"kind": "fact", "reason": said, "weight": 0.0})
            entry.setdefault("feature", f"{kind}:{detail}")
            entry["weight"] += weight
        out.append(list(merged.values()))
    return out


def _cover(candidates: list[tuple[int, set[int]]], weight: dict[int, float], top: int):
    """Greedy: the turn adding the most weight of phrases not yet covered, `top` times."""
    covered: set[int] = set()
    for _ in range(top):
        best, best_weight = None, 0.0
        for turn, cols in candidates:
            gain = sum(weight[c] for c in cols if c not in covered)
            if gain > best_weight + 1e-12:
                best, best_weight = (turn, cols - covered), gain
        if best is None:
            return
        covered |= best[1]
        yield best[0], best[1], best_weight


def _turns(csr, coef, columns: ColumnTransformer, turns: TurnTable, top: int) -> list[list]:
    """Per row, candidate turn reasons as (weight, make-the-reason arguments): the
    quote and behaviour are only worked out for the reasons finally chosen."""
    n = csr.shape[0]
    out: list[list] = [[] for _ in range(n)]
    first_of_doc = np.searchsorted(turns.doc, np.arange(n))
    for name, transformer, source in columns.transformers_:
        speaker = TEXT_SPEAKERS.get(source) if isinstance(source, str) else None
        if speaker is None:
            continue  # only the phrases of a speaker's turns are quoted
        piece = columns.output_indices_[name]
        terms = transformer.get_feature_names_out()
        shown = np.flatnonzero(behaviours.reason_terms(terms) & (coef[piece] > 0))
        if not len(shown):
            continue
        keep = np.flatnonzero(turns.speaker == speaker)
        lines = [turns.text[t] for t in keep.tolist()]
        ones = np.ones(len(lines), dtype=np.int64)
        per_turn = sp.csr_array(transformer.transform(FlatLines(lines, ones)))[:, shown]
        per_turn = sp.csr_array(per_turn)
        block = sp.csr_array(sp.csr_array(csr[:, piece])[:, shown])
        block_coef = coef[piece][shown]
        bounds = np.searchsorted(turns.doc[keep], np.arange(n + 1)).tolist()
        has_phrase = np.flatnonzero(np.diff(per_turn.indptr))
        turn_bounds = np.searchsorted(has_phrase, bounds).tolist()
        for i in np.flatnonzero(np.diff(block.indptr)).tolist():
            lo, hi = block.indptr[i], block.indptr[i + 1]
            cols = block.indices[lo:hi]
            weights = (block.data[lo:hi] * block_coef[cols]).tolist()
            weight = dict(zip(cols.tolist(), weights, strict=True))
            candidates = []
            for t in has_phrase[turn_bounds[i] : turn_bounds[i + 1]].tolist():
                said = per_turn.indices[per_turn.indptr[t] : per_turn.indptr[t + 1]].tolist()
                candidates.append((t, set(said) & weight.keys()))
            for t, cols_new, total in _cover(candidates, weight, top):
                phrase = str(terms[shown[max(cols_new, key=weight.__getitem__)]])
                at = int(keep[t])
                args = (name, speaker, turns.start[at], at - first_of_doc[i], lines[t], phrase)
                out[i].append((total, args))
    return out


def _turn_reason(block, speaker, start, position, text, phrase, weight) -> dict:
    who = SPEAKER_NAMES[speaker]
    named = behaviours.behaviour(text) if who == "customer" else None
    quoted = behaviours.quote(text, phrase)
    return {
        "kind": "turn",
        "reason": f'{who} {named or "said"}: "{quoted}"',
        "speaker": who,
        "behaviour": named,
        "turn": int(position) + 1,
        "start_s": None if np.isnan(start) else float(start),
        "quote": quoted,
        "phrase": phrase,
        "feature": f"{block}:{phrase}",
        "weight": weight,
    }


def reasons(
    matrix: sp.csr_array | sp.csr_matrix,
    coef: np.ndarray,
    columns: ColumnTransformer,
    readable: pd.DataFrame,
    turns: TurnTable,
    top: int,
) -> list[list[dict]]:
    """Per row, the `top` strongest reasons (turns and facts), strongest first."""
    csr = sp.csr_array(matrix)
    labels = feature_labels(columns)
    text = np.zeros(len(labels), dtype=bool)
    for name, _transformer, source in columns.transformers_:
        if isinstance(source, str) and source in TEXT_SPEAKERS:
            text[columns.output_indices_[name]] = True
    facts = _facts(csr, coef, labels, readable, text)
    said = _turns(csr, coef, columns, turns, top)
    out = []
    for row_facts, row_turns in zip(facts, said, strict=True):
        candidates = [(r["weight"], r) for r in row_facts] + row_turns
        chosen = []
        for weight, reason in sorted(candidates, key=lambda c: -c[0])[:top]:
            if isinstance(reason, tuple):
                reason = _turn_reason(*reason, weight)
            reason["weight"] = round(float(weight), 4)
            reason["strength"] = strength(reason["weight"])
            chosen.append(reason)
        out.append(chosen)
    return out


class _Row:
    """Row `i` of the readable features, read value by value (``row[name]``): the
    few numeric reasons quote a value, so no Series is built per row."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self.columns, self.i = columns, 0

    def __getitem__(self, name: str) -> object:
        return self.columns[name][self.i]
