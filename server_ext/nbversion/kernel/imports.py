"""Which names the kernel's import statements bound, so a save can record them as imports.

A module, function or class says where it comes from (``__name__``, ``__module__``), but
a constant does not: ``pi`` after ``from math import pi`` is just a float. The cells the
kernel ran do say it, so this module reads their import statements (IPython keeps the
executed cells in ``In``), each cell once, and maps every name an import bound to
``(module, attribute)``: ``{"pi": ("math", "pi"), "np": ("numpy", None)}``. A later
assignment to the name is harmless: the capture uses the hint only if looking the
attribute up still gives the very object the name holds (see :mod:`..capture.import_kind`).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..capture import import_kind
from ..store.objects import ObjectStore
from ..store.records import VariableRecord

Hint = tuple[str, str | None]


@dataclass
class ImportScanner:
    """Incremental scan of the executed cells' import statements (module level only)."""

    hints: dict[str, Hint] = field(default_factory=dict)
    _seen: int = 0
    _history: int = 0

    def scan(self, namespace: Mapping[str, Any]) -> dict[str, Hint]:
        """Names bound by import statements of the cells run so far (``In``), newest wins."""
        cells = namespace.get("In")
        if not isinstance(cells, list):
            return self.hints
        if id(cells) != self._history or len(cells) < self._seen:  # a new history: restart
            self.hints, self._seen, self._history = {}, 0, id(cells)
        for source in cells[self._seen :]:
            if isinstance(source, str) and "import" in source:
                self.hints.update(bindings(source))
        self._seen = len(cells)
        return self.hints


def bindings(source: str) -> dict[str, Hint]:
    """``name -> (module, attribute)`` for the module-level imports in one cell's code.

    Imports inside functions and classes bind local names and are left out; those under
    ``if``/``try``/``with``/``for`` at module level count. ``from x import *`` and relative
    imports are skipped (nothing to name, nothing to resolve).
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    out: dict[str, Hint] = {}
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:  # import a.b as c: c is a.b
                    out[alias.asname] = (alias.name, None)
                else:  # import a.b: binds a
                    top = alias.name.partition(".")[0]
                    out[top] = (top, None)
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for alias in node.names:
                if alias.name != "*":
                    out[alias.asname or alias.name] = (node.module, alias.name)
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for child in reversed(list(ast.iter_child_nodes(node))):
                if isinstance(child, ast.stmt):
                    stack.append(child)
    return out


def record(
    name: str,
    value: Any,
    hint: Hint | None,
    previous: VariableRecord | None,
    objects: ObjectStore,
    fingerprint: Any,
) -> tuple[VariableRecord, bool] | None:
    """The manifest record of ``name`` when it is bound by an import, else None.

    Returns ``(record, reused)``: the previous record when the reference is unchanged (same
    module, attribute and package version), else a new one whose object is the reference's
    tiny JSON header. ``fingerprint`` is the snapshot's fingerprint function.
    """
    ref = import_kind.reference(value, hint)
    if ref is None:
        return None
    enc = import_kind.encoded(name, value, ref)
    fp = fingerprint(enc)
    if previous is not None and previous.get("fingerprint") == fp:
        return previous.copy(), True
    return {
        "oid": objects.put_json({"kind": enc.kind, "meta": enc.meta}),
        "buffers": [],
        "kind": enc.kind,
        "type": enc.type_name,
        "summary": enc.summary,
        "size": 0,
        "stats": enc.stats,
        "needs_trust": False,
        "fingerprint": fp,
    }, False


def is_import(rec: VariableRecord | None) -> bool:
    """Whether a manifest record is an import reference."""
    return rec is not None and rec["kind"] == import_kind.KIND


def live_matches(rec: VariableRecord, namespace: Mapping[str, Any], name: str) -> bool:
    """Whether the live ``name`` already is the object an import record names (a restore
    then leaves it alone). Never imports: a module not loaded yet cannot be bound."""
    meta = (rec.get("stats") or {}).get("import") or {}
    module, attr = meta.get("module"), meta.get("attr")
    if name not in namespace or not isinstance(module, str):
        return False
    found = import_kind.loaded(module, attr if isinstance(attr, str) else None)
    return found is namespace[name]
