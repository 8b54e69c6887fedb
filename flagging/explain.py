"""Why a contact was flagged: the features that pushed its score up, in words.

In a linear model the log-odds are a sum of (coefficient x feature value), so a
feature's contribution is exactly that product. Text features are tf-idf
weights (0 when the phrase is absent) and one-hot features are 0/1, so their
contributions are relative to "absent". Numeric features are standardised, so
theirs are relative to the training average: a CSAT of 1 pushes up because it is
below the average CSAT, not because 1 is large.

Only positive contributions explain a flag. Products are computed on the sparse
matrix (only non-zero entries), and only when explanations are asked for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer


def _fragment(ngram: str) -> str:
    """A char n-gram as a word fragment: ' thi' -> 'thi…', 'ird ' -> '…ird'."""
    core = ngram.strip()
    head = "" if ngram.startswith(" ") else "…"
    tail = "" if ngram.endswith(" ") else "…"
    return f"{head}{core}{tail}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _numeric_text(name: str, row: pd.Series | _Row) -> str:
    value = float(row[name])
    if name == "hold_s":
        if value >= 60:
            return f"hold over {_plural(int(value // 60), 'minute')}"
        return f"hold of {value:.0f} s"
    if name == "hold_over_3min":
        return "hold over 3 minutes" if value else "no hold over 3 minutes"
    if name == "longest_gap_s":
        return f"silence of {value:.0f} s"
    if name == "duration_s":
        return f"duration {value / 60:.0f} min"
    if name == "turns":
        return _plural(int(value), "turn")
    if name == "agent_turn_ratio":
        return f"agent/customer turn ratio {value:.1f}"
    if name == "csat":
        return "no CSAT" if row["csat_missing"] else f"CSAT {value:.0f} of 5"
    if name == "csat_missing":
        return "no CSAT" if value else "CSAT given"
    if name == "csat_low":
        return "CSAT 2 or lower" if value else "CSAT above 2"
    if name == "timing_missing":
        return "no turn timestamps" if value else "turn timestamps present"
    if name == "repeat_contacts":
        return f"{_plural(int(value), 'contact')} in 30 days"
    return f"{name} = {value:g}"


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


def reason_text(kind: str, detail: str, row: pd.Series | _Row) -> str:
    """One readable reason, e.g. 'customer said "third time"' or 'hold over 4 minutes'."""
    if kind in ("topic", "queue", "issue"):
        return f"{kind}: {detail}"
    if kind.endswith("_words"):
        return f'{kind.split("_")[0]} said "{detail}"'
    if kind.endswith("_chars"):
        return f'{kind.split("_")[0]} said "{_fragment(detail)}"'
    if kind == "channel":
        return f"channel: {detail}"
    if kind == "tenure_band":
        return f"agent tenure {detail}"
    return _numeric_text(kind, row)


def top_reasons(
    matrix: sp.csr_array | sp.csr_matrix,
    coef: np.ndarray,
    labels: list[tuple[str, str]],
    readable: pd.DataFrame,
    top: int,
) -> list[list[dict]]:
    """Per row, the `top` largest positive contributions as {reason, feature, weight}.

    Reasons with the same text (a phrase found both as a word and a char n-gram
    is reported once per n-gram; two numeric columns can read alike) are merged
    by adding their weights.
    """
    csr = sp.csr_array(matrix)
    contributions = csr.data * coef[csr.indices]
    # One sort for the whole batch: by row, then by contribution, largest first.
    row_of = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    positive = np.flatnonzero(contributions > 0)
    order = positive[np.lexsort((-contributions[positive], row_of[positive]))]
    bounds = np.searchsorted(row_of[order], np.arange(csr.shape[0] + 1)).tolist()
    weights, features = contributions[order].tolist(), csr.indices[order].tolist()
    values = _Row({name: readable[name].to_numpy() for name in readable.columns})
    out: list[list[dict]] = []
    for i in range(csr.shape[0]):
        merged: dict[str, dict] = {}
        values.i = i
        for j in range(bounds[i], bounds[i + 1]):
            if len(merged) >= top:
                break
            kind, detail = labels[features[j]]
            text = reason_text(kind, detail, values)
            entry = merged.setdefault(text, {"reason": text, "feature": "", "weight": 0.0})
            entry["feature"] = entry["feature"] or f"{kind}:{detail}"
            entry["weight"] = round(entry["weight"] + weights[j], 4)
        out.append(sorted(merged.values(), key=lambda e: -e["weight"]))
    return out


class _Row:
    """Row `i` of the readable features, read value by value (``row[name]``): the
    few numeric reasons quote a value, so no Series is built per row."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self.columns, self.i = columns, 0

    def __getitem__(self, name: str) -> object:
        return self.columns[name][self.i]
