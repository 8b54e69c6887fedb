"""Reading and writing scorecards: YAML/JSON text or files, and plain dicts.

``to_dict`` is the storage format (the application keeps it as JSON in the
database): canonical and compact. Fields equal to their defaults are left out,
numbers that are whole are written as ints, scale ``answer_points`` keys are
strings (JSON object keys must be). ``from_dict(to_dict(card)) == card`` always.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from scorecards import auto
from scorecards._kinds import normalize_answer
from scorecards.errors import Problem, ScorecardError
from scorecards.model import DEFAULT_SCALE, Critical, Option, Question, Scorecard, Section
from scorecards.validate import validate

_SUFFIXES = (".yaml", ".yml", ".json")
MAX_TEXT = 1_000_000  # a real scorecard is a few kilobytes
MAX_DEPTH = 64  # a scorecard nests four or five levels
MAX_NODES = 200_000  # values once aliases are expanded; the largest library card has ~1,000


def load(source: str | Path | dict) -> Scorecard:
    """Load and validate a scorecard from a file path, YAML/JSON text or a dict.

    A ``str`` that is a single line ending in .yaml/.yml/.json is a path.
    Raises ``ScorecardError`` listing every problem (unparsable text included)
    and ``OSError`` when a path cannot be read.
    """
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.lower().endswith(_SUFFIXES)
    ):
        path = Path(source)
        text = path.read_text(encoding="utf-8")
        return from_dict(_parse(text, json_first=path.suffix.lower() == ".json"))
    if isinstance(source, str):
        return from_dict(_parse(source, json_first=source.lstrip().startswith("{")))
    return from_dict(source)


def load_text(text: str) -> Scorecard:
    """Load and validate a scorecard from YAML/JSON text, never from a path.

    For text that came from outside (an upload, an API body): ``load`` would
    read a one-line text ending in ``.yaml`` as a file name on the server.
    Raises only ``ScorecardError``, whatever the text holds.
    """
    if len(text) > MAX_TEXT:
        raise ScorecardError([Problem("", f"the text is longer than {MAX_TEXT:,} characters")])
    if _flow_depth(text) > MAX_DEPTH:
        message = f"brackets nested more than {MAX_DEPTH} levels deep"
        raise ScorecardError([Problem("", message)])
    return from_dict(_parse(text, json_first=text.lstrip().startswith("{")))


def _flow_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting anywhere in the text, quotes included.

    PyYAML's scanner slows down quadratically with flow nesting (50,000 ``[``
    take seconds), so absurd nesting is refused before parsing. Brackets inside
    quoted text count too: simpler than tracking YAML's quoting rules, and no
    real scorecard has dozens of unclosed brackets in its guidance."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


class _Loader(yaml.SafeLoader):
    """``yaml.safe_load``, except that a key given twice in one mapping is an
    error (PyYAML keeps the last one silently: ``points: 1`` then ``points: 5``
    would publish 5 without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults": merged keys may be overridden, by design
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: the base class reports it
            if first is not key_node:
                lines = (first.start_mark.line + 1, key_node.start_mark.line + 1)
                where = f"lines {lines[0]} and {lines[1]}" if lines[0] != lines[1] else (
                    f"line {lines[0]}")  # fmt: skip
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping ({where})",
                    key_node.start_mark,
                )  # fmt: skip
        return super().construct_mapping(node, deep=deep)


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded.

    Aliases share one node, so 16 kB of ``*a`` lists can stand for millions of
    questions (validating them never ended); counted per distinct node, once."""
    sizes: dict[int, int] = {}
    pending: set[int] = set()  # nodes whose children are being counted
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = [n for pair in node.value for n in pair] if isinstance(
            node, yaml.MappingNode) else list(node.value)  # fmt: skip
        if children_done:
            pending.discard(id(node))
            sizes[id(node)] = min(1 + sum(sizes[id(c)] for c in children), MAX_NODES + 1)
        elif id(node) in pending:
            return MAX_NODES + 1  # "&a [*a]": a node inside itself never ends
        else:
            pending.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _safe_load(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_NODES:
            raise ScorecardError(
                [Problem("", f"the text expands to more than {MAX_NODES:,} values (aliases)")]
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("a key appears twice")  # the YAML reading names it and its line
    return obj


def _parse(text: str, json_first: bool) -> Any:
    if json_first:
        try:
            return json.loads(text, object_pairs_hook=_unique_keys)
        except (ValueError, RecursionError):
            pass  # YAML is a superset in practice; let it report the error.
    try:
        return _safe_load(text)
    except ScorecardError:
        raise
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        # ValueError: a well-formed but impossible value, e.g. 2026-02-30.
        raise ScorecardError([Problem("", f"not valid YAML or JSON: {exc}")]) from exc
    except RecursionError as exc:  # "[[[[...": deeper than the parser can follow
        raise ScorecardError([Problem("", "not valid YAML or JSON: nested too deeply")]) from exc


def from_dict(data: Any) -> Scorecard:
    """Build a Scorecard from its dict form; ``ScorecardError`` if it is invalid."""
    problems = validate(data)
    if problems:
        raise ScorecardError(problems)
    return Scorecard(
        name=data["name"],
        channel=data.get("channel") or "any",
        description=data.get("description") or "",
        sections=tuple(_section(s) for s in data["sections"]),
    )


def _section(data: dict) -> Section:
    weight = data.get("weight")
    return Section(
        key=data["key"],
        title=data["title"],
        weight=None if weight is None else float(weight),
        questions=tuple(_question(q) for q in data["questions"]),
    )


def _question(data: dict) -> Question:
    kind = data["kind"]
    options = tuple(
        Option(o["key"], o["label"], float(o["points"])) for o in data.get("options") or ()
    )
    if kind == "choice":
        points = max(o.points for o in options)
    else:
        points = float(data.get("points") or 0.0)
    lo, hi = (data.get("min"), data.get("max")) if kind == "scale" else (None, None)
    critical = data.get("critical")
    required = data.get("required")
    return Question(
        key=data["key"],
        text=data["text"],
        kind=kind,
        points=points,
        guidance=data.get("guidance") or "",
        allow_na=bool(data.get("allow_na")),
        required=kind != "text" if required is None else required,
        min=DEFAULT_SCALE[0] if kind == "scale" and lo is None else lo,
        max=DEFAULT_SCALE[1] if kind == "scale" and hi is None else hi,
        options=options,
        answer_points=tuple(
            sorted(
                (normalize_answer(kind, k), float(v))
                for k, v in (data.get("answer_points") or {}).items()
            )
        ),
        critical=None
        if critical is None
        else Critical(
            scope=critical["scope"],
            fail_on=tuple(normalize_answer(kind, a) for a in critical["fail_on"]),
        ),
        error_family=data.get("error_family"),
        auto=auto.load(kind, data.get("auto")),
    )


def _n(x: float) -> float | int:
    """Whole numbers as ints: ``points: 5`` reads better than ``points: 5.0``."""
    return int(x) if x.is_integer() else x


def to_dict(card: Scorecard) -> dict:
    """The canonical, JSON-safe dict form of a card (see the module docstring)."""
    out: dict[str, Any] = {"name": card.name, "channel": card.channel}
    if card.description:
        out["description"] = card.description
    out["sections"] = [_section_dict(s) for s in card.sections]
    return out


def _section_dict(section: Section) -> dict:
    out: dict[str, Any] = {"key": section.key, "title": section.title}
    if section.weight is not None:
        out["weight"] = _n(section.weight)
    out["questions"] = [question_dict(q) for q in section.questions]
    return out


def question_dict(q: Question) -> dict:
    out: dict[str, Any] = {"key": q.key, "text": q.text, "kind": q.kind}
    if q.kind != "text":
        out["points"] = _n(q.points)
    if q.guidance:
        out["guidance"] = q.guidance
    if q.allow_na:
        out["allow_na"] = True
    if q.required != (q.kind != "text"):
        out["required"] = q.required
    if q.kind == "scale":
        out["min"], out["max"] = q.scale_range
    if q.options:
        out["options"] = [
            {"key": o.key, "label": o.label, "points": _n(o.points)} for o in q.options
        ]
    if q.answer_points:
        out["answer_points"] = {str(a): _n(p) for a, p in q.answer_points}
    if q.critical is not None:
        out["critical"] = {"scope": q.critical.scope, "fail_on": list(q.critical.fail_on)}
    if q.error_family is not None:
        out["error_family"] = q.error_family
    if q.auto:
        out["auto"] = auto.dump(q.auto)
    return out


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text (guidance) as readable ``|`` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(card: Scorecard) -> str:
    """The card as YAML text, in canonical field order; ``load(dump(c)) == c``."""
    return yaml.dump(to_dict(card), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
