"""Shared pieces of the fuzz tests: hostile input strategies, the example
budget, and a tally of how many inputs each entry point was fed.

The tally is printed at the end of the run (``tests/conftest.py``) so the figure
"hostile inputs tried per entry point" comes from the run itself. Set
``QA_FUZZ_SCALE`` (default 1) to multiply every example budget, as
``bench/fuzz_counts.py`` does.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

TRIED: Counter[str] = Counter()
# Hypothesis profiles: ``ci`` (what ``make test`` and CI run, set by
# tests/run_suites.py) gives every property its full budget; ``dev`` (the default
# for a bare ``pytest``, the local loop) a tenth, so the cores' tests take about
# ten seconds. ``QA_FUZZ_SCALE`` overrides either (bench/fuzz_counts.py uses it).
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
if PROFILE not in ("dev", "ci"):
    raise RuntimeError(f"HYPOTHESIS_PROFILE must be dev or ci, not {PROFILE!r}")
SCALE = float(os.environ.get("QA_FUZZ_SCALE", "1" if PROFILE == "ci" else "0.1"))
settings.register_profile("ci", deadline=None, database=None)
settings.register_profile("dev", deadline=None, database=None)
settings.load_profile(PROFILE)


def tried(entry_point: str) -> None:
    TRIED[entry_point] += 1


def budget(examples: int) -> settings:
    """Bounded, no deadline (the machine is shared), no example database on
    disk; function-scoped fixtures are fine because each property checks a
    difference (rows before/after), not an absolute state."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# Text a person (or an attacker) might put in a cell: markup, formulas,
# bidi and zero-width characters, NUL and other control characters, surrogates
# escaped, very long runs.
NASTY = [
    "",
    " ",
    "\x00",
    "\x00\x01\x02",
    "\ufeff",
    "\u202e\u202d\u200b\u2028\u2029",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "{{7*7}}",
    "${7*7}",
    "'; DROP TABLE interactions; --",
    "\r\n\r\n",
    '"',
    '""""',
    "\\",
    "NaN",
    "Infinity",
    "-1",
    "1e400",
    "99999999999999999999999999",
    "2026-02-30T25:61:00",
    "true",
    "null",
    "x" * 70_000,
    "😀" * 500,
]
hostile_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252", "utf-32"]


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")
