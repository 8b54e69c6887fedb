"""Every kind of in-app notification can also go by e-mail: each kind the code
passes to ``notify()`` has a label and a default in ``mail.preferences.KINDS``."""

from __future__ import annotations

import ast
from pathlib import Path

import qa_app
from qa_app.mail.preferences import KINDS

ROOT = Path(qa_app.__file__).parent


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "text" assignments."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def notified_kinds() -> dict[str, str]:
    """kind -> where it is sent, for every ``notify(user, kind, ...)`` in qa_app."""
    kinds = {}
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        names = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "notify"):
                continue
            arg = node.args[1] if len(node.args) > 1 else None
            if isinstance(arg, ast.Constant):
                kinds[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            elif isinstance(arg, ast.Name) and arg.id in names:
                kinds[names[arg.id]] = f"{path.relative_to(ROOT)}:{node.lineno}"
            else:
                raise AssertionError(f"{path}:{node.lineno}: notify's kind is not a literal")
    return kinds


def test_every_notification_kind_has_an_email_preference() -> None:
    kinds = notified_kinds()
    assert len(kinds) >= 7
    missing = {k: where for k, where in kinds.items() if k not in KINDS}
    assert missing == {}
