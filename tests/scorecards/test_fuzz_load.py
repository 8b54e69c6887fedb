"""Fuzzing the scorecard loader: whatever text arrives, ``load_text`` returns a
card or raises ``ScorecardError`` with problems; never anything else, never a
file read from the server."""

from __future__ import annotations

import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

import scorecards
from scorecards import ScorecardError
from tests.fuzzing import ENCODINGS, budget, hostile_text, tried

LIBRARY = scorecards.to_dict(scorecards.load_library("inbound_support_call"))
HOSTILE_YAML = [
    "!!python/object/apply:os.system ['echo pwned']",
    "!!python/object/new:subprocess.Popen [['id']]",
    "!!python/name:os.system",
    "a: !!binary aGVsbG8=",
    "name: !custom_tag x",
    "&a [*a]",  # a recursive alias
    "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "name: x\nsections: *i\n",  # a billion laughs
    "[" * 50_000,  # refused before parsing
    "{" * 50_000,
    "- " * 5_000 + "x",
    "\x00name: x",
    "\ufeffname: x",
    "name: x\nname: y",  # a duplicate key
    '{"name": 1e999999, "sections": []}',
    "---\nname: a\n---\nname: b\n",  # two documents
    "/etc/passwd.yaml",  # looks like a path: must not be read
    "scorecards/library/inbound_support_call.yaml",
    "%YAML 9.9\n---\nx",
    "? [a, b]\n: c",
    "name: 2026-11-26\nsections: 12",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "key",
                    "sections",
                    "questions",
                    "kind",
                    "points",
                    "text",
                    "options",
                    "critical",
                    "x",
                ]
            )
            | hostile_text,
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@st.composite
def mutated_cards(draw) -> object:
    """The library card with one field swapped for something hostile or of the wrong type."""
    card = json.loads(json.dumps(LIBRARY))
    target = card
    path = draw(st.lists(st.integers(0, 5), min_size=1, max_size=4))
    for step in path[:-1]:
        children = list(target.values()) if isinstance(target, dict) else target
        containers = [c for c in children if isinstance(c, dict | list)]
        if not containers:
            break
        target = containers[step % len(containers)]
    value = draw(json_values)
    if isinstance(target, dict) and target:
        keys = sorted(target)
        target[keys[path[-1] % len(keys)]] = value
    elif isinstance(target, list) and target:
        target[path[-1] % len(target)] = value
    return card


@st.composite
def texts(draw) -> str:
    kind = draw(st.sampled_from(["hostile", "bytes", "json", "yaml", "mutated", "text"]))
    if kind == "hostile":
        return draw(st.sampled_from(HOSTILE_YAML))
    if kind == "bytes":
        raw = draw(st.binary(max_size=600))
        return raw.decode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if kind == "json":
        return json.dumps(draw(json_values))
    if kind == "yaml":
        return yaml.safe_dump(draw(json_values), allow_unicode=draw(st.booleans()))
    if kind == "mutated":
        card = draw(mutated_cards())
        return json.dumps(card) if draw(st.booleans()) else yaml.safe_dump(card)
    return draw(hostile_text)


def _load(text: str) -> None:
    try:
        card = scorecards.load_text(text)
    except ScorecardError as exc:
        assert exc.problems and all(isinstance(p.message, str) for p in exc.problems)
        assert all(len(p.message) < 2_000 for p in exc.problems)  # bounded, even for bombs
    else:
        assert scorecards.load_text(scorecards.dump(card)) == card


@given(texts())
@budget(400)
def test_any_text_loads_or_is_refused_with_problems(text):
    tried("scorecards.load_text (pure loader)")
    _load(text)


@given(mutated_cards())
@budget(300)
def test_any_dict_validates_without_raising(card):
    tried("scorecards.validate / from_dict (pure)")
    problems = scorecards.validate(card)
    assert isinstance(problems, list)
    if not problems:
        assert scorecards.to_dict(scorecards.from_dict(card)) is not None


def test_every_hostile_yaml_sample_is_refused_cleanly():
    for text in HOSTILE_YAML:
        tried("scorecards.load_text (pure loader)")
        _load(text)
        try:
            scorecards.load_text(text)
        except ScorecardError:
            continue
        raise AssertionError(f"accepted {text[:60]!r}")
