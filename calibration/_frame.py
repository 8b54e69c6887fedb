"""Input validation shared by the statistics.

Every public function takes a long DataFrame; these helpers check the columns,
drop missing values (a null value is the same as an absent row) and refuse
duplicate ratings, which would otherwise be counted twice without a sound.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

RATING_COLUMNS = ("unit", "rater", "value")
TOTAL_COLUMNS = ("interaction", "rater", "total")


def require_columns(frame: object, columns: Sequence[str], what: str) -> pd.DataFrame:
    """Return `frame` if it is a DataFrame with `columns`, else raise ValueError."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} is missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"expected {', '.join(repr(c) for c in columns)}, "
            f"got {', '.join(repr(str(c)) for c in frame.columns) or 'no columns'}"
        )
    return frame


def _refuse_duplicates(frame: pd.DataFrame, keys: list[str], what: str) -> None:
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        example = frame.loc[dup, keys].drop_duplicates().head(3).to_dict("records")
        raise ValueError(
            f"{what} has more than one row for the same {' and '.join(keys)} "
            f"(e.g. {example}); keep one rating per {keys[0]} and {keys[1]}"
        )


def clean_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """Columns unit, rater, value; rows with a null value dropped; no duplicates."""
    frame = require_columns(ratings, RATING_COLUMNS, "ratings")
    frame = frame.loc[frame["value"].notna(), list(RATING_COLUMNS)]
    _refuse_duplicates(frame, ["unit", "rater"], "ratings")
    return frame.reset_index(drop=True)


def clean_numeric(frame: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    """Like clean_ratings for (key, rater, number) frames such as totals or ICC scores."""
    key, rater, number = columns
    frame = require_columns(frame, columns, what)
    frame = frame.loc[:, list(columns)].copy()
    try:
        frame[number] = pd.to_numeric(frame[number]).astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}[{number!r}] must hold numbers or nulls: {exc}") from exc
    frame = frame.loc[frame[number].notna()]
    _refuse_duplicates(frame, [key, rater], what)
    return frame.reset_index(drop=True)


def is_numeric(values: pd.Series) -> bool:
    """True when every value is a real number (bools are categories, not numbers)."""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    return all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)
        for v in values
    )


def value_codes(
    values: pd.Series, categories: Sequence[object] | None, *, ordered: bool
) -> tuple[np.ndarray, list[object]]:
    """Map values to integer codes 0..V-1 and return (codes, domain).

    With `categories` the domain is exactly that list, in that order, unused
    entries included (they matter for weighted kappa). Without it, numbers are
    sorted and other values keep a stable, sorted-by-text order; `ordered`
    demands an order we can trust, so non-numeric values then need categories.
    """
    if categories is not None:
        domain = list(categories)
        if len(set(domain)) != len(domain):
            raise ValueError("categories must not repeat a value")
        index = pd.Index(domain)
        codes = index.get_indexer(values)
        if (codes < 0).any():
            unknown = sorted({str(v) for v in values[codes < 0]})[:5]
            raise ValueError(f"values not in categories: {', '.join(unknown)}")
        return codes.astype(np.intp), domain
    if is_numeric(values):
        numbers = values.astype(float).to_numpy()
        domain_arr, codes = np.unique(numbers, return_inverse=True)
        return codes.astype(np.intp), domain_arr.tolist()
    if ordered:
        raise ValueError(
            "ordered statistics on non-numeric values need an ordered `categories` list"
        )
    domain = sorted(pd.unique(values), key=lambda v: (type(v).__name__, str(v)))
    codes = pd.Index(domain).get_indexer(values)
    return codes.astype(np.intp), domain


def count_table(units: pd.Series, codes: np.ndarray, n_values: int) -> tuple[np.ndarray, list]:
    """Units x values table of how many raters gave each value (rows: units in order seen)."""
    unit_codes, unit_index = pd.factorize(units)
    flat = np.bincount(unit_codes * n_values + codes, minlength=len(unit_index) * n_values)
    return flat.reshape(len(unit_index), n_values), list(unit_index)
